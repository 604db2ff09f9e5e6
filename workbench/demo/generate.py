"""Generate the demo survey (pure) and the demo project (database).

The survey has the published shape: the 11 subgroups with their sizes, the published
gender/ethnicity mix per main group, and scores whose distribution per main group and
question matches the published percentages as closely as whole respondents allow. Every
follow-up text is written from chosen themes, so the themes it expresses (the gold) and
where each is expressed (spans, offsets in the final text) are known: later work measures
suggestions and agreement on it. Everything comes from one ``random.Random(seed)``, so a
seed always gives the same survey.
"""
from __future__ import annotations

import csv
import math
import random
import re
from dataclasses import dataclass, field
from bisect import bisect_right
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator, Optional

from workbench.coding.definition import builtin
from workbench.demo import jobcenter_spec as spec
from workbench.demo import phrases as P
from workbench.importer.survey import ParsedRespondent

YEAR = 2020
SCORES = (1, 2, 3, 4, 5, 9)
Key = tuple[str, str]  # (respondent key, question key)

# Age ranges (low, high, mode) per kind of subgroup, and unemployment months per subgroup.
_U30 = {"aktiv_u30", "uddannelsesparat_u30", "jobparat_u30"}
_O30 = {"aktiv_o30", "ressource_o30", "dagpenge_o30", "jobparat_kontant_o30"}
_MONTHS = {"sygedagpenge": (1, 14, 4), "ledighedsydelse": (6, 84, 24), "ressource_o30": (24, 144, 60),
           "aktiv_o30": (12, 120, 40), "aktiv_u30": (6, 60, 18), "uddannelsesparat_u30": (1, 24, 6),
           "jobparat_u30": (1, 24, 5), "dagpenge_akademiker": (1, 24, 7), "dagpenge_o30": (1, 24, 8),
           "jobparat_kontant_o30": (3, 48, 14), "integration": (3, 60, 18)}
# Mean satisfaction per subgroup (a latent that makes a respondent's answers hang together).
_MOOD = {"ressource_o30": -0.25, "aktiv_o30": -0.15, "ledighedsydelse": -0.1, "aktiv_u30": 0.0,
         "sygedagpenge": -0.05, "integration": 0.3, "dagpenge_akademiker": 0.0, "dagpenge_o30": 0.05,
         "jobparat_u30": 0.1, "uddannelsesparat_u30": 0.15, "jobparat_kontant_o30": 0.0}


@dataclass
class DemoRespondent:
    """A generated respondent with the jobcentre survey's background variables."""

    key: str
    year: int
    subgroup: str
    gender: Optional[str]
    age: Optional[int]
    unemployment_months: Optional[int]
    ethnicity: Optional[str]
    unit: Optional[str]
    extra: dict = field(default_factory=dict)
    answers: dict[str, tuple[Optional[int], str]] = field(default_factory=dict)  # q -> (score, text)

    def parsed(self, defn) -> ParsedRespondent:
        """As the importer parses the same row of the jobcentre survey's wide file."""
        names = ("subgroup", "gender", "age", "unemployment_months", "ethnicity", "unit")
        variables = {k: getattr(self, k) for k in names if getattr(self, k) is not None}
        return ParsedRespondent(key=self.key, year=self.year, variables=variables, extra=dict(self.extra),
                                answers={q: (sc, defn.question(q).band_of(sc), t) for q, (sc, t) in self.answers.items()})


def band_of(score: Optional[int]) -> Optional[str]:
    return builtin().question("q1").band_of(score)


