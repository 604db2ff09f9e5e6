"""Reconciliation: turn two (or more) coders' independent codings into the ``final`` coding.

The supervisor's verdict on an answer is a ``Decision`` (who, when, how, note, version);
the decided codes are written as the ``final`` coder's codings, so exports and frequencies
read reconciled data exactly like any coder's. Answers where all coders agree can be merged
automatically (basis ``agreed``); an automatic merge never overwrites a human decision.

A decision remembers the codings it was made on (``Decision.inputs``). When a coder later
changes their coding, the decision is listed as *stale* for the supervisor to look at
again; it is never changed silently. Every decision goes to the audit log with the
previous and the new codes. Concurrent decisions on the same answer are serialised by the
decision's version: the second supervisor gets ``ConflictError``, not a lost update.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable, Optional

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from workbench.bulk import chunks
from workbench.coding.agreement import HUMAN_ROLES, CodingData, collect
from workbench.coding.codings import ConflictError, _state, _touch, delete_codings, restore_stars
from workbench.coding.models import Answer, AnswerState, Code, Coder, Coding, Decision, new_uid, utcnow
from workbench.coding.store import FINAL_CODER
from workbench.coding.team import STAFF, require_role
from workbench.errors import InputError

BASES = ("union", "manual", "none")  # plus "coder:<name>"; "agreed" is written by auto_merge_agreed


def _ensure_final(store, supervisor: str) -> None:
    """Check the role, then create the ``final`` coder in its own short transaction, so that
    two supervisors' first decisions do not collide on creating it."""
    with store.session() as s:
        require_role(s, supervisor, STAFF, "reconcile codings")
        if s.exec(select(Coder.id).where(Coder.name == FINAL_CODER)).first() is not None:
            return
    try:
        with store.transaction() as s:
            store.coder(s, FINAL_CODER)
    except (IntegrityError, ConflictError):  # another supervisor created it at the same moment
        pass


@dataclass
class DecisionInfo:
    id: int
    answer_id: int
    basis: str
    codes: list[str]
    decided_by: str
    decided_at: datetime
    note: str
    version: int
    inputs: dict = field(default_factory=dict)


@dataclass
class ReconcileUnit:
    """One answer as the reconciliation view shows it."""

    answer_id: int
    answer_uid: str
    respondent: str
    question: str
    band: Optional[str]
    text: str
    codes: dict[str, list[str]]  # coder -> sorted code keys
    spans: dict[str, list[tuple[str, Optional[int], Optional[int]]]]  # coder -> (code, start, end)
    agreed: bool
    decision: Optional[DecisionInfo]
    final_codes: list[str]
    stale: bool

    @property
    def status(self) -> str:
        """open (disagreement, undecided) | stale (decided, coders changed since) |
        decided | agreed (all coders agree, not merged yet)."""
        if self.decision is None:
            return "agreed" if self.agreed else "open"
        return "stale" if self.stale else "decided"

    @property
    def needs_attention(self) -> bool:
        return self.status in ("open", "stale")


def _snapshot(data: CodingData, answer_id: int, coders: list[str]) -> dict:
    return {c: [[k, st, en] for k, st, en in data.span_list(answer_id, c)] for c in coders}


def _is_stale(d: Optional[Decision], snap: dict) -> bool:
    if d is None or not d.inputs:
        return False
    return any(snap.get(c) != v for c, v in d.inputs.items())


def _decisions(s: Session, answer_ids: list[int]) -> dict[int, Decision]:
    out: dict[int, Decision] = {}
    for chunk in chunks(answer_ids):
        for d in s.exec(select(Decision).where(Decision.answer_id.in_(chunk))).scalars():
            out[d.answer_id] = d
    return out


def _info(d: Decision, names: dict[int, str]) -> DecisionInfo:
    return DecisionInfo(d.id, d.answer_id, d.basis, list(d.codes), names.get(d.decided_by, "?"), d.decided_at,
                        d.note, d.version, dict(d.inputs or {}))


