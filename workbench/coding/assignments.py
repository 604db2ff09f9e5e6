"""Coding rounds: who codes which answers, blind until the supervisor releases the round.

Independent double coding needs two things the app must guarantee: each coder codes the
same answers without seeing the other's codes (``visible_codings`` hides them while a blind
round is unreleased; on a team server row-level security does the same, see ``team``), and
a reliability sample that represents the survey (stratified by question and score band).
In a reliability round code suggestions are off, so agreement measures the coders, not the
suggester (``suggestions_allowed``).
"""
from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Optional

from sqlalchemy import func, insert, select, update
from sqlmodel import Session

from workbench.bulk import chunks
from workbench.coding.agreement import NO_BAND
from workbench.coding.models import Answer, AnswerState, Assignment, Coder, Coding, Question, Round
from workbench.coding.team import STAFF, require_role
from workbench.errors import InputError

SEES_ALL = ("supervisor", "admin", "final")


@dataclass
class RoundInfo:
    id: int
    name: str
    blind: bool
    released: bool
    reliability: bool
    coders: list[str]
    n_answers: int
    strata: dict[str, int] = field(default_factory=dict)  # "q1/negativ" -> answers drawn


def allocate(sizes: dict, n: int) -> dict:
    """Proportional allocation of ``n`` over strata of the given sizes (largest remainder),
    at least one per non-empty stratum and never more than a stratum holds. When ``n`` is
    smaller than the number of non-empty strata, each still gets one (the sample grows)."""
    sizes = {k: v for k, v in sizes.items() if v > 0}
    total = sum(sizes.values())
    if total == 0:
        return {}
    if n >= total:
        return dict(sizes)
    quota = {k: n * v / total for k, v in sizes.items()}
    alloc = {k: min(sizes[k], max(1, int(q))) for k, q in quota.items()}
    keys = sorted(sizes)  # deterministic tie-breaking
    while sum(alloc.values()) < n:
        k = max((k for k in keys if alloc[k] < sizes[k]), key=lambda k: (quota[k] - alloc[k], sizes[k]))
        alloc[k] += 1
    while sum(alloc.values()) > n:
        over = [k for k in keys if alloc[k] > 1]
        if not over:
            break
        k = min(over, key=lambda k: (quota[k] - alloc[k], -sizes[k]))
        alloc[k] -= 1
    return alloc


def stratified_sample(strata: dict, n: int, seed: Optional[int] = None) -> tuple[list[int], dict]:
    """Draw ``n`` answer ids from ``strata`` ({key: [answer ids]}); the same seed and data
    give the same sample."""
    rng = random.Random(seed)
    alloc = allocate({k: len(v) for k, v in strata.items()}, n)
    chosen: list[int] = []
    for k in sorted(alloc):
        chosen += rng.sample(sorted(strata[k]), alloc[k])
    return sorted(chosen), alloc


def create_round(store, actor: str, coders: list[str], *, sample: Optional[int] = None, seed: Optional[int] = None,
                 name: Optional[str] = None, blind: bool = True, question: Optional[str] = None) -> RoundInfo:
    """Assign answers with text (all, or a stratified reliability sample of ``sample``) to
    every coder in ``coders``. A sampled round is a reliability round (no suggestions)."""
    coders = list(dict.fromkeys(c.strip() for c in coders if c.strip()))
    if len(coders) < 1:
        raise InputError("name at least one coder", file="--coders")
    if sample is not None and sample < 1:
        raise InputError(f"sample size {sample} must be at least 1", file="--sample")
    with store.transaction() as s:
        me = require_role(s, actor, STAFF, "create coding rounds")
        rows = []
        for c in coders:
            row = store.coder(s, c, role="coder")
            if row.role not in ("coder", "supervisor", "admin"):
                raise InputError(f"{c} is the {row.role} coding and cannot be assigned answers", file="--coders")
            rows.append(row)
        q = (select(Answer.id, Question.key, Answer.band).join(Question, Question.id == Answer.question_id)
             .where(Answer.text != ""))
        if question:
            q = q.where(Question.key == question)
        strata: dict[str, list[int]] = defaultdict(list)
        for aid, qk, band in s.exec(q).all():
            strata[f"{qk}/{band or NO_BAND}"].append(aid)
        if sample is None:
            chosen = sorted(a for v in strata.values() for a in v)
            alloc = {k: len(v) for k, v in strata.items()}
        else:
            chosen, alloc = stratified_sample(strata, sample, seed)
        if not chosen:
            raise InputError("there are no answers with text to assign")
        if name is None:
            n = s.exec(select(func.count()).select_from(Round)).one()[0]
            name = f"{'reliabilitet' if sample is not None else 'runde'}-{n + 1}"
        if s.exec(select(Round.id).where(Round.name == name)).first() is not None:
            raise InputError(f"a round named {name!r} exists already", file="--round")
        rnd = Round(name=name, blind=blind, reliability=sample is not None, created_by=me.id,
                    spec={"coders": coders, "sample": sample, "seed": seed, "question": question,
                          "strata": dict(sorted(alloc.items()))})
        s.add(rnd)
        s.flush()
        batch = [dict(round_id=rnd.id, answer_id=a, coder_id=c.id) for a in chosen for c in rows]
        for k in range(0, len(batch), 5000):
            s.exec(insert(Assignment), params=batch[k:k + 5000])
        store.log(s, "round.create", "round", rnd.id, name=name, coders=coders, answers=len(chosen), blind=blind,
                  reliability=rnd.reliability, sample=sample, seed=seed)
        return RoundInfo(rnd.id, name, blind, False, rnd.reliability, coders, len(chosen), dict(sorted(alloc.items())))


