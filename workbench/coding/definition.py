"""A questionnaire's shape as data: its questions, scales, bands and background variables.

Every survey the workbench holds is described by a ``SurveyDefinition`` — the YAML format of
the contract ("Any questionnaire"), kept whole in the project (``Survey.definition``) so that
each wave knows how it was read. Nothing outside this module knows what a survey asks: the
importer reads columns through it, the grid and filters offer its questions, bands and
variables, and the exports group by its variables and label by its scales. The jobcentre
survey is one definition among others (``workbench/coding/definitions/jobcenter.yaml``).

A definition file::

    survey: Borgerservice
    respondent_id: Løbenr
    year: 2024                       # or year_column: Aar (--year on the command line wins)
    questions:
      - key: samlet
        score: Spm1                  # the score column (omit for an open question)
        text: Spm1_uddyb             # the open follow-up
        question: Hvor tilfreds er du samlet set?
        topic: Samlet tilfredshed    # optional short title
        scale: 0-10
        scale_labels: {0: Meget utilfreds, 10: Meget tilfreds}
        bands: {negativ: 0-6, neutral: 7-8, positiv: 9-10}
        dont_know: [99]              # band ved_ikke
        dont_know_label: Ved ikke
        prompts: {negativ: Hvad var ikke godt?, positiv: Hvad gjorde det godt?}
    variables:
      - key: koen
        column: Køn
        label: Køn                   # optional display name
        values: {1: Kvinde, 2: Mand} # code -> label; the label is the group in exports
        strict: true                 # a value outside ``values`` is an error
        descriptions: {Kvinde: ...}  # optional longer text per group, for the UI and reports
      - key: alder
        column: Alder
        type: number
        range: 10-110                # optional plausible range
        bins: [18, 30, 50, 67]       # groups 18-29, 30-49, 50-66, 67+, under-18
        bin_labels: [...]            # optional, one per bin (and the one below first, if any)
      - key: omraade
        from: afdeling               # derived: map keys are the source's labels or values
        map: {Nord: Land, Syd: By}
    report:                          # optional: how the report breaks the survey down
      group_by: omraade              # the default grouping of exports and the report draft
      controls: [koen, alder]        # covariates of the distributions' OLS
"""
from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional

import yaml

from workbench.errors import InputError, Msg, Problem

DONT_KNOW = "ved_ikke"
STANDARD_BANDS = ("negativ", "neutral", "positiv", DONT_KNOW)
BAND_LABELS = {"negativ": "Negativ", "neutral": "Neutral", "positiv": "Positiv", DONT_KNOW: "Ved ikke"}
BUILTIN_DIR = Path(__file__).with_name("definitions")
KEY_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")
_RANGE_RE = re.compile(r"^\s*(-?\d+)\s*(?:-|–|\.\.)\s*(-?\d+)\s*$")
_INT_RE = re.compile(r"^\s*-?\d+(?:[.,]0+)?\s*$")
_NUM_RE = re.compile(r"^\s*-?\d+(?:[.,]\d+)?\s*$")
_FIELDS_Q = {"key", "score", "text", "question", "topic", "scale", "scale_labels", "bands", "dont_know",
             "dont_know_label", "prompts"}
_FIELDS_V = {"key", "column", "label", "type", "values", "strict", "descriptions", "bins", "bin_labels", "range",
             "from", "map", "parts", "parts_section", "part_weights", "required", "optional"}
_FIELDS_TOP = {"survey", "respondent_id", "year", "year_column", "questions", "variables", "report", "description"}


def parse_int(v: Any) -> Optional[int]:
    """A whole number from a cell ("4", " 4 ", "4.0", "4,0"); None for blank; ValueError else."""
    if v is None:
        return None
    if isinstance(v, bool):
        raise ValueError(v)
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        if math.isnan(v):
            return None
        if v.is_integer():
            return int(v)
        raise ValueError(v)
    v = str(v).strip()
    if not v:
        return None
    if len(v) < 16 and v.isascii() and v.isdigit():
        return int(v)
    if not _INT_RE.match(v):
        raise ValueError(v)
    return int(float(v.replace(",", ".")))


def parse_number(v: Any) -> Optional[float | int]:
    """A number from a cell (decimal comma allowed); integral values as int; None for blank."""
    if v is None:
        return None
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if isinstance(v, float) and math.isnan(v):
            return None
        return int(v) if float(v).is_integer() else float(v)
    v = str(v).strip()
    if not v:
        return None
    if not _NUM_RE.match(v):
        raise ValueError(v)
    f = float(v.replace(",", "."))
    return int(f) if f.is_integer() else f


