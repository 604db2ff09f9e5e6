"""Guess a draft survey definition from a file, for a person to check.

``guess_columns`` gives each column a role (the import wizard shows these): ``id``, ``year``,
``score`` (with the text column it belongs to, if any), ``text`` (an open answer: a score's
follow-up or an open question alone), ``variable`` or ``ignore``, with the reason.
``infer_definition`` turns the guesses into a definition dict in the contract's YAML format
("Any questionnaire"); ``write_definition_yaml`` writes it.

What the guess rests on:
- the id: a column whose values are all present and unique, preferably named like an id
  (id, løbenr, respondent, resp, nr);
- score and text pairs: a whole-number column with a small range whose follow-up is named like
  it (``Spm1`` / ``Spm1_uddyb``, ``q1_score`` / ``q1_text``) or is the free-text column right
  after it;
- free text: long answers or answers of several words;
- the scale: the SPSS value labels when there are any (a label such as "Ved ikke" marks a
  don't-know code, and so does an SPSS user-missing code), else the observed range snapped to
  1-5, 1-7, 1-10 or 0-10; isolated codes above the range (9 beside 1-5, 98, 99) and negative
  codes are don't-knows;
- variables: every other column with few distinct values (a category, with its SPSS value
  labels) or numbers (age-like numbers get the bins 18, 30, 50, 67).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import yaml

from workbench.errors import InputError

# -- presets -----------------------------------------------------------------------------
SCALE_PRESETS: list[tuple[int, int]] = [(1, 5), (1, 7), (1, 10), (0, 10)]  # smallest first
BAND_PRESETS: dict[str, dict[str, str]] = {
    "1-5": {"negativ": "1-2", "neutral": "3", "positiv": "4-5"},
    "0-10": {"negativ": "0-6", "neutral": "7-8", "positiv": "9-10"},
    "1-7": {"negativ": "1-3", "neutral": "4", "positiv": "5-7"},
    "1-10": {"negativ": "1-6", "neutral": "7-8", "positiv": "9-10"},
}
AGE_BINS = [18, 30, 50, 67]
MAX_SCALE_SPAN = 10          # a score's valid range is at most 11 points (0-10)
MAX_CATEGORIES = 30          # more distinct short strings than this: not a category

_DONT_KNOW_LABEL = re.compile(
    r"ved\s*ikke|vet\s*ikke|kan\s*ikke\s*(svare|vurdere)|ikke\s*relevant|irrelevant|uoplyst|ønsker\s*ikke|"
    r"vil\s*ikke|ingen\s*mening|don'?t\s*know|do\s*not\s*know|not\s*applicable|\bn/?a\b|no\s*answer|"
    r"refused|prefer\s*not|unknown|missing",
    re.I,
)
_ID_NAME = re.compile(
    r"^(id|løbe_?nr|lobe_?nr|loebe_?nr|løbenummer|respondent(_?id|_?nr)?|resp(_?id|_?nr)?|"
    r"respid|nr|nummer|case_?id|caseid|response_?id|responseid|record_?id|interview_?id|serial|"
    r"[a-zæøå]*_id|id_[a-zæøå0-9]*)$",
    re.I,
)
_YEAR_NAME = re.compile(r"^(year|år|aar|årstal|aarstal|survey_?year|undersøgelsesår)$", re.I)
_TEXT_SUFFIX = re.compile(
    r"([ _.\-]?(text|tekst|txt|uddyb\w*|hvorfor|why|kommentar\w*|comment\w*|åben|aaben|open|other|andet|"
    r"begrundelse|forklaring|elaborat\w*|fritekst|svar_?tekst|[a-z]?_?open))$",
    re.I,
)
_SCORE_SUFFIX = re.compile(r"([ _.\-]?(score|svar|karakter|rating|vurdering|value|num|kode|code))$", re.I)
_GENERAL_TEXT = re.compile(r"^(kommentar\w*|comments?|bemærkning\w*|andet|other|general|øvrige|fritekst)", re.I)
_QUESTION_NAME = re.compile(r"^(spm|sp|q|question|item|score|tilfreds|vurdering|s)[ _.\-]?\d", re.I)
_AGE_NAME = re.compile(r"^(alder|age|alder_?år|alder_?aar|respondent_?alder)$", re.I)


def slug(name: str) -> str:
    """An ASCII key from a column name: ``Køn`` -> ``koen``, ``Spm 1 (åben)`` -> ``spm_1_aaben``."""
    s = str(name).strip().lower()
    for a, b in (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("ß", "ss")):
        s = s.replace(a, b)
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode("ascii")
    s = re.sub(r"[^a-z0-9]+", "_", s).strip("_")
    return s or "kolonne"


def _unique_key(base: str, used: set[str]) -> str:
    key, n = base, 2
    while key in used:
        key = f"{base}_{n}"
        n += 1
    used.add(key)
    return key


_NUM = re.compile(r"^-?\d+(?:[.,]\d+)?$")


def _number(s: str) -> Optional[float]:
    if not _NUM.match(s):
        return None
    return float(s.replace(",", "."))


def _as_code(v: float) -> Any:
    return int(v) if float(v).is_integer() else v


# -- column profiles ---------------------------------------------------------------------
@dataclass
class ColumnProfile:
    """What a column's values look like."""

    column: str
    index: int
    n: int = 0                       # non-blank cells
    rows: int = 0                    # rows considered (blank rows skipped)
    distinct: int = 0
    kind: str = "empty"              # empty | integer | number | text | category | other
    min: Optional[float] = None
    max: Optional[float] = None
    ints: list[int] = field(default_factory=list)   # distinct whole numbers, sorted (integer columns)
    avg_len: float = 0.0
    avg_words: float = 0.0
    label: str = ""                  # SPSS variable label
    value_labels: dict[str, str] = field(default_factory=dict)
    measure: str = ""
    missing_codes: list[str] = field(default_factory=list)
    unique: bool = False             # every row has a value and no value repeats
    examples: list[str] = field(default_factory=list)


