"""Personal data in a project: find it, pseudonymise it, or allow it on purpose.

A scan runs the detector (``workbench.nlp.pii``: rules, plus the pipeline's NER when it has
one) over every answer and keeps its results as ``PiiFinding`` rows. Open findings are
replaced in every export unless the export is told ``allow_pii``; a supervisor either
pseudonymises them (the span in ``Answer.text`` becomes ``[NAVN]``, ``[CPR]``, ...) or allows
them (they stay in exports). Decisions already taken survive a rescan.

Pseudonymising rewrites the answer text, so every span that points into it is moved with
it: codings (and the spans a reconciliation decision was made on) keep covering the same
words, a coding wholly inside a replaced span shrinks to the placeholder. The original text
is kept in ``Answer.text_original`` only when the supervisor asks for it; the audit log never
holds personal data (only ids, types and counts), so nothing leaks through it either.

Detections per text are cached in ``NlpCache`` by text hash, so a rescan only runs the
detector on new or changed answers.

On PostgreSQL several supervisors may scan and pseudonymise at once, and each statement
sees what others committed meanwhile: without care a second pseudonymisation would apply
offsets read before the first one committed to the text written after it, and move the
codings twice. So every transaction that writes findings first takes one lock per project
(``_lock_findings``), and a scan writes only for answers whose text is still the one it
looked at.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable, Optional, Sequence

from sqlalchemy import text as sql_text
from sqlmodel import select

from workbench.bulk import chunks
from workbench.coding.models import Answer, Coding, Decision, NlpCache, PiiFinding, Question, Respondent
from workbench.coding.team import STAFF, require_role
from workbench.errors import Cancelled, InputError
from workbench.nlp import pii as P
from workbench.nlp.features import text_hash as features_hash

__all__ = ["Finding", "ScanResult", "PseudonymiseResult", "scan_project", "findings", "pseudonymise",
           "allow", "shift_span", "STATUSES"]

STATUSES = ("open", "pseudonymised", "allowed")
_LOCK_KEY = 0x77625F706969  # "wb_pii": the advisory lock of every write to the findings
Progress = Optional[Callable[[int, int], Optional[bool]]]


@dataclass(frozen=True)
class Finding:
    """A finding as the UI and CLI show it: where, what type, and the words it covers."""

    id: int
    answer_id: int
    start: int
    end: int
    type: str
    status: str
    span: str  # the words in the current text (the placeholder once pseudonymised)
    context: str  # a little text either side, for the review dialog
    respondent: str = ""
    question: str = ""


@dataclass
class ScanResult:
    answers: int  # answers with text that were looked at
    detected: int  # answers run through the detector (not served from the cache)
    by_type: dict  # open findings per type after the scan
    added: int
    removed: int
    pipeline: str


@dataclass
class PseudonymiseResult:
    answers: int
    findings: int
    by_type: dict
    codings_moved: int


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _lock_findings(s) -> None:
    """Serialise writers of findings and pseudonymised texts on PostgreSQL (a transaction-level
    advisory lock: no privilege needed, released at commit). SQLite serialises writers itself."""
    if s.get_bind().dialect.name == "postgresql":
        s.exec(sql_text("SELECT pg_advisory_xact_lock(:k)"), params={"k": _LOCK_KEY})


def _pipeline_key(nlp) -> str:
    """Cache key: a pipeline name when NER is used, so a new model means a fresh scan."""
    if nlp is None:
        return "pii:rules"
    meta = getattr(nlp, "meta", {}) or {}
    return f"pii:ner:{meta.get('name', 'nlp')}:{meta.get('version', '')}"


# --------------------------------------------------------------------------- scanning
def scan_project(store, progress: Progress = None, nlp="auto", batch_size: int = 256) -> ScanResult:
    """Detect personal data in every answer and bring the open findings up to date.

    Per answer, open findings are replaced by what the detector finds now (so an answer whose
    text changed gets fresh findings); allowed and pseudonymised findings are kept, and a
    detection on the span of an allowed finding does not reopen it. ``progress(done, total)``
    returning False cancels before anything is written. One transaction, one audit entry.
    """
    if nlp == "auto":
        nlp = P.load_default_nlp()
    key = _pipeline_key(nlp)
    with store.session() as s:
        rows = [(i, t) for i, t in s.exec(select(Answer.id, Answer.text).order_by(Answer.id)).all() if t and t.strip()]
        hashes = {i: _hash(t) for i, t in rows}
        cached: dict[str, list] = {}
        for chunk in chunks(sorted(set(hashes.values()))):
            for h, data in s.exec(select(NlpCache.text_hash, NlpCache.data).where(
                    NlpCache.pipeline == key, NlpCache.text_hash.in_(chunk))).all():
                cached[h] = data.get("entities", [])
    todo = [(i, t) for i, t in rows if hashes[i] not in cached]
    total = len(todo)
    fresh: dict[str, list] = {}
    done = 0
    for chunk in chunks(todo, batch_size):
        for (i, t), ents in zip(chunk, P.detect_many([t for _, t in chunk], batch_size=batch_size, nlp=nlp)):
            fresh[hashes[i]] = [[e.start, e.end, e.type] for e in ents]
        done += len(chunk)
        if progress is not None and progress(done, total) is False:
            raise Cancelled()
    detected = {i: [tuple(x) for x in (cached.get(hashes[i]) or fresh.get(hashes[i]) or [])] for i, _ in rows}

    added = removed = 0
    with store.transaction() as s:
        _lock_findings(s)
        # a text pseudonymised (or edited) since it was read keeps its findings until the next scan
        now_hash = {i: _hash(t) for i, t in s.exec(select(Answer.id, Answer.text)).all() if t and t.strip()}
        detected = {i: d for i, d in detected.items() if now_hash.get(i) == hashes[i]}
        for h, ents in fresh.items():
            if s.exec(select(NlpCache.id).where(NlpCache.pipeline == key, NlpCache.text_hash == h)).first() is None:
                s.add(NlpCache(pipeline=key, text_hash=h, data={"entities": ents}))
        existing: dict[int, list[PiiFinding]] = {}
        for f in s.exec(select(PiiFinding)):
            existing.setdefault(f.answer_id, []).append(f)
        answer_ids = set(detected) | {a for a in existing if a not in hashes and a not in now_hash}
        for aid in answer_ids:
            now = set(detected.get(aid, []))
            have = existing.get(aid, [])
            decided = {(f.start, f.end, f.type) for f in have if f.status != "open"}
            for f in have:
                if f.status == "open" and (f.start, f.end, f.type) not in now:
                    s.delete(f)
                    removed += 1
            open_now = {(f.start, f.end, f.type) for f in have if f.status == "open"}
            for a, b, t in sorted(now - decided - open_now):
                s.add(PiiFinding(answer_id=aid, start=a, end=b, type=t, status="open"))
                added += 1
        s.flush()
        by_type = Counter(s.exec(select(PiiFinding.type).where(PiiFinding.status == "open")).all())
        by_type = {t: by_type.get(t, 0) for t in P.TYPES if by_type.get(t)}
        store.log(s, "pii.scan", "project", None, answers=len(rows), detected=len(todo), added=added,
                  removed=removed, open=by_type, pipeline=key)
    return ScanResult(len(rows), len(todo), by_type, added, removed, key)


def findings(store, answer_ids: Optional[Iterable[int]] = None, status: Optional[str | Iterable[str]] = None,
             types: Optional[Iterable[str]] = None) -> list[Finding]:
    """The findings (all statuses unless told), with the words they cover, in answer order."""
    with store.session() as s:
        q = (select(PiiFinding, Answer.text, Respondent.key, Question.key)
             .join(Answer, Answer.id == PiiFinding.answer_id)
             .join(Respondent, Respondent.id == Answer.respondent_id)
             .join(Question, Question.id == Answer.question_id))
        if status is not None:
            q = q.where(PiiFinding.status.in_([status] if isinstance(status, str) else list(status)))
        if types is not None:
            q = q.where(PiiFinding.type.in_([t.upper() for t in types]))
        rows = []
        if answer_ids is None:
            rows = list(s.exec(q).all())
        else:
            for chunk in chunks(sorted(set(answer_ids))):
                rows += list(s.exec(q.where(PiiFinding.answer_id.in_(chunk))).all())
    out = []
    for f, text, rid, qkey in rows:
        text = text or ""
        ctx = text[max(0, f.start - 30):f.end + 30]
        out.append(Finding(f.id, f.answer_id, f.start, f.end, f.type, f.status, text[f.start:f.end], ctx,
                           str(rid), str(qkey)))
    out.sort(key=lambda x: (x.answer_id, x.start, x.id))
    return out


# --------------------------------------------------------------------------- pseudonymising
def shift_span(start: Optional[int], end: Optional[int], edits: Sequence[tuple[int, int, int]]
               ) -> tuple[Optional[int], Optional[int]]:
    """Where ``[start, end)`` lies after replacing each old span ``[a, b)`` by ``n`` characters.

    ``edits`` are ``(a, b, n)`` in the old text, sorted and non-overlapping. A boundary inside a
    replaced span moves to the placeholder's edge so the span still covers the same words
    (now the placeholder); a span wholly inside one becomes the placeholder. Whole-text
    codings (``None``) stay whole-text.
    """
    if start is None or end is None:
        return start, end

    def moved(p: int, is_end: bool) -> int:
        delta = 0
        for a, b, n in edits:
            if p >= b:
                delta += n - (b - a)
            elif p > a:  # inside: to the placeholder's start (a span's start) or end (its end)
                return a + delta + (n if is_end else 0)
            else:
                break
        return p + delta

    s2, e2 = moved(start, is_end=False), moved(end, is_end=True)
    return s2, max(s2, e2)


def _edits(text: str, fs: list[PiiFinding]) -> tuple[str, list[tuple[int, int, int]], list[PiiFinding]]:
    """The new text, the (a, b, len(placeholder)) edits, and the findings applied (in order)."""
    out, edits, used, pos = [], [], [], 0
    for f in sorted(fs, key=lambda x: (x.start, -x.end)):
        if f.start < pos or f.end <= f.start or f.end > len(text):
            continue  # overlaps one already applied, or stale offsets: leave it open
        ph = P.PLACEHOLDERS.get(f.type, f"[{f.type}]")
        out.append(text[pos:f.start])
        out.append(ph)
        edits.append((f.start, f.end, len(ph)))
        used.append(f)
        pos = f.end
    out.append(text[pos:])
    return "".join(out), edits, used


def pseudonymise(store, actor: str, finding_ids: Optional[Iterable[int]] = None,
                 answer_ids: Optional[Iterable[int]] = None, all: bool = False, keep_original: bool = False,
                 types: Optional[Iterable[str]] = None) -> PseudonymiseResult:
    """Replace open findings in the answer texts by placeholders (supervisors and admins only).

    Choose the findings by id, by answer, or ``all=True``; ``types`` narrows any of these.
    ``keep_original`` stores the text before its first pseudonymisation in ``text_original``
    (otherwise the original is gone for good, which is the point). Codings, decision inputs
    and the other findings on each answer are moved with the text. One transaction.
    """
    if finding_ids is None and answer_ids is None and not all:
        raise InputError("say which findings to pseudonymise (finding ids, answers or all)", file="pseudonymise")
    type_set = {t.strip().upper() for t in types if t.strip()} if types is not None else None
    if type_set is not None:
        unknown = type_set - set(P.TYPES)
        if unknown:
            raise InputError(f"unknown type(s) {', '.join(sorted(unknown))}; use {', '.join(P.TYPES)}",
                             file="--types")
    with store.transaction() as s:
        require_role(s, actor, STAFF, "pseudonymise personal data")
        _lock_findings(s)  # then read the findings, texts and codings as the last writer left them
        q = select(PiiFinding).where(PiiFinding.status == "open")
        chosen: list[PiiFinding] = []
        if all:
            chosen = list(s.exec(q))
        else:
            if finding_ids is not None:
                for chunk in chunks(sorted(set(finding_ids))):
                    chosen += list(s.exec(q.where(PiiFinding.id.in_(chunk))))
            if answer_ids is not None:
                seen = {f.id for f in chosen}
                for chunk in chunks(sorted(set(answer_ids))):
                    chosen += [f for f in s.exec(q.where(PiiFinding.answer_id.in_(chunk)))
                               if f.id not in seen]
        if type_set is not None:
            chosen = [f for f in chosen if f.type in type_set]
        by_answer: dict[int, list[PiiFinding]] = {}
        for f in chosen:
            by_answer.setdefault(f.answer_id, []).append(f)
        n_findings, moved, by_type = 0, 0, Counter()
        changed_answers = []
        for aid, fs in sorted(by_answer.items()):
            ans = s.get(Answer, aid)
            if ans is None:
                continue
            new_text, edits, used = _edits(ans.text or "", fs)
            if not used:
                continue
            if keep_original and ans.text_original is None:
                ans.text_original = ans.text
            # the suggestion pipeline's cache holds the old text's tokens: drop it with the text
            for c in s.exec(select(NlpCache).where(NlpCache.text_hash == features_hash(ans.text or ""))):
                s.delete(c)
            ans.text = new_text
            s.add(ans)
            for c in s.exec(select(Coding).where(Coding.answer_id == aid)):
                ns, ne = shift_span(c.start, c.end, edits)
                if (ns, ne) != (c.start, c.end):
                    c.start, c.end = ns, ne
                    s.add(c)
                    moved += 1
            for d in s.exec(select(Decision).where(Decision.answer_id == aid)):
                if d.inputs:
                    d.inputs = {coder: [[k, *shift_span(st, en, edits)] for k, st, en in spans]
                                for coder, spans in d.inputs.items()}
                    s.add(d)
            used_ids = {f.id for f in used}
            for f in s.exec(select(PiiFinding).where(PiiFinding.answer_id == aid)):
                f.start, f.end = shift_span(f.start, f.end, edits)
                if f.id in used_ids:
                    f.status = "pseudonymised"
                    by_type[f.type] += 1
                s.add(f)
            n_findings += len(used)
            changed_answers.append(aid)
        store.log(s, "pii.pseudonymise", "answer", None, answers=changed_answers, findings=sorted(
            f.id for fs in by_answer.values() for f in fs if f.status == "pseudonymised"),
            by_type=dict(by_type), keep_original=bool(keep_original), codings_moved=moved, by=actor)
    return PseudonymiseResult(len(changed_answers), n_findings, dict(by_type), moved)


def allow(store, actor: str, finding_id: int | Iterable[int]) -> int:
    """Keep findings as they are, in the project and in exports (a supervisor's decision,
    e.g. a public figure's name or a false alarm). One id or several, one transaction;
    returns how many were allowed."""
    ids = [finding_id] if isinstance(finding_id, int) else sorted(set(finding_id))
    with store.transaction() as s:
        require_role(s, actor, STAFF, "allow personal data in exports")
        _lock_findings(s)
        done = []
        for fid in ids:
            f = s.get(PiiFinding, fid)
            if f is None:
                raise InputError(f"no finding with id {fid}", file="pii")
            if f.status == "pseudonymised":
                raise InputError(f"finding {fid} is already pseudonymised", file="pii")
            f.status = "allowed"
            s.add(f)
            done.append(f)
        if len(done) == 1:
            store.log(s, "pii.allow", "piifinding", done[0].id, answer_id=done[0].answer_id, type=done[0].type,
                      by=actor)
        elif done:
            store.log(s, "pii.allow", "piifinding", None, findings=[f.id for f in done],
                      types=dict(Counter(f.type for f in done)), by=actor)
    return len(done)