@dataclass
class DemoSurvey:
    """The generated survey: respondents as the importer parses them, and what each text says."""

    seed: int
    scale: int
    respondents: list[DemoRespondent]
    gold: dict[Key, list[str]] = field(default_factory=dict)  # answers with text -> themes written
    spans: dict[Key, dict[str, tuple[int, int]]] = field(default_factory=dict)  # theme -> (start, end)
    noise: dict[Key, frozenset[str]] = field(default_factory=dict)  # noise applied: abbrev, typo, ...

    def parsed(self) -> list[ParsedRespondent]:
        """The respondents as the importer hands them to ``write_respondents``."""
        defn = builtin()
        return [r.parsed(defn) for r in self.respondents]

    def answers(self) -> Iterator[tuple[DemoRespondent, str, Optional[int], str]]:
        for r in self.respondents:
            for q, (score, text) in r.answers.items():
                yield r, q, score, text

    @property
    def n_text(self) -> int:
        return sum(1 for _r, _q, _s, t in self.answers() if t)

    def to_csv(self, path: str | Path) -> Path:
        """The survey as the contract's wide CSV (for `workbench import` and benchmarks)."""
        path = Path(path)
        head = ["respondent_id", "year", "subgroup", "gender", "age", "unemployment_months", "ethnicity", "unit"]
        head += [f"{q}_{k}" for q in spec.QUESTION_KEYS for k in ("score", "text")]
        with open(path, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(head)
            for r in self.respondents:
                row = [r.key, r.year, r.subgroup, r.gender, r.age, r.unemployment_months, r.ethnicity, r.unit]
                for q in spec.QUESTION_KEYS:
                    sc, tx = r.answers.get(q, (None, ""))
                    row += ["" if sc is None else sc, tx]
                w.writerow(row)
        return path

    def gold_csv(self, path: str | Path) -> Path:
        """The gold themes as the contract's codings CSV (with spans)."""
        path = Path(path)
        with open(path, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["respondent_id", "question", "code", "start", "end"])
            for (rk, qk), codes in self.gold.items():
                if not codes:
                    w.writerow([rk, qk, "", "", ""])
                for c in codes:
                    s, e = self.spans[(rk, qk)][c]
                    w.writerow([rk, qk, c, s, e])
        return path


# -- scores and background ----------------------------------------------------------------

def score_counts(pcts: list[int], n: int, normalise: bool = False) -> list[int]:
    """Whole counts summing to n that stay as close as possible to pct*n/100 in every cell.

    Starts from each cell's nearest whole number, then moves one respondent at a time where
    that costs least; this minimises the largest deviation. Published rows add to 99–102 %,
    so at the published n a few rows cannot all be within one respondent (udsatte q5: 102 %
    of 186). ``normalise`` scales the percentages to 100 first (for scaled-up surveys, where
    the rounding excess would otherwise pile up)."""
    total = sum(pcts) if normalise else 100
    if total <= 0 or n < 0:
        raise ValueError("percentages must add to more than 0 and n must not be negative")
    t = [p * n / total for p in pcts]
    c = [int(math.floor(x + 0.5)) for x in t]
    while sum(c) < n:
        k = min(range(len(c)), key=lambda i: (c[i] + 1 - t[i], i))
        c[k] += 1
    while sum(c) > n:
        k = min((i for i in range(len(c)) if c[i] > 0), key=lambda i: (t[i] - (c[i] - 1), i))
        c[k] -= 1
    return c


def _weighted_pick(rng: random.Random, items: list, weights: list[float], k: int) -> set:
    """k items without replacement, with probability growing with weight (Efraimidis–Spirakis)."""
    keyed = sorted(((rng.random() ** (1.0 / w), i) for i, w in enumerate(weights)), reverse=True)
    return {items[i] for _k, i in keyed[:k]}


def _respondents(rng: random.Random, scale: int) -> tuple[list[DemoRespondent], dict[str, float]]:
    people = []
    for sub, _label, main, unit, n in spec.SUBGROUPS:
        people += [(sub, main, unit)] * (n * scale)
    rng.shuffle(people)  # interview order
    width = max(4, len(str(len(people))))
    out: list[DemoRespondent] = []
    mood: dict[str, float] = {}
    for i, (sub, main, unit) in enumerate(people, start=1):
        if sub in _U30:
            age = rng.triangular(18, 29.99, 23)
        elif sub in _O30:
            age = rng.triangular(30, 66.99, 44)
        else:
            age = rng.triangular(25, 64.99, 41)
        lo, hi, mode = _MONTHS[sub]
        months = int(rng.triangular(lo, hi + 0.99, mode))
        if sub.startswith("dagpenge"):
            months = min(months, 24)
        key = f"D{i:0{width}d}"
        out.append(DemoRespondent(key=key, year=YEAR, subgroup=sub, gender=None, age=int(age),
                                    unemployment_months=months, ethnicity=None, unit=unit, extra={}))
        mood[key] = _MOOD[sub] + rng.gauss(0, 1)
    for main, mix in spec.PUBLISHED_MIX.items():
        members = [r for r in out if spec.SUBGROUP_MAIN[r.subgroup] == main]
        genders = ["kvinde"] * (mix["kvinde"] * scale) + ["mand"] * (mix["mand"] * scale)
        assert len(genders) == len(members), (main, len(genders), len(members))
        rng.shuffle(genders)
        for r, g in zip(members, genders):
            r.gender = g
        other = _weighted_pick(rng, [r.key for r in members],
                               [40.0 if r.subgroup == "integration" else 1.0 for r in members], mix["anden"] * scale)
        for r in members:
            r.ethnicity = "anden" if r.key in other else "dansk"
    return out, mood


def _scores(rng: random.Random, resp: list[DemoRespondent], mood: dict[str, float], scale: int) -> dict:
    """Score per (respondent, question): exact counts per main group, correlated within a person."""
    scores: dict[Key, int] = {}
    for main, table in spec.PUBLISHED.items():
        members = [r.key for r in resp if spec.SUBGROUP_MAIN[r.subgroup] == main]
        for q in spec.QUESTION_KEYS:
            counts = score_counts(table[q], len(members), normalise=scale != 1)
            dont_know = set(rng.sample(members, counts[5]))
            rest = [k for k in members if k not in dont_know]
            rest.sort(key=lambda k: mood[k] + rng.gauss(0, 1.1))
            pos = 0
            for score, c in zip(SCORES[:5], counts[:5]):
                for k in rest[pos:pos + c]:
                    scores[(k, q)] = score
                pos += c
            for k in dont_know:
                scores[(k, q)] = 9
    return scores


# -- texts ----------------------------------------------------------------------------------

_PH = re.compile(r"(\{[A-Za-z]+\})")
_STARTS_SUBJECT = re.compile(r"^(\{S\}|\{SB\}) (\S+) (.*)$")


@lru_cache(maxsize=None)
def _tokens(template: str, invert: bool = False, drop_subject: bool = False) -> tuple[str, ...]:
    """A template split into literals and placeholders, optionally in V2 order or subject-less."""
    if invert:
        m = _STARTS_SUBJECT.match(template)
        if m:
            template = f"{m.group(2)} {m.group(1)} {m.group(3)}"
    elif drop_subject and template.startswith("{S} "):
        template = template[4:]
    return tuple(t for t in _PH.split(template) if t)


def _can_invert(template: str) -> bool:
    return _STARTS_SUBJECT.match(template) is not None


def _one(rng: random.Random, seq):
    """rng.choice without its overhead (the generator makes hundreds of thousands of picks)."""
    return seq[int(rng.random() * len(seq))]


def _cum(weights) -> list[float]:
    out, t = [], 0.0
    for w in weights:
        t += w
        out.append(t)
    return out


def _weighted(rng: random.Random, seq, cum: list[float]):
    return seq[bisect_right(cum, rng.random() * cum[-1])]


class _Voice:
    """Who speaks: the citizen ("jeg") or the interviewer about the citizen ("hun/han")."""

    __slots__ = ("first", "pron", "fixed", "sb_pron", "sb_obj", "sb_noun", "named", "sb_named", "rng")

    def __init__(self, rng: random.Random, first: bool, gender: str):
        self.rng = rng
        self.first = first
        fem = gender == "kvinde"
        self.pron = "hun" if fem else "han"
        if first:
            self.fixed = _FIRST
            self.sb_noun = "min sagsbehandler" if rng.random() < 0.3 else "sagsbehandleren"
        else:
            self.fixed = _THIRD_F if fem else _THIRD_M
            self.sb_noun = ("hendes" if fem else "hans") + " sagsbehandler" if rng.random() < 0.2 else "sagsbehandleren"
        self.sb_pron, self.sb_obj = ("hun", "hende") if rng.random() < 0.6 else ("han", "ham")
        self.named = False
        self.sb_named = False

    def value(self, ph: str) -> str:
        if ph == "{S}":  # third person: the citizen is named once, then a pronoun
            if not self.named:
                self.named = True
                if self.rng.random() < 0.35:
                    return "borgeren"
            return self.pron
        if not self.sb_named:
            self.sb_named = True
            return self.sb_noun
        if self.first:
            return self.sb_pron if ph == "{SB}" else self.sb_obj
        return "sagsbehandleren"

    def render(self, tokens: tuple[str, ...]) -> str:
        fixed = self.fixed
        return "".join([t if t[0] != "{" else (fixed.get(t) or self.value(t)) for t in tokens])


_FIRST = {"{S}": "jeg", "{O}": "mig", "{R}": "mig", "{min}": "min", "{mit}": "mit", "{mine}": "mine",
          "{sin}": "min", "{sit}": "mit", "{sine}": "mine"}
_THIRD_F = {"{O}": "hende", "{R}": "sig", "{min}": "hendes", "{mit}": "hendes", "{mine}": "hendes",
            "{sin}": "sin", "{sit}": "sit", "{sine}": "sine"}
_THIRD_M = {**_THIRD_F, "{O}": "ham", "{min}": "hans", "{mit}": "hans", "{mine}": "hans"}

_ABBR_WORDS = {w: rs for w, rs in P.ABBREVIATIONS}
_ABBR_RE = re.compile(r"\b(" + "|".join(sorted((re.escape(w) for w, _ in P.ABBREVIATIONS), key=len, reverse=True))
                      + r")\b", re.IGNORECASE)
_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})
_WORD = re.compile(r"[A-Za-zæøåÆØÅ]{5,}")


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _low(s: str) -> str:
    if s[:2].isupper():  # an acronym such as CV
        return s
    return s[:1].lower() + s[1:]