def profile_columns(table) -> list[ColumnProfile]:
    """One profile per column of a Table (an SPSS table's labels included)."""
    header = list(table.header)
    rows = [r for r in table.rows if any(str(x).strip() for x in r)]
    labels = getattr(table, "column_labels", {}) or {}
    vlabels = getattr(table, "value_labels", {}) or {}
    measure = getattr(table, "measure", {}) or {}
    missing = getattr(table, "missing_values", {}) or {}
    out = []
    for i, col in enumerate(header):
        cells = [str(r[i]).strip() if i < len(r) else "" for r in rows]
        vals = [c for c in cells if c]
        p = ColumnProfile(column=col, index=i, n=len(vals), rows=len(rows), label=labels.get(col, ""),
                          value_labels=dict(vlabels.get(col, {})), measure=measure.get(col, ""),
                          missing_codes=list(missing.get(col, [])))
        distinct = set(vals)
        p.distinct = len(distinct)
        p.unique = bool(rows) and p.n == len(rows) and p.distinct == p.n
        p.examples = list(dict.fromkeys(vals))[:5]
        if not vals:
            p.kind = "empty"
            out.append(p)
            continue
        nums = [_number(v) for v in distinct]
        p.avg_len = sum(len(v) for v in vals) / len(vals)
        p.avg_words = sum(len(v.split()) for v in vals) / len(vals)
        if all(x is not None for x in nums):
            p.min, p.max = min(nums), max(nums)
            if all(float(x).is_integer() for x in nums):
                p.kind = "integer"
                p.ints = sorted({int(x) for x in nums})
            else:
                p.kind = "number"
        elif p.value_labels and len(distinct) <= max(MAX_CATEGORIES, len(p.value_labels)):
            p.kind = "category"
        elif p.avg_len >= 20 or p.avg_words >= 3:
            p.kind = "text"
        elif p.distinct <= MAX_CATEGORIES or p.distinct <= 0.2 * p.n:
            p.kind = "category"
        elif p.avg_words >= 2:
            p.kind = "text"
        else:
            p.kind = "other"
        out.append(p)
    return out


# -- scales ------------------------------------------------------------------------------
@dataclass
class ScaleGuess:
    scale: tuple[int, int]
    dont_know: list[int] = field(default_factory=list)
    scale_labels: dict[int, str] = field(default_factory=dict)
    dont_know_label: str = ""
    strong: bool = False             # looks like a rating scale, not a code list such as 1/2


def _label_codes(p: ColumnProfile) -> dict[int, str]:
    out = {}
    for code, label in p.value_labels.items():
        v = _number(code)
        if v is not None and float(v).is_integer():
            out[int(v)] = label
    return out


def snap_scale(lo: int, hi: int) -> tuple[int, int]:
    """The smallest common scale holding lo..hi (1-5, 1-7, 1-10, 0-10), else lo..hi itself."""
    for a, b in SCALE_PRESETS:
        if a <= lo and hi <= b:
            return a, b
    return lo, hi


