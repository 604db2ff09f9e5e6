"""Import a wide survey file (one row per respondent) into a project.

Everything is validated before anything is written, and every problem is reported with
its file, row and column. The write is one transaction with batched inserts, so an import
either lands whole or not at all. Re-importing a file updates respondents by id instead of
duplicating them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

import yaml
from sqlalchemy import insert, select as sa_select, update
from sqlmodel import select

from workbench.coding import survey_spec as spec
from workbench.coding.bands import band_of
from workbench.coding.models import Answer, Question, Respondent, new_uid
from workbench.coding.surveys import ensure_survey
from workbench.errors import InputError, Problem
from workbench.importer.tables import Table, read_table

BACKGROUND = ["respondent_id", "year", "subgroup", "gender", "age", "unemployment_months", "ethnicity", "unit"]
REQUIRED = ["respondent_id", "subgroup"] + [f"{q}_{k}" for q in spec.QUESTION_KEYS for k in ("score", "text")]
ETHNICITY_ALIASES = {"dansk": "dansk", "anden": "anden", "anden etnisk baggrund end dansk": "anden",
                     "anden etnisk baggrund": "anden"}
GENDER_ALIASES = {"kvinde": "kvinde", "mand": "mand", "k": "kvinde", "m": "mand"}
INT_RE = re.compile(r"^\s*-?\d+(?:[.,]0+)?\s*$")


@dataclass
class ParsedRespondent:
    key: str
    year: int
    subgroup: str
    gender: Optional[str]
    age: Optional[int]
    unemployment_months: Optional[int]
    ethnicity: Optional[str]
    unit: Optional[str]
    extra: dict[str, Any]
    answers: dict[str, tuple[Optional[int], str]] = field(default_factory=dict)  # q -> (score, text)


@dataclass
class ImportResult:
    respondents: int
    answers: int  # follow-up answers with text
    created: int = 0
    updated: int = 0

    def summary(self) -> str:
        return f"imported {self.respondents} respondents, {self.answers} answers"


@dataclass
class Mapping:
    """A YAML column mapping for files of another layout::

        columns: {respondent_id: ID, subgroup: Gruppe, q1_score: Spm1, q1_text: Spm1_hvorfor, ...}
        values: {subgroup: {"Aktiv o30": aktiv_o30}, gender: {"1": kvinde, "2": mand}}
        defaults: {year: 2020, unit: JKI}
        unemployment: {years: LedAar, months: LedMdr}   # duration asked as years + months
    """

    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    unemployment: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path) -> "Mapping":
        file = str(path)
        try:
            raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except FileNotFoundError:
            raise InputError("mapping file not found", file=file) from None
        except (yaml.YAMLError, UnicodeDecodeError) as e:
            raise InputError(f"mapping is not valid YAML: {e}", file=file) from None
        problems = []
        if not isinstance(raw, dict):
            raise InputError("mapping must be a YAML mapping", file=file)
        for key in raw:
            if key not in ("columns", "values", "defaults", "unemployment"):
                problems.append(Problem(file, f"unknown section {key!r}", column=str(key)))
        for sect in ("columns", "values", "defaults", "unemployment"):
            if raw.get(sect) is not None and not isinstance(raw[sect], dict):
                problems.append(Problem(file, "must be a mapping", column=sect))
        if problems:
            raise InputError(problems)
        vals = {str(k): {str(a): str(b) for a, b in (v or {}).items()} for k, v in (raw.get("values") or {}).items()}
        return cls(columns={str(k): str(v) for k, v in (raw.get("columns") or {}).items()}, values=vals,
                   defaults=dict(raw.get("defaults") or {}), unemployment={str(k): str(v) for k, v in (raw.get("unemployment") or {}).items()})


def _int(v: str) -> Optional[int]:
    v = v.strip()
    if not v:
        return None
    if not INT_RE.match(v):
        raise ValueError(v)
    return int(float(v.replace(",", ".")))


def parse_survey(table: Table, mapping: Optional[Mapping] = None, year: Optional[int] = None,
                 known_subgroups: Optional[set[str]] = None) -> tuple[list[ParsedRespondent], list[Problem]]:
    """Validate every row and return the parsed respondents and every problem found."""
    mapping = mapping or Mapping()
    known_subgroups = known_subgroups or set(spec.SUBGROUP_MAIN)
    f = table.file
    col_of = {name: mapping.columns.get(name, name) for name in BACKGROUND + REQUIRED}
    idx = {h: i for i, h in enumerate(table.header)}
    problems: list[Problem] = []
    for name in REQUIRED:
        if col_of[name] not in idx and name not in mapping.defaults:
            problems.append(Problem(f, "required column is missing", row=1, column=col_of[name]))
    for name in mapping.unemployment.values():
        if name not in idx:
            problems.append(Problem(f, "column named in the mapping's unemployment section is missing", row=1, column=name))
    dupes = {h for h in table.header if h and table.header.count(h) > 1}
    for h in sorted(dupes):
        problems.append(Problem(f, "column appears more than once in the header", row=1, column=h))
    if problems:
        return [], problems
    known_cols = {col_of[n] for n in BACKGROUND + REQUIRED} | set(mapping.unemployment.values())
    extra_cols = [h for h in table.header if h and h not in known_cols]

    def get(row: list[str], name: str) -> str:
        col = col_of[name]
        if col in idx:
            v = row[idx[col]].strip() if idx[col] < len(row) else ""
        else:
            v = ""
        if not v and name in mapping.defaults:
            v = str(mapping.defaults[name])
        return mapping.values.get(name, {}).get(v, v)

    out: list[ParsedRespondent] = []
    seen: dict[tuple[int, str], int] = {}
    for i, row in enumerate(table.rows):
        rn = table.row_number(i)
        if not any(x.strip() for x in row):
            continue
        if len(row) > len(table.header) and any(x.strip() for x in row[len(table.header):]):
            problems.append(Problem(f, f"has {len(row)} fields but the header has {len(table.header)}", row=rn))

        def bad(name: str, msg: str) -> None:
            problems.append(Problem(f, msg, row=rn, column=col_of.get(name, name)))

        key = get(row, "respondent_id")
        if not key:
            bad("respondent_id", "respondent id is empty")
        yr: Optional[int] = year
        yv = get(row, "year")
        if yv:
            try:
                yr = _int(yv)
            except ValueError:
                bad("year", f"year {yv!r} is not a whole number")
        if yr is None:
            yr = int(mapping.defaults.get("year", 0) or 0) or None
        if yr is None:
            bad("year", "no survey year (give a year column or --year)")
        elif not (1990 <= yr <= 2100):
            bad("year", f"year {yr} is not plausible")
        sub = get(row, "subgroup")
        if not sub:
            bad("subgroup", "subgroup is empty")
        elif sub not in known_subgroups:
            bad("subgroup", f"unknown subgroup {sub!r} (known: {', '.join(sorted(known_subgroups))})")
        g = get(row, "gender")
        gender = GENDER_ALIASES.get(g.lower()) if g else None
        if g and gender is None:
            bad("gender", f"gender {g!r} is not kvinde or mand")
        e = get(row, "ethnicity")
        eth = ETHNICITY_ALIASES.get(e.lower()) if e else None
        if e and eth is None:
            bad("ethnicity", f"ethnicity {e!r} is not dansk or anden")
        age = None
        av = get(row, "age")
        try:
            age = _int(av)
            if age is not None and not (10 <= age <= 110):
                bad("age", f"age {age} is outside 10–110")
        except ValueError:
            bad("age", f"age {av!r} is not a number")
        months = None
        if mapping.unemployment:
            try:
                yrs = _int(row[idx[mapping.unemployment["years"]]]) if "years" in mapping.unemployment else None
                mos = _int(row[idx[mapping.unemployment["months"]]]) if "months" in mapping.unemployment else None
                months = None if yrs is None and mos is None else (yrs or 0) * 12 + (mos or 0)
            except ValueError:
                problems.append(Problem(f, "unemployment duration is not a number", row=rn,
                                        column="/".join(mapping.unemployment.values())))
        else:
            mv = get(row, "unemployment_months")
            try:
                months = _int(mv)
                if months is not None and months < 0:
                    bad("unemployment_months", f"unemployment duration {months} is negative")
            except ValueError:
                bad("unemployment_months", f"unemployment duration {mv!r} is not a number of months")
        rec = ParsedRespondent(key=key, year=yr or 0, subgroup=sub, gender=gender, age=age,
                               unemployment_months=months, ethnicity=eth, unit=get(row, "unit") or None,
                               extra={h: row[idx[h]] for h in extra_cols if idx[h] < len(row) and row[idx[h]].strip()})
        for q in spec.QUESTION_KEYS:
            sv, tv = get(row, f"{q}_score"), get(row, f"{q}_text")
            score = None
            try:
                score = _int(sv)
                if score is not None and score not in (1, 2, 3, 4, 5, 9):
                    raise ValueError
            except ValueError:
                bad(f"{q}_score", f"score {sv!r} is not 1–5, 9 or blank")
                score = None
            text = _clean_text(tv)
            if score is not None or text:
                rec.answers[q] = (score, text)
        if key and yr:
            if (yr, key) in seen:
                bad("respondent_id", f"duplicate respondent id {key!r} (also row {seen[(yr, key)]})")
            else:
                seen[(yr, key)] = rn
        out.append(rec)
    return out, problems


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean_text(v: str) -> str:
    """Answer text as stored: control characters dropped, line ends normalised, trimmed."""
    return _CONTROL.sub("", v.replace("\r\n", "\n").replace("\r", "\n")).strip()


def import_survey(store, path: str | Path, mapping: Optional[str | Path | Mapping] = None,
                  year: Optional[int] = None, progress: Optional[Callable[[int, int], bool]] = None) -> ImportResult:
    """Validate ``path`` completely, then write it in one transaction. Raises InputError.

    ``progress(done, total)`` is called while writing; returning False cancels (nothing
    is written then).
    """
    m = Mapping.load(mapping) if isinstance(mapping, (str, Path)) else mapping
    table = read_table(path)
    parsed, problems = parse_survey(table, m, year)
    if problems:
        raise InputError(problems)
    if not parsed:
        raise InputError("holds no respondents", file=table.file)
    return write_respondents(store, parsed, source=str(path), progress=progress)


class Cancelled(Exception):
    """The user cancelled a long operation; nothing was written."""


def write_respondents(store, parsed: list[ParsedRespondent], source: str = "",
                      progress: Optional[Callable[[int, int], bool]] = None) -> ImportResult:
    """Insert or update respondents and answers in one transaction with batched statements."""
    total = len(parsed)
    n_text = sum(1 for r in parsed for (_s, t) in r.answers.values() if t)
    created = updated = 0
    with store.transaction() as s:
        conn = s.connection()
        for yr in sorted({r.year for r in parsed}):
            sv = ensure_survey(store, s, yr)
            qid = {q.key: q.id for q in s.exec(select(Question).where(Question.survey_id == sv.id))}
            batch = [r for r in parsed if r.year == yr]
            existing = dict(conn.execute(sa_select(Respondent.key, Respondent.id).where(Respondent.survey_id == sv.id)).all())
            new = [r for r in batch if r.key not in existing]
            old = [r for r in batch if r.key in existing]
            step = 2000
            for start in range(0, len(new), step):
                chunk = new[start:start + step]
                conn.execute(insert(Respondent), [dict(
                    uid=new_uid(), survey_id=sv.id, key=r.key, subgroup=r.subgroup,
                    main_group=spec.SUBGROUP_MAIN.get(r.subgroup, ""), gender=r.gender, age=r.age,
                    unemployment_months=r.unemployment_months, ethnicity=r.ethnicity, unit=r.unit, extra=r.extra)
                    for r in chunk])
                if progress and progress(start + len(chunk), total) is False:
                    raise Cancelled()
            ids = dict(conn.execute(sa_select(Respondent.key, Respondent.id).where(Respondent.survey_id == sv.id)).all())
            rows = [dict(uid=new_uid(), respondent_id=ids[r.key], question_id=qid[q], score=sc, band=band_of(sc),
                         text=t, text_original=None)
                    for r in new for q, (sc, t) in r.answers.items()]
            for start in range(0, len(rows), 20000):
                conn.execute(insert(Answer), rows[start:start + 20000])
            created += len(new)
            for r in old:  # re-import: update in place, keep codings
                rid = existing[r.key]
                conn.execute(update(Respondent).where(Respondent.id == rid).values(
                    subgroup=r.subgroup, main_group=spec.SUBGROUP_MAIN.get(r.subgroup, ""), gender=r.gender,
                    age=r.age, unemployment_months=r.unemployment_months, ethnicity=r.ethnicity, unit=r.unit,
                    extra=r.extra))
                have = dict(conn.execute(sa_select(Answer.question_id, Answer.id).where(Answer.respondent_id == rid)).all())
                for q, (sc, t) in r.answers.items():
                    if qid[q] in have:
                        conn.execute(update(Answer).where(Answer.id == have[qid[q]]).values(score=sc, band=band_of(sc), text=t))
                    else:
                        conn.execute(insert(Answer), [dict(uid=new_uid(), respondent_id=rid, question_id=qid[q],
                                                           score=sc, band=band_of(sc), text=t)])
                updated += 1
            if progress and progress(total, total) is False:
                raise Cancelled()
        store.log(s, "survey.import", "file", source, respondents=total, answers=n_text, created=created, updated=updated)
    return ImportResult(total, n_text, created, updated)