def _range(v: Any) -> tuple[int, int]:
    """``"0-10"``, ``"3"``, ``3`` or ``[0, 10]`` as an inclusive integer range."""
    if isinstance(v, bool):
        raise ValueError(v)
    if isinstance(v, int):
        return v, v
    if isinstance(v, (list, tuple)) and len(v) == 2:
        a, b = parse_int(v[0]), parse_int(v[1])
    else:
        m = _RANGE_RE.match(str(v))
        if m:
            a, b = int(m.group(1)), int(m.group(2))
        else:
            a = b = parse_int(v)
    if a is None or b is None or a > b:
        raise ValueError(v)
    return a, b


def _fmt_range(r: tuple[int, int]) -> str:
    return str(r[0]) if r[0] == r[1] else f"{r[0]}-{r[1]}"


def _code(v: Any) -> str:
    """A value code as text: 1, 1.0 and "1" are the same code."""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


@dataclass
class QuestionDef:
    """One question: a scored question with its open follow-up, or an open question alone."""

    key: str
    text: Optional[str] = None          # the column holding the open answer
    score: Optional[str] = None         # the column holding the score
    question: str = ""                  # the wording
    topic: str = ""                     # a short title
    scale: Optional[tuple[int, int]] = None
    scale_labels: dict[int, str] = field(default_factory=dict)
    bands: dict[str, tuple[int, int]] = field(default_factory=dict)
    dont_know: list[int] = field(default_factory=list)
    dont_know_label: str = "Ved ikke"
    prompts: dict[str, str] = field(default_factory=dict)

    @property
    def scored(self) -> bool:
        return self.score is not None

    @property
    def title(self) -> str:
        return self.topic or self.question or self.key

    def valid_scores(self) -> list[int]:
        lo, hi = self.scale or (0, -1)
        return list(range(lo, hi + 1)) + [d for d in self.dont_know if not (lo <= d <= hi)]

    def in_scale(self, score: Optional[int]) -> bool:
        return score is not None and self.scale is not None and self.scale[0] <= score <= self.scale[1]

    @functools.cached_property
    def _band_table(self) -> dict[int, str]:
        out = {d: DONT_KNOW for d in self.dont_know}
        for band, (lo, hi) in self.bands.items():
            for v in range(lo, hi + 1):
                out.setdefault(v, band)
        return out

    def band_of(self, score: Optional[int]) -> Optional[str]:
        """The band of a score; None for a missing score or an open question. A score outside
        the scale and not a "don't know" raises ValueError."""
        if score is None or not self.scored:
            return None
        try:
            return self._band_table[int(score)]
        except KeyError:
            raise ValueError(Msg("score {0!r} is not {1}", score, self.describe_scale())) from None

    def describe_scale(self) -> Msg:
        """``0–10, 99 or blank``: what a score cell may hold (a ``Msg``, for messages)."""
        s: Any = f"{self.scale[0]}–{self.scale[1]}" if self.scale else Msg("a score")
        if self.dont_know:
            s = Msg("{0}, {1}", s, ", ".join(map(str, self.dont_know)))
        return Msg("{0} or blank", s)

    def score_label(self, score: int) -> str:
        """The scale label of a score ("4" when the scale names only its ends)."""
        if score in self.dont_know and score not in self.scale_labels:
            return self.dont_know_label
        return self.scale_labels.get(score, str(score))

    def scale_label_list(self) -> list[str]:
        """Labels of every in-scale score, then of the don't-know scores (charts, tables)."""
        return [self.score_label(v) for v in self.valid_scores()]

    def prompt(self, band: Optional[str]) -> str:
        """The follow-up the respondent saw for a band (the general one when only one is given)."""
        if band in self.prompts:
            return self.prompts[band]
        if len(self.prompts) == 1:
            return next(iter(self.prompts.values()))
        return self.prompts.get("alle", "")

    def to_dict(self) -> dict:
        d: dict[str, Any] = {"key": self.key}
        if self.score:
            d["score"] = self.score
        if self.text:
            d["text"] = self.text
        for k in ("question", "topic"):
            if getattr(self, k):
                d[k] = getattr(self, k)
        if self.scale:
            d["scale"] = _fmt_range(self.scale)
        if self.scale_labels:
            d["scale_labels"] = dict(self.scale_labels)
        if self.bands:
            d["bands"] = {b: _fmt_range(r) for b, r in self.bands.items()}
        if self.dont_know:
            d["dont_know"] = list(self.dont_know)
            d["dont_know_label"] = self.dont_know_label
        if self.prompts:
            d["prompts"] = dict(self.prompts)
        return d