_ABBR_HINTS = tuple({w[:6].lower() for w, _ in P.ABBREVIATIONS})


def _abbreviate(rng: random.Random, text: str) -> str:
    """Interviewer shorthand: most long words of ABBREVIATIONS shortened, "og" sometimes "&"."""
    low = text.lower()
    if " og " in text and rng.random() < 0.15:
        text = text.replace(" og ", " & ", 1)
    if not any(h in low for h in _ABBR_HINTS):
        return text

    def sub(m: re.Match) -> str:
        w = m.group(0)
        if rng.random() < 0.25:
            return w
        r = _one(rng, _ABBR_WORDS[w.lower()])
        return _cap(r) if w[0].isupper() and not r.isupper() else r
    return _ABBR_RE.sub(sub, text)


def _typo(rng: random.Random, text: str) -> str:
    words = list(_WORD.finditer(text))
    if not words:
        return text
    m = rng.choice(words)
    w = m.group(0)
    i = rng.randrange(1, len(w) - 2)
    op = rng.random()
    if op < 0.4:
        nw = w[:i] + w[i + 1] + w[i] + w[i + 2:]
    elif op < 0.75:
        nw = w[:i] + w[i + 1:]
    else:
        nw = w[:i] + w[i] + w[i:]
    return text[:m.start()] + nw + text[m.end():]


