"""Coding actions: apply and remove codes, mark answers coded or flagged, import codings.

Each public function is one user action and one committed transaction, written to the
audit log with what is needed to undo it. The GUI's undo stack calls these same functions.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from sqlalchemy import delete, select as sa_select, update
from sqlmodel import Session, select

from workbench.bulk import gc_paused, insert_rows
from workbench.coding.models import (Answer, AnswerState, Code, Coding, Memo, Question, QuoteStar, Respondent,
                                     new_uids, utcnow)
from workbench.errors import InputError, Problem
from workbench.importer.tables import read_table


class ConflictError(Exception):
    """Someone else changed the same thing since it was read (optimistic versioning)."""


def _state(s: Session, answer_id: int, coder_id: int) -> AnswerState:
    # FOR UPDATE (ignored by SQLite): two clients checking the same version serialise here,
    # so the second sees the first's version and gets a ConflictError, not a lost update.
    st = s.exec(select(AnswerState).where(AnswerState.answer_id == answer_id, AnswerState.coder_id == coder_id)
                .with_for_update()).first()
    if st is None:
        st = AnswerState(answer_id=answer_id, coder_id=coder_id)
    return st


def _touch(s: Session, st: AnswerState, expected_version: Optional[int] = None) -> None:
    if expected_version is not None and st.id is not None and st.version != expected_version:
        raise ConflictError(f"answer {st.answer_id} was changed by someone else (version {st.version}, you had {expected_version})")
    st.version = (st.version or 0) + 1 if st.id is not None else 1
    st.updated_at = utcnow()
    s.add(st)


def apply_code(store, coder: str, answer_id: int, code_id: int, start: Optional[int] = None,
               end: Optional[int] = None, source: str = "manual") -> int:
    """Apply a code (whole answer, or the span start..end) and mark the answer coded."""
    with store.transaction() as s:
        return apply_code_in(s, store, coder, answer_id, code_id, start, end, source)


def apply_code_in(s: Session, store, coder: str, answer_id: int, code_id: int, start: Optional[int] = None,
                  end: Optional[int] = None, source: str = "manual") -> int:
    """``apply_code`` inside the caller's transaction, for actions that do more in the same
    commit (accepting a suggestion also records the verdict)."""
    c = store.coder(s, coder)
    ans = s.get(Answer, answer_id)
    if ans is None:
        raise InputError(f"no answer with id {answer_id}")
    if s.get(Code, code_id) is None:
        raise InputError(f"no code with id {code_id}")
    if start is not None or end is not None:
        if start is None or end is None or not (0 <= start < end <= len(ans.text)):
            raise InputError(f"span {start}–{end} is outside the answer (length {len(ans.text)})")
    dup = s.exec(select(Coding).where(Coding.answer_id == answer_id, Coding.coder_id == c.id,
                                      Coding.code_id == code_id, Coding.start == start, Coding.end == end)).first()
    if dup is not None:
        return dup.id
    cd = Coding(answer_id=answer_id, coder_id=c.id, code_id=code_id, start=start, end=end, source=source)
    s.add(cd)
    st = _state(s, answer_id, c.id)
    st.coded = True
    _touch(s, st)
    s.flush()
    store.log(s, "coding.apply", "coding", cd.id, coder=coder, answer_id=answer_id, code_id=code_id,
              start=start, end=end, uid=cd.uid, source=source)
    return cd.id


def delete_codings(s, where) -> list[tuple]:
    """Delete the codings matching ``where`` (a condition on Coding) with their quote stars:
    a star belongs to its coding, and the foreign key refuses the coding alone. Returns the
    removed stars as (answer_id, coder_id, code_id, start, end, starred_by, at), so that a
    caller writing the same codings again can put them back with ``restore_stars``."""
    stars = [tuple(r) for r in s.execute(
        sa_select(Coding.answer_id, Coding.coder_id, Coding.code_id, Coding.start, Coding.end,
                  QuoteStar.starred_by, QuoteStar.at).join(QuoteStar, QuoteStar.coding_id == Coding.id).where(where))]
    if stars:
        s.execute(delete(QuoteStar).where(QuoteStar.coding_id.in_(sa_select(Coding.id).where(where))))
    s.execute(delete(Coding).where(where))
    return stars


def restore_stars(s, stars: list[tuple]) -> int:
    """Star again the codings that are identical (answer, coder, code, span) to starred ones
    that ``delete_codings`` removed: re-deciding or re-importing an answer with the same codes
    keeps the analyst's quote picks. Returns how many came back."""
    back = 0
    for answer_id, coder_id, code_id, start, end, by, at in stars:
        cid = s.execute(sa_select(Coding.id).where(Coding.answer_id == answer_id, Coding.coder_id == coder_id,
                                                   Coding.code_id == code_id, Coding.start == start,
                                                   Coding.end == end).order_by(Coding.id)).scalars().first()
        if cid is not None:
            s.execute(QuoteStar.__table__.insert().values(coding_id=cid, starred_by=by, at=at))
            back += 1
    return back


