"""Inter-coder agreement of a project (the contract's Agreement JSON, plus breakdowns).

A *unit* is an answer every listed coder has marked coded (``AnswerState.coded``), so
"coded, no code applies" counts as a 0 for every code and "not coded yet" is left out.
Per code each coder's value is 1 if they applied the code anywhere in the answer, else 0.
The statistics come from ``agreement_stats`` (tested against reference implementations);
this module only gathers the data, with one query per table, and shapes the report.

``overall`` pools every (unit, code) pair as one binary unit, over the codes that at least
one listed coder applied in these units (the contract: a code nobody used carries no
information, and its 0–0 pairs would make alpha grow with the codebook): ``alpha`` and
``percent_agreement`` (0..1) are over these pairs, ``set_agreement`` is the share of units
where the coders' whole code sets are identical. Undefined values are ``None`` (null).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Optional

from sqlalchemy import func, select
from sqlmodel import Session

from workbench.bulk import chunks
from workbench.coding.agreement_stats import (cohen_kappa, fleiss_kappa, krippendorff_alpha_from_counts,
                                              unitizing_alpha)
from workbench.coding.models import Answer, AnswerState, Assignment, Code, Coder, Coding, Question, Respondent
from workbench.errors import InputError

HUMAN_ROLES = ("coder", "supervisor")  # whose codings are compared; never final/gold/admin-only
NO_BAND = "mangler"  # answers without a score (no band)

Span = tuple[str, Optional[int], Optional[int]]  # (code key, start, end); None = whole answer


@dataclass
class UnitInfo:
    """What the reports need to know about one answer."""

    answer_id: int
    uid: str
    respondent: str
    question: str
    band: Optional[str]
    length: int
    text: Optional[str] = None


@dataclass
class CodingData:
    """Everyone's codings on the units of a set of coders, loaded in one pass."""

    coders: list[str]
    units: list[int]  # answer ids coded by every coder, ascending
    info: dict[int, UnitInfo]
    spans: dict[tuple[int, str], list[Span]] = field(default_factory=dict)  # (answer, coder) -> codings
    code_keys: list[str] = field(default_factory=list)  # codes to report, codebook order first
    coder_roles: dict[str, str] = field(default_factory=dict)

    def codes_of(self, answer_id: int, coder: str) -> set[str]:
        return {k for k, _s, _e in self.spans.get((answer_id, coder), ())}

    def span_list(self, answer_id: int, coder: str) -> list[Span]:
        return sorted(self.spans.get((answer_id, coder), ()), key=lambda x: (x[0], x[1] if x[1] is not None else -1,
                                                                             x[2] if x[2] is not None else -1))


def _choose_coders(s: Session, coded_by: dict[int, set[int]]) -> set[int]:
    """Whose codings to compare when nobody said. Two or fewer people coded: them. More:
    the coders of the newest round that gave answers to two or more people, if they coded
    here; otherwise the two who coded the most answers in common. Requiring every coder
    instead would let a supervisor who coded a handful of answers empty the comparison."""
    present = set().union(*coded_by.values()) if coded_by else set()
    if len(present) <= 2:
        return present
    by_round: dict[int, set[int]] = defaultdict(set)
    for rid, cid in s.exec(select(Assignment.round_id, Assignment.coder_id).distinct()).all():
        by_round[rid].add(cid)
    for rid in sorted(by_round, reverse=True):
        team = by_round[rid] & present
        if len(by_round[rid]) >= 2 and len(team) >= 2 and any(team <= cs for cs in coded_by.values()):
            return team
    pairs: dict[tuple[int, int], int] = defaultdict(int)
    for cs in coded_by.values():
        ordered = sorted(cs)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1:]:
                pairs[(a, b)] += 1
    best = max(pairs.items(), key=lambda kv: (kv[1], -kv[0][0], -kv[0][1]), default=None)
    return set(best[0]) if best else present


