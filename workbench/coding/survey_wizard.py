"""The import wizard's logic, without Qt: a file's columns with their roles, turned into a
survey definition and checked live against the file.

The wizard (``workbench/ui/import_wizard.py``) shows one ``ColumnSpec`` per column of the
file, first as ``workbench.importer.infer.guess_columns`` guessed it; the user edits roles,
keys, score↔text pairs, scales and bands. ``check`` builds the definition from the specs
(``definition_from_guesses``, then the user's scales and bands), checks that it holds
together (``SurveyDefinition.from_dict``) and reads the whole file with it
(``parse_survey``), and returns every problem attached to the column it concerns, so the
wizard can mark that column's row.

Roles: ``id``, ``year``, ``score`` (with its follow-up ``text`` column), ``text`` (a
score's follow-up), ``open`` (an open question alone), ``variable`` and ``ignore``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Optional

from workbench.coding.definition import DONT_KNOW, KEY_RE, SurveyDefinition
from workbench.errors import InputError, Msg, Problem
from workbench.importer.infer import (BAND_PRESETS, ColumnGuess, ScaleGuess, bands_for, definition_from_guesses,
                                      guess_columns, slug)

ROLES = ("id", "year", "score", "text", "open", "variable", "ignore")
SCALE_PRESETS = tuple(BAND_PRESETS)   # "1-5", "0-10", "1-7", "1-10"
CUSTOM = "custom"
VARIABLE_TYPES = ("category", "number")
PREVIEW_VALUES = 6


@dataclass
class ColumnSpec:
    """One column of the file as the wizard shows and edits it."""

    column: str
    role: str = "ignore"
    key: str = ""
    partner: Optional[str] = None            # score: its follow-up text column
    scale: Optional[tuple[int, int]] = None  # score: the valid range
    preset: str = ""                         # score: a SCALE_PRESETS name or CUSTOM
    bands: dict[str, tuple[int, int]] = field(default_factory=dict)
    dont_know: list[int] = field(default_factory=list)
    type: str = "category"                   # variable: category | number
    reason: str = ""                         # why the guess
    preview: str = ""                        # the first distinct values
    guess: Optional[ColumnGuess] = None

    def set_preset(self, preset: str) -> None:
        """A preset scale with its bands (1-5, 0-10, 1-7, 1-10); CUSTOM keeps the bands."""
        self.preset = preset
        if preset == CUSTOM:
            return
        lo, hi = (int(x) for x in preset.split("-"))
        self.scale = (lo, hi)
        self.bands = _ranges(bands_for(lo, hi))
        self.dont_know = [d for d in self.dont_know if not lo <= d <= hi]

    def set_bands(self, bands: dict[str, tuple[int, int]]) -> None:
        """Own bands: the scale is their span (a custom scale)."""
        self.bands = dict(bands)
        if bands:
            self.scale = (min(a for a, _b in bands.values()), max(b for _a, b in bands.values()))
        preset = f"{self.scale[0]}-{self.scale[1]}" if self.scale else ""
        self.preset = preset if preset in BAND_PRESETS and _ranges(bands_for(*self.scale)) == self.bands else CUSTOM


def _ranges(bands: dict[str, Any]) -> dict[str, tuple[int, int]]:
    out = {}
    for b, r in bands.items():
        a, _sep, c = str(r).partition("-")
        out[b] = (int(a), int(c or a))
    return out


def format_range(r: tuple[int, int]) -> str:
    return str(r[0]) if r[0] == r[1] else f"{r[0]}-{r[1]}"


def format_bands(bands: dict[str, tuple[int, int]]) -> str:
    """``negativ 0-6, neutral 7-8, positiv 9-10`` (what the wizard's band cell shows)."""
    return ", ".join(f"{b} {format_range(r)}" for b, r in bands.items())


_BAND_ITEM = re.compile(r"^\s*([A-Za-zÆØÅæøå_][\wÆØÅæøå\-]*)\s*[:=]?\s*(-?\d+)\s*(?:(?:-|–|\.\.)\s*(-?\d+))?\s*$")


def parse_bands(text: str) -> dict[str, tuple[int, int]]:
    """``negativ 0-6, neutral 7-8, positiv 9-10`` (``:`` optional) → {band: (lo, hi)};
    ValueError naming the part it cannot read."""
    out: dict[str, tuple[int, int]] = {}
    for part in re.split(r"[,;\n]", text):
        if not part.strip():
            continue
        m = _BAND_ITEM.match(part)
        if not m:
            raise ValueError(Msg("{0!r} is not a band such as 'negativ 1-2'", part.strip()))
        name, a, b = m.group(1), int(m.group(2)), int(m.group(3) if m.group(3) is not None else m.group(2))
        if a > b:
            raise ValueError(Msg("{0!r}: the range runs backwards", part.strip()))
        if name in out:
            raise ValueError(Msg("band {0!r} is given twice", name))
        out[name] = (a, b)
    if not out:
        raise ValueError(Msg("give the bands, such as 'negativ 1-2, neutral 3, positiv 4-5'"))
    return out


def parse_codes(text: str) -> list[int]:
    """``99, 98`` → [99, 98]; ValueError for anything that is not a whole number."""
    out = []
    for part in re.split(r"[,;\s]+", text.strip()):
        if part:
            if not re.fullmatch(r"-?\d+", part):
                raise ValueError(Msg("{0!r} is not a whole number", part))
            out.append(int(part))
    return out


def preview_of(table, column_index: int, n: int = PREVIEW_VALUES, width: int = 40) -> str:
    """The first ``n`` distinct values of a column, shortened, separated by ' · '."""
    seen: list[str] = []
    for row in table.rows:
        v = str(row[column_index]).strip() if column_index < len(row) else ""
        if v and v not in seen:
            seen.append(v)
            if len(seen) >= n:
                break
    return " · ".join(v if len(v) <= width else v[: width - 1] + "…" for v in seen)


def specs_from_table(table, guesses: Optional[list[ColumnGuess]] = None) -> list[ColumnSpec]:
    """The wizard's first state: every column with its guessed role, key, scale and bands."""
    guesses = guesses if guesses is not None else guess_columns(table)
    out = []
    for i, g in enumerate(guesses):
        role = g.role
        if role == "text" and g.partner is None:
            role = "open"
        sp = ColumnSpec(column=g.column, role=role, key=g.key or slug(g.column), partner=g.partner if role == "score" else None,
                        type=g.type or "category", reason=g.reason, preview=preview_of(table, i), guess=g)
        if role == "score":
            _take_scale(sp, g.scale or ScaleGuess(scale=(1, 5)))
        out.append(sp)
    return out


def ensure_scored(spec: ColumnSpec, table=None) -> None:
    """A column made a score by hand gets a scale from its values (or 1-5) and its bands."""
    if spec.scale is not None:
        return
    from workbench.importer.infer import guess_scale

    s = guess_scale(spec.guess.profile) if spec.guess is not None and spec.guess.profile is not None else None
    _take_scale(spec, s or ScaleGuess(scale=(1, 5)))


def _take_scale(spec: ColumnSpec, s: ScaleGuess) -> None:
    """A score column's scale, don't-knows and bands from a guess: the matching band preset
    where there is one, else the scale split in three."""
    spec.dont_know = list(s.dont_know)
    preset = f"{s.scale[0]}-{s.scale[1]}"
    if preset in BAND_PRESETS:
        spec.set_preset(preset)
    else:
        spec.scale, spec.bands, spec.preset = s.scale, _ranges(bands_for(*s.scale)), CUSTOM


def text_columns(specs: list[ColumnSpec]) -> list[str]:
    """Columns that may follow a score up (role ``text``)."""
    return [s.column for s in specs if s.role == "text"]


# -- the check -------------------------------------------------------------------------------
@dataclass
class CheckResult:
    definition: Optional[SurveyDefinition]       # None while it does not hold together
    raw: dict                                    # the definition dict (YAML format)
    # problems per file column, and of no one column: ``Msg``s, English as strings, which the
    # wizard says in the UI's language (``workbench.ui.i18n.trm``)
    by_column: dict[str, list[Msg]] = field(default_factory=dict)
    general: list[Msg] = field(default_factory=list)
    respondents: int = 0                         # rows read (when the definition holds)

    @property
    def ok(self) -> bool:
        return self.definition is not None and not self.by_column and not self.general


def _local_problems(specs: list[ColumnSpec]) -> tuple[dict[str, list[Msg]], list[Msg]]:
    by: dict[str, list[Msg]] = {}
    general: list[Msg] = []
    add = lambda col, msg: by.setdefault(col, []).append(msg)  # noqa: E731
    ids = [s for s in specs if s.role == "id"]
    if not ids:
        general.append(Msg("choose the column holding the respondent id (role: id)"))
    for s in ids[1:]:
        add(s.column, Msg("only one column can be the id ({0!r} is already)", ids[0].column))
    years = [s for s in specs if s.role == "year"]
    for s in years[1:]:
        add(s.column, Msg("only one column can be the year ({0!r} is already)", years[0].column))
    if not any(s.role in ("score", "open") for s in specs):
        general.append(Msg("no question: give at least one column the role score or open text"))
    keys: dict[str, str] = {}
    paired: dict[str, str] = {}
    by_col = {s.column: s for s in specs}
    for s in specs:
        if s.role in ("score", "open", "variable"):
            if not s.key:
                add(s.column, Msg("give a key (letters, digits, _)"))
            elif not KEY_RE.match(s.key):
                add(s.column, Msg("key {0!r} may hold only letters, digits, '_', '-' and '.'", s.key))
            elif s.key in keys:
                add(s.column, Msg("key {0!r} is also used by column {1!r}", s.key, keys[s.key]))
            else:
                keys[s.key] = s.column
        if s.role == "score":
            if s.partner:
                p = by_col.get(s.partner)
                if p is None or p.role != "text":
                    add(s.column, Msg("its text column {0!r} does not have the role text", s.partner))
                elif s.partner in paired:
                    add(s.column, Msg("text column {0!r} already follows {1!r} up", s.partner, paired[s.partner]))
                else:
                    paired[s.partner] = s.column
            if not s.bands:
                add(s.column, Msg("give the bands (a preset or your own)"))
    for s in specs:
        if s.role == "text" and s.column not in paired:
            add(s.column, Msg("a follow-up text needs its score column (pair it there), or make it an open text"))
    return by, general


def build_definition(table, specs: list[ColumnSpec], name: str, year: Optional[int] = None) -> dict:
    """The definition dict (contract YAML format) the specs describe."""
    by_col = {s.column: s for s in specs}
    follow = {s.partner: s.column for s in specs if s.role == "score" and s.partner}
    guesses = []
    for s in specs:
        g = ColumnGuess(column=s.column, role="ignore", key=s.key,
                        profile=s.guess.profile if s.guess is not None else None, type=s.type)
        if s.role in ("id", "year", "variable"):
            g.role = s.role
        elif s.role == "score":
            g.role, g.partner = "score", s.partner if s.partner in by_col and by_col[s.partner].role == "text" else None
            sg = s.guess.scale if s.guess is not None and s.guess.scale is not None else None
            g.scale = ScaleGuess(scale=s.scale or (1, 5), dont_know=list(s.dont_know),
                                 scale_labels=dict(sg.scale_labels) if sg else {},
                                 dont_know_label=sg.dont_know_label if sg else "")
        elif s.role == "text" and s.column in follow:
            g.role, g.partner = "text", follow[s.column]
        elif s.role == "open":
            g.role = "text"
        guesses.append(g)
    d = definition_from_guesses(table, guesses, name)
    if year is not None and "year_column" not in d:
        d = {"survey": d["survey"], "respondent_id": d["respondent_id"], "year": int(year),
             **{k: v for k, v in d.items() if k not in ("survey", "respondent_id")}}
    score_spec = {s.column: s for s in specs if s.role == "score"}
    for q in d["questions"]:
        s = score_spec.get(q.get("score"))
        if s is None:
            continue
        lo, hi = s.scale or (1, 5)
        q["scale"] = f"{lo}-{hi}"
        q["bands"] = {b: (a if a == c else f"{a}-{c}") for b, (a, c) in s.bands.items()}
        if "scale_labels" in q:
            q["scale_labels"] = {k: v for k, v in q["scale_labels"].items() if lo <= int(k) <= hi}
            if not q["scale_labels"]:
                del q["scale_labels"]
        dk = [x for x in s.dont_know if not lo <= x <= hi]
        if dk:
            q["dont_know"] = dk
        else:
            q.pop("dont_know", None)
            q.pop("dont_know_label", None)
    return d


_ENTRY = re.compile(r"^(questions|variables)\[(\d+)\]")


def _entry_column(entry: Optional[str], raw: dict) -> Optional[str]:
    """The file column a definition entry (``questions[2] (samlet).bands``) concerns."""
    if not entry:
        return None
    if entry.startswith("respondent_id"):
        return raw.get("respondent_id")
    if entry.startswith("year_column"):
        return raw.get("year_column")
    m = _ENTRY.match(entry)
    if not m:
        return None
    items = raw.get(m.group(1)) or []
    i = int(m.group(2)) - 1  # entries count from 1
    if not 0 <= i < len(items):
        return None
    item = items[i]
    if m.group(1) == "questions":
        rest = entry[m.end():]
        if ".text" in rest and item.get("text"):
            return item["text"]
        return item.get("score") or item.get("text")
    return item.get("column")


def _summarise(problems: list[Problem]) -> list[Msg]:
    """Row problems of one column, folded: one line per message (with its rows) when there
    are few kinds, else the count and the first examples."""
    per: dict[str, list[int]] = {}
    other: list[Msg] = []
    for p in problems:
        if p.row is None:
            other.append(_msg(p.problem))
        else:
            per.setdefault(_msg(p.problem), []).append(p.row)
    out = list(dict.fromkeys(other))
    if len(per) <= 2:
        for msg, rows in per.items():
            shown: Any = ", ".join(map(str, rows[:3]))
            if len(rows) > 3:
                shown = Msg("{0} and {1} more", shown, len(rows) - 3)
            out.append(Msg("rows {0}: {1}", shown, msg) if len(rows) > 1 else Msg("row {0}: {1}", shown, msg))
    elif per:
        n = len({r for rows in per.values() for r in rows})
        (r1, m1), (r2, m2) = sorted((rows[0], msg) for msg, rows in per.items())[:2]
        out.append(Msg("{0} rows: {1}; {2}; …", n, Msg("row {0}: {1}", r1, m1), Msg("row {0}: {1}", r2, m2)))
    return out


def _msg(text: str) -> Msg:
    """A problem's text as a ``Msg`` (one not written as one is said as it is)."""
    return text if isinstance(text, Msg) else Msg("{0}", text)


def check(table, specs: list[ColumnSpec], name: str, year: Optional[int] = None) -> CheckResult:
    """Build the definition from the specs and check it and the whole file; every problem
    is attached to the column it concerns where there is one."""
    from workbench.importer.survey import parse_survey, with_file_labels

    by, general = _local_problems(specs)
    raw = build_definition(table, specs, name or "", year) if any(s.role == "id" for s in specs) else {}
    res = CheckResult(definition=None, raw=raw, by_column=by, general=general)
    if not raw:
        return res
    if not (name or "").strip():
        general.append(Msg("give the survey a name"))
    if by or general:
        return res
    try:
        defn = SurveyDefinition.from_dict(raw, file=Msg("the survey definition"))
    except InputError as e:
        for p in e.problems:
            col = _entry_column(p.entry, raw)
            msg = _msg(p.problem)
            if col is None:
                general.append(Msg("{0}: {1}", p.entry, msg) if p.entry else msg)
            else:
                by.setdefault(col, []).append(msg)
        return res
    defn = with_file_labels(defn, table)
    parsed, problems = parse_survey(table, defn, None, year if not defn.year_column else None)
    per_col: dict[str, list[Problem]] = {}
    for p in problems:
        if p.column and p.column in {s.column for s in specs}:
            per_col.setdefault(p.column, []).append(p)
        else:
            general.append(p.msg())
    for col, ps in per_col.items():
        by.setdefault(col, []).extend(_summarise(ps))
    if not parsed and not problems:
        general.append(Msg("the file holds no respondents"))
    res.respondents = len(parsed)
    res.definition = defn
    return res


def band_names(specs: list[ColumnSpec]) -> list[str]:
    """Every band the specs use (for a custom band's name suggestions)."""
    out: list[str] = []
    for s in specs:
        out += [b for b in s.bands if b not in out]
    return out + ([DONT_KNOW] if any(s.dont_know for s in specs) else [])