@dataclass
class VariableDef:
    """A background variable: read from a column (category or number), or derived from another."""

    key: str
    column: Optional[str] = None
    label: str = ""
    type: str = "category"              # category | number
    values: dict[str, str] = field(default_factory=dict)   # code -> label
    strict: bool = False
    descriptions: dict[str, str] = field(default_factory=dict)
    bins: list[float] = field(default_factory=list)
    bin_labels: list[str] = field(default_factory=list)
    range: Optional[tuple[float, float]] = None
    source: Optional[str] = None        # ``from``: the variable a derived one is computed from
    map: dict[str, str] = field(default_factory=dict)
    parts: dict[str, float] = field(default_factory=dict)   # weighted sum of columns (years*12 + months)
    parts_section: Optional[str] = None  # a --mapping section naming the parts' columns by role …
    part_weights: dict[str, float] = field(default_factory=dict)  # … and each role's weight ({years: 12, months: 1})
    required: bool = False              # every respondent must have a value
    optional: bool = False              # the file may lack the column (the variable is then empty)

    @property
    def derived(self) -> bool:
        return self.source is not None

    @property
    def title(self) -> str:
        return self.label or self.key

    @functools.cached_property
    def _lookup(self) -> dict[str, str]:
        """Every accepted spelling of a value → its code: the code, the code in lower case,
        the label and the label in lower case (files hold either form)."""
        out: dict[str, str] = {}
        canonical: dict[str, str] = {}  # several codes of one label (K, kvinde): the first stands for all
        for code, label in self.values.items():
            canonical.setdefault(label, code)
        for code, label in self.values.items():
            out.setdefault(code, canonical[label])
        for code, label in self.values.items():
            out.setdefault(label, canonical[label])
        for code, label in list(self.values.items()):
            out.setdefault(code.lower(), canonical[label])
            out.setdefault(label.lower(), canonical[label])
        return out

    def read(self, raw: str) -> Any:
        """A cell as the stored value: a category's code, a number; ValueError when invalid."""
        raw = raw.strip()
        if not raw:
            return None
        if self.type == "number":
            try:
                v = parse_number(raw)
            except ValueError:
                raise ValueError(Msg("{0} {1!r} is not a number", self.key, raw)) from None
            if v is not None and self.range and not (self.range[0] <= v <= self.range[1]):
                raise ValueError(Msg("{0} {1!r} is outside {2:g}–{3:g}", self.key, raw, self.range[0], self.range[1]))
            return v
        if self.values:
            code = self._lookup.get(raw) or self._lookup.get(raw.lower()) or self._lookup.get(_code(raw))
            if code is not None:
                return code
            if self.strict:
                labels = list(dict.fromkeys(self.values.values()))
                if len(labels) <= 3:
                    raise ValueError(Msg("{0} {1!r} is not {2}", self.key, raw, _or(labels)))
                raise ValueError(Msg("unknown {0} {1!r} (known: {2})", self.key, raw, ", ".join(labels[:30])))
        return _code(raw)

    def bin_names(self) -> list[str]:
        """Names of the bins, the one below the first bin first."""
        return list(self._bin_names)

    @functools.cached_property
    def _bin_names(self) -> tuple[str, ...]:
        if not self.bins:
            return ()
        if self.bin_labels:
            return tuple(self.bin_labels) if len(self.bin_labels) == len(self.bins) + 1 else tuple(
                ["under-" + _num(self.bins[0])] + list(self.bin_labels))
        names = ["under-" + _num(self.bins[0])]
        for a, b in zip(self.bins, self.bins[1:]):
            names.append(f"{_num(a)}-{_num(b - 1) if float(b).is_integer() and float(a).is_integer() else _num(b)}")
        names.append(f"{_num(self.bins[-1])}+")
        return tuple(names)

    def bin_of(self, v) -> Optional[str]:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return None
        names = self._bin_names
        i = 0
        while i < len(self.bins) and v >= self.bins[i]:
            i += 1
        return names[i]

    def group_of_value(self, v: Any) -> Optional[str]:
        """The group a stored value falls in: its label, its bin, or the value itself."""
        if v is None or v == "":
            return None
        if self.type == "number":
            if self.bins:
                return self.bin_of(v)
            return _num(v)
        return self.values.get(str(v), str(v))

    def group_order(self) -> list[str]:
        """Groups in the order the definition names them (report order)."""
        if self.type == "number":
            return self.bin_names()
        return list(dict.fromkeys(self.values.values()))

    def to_dict(self) -> dict:
        d: dict[str, Any] = {"key": self.key}
        if self.source:
            d["from"] = self.source
            d["map"] = dict(self.map)
        else:
            d["column"] = self.column
        if self.label:
            d["label"] = self.label
        if self.type != "category":
            d["type"] = self.type
        for k in ("values", "descriptions", "bins", "bin_labels", "parts", "part_weights"):
            if getattr(self, k):
                d[k] = (dict if isinstance(getattr(self, k), dict) else list)(getattr(self, k))
        for k in ("strict", "required", "optional"):
            if getattr(self, k):
                d[k] = True
        if self.range:
            d["range"] = f"{_num(self.range[0])}-{_num(self.range[1])}"
        if self.parts_section:
            d["parts_section"] = self.parts_section
        return d


