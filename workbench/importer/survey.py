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
from typing import Any, Callable, Iterable, Iterator, Optional

import yaml
from sqlalchemy import insert, select as sa_select, update
from sqlmodel import select

from workbench.bulk import chunks, gc_paused
from workbench.coding.definition import SurveyDefinition, builtin, load_definition, parse_int, parse_number
from workbench.coding.models import Answer, Question, Respondent, new_uid, new_uids
from workbench.coding.surveys import ensure_survey, project_definition
from workbench.errors import Cancelled, InputError, Msg, Problem, message_of
from workbench.importer.tables import Table, read_table

INT_RE = re.compile(r"^\s*-?\d+(?:[.,]0+)?\s*$")


@dataclass
class ParsedRespondent:
    """One respondent as read: id, wave, variables by key, other columns, and answers
    ``{question key: (score, band, text)}``."""

    key: str
    year: int
    variables: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    answers: dict[str, tuple[Optional[int], Optional[str], str]] = field(default_factory=dict)


@dataclass
class ImportResult:
    respondents: int
    answers: int  # follow-up answers with text
    created: int = 0
    updated: int = 0

    def summary(self) -> str:
        return f"imported {self.respondents} respondents, {self.answers} answers"


_SECTIONS = ("columns", "values", "defaults")


@dataclass
class Mapping:
    """A YAML mapping of another file layout onto a survey definition::

        columns: {respondent_id: ID, afdeling: Afd, spm1_score: Spm1, spm1_text: Spm1_hvorfor, ...}
        values: {afdeling: {"N": Nord}, koen: {"K": "1", "M": "2"}}
        defaults: {year: 2020, afdeling: Nord}

    ``columns`` and ``values`` are keyed by the definition's column names or variable keys;
    ``defaults`` by variable key or ``year``. A variable the definition reads from several
    columns names a ``parts_section`` and the weight of each part; a mapping gives that
    section the file's columns (a duration asked as years and months: ``{years: A, months: B}``).
    """

    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    parts: dict[str, dict[str, str]] = field(default_factory=dict)  # section -> {role: column}
    file: str = "mapping"

    @classmethod
    def load(cls, path: str | Path) -> "Mapping":
        file = str(path)
        try:
            raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except FileNotFoundError:
            raise InputError("mapping file not found", file=file) from None
        except IsADirectoryError:
            raise InputError("is a folder, not a mapping file", file=file) from None
        except (yaml.YAMLError, UnicodeDecodeError) as e:
            raise InputError(f"mapping is not valid YAML: {e}", file=file) from None
        problems = []
        if not isinstance(raw, dict):
            raise InputError("mapping must be a YAML mapping", file=file)
        for sect, v in raw.items():
            if v is not None and not isinstance(v, dict):
                problems.append(Problem(file, "must be a mapping", column=str(sect)))
        values = raw.get("values") if isinstance(raw.get("values"), dict) else {}
        for k, v in values.items():
            if v is not None and not isinstance(v, dict):
                problems.append(Problem(file, "must map file values to workbench values", column=f"values.{k}"))
        for sect, sub in raw.items():
            if sect == "values" or not isinstance(sub, dict):
                continue
            for k, v in sub.items():
                if isinstance(v, (dict, list)):
                    problems.append(Problem(file, "must be a single value", column=f"{sect}.{k}"))
        if problems:
            raise InputError(problems)
        vals = {str(k): {str(a): str(b) for a, b in (v or {}).items()} for k, v in (raw.get("values") or {}).items()}
        parts = {str(k): {str(a): str(b) for a, b in (v or {}).items()} for k, v in raw.items() if k not in _SECTIONS}
        return cls(columns={str(k): str(v) for k, v in (raw.get("columns") or {}).items()}, values=vals,
                   defaults=dict(raw.get("defaults") or {}), parts=parts, file=file)

    def apply(self, defn: SurveyDefinition) -> SurveyDefinition:
        """The definition reading this mapping's columns; unknown sections are errors."""
        known_parts = {v.parts_section: v for v in defn.variables if v.parts_section}
        problems = [Problem(self.file, f"unknown section {sect!r} (known: {', '.join(list(_SECTIONS) + sorted(known_parts))})",
                            column=sect) for sect in self.parts if sect not in known_parts]
        if problems:
            raise InputError(problems)
        renames = {self.column_name(defn, k): v for k, v in self.columns.items()}
        d = defn.with_columns(renames)
        for sect, roles in self.parts.items():
            var = d.variable(known_parts[sect].key)
            bad = [r for r in roles if r not in var.part_weights]
            if bad:
                raise InputError([Problem(self.file, f"unknown part {r!r} (known: {', '.join(var.part_weights)})",
                                          column=f"{sect}.{r}") for r in bad])
            var.parts = {col: var.part_weights[role] for role, col in roles.items()}
            var.column = None
        return d

    @staticmethod
    def column_name(defn: SurveyDefinition, key: str) -> str:
        """A mapping key as the definition's column: a variable key, respondent_id, year or a column."""
        v = defn.variable(key)
        if v is not None and v.column:
            return v.column
        if key == "respondent_id":
            return defn.respondent_id
        if key == "year" and defn.year_column:
            return defn.year_column
        return key


