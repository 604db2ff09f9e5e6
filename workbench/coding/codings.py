"""Coding actions: apply and remove codes, mark answers coded or flagged, memos, quote stars.

Each public function is one user action and one committed transaction, written to the
audit log with what is needed to undo it. The GUI's undo stack calls these same functions.
"""
from __future__ import annotations

import hashlib
from typing import Optional

from sqlalchemy import delete, select as sa_select, text as sa_text
from sqlmodel import Session, select

from workbench.coding.models import Answer, AnswerState, Code, Coding, Memo, QuoteStar, utcnow
from workbench.errors import ConflictError, InputError  # noqa: F401  (ConflictError: here for older imports)


def _insert_ignoring_duplicates(s: Session, table, **values):
    """INSERT … ON CONFLICT DO NOTHING, in either dialect: of two clients doing the same first
    action at the same moment, the second waits for the first and then inserts nothing.
    Returns the new row's (id,), or None when it inserted nothing."""
    if s.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return s.execute(insert(table).values(**values).on_conflict_do_nothing().returning(table.c.id)).first()


def _state(s: Session, answer_id: int, coder_id: int) -> AnswerState:
    """The coder's state of the answer, locked for this transaction; created (version 0 until
    ``_touch``) with INSERT … ON CONFLICT when missing, so two first actions on one answer
    never collide on the unique key."""
    # FOR UPDATE (ignored by SQLite): two clients checking the same version serialise here,
    # so the second sees the first's version and gets a ConflictError, not a lost update.
    q = (select(AnswerState).where(AnswerState.answer_id == answer_id, AnswerState.coder_id == coder_id)
         .with_for_update())
    st = s.exec(q).first()
    if st is None:
        _insert_ignoring_duplicates(s, AnswerState.__table__, answer_id=answer_id, coder_id=coder_id, coded=False,
                                    flagged=False, updated_at=utcnow(), version=0)
        st = s.exec(q.execution_options(populate_existing=True)).one()
    return st


def _touch(s: Session, st: AnswerState, expected_version: Optional[int] = None) -> None:
    if expected_version is not None and st.version and st.version != expected_version:
        raise ConflictError(f"answer {st.answer_id} was changed by someone else (version {st.version}, you had {expected_version})")
    st.version = (st.version or 0) + 1
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
    same = select(Coding).where(Coding.answer_id == answer_id, Coding.coder_id == c.id, Coding.code_id == code_id,
                                Coding.start == start, Coding.end == end)
    dup = s.exec(same).first()
    if dup is not None:
        return dup.id
    cd = Coding(answer_id=answer_id, coder_id=c.id, code_id=code_id, start=start, end=end, source=source)
    # the unique index (answer, coder, code, span) decides between two windows of one coder
    res = _insert_ignoring_duplicates(s, Coding.__table__, uid=cd.uid, answer_id=answer_id, coder_id=c.id,
                                      code_id=code_id, start=start, end=end, source=source, created_at=cd.created_at)
    if res is None:  # the other window applied it first: the same coding, once
        return s.exec(same).one().id
    cd = s.get(Coding, res[0])
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


def _after_removal(s: Session, answer_id: int, coder_id: int, keep_coded: bool = False) -> bool:
    """Bump the answer's version after codings were removed (a removal is a change: staleness,
    merge). Removing a code decides nothing: when none of the coder's codings is left, the
    answer is not coded any more — "coded with no code" is the decision "no code applies",
    which only ``set_coded`` makes. ``keep_coded`` keeps the coded mark (undoing a code
    applied to an answer that was already decided). Returns whether the answer was uncoded."""
    st = _state(s, answer_id, coder_id)
    uncoded = False
    if st.coded and not keep_coded and s.exec(select(Coding.id).where(
            Coding.answer_id == answer_id, Coding.coder_id == coder_id)).first() is None:
        st.coded, uncoded = False, True
    _touch(s, st)
    return uncoded


def remove_coding(store, coding_id: int, keep_coded: bool = False) -> None:
    """Remove one coding. If it was the coder's last on the answer, the answer is not coded any
    more (unless ``keep_coded``): removing a code does not decide "no code applies"."""
    with store.transaction() as s:
        cd = s.get(Coding, coding_id)
        if cd is None:
            return
        payload = dict(answer_id=cd.answer_id, code_id=cd.code_id, coder_id=cd.coder_id, start=cd.start,
                       end=cd.end, uid=cd.uid, source=cd.source)
        stars = delete_codings(s, Coding.id == coding_id)
        if stars:
            payload["unstarred"] = True
        s.flush()
        if _after_removal(s, cd.answer_id, cd.coder_id, keep_coded):
            payload["uncoded"] = True
        store.log(s, "coding.remove", "coding", coding_id, **payload)


def remove_code(store, coder: str, answer_id: int, code_id: int) -> int:
    """Remove every coding of ``code_id`` the coder applied to the answer; returns how many.
    Like ``remove_coding``, removing the last code leaves the answer not coded."""
    with store.transaction() as s:
        c = store.coder(s, coder)
        rows = list(s.exec(select(Coding).where(Coding.answer_id == answer_id, Coding.coder_id == c.id,
                                                Coding.code_id == code_id)))
        for cd in rows:
            store.log(s, "coding.remove", "coding", cd.id, coder=coder, answer_id=answer_id, code_id=code_id,
                      start=cd.start, end=cd.end, uid=cd.uid)
        if rows:
            delete_codings(s, Coding.id.in_([cd.id for cd in rows]))
            s.flush()
            _after_removal(s, answer_id, c.id)
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


def _lock_memo_target(s: Session, target_type: str, target_id: int, coder_id: Optional[int]) -> None:
    """PostgreSQL: wait for any other transaction saving a memo on this target for this coder
    (``pg_advisory_xact_lock``, released at commit or rollback); nothing on SQLite."""
    if s.get_bind().dialect.name != "postgresql":
        return
    key = int.from_bytes(hashlib.blake2b(f"memo|{target_type}|{target_id}|{coder_id}".encode(), digest_size=8).digest(),
                         "big", signed=True)
    s.execute(sa_text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})


def save_memo(store, coder: Optional[str], target_type: str, target_id: int, text: str,
              memo_id: Optional[int] = None) -> int:
    """Create or update a memo on an answer, a code or the project; an empty text deletes it.

    A coder has one memo per target from this function: two windows saving the first memo on
    the same target at the same moment update one row (the later text wins), they never add
    two. SQLite serialises the two transactions already (``BEGIN IMMEDIATE``); PostgreSQL's
    READ COMMITTED would let both find no memo and insert, so there the look-up waits for a
    transaction-scoped advisory lock on (target, coder) first. (Not a unique index: a REFI
    import or a merge may bring several notes on one target, each with its own uid.)"""
    with store.transaction() as s:
        c = store.coder(s, coder) if coder else None
        if memo_id is None:
            _lock_memo_target(s, target_type, target_id, c.id if c else None)
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