def _num(v) -> str:
    f = float(v)
    return str(int(f)) if f.is_integer() else f"{f:g}"


@dataclass
class SurveyDefinition:
    """A whole questionnaire (see the module docstring for the YAML)."""

    name: str
    respondent_id: str
    questions: list[QuestionDef]
    variables: list[VariableDef] = field(default_factory=list)
    year: Optional[int] = None
    year_column: Optional[str] = None
    report: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    file: str = "survey definition"

    # -- look-ups --------------------------------------------------------------------
    def question(self, key: str) -> Optional[QuestionDef]:
        return self._questions.get(key)

    def variable(self, key: str) -> Optional[VariableDef]:
        return self._variables.get(key)

    @functools.cached_property
    def _questions(self) -> dict[str, QuestionDef]:
        return {q.key: q for q in self.questions}

    @functools.cached_property
    def _variables(self) -> dict[str, VariableDef]:
        return {v.key: v for v in self.variables}

    @property
    def question_keys(self) -> list[str]:
        return [q.key for q in self.questions]

    @property
    def variable_keys(self) -> list[str]:
        return [v.key for v in self.variables]

    @property
    def bands(self) -> list[str]:
        """Every band of the survey's questions: the standard ones first, in their order."""
        seen: list[str] = []
        for q in self.questions:
            seen += [b for b in q.bands if b not in seen]
            if q.dont_know and DONT_KNOW not in seen:
                seen.append(DONT_KNOW)
        return [b for b in STANDARD_BANDS if b in seen] + [b for b in seen if b not in STANDARD_BANDS]

    @property
    def default_group(self) -> Optional[str]:
        """The grouping exports and the report use unless told otherwise."""
        g = self.report.get("group_by")
        if g in self._variables:
            return g
        cats = [v.key for v in self.variables if v.type == "category"]
        return cats[0] if cats else (self.variables[0].key if self.variables else None)

    @property
    def primary_group(self) -> Optional[str]:
        """The variable the grid shows beside each answer: the finest category read from a column."""
        g = self.report.get("grid_group")
        if g in self._variables:
            return g
        cats = [v.key for v in self.variables if v.type == "category" and not v.derived]
        return cats[0] if cats else self.default_group

    def parents(self, key: str) -> list[str]:
        """Variables derived from ``key`` (main group from subgroup): a group is tested against
        the rest of its parent group."""
        return [v.key for v in self.variables if v.source == key]

    def band_label(self, band: Optional[str]) -> str:
        return BAND_LABELS.get(band or "", band or "")

    # -- groups ------------------------------------------------------------------------
    def group_of(self, key: str, values: dict[str, Any]) -> Optional[str]:
        """The group of variable ``key`` for a respondent's stored ``values``."""
        v = self._variables[key]
        if v.derived:
            src = self._variables[v.source]
            raw = values.get(v.source) if not src.derived else None
            if src.derived:
                label = self.group_of(src.key, values)
                return v.map.get(label) if label is not None else None
            if raw is None or raw == "":
                return None
            label = src.group_of_value(raw)
            hit = v.map.get(label)
            if hit is None:
                hit = v.map.get(str(raw))
            return hit
        return v.group_of_value(values.get(key))

    def stored_key(self, key: str) -> str:
        """The stored variable a variable's group is computed from: itself, or the root of a
        chain of derived variables."""
        v = self._variables[key]
        while v.derived:
            v = self._variables[v.source]
        return v.key

    def group_columns(self, values: list[dict[str, Any]],
                      keys: Optional[Iterable[str]] = None) -> dict[str, list[Optional[str]]]:
        """The group of every variable (or of ``keys`` only) for many respondents' stored values
        at once: each variable's distinct values are grouped once (16,000 respondents, a few
        hundred values)."""
        out: dict[str, list[Optional[str]]] = {}
        wanted = None if keys is None else set(keys)
        for v in self.variables:
            if wanted is not None and v.key not in wanted:
                continue
            src = self.stored_key(v.key)
            memo: dict[Any, Optional[str]] = {}
            col = []
            for vals in values:
                raw = vals.get(src)
                try:
                    g = memo[raw]
                except KeyError:
                    g = memo[raw] = self.group_of(v.key, {src: raw}) if raw is not None else None
                except TypeError:  # an unhashable stored value: group it alone
                    g = self.group_of(v.key, vals)
                col.append(g)
            out[v.key] = col
        return out

    def group_order(self, key: str) -> list[str]:
        v = self._variables.get(key)
        if v is None:
            return []
        if v.derived:
            return list(dict.fromkeys(v.map.values()))
        return v.group_order()

    def group_description(self, key: str, group: str) -> str:
        v = self._variables.get(key)
        return (v.descriptions.get(group) if v else None) or str(group)

    # -- (de)serialising ---------------------------------------------------------------
    def to_dict(self) -> dict:
        d: dict[str, Any] = {"survey": self.name, "respondent_id": self.respondent_id}
        if self.description:
            d["description"] = self.description
        if self.year is not None:
            d["year"] = self.year
        if self.year_column:
            d["year_column"] = self.year_column
        d["questions"] = [q.to_dict() for q in self.questions]
        d["variables"] = [v.to_dict() for v in self.variables]
        if self.report:
            d["report"] = dict(self.report)
        return d

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_dict(), allow_unicode=True, sort_keys=False, width=100)

    @classmethod
    def from_dict(cls, raw: Any, file: str = "survey definition") -> "SurveyDefinition":
        """Parse and check a definition; every problem at once as an InputError."""
        return _Parser(file).parse(raw)

    def columns(self) -> list[str]:
        """Every file column the definition reads."""
        cols = [self.respondent_id] + ([self.year_column] if self.year_column else [])
        for q in self.questions:
            cols += [c for c in (q.score, q.text) if c]
        for v in self.variables:
            if v.parts:
                cols += list(v.parts)
            elif v.column:
                cols.append(v.column)
        return cols

    def with_columns(self, renames: dict[str, str]) -> "SurveyDefinition":
        """The same definition reading renamed columns (a --mapping of another file layout)."""
        import copy

        d = copy.deepcopy(self)
        r = lambda c: renames.get(c, c) if c else c  # noqa: E731
        d.respondent_id = r(d.respondent_id)
        d.year_column = r(d.year_column)
        for q in d.questions:
            q.score, q.text = r(q.score), r(q.text)
        for v in d.variables:
            v.column = r(v.column)
            v.parts = {r(c): w for c, w in v.parts.items()}
        return d