def star_quote(store, who: str, coding_id: int, starred: bool = True) -> bool:
    """Pick a coded passage as a quote for the report (or un-pick it). The quotes export
    puts picked quotes first. Returns whether the coding was starred before."""
    with store.transaction() as s:
        cd = s.get(Coding, coding_id)
        if cd is None:
            raise InputError(f"no coding with id {coding_id}")
        star = s.exec(select(QuoteStar).where(QuoteStar.coding_id == coding_id)).first()
        before = star is not None
        if starred and star is None:
            s.add(QuoteStar(coding_id=coding_id, starred_by=store.coder(s, who).id))
        elif not starred and star is not None:
            s.delete(star)
        if starred != before:
            s.flush()
            store.log(s, "quote.star" if starred else "quote.unstar", "coding", coding_id, coder=who,
                      answer_id=cd.answer_id, code_id=cd.code_id)
        return before


def remove_coding(store, coding_id: int) -> None:
    """Remove one coding. The answer stays marked coded (possibly with no code applying)."""
    with store.transaction() as s:
        cd = s.get(Coding, coding_id)
        if cd is None:
            return
        payload = dict(answer_id=cd.answer_id, code_id=cd.code_id, coder_id=cd.coder_id, start=cd.start,
                       end=cd.end, uid=cd.uid, source=cd.source)
        stars = delete_codings(s, Coding.id == coding_id)
        if stars:
            payload["unstarred"] = True
        _touch(s, _state(s, cd.answer_id, cd.coder_id))  # a removal is a change: bump version/updated_at
        store.log(s, "coding.remove", "coding", coding_id, **payload)


def remove_code(store, coder: str, answer_id: int, code_id: int) -> int:
    """Remove every coding of ``code_id`` the coder applied to the answer; returns how many."""
    with store.transaction() as s:
        c = store.coder(s, coder)
        rows = list(s.exec(select(Coding).where(Coding.answer_id == answer_id, Coding.coder_id == c.id,
                                                Coding.code_id == code_id)))
        for cd in rows:
            store.log(s, "coding.remove", "coding", cd.id, coder=coder, answer_id=answer_id, code_id=code_id,
                      start=cd.start, end=cd.end, uid=cd.uid)
        if rows:
            delete_codings(s, Coding.id.in_([cd.id for cd in rows]))
        if rows:  # a removal is a change: bump version/updated_at (staleness, merge)
            _touch(s, _state(s, answer_id, c.id))
        return len(rows)


def set_coded(store, coder: str, answer_id: int, coded: bool = True, expected_version: Optional[int] = None) -> int:
    """Mark an answer coded (with whatever codes it has, possibly none) or not yet coded."""
    with store.transaction() as s:
        c = store.coder(s, coder)
        st = _state(s, answer_id, c.id)
        st.coded = coded
        _touch(s, st, expected_version)
        store.log(s, "answer.coded" if coded else "answer.uncoded", "answer", answer_id, coder=coder)
        s.flush()
        return st.version