def collect(store, s: Session, coders: Optional[list[str]] = None, question: Optional[str] = None,
            answer_ids: Optional[Iterable[int]] = None, with_text: bool = False) -> CodingData:
    """Load states and codings of ``coders`` (default: every coder/supervisor who has coded
    anything) on the answers all of them coded; one query per table."""
    all_coders = list(s.exec(select(Coder.id, Coder.name, Coder.role)).all())
    by_name = {n: (i, r) for i, n, r in all_coders}
    if coders is not None:
        unknown = [c for c in coders if c not in by_name]
        if unknown:
            raise InputError(f"no coder named {', '.join(map(repr, unknown))} in the project", file="--coders")
        if len(set(coders)) != len(coders):
            raise InputError("a coder is named twice", file="--coders")
        wanted = {by_name[c][0] for c in coders}
    else:
        wanted = {i for i, _n, r in all_coders if r in HUMAN_ROLES}
    if question is not None and s.exec(select(Question.id).where(Question.key == question)).first() is None:
        raise InputError(f"no question {question!r} in the project", file="--question")
    cols = [AnswerState.answer_id, AnswerState.coder_id, Answer.uid, Respondent.key, Question.key, Answer.band,
            func.length(Answer.text)]
    q = (select(*cols).join(Answer, Answer.id == AnswerState.answer_id)
         .join(Question, Question.id == Answer.question_id).join(Respondent, Respondent.id == Answer.respondent_id)
         .where(AnswerState.coded == True))  # noqa: E712
    if wanted:
        q = q.where(AnswerState.coder_id.in_(sorted(wanted)))
    if question is not None:
        q = q.where(Question.key == question)
    restrict = set(answer_ids) if answer_ids is not None else None
    small = restrict is not None and len(restrict) <= 500  # e.g. one answer being decided: filter in SQL
    if small:
        q = q.where(AnswerState.answer_id.in_(sorted(restrict)))
    name_of = {i: n for i, n, _r in all_coders}
    coded_by: dict[int, set[int]] = defaultdict(set)
    info: dict[int, UnitInfo] = {}
    for aid, cid, uid, rkey, qkey, band, length in s.exec(q).all() if wanted else []:
        if restrict is not None and aid not in restrict:
            continue
        coded_by[aid].add(cid)
        if aid not in info:
            info[aid] = UnitInfo(aid, uid, rkey, qkey, band, int(length or 0))
    if coders is None:
        coder_ids = sorted(_choose_coders(s, coded_by), key=lambda i: name_of[i])
        names = [name_of[i] for i in coder_ids]
    else:
        names = list(coders)
        coder_ids = [by_name[c][0] for c in coders]
    need = set(coder_ids)
    units = sorted(a for a, cs in coded_by.items() if need and need <= cs)
    info = {a: info[a] for a in units}
    spans: dict[tuple[int, str], list[Span]] = defaultdict(list)
    code_rows = list(s.exec(select(Code.id, Code.key, Code.codebook_id, Code.retired, Code.position)).all())
    key_of = {i: k for i, k, *_ in code_rows}
    if units and coder_ids:
        unit_set = set(units)
        cq = select(Coding.answer_id, Coding.coder_id, Coding.code_id, Coding.start, Coding.end).where(
            Coding.coder_id.in_(coder_ids))
        if small:
            cq = cq.where(Coding.answer_id.in_(units))
        elif question is not None:
            cq = cq.join(Answer, Answer.id == Coding.answer_id).join(Question, Question.id == Answer.question_id).where(
                Question.key == question)
        for aid, cid, code_id, st, en in s.exec(cq).all():
            if aid in unit_set:
                spans[(aid, name_of[cid])].append((key_of[code_id], st, en))
    if with_text and units:
        for chunk in chunks(units):
            for aid, text in s.exec(select(Answer.id, Answer.text).where(Answer.id.in_(chunk))).all():
                info[aid].text = text
    cb = store.active_codebook(s)
    active = [k for _i, k, cbid, retired, pos in sorted(code_rows, key=lambda r: (r[4], r[0]))
              if cb is not None and cbid == cb.id and not retired]
    used = sorted({k for v in spans.values() for k, _s, _e in v} - set(active))
    return CodingData(coders=names, units=units, info=info, spans=dict(spans), code_keys=active + used,
                      coder_roles={n: by_name[n][1] for n in names})


def default_coders(store) -> list[str]:
    """The coders compared when nobody names them (see ``_choose_coders``), by name; never
    final or gold."""
    with store.session() as s:
        return collect(store, s).coders