def _int(v: str) -> Optional[int]:
    return parse_int(v)


def parse_survey(table: Table, defn: Optional[SurveyDefinition] = None, mapping: Optional[Mapping] = None,
                 year: Optional[int] = None) -> tuple[list[ParsedRespondent], list[Problem]]:
    """Validate every row against the definition (the jobcentre survey by default) and return
    the parsed respondents and every problem found."""
    problems: list[Problem] = []
    out = list(iter_survey(table, defn, mapping, year, problems))
    return out, problems


def iter_survey(table: Table, defn: Optional[SurveyDefinition], mapping: Optional[Mapping], year: Optional[int],
                problems: list[Problem]) -> Iterator[ParsedRespondent]:
    """The respondents of ``table`` one by one as they are read, every problem appended to
    ``problems`` (a file's whole content need never be in memory: an import validates in one
    pass and writes in a second)."""
    defn = defn or builtin()
    mapping = mapping or Mapping()
    if mapping.columns or mapping.parts:
        defn = mapping.apply(defn)
    f = table.file
    idx: dict[str, int] = {}
    for i, h in enumerate(table.header):
        idx.setdefault(h, i)
    defaults = {Mapping.column_name(defn, str(k)): str(v) for k, v in mapping.defaults.items() if k != "year"}
    default_year = mapping.defaults.get("year")
    value_maps = {Mapping.column_name(defn, k): m for k, m in mapping.values.items() if m}

    def need(col: Optional[str], what: Msg, optional: bool = False) -> None:
        if col and col not in idx and col not in defaults and not optional:
            problems.append(Problem(f, Msg("required column is missing (the {0} of {1})", what, defn.file), row=1,
                                    column=col))

    need(defn.respondent_id, Msg("respondent id"))
    if defn.year_column and year is None and defn.year is None and default_year is None:
        need(defn.year_column, Msg("survey year"))
    for q in defn.questions:
        need(q.score, Msg("score of question {0}", q.key))
        need(q.text, Msg("text of question {0}", q.key))
    for v in defn.variables:
        if v.parts:
            for c in v.parts:
                if c not in idx:
                    problems.append(Problem(f, Msg("column of variable {0} (parts) is missing", v.key), row=1, column=c))
        elif not v.derived:
            need(v.column, Msg("variable {0}", v.key), optional=v.optional)
    dupes = {h for h in table.header if h and table.header.count(h) > 1}
    for h in sorted(dupes):
        problems.append(Problem(f, Msg("column appears more than once in the header"), row=1, column=h))
    if problems:
        return
    known_cols = set(defn.columns())
    extra_cols = [(h, i) for i, h in enumerate(table.header) if h and h not in known_cols]

    def reader(col: Optional[str]):
        """(index or None, default or None, value map or None) of a column, looked up once."""
        return (idx.get(col) if col else None, defaults.get(col) if col else None, value_maps.get(col) if col else None)

    def cell(row: list[str], acc) -> str:
        c, dflt, vmap = acc
        v = row[c].strip() if c is not None and c < len(row) else ""
        if not v and dflt is not None:
            v = dflt
        return vmap.get(v, v) if vmap else v

    rid_acc, year_acc = reader(defn.respondent_id), reader(defn.year_column)
    # per question: the accessors, whether both cells can be read straight from the row, and
    # every valid score as its cell text -> (score, band), so the common case is two dict look-ups
    q_acc = []
    for q in defn.questions:
        table_scores: dict[str, tuple[Optional[int], Optional[str]]] = {"": (None, None)}
        if q.scored:
            for sc in q.valid_scores():
                table_scores[str(sc)] = (sc, q.band_of(sc))
        sa, ta = reader(q.score), reader(q.text)
        plain = all(acc[1:] == (None, None) for acc in (sa, ta))
        q_acc.append((q, sa, ta, sa[0], ta[0], plain, table_scores))
    v_acc = [(v, reader(v.column), [(reader(c), w) for c, w in v.parts.items()], {})
             for v in defn.variables if not v.derived]
    fixed_year = year if year is not None else None

    seen: dict[tuple[int, str], int] = {}
    width = len(table.header)
    for i, row in enumerate(table.rows):
        rn = table.row_number(i)
        if not "".join(row).strip():
            continue
        if len(row) > width and "".join(row[width:]).strip():
            problems.append(Problem(f, Msg("has {0} fields but the header has {1}", len(row), width), row=rn))
        full = len(row) >= width

        key = cell(row, rid_acc)
        if not key:
            problems.append(Problem(f, Msg("respondent id is empty"), row=rn, column=defn.respondent_id))
        yr: Optional[int] = fixed_year
        if yr is None and defn.year_column:
            yv = cell(row, year_acc)
            if yv:
                try:
                    yr = parse_int(yv)
                except ValueError:
                    problems.append(Problem(f, Msg("year {0!r} is not a whole number", yv), row=rn,
                                            column=defn.year_column))
        if yr is None:
            yr = defn.year
        if yr is None and default_year is not None:
            try:
                yr = parse_int(default_year)
            except ValueError:
                problems.append(Problem(mapping.file, Msg("default year {0!r} is not a whole number", default_year),
                                        column="defaults.year"))
        if yr is None:
            problems.append(Problem(f, Msg("no survey year (give a year column, year: in the definition or --year)"),
                                    row=rn, column=defn.year_column))
        elif not (1990 <= yr <= 2100):
            problems.append(Problem(f, Msg("year {0} is not plausible", yr), row=rn, column=defn.year_column))

        variables: dict[str, Any] = {}
        for v, acc, parts, memo in v_acc:
            if parts:
                try:
                    got = [(parse_number(cell(row, a)), w) for a, w in parts]
                    val = None if all(x is None for x, _w in got) else sum((x or 0) * w for x, w in got)
                    if val is not None:
                        val = int(val) if float(val).is_integer() else val
                        if v.range and not (v.range[0] <= val <= v.range[1]):
                            raise ValueError
                except ValueError:
                    problems.append(Problem(f, Msg("{0} is not a number in the expected range", v.key), row=rn,
                                            column="/".join(v.parts)))
                    continue
            else:
                raw = cell(row, acc)
                val = memo.get(raw, _MISSING)  # few distinct values per variable: read each once
                if val is _MISSING:
                    try:
                        val = v.read(raw)
                    except ValueError as e:
                        val = _Bad(message_of(e))
                    if len(memo) < 10000:
                        memo[raw] = val
                if isinstance(val, _Bad):
                    problems.append(Problem(f, val.message, row=rn, column=v.column))
                    continue
            if val is None:
                if v.required:
                    problems.append(Problem(f, Msg("{0} is empty", v.key), row=rn, column=v.column))
                continue
            variables[v.key] = val
        rec = ParsedRespondent(key=key, year=yr or 0, variables=variables,
                               extra={h: row[c] for h, c in extra_cols if c < len(row) and row[c].strip()}
                               if extra_cols else {})
        answers = rec.answers
        for q, sacc, tacc, sc_i, tx_i, plain, scores in q_acc:
            if plain and full:
                sv = row[sc_i].strip() if sc_i is not None else ""
                tv = row[tx_i] if tx_i is not None else ""
            else:
                sv = cell(row, sacc) if sc_i is not None or sacc[1] is not None else ""
                tv = cell(row, tacc) if tx_i is not None or tacc[1] is not None else ""
            hit = scores.get(sv)
            if hit is None:
                hit = (None, None)
                try:
                    sc = parse_int(sv)
                    hit = (sc, q.band_of(sc))
                except ValueError:
                    problems.append(Problem(f, Msg("score {0!r} is not {1}", sv, q.describe_scale()), row=rn,
                                            column=q.score))
            text = tv.strip() if tv.isprintable() else _clean_text(tv)
            if hit[0] is not None or text:
                answers[q.key] = (hit[0], hit[1], text)
        if key and yr:
            if (yr, key) in seen:
                problems.append(Problem(f, Msg("duplicate respondent id {0!r} (also row {1})", key, seen[(yr, key)]),
                                        row=rn, column=defn.respondent_id))
            else:
                seen[(yr, key)] = rn
        yield rec