def set_flag(store, coder: str, answer_id: int, flagged: bool, expected_version: Optional[int] = None) -> int:
    with store.transaction() as s:
        c = store.coder(s, coder)
        st = _state(s, answer_id, c.id)
        st.flagged = flagged
        _touch(s, st, expected_version)
        store.log(s, "answer.flag" if flagged else "answer.unflag", "answer", answer_id, coder=coder)
        s.flush()
        return st.version


def codings_of(s: Session, answer_id: int, coder_id: Optional[int] = None) -> list[Coding]:
    q = select(Coding).where(Coding.answer_id == answer_id)
    if coder_id is not None:
        q = q.where(Coding.coder_id == coder_id)
    return list(s.exec(q.order_by(Coding.id)))


def save_memo(store, coder: Optional[str], target_type: str, target_id: int, text: str,
              memo_id: Optional[int] = None) -> int:
    """Create or update a memo on an answer, a code or the project; an empty text deletes it."""
    with store.transaction() as s:
        c = store.coder(s, coder) if coder else None
        m = s.get(Memo, memo_id) if memo_id else s.exec(select(Memo).where(
            Memo.target_type == target_type, Memo.target_id == target_id,
            Memo.coder_id == (c.id if c else None))).first()
        if m is not None and not text.strip():
            store.log(s, "memo.delete", "memo", m.id, coder=coder, target_type=target_type, target_id=target_id,
                      text=m.text)
            s.delete(m)
            return m.id
        if m is None:
            m = Memo(target_type=target_type, target_id=target_id, coder_id=c.id if c else None, text=text)
        else:
            m.text, m.updated_at = text, utcnow()
        s.add(m)
        s.flush()
        store.log(s, "memo.save", "memo", m.id, coder=coder, target_type=target_type, target_id=target_id, text=text)
        return m.id


# -- codings CSV ------------------------------------------------------------------------

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
    All rows are checked first; any problem means nothing is imported."""
    table = read_table(path)
    f = table.file
    problems = [Problem(f, "required column is missing", row=1, column=c)
                for c in ("respondent_id", "question", "code") if c not in table.header]
    if problems:
        raise InputError(problems)
    ix = {h: i for i, h in enumerate(table.header)}
    has_span = "start" in ix and "end" in ix
    with store.session() as s:
        codes = {c.key: c.id for c in store.codes(s)}
        rows = s.exec(select(Respondent.key, Question.key, Answer.id, Answer.text, Respondent.survey_id)
                      .join(Answer, Answer.respondent_id == Respondent.id)
                      .join(Question, Question.id == Answer.question_id)).all()
        resp_keys = set(s.exec(select(Respondent.key)).all())
        q_keys = set(s.exec(select(Question.key)).all())
    answers: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    for rk, qk, aid, text, _sv in rows:
        answers[(rk, qk)].append((aid, text))
    per_answer: dict[int, list[tuple[int, Optional[int], Optional[int]]]] = defaultdict(list)
    for i, row in enumerate(table.rows):
        rn = table.row_number(i)
        if not any(x.strip() for x in row):
            continue
        rk, qk, ck = (row[ix[c]].strip() for c in ("respondent_id", "question", "code"))

        def bad(col: str, msg: str) -> None:
            problems.append(Problem(f, msg, row=rn, column=col))

        if rk not in resp_keys:
            bad("respondent_id", f"unknown respondent {rk!r}"); continue
        if qk not in q_keys:
            bad("question", f"unknown question {qk!r}"); continue
        found = answers.get((rk, qk))
        if not found:
            bad("question", f"respondent {rk!r} has no answer to {qk}"); continue
        if len(found) > 1:
            bad("respondent_id", f"respondent {rk!r} is in more than one survey year; split the file by year"); continue
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
        for k in range(0, len(ids), 500):
            chunk = ids[k:k + 500]
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
        for k in range(0, len(old), 500):  # answers this coder had already: coded now, version bumped
            conn.execute(update(AnswerState).where(AnswerState.id.in_(old[k:k + 500]))
                         .values(coded=True, updated_at=now, version=AnswerState.version + 1))
        restore_stars(conn, stars)
        store.log(s, "codings.import", "file", str(path), coder=coder, answers=len(ids), codings=n)
    return CodingsImportResult(len(per_answer), n)