def _presence(data: CodingData, units: list[int]):
    """units × coders × codes array of 0/1: did the coder apply the code anywhere in the answer."""
    import numpy as np

    col = {k: j for j, k in enumerate(data.code_keys)}
    arr = np.zeros((len(units), len(data.coders), len(data.code_keys)), dtype=np.int8)
    for i, u in enumerate(units):
        for ci, c in enumerate(data.coders):
            for k in data.codes_of(u, c):
                if k in col:
                    arr[i, ci, col[k]] = 1
    return arr


def _binary_stats(x) -> dict:
    """alpha and percent agreement of units × coders 0/1 values (every coder present)."""
    import numpy as np

    if x.shape[0] == 0:
        return {"alpha": None, "percent_agreement": None}
    m = x.shape[1]
    ones = x.sum(axis=1).astype(np.int64)
    counts = np.stack([m - ones, ones], axis=1)
    agree = float(np.mean((ones == 0) | (ones == m))) if m >= 2 else None
    return {"alpha": krippendorff_alpha_from_counts(counts), "percent_agreement": agree}


def _pooled(arr) -> dict:
    """Every (unit, code) pair of a units × coders × codes array as one binary unit, over the
    codes some coder applied in these units; ``n_codes`` says how many that is."""
    used = arr.any(axis=(0, 1))
    arr = arr[:, :, used]
    return {**_binary_stats(arr.transpose(0, 2, 1).reshape(-1, arr.shape[1])), "n_codes": int(used.sum())}


def _unitizing(data: CodingData) -> dict:
    """u-alpha per code over the units where every coder coded with spans (whole-answer
    codings in those units count as a span over the whole text)."""
    span_units = [u for u in data.units
                  if all(any(st is not None for _k, st, _e in data.spans.get((u, c), ())) for c in data.coders)]
    if len(data.coders) < 2 or not span_units:
        return {}
    lengths = [data.info[u].length for u in span_units]
    out = {}
    used = {k for u in span_units for c in data.coders for k, _s, _e in data.spans.get((u, c), ())}
    for code in [k for k in data.code_keys if k in used]:
        by_coder = []
        for c in data.coders:
            per_text = []
            for u, ln in zip(span_units, lengths):
                per_text.append([(0, ln) if st is None else (st, en)
                                 for k, st, en in data.spans.get((u, c), ()) if k == code])
            by_coder.append(per_text)
        out[code] = {"u_alpha": unitizing_alpha(by_coder, lengths), "n_units": len(span_units)}
    return out


def agreement_report(store, coders: Optional[list[str]] = None, question: Optional[str] = None) -> dict:
    """The contract's Agreement JSON (``coders``, ``units``, ``overall``, ``codes``) plus
    ``by_question``, ``by_band`` and, where coders marked spans, ``unitizing``."""
    with store.session() as s:
        data = collect(store, s, coders=coders, question=question)
    units = data.units
    two = len(data.coders) == 2
    arr = _presence(data, units)
    codes: dict[str, dict] = {}
    for j, code in enumerate(data.code_keys):
        x = arr[:, :, j]
        stats = _binary_stats(x)
        entry = {"alpha": stats["alpha"]}
        if two:
            entry["kappa"] = cohen_kappa(x[:, 0].tolist(), x[:, 1].tolist())
        elif len(data.coders) > 2:
            entry["fleiss_kappa"] = fleiss_kappa(x.tolist())
        entry["percent_agreement"] = stats["percent_agreement"]
        entry["n_units"] = len(units)
        codes[code] = entry
    overall = _pooled(arr)
    overall["n_pairs"] = len(units) * overall["n_codes"]
    overall["set_agreement"] = (sum(1 for u in units if len({frozenset(data.codes_of(u, c)) for c in data.coders}) == 1)
                                / len(units)) if units and len(data.coders) >= 2 else None

    def breakdown(key) -> dict:
        groups: dict[str, list[int]] = defaultdict(list)
        for i, u in enumerate(units):
            groups[key(data.info[u])].append(i)
        return {g: {**_pooled(arr[groups[g]]), "n_units": len(groups[g])} for g in sorted(groups)}

    rep = {"coders": data.coders, "units": len(units), "overall": overall, "codes": codes,
           "by_question": breakdown(lambda i: i.question), "by_band": breakdown(lambda i: i.band or NO_BAND)}
    uz = _unitizing(data)
    if uz:
        rep["unitizing"] = uz
    if question is not None:
        rep["question"] = question
    return rep
