"""The coded data of a project as pandas DataFrames, loaded once per export.

Every report export works from the same few frames (answers joined with respondents and
questions; one coder's codings; the codes), each fetched with one query, so that the
numbers in the CSV, the XLSX, the charts and the Word file cannot disagree, and a
405-respondent survey exports in well under a second on SQLite and PostgreSQL alike.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Iterable, Optional, Union

import numpy as np
import pandas as pd
from sqlalchemy import Text, cast, func
from sqlalchemy.engine import make_url
from sqlmodel import select

from workbench.bulk import gc_paused
from workbench.coding.definition import SurveyDefinition, builtin
from workbench.coding.models import (Answer, AnswerState, Coder, Coding, Code, PiiFinding, Question, QuoteStar,
                                     Respondent, Survey)
from workbench.coding.store import FINAL_CODER
from workbench.coding.surveys import definition_of, merge_waves
from workbench.errors import InputError
from workbench.export.safety import min_cell as _min_cell

HUMAN_ROLES = ("coder", "supervisor")
ALL = "alle"
VALUE = "value:"  # answers["value:<var>"]: the stored value (code, number) beside the group in answers["<var>"]
YearArg = Union[int, str, None]


def coders_with_work(store) -> tuple[bool, list[str]]:
    """(whether ``final`` has coded anything, the human coders who have, by name): the
    candidates an export can default to."""
    with store.session() as s:
        rows = s.exec(select(Coder.name, Coder.role, Coder.id)).all()
        active = set(s.exec(select(Coding.coder_id).distinct()).all()) | set(
            s.exec(select(AnswerState.coder_id).where(AnswerState.coded == True).distinct()).all())  # noqa: E712
    final = any(n == FINAL_CODER and i in active for n, _r, i in rows)
    return final, sorted(n for n, r, i in rows if r in HUMAN_ROLES and i in active)


def resolve_coder(store, coder: Optional[str] = None) -> str:
    """The coder whose codings an export shows.

    An explicit name must exist. Otherwise ``final`` (the reconciled coding) when it has
    coded anything, else the only human coder who has; gold-standard coders are never a
    default, and with several candidates the user has to choose (InputError lists them).
    """
    if coder:
        with store.session() as s:
            names = sorted(s.exec(select(Coder.name)).all())
        if coder not in names:
            known = ", ".join(names) or "none yet"
            raise InputError(f"no coder named {coder!r} in the project (coders: {known})")
        return coder
    final, humans = coders_with_work(store)
    if final:
        return FINAL_CODER
    if len(humans) == 1:
        return humans[0]
    if not humans:
        raise InputError("the project has no codings yet (import codings or code some answers first)")
    raise InputError(f"several coders have coded ({', '.join(humans)}); choose one with --coder NAME or 'final'")


def source_label(store) -> str:
    """Project name and where it lives, for the header of every export: the project file's name
    (a colleague's copy of the export should not carry the author's folders), or the server and
    database without any password."""
    p = store.project_row()
    name = p.name if p else "project"
    where = store.path.name if store.is_sqlite else make_url(store.url).render_as_string(hide_password=True)
    return f"{name} ({where})"


@dataclass
class CodedData:
    """Everything an export needs, as frames: see ``load``."""

    answers: pd.DataFrame
    codings: pd.DataFrame
    codes: pd.DataFrame
    questions: pd.DataFrame
    definition: SurveyDefinition
    pii: dict[int, list[tuple[int, int, str]]]
    coder: Optional[str]
    source: str
    min_cell: int
    years: list[int]
    exported_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc).astimezone())
    n_coded: int = 0  # answers with text the coder has marked coded (with or without codes)
    coded_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # the marked ones' ids

    def coded_mask(self, answer_ids) -> np.ndarray:
        """True for each answer the coder has coded: marked coded, or carrying a code. An
        answer not coded yet is not the same as "coded, no such theme" (the data export
        leaves its code cells empty)."""
        ids = np.asarray(answer_ids, dtype=np.int64)
        with_codes = self.codings["answer_id"].to_numpy(dtype=np.int64) if len(self.codings) else ids[:0]
        return np.isin(ids, self.coded_ids) | np.isin(ids, with_codes)

    def coverage(self) -> tuple[int, int]:
        """(answers with text the coder has coded, answers with text): a table built on
        unfinished coding says so."""
        return self.n_coded, int(self.answers["has_text"].sum())

    def coverage_note(self) -> str:
        """A Danish sentence for exports when coding is unfinished, else ''."""
        done, total = self.coverage()
        if not self.coder or total == 0 or done >= total:
            return ""
        return (f"Bemærk: {self.coder} har kodet {done} af {total} svar med tekst ({100 * done / total:.0f} %); "
                f"andelene er af alle svar med tekst, så de vokser, efterhånden som kodningen bliver færdig.")

    @property
    def stamp(self) -> str:
        return self.exported_at.strftime("%Y-%m-%d %H:%M %Z").strip()

    def header(self, what: str) -> str:
        """One line that says where an export comes from, whose coding and when."""
        coder = f"koder: {self.coder}; " if self.coder else ""
        years = ", ".join(map(str, self.years))
        return f"{what} — kilde: {self.source}; år: {years}; {coder}eksporteret {self.stamp}"

    def code_matrix(self) -> pd.DataFrame:
        """answer_id × code key, 1 when the coder applied the code anywhere in the answer."""
        keys = list(self.codes["key"])
        if self.codings.empty:
            m = pd.DataFrame(0, index=self.answers["answer_id"], columns=keys)
        else:
            m = pd.crosstab(self.codings["answer_id"], self.codings["code"]).clip(upper=1)
            m = m.reindex(index=self.answers["answer_id"], columns=keys, fill_value=0)
        m.index.name = "answer_id"
        return m.fillna(0).astype(int)

    def code_label(self, key: str) -> str:
        hit = self.codes.loc[self.codes["key"] == key, "label"]
        return str(hit.iloc[0]) if len(hit) else key

    def question_info(self, key: str) -> dict:
        hit = self.questions[self.questions["key"] == key]
        return hit.iloc[-1].to_dict() if len(hit) else {"key": key, "topic": "", "text": "", "scale_labels": []}

    def groups(self, by: str) -> list[str]:
        """The groups of a background variable in report order, those present only."""
        present = set(self.answers[by].dropna().unique())
        order = self.definition.group_order(by)
        return [g for g in order if g in present] + sorted(present - set(order), key=str)

    def group_label(self, by: str, g: str) -> str:
        """A group as people read it (a target group's full name where the definition gives one)."""
        if by == ALL or g == ALL:
            return "Alle"
        return self.definition.group_description(by, g)

    def variable_title(self, by: str) -> str:
        v = self.definition.variable(by)
        return v.title if v else ("Alle" if by == ALL else by)

    def question_def(self, key: str):
        return self.definition.question(key)

    @property
    def variables(self) -> list[str]:
        return self.definition.variable_keys

    @property
    def bands(self) -> list[str]:
        return self.definition.bands


def _years(s, year: YearArg) -> list[int]:
    have = sorted(set(s.exec(select(Survey.year)).all()))
    if year in ("all", "*"):
        return have
    if year is None:
        return have[-1:]
    y = int(year)
    if y not in have:
        raise InputError(f"the project holds no survey of {y} (years: {', '.join(map(str, have)) or 'none'})")
    return [y]


ANSWER_COLUMNS = ["answer_id", "score", "band", "text", "respondent_pk", "respondent_id", "year", "question",
                  "question_pos"]


def _tuples(conn, query) -> list[tuple]:
    """All rows of a Core query as the driver's plain tuples, on the session's own connection
    (same transaction). Building SQLAlchemy Row objects, then tuples for pandas, cost more than
    SQLite's own work on a 100,000-answer load; these queries need no result type processing
    (integers, text and booleans computed in SQL)."""
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    if compiled.positional:
        params = [params[k] for k in compiled.positiontup]
    cur = conn.connection.dbapi_connection.cursor()
    try:
        cur.execute(str(compiled), params)
        return cur.fetchall()
    finally:
        cur.close()


def _n_coded(answers: pd.DataFrame, coded: np.ndarray) -> int:
    """How many of the answers with text are among the coder's coded ones."""
    if not len(coded):
        return 0
    with_text = answers.loc[answers["has_text"], "answer_id"].to_numpy(dtype=np.int64)
    return int(np.isin(with_text, coded).sum())


def _json_text(column, key: str, dialect: str):
    """SQL for one key of a JSON column as JSON text ("null" or NULL when absent), alike on
    SQLite and PostgreSQL. (SQLAlchemy's ``column[key]`` needs its bind processing, which
    ``_tuples`` skips.) Keys are the definition's checked identifiers."""
    if dialect == "sqlite":
        return func.json_quote(func.json_extract(column, f'$."{key}"'))
    return cast(column.op("->")(key), Text)


def _stored_values(resp_rows, stored: Optional[list[str]]) -> list[dict]:
    """Each respondent's stored variables from the query's columns after the third: the whole
    JSON object (``stored`` None), or one JSON text per stored key, each distinct text parsed once."""
    import json

    if stored is None:
        return [v if isinstance(v, dict) else json.loads(v or "{}") for *_x, v in resp_rows]
    memo: dict[Optional[str], object] = {None: None}
    out = []
    for row in resp_rows:
        vals = {}
        for k, raw in zip(stored, row[3:]):
            try:
                vals[k] = memo[raw]
            except KeyError:
                vals[k] = memo[raw] = json.loads(raw)
        out.append(vals)
    return out


def _codings_frame(rows: list[tuple], answer_ids: np.ndarray, code_keys: dict[int, str],
                   starred: set[int]) -> pd.DataFrame:
    """The coder's codings of the loaded answers, in the order they were made: coding_id,
    answer_id, code (key), start, end (Int64, empty for a whole-answer coding), starred.
    ``rows`` are (id, answer, code, start, end), or (answer, code) when only codes were read
    (then the rest is empty). Built from numpy columns: a 100,000-row frame from tuples
    costs more than the query."""
    if rows and len(rows[0]) == 2:
        pairs = np.array(rows, dtype=np.int64)
        m = np.full((len(rows), 5), np.nan)
        ids, aids, cids = np.zeros(len(rows), dtype=np.int64), pairs[:, 0], pairs[:, 1]
    else:
        m = np.array(rows, dtype=np.float64).reshape(len(rows), 5)  # an absent span is NaN
        ids, aids, cids = m[:, 0].astype(np.int64), m[:, 1].astype(np.int64), m[:, 2].astype(np.int64)
    keep = np.isin(aids, answer_ids)
    order = np.argsort(ids[keep], kind="stable")
    pick = np.flatnonzero(keep)[order]
    code_ids = cids[pick]
    known = pd.Index(list(code_keys))
    keys = np.asarray(list(code_keys.values()) + [None], dtype=object)
    at = known.get_indexer(code_ids)
    return pd.DataFrame({
        "coding_id": ids[pick], "answer_id": aids[pick], "code": keys[at],  # -1: the None at the end
        "start": pd.array(m[pick, 3], dtype="Float64").astype("Int64"),
        "end": pd.array(m[pick, 4], dtype="Float64").astype("Int64"),
        "starred": np.isin(ids[pick], np.fromiter(starred, dtype=np.int64, count=len(starred)))})


def _answers_frame(ans_rows, resp_rows, qrows, year_of: dict[int, int], defn: SurveyDefinition,
                   keys: list[str], stored: Optional[list[str]]) -> pd.DataFrame:
    """One row per answer with its question, its respondent and the respondent's variables:
    ``answers[var]`` the group (label, bin, derived group), ``answers["value:" + var]`` the
    stored value, for each variable of ``keys``."""
    o = np.array(ans_rows, dtype=object).reshape(len(ans_rows), 6)  # typed column by column: faster
    a = pd.DataFrame({"answer_id": o[:, 0].astype(np.int64), "respondent_pk": o[:, 1].astype(np.int64),
                      "question_id": o[:, 2].astype(np.int64), "score": pd.array(o[:, 3], dtype="Int64"),
                      "band": o[:, 4], "text": o[:, 5]})
    r = pd.DataFrame([row[:3] for row in resp_rows], columns=["respondent_pk", "respondent_id", "survey_id"])
    values = _stored_values(resp_rows, stored) if keys else []
    r["year"] = r["survey_id"].map(year_of)
    groups = defn.group_columns(values, keys)  # each variable's distinct values grouped once
    for k in keys:
        r[k] = groups[k]
        if not defn.variable(k).derived:
            r[VALUE + k] = [v.get(k) for v in values]
    a = a.merge(r.drop(columns="survey_id"), on="respondent_pk", how="inner", sort=False)
    a["question"] = a["question_id"].map({q[6]: q[0] for q in qrows})
    a["question_pos"] = a["question_id"].map({q[6]: q[1] for q in qrows})
    extra = [c for c in r.columns if c not in ANSWER_COLUMNS and c not in ("respondent_pk", "respondent_id", "year", "survey_id")]
    return a[ANSWER_COLUMNS + extra]


@gc_paused()
def load(store, coder: Optional[str] = None, *, with_codings: bool = True, year: YearArg = None,
         with_text: bool = True, variables: Optional[Callable[[SurveyDefinition], Iterable[str]]] = None,
         spans: bool = True) -> CodedData:
    """Load answers (every stored answer of the chosen year(s); ``year=None`` is the newest
    survey, ``"all"`` every year), the codes, and — with ``with_codings`` — the resolved
    coder's codings and starred quotes. ``with_text=False`` leaves the texts in the database
    (``text`` is then empty and only ``has_text`` is known): tables need no text, and
    fetching 100,000 texts is most of their time. ``variables`` picks, from the survey's
    definition, the variables whose columns the caller needs (default: all of them); a
    table by one grouping need not parse and group every respondent's every variable.
    ``spans=False`` reads only which codes each answer has (``coding_id``, ``start``, ``end``
    empty, nothing starred): what counting needs."""
    name = resolve_coder(store, coder) if with_codings else None
    with store.session() as s:
        years = _years(s, year)
        sv_rows = s.exec(select(Survey.id, Survey.year).where(Survey.year.in_(years))).all() if years else []
        sv_ids = [i for i, _y in sv_rows]
        qrows = s.exec(select(Question.key, Question.position, Question.topic, Question.text, Question.scale_labels,
                              Question.survey_id, Question.id).where(Question.survey_id.in_(sv_ids))
                       .order_by(Question.survey_id, Question.position)).all()
        waves = list(s.exec(select(Survey).where(Survey.id.in_(sv_ids)).order_by(Survey.year, Survey.id))) if sv_ids else []
        defn = merge_waves(definition_of(sv) for sv in waves) or builtin()
        # Two narrow queries joined in pandas rather than one wide join: 100,000 answers ×
        # 6 columns plus 14,000 respondents is a third of the cells, and Core rows skip the ORM.
        conn = s.connection()
        text_col = Answer.text if with_text else (func.trim(Answer.text) != "")
        qids = [r[6] for r in qrows]
        ans_query = select(Answer.id, Answer.respondent_id, Answer.question_id, Answer.score, Answer.band, text_col)
        if len(sv_ids) < s.exec(select(func.count()).select_from(Survey)).one():
            ans_query = ans_query.where(Answer.question_id.in_(qids))
        # else every answer of the project: one scan of the table, not an index look-up per row
        ans_rows = _tuples(conn, ans_query) if qids else []
        if variables is None:
            keys, stored = list(defn.variable_keys), None
            var_cols = [Respondent.variables]
        else:  # only the stored keys the chosen variables need, each as JSON text
            keys = [k for k in dict.fromkeys(variables(defn)) if defn.variable(k) is not None]
            stored = list(dict.fromkeys(defn.stored_key(k) for k in keys))
            var_cols = [_json_text(Respondent.variables, k, conn.dialect.name) for k in stored]
        resp_rows = _tuples(conn, (
            select(Respondent.id, Respondent.key, Respondent.survey_id, *var_cols)
            .where(Respondent.survey_id.in_(sv_ids)))) if sv_ids else []
        codes = store.codes(s)
        cod_rows, coded_rows = [], []
        if name is not None:
            cid = s.exec(select(Coder.id).where(Coder.name == name)).one()
            # the coder's codings alone (one indexed range), then keyed and filtered in pandas:
            # joining answers and stars per row doubled the time at 100,000 codings
            if spans:
                cod_rows = _tuples(conn, select(Coding.id, Coding.answer_id, Coding.code_id, Coding.start,
                                                Coding.end).where(Coding.coder_id == cid))
            else:  # which codes each answer has
                cod_rows = _tuples(conn, select(Coding.answer_id, Coding.code_id).where(Coding.coder_id == cid))
            code_keys = dict(s.exec(select(Code.id, Code.key)).all())
            coded_rows = _tuples(conn, select(AnswerState.answer_id).where(
                AnswerState.coder_id == cid, AnswerState.coded == True))  # noqa: E712
            starred = set(conn.execute(select(QuoteStar.coding_id).join(Coding, Coding.id == QuoteStar.coding_id)
                                       .where(Coding.coder_id == cid)).scalars()) if spans else set()
        pii_rows = s.exec(select(PiiFinding.answer_id, PiiFinding.start, PiiFinding.end, PiiFinding.type)
                          .join(Answer, Answer.id == PiiFinding.answer_id)
                          .where(PiiFinding.status == "open", Answer.question_id.in_(qids))).all() if qids else []
    answers = _answers_frame(ans_rows, resp_rows, qrows, dict(sv_rows), defn, keys, stored)
    coded = np.fromiter((r[0] for r in coded_rows), dtype=np.int64, count=len(coded_rows))
    answers["score"] = answers["score"].astype("Int64")
    if with_text:
        answers["text"] = answers["text"].fillna("")
        answers["has_text"] = answers["text"].str.strip() != ""
    else:
        answers["has_text"] = answers["text"].fillna(False).astype(bool)
        answers["text"] = ""
    answers[ALL] = ALL
    answers = answers.sort_values(["year", "question_pos", "respondent_id"], kind="stable").reset_index(drop=True)
    codings = _codings_frame(cod_rows, answers["answer_id"].to_numpy(dtype=np.int64),
                             code_keys if cod_rows else {}, starred if cod_rows else set())
    used = set(codings["code"].unique())
    codes_df = pd.DataFrame([dict(key=c.key, label=c.label, category=c.category, position=c.position,
                                  colour=c.colour, retired=c.retired) for c in codes
                             if not c.retired or c.key in used],
                            columns=["key", "label", "category", "position", "colour", "retired"])
    qdf = pd.DataFrame([q[:6] for q in qrows], columns=["key", "position", "topic", "text", "scale_labels", "survey_id"])
    qdf = qdf.drop_duplicates("key", keep="last").sort_values("position").reset_index(drop=True)
    pii: dict[int, list[tuple[int, int, str]]] = {}
    for aid, a, b, t in pii_rows:
        pii.setdefault(aid, []).append((a, b, t))
    return CodedData(answers=answers, codings=codings, codes=codes_df, questions=qdf, definition=defn,
                     pii=pii, coder=name, source=source_label(store), min_cell=_min_cell(store), years=years,
                     n_coded=_n_coded(answers, coded), coded_ids=coded)


def check_by(by: str, defn: Optional[SurveyDefinition] = None) -> str:
    """``by`` if it names a variable of the survey (or ``alle``), else an InputError listing them."""
    keys = defn.variable_keys if defn is not None else []
    if by != ALL and by not in keys:
        raise InputError(f"--by {by!r} is not a variable of the survey (variables: {', '.join(keys) or 'none'})")
    return by


def default_by(store) -> str:
    """The grouping exports use unless told: the definition's report.group_by, else its first category."""
    from workbench.coding.surveys import project_definition

    with store.session() as s:
        defn = project_definition(s)
    return (defn.default_group if defn else None) or ALL


def count_respondents(data: CodedData, by: str) -> dict[str, int]:
    """Respondents per group (one per person, whatever they answered): the base of small-cell rules."""
    per = data.answers.drop_duplicates("respondent_pk")
    return per.groupby(by).size().to_dict()


__all__ = ["CodedData", "load", "resolve_coder", "check_by", "default_by", "ALL", "VALUE", "count_respondents",
           "source_label", "about_sheet"]


def about_sheet(wb, data: CodedData, what: str, extra: list[tuple[str, object]] = ()) -> None:
    """An "Om" sheet in every workbook: source project, coder, years, export time, method notes."""
    from openpyxl.styles import Font

    from workbench.export.safety import print_setup, safe_value, set_text

    ws = wb.create_sheet("Om")
    set_text(ws.cell(1, 1), what).font = Font(bold=True, size=13)
    rows = [("Kilde", data.source), ("Koder", data.coder or "—"), ("År", ", ".join(map(str, data.years))),
            ("Eksporteret", data.stamp)]
    if data.coder:
        done, total = data.coverage()
        rows.append(("Kodede svar", f"{done} af {total} svar med tekst" + (f" — {data.coverage_note()}"
                                                                            if done < total else "")))
    rows += list(extra)
    for i, (k, v) in enumerate(rows, start=3):
        set_text(ws.cell(i, 1), k).font = Font(bold=True)
        safe_value(ws.cell(i, 2), v)
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 110
    print_setup(ws, landscape=False)