_MISSING = object()


class _Bad:
    """A cell value that failed to read (its message), remembered like a good one."""

    __slots__ = ("message",)

    def __init__(self, message: str):
        self.message = message
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean_text(v: str) -> str:
    """Answer text as stored: control characters dropped, line ends normalised, trimmed."""
    return _CONTROL.sub("", v.replace("\r\n", "\n").replace("\r", "\n")).strip()


def read_survey_file(path: str | Path) -> Table:
    """A survey file as a table: CSV, XLSX, or SPSS ``.sav`` (its labels kept on the table)."""
    if str(path).lower().endswith((".sav", ".zsav")):
        from workbench.importer.spss import read_sav

        return read_sav(path)
    return read_table(path)


def with_file_labels(defn: SurveyDefinition, table: Table) -> SurveyDefinition:
    """Labels the file carries (SPSS value labels) serve where the definition gives none."""
    value_labels = getattr(table, "value_labels", None) or {}
    column_labels = getattr(table, "column_labels", None) or {}
    if not value_labels and not column_labels:
        return defn
    import copy

    d = copy.deepcopy(defn)
    for q in d.questions:  # SPSS variable labels: the question's wording where the definition has none
        if not q.question:
            q.question = column_labels.get(q.score or "") or column_labels.get(q.text or "") or ""
    for v in d.variables:
        if not v.label and v.column and column_labels.get(v.column):
            v.label = column_labels[v.column]
    for v in d.variables:
        if v.column and not v.values and value_labels.get(v.column) and v.type == "category":
            v.values = {str(k): str(lbl) for k, lbl in value_labels[v.column].items()}
            v.__dict__.pop("_lookup", None)
    for q in d.questions:
        if q.score and not q.scale_labels and value_labels.get(q.score):
            for k, lbl in value_labels[q.score].items():
                try:
                    sc = parse_int(k)
                except ValueError:
                    continue
                if sc is not None and (q.in_scale(sc) or sc in q.dont_know):
                    q.scale_labels[sc] = str(lbl)
    return d