class _Parser:
    """Reads a definition dict, collecting every problem with the entry it concerns."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def bad(self, entry: str, msg: Msg) -> None:
        self.problems.append(Problem(self.file, msg, entry=entry))

    def parse(self, raw: Any) -> SurveyDefinition:
        if not isinstance(raw, dict):
            raise InputError([Problem(self.file,
                                      Msg("a survey definition must be a YAML mapping (survey:, questions:, …)"))])
        for k in raw:
            if k not in _FIELDS_TOP:
                self.bad(str(k), Msg("unknown entry {0!r} (known: {1})", k, ", ".join(sorted(_FIELDS_TOP))))
        name = str(raw.get("survey") or "").strip()
        if not name:
            self.bad("survey", Msg("the survey needs a name (survey: …)"))
        rid = raw.get("respondent_id")
        if not rid or not isinstance(rid, (str, int)):
            self.bad("respondent_id", Msg("name the column holding the respondent id (respondent_id: …)"))
        year, year_col = raw.get("year"), raw.get("year_column")
        if year is not None:
            try:
                year = parse_int(year)
                if year is not None and not (1900 <= year <= 2200):
                    raise ValueError
            except ValueError:
                self.bad("year", Msg("year {0!r} is not a plausible year", raw.get("year")))
                year = None
        questions = self._questions(raw.get("questions"))
        variables = self._variables(raw.get("variables"), {q.key for q in questions})
        report = raw.get("report") or {}
        if not isinstance(report, dict):
            self.bad("report", Msg("must be a mapping (group_by:, controls:)"))
            report = {}
        vkeys = {v.key for v in variables}
        if report.get("group_by") is not None and report.get("group_by") not in vkeys:
            self.bad("report.group_by", Msg("names no variable: {0!r}", report.get("group_by")))
        for c in report.get("controls") or []:
            if c not in vkeys:
                self.bad("report.controls", Msg("names no variable: {0!r}", c))
        cols: dict[str, str] = {}
        for what, col in ([("respondent_id", rid)] + ([("year_column", year_col)] if year_col else [])
                          + [(f"questions ({q.key}).{k}", getattr(q, k)) for q in questions for k in ("score", "text")
                             if getattr(q, k)]
                          + [(f"variables ({v.key}).column", v.column) for v in variables if v.column]
                          + [(f"variables ({v.key}).parts", c) for v in variables for c in v.parts]):
            col = str(col) if col is not None else None
            if col is None:
                continue
            if col in cols:
                self.bad(what, Msg("column {0!r} is already read by {1}", col, cols[col]))
            else:
                cols[col] = what
        if self.problems:
            raise InputError(self.problems)
        return SurveyDefinition(name=name, respondent_id=str(rid), questions=questions, variables=variables,
                                year=year, year_column=str(year_col) if year_col else None, report=dict(report),
                                description=str(raw.get("description") or ""), file=self.file)

    def _entry(self, section: str, noun: str, i: int, item: Any, fields: set[str], keys: set[str], shape: str,
               reserved: tuple[str, ...] = ()) -> tuple[Optional[str], str]:
        """The checks every question and variable share: a mapping, known fields, a unique,
        well-formed key. Returns the entry's name for messages (None when it is no mapping)
        and its key, which joins ``keys``."""
        if not isinstance(item, dict):
            self.bad(f"{section}[{i}]", Msg("each question must be a mapping ({0})", shape) if noun == "question"
                     else Msg("each variable must be a mapping ({0})", shape))
            return None, ""
        key = str(item.get("key") or "").strip()
        entry = f"{section}[{i}] ({key})" if key else f"{section}[{i}]"
        for k in item:
            if k not in fields:
                self.bad(f"{entry}.{k}", Msg("unknown entry {0!r} (known: {1})", k, ", ".join(sorted(fields))))
        if not key:
            self.bad(entry, Msg("the question needs a key (key: …)") if noun == "question"
                     else Msg("the variable needs a key (key: …)"))
        elif not KEY_RE.match(key):
            self.bad(f"{entry}.key", Msg("key {0!r} may hold only letters, digits, '_', '-' and '.'", key))
        elif key in keys:
            self.bad(f"{entry}.key", Msg("key {0!r} is used by another question", key) if noun == "question"
                     else Msg("key {0!r} is used by another variable", key))
        elif key in reserved:
            self.bad(f"{entry}.key", Msg("key {0!r} is reserved; choose another", key))
        keys.add(key)
        return entry, key

    def _questions(self, raw: Any) -> list[QuestionDef]:
        if not isinstance(raw, list) or not raw:
            self.bad("questions", Msg("list at least one question (questions: - key: … text: …)"))
            return []
        out, keys = [], set()
        for i, q in enumerate(raw, start=1):
            entry, key = self._entry("questions", "question", i, q, _FIELDS_Q, keys, "key:, score:, text:, …")
            if entry is None:
                continue
            score, text = q.get("score"), q.get("text")
            if score is None and text is None:
                self.bad(entry, Msg("name the score column (score:), the text column (text:) or both"))
            qd = QuestionDef(key=key, score=str(score) if score is not None else None,
                             text=str(text) if text is not None else None,
                             question=str(q.get("question") or ""), topic=str(q.get("topic") or ""),
                             prompts={str(k): str(v) for k, v in (q.get("prompts") or {}).items()}
                             if isinstance(q.get("prompts"), dict) else {},
                             dont_know_label=str(q.get("dont_know_label") or "Ved ikke"))
            if q.get("prompts") is not None and not isinstance(q.get("prompts"), dict):
                self.bad(f"{entry}.prompts", Msg("must map bands to the follow-up wording"))
            if score is None:
                for k in ("scale", "bands", "dont_know", "scale_labels"):
                    if q.get(k) is not None:
                        self.bad(f"{entry}.{k}", Msg("an open question without a score column has no {0}", k))
                out.append(qd)
                continue
            try:
                qd.scale = _range(q.get("scale"))
            except (ValueError, TypeError):
                self.bad(f"{entry}.scale",
                         Msg("scale {0!r} is not an integer range such as 1-5 or 0-10", q.get("scale")))
            dk = q.get("dont_know") or []
            if not isinstance(dk, list):
                dk = [dk]
            for d in dk:
                try:
                    qd.dont_know.append(parse_int(d))
                except ValueError:
                    self.bad(f"{entry}.dont_know", Msg("{0!r} is not a whole number", d))
            if qd.scale:
                for d in qd.dont_know:
                    if qd.scale[0] <= d <= qd.scale[1]:
                        self.bad(f"{entry}.dont_know", Msg("{0} lies inside the scale {1}", d, _fmt_range(qd.scale)))
            labels = q.get("scale_labels") or {}
            if isinstance(labels, list) and qd.scale:  # one label per score, in order
                labels = dict(zip(range(qd.scale[0], qd.scale[1] + 1), labels))
            if not isinstance(labels, dict):
                self.bad(f"{entry}.scale_labels",
                         Msg("must map scores to labels ({1: Meget utilfreds, 5: Meget tilfreds})"))
                labels = {}
            for k, v in labels.items():
                try:
                    s = parse_int(k)
                except ValueError:
                    s = None
                if s is None or (qd.scale and not (qd.scale[0] <= s <= qd.scale[1]) and s not in qd.dont_know):
                    self.bad(f"{entry}.scale_labels", Msg("{0!r} is not a score of the scale", k))
                    continue
                qd.scale_labels[s] = str(v)
            bands = q.get("bands")
            if bands is None:
                self.bad(f"{entry}.bands",
                         Msg("a scored question needs bands ({negativ: 1-2, neutral: 3, positiv: 4-5})"))
            elif not isinstance(bands, dict) or not bands:
                self.bad(f"{entry}.bands", Msg("must map band names to score ranges"))
            else:
                for b, r in bands.items():
                    b = str(b)
                    if b == DONT_KNOW:
                        self.bad(f"{entry}.bands",
                                 Msg("{0} is for dont_know scores, not a band of the scale", DONT_KNOW))
                        continue
                    try:
                        qd.bands[b] = _range(r)
                    except (ValueError, TypeError):
                        self.bad(f"{entry}.bands.{b}", Msg("{0!r} is not a score range such as 1-2", r))
                if qd.scale and len(qd.bands) == len(bands):
                    owner: dict[int, str] = {}
                    for b, (lo, hi) in qd.bands.items():
                        for v in range(lo, hi + 1):
                            if not (qd.scale[0] <= v <= qd.scale[1]):
                                self.bad(f"{entry}.bands.{b}",
                                         Msg("score {0} lies outside the scale {1}", v, _fmt_range(qd.scale)))
                                break
                            if v in owner:
                                self.bad(f"{entry}.bands", Msg("score {0} is in both {1} and {2}", v, owner[v], b))
                                break
                            owner[v] = b
                    missing = [v for v in range(qd.scale[0], qd.scale[1] + 1) if v not in owner]
                    if missing:
                        self.bad(f"{entry}.bands", Msg("scores in no band: {0}", ", ".join(map(str, missing))))
            out.append(qd)
        return out

    def _variables(self, raw: Any, qkeys: set[str]) -> list[VariableDef]:
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.bad("variables", Msg("must be a list of variables (- key: … column: …)"))
            return []
        out: list[VariableDef] = []
        keys: set[str] = set()
        for i, v in enumerate(raw, start=1):
            entry, key = self._entry("variables", "variable", i, v, _FIELDS_V, keys, "key:, column:, …",
                                     reserved=("alle", "question", "band", "year", "score", "text", "code"))
            if entry is None:
                continue
            vd = VariableDef(key=key, label=str(v.get("label") or ""), type=str(v.get("type") or "category"),
                             strict=bool(v.get("strict", False)), required=bool(v.get("required", False)),
                             optional=bool(v.get("optional", False)))
            if vd.type not in ("category", "number"):
                self.bad(f"{entry}.type", Msg("type {0!r} is not category or number", vd.type))
            src = v.get("from")
            if src is not None:
                vd.source = str(src)
                if v.get("column") is not None:
                    self.bad(entry, Msg("a derived variable (from:) reads no column of its own"))
                m = v.get("map")
                if not isinstance(m, dict) or not m:
                    self.bad(f"{entry}.map", Msg("a derived variable needs map: {value or label: group}"))
                else:
                    vd.map = {_code(a): str(b) for a, b in m.items()}
            else:
                if v.get("map") is not None:
                    self.bad(f"{entry}.map", Msg("map: belongs to a derived variable (give from:)"))
                parts = v.get("parts")
                if parts is not None:
                    if not isinstance(parts, dict) or not parts:
                        self.bad(f"{entry}.parts", Msg("must map columns to weights ({Years: 12, Months: 1})"))
                    else:
                        for c, w in parts.items():
                            try:
                                vd.parts[str(c)] = float(w)
                            except (TypeError, ValueError):
                                self.bad(f"{entry}.parts", Msg("weight {0!r} of {1!r} is not a number", w, c))
                    vd.type = "number"
                col = v.get("column")
                if col is None and not vd.parts:
                    self.bad(f"{entry}.column", Msg("name the column the variable is read from (column: …)"))
                vd.column = str(col) if col is not None else None
                if v.get("parts_section"):
                    vd.parts_section = str(v["parts_section"])
                    pw = v.get("part_weights")
                    if not isinstance(pw, dict) or not pw:
                        self.bad(f"{entry}.part_weights",
                                 Msg("parts_section needs part_weights ({years: 12, months: 1})"))
                    else:
                        try:
                            vd.part_weights = {str(a): float(b) for a, b in pw.items()}
                        except (TypeError, ValueError):
                            self.bad(f"{entry}.part_weights", Msg("weights must be numbers"))
            vals = v.get("values") or {}
            if not isinstance(vals, dict):
                self.bad(f"{entry}.values", Msg("must map codes to labels ({1: Kvinde, 2: Mand})"))
            else:
                vd.values = {_code(a): str(b) for a, b in vals.items()}
            desc = v.get("descriptions") or {}
            if isinstance(desc, dict):
                vd.descriptions = {str(a): str(b) for a, b in desc.items()}
            bins = v.get("bins")
            if bins is not None:
                if vd.type != "number":
                    self.bad(f"{entry}.bins", Msg("bins need type: number"))
                try:
                    vd.bins = [float(b) for b in bins]
                    if any(a >= b for a, b in zip(vd.bins, vd.bins[1:])):
                        raise ValueError
                    vd.bins = [int(b) if b.is_integer() else b for b in vd.bins]
                except (TypeError, ValueError):
                    self.bad(f"{entry}.bins", Msg("{0!r} is not an increasing list of numbers", bins))
                    vd.bins = []
                bl = v.get("bin_labels")
                if bl is not None:
                    if not isinstance(bl, list) or len(bl) not in (len(vd.bins), len(vd.bins) + 1):
                        self.bad(f"{entry}.bin_labels", Msg("give one label per bin (and one for below the first)"))
                    else:
                        vd.bin_labels = [str(x) for x in bl]
            if v.get("range") is not None:
                try:
                    lo, hi = _range(v["range"])
                    vd.range = (lo, hi)
                except (ValueError, TypeError):
                    self.bad(f"{entry}.range", Msg("{0!r} is not a range such as 10-110", v["range"]))
            out.append(vd)
        byk = {v.key: v for v in out}
        for v in out:
            if v.source is None:
                continue
            entry = f"variables ({v.key}).from"
            if v.source not in byk:
                self.bad(entry, Msg("names no variable: {0!r}", v.source))
                continue
            seen, cur = {v.key}, byk[v.source]
            while cur is not None and cur.source is not None:
                if cur.key in seen:
                    self.bad(entry, Msg("derived variables form a cycle"))
                    break
                seen.add(cur.key)
                cur = byk.get(cur.source)
        return out


def _or(labels: list[str]) -> Any:
    """``A or B or C`` as a ``Msg`` (the "or" is said in the UI's language)."""
    out: Any = labels[0] if labels else ""
    for label in labels[1:]:
        out = Msg("{0} or {1}", out, label)
    return out


# -- files --------------------------------------------------------------------------
def load_definition(path: str | Path) -> SurveyDefinition:
    """Read a definition YAML; InputError naming the file for anything wrong."""
    file = str(path)
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("survey definition not found", file=file) from None
    except IsADirectoryError:
        raise InputError("is a folder, not a survey definition", file=file) from None
    except UnicodeDecodeError:
        raise InputError("survey definition is not UTF-8 text", file=file) from None
    except yaml.YAMLError as e:
        raise InputError(f"survey definition is not valid YAML: {e}", file=file) from None
    return SurveyDefinition.from_dict(raw, file=file)


def save_definition(defn: SurveyDefinition, path: str | Path) -> Path:
    """Write a definition as YAML atomically (next year's wave reads it back)."""
    return save_text(defn.to_yaml(), path)


def save_text(text: str, path: str | Path) -> Path:
    """Write a text file atomically: a temporary file beside it, synced, given the umask's
    mode and renamed over the target (a crash leaves the old file or the new, never half)."""
    import os
    import tempfile

    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent if str(path.parent) else ".", prefix="." + path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


@functools.lru_cache(maxsize=None)
def _builtin(name: str) -> SurveyDefinition:
    return load_definition(BUILTIN_DIR / f"{name}.yaml")


def builtin(name: str = "jobcenter") -> SurveyDefinition:
    """A definition shipped with the workbench (the jobcentre survey is the default)."""
    import copy

    return copy.deepcopy(_builtin(name))


def merge_waves(defs: Iterable[SurveyDefinition]) -> Optional[SurveyDefinition]:
    """One view of several waves: questions and variables matched by key, the newest wave's
    wording winning, questions only asked in older waves kept after the newest's."""
    defs = [d for d in defs if d is not None]
    if not defs:
        return None
    if len(defs) == 1:
        return defs[0]
    import copy

    newest = copy.deepcopy(defs[-1])
    qkeys, vkeys = set(newest.question_keys), set(newest.variable_keys)
    for d in reversed(defs[:-1]):
        for q in d.questions:
            if q.key not in qkeys:
                newest.questions.append(copy.deepcopy(q))
                qkeys.add(q.key)
        for v in d.variables:
            if v.key not in vkeys:
                newest.variables.append(copy.deepcopy(v))
                vkeys.add(v.key)
        for v in newest.variables:  # labels known only to an older wave still label its values
            old = d.variable(v.key)
            if old is not None:
                for code, label in old.values.items():
                    v.values.setdefault(code, label)
    newest.__dict__.pop("_questions", None)
    newest.__dict__.pop("_variables", None)
    return newest
