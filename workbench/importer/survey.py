"""Import a wide survey file (one row per respondent) into a project.

Everything is validated before anything is written, and every problem is reported with
its file, row and column. The write is one transaction with batched inserts, so an import
either lands whole or not at all. Re-importing a file updates respondents by id instead of
duplicating them.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

import yaml
from sqlalchemy import insert, select as sa_select, update
from sqlmodel import select

from workbench.bulk import gc_paused
from workbench.coding import survey_spec as spec
from workbench.coding.bands import band_of
from workbench.coding.models import Answer, Question, Respondent, new_uid, new_uids
from workbench.coding.surveys import ensure_survey
from workbench.errors import Cancelled, InputError, Problem
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
        # one level further down, so a wrong shape is the user's problem, not a crash
        values = raw.get("values") if isinstance(raw.get("values"), dict) else {}
        for k, v in values.items():
            if v is not None and not isinstance(v, dict):
                problems.append(Problem(file, "must map file values to workbench values", column=f"values.{k}"))
        for sect in ("columns", "defaults", "unemployment"):
            sub = raw.get(sect) if isinstance(raw.get(sect), dict) else {}
            for k, v in sub.items():
                if isinstance(v, (dict, list)):
                    problems.append(Problem(file, "must be a single value", column=f"{sect}.{k}"))
        if problems:
            raise InputError(problems)
        vals = {str(k): {str(a): str(b) for a, b in (v or {}).items()} for k, v in (raw.get("values") or {}).items()}
        return cls(columns={str(k): str(v) for k, v in (raw.get("columns") or {}).items()}, values=vals,
                   defaults=dict(raw.get("defaults") or {}), unemployment={str(k): str(v) for k, v in (raw.get("unemployment") or {}).items()})


def _int(v: str) -> Optional[int]:
    v = v.strip()
    if not v:
        return None
    if len(v) < 16 and v.isascii() and v.isdigit():  # the common case, without the regex
        return int(v)
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

    # per column: (index or None, default or None, value map or None), looked up once
    acc = {name: (idx.get(col_of[name]), str(mapping.defaults[name]) if name in mapping.defaults else None,
                  mapping.values.get(name) or None) for name in col_of}

    def get(row: list[str], name: str) -> str:
        c, dflt, vmap = acc[name]
        v = row[c].strip() if c is not None and c < len(row) else ""
        if not v and dflt is not None:
            v = dflt
        return vmap.get(v, v) if vmap else v

    # the follow-ups without defaults or value maps are read straight from the row
    q_cols = [(q, acc[f"{q}_score"][0], acc[f"{q}_text"][0],
               acc[f"{q}_score"][1:] == (None, None) and acc[f"{q}_text"][1:] == (None, None))
              for q in spec.QUESTION_KEYS]
    bg_names = ("respondent_id", "year", "subgroup", "gender", "ethnicity", "age", "unemployment_months", "unit")
    bg_plain = all(acc[n][1:] == (None, None) for n in bg_names)
    bg_idx = [acc[n][0] for n in bg_names]
    width = max((c for _q, sc, tc, _p in q_cols for c in (sc, tc, *bg_idx) if c is not None), default=-1)

    out: list[ParsedRespondent] = []
    seen: dict[tuple[int, str], int] = {}
    for i, row in enumerate(table.rows):
        rn = table.row_number(i)
        if not (row and row[0].strip()) and not any(x.strip() for x in row):
            continue
        if len(row) > len(table.header) and any(x.strip() for x in row[len(table.header):]):
            problems.append(Problem(f, f"has {len(row)} fields but the header has {len(table.header)}", row=rn))

        def bad(name: str, msg: str) -> None:
            problems.append(Problem(f, msg, row=rn, column=col_of.get(name, name)))

        long_enough = len(row) > width
        if bg_plain and long_enough:
            key, yv, sub, g, e, av, mv, unit = [row[c].strip() if c is not None else "" for c in bg_idx]
        else:
            key, yv, sub, g, e, av, mv, unit = [get(row, n) for n in bg_names]
        if not key:
            bad("respondent_id", "respondent id is empty")
        yr: Optional[int] = year
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
        if not sub:
            bad("subgroup", "subgroup is empty")
        elif sub not in known_subgroups:
            bad("subgroup", f"unknown subgroup {sub!r} (known: {', '.join(sorted(known_subgroups))})")
        gender = GENDER_ALIASES.get(g.lower()) if g else None
        if g and gender is None:
            bad("gender", f"gender {g!r} is not kvinde or mand")
        eth = ETHNICITY_ALIASES.get(e.lower()) if e else None
        if e and eth is None:
            bad("ethnicity", f"ethnicity {e!r} is not dansk or anden")
        age = None
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
            try:
                months = _int(mv)
                if months is not None and months < 0:
                    bad("unemployment_months", f"unemployment duration {months} is negative")
            except ValueError:
                bad("unemployment_months", f"unemployment duration {mv!r} is not a number of months")
        rec = ParsedRespondent(key=key, year=yr or 0, subgroup=sub, gender=gender, age=age,
                               unemployment_months=months, ethnicity=eth, unit=unit or None,
                               extra={h: row[idx[h]] for h in extra_cols if idx[h] < len(row) and row[idx[h]].strip()}
                               if extra_cols else {})
        for q, sc, tc, plain in q_cols:
            if plain and long_enough and sc is not None and tc is not None:
                sv, tv = row[sc].strip(), row[tc].strip()
            else:
                sv, tv = get(row, f"{q}_score"), get(row, f"{q}_text")
            score = _SCORES.get(sv, _MISSING)
            if score is _MISSING:
                score = None
                try:
                    score = _int(sv)
                    if score is not None and score not in (1, 2, 3, 4, 5, 9):
                        raise ValueError
                except ValueError:
                    bad(f"{q}_score", f"score {sv!r} is not 1–5, 9 or blank")
                    score = None
            text = tv.strip() if tv.isprintable() else _clean_text(tv)
            if score is not None or text:
                rec.answers[q] = (score, text)
        if key and yr:
            if (yr, key) in seen:
                bad("respondent_id", f"duplicate respondent id {key!r} (also row {seen[(yr, key)]})")
            else:
                seen[(yr, key)] = rn
        out.append(rec)
    return out, problems


_SCORES = {"": None, "1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "9": 9}  # valid stripped scores, no parsing
_MISSING = object()
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
    with gc_paused():
        table = read_table(path)
        parsed, problems = parse_survey(table, m, year)
        if problems:
            raise InputError(problems)
        if not parsed:
            raise InputError("holds no respondents", file=table.file)
        return write_respondents(store, parsed, source=str(path), progress=progress)


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
            raw = _sqlite_connection(conn)
            if raw is not None:
                _insert_new_sqlite(raw, sv.id, qid, new, step, lambda done: progress and progress(done, total) is False)
            else:
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


def _sqlite_connection(conn):
    """The sqlite3 connection under an SQLAlchemy one (same transaction), or None elsewhere."""
    if conn.dialect.name != "sqlite":
        return None
    return conn.connection.driver_connection


def _insert_new_sqlite(raw, survey_id: int, qid: dict[str, int], new: list[ParsedRespondent], step: int,
                       cancelled: Callable[[int], bool]) -> None:
    """Insert new respondents and their answers through the sqlite3 cursor (executemany over
    tuples): the same rows the ORM path writes, without its per-row dict and bind overhead.
    Runs inside the caller's transaction; only the page cache grows for it (durability untouched)."""
    r_cols = ("uid", "survey_id", "key", "subgroup", "main_group", "gender", "age", "unemployment_months",
              "ethnicity", "unit", "extra")
    a_cols = ("uid", "respondent_id", "question_id", "score", "band", "text", "text_original")
    r_sql = (f'INSERT INTO "{Respondent.__tablename__}" ({", ".join(chr(34) + c + chr(34) for c in r_cols)}) '
             f'VALUES ({", ".join("?" * len(r_cols))})')
    a_sql = (f'INSERT INTO "{Answer.__tablename__}" ({", ".join(chr(34) + c + chr(34) for c in a_cols)}) '
             f'VALUES ({", ".join("?" * len(a_cols))})')
    cur = raw.cursor()
    (old_cache,) = cur.execute("PRAGMA cache_size").fetchone()
    cur.execute("PRAGMA cache_size=-131072")  # 128 MiB while the indexes grow; restored below
    try:
        uids = new_uids(len(new))
        main = spec.SUBGROUP_MAIN
        empty = json.dumps({})
        for start in range(0, len(new), step):
            chunk = new[start:start + step]
            cur.executemany(r_sql, [(uids[start + i], survey_id, r.key, r.subgroup, main.get(r.subgroup, ""), r.gender,
                                     r.age, r.unemployment_months, r.ethnicity, r.unit,
                                     json.dumps(r.extra) if r.extra else empty)
                                    for i, r in enumerate(chunk)])
            if cancelled(start + len(chunk)):
                raise Cancelled()
        ids = dict(cur.execute(f'SELECT "key", id FROM "{Respondent.__tablename__}" WHERE survey_id = ?',
                               (survey_id,)).fetchall())
        bands = {sc: band_of(sc) for sc in (None, 1, 2, 3, 4, 5, 9)}
        rows = [(ids[r.key], qid[q], sc, t) for r in new for q, (sc, t) in r.answers.items()]
        uids = new_uids(len(rows))
        # Into an empty table, building the secondary indexes once afterwards (a sort) is cheaper
        # than growing them row by row; the drop and re-create are part of this transaction.
        later = []
        if len(rows) >= 5000 and cur.execute(f'SELECT 1 FROM "{Answer.__tablename__}" LIMIT 1').fetchone() is None:
            later = cur.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                                "AND sql IS NOT NULL", (Answer.__tablename__,)).fetchall()
            for name, _sql in later:
                cur.execute(f'DROP INDEX "{name}"')
        cur.executemany(a_sql, [(u, rid, q, sc, bands[sc] if sc in bands else band_of(sc), t, None)
                                for u, (rid, q, sc, t) in zip(uids, rows)])
        for _name, sql in later:
            cur.execute(sql)
    finally:
        cur.execute(f"PRAGMA cache_size={int(old_cache)}")
        cur.close()