def import_survey(store, path: str | Path, mapping: Optional[str | Path | Mapping] = None,
                  year: Optional[int] = None, progress: Optional[Callable[[int, int], bool]] = None,
                  definition: Optional[str | Path | SurveyDefinition] = None) -> ImportResult:
    """Validate ``path`` completely against a survey definition, then write it in one
    transaction. Raises InputError.

    The definition is the one given (a YAML path or object), else the project's own (the
    next wave of a survey already in the project), else the jobcentre survey.
    ``progress(done, total)`` is called while writing; returning False cancels (nothing
    is written then).
    """
    m = Mapping.load(mapping) if isinstance(mapping, (str, Path)) else mapping
    if isinstance(definition, (str, Path)):
        defn = load_definition(definition)
    elif definition is not None:
        defn = definition
    else:
        with store.session() as s:
            defn = project_definition(s)
        defn = defn or builtin()
    with gc_paused():
        table = read_survey_file(path)
        defn = with_file_labels(defn, table)
        # pass 1: validate every row, keeping only counts (a 200 MB file is never held whole)
        problems: list[Problem] = []
        total = n_text = 0
        for r in iter_survey(table, defn, m, year, problems):
            total += 1
            n_text += sum(1 for (_s, _b, t) in r.answers.values() if t)
        if problems:
            raise InputError(problems)
        if not total:
            raise InputError(Msg("holds no respondents"), file=table.file)
        # pass 2: read again and write in batches, inside one transaction (all or nothing); the
        # project keeps the definition itself, a mapping describes only this file's layout
        again: list[Problem] = []
        res = write_respondents(store, iter_survey(table, defn, m, year, again), source=str(path),
                                progress=progress, definition=defn, total=total, n_text=n_text)
        if again:  # the file changed between the two readings: nothing of it is kept
            raise InputError(again)
    return res