def disagreements(store, coders: Optional[list[str]] = None, question: Optional[str] = None,
                  answer_ids: Optional[Iterable[int]] = None, only_open: bool = False,
                  viewer: Optional[str] = None) -> list[ReconcileUnit]:
    """Every answer all ``coders`` have coded, each coder's codes and spans, the decision if
    any; those needing attention (open, stale) first, then decided, then agreed. With
    ``viewer``, only a supervisor or admin may look (it shows everyone's codings)."""
    with store.session() as s:
        if viewer is not None:
            require_role(s, viewer, STAFF, "see everyone's codings for reconciliation")
        data = collect(store, s, coders=coders, question=question, answer_ids=answer_ids, with_text=True)
        decs = _decisions(s, data.units)
        names = {i: n for i, n in s.exec(select(Coder.id, Coder.name)).all()}
        final = s.exec(select(Coder.id).where(Coder.name == FINAL_CODER)).scalars().first()
        final_codes: dict[int, set[str]] = {}
        if final is not None and data.units:
            key_of = dict(s.exec(select(Code.id, Code.key)).all())
            for chunk in chunks(data.units):
                for aid, cid in s.exec(select(Coding.answer_id, Coding.code_id).where(
                        Coding.coder_id == final, Coding.answer_id.in_(chunk))).all():
                    final_codes.setdefault(aid, set()).add(key_of[cid])
    out = []
    for u in data.units:
        inf = data.info[u]
        sets = {c: sorted(data.codes_of(u, c)) for c in data.coders}
        agreed = len({tuple(v) for v in sets.values()}) <= 1
        d = decs.get(u)
        snap = _snapshot(data, u, list(d.inputs) if d is not None and d.inputs else data.coders)
        ru = ReconcileUnit(u, inf.uid, inf.respondent, inf.question, inf.band, inf.text or "", sets,
                           {c: data.span_list(u, c) for c in data.coders}, agreed,
                           _info(d, names) if d is not None else None, sorted(final_codes.get(u, ())),
                           _is_stale(d, snap))
        if only_open and not ru.needs_attention:
            continue
        out.append(ru)
    out.sort(key=lambda r: (0 if r.needs_attention else 2 if r.agreed else 1, r.answer_id))
    return out


def _code_ids(store, s: Session) -> dict[str, int]:
    """Code key -> id, the active codebook's codes winning over older codebooks'."""
    out = {k: i for i, k in s.exec(select(Code.id, Code.key).order_by(Code.id)).all()}
    out.update({c.key: c.id for c in store.codes(s)})
    return out


def _replace_final(store, s: Session, final_id: int, per_answer: dict[int, list[tuple[int, Optional[int], Optional[int]]]],
                   source: str = "reconcile") -> None:
    """Make the final coder's codings on these answers exactly the given ones; mark coded."""
    ids = sorted(per_answer)
    stars: list[tuple] = []
    for chunk in chunks(ids):
        stars += delete_codings(s, (Coding.coder_id == final_id) & Coding.answer_id.in_(chunk))
    rows = [dict(uid=new_uid(), answer_id=a, coder_id=final_id, code_id=c, start=st, end=en, source=source,
                 created_at=utcnow()) for a in ids for c, st, en in dict.fromkeys(per_answer[a])]
    for k in range(0, len(rows), 5000):
        s.exec(insert(Coding), params=rows[k:k + 5000])
    restore_stars(s, stars)  # a re-decided answer keeps the quotes picked from codings it keeps
    for a in ids:
        st = _state(s, a, final_id)
        st.coded = True
        _touch(s, st)
    s.flush()


def _write_decision(s: Session, answer_id: int, who: int, basis: str, codes: list[str], note: str, inputs: dict,
                    existing: Optional[Decision], expected_version: Optional[int]) -> tuple[int, int]:
    """Insert or compare-and-swap update the decision; (id, new version). The UPDATE's
    ``version = read version`` condition (and the unique answer_id on insert) is what makes
    two concurrent supervisors collide instead of overwriting each other."""
    if existing is None:
        if expected_version not in (None, 0):
            raise ConflictError(f"the decision on answer {answer_id} was removed by someone else")
        d = Decision(answer_id=answer_id, decided_by=who, basis=basis, codes=codes, note=note, inputs=inputs,
                     decided_at=utcnow(), version=1)
        s.add(d)
        try:
            s.flush()
        except IntegrityError:
            raise ConflictError(f"answer {answer_id} was decided by someone else at the same time; "
                                f"reload it and decide again") from None
        return d.id, 1
    if expected_version is not None and existing.version != expected_version:
        raise ConflictError(f"the decision on answer {answer_id} was changed by someone else "
                            f"(version {existing.version}, you had {expected_version}); reload it")
    res = s.exec(update(Decision).where(Decision.id == existing.id, Decision.version == existing.version).values(
        decided_by=who, basis=basis, codes=codes, note=note, inputs=inputs, decided_at=utcnow(),
        version=existing.version + 1).execution_options(synchronize_session=False))
    if res.rowcount != 1:
        raise ConflictError(f"the decision on answer {answer_id} was changed by someone else meanwhile; reload it")
    return existing.id, existing.version + 1