@dataclass
class WrittenAnswer:
    text: str
    themes: list[str]
    spans: dict[str, tuple[int, int]]
    noise: frozenset[str]


_CONN_SAME_CUM = _cum(c[3] for c in P.CONNECT_SAME)
_CONN_CONTRAST_CUM = _cum(c[3] for c in P.CONNECT_CONTRAST)
# Facts, not opinions: never framed as "jeg synes at ...".
_FACTUAL = {"ny_i_forloebet", "helbred", "sprogbarriere", "relevante_tilbud", "covid19", "egen_indsats",
            "klare_aftaler", "opfylder_krav"}


def write_answer(rng: random.Random, band: str, themes: list[str], gender: str = "kvinde",
                 irony: bool = False) -> WrittenAnswer:
    """Write one follow-up answer that expresses exactly ``themes`` (in that order).

    The text is built from segments (filler, opener, one clause per theme, connectors);
    noise is applied per segment, so each theme's clause can be located in the final text.
    """
    rnd = rng.random
    first = rnd() < 0.62
    v = _Voice(rng, first, gender)
    segs: list[list] = []  # [text, theme or None]
    flags: set[str] = set()
    if not themes:
        segs.append([v.render(_tokens(_one(rng, P.NO_THEME))), None])
    else:
        if rnd() < 0.06:
            segs.append([_one(rng, P.FILLERS[band]), None])
            flags.add("filler")
        reported = not first and rnd() < 0.35
        if band in P.OPENERS and rnd() < 0.18:
            opener = v.render(_tokens(_one(rng, P.OPENERS[band])))
            segs.append([_low(opener) if segs else opener, None])
            segs.append([". " if reported or rnd() < 0.5 else ", ", None])
        if reported:
            segs.append([_one(rng, P.REPORTED), None])
            v.named = True
        prev_pol = None
        for i, theme in enumerate(themes):
            pol = P.POLARITY[theme]
            last = segs[-1][0] if segs else ". "
            sentence_start = last.endswith(". ") or last.endswith(": ")
            invert = False
            if i > 0:
                contrast = prev_pol is not None and pol != prev_pol and "mid" not in (pol, prev_pol)
                if contrast:
                    conn, sentence_start, invert, _w = _weighted(rng, P.CONNECT_CONTRAST, _CONN_CONTRAST_CUM)
                    flags.add("mixed")
                else:
                    conn, sentence_start, invert, _w = _weighted(rng, P.CONNECT_SAME, _CONN_SAME_CUM)
                segs.append([conn, None])
            pool = P.IRONY.get(theme) if irony and pol == "neg" else None
            if pool:
                template = _one(rng, pool)
                flags.add("irony")
            else:
                template = _one(rng, P.PHRASES[theme])
            if invert and not _can_invert(template):
                segs[-1][0] = _one(rng, (", og ", ". ", " - "))  # V2 would need inversion: plain join
                sentence_start, invert = segs[-1][0] == ". ", False
            frame = ""
            if (not invert and not reported and not pool and template[0] != "{" and theme not in _FACTUAL
                    and rnd() < 0.12):
                frame = v.render(_tokens(_one(rng, P.FRAMES_FIRST if first else P.FRAMES_THIRD)))
            drop = first and not invert and not frame and rnd() < 0.2
            clause = v.render(_tokens(template, invert, drop))
            if frame:
                clause = frame + _low(clause)
            segs.append([_cap(clause) if sentence_start else _low(clause), theme])
            prev_pol = pol
    x = rnd()
    if "irony" in flags and x < 0.6:
        end = "..."
    else:
        end = "." if x < 0.62 else "" if x < 0.92 else "..." if x < 0.97 else "!"
    if segs[-1][0][-1] in ".!?":
        end = ""
    segs.append([end, None])
    # noise, per segment so the theme clauses can be located afterwards
    if rnd() < 0.33:
        before = [s[0] for s in segs]
        for s in segs:
            s[0] = _abbreviate(rng, s[0])
        if before != [s[0] for s in segs]:
            flags.add("abbrev")
    if rnd() < 0.16:
        idx = [i for i, s in enumerate(segs) if _WORD.search(s[0])]
        for _ in range(1 if rnd() < 0.7 else 2):
            if idx:
                i = _one(rng, idx)
                segs[i][0] = _typo(rng, segs[i][0])
                flags.add("typo")
    if rnd() < 0.04:
        for s in segs:
            s[0] = s[0].translate(_DANISH)
        flags.add("ascii")
    if rnd() < 0.15:
        segs[0][0] = _low(segs[0][0])
        flags.add("lower")
    spans, pos = {}, 0
    for s, theme in segs:
        if theme is not None:
            lead = len(s) - len(s.lstrip())
            spans[theme] = (pos + lead, pos + len(s.rstrip()))
        pos += len(s)
    return WrittenAnswer("".join([s[0] for s in segs]), list(themes), spans, frozenset(flags))