BATCH = 5000  # respondents parsed, inserted and dropped at a time


def write_respondents(store, parsed: Iterable[ParsedRespondent], source: str = "",
                      progress: Optional[Callable[[int, int], bool]] = None,
                      definition: Optional[SurveyDefinition] = None, total: Optional[int] = None,
                      n_text: Optional[int] = None) -> ImportResult:
    """Insert or update respondents and answers in one transaction, a batch at a time, so
    memory stays flat however long the file; each wave (year) is created with, or updated to,
    ``definition``. ``parsed`` may be a list or a one-pass iterator (then give ``total`` and
    ``n_text``, known from validating it)."""
    defn = definition or builtin()
    if isinstance(parsed, list):
        total = len(parsed)
        n_text = sum(1 for r in parsed for (_s, _b, t) in r.answers.values() if t)
    total, n_text = total or 0, n_text or 0
    created = updated = done = 0
    with store.transaction() as s:
        conn = s.connection()
        raw = _sqlite_connection(conn)
        waves: dict[int, tuple[int, dict[str, int], dict[str, int]]] = {}  # year -> (survey id, question ids, respondent ids)
        fast = _SqliteBulk(raw, large=total >= 1000) if raw is not None else None
        try:
            batch: list[ParsedRespondent] = []
            for r in _then_none(parsed):
                if r is not None:
                    batch.append(r)
                    if len(batch) < BATCH:
                        continue
                if not batch:
                    break
                for yr in sorted({x.year for x in batch}):
                    if yr not in waves:
                        sv = ensure_survey(store, s, yr, defn)
                        qid = {q.key: q.id for q in s.exec(select(Question).where(Question.survey_id == sv.id))}
                        have = dict(conn.execute(sa_select(Respondent.key, Respondent.id)
                                                 .where(Respondent.survey_id == sv.id)).all())
                        waves[yr] = (sv.id, qid, have)
                    sid, qid, have = waves[yr]
                    mine = [x for x in batch if x.year == yr]
                    new = [x for x in mine if x.key not in have]
                    old = [x for x in mine if x.key in have]
                    if fast is not None:
                        fast.insert(sid, qid, new, have)
                    else:
                        _insert_new_orm(conn, sid, qid, new, have)
                    created += len(new)
                    for x in old:  # re-import: update in place, keep codings
                        _update_old(conn, have[x.key], qid, x)
                    updated += len(old)
                done += len(batch)
                batch = []
                if progress and progress(done, max(total, done)) is False:
                    raise Cancelled()
            if fast is not None:
                fast.finish()
        finally:
            if fast is not None:
                fast.restore()
        store.log(s, "survey.import", "file", source, respondents=done, answers=n_text, created=created,
                  updated=updated, survey=defn.name)
    return ImportResult(done, n_text, created, updated)


def _then_none(items: Iterable):
    """The items, then one None (the signal to write the last, partial batch)."""
    yield from items
    yield None


def _insert_new_orm(conn, survey_id: int, qid: dict[str, int], new: list[ParsedRespondent],
                    have: dict[str, int]) -> None:
    """New respondents and their answers through SQLAlchemy Core (PostgreSQL)."""
    if not new:
        return
    conn.execute(insert(Respondent), [dict(uid=new_uid(), survey_id=survey_id, key=r.key, variables=r.variables,
                                           extra=r.extra) for r in new])
    for part in chunks([r.key for r in new]):
        have.update(conn.execute(sa_select(Respondent.key, Respondent.id).where(
            Respondent.survey_id == survey_id, Respondent.key.in_(list(part)))).all())
    rows = [dict(uid=new_uid(), respondent_id=have[r.key], question_id=qid[q], score=sc, band=band, text=t,
                 text_original=None) for r in new for q, (sc, band, t) in r.answers.items()]
    for part in chunks(rows, 20000):
        conn.execute(insert(Answer), list(part))