def auto_merge_agreed(store, supervisor: str, coders: Optional[list[str]] = None,
                      question: Optional[str] = None) -> dict:
    """Write a decision (basis ``agreed``) and the final coding for every answer on which all
    coders agree, including agreeing that no code applies. Human decisions are kept; an
    earlier automatic decision is refreshed when the coders now agree on something else.
    Final spans are copied from the first listed coder. Returns counts."""
    _ensure_final(store, supervisor)
    with store.transaction() as s:
        me = require_role(s, supervisor, STAFF, "reconcile codings")
        data = collect(store, s, coders=coders, question=question)
        if len(data.coders) < 2:
            raise InputError("reconciliation needs at least two coders who have coded the same answers",
                             file="--coders")
        decs = _decisions(s, data.units)
        final = store.coder(s, FINAL_CODER)
        code_ids = _code_ids(store, s)
        first = data.coders[0]
        merged = refreshed = unchanged = kept = open_ = stale = 0
        per_answer: dict[int, list] = {}
        for u in data.units:
            sets = {c: frozenset(data.codes_of(u, c)) for c in data.coders}
            d = decs.get(u)
            snap = _snapshot(data, u, data.coders)
            if len(set(sets.values())) != 1:
                open_ += d is None
                stale += _is_stale(d, _snapshot(data, u, list(d.inputs))) if d is not None and d.inputs else 0
                continue
            codes = sorted(sets[first])
            if d is not None and d.basis != "agreed":
                kept += 1
                stale += _is_stale(d, _snapshot(data, u, list(d.inputs))) if d.inputs else 0
                continue
            if d is not None and d.codes == codes and d.inputs == snap:
                unchanged += 1
                continue
            _write_decision(s, u, me.id, "agreed", codes, "", snap, d, None)
            store.log(s, "reconcile.decide", "answer", u, by=supervisor, basis="agreed", coders=data.coders, auto=True,
                      previous=None if d is None else {"basis": d.basis, "codes": list(d.codes), "version": d.version},
                      new={"basis": "agreed", "codes": codes})
            per_answer[u] = [(code_ids[k], st, en) for k, st, en in data.span_list(u, first)]
            if d is None:
                merged += 1
            else:
                refreshed += 1
        _replace_final(store, s, final.id, per_answer, source="reconcile")
        store.log(s, "reconcile.auto_merge", "project", None, by=supervisor, coders=data.coders, merged=merged,
                  refreshed=refreshed, open=open_, stale=stale)
        return {"coders": data.coders, "units": len(data.units), "merged": merged, "refreshed": refreshed,
                "unchanged": unchanged, "kept": kept, "open": open_, "stale": stale}