def guess_scale(p: ColumnProfile) -> Optional[ScaleGuess]:
    """The scale of a whole-number column, or None when it does not look like a score."""
    if p.kind not in ("integer", "empty") and not (p.kind == "category" and _label_codes(p)):
        return None
    labels = _label_codes(p)
    if p.value_labels and len(labels) != len(p.value_labels):
        return None  # string codes: a category
    observed = set(p.ints)
    dk = {c for c, lab in labels.items() if _DONT_KNOW_LABEL.search(lab)}
    for code in p.missing_codes:
        v = _number(code)
        if v is not None and float(v).is_integer():
            dk.add(int(v))
    main = (observed | set(labels)) - dk
    if not main:
        return None
    # codes far outside the rest are "don't know" (98, 99, 999, -1, -9) ...
    far = {v for v in main if v < 0 or v >= 90}
    if far and any(0 <= v <= MAX_SCALE_SPAN for v in main - far):
        dk |= far
        main -= far
    # ... and so is an unlabelled 8 or 9 well above a small scale (1-5 and 9, 1-7 and 9)
    top = sorted(main)
    if len(top) >= 3 and top[-1] in (8, 9) and top[-1] - top[-2] >= 2 and top[-1] not in labels:
        dk.add(top[-1])
        main.discard(top[-1])
    lo, hi = min(main), max(main)
    if hi - lo > MAX_SCALE_SPAN:
        return None
    labelled = {c for c in labels if c not in dk}
    if labelled and min(labelled) == lo and max(labelled) == hi and len(labelled) >= 2:
        scale = (lo, hi)  # the labels name the ends: trust them
    else:
        scale = snap_scale(lo, hi)
    dk = sorted(d for d in dk if not (scale[0] <= d <= scale[1]))
    strong = (hi - lo >= 2 and not (labels and len(labelled) == len(main) and len(main) <= 3)) or bool(dk)
    g = ScaleGuess(scale=scale, dont_know=dk, strong=strong,
                   scale_labels={c: lab for c, lab in sorted(labels.items()) if scale[0] <= c <= scale[1]})
    for d in dk:
        if d in labels:
            g.dont_know_label = labels[d]
            break
    return g


def bands_for(lo: int, hi: int) -> dict[str, Any]:
    """Bands of a scale: the preset for 1-5, 0-10, 1-7 and 1-10; else the range in thirds."""
    preset = BAND_PRESETS.get(f"{lo}-{hi}")
    if preset:
        return {b: _range_value(r) for b, r in preset.items()}
    n = hi - lo + 1
    if n <= 1:
        return {"neutral": _range_value(f"{lo}-{hi}")}
    if n == 2:
        return {"negativ": lo, "positiv": hi}
    k, r = divmod(n, 3)
    sizes = [k + (r > 0), k + (r > 1), k]  # negativ gets the extra point, then neutral
    out, start = {}, lo
    for band, size in zip(("negativ", "neutral", "positiv"), sizes):
        out[band] = _range_value(f"{start}-{start + size - 1}")
        start += size
    return out


def _range_value(r: str) -> Any:
    a, _, b = r.partition("-")
    return int(a) if a == b or not b else f"{a}-{b}"


# -- roles -------------------------------------------------------------------------------
@dataclass
class ColumnGuess:
    """The guessed role of one column, for the import wizard."""

    column: str
    role: str                        # id | year | score | text | variable | ignore
    key: str = ""                    # the question's or variable's key (score/text/variable)
    partner: Optional[str] = None    # score <-> its text column
    reason: str = ""
    profile: Optional[ColumnProfile] = None
    scale: Optional[ScaleGuess] = None
    type: str = ""                   # variables: category | number


def _base(name: str, pattern: re.Pattern) -> str:
    return pattern.sub("", name.strip()).strip(" _.-").lower()


def _guess_id(profiles: list[ColumnProfile]) -> Optional[ColumnProfile]:
    named = [p for p in profiles if _ID_NAME.match(p.column.strip())]
    for p in named:
        if p.unique:
            return p
    for p in profiles:
        if p.unique and p.kind in ("integer", "other", "category") and p.avg_len <= 40:
            return p
    if named:
        return named[0]
    return profiles[0] if profiles else None