def release_round(store, actor: str, name: str) -> None:
    """End a blind round: from now on everyone sees everyone's codings on its answers."""
    with store.transaction() as s:
        require_role(s, actor, STAFF, "release rounds")
        rnd = s.exec(select(Round).where(Round.name == name)).scalars().first()
        if rnd is None:
            raise InputError(f"no round named {name!r}")
        s.exec(update(Round).where(Round.id == rnd.id).values(released=True))
        store.log(s, "round.release", "round", rnd.id, name=name)


def rounds(store) -> list[RoundInfo]:
    with store.session() as s:
        rs = list(s.exec(select(Round).order_by(Round.id)).scalars())
        counts = dict(s.exec(select(Assignment.round_id, func.count(func.distinct(Assignment.answer_id)))
                             .group_by(Assignment.round_id)).all())
        return [RoundInfo(r.id, r.name, r.blind, r.released, r.reliability, list(r.spec.get("coders", [])),
                          counts.get(r.id, 0), dict(r.spec.get("strata", {}))) for r in rs]


def assigned_answers(store, coder: str, round_name: Optional[str] = None, uncoded_only: bool = False) -> list[int]:
    """The coder's work list (answer ids), optionally only those not yet coded."""
    with store.session() as s:
        q = (select(Assignment.answer_id).join(Coder, Coder.id == Assignment.coder_id)
             .join(Round, Round.id == Assignment.round_id).where(Coder.name == coder))
        if round_name:
            q = q.where(Round.name == round_name)
        ids = sorted(set(s.exec(q).scalars().all()))
        if uncoded_only and ids:
            done = set(s.exec(select(AnswerState.answer_id).join(Coder, Coder.id == AnswerState.coder_id)
                              .where(Coder.name == coder, AnswerState.coded == True)).scalars().all())  # noqa: E712
            ids = [a for a in ids if a not in done]
        return ids


def round_progress(store, name: str) -> dict[str, dict[str, int]]:
    """Per coder: answers assigned in the round and how many of them they have coded."""
    with store.session() as s:
        rnd = s.exec(select(Round).where(Round.name == name)).scalars().first()
        if rnd is None:
            raise InputError(f"no round named {name!r}")
        rows = s.exec(select(Coder.name, func.count(Assignment.id), func.count(AnswerState.id))
                      .join(Assignment, Assignment.coder_id == Coder.id)
                      .outerjoin(AnswerState, (AnswerState.answer_id == Assignment.answer_id)
                                 & (AnswerState.coder_id == Coder.id) & (AnswerState.coded == True))  # noqa: E712
                      .where(Assignment.round_id == rnd.id).group_by(Coder.name)).all()
        return {n: {"assigned": a, "coded": c} for n, a, c in rows}


def _blind_answers(s: Session, answer_ids: list[int]) -> set[int]:
    out: set[int] = set()
    for chunk in chunks(answer_ids):
        out |= set(s.exec(select(Assignment.answer_id).join(Round, Round.id == Assignment.round_id).where(
            Round.blind == True, Round.released == False, Assignment.answer_id.in_(chunk))).scalars().all())  # noqa: E712
    return out


def visible_codings(store, viewer: str, answer_ids: Iterable[int]) -> dict[int, list[Coding]]:
    """Codings the viewer may see, per answer. On answers of a blind, unreleased round a
    coder sees only their own; supervisors and admins see everything."""
    ids = sorted(set(answer_ids))
    out: dict[int, list[Coding]] = {a: [] for a in ids}
    with store.session() as s:
        me = s.exec(select(Coder).where(Coder.name == viewer)).scalars().first()
        sees_all = me is not None and me.role in SEES_ALL
        hidden = set() if sees_all else _blind_answers(s, ids)
        for chunk in chunks(ids):
            for cd in s.exec(select(Coding).where(Coding.answer_id.in_(chunk)).order_by(Coding.id)).scalars():
                if cd.answer_id in hidden and (me is None or cd.coder_id != me.id):
                    continue
                out[cd.answer_id].append(cd)
    return out


def suggestions_allowed(store, answer_id: int) -> bool:
    """False while the answer is in an unreleased reliability round (suggestions would bias
    the coders the agreement is meant to measure)."""
    with store.session() as s:
        hit = s.exec(select(Assignment.id).join(Round, Round.id == Assignment.round_id).where(
            Assignment.answer_id == answer_id, Round.reliability == True, Round.released == False)).first()  # noqa: E712
        return hit is None