def _update_old(conn, rid: int, qid: dict[str, int], r: ParsedRespondent) -> None:
    conn.execute(update(Respondent).where(Respondent.id == rid).values(variables=r.variables, extra=r.extra))
    existing = dict(conn.execute(sa_select(Answer.question_id, Answer.id).where(Answer.respondent_id == rid)).all())
    for q, (sc, band, t) in r.answers.items():
        if qid[q] in existing:
            conn.execute(update(Answer).where(Answer.id == existing[qid[q]]).values(score=sc, band=band, text=t))
        else:
            conn.execute(insert(Answer), [dict(uid=new_uid(), respondent_id=rid, question_id=qid[q],
                                               score=sc, band=band, text=t)])


def _sqlite_connection(conn):
    """The sqlite3 connection under an SQLAlchemy one (same transaction), or None elsewhere."""
    if conn.dialect.name != "sqlite":
        return None
    return conn.connection.driver_connection


class _SqliteBulk:
    """New respondents and their answers through the sqlite3 cursor (executemany over tuples):
    the same rows the Core path writes, without its per-row dict and bind overhead. Runs inside
    the caller's transaction; only the page cache grows for it (durability untouched). Into an
    empty answer table the secondary indexes are dropped first and built once at the end (a
    sort is cheaper than growing them row by row); drop and re-create are in the transaction."""

    R_COLS = ("uid", "survey_id", "key", "variables", "extra")
    A_COLS = ("uid", "respondent_id", "question_id", "score", "band", "text", "text_original")

    def __init__(self, raw, large: bool):
        self.cur = raw.cursor()
        q = lambda cols: ", ".join(f'"{c}"' for c in cols)  # noqa: E731
        self.r_sql = (f'INSERT INTO "{Respondent.__tablename__}" ({q(self.R_COLS)}) '
                      f'VALUES ({", ".join("?" * len(self.R_COLS))})')
        self.a_sql = (f'INSERT INTO "{Answer.__tablename__}" ({q(self.A_COLS)}) '
                      f'VALUES ({", ".join("?" * len(self.A_COLS))})')
        (self.old_cache,) = self.cur.execute("PRAGMA cache_size").fetchone()
        self.cur.execute("PRAGMA cache_size=-131072")  # 128 MiB while the indexes grow; restored after
        self.later: list[tuple[str, str]] = []
        if large and self.cur.execute(f'SELECT 1 FROM "{Answer.__tablename__}" LIMIT 1').fetchone() is None:
            self.later = self.cur.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                                          "AND sql IS NOT NULL", (Answer.__tablename__,)).fetchall()
            for name, _sql in self.later:
                self.cur.execute(f'DROP INDEX "{name}"')
        self.dumps = json.JSONEncoder(ensure_ascii=False).encode

    def insert(self, survey_id: int, qid: dict[str, int], new: list[ParsedRespondent], have: dict[str, int]) -> None:
        if not new:
            return
        uids = new_uids(len(new))
        empty, dumps = "{}", self.dumps
        self.cur.executemany(self.r_sql, [(u, survey_id, r.key, dumps(r.variables) if r.variables else empty,
                                           dumps(r.extra) if r.extra else empty) for u, r in zip(uids, new)])
        for part in chunks([r.key for r in new]):
            have.update(self.cur.execute(
                f'SELECT "key", id FROM "{Respondent.__tablename__}" WHERE survey_id = ? AND "key" IN '
                f'({", ".join("?" * len(part))})', (survey_id, *part)).fetchall())
        rows = [(have[r.key], qid[q], sc, band, t) for r in new for q, (sc, band, t) in r.answers.items()]
        self.cur.executemany(self.a_sql, [(u, rid, q, sc, band, t, None)
                                          for u, (rid, q, sc, band, t) in zip(new_uids(len(rows)), rows)])

    def finish(self) -> None:
        for _name, sql in self.later:
            self.cur.execute(sql)
        self.later = []

    def restore(self) -> None:
        try:
            self.cur.execute(f"PRAGMA cache_size={int(self.old_cache)}")
        finally:
            self.cur.close()