def guess_columns(table) -> list[ColumnGuess]:
    """The guessed role of every column, in the file's order."""
    profiles = profile_columns(table)
    guesses = {p.column: ColumnGuess(p.column, "ignore", profile=p) for p in profiles}
    taken: set[str] = set()

    idp = _guess_id(profiles)
    if idp is not None:
        g = guesses[idp.column]
        why = [w for w, ok in (("named like an id", _ID_NAME.match(idp.column.strip())),
                                ("every value present and unique", idp.unique)) if ok]
        g.role, g.reason = "id", " and ".join(why) or "the first column (no column has a different value in every row)"
        taken.add(idp.column)
    for p in profiles:
        if p.column not in taken and _YEAR_NAME.match(p.column.strip()):
            guesses[p.column].role, guesses[p.column].reason = "year", "named like a year"
            taken.add(p.column)
            break

    scales = {p.column: guess_scale(p) for p in profiles if p.column not in taken}
    scores = {c: s for c, s in scales.items() if s is not None}
    texts = [p for p in profiles if p.column not in taken and p.kind in ("text", "empty")]
    by_name = {p.column: p for p in profiles}

    def pair(score: str, text: str, reason: str) -> None:
        gs, gt = guesses[score], guesses[text]
        gs.role, gs.partner, gs.scale, gs.reason = "score", text, scores[score], reason
        gt.role, gt.partner, gt.reason = "text", score, reason
        taken.update((score, text))

    # 1. by name: Spm1 / Spm1_uddyb, q1_score / q1_text
    for t in texts:
        m = _TEXT_SUFFIX.search(t.column.strip())
        if not m or t.column in taken:
            continue
        tbase = t.column.strip()[: m.start()].strip(" _.-").lower()
        if not tbase:
            continue
        for c in scores:
            if c not in taken and (c.strip().lower() == tbase or _base(c, _SCORE_SUFFIX) == tbase):
                pair(c, t.column, f"its follow-up {t.column!r} is named like it")
                break
    # 2. by position: a strong score followed by a free-text column
    for p in profiles:
        s = scores.get(p.column)
        if s is None or p.column in taken or not s.strong or p.index + 1 >= len(profiles):
            continue
        nxt = profiles[p.index + 1]
        if nxt.column in taken or nxt.kind != "text" or _GENERAL_TEXT.match(nxt.column.strip()):
            continue
        pair(p.column, nxt.column, f"followed by the free-text column {nxt.column!r}")
    # 3. free text alone: an open question
    for t in texts:
        if t.column not in taken and t.kind == "text":
            g = guesses[t.column]
            g.role, g.reason = "text", "free text (long or many-word answers)"
            taken.add(t.column)
    # 4. scores without a follow-up that are named or labelled like questions
    for c, s in scores.items():
        p = by_name[c]
        if c in taken or not s.strong or p.kind == "empty":
            continue
        if _QUESTION_NAME.match(c.strip()) or p.label.strip().endswith("?"):
            g = guesses[c]
            g.role, g.scale, g.reason = "score", s, "a rating scale named or labelled like a question"
            taken.add(c)
    # 5. everything else with few values or numbers: a background variable
    for p in profiles:
        if p.column in taken:
            continue
        g = guesses[p.column]
        if p.kind == "empty":
            g.reason = "no values"
        elif p.kind in ("integer", "number"):
            many = p.distinct > 12 or p.kind == "number" or p.measure == "scale"
            if p.value_labels and not (p.measure == "scale"):
                many = False
            if many and p.unique and p.kind == "integer" and not _AGE_NAME.match(p.column.strip()):
                g.reason = "a different number in every row (another id?)"
            else:
                g.role, g.type = "variable", ("number" if many else "category")
                g.reason = "numbers" if many else f"{p.distinct} distinct codes"
        elif p.kind == "category":
            g.role, g.type, g.reason = "variable", "category", f"{p.distinct} distinct values"
        elif p.kind == "text":
            g.role, g.reason = "text", "free text"
        else:
            g.reason = "a different short value in most rows (dates, names, e-mails?)"
        if g.role != "ignore":
            taken.add(p.column)

    # keys: a pair takes the score's base name; unique across questions and variables
    used: set[str] = set()
    for p in profiles:
        g = guesses[p.column]
        if g.role == "score" or (g.role == "text" and g.partner is None):
            base = slug(_base(p.column, _SCORE_SUFFIX) if g.role == "score" else p.column)
            if g.role == "score" and g.partner is None and base != slug(p.column):
                base = slug(p.column)
            g.key = _unique_key(base, used)
            if g.partner:
                guesses[g.partner].key = g.key
        elif g.role == "variable":
            g.key = _unique_key(slug(p.column), used)
    return [guesses[p.column] for p in profiles]


