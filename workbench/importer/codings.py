"""A coder's codings from a CSV (the contract's format: respondent_id, question, code, and
optionally start and end, and ``year`` in a project of several waves): every row checked
first, then one transaction that replaces the coder's codings of the answers named. Quote
stars stay on codings that stay the same.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from sqlalchemy import select as sa_select, update
from sqlmodel import select

from workbench.bulk import chunks, gc_paused, insert_rows
from workbench.coding.codings import delete_codings, restore_stars
from workbench.coding.models import Answer, AnswerState, Coding, Question, Respondent, Survey, new_uids, utcnow
from workbench.errors import InputError, Problem
from workbench.importer.tables import read_table


@dataclass
class CodingsImportResult:
    answers: int
    codings: int

    def summary(self) -> str:
        return f"imported {self.codings} codings on {self.answers} answers"


@gc_paused()
def import_codings(store, coder: str, path: str | Path, source: str = "import") -> CodingsImportResult:
    """Import one coder's codings (contract CSV). Every answer named is marked coded by the
    coder and its codings replaced by the file's; an empty ``code`` means no code applies.
    All rows are checked first; any problem means nothing is imported. An optional ``year``
    column picks the wave; a row without one names a respondent id found in one wave only."""
    table = read_table(path)
    f = table.file
    problems = [Problem(f, "required column is missing", row=1, column=c)
                for c in ("respondent_id", "question", "code") if c not in table.header]
    if problems:
        raise InputError(problems)
    ix = {h: i for i, h in enumerate(table.header)}
    has_span = "start" in ix and "end" in ix
    has_year = "year" in ix
    with store.session() as s:
        codes = {c.key: c.id for c in store.codes(s)}
        year_of = dict(s.exec(select(Survey.id, Survey.year)).all())
        rows = s.exec(select(Respondent.key, Question.key, Answer.id, Answer.text, Respondent.survey_id)
                      .join(Answer, Answer.respondent_id == Respondent.id)
                      .join(Question, Question.id == Answer.question_id)).all()
        resp_years: dict[str, set[int]] = defaultdict(set)
        for rk, sv in s.exec(select(Respondent.key, Respondent.survey_id)).all():
            resp_years[rk].add(year_of[sv])
        q_keys = set(s.exec(select(Question.key)).all())
    years = sorted(set(year_of.values()))
    answers: dict[tuple[str, int, str], list[tuple[int, str]]] = defaultdict(list)
    for rk, qk, aid, text, sv in rows:
        answers[(rk, year_of[sv], qk)].append((aid, text))
    per_answer: dict[int, list[tuple[int, Optional[int], Optional[int]]]] = defaultdict(list)
    for i, row in enumerate(table.rows):
        rn = table.row_number(i)
        if not any(x.strip() for x in row):
            continue
        rk, qk, ck = (row[ix[c]].strip() for c in ("respondent_id", "question", "code"))

        def bad(col: str, msg: str) -> None:
            problems.append(Problem(f, msg, row=rn, column=col))

        if rk not in resp_years:
            bad("respondent_id", f"unknown respondent {rk!r}"); continue
        yv = row[ix["year"]].strip() if has_year else ""
        if yv:
            try:
                year = int(yv)
            except ValueError:
                bad("year", f"year {yv!r} is not a whole number"); continue
            if year not in years:
                bad("year", f"the project has no survey of {year} (it has {', '.join(map(str, years))})"); continue
            if year not in resp_years[rk]:
                bad("respondent_id", f"respondent {rk!r} is not in the survey of {year}"); continue
        elif len(resp_years[rk]) > 1:
            ys = sorted(resp_years[rk])
            bad("year" if has_year else "respondent_id",
                f"respondent {rk!r} is in {', '.join(map(str, ys[:-1]))} and {ys[-1]}: add a year column")
            continue
        else:
            (year,) = resp_years[rk]
        if qk not in q_keys:
            bad("question", f"unknown question {qk!r}"); continue
        found = answers.get((rk, year, qk))
        if not found:
            bad("question", f"respondent {rk!r} has no answer to {qk}" + (f" in {year}" if len(years) > 1 else ""))
            continue
        aid, text = found[0]
        per_answer.setdefault(aid, [])
        if not ck:
            continue
        if ck not in codes:
            bad("code", f"unknown code {ck!r}"); continue
        start = end = None
        if has_span:
            sv, ev = row[ix["start"]].strip(), row[ix["end"]].strip()
            if sv or ev:
                try:
                    start, end = int(sv), int(ev)
                except ValueError:
                    bad("start", f"span {sv!r}–{ev!r} is not two whole numbers"); continue
                if not (0 <= start < end <= len(text)):
                    bad("start", f"span {start}–{end} is outside the answer text (length {len(text)})"); continue
        per_answer[aid].append((codes[ck], start, end))
    if problems:
        raise InputError(problems)
    n = 0
    with store.transaction() as s:
        c = store.coder(s, coder)
        conn = s.connection()
        ids = list(per_answer)
        existing = {}
        stars: list[tuple] = []
        for chunk in chunks(ids):
            stars += delete_codings(conn, (Coding.coder_id == c.id) & Coding.answer_id.in_(chunk))
            existing.update(dict(conn.execute(sa_select(AnswerState.answer_id, AnswerState.id).where(
                AnswerState.coder_id == c.id, AnswerState.answer_id.in_(chunk))).all()))
        now = utcnow()
        rows_out = [(aid, code_id, st, en) for aid, items in per_answer.items() for code_id, st, en in dict.fromkeys(items)]
        uids = sorted(new_uids(len(rows_out)))  # in index order: appended, not scattered through it
        n = insert_rows(conn, Coding.__table__, ("uid", "answer_id", "coder_id", "code_id", "start", "end", "source",
                                                 "created_at"),
                        ((u, aid, c.id, code_id, st, en, source, now) for u, (aid, code_id, st, en) in zip(uids, rows_out)))
        insert_rows(conn, AnswerState.__table__, ("answer_id", "coder_id", "coded", "flagged", "updated_at", "version"),
                    ((aid, c.id, True, False, now, 1) for aid in ids if aid not in existing))
        old = [existing[aid] for aid in ids if aid in existing]
        for chunk in chunks(old):  # answers this coder had already: coded now, version bumped
            conn.execute(update(AnswerState).where(AnswerState.id.in_(chunk))
                         .values(coded=True, updated_at=now, version=AnswerState.version + 1))
        restore_stars(conn, stars)
        store.log(s, "codings.import", "file", str(path), coder=coder, answers=len(ids), codings=n)
    return CodingsImportResult(len(per_answer), n)