@lru_cache(maxsize=None)
def _pools(band: str, q: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Themes typical of (band, question), and of the band alone (the fallback)."""
    by_band = tuple(t for t, (bands, _qs) in P.THEMES.items() if band in bands)
    both = tuple(t for t in by_band if q in P.THEMES[t][1])
    return both, by_band


def _weight(theme: str, subgroup: str, ethnicity: Optional[str]) -> float:
    """How likely a theme is for this kind of respondent (language for newcomers, health for the sick)."""
    w = 1.0
    main = spec.SUBGROUP_MAIN[subgroup]
    if theme == "sprogbarriere":
        w = (4.0 if ethnicity == "anden" else 0.12) * (2.0 if subgroup == "integration" else 1.0)
    elif theme == "helbred":
        w = 3.0 if subgroup in ("sygedagpenge", "ressource_o30", "ledighedsydelse", "aktiv_o30") else 0.5
    elif theme == "covid19":
        w = 2.0 if main == "jobparate" else 0.7
    elif theme == "egen_indsats" and subgroup.startswith("dagpenge"):
        w = 1.6
    elif theme == "mangel_paa_job" and subgroup in ("ledighedsydelse", "dagpenge_akademiker", "dagpenge_o30"):
        w = 2.0
    return w


@lru_cache(maxsize=None)
def _table(pool: tuple[str, ...], subgroup: str, ethnicity: Optional[str]) -> list[float]:
    return _cum(_weight(t, subgroup, ethnicity) for t in pool)


def _choose(rng: random.Random, pool: tuple[str, ...], r: DemoRespondent, k: int, taken: list[str]) -> list[str]:
    """Up to k weighted themes from pool, none of them already taken."""
    free = [t for t in pool if t not in taken]
    if len(free) <= k:
        out = free[:]
        rng.shuffle(out)
        return out
    cum = _table(pool, r.subgroup, r.ethnicity)
    out: list[str] = []
    while len(out) < k:
        t = _weighted(rng, pool, cum)
        if t not in taken and t not in out:
            out.append(t)
    return out


def choose_themes(rng: random.Random, band: str, q: str, r: DemoRespondent) -> list[str]:
    """1 theme (60 %), 2 (30 %) or 3 (10 %) typical of the band and question; some answers mix
    a positive and a negative theme (above all the neutral ones: "sød, men systemet ...")."""
    if band == "ved_ikke":
        out = ["ny_i_forloebet"]
        if rng.random() < 0.15:
            out += _choose(rng, ("helbred", "sprogbarriere", "covid19"), r, 1, out)
        return out
    x = rng.random()
    k = 1 if x < 0.6 else 2 if x < 0.9 else 3
    both, by_band = _pools(band, q)
    chosen = _choose(rng, both, r, k, [])
    if len(chosen) < k:
        chosen += _choose(rng, by_band, r, k - len(chosen), chosen)
    if k >= 2 and rng.random() < _MIX_P[band]:
        want = "pos" if band in ("neutral", "negativ") else "neg"
        extra = _choose(rng, _mix_pool(q, want), r, 1, chosen)
        if extra:
            keep = [t for t in chosen if P.POLARITY[t] != want][: k - 1] or chosen[: k - 1]
            chosen = extra + keep if want == "pos" else keep + extra
    return chosen


_MIX_P = {"neutral": 0.45, "negativ": 0.12, "positiv": 0.08}


@lru_cache(maxsize=None)
def _mix_pool(q: str, want: str) -> tuple[str, ...]:
    ob, obb = _pools("positiv" if want == "pos" else "negativ", q)
    return tuple(t for t in (ob or obb) if P.POLARITY[t] == want)


def generate_survey(seed: int = 2020, scale: int = 1) -> DemoSurvey:
    """The demo survey for ``seed``; ``scale`` multiplies every subgroup (for benchmarks:
    405 respondents and ~2,500 texts per unit of scale)."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    rng = random.Random(seed)
    resp, mood = _respondents(rng, scale)
    scores = _scores(rng, resp, mood, scale)
    out = DemoSurvey(seed=seed, scale=scale, respondents=resp)
    for r in resp:
        for q in spec.QUESTION_KEYS:
            score = scores[(r.key, q)]
            band = band_of(score)
            x = rng.random()
            if band == "ved_ikke":
                themes = None if x < 0.4 else [] if x < 0.72 else choose_themes(rng, band, q, r)
            else:
                themes = None if x < 0.1 else choose_themes(rng, band, q, r)
            if themes is None:
                r.answers[q] = (score, "")
                continue
            irony = band == "negativ" and len(themes) == 1 and rng.random() < 0.2
            w = write_answer(rng, band, themes, r.gender or "kvinde", irony)
            r.answers[q] = (score, w.text)
            out.gold[(r.key, q)] = w.themes
            out.spans[(r.key, q)] = w.spans
            out.noise[(r.key, q)] = w.noise
    return out


# -- the demo project -------------------------------------------------------------------------

RELIABILITY_N = 120
ANNE_EXTRA_N = 200


def _stratified(rng: random.Random, keys: list[Key], stratum: dict[Key, tuple], n: int) -> list[Key]:
    """n keys spread over strata proportionally, at least two from every stratum that has them."""
    groups: dict[tuple, list[Key]] = {}
    for k in keys:
        groups.setdefault(stratum[k], []).append(k)
    names = sorted(groups)
    alloc = {g: min(2, len(groups[g])) for g in names}
    left = n - sum(alloc.values())
    total = sum(len(groups[g]) - alloc[g] for g in names)
    if left > 0 and total > 0:
        share = {g: left * (len(groups[g]) - alloc[g]) / total for g in names}
        extra = {g: int(share[g]) for g in names}
        rest = left - sum(extra.values())
        for g in sorted(names, key=lambda g: -(share[g] - extra[g]))[:rest]:
            extra[g] += 1
        for g in names:
            alloc[g] = min(len(groups[g]), alloc[g] + extra[g])
    out: list[Key] = []
    for g in names:
        out += rng.sample(groups[g], alloc[g])
    return out[:n]


def _human(rng: random.Random, gold: list[str], band: str, q: str) -> list[str]:
    """A coder's version of the gold: drops a code now and then, adds a plausible wrong one."""
    codes = [c for c in gold if rng.random() >= 0.1]
    both, by_band = _pools(band or "neutral", q)
    if gold and (rng.random() < 0.08 or not codes):
        cand = [t for t in (both or by_band) if t not in gold] or [t for t in by_band if t not in gold]
        if cand:
            codes.append(rng.choice(cand))
    return codes


def create_demo(project: str, seed: int = 2020, scale: int = 1, codebook: Optional[str | Path] = None,
                progress: Optional[Callable[[int, int], bool]] = None) -> str:
    """Create the demo project: survey, default codebook, gold codings (coder ``facit``) and a
    project in progress (anne and bo coded a reliability sample, anne 200 more; susanne
    supervises). Returns a one-line summary. ``progress(done, total)`` returning False
    cancels (raises errors.Cancelled; the caller removes the half-made file)."""
    from sqlalchemy import insert, select as sa_select

    from workbench.coding.codebook import DEFAULT_CODEBOOK, install_codebook, load_codebook
    from workbench.coding.models import Answer, AnswerState, Coding, Question, Respondent, new_uid, utcnow
    from workbench.coding.store import Store
    from workbench.errors import WorkbenchError
    from workbench.errors import Cancelled
    from workbench.importer.survey import write_respondents

    def step(done: int) -> None:
        if progress is not None and progress(done, 100) is False:
            raise Cancelled()

    cb = load_codebook(codebook or DEFAULT_CODEBOOK)
    missing = sorted(set(P.PHRASES) - set(cb.ids))
    if missing:
        raise WorkbenchError(f"the codebook lacks the demo's themes: {', '.join(missing)}")
    step(0)
    survey = generate_survey(seed, scale)
    step(30)
    store = Store.open(project, create=True)
    try:
        with store.transaction() as s:
            install_codebook(store, s, cb)
        step(35)
        res = write_respondents(store, survey.parsed(), source=f"demo (seed {seed})",
                                progress=None if progress is None else
                                lambda d, t: progress(35 + 40 * d // max(t, 1), 100))
        step(75)
        rng = random.Random(f"{seed}-coders")
        with store.transaction() as s:
            conn = s.connection()
            code_id = {c.key: c.id for c in store.codes(s)}
            rows = conn.execute(sa_select(Respondent.key, Question.key, Answer.id, Answer.band)
                                .join(Answer, Answer.respondent_id == Respondent.id)
                                .join(Question, Question.id == Answer.question_id)
                                .where(Answer.text != "")).all()
            aid = {(rk, qk): a for rk, qk, a, _b in rows}
            band = {(rk, qk): b for rk, qk, _a, b in rows}
            coders = {name: store.coder(s, name, role=role).id for name, role in
                      (("facit", "gold"), ("anne", "coder"), ("bo", "coder"), ("susanne", "supervisor"))}
            now = utcnow()
            codings: list[dict] = []
            states: list[dict] = []

            def add(coder: str, key: Key, codes: list[str], spans: dict[str, tuple[int, int]], p_span: float):
                cid = coders[coder]
                states.append(dict(answer_id=aid[key], coder_id=cid, coded=True, flagged=False, updated_at=now,
                                   version=1))
                for c in codes:
                    st = en = None
                    if c in spans and (p_span >= 1 or rng.random() < p_span):
                        st, en = spans[c]
                    codings.append(dict(uid=new_uid(), answer_id=aid[key], coder_id=cid, code_id=code_id[c],
                                        start=st, end=en, source="import", created_at=now))

            keys = sorted(survey.gold)
            for k in keys:
                add("facit", k, survey.gold[k], survey.spans[k], 1.0)
            stratum = {k: (k[1], band[k]) for k in keys}
            sample = _stratified(rng, keys, stratum, min(RELIABILITY_N, len(keys)))
            chosen = set(sample)
            extra = rng.sample([k for k in keys if k not in chosen], min(ANNE_EXTRA_N, len(keys) - len(chosen)))
            for k in sample:
                add("anne", k, _human(rng, survey.gold[k], band[k], k[1]), survey.spans[k], 0.3)
                add("bo", k, _human(rng, survey.gold[k], band[k], k[1]), {}, 0.0)
            for k in extra:
                add("anne", k, _human(rng, survey.gold[k], band[k], k[1]), survey.spans[k], 0.3)
            for start in range(0, len(codings), 20000):
                conn.execute(insert(Coding), codings[start:start + 20000])
            for start in range(0, len(states), 20000):
                conn.execute(insert(AnswerState), states[start:start + 20000])
            store.log(s, "demo.create", "project", None, seed=seed, scale=scale, respondents=res.respondents,
                      answers=res.answers, reliability_sample=len(sample), anne=len(sample) + len(extra))
        step(100)
    finally:
        store.close()
    return (f"created demo project {project}: {res.respondents} respondents, {res.answers} answers, "
            f"{len(cb.codes)} codes, coders anne, bo")