def _is_age(p: ColumnProfile) -> bool:
    named = _AGE_NAME.match(p.column.strip()) or re.search(r"\b(alder|age)\b", p.label, re.I)
    return bool(named) and p.min is not None and 0 <= p.min and p.max <= 120


def _code_key(code: str) -> Any:
    v = _number(code)
    return _as_code(v) if v is not None else code


def definition_from_guesses(table, guesses: list[ColumnGuess], name: Optional[str] = None) -> dict:
    """A definition dict (contract YAML format) from column roles (the wizard may edit them)."""
    file = getattr(table, "file", "") or ""
    survey = (name or Path(file).stem or "Survey").strip() or "Survey"
    by_col = {g.column: g for g in guesses}
    rid = next((g.column for g in guesses if g.role == "id"), None)
    if rid is None:
        rid = table.header[0] if table.header else "id"
    d: dict[str, Any] = {"survey": survey, "respondent_id": rid}
    year = next((g.column for g in guesses if g.role == "year"), None)
    if year:
        d["year_column"] = year
    questions = []
    for g in guesses:
        if g.role == "score":
            p = g.profile
            s = g.scale or (guess_scale(p) if p else None) or ScaleGuess(scale=(1, 5))
            q: dict[str, Any] = {"key": g.key or slug(g.column), "score": g.column}
            if g.partner:
                q["text"] = g.partner
            wording = (p.label if p else "") or (by_col[g.partner].profile.label if g.partner and by_col[g.partner].profile else "")
            if wording:
                q["question"] = wording
            q["scale"] = f"{s.scale[0]}-{s.scale[1]}"
            if s.scale_labels:
                q["scale_labels"] = dict(s.scale_labels)
            q["bands"] = bands_for(*s.scale)
            if s.dont_know:
                q["dont_know"] = list(s.dont_know)
                if s.dont_know_label:
                    q["dont_know_label"] = s.dont_know_label
            questions.append(q)
        elif g.role == "text" and g.partner is None:
            q = {"key": g.key or slug(g.column), "text": g.column}
            if g.profile and g.profile.label:
                q["question"] = g.profile.label
            questions.append(q)
    d["questions"] = questions
    variables = []
    for g in guesses:
        if g.role != "variable":
            continue
        p = g.profile
        v: dict[str, Any] = {"key": g.key or slug(g.column), "column": g.column}
        if p and p.label and p.label != g.column:
            v["label"] = p.label
        if g.type == "number":
            v["type"] = "number"
            if p and _is_age(p):
                v["bins"] = list(AGE_BINS)
        elif p and p.value_labels:
            v["values"] = {_code_key(c): lab for c, lab in p.value_labels.items()}
        variables.append(v)
    d["variables"] = variables
    return d


def infer_definition(table, name: Optional[str] = None) -> dict:
    """A draft definition dict guessed from a Table (CSV, XLSX or SPSS), for a person to check."""
    return definition_from_guesses(table, guess_columns(table), name)


# -- YAML --------------------------------------------------------------------------------
class _Dumper(yaml.SafeDumper):
    """Block style for the structure, flow style for small mappings and lists of scalars
    (``bands: {negativ: 0-6, neutral: 7-8, positiv: 9-10}``, ``bins: [18, 30, 50, 67]``)."""


def _scalar(v) -> bool:
    return v is None or isinstance(v, (str, int, float, bool))


def _repr_dict(dumper, data):
    flow = bool(data) and all(_scalar(v) for v in data.values()) and not ({"key", "survey"} & set(data)) \
        and sum(len(str(k)) + len(str(v)) + 4 for k, v in data.items()) <= 90
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow)


def _repr_list(dumper, data):
    flow = all(_scalar(v) for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(dict, _repr_dict)
_Dumper.add_representer(list, _repr_list)


def definition_yaml(defn: dict) -> str:
    """A definition dict as readable YAML (UTF-8 letters kept, entries in their order)."""
    return yaml.dump(defn, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100,
                     default_flow_style=False)


def write_definition_yaml(defn: dict, path: str | Path) -> Path:
    """Write a definition dict as YAML, atomically (a temporary file renamed over the target)."""
    from workbench.coding.definition import save_text

    path = Path(path)
    if path.is_dir():
        raise InputError("is a folder, not a file to write the definition to", file=str(path))
    try:
        return save_text(definition_yaml(defn), path)
    except OSError as e:
        raise InputError(f"cannot be written: {e.strerror}", file=str(path)) from None