def decide(store, supervisor: str, answer_id: int, codes: Optional[list[str]] = None, basis: str = "manual",
           note: str = "", coders: Optional[list[str]] = None, expected_version: Optional[int] = None) -> DecisionInfo:
    """Decide an answer's final codes.

    ``basis``: ``coder:<name>`` (take that coder's codes, spans included; ``codes`` may
    narrow them), ``union`` (every coder's codes and spans), ``manual`` (``codes``, whole
    answer) or ``none`` (no code applies). ``expected_version`` is the decision version the
    supervisor saw (0 = none yet); a different current version raises ConflictError.
    """
    if not (basis in BASES or basis.startswith("coder:")):
        raise InputError(f"basis {basis!r} must be coder:<name>, union, manual or none")
    _ensure_final(store, supervisor)
    with store.transaction() as s:
        me = require_role(s, supervisor, STAFF, "decide codings")
        ans = s.get(Answer, answer_id)
        if ans is None:
            raise InputError(f"no answer with id {answer_id}")
        names = {i: (n, r) for i, n, r in s.exec(select(Coder.id, Coder.name, Coder.role)).all()}
        if coders is None:
            coders = sorted(n for cid, in s.exec(select(AnswerState.coder_id).where(
                AnswerState.answer_id == answer_id, AnswerState.coded == True)).all()  # noqa: E712
                for n, r in [names[cid]] if r in HUMAN_ROLES)
        data = collect(store, s, coders=coders, answer_ids=[answer_id])
        code_ids = _code_ids(store, s)
        if basis.startswith("coder:"):
            src_name = basis.split(":", 1)[1]
            if src_name not in coders or (answer_id not in data.units):
                raise InputError(f"{src_name!r} has not coded answer {answer_id}")
            src = data.span_list(answer_id, src_name)
        elif basis == "union":
            src = [x for c in coders for x in data.span_list(answer_id, c)]
        else:
            src = []
        if basis == "none":
            if codes:
                raise InputError("basis 'none' means no code applies; give no codes")
            codes = []
        elif codes is None:
            if basis == "manual":
                raise InputError("a manual decision needs the codes")
            codes = sorted({k for k, _s, _e in src})
        codes = sorted(dict.fromkeys(codes))
        unknown = [k for k in codes if k not in code_ids]
        if unknown:
            raise InputError(f"unknown code(s): {', '.join(unknown)}")
        if basis == "manual" and not codes:
            raise InputError("to decide that no code applies, use basis 'none'")
        final_rows = [(code_ids[k], st, en) for k, st, en in src if k in codes]
        covered = {k for k, _s, _e in src}
        final_rows += [(code_ids[k], None, None) for k in codes if k not in covered]
        snap = _snapshot(data, answer_id, coders) if answer_id in data.units else {
            c: [[k, st, en] for k, st, en in data.span_list(answer_id, c)] for c in coders}
        existing = s.exec(select(Decision).where(Decision.answer_id == answer_id)).scalars().first()
        previous = None if existing is None else {"basis": existing.basis, "codes": list(existing.codes),
                                                  "version": existing.version, "note": existing.note}
        did, version = _write_decision(s, answer_id, me.id, basis, codes, note, snap, existing, expected_version)
        final = store.coder(s, FINAL_CODER)
        _replace_final(store, s, final.id, {answer_id: final_rows})
        store.log(s, "reconcile.decide", "answer", answer_id, by=supervisor, basis=basis, note=note, coders=coders,
                  previous=previous, new={"basis": basis, "codes": codes, "version": version})
        return DecisionInfo(did, answer_id, basis, codes, supervisor, utcnow(), note, version, snap)


def clear_decision(store, supervisor: str, answer_id: int, expected_version: Optional[int] = None) -> None:
    """Reopen an answer: remove its decision and final coding (logged like a decision)."""
    with store.transaction() as s:
        require_role(s, supervisor, STAFF, "reopen decisions")
        d = s.exec(select(Decision).where(Decision.answer_id == answer_id)).scalars().first()
        if d is None:
            return
        if expected_version is not None and d.version != expected_version:
            raise ConflictError(f"the decision on answer {answer_id} was changed by someone else; reload it")
        res = s.exec(delete(Decision).where(Decision.id == d.id, Decision.version == d.version))
        if res.rowcount != 1:
            raise ConflictError(f"the decision on answer {answer_id} was changed by someone else; reload it")
        final = s.exec(select(Coder).where(Coder.name == FINAL_CODER)).scalars().first()
        if final is not None:
            delete_codings(s, (Coding.coder_id == final.id) & (Coding.answer_id == answer_id))
            st = _state(s, answer_id, final.id)
            if st.id is not None:
                st.coded = False
                _touch(s, st)
        store.log(s, "reconcile.reopen", "answer", answer_id, by=supervisor,
                  previous={"basis": d.basis, "codes": list(d.codes), "version": d.version}, new=None)
