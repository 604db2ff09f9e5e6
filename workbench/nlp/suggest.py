"""Code suggestions: the codebook matcher and the learned classifier combined, with quality
measured on the project's own codings.

- ``Suggester`` ranks a codebook's codes for answers. Before anyone has coded it uses the
  codebook alone (``matcher.py``); ``fit(store, coder)`` learns from a coder's accepted
  codings (``classifier.py``) and blends the two per code by how many examples the code
  has, then cross-validates to measure each code's precision and recall.
- Confident suggestions: a per-code threshold chosen on the cross-validated scores so that
  the code's precision reaches a target (the project setting ``suggest_min_precision``,
  default 0.9). ``precode`` returns such suggestions for uncoded answers; they are never
  codings until a coder accepts them.
- Suggestions are off for answers in a reliability round (they would bias agreement), and a
  code a coder rejected is not suggested to that coder for that answer again.
- ``uncertainty_queue`` orders uncoded answers by how unsure the model is (active learning).
- ``suggest_csv`` / ``evaluate_csv`` are the command line's ``suggest`` and ``evaluate``.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

import numpy as np
from sqlmodel import select

from workbench.bulk import chunks
from workbench.coding.codebook import DEFAULT_CODEBOOK, CodebookSpec, load_codebook, spec_from_store
from workbench.coding.definition import SurveyDefinition, builtin
from workbench.errors import InputError, Problem
from workbench.nlp.classifier import ClassifierConfig, CodeClassifier
from workbench.nlp.features import TextFeatures, analyse, text_hash
from workbench.nlp.matcher import CodebookMatcher, MatchResult

DECISION_THRESHOLD = 0.5     # a suggestion counts as "predicted" at or above this score
BLEND_K = 3.0                # classifier weight n/(n+K) for a code with n training examples
DEFAULT_MIN_PRECISION = 0.9
SETTING_MIN_PRECISION = "suggest_min_precision"
MIN_TRUE_POSITIVES = 3       # a per-code threshold needs at least this many correct CV hits
GOLD_ROLE = "gold"
HUMAN_ROLES = ("coder", "supervisor", "admin")


@dataclass
class AnswerItem:
    """An answer to suggest for: its text and context (band, question); ``id`` is the
    answer's database id or the CSV's id."""

    text: str
    band: Optional[str] = None
    question: Optional[str] = None
    id: Any = None


@dataclass
class Suggestion:
    code: str
    score: float
    why: list[str] = field(default_factory=list)   # the words that triggered it
    source: str = "codebook"                        # codebook | model | both
    example: Optional[str] = None                   # the codebook example it resembles
    confident: bool = False                         # passes the code's precision threshold

    def to_json(self) -> dict:
        return {"code": self.code, "score": round(float(self.score), 4)}


@dataclass
class CodeQuality:
    """Cross-validated quality of one code's suggestions at ``DECISION_THRESHOLD``."""

    code: str
    precision: Optional[float]
    recall: Optional[float]
    f1: Optional[float]
    support: int          # coded answers carrying the code
    predicted: int        # answers the suggester gave the code at the decision threshold

    def to_json(self) -> dict:
        return {k: getattr(self, k) for k in ("code", "precision", "recall", "f1", "support", "predicted")}


@dataclass
class FitReport:
    n_answers: int
    n_codes_learned: int
    seconds: float
    coder: Optional[str] = None


# -- the suggester -----------------------------------------------------------------------------

class Suggester:
    """Ranks codes for answers; learns from codings with ``fit``; measures itself with CV."""

    def __init__(self, codebook: CodebookSpec, nlp=None, config: Optional[ClassifierConfig] = None,
                 blend_k: float = BLEND_K, definition: Optional[SurveyDefinition] = None):
        """``definition``: the survey's, whose bands and questions are the classifier's context
        (the project's when fitted on a project and none is given)."""
        self.codebook = codebook
        self.definition = definition
        self.ids = codebook.ids
        self.nlp = nlp
        self.config = config or ClassifierConfig()
        self.blend_k = blend_k
        self._matcher: Optional[CodebookMatcher] = None
        self._match_cache: dict[tuple[str, Optional[str], Optional[str]], MatchResult] = {}
        self.classifier: Optional[CodeClassifier] = None
        self.quality: dict[str, CodeQuality] = {}
        self._oof: Optional[np.ndarray] = None   # cross-validated scores (answers × codes)
        self._oof_y: Optional[np.ndarray] = None
        self._thresholds: dict[float, dict[str, Optional[float]]] = {}

    @classmethod
    def for_store(cls, store, **kw) -> "Suggester":
        """A suggester for the project's active codebook and survey definition."""
        from workbench.coding.surveys import project_definition

        with store.session() as s:
            kw.setdefault("definition", project_definition(s))
            return cls(spec_from_store(store, s), **kw)

    def _classifier(self) -> CodeClassifier:
        d = self.definition
        return CodeClassifier(self.ids, self.config, bands=d.bands if d else (), questions=d.question_keys if d else ())

    @property
    def matcher(self) -> CodebookMatcher:
        if self._matcher is None:
            self._matcher = CodebookMatcher(self.codebook, nlp=self.nlp)
        return self._matcher

    @property
    def is_trained(self) -> bool:
        return self.classifier is not None and bool(self.classifier.trained.any())

    # -- scoring ------------------------------------------------------------------------
    def features(self, items: Sequence[AnswerItem], store=None) -> list[TextFeatures]:
        return analyse([it.text for it in items], store=store, nlp=self.nlp)

    def _match(self, items: Sequence[AnswerItem], feats: Sequence[TextFeatures]) -> list[MatchResult]:
        """Matcher results, cached per (text, band, question): refits only match new answers."""
        keys = [(text_hash(it.text), it.band, it.question) for it in items]
        todo = [i for i, k in enumerate(keys) if k not in self._match_cache]
        if todo:
            res = self.matcher.match_many([feats[i] for i in todo], [items[i].band for i in todo],
                                          [items[i].question for i in todo])
            if len(self._match_cache) > 100_000:
                self._match_cache.clear()
            for i, r in zip(todo, res):
                self._match_cache[keys[i]] = r
        return [self._match_cache[k] for k in keys]

    def _blend(self, m: np.ndarray, p: np.ndarray, n_pos: np.ndarray) -> np.ndarray:
        """Per code: the classifier's probability weighted by how many examples it learned
        from, the matcher's score for the rest; codes not learned keep the matcher's score."""
        w = n_pos / (n_pos + self.blend_k)
        out = np.where(np.isnan(p), m, w * np.nan_to_num(p) + (1 - w) * m)
        return np.clip(out, 0.0, 1.0)

    def score(self, items: Sequence[AnswerItem], store=None,
              feats: Optional[Sequence[TextFeatures]] = None) -> tuple[np.ndarray, list[MatchResult], np.ndarray]:
        """(blended scores, matcher results, classifier probabilities) for the items."""
        feats = feats if feats is not None else self.features(items, store)
        mr = self._match(items, feats)
        m = np.array([r.scores for r in mr]) if mr else np.zeros((0, len(self.ids)))
        if not self.is_trained:
            return m, mr, np.full(m.shape, np.nan)
        p = self.classifier.predict_proba(feats, [i.band for i in items], [i.question for i in items], m)
        return self._blend(m, p, self.classifier.n_positive), mr, p

    def suggest_items(self, items: Sequence[AnswerItem], top: int = 5, store=None,
                      min_precision: Optional[float] = None,
                      exclude: Optional[Sequence[Iterable[str]]] = None) -> list[list[Suggestion]]:
        """Best ``top`` suggestions per item, best first. With ``min_precision``, only codes
        whose cross-validated threshold for that precision the score passes. ``exclude``:
        per item, codes not to suggest (already applied, rejected)."""
        if not items:
            return []
        feats = self.features(items, store)
        scores, mr, p = self.score(items, feats=feats)
        thr = self.thresholds(min_precision) if min_precision else None
        conf_thr = self.thresholds(min_precision or DEFAULT_MIN_PRECISION) if self._oof is not None else {}
        out: list[list[Suggestion]] = []
        for r, (row, res) in enumerate(zip(scores, mr)):
            skip = set(exclude[r]) if exclude is not None else set()
            vec = None
            order = np.argsort(-row, kind="stable")
            sug: list[Suggestion] = []
            for j in order:
                code = self.ids[j]
                if code in skip:
                    continue
                sc = float(row[j])
                t = conf_thr.get(code)
                if thr is not None and (thr.get(code) is None or sc < thr[code]):
                    continue
                why = list(res.why[j])
                learned = not math.isnan(p[r, j])
                if learned and self.classifier is not None and p[r, j] >= 0.3:
                    if vec is None:
                        vec = self.classifier.word_vector(feats[r])
                    why += [w for w in self.classifier.evidence(code, vector=vec) if w not in why]
                src = "both" if learned and res.scores[j] > 0.3 else "model" if learned else "codebook"
                sug.append(Suggestion(code, sc, why[:6], src, res.example[j],
                                      confident=t is not None and sc >= t))
                if len(sug) >= top:
                    break
            out.append(sug)
        return out

    # -- learning ----------------------------------------------------------------------
    def fit(self, store, coder: Optional[str] = None, *, include_gold: bool = False,
            answer_ids: Optional[Iterable[int]] = None, calibrate: bool = True, k: int = 5) -> FitReport:
        """Learn from the coded answers of ``coder`` (a name, ``final``, or None for every
        human coder). The answer key (role ``gold``) is used only with ``include_gold``.
        ``answer_ids`` restricts training to those answers. With ``calibrate``, also
        cross-validates (``k`` folds) to measure quality and choose thresholds."""
        items, labels = training_data(store, coder, include_gold=include_gold, answer_ids=answer_ids)
        rep = self.fit_items(items, labels, calibrate=calibrate, k=k, store=store)
        rep.coder = coder
        return rep

    def fit_items(self, items: Sequence[AnswerItem], labels: Sequence[Iterable[str]], calibrate: bool = True,
                  k: int = 5, store=None) -> FitReport:
        import time

        t0 = time.perf_counter()
        if self.definition is None and store is not None:
            from workbench.coding.surveys import project_definition

            with store.session() as s:
                self.definition = project_definition(s)
        feats = self.features(items, store)
        Y = self._label_matrix(labels)
        m = np.array([r.scores for r in self._match(items, feats)]) if items else np.zeros((0, len(self.ids)))
        bands = [i.band for i in items]
        qs = [i.question for i in items]
        self.classifier = None
        self.quality, self._oof, self._oof_y, self._thresholds = {}, None, None, {}
        if len(items) >= 2:
            self.classifier = self._classifier().fit(feats, bands, qs, Y, m)
        if calibrate and len(items) >= max(10, k):
            self._cross_validate(feats, bands, qs, Y, m, k)
        learned = int(self.classifier.trained.sum()) if self.classifier else 0
        return FitReport(len(items), learned, time.perf_counter() - t0)

    def _label_matrix(self, labels: Sequence[Iterable[str]]) -> np.ndarray:
        ix = {c: j for j, c in enumerate(self.ids)}
        Y = np.zeros((len(labels), len(self.ids)), dtype=bool)
        for i, ls in enumerate(labels):
            for c in ls:
                if c in ix:
                    Y[i, ix[c]] = True
        return Y

    def _cross_validate(self, feats, bands, qs, Y, m, k) -> None:
        from sklearn.model_selection import KFold

        n = len(feats)
        oof = m.copy()
        for tr, te in KFold(n_splits=min(k, n), shuffle=True, random_state=0).split(np.arange(n)):
            clf = self._classifier().fit([feats[i] for i in tr], [bands[i] for i in tr],
                                                            [qs[i] for i in tr], Y[tr], m[tr])
            p = clf.predict_proba([feats[i] for i in te], [bands[i] for i in te], [qs[i] for i in te], m[te])
            oof[te] = self._blend(m[te], p, clf.n_positive)
        self._oof, self._oof_y = oof, Y
        self.quality = quality_table(self.ids, oof, Y)

    def thresholds(self, target: Optional[float] = None) -> dict[str, Optional[float]]:
        """Per code: the lowest score at which the code's cross-validated precision reaches
        ``target`` (with at least ``MIN_TRUE_POSITIVES`` correct); None where it never does
        or nothing was measured."""
        target = DEFAULT_MIN_PRECISION if target is None else float(target)
        if self._oof is None:
            return {c: None for c in self.ids}
        key = round(target, 4)
        if key not in self._thresholds:
            self._thresholds[key] = {c: precision_threshold(self._oof[:, j], self._oof_y[:, j], target)
                                     for j, c in enumerate(self.ids)}
        return self._thresholds[key]

    # -- on a project ----------------------------------------------------------------------
    def suggest_answers(self, store, coder: str, answer_ids: Optional[Iterable[int]] = None, top: int = 5,
                        min_precision: Optional[float] = None) -> dict[int, list[Suggestion]]:
        """Suggestions for a coder on project answers (all answers with text by default).
        Answers in a reliability round get none; codes the coder already applied or
        rejected are left out. ``min_precision`` defaults to the project setting
        ``suggest_min_precision`` (unset: every ranked suggestion is shown)."""
        if min_precision is None:
            min_precision = store.settings().get(SETTING_MIN_PRECISION) or None
        items = load_items(store, answer_ids)
        blocked = reliability_answers(store, [it.id for it in items])
        items = [it for it in items if it.id not in blocked]
        excl = excluded_codes(store, coder, [it.id for it in items])
        res = self.suggest_items(items, top=top, store=store, min_precision=min_precision,
                                 exclude=[excl.get(it.id, set()) for it in items])
        out = {it.id: s for it, s in zip(items, res)}
        for a in blocked:
            out[a] = []
        return out


# -- measuring ---------------------------------------------------------------------------------

def _prf(tp: int, fp: int, fn: int) -> tuple[Optional[float], Optional[float], Optional[float]]:
    p = tp / (tp + fp) if tp + fp else None
    r = tp / (tp + fn) if tp + fn else None
    f = 2 * p * r / (p + r) if p is not None and r is not None and p + r > 0 else (0.0 if p is not None and r is not None else None)
    return p, r, f


def quality_table(ids: Sequence[str], scores: np.ndarray, Y: np.ndarray,
                  threshold: float = DECISION_THRESHOLD) -> dict[str, CodeQuality]:
    pred = scores >= threshold
    out = {}
    for j, c in enumerate(ids):
        tp = int((pred[:, j] & Y[:, j]).sum()); fp = int((pred[:, j] & ~Y[:, j]).sum())
        fn = int((~pred[:, j] & Y[:, j]).sum())
        p, r, f = _prf(tp, fp, fn)
        out[c] = CodeQuality(c, p, r, f, int(Y[:, j].sum()), int(pred[:, j].sum()))
    return out


def precision_threshold(scores: np.ndarray, y: np.ndarray, target: float,
                        min_tp: int = MIN_TRUE_POSITIVES) -> Optional[float]:
    """The lowest score t such that, among answers scored ≥ t, the share carrying the code is
    at least ``target`` — counting one imagined false positive, so that a handful of lucky
    hits does not pass a code as precise."""
    order = np.argsort(-scores, kind="stable")
    s, yy = scores[order], y[order].astype(int)
    tp = np.cumsum(yy)
    n = np.arange(1, len(s) + 1)
    ok = (tp >= min_tp) & (tp / (n + 1) >= target) & (s > 0)
    # only cut between distinct scores
    distinct = np.r_[s[1:] != s[:-1], True]
    ok &= distinct
    if not ok.any():
        return None
    i = int(np.nonzero(ok)[0].max())
    return float(s[i])


def cross_validate(store, coder: Optional[str] = None, k: int = 5, include_gold: bool = False,
                   suggester: Optional[Suggester] = None) -> dict[str, CodeQuality]:
    """Per-code precision, recall, F1 and support of the suggestions, cross-validated on
    the coder's own coded answers (``k`` folds)."""
    sg = suggester or Suggester.for_store(store)
    sg.fit(store, coder, include_gold=include_gold, calibrate=True, k=k)
    return sg.quality


def precode(store, coder: str, target_precision: Optional[float] = None, *,
            train_coder: Optional[str] = "__same__", include_gold: bool = False,
            suggester: Optional[Suggester] = None, answer_ids: Optional[Iterable[int]] = None
            ) -> dict[int, list[Suggestion]]:
    """Confident suggestions for the answers ``coder`` has not coded: per answer, the codes
    whose score passes the code's threshold for ``target_precision`` (default: the project
    setting ``suggest_min_precision``, else 0.9). Nothing is written: these are
    suggestions until the coder accepts them. Learns from ``train_coder`` (default the
    coder itself) unless a fitted ``suggester`` is given."""
    if target_precision is None:
        target_precision = store.settings().get(SETTING_MIN_PRECISION) or DEFAULT_MIN_PRECISION
    if suggester is None:
        suggester = Suggester.for_store(store)
        suggester.fit(store, coder if train_coder == "__same__" else train_coder, include_gold=include_gold)
    ids = uncoded_answers(store, coder) if answer_ids is None else list(answer_ids)
    res = suggester.suggest_answers(store, coder, ids, top=len(suggester.ids), min_precision=target_precision)
    return {a: s for a, s in res.items() if s}


def uncertainty_queue(store, coder: str, limit: int = 50, suggester: Optional[Suggester] = None,
                      train_coder: Optional[str] = "__same__") -> list[tuple[int, float]]:
    """Uncoded answers (not in a reliability round) ordered by the model's uncertainty,
    most uncertain first: the score of the code closest to 0.5 (1 = a coin toss), ties
    broken by the summed binary entropy. Returns (answer id, uncertainty)."""
    if suggester is None:
        suggester = Suggester.for_store(store)
        suggester.fit(store, coder if train_coder == "__same__" else train_coder, calibrate=False)
    ids = uncoded_answers(store, coder)
    items = load_items(store, ids)
    blocked = reliability_answers(store, [i.id for i in items])
    items = [i for i in items if i.id not in blocked]
    if not items:
        return []
    scores, _mr, _p = suggester.score(items, store=store)
    pc = np.clip(scores, 1e-6, 1 - 1e-6)
    margin = 1.0 - 2.0 * np.abs(pc - 0.5).min(axis=1)
    entropy = -(pc * np.log2(pc) + (1 - pc) * np.log2(1 - pc)).sum(axis=1)
    order = np.lexsort((-entropy, -margin))
    return [(items[i].id, float(margin[i])) for i in order[:limit]]


# -- feedback ----------------------------------------------------------------------------------

def _code_id(s, store, code: str | int) -> int:
    if isinstance(code, int):
        return code
    for c in store.codes(s):
        if c.key == code:
            return c.id
    raise InputError(f"no code {code!r} in the project's codebook")


def _verdict_row(s, answer_id: int, code_id: int, coder_id: int):
    """The coder's stored verdict on a code for an answer, if any."""
    from workbench.coding.models import SuggestionFeedback

    return s.exec(select(SuggestionFeedback).where(SuggestionFeedback.answer_id == answer_id,
                                                   SuggestionFeedback.code_id == code_id,
                                                   SuggestionFeedback.coder_id == coder_id)).first()


def _feedback(store, coder: str, answer_id: int, code: str | int, verdict: str, score: Optional[float]) -> None:
    with store.transaction() as s:
        _feedback_in(s, store, coder, answer_id, code, verdict, score)


def _feedback_in(s, store, coder: str, answer_id: int, code: str | int, verdict: str,
                 score: Optional[float]) -> None:
    from workbench.coding.models import SuggestionFeedback, utcnow

    c = store.coder(s, coder)
    cid = _code_id(s, store, code)
    fb = _verdict_row(s, answer_id, cid, c.id)
    if fb is None:
        fb = SuggestionFeedback(answer_id=answer_id, code_id=cid, coder_id=c.id, verdict=verdict)
    fb.verdict, fb.score, fb.at = verdict, score, utcnow()
    s.add(fb)
    s.flush()
    store.log(s, f"suggestion.{verdict}", "answer", answer_id, coder=coder, code_id=cid, score=score)


def accept(store, coder: str, answer_id: int, code: str | int, score: Optional[float] = None) -> int:
    """Accept a suggestion: apply the code (source ``suggestion``) and record the verdict, in
    one commit, so the coding never exists without the verdict that the learner counts.
    Returns the coding's id."""
    from workbench.coding.codings import apply_code_in

    with store.transaction() as s:
        cid = _code_id(s, store, code)
        coding_id = apply_code_in(s, store, coder, answer_id, cid, source="suggestion")
        _feedback_in(s, store, coder, answer_id, cid, "accepted", score)
    return coding_id


def reject(store, coder: str, answer_id: int, code: str | int, score: Optional[float] = None) -> None:
    """Reject a suggestion: it is not suggested to this coder for this answer again."""
    _feedback(store, coder, answer_id, code, "rejected", score)


def skip(store, coder: str, answer_id: int, code: str | int, score: Optional[float] = None) -> None:
    """Pass over a suggestion without a verdict on it (it may be suggested again)."""
    _feedback(store, coder, answer_id, code, "skipped", score)


def feedback_of(store, coder: str, answer_id: int, code: str | int) -> Optional[tuple[str, Optional[float]]]:
    """The coder's current (verdict, score) on a suggested code for an answer, or None; read
    before a verdict so that undoing it can put the earlier one back."""
    from workbench.coding.models import Coder, SuggestionFeedback

    with store.session() as s:
        cid = _code_id(s, store, code)
        fb = s.exec(select(SuggestionFeedback).join(Coder, Coder.id == SuggestionFeedback.coder_id).where(
            SuggestionFeedback.answer_id == answer_id, SuggestionFeedback.code_id == cid,
            Coder.name == coder)).first()
    return None if fb is None else (fb.verdict, fb.score)


def restore_feedback(store, coder: str, answer_id: int, code: str | int,
                     previous: Optional[tuple[str, Optional[float]]]) -> None:
    """Undo a verdict: put back ``previous`` (from ``feedback_of``) or, when there was none,
    delete the verdict, so an undone reject is suggested again. One transaction, logged."""
    from workbench.coding.models import SuggestionFeedback, utcnow

    with store.transaction() as s:
        c = store.coder(s, coder)
        cid = _code_id(s, store, code)
        fb = _verdict_row(s, answer_id, cid, c.id)
        if previous is None:
            if fb is not None:
                s.delete(fb)
        else:
            if fb is None:
                fb = SuggestionFeedback(answer_id=answer_id, code_id=cid, coder_id=c.id, verdict=previous[0])
            fb.verdict, fb.score, fb.at = previous[0], previous[1], utcnow()
            s.add(fb)
        store.log(s, "suggestion.undo", "answer", answer_id, coder=coder, code_id=cid,
                  restored=None if previous is None else previous[0])


# -- project data ------------------------------------------------------------------------------

def load_items(store, answer_ids: Optional[Iterable[int]] = None) -> list[AnswerItem]:
    """Answers with text as suggestion items (id = answer id), in id order."""
    from workbench.coding.models import Answer, Question

    q = (select(Answer.id, Answer.text, Answer.band, Question.key)
         .join(Question, Question.id == Answer.question_id).where(Answer.text != "").order_by(Answer.id))
    with store.session() as s:
        if answer_ids is None:
            rows = s.exec(q).all()
        else:  # the answers asked for only (one answer per keystroke in the GUI; chunks stay in IN limits)
            wanted = sorted(set(answer_ids))
            rows = [r for chunk in chunks(wanted) for r in s.exec(q.where(Answer.id.in_(chunk)))]
    return [AnswerItem(t, b, qk, a) for a, t, b, qk in rows if t.strip()]


def _coder_ids(s, store, coder: Optional[str], include_gold: bool, missing_ok: bool = False) -> list[int]:
    from workbench.coding.models import Coder

    if coder is None:
        roles = HUMAN_ROLES + ((GOLD_ROLE,) if include_gold else ())
        return list(s.exec(select(Coder.id).where(Coder.role.in_(roles))))
    c = s.exec(select(Coder).where(Coder.name == coder)).first()
    if c is None:
        if missing_ok:  # a coder new to the project: nothing coded yet, nothing to learn from
            return []
        raise InputError(f"no coder named {coder!r} in the project")
    if c.role == GOLD_ROLE and not include_gold:
        raise InputError(f"coder {coder!r} holds the answer key (role gold); it is not training data "
                         "unless asked for explicitly (include_gold)")
    return [c.id]


def training_data(store, coder: Optional[str] = None, include_gold: bool = False,
                  answer_ids: Optional[Iterable[int]] = None,
                  missing_ok: bool = False) -> tuple[list[AnswerItem], list[set[str]]]:
    """The coder's coded answers (``AnswerState.coded``) and the codes applied to each; with
    ``coder=None`` every human coder's, one example per coder and answer. A coder the project
    does not know is an error, unless ``missing_ok`` (a coder who has just started: no data)."""
    from workbench.coding.models import AnswerState, Code, Coding

    with store.session() as s:
        cids = _coder_ids(s, store, coder, include_gold, missing_ok)
        if not cids:
            return [], []
        active = {c.id: c.key for c in store.codes(s, include_retired=False)}
        coded = s.exec(select(AnswerState.answer_id, AnswerState.coder_id).where(
            AnswerState.coder_id.in_(cids), AnswerState.coded == True)).all()  # noqa: E712
        cods = s.exec(select(Coding.answer_id, Coding.coder_id, Coding.code_id).where(Coding.coder_id.in_(cids))).all()
    wanted = None if answer_ids is None else set(answer_ids)
    labels: dict[tuple[int, int], set[str]] = {(a, c): set() for a, c in coded if wanted is None or a in wanted}
    for a, c, code in cods:
        if (a, c) in labels and code in active:
            labels[(a, c)].add(active[code])
    items = {it.id: it for it in load_items(store, {a for a, _c in labels})}
    keys = sorted(k for k in labels if k[0] in items)
    return [items[a] for a, _c in keys], [labels[k] for k in keys]


def uncoded_answers(store, coder: str) -> list[int]:
    """Answers with text that ``coder`` has not marked coded."""
    from workbench.coding.models import Answer, AnswerState, Coder

    with store.session() as s:
        c = s.exec(select(Coder).where(Coder.name == coder)).first()
        done = set() if c is None else set(s.exec(select(AnswerState.answer_id).where(
            AnswerState.coder_id == c.id, AnswerState.coded == True)))  # noqa: E712
        ids = s.exec(select(Answer.id).where(Answer.text != "").order_by(Answer.id)).all()
    return [a for a in ids if a not in done]


def reliability_answers(store, answer_ids: Optional[Sequence[int]] = None) -> set[int]:
    """Answers assigned in a reliability round: no suggestions there."""
    from workbench.coding.models import Assignment, Round

    with store.session() as s:
        rows = set(s.exec(select(Assignment.answer_id).join(Round, Round.id == Assignment.round_id)
                          .where(Round.reliability == True)))  # noqa: E712
    return rows if answer_ids is None else rows & set(answer_ids)


def suggestions_enabled(store, answer_id: int) -> bool:
    return answer_id not in reliability_answers(store, [answer_id])


def excluded_codes(store, coder: str, answer_ids: Sequence[int]) -> dict[int, set[str]]:
    """Per answer: codes the coder already applied or rejected as a suggestion."""
    from workbench.coding.models import Code, Coder, Coding, SuggestionFeedback

    out: dict[int, set[str]] = {}
    with store.session() as s:
        c = s.exec(select(Coder).where(Coder.name == coder)).first()
        if c is None:
            return out
        key = {x.id: x.key for x in store.codes(s)}
        want = set(answer_ids)
        for a, code in s.exec(select(Coding.answer_id, Coding.code_id).where(Coding.coder_id == c.id)):
            if a in want:
                out.setdefault(a, set()).add(key.get(code, ""))
        for a, code in s.exec(select(SuggestionFeedback.answer_id, SuggestionFeedback.code_id).where(
                SuggestionFeedback.coder_id == c.id, SuggestionFeedback.verdict == "rejected")):
            if a in want:
                out.setdefault(a, set()).add(key.get(code, ""))
    return out


# -- command line ------------------------------------------------------------------------------

def read_answers_csv(path: str | Path, extra: Sequence[str] = (), definition: Optional[SurveyDefinition] = None
                     ) -> tuple[list[AnswerItem], list[dict[str, str]]]:
    """The contract's answers CSV (id, question, score, text) as items, each score's band by its
    question's rule in ``definition`` (the built-in survey's by default); bad rows raise an
    InputError naming the file, row and column. ``extra`` columns are returned per row."""
    from workbench.importer.tables import read_table

    defn = definition or builtin()
    table = read_table(path)
    f = table.file
    problems = [Problem(f, "required column is missing", row=1, column=c)
                for c in ("id", "question", "score", "text", *extra) if c not in table.header]
    if problems:
        raise InputError(problems)
    ix = {h: i for i, h in enumerate(table.header)}
    items: list[AnswerItem] = []
    extras: list[dict[str, str]] = []
    seen: dict[str, int] = {}
    for i, row in enumerate(table.rows):
        rn = table.row_number(i)
        rid = row[ix["id"]].strip()
        if not rid:
            problems.append(Problem(f, "id is empty", row=rn, column="id"))
        elif rid in seen:
            problems.append(Problem(f, f"id {rid!r} repeats row {seen[rid]}", row=rn, column="id"))
        seen.setdefault(rid, rn)
        sc = row[ix["score"]].strip()
        qk = row[ix["question"]].strip() or None
        q = defn.question(qk) if qk else None
        band = None
        if sc:
            if q is None or not q.scored:
                known = ", ".join(x.key for x in defn.questions if x.scored)
                what = f"question {qk!r} is not a scored question of {defn.name}" if qk else "the question is empty"
                problems.append(Problem(f, f"{what} (scored: {known}), so score {sc!r} has no band",
                                        row=rn, column="question"))
            else:
                try:
                    band = q.band_of(int(sc))
                except ValueError:
                    problems.append(Problem(f, f"score {sc!r} is not {q.describe_scale()}", row=rn, column="score"))
        items.append(AnswerItem(row[ix["text"]], band, qk, rid))
        extras.append({c: row[ix[c]] for c in extra})
    if problems:
        raise InputError(problems)
    return items, extras


def _suggester_for(codebook: Optional[str | Path], project: Optional[str]) -> tuple[Suggester, Optional[object]]:
    """The codebook's (or the project's) suggester; with a project, fitted on its human codings."""
    if project:
        from workbench.coding.store import Store

        store = Store.open(project)
        if codebook:
            from workbench.coding.surveys import project_definition

            with store.session() as s:
                sg = Suggester(load_codebook(codebook), definition=project_definition(s))
        else:
            sg = Suggester.for_store(store)
        items, labels = training_data(store, None)
        if items:
            sg.fit_items(items, labels, calibrate=False, store=store)
        return sg, store
    return Suggester(load_codebook(codebook or DEFAULT_CODEBOOK)), None


def suggest_csv(input: str | Path, output: str | Path, codebook: Optional[str | Path] = None,
                project: Optional[str] = None, top: int = 5) -> int:
    """`workbench suggest`: one JSON line per input row, in order, with 1..top suggestions,
    best first. Written atomically. Returns the number of answers."""
    from workbench.export.atomic import atomic_write_text

    if top < 1:
        raise InputError("--top must be at least 1")
    sg, store = _suggester_for(codebook, project)
    try:
        items, _ = read_answers_csv(input, definition=sg.definition)
    except BaseException:
        if store is not None:
            store.close()
        raise
    try:
        res = sg.suggest_items(items, top=top, store=store)
    finally:
        if store is not None:
            store.close()
    lines = []
    for it, sug in zip(items, res):
        keep = [s for s in sug if s.score > 0] or sug[:1]
        lines.append(json.dumps({"id": it.id, "suggestions": [s.to_json() for s in keep]}, ensure_ascii=False))
    atomic_write_text(output, "".join(l + "\n" for l in lines))
    return len(items)


def evaluate_items(sg: Suggester, items: Sequence[AnswerItem], gold: Sequence[set[str]], top: int = 3,
                   store=None, threshold: float = DECISION_THRESHOLD) -> dict[str, Any]:
    """Micro/macro precision, recall, F1 at ``threshold`` and hit@1/3/k against gold codes."""
    scores, _mr, _p = sg.score(items, store=store)
    Y = sg._label_matrix(gold)
    pred = scores >= threshold
    tp = int((pred & Y).sum()); fp = int((pred & ~Y).sum()); fn = int((~pred & Y).sum())
    mp, mr, mf = _prf(tp, fp, fn)
    q = quality_table(sg.ids, scores, Y, threshold)
    used = [c for c in sg.ids if q[c].support > 0 or q[c].predicted > 0]  # codes in gold or predicted
    macro = {k: (float(np.mean([getattr(q[c], k) or 0.0 for c in used])) if used else None)
             for k in ("precision", "recall", "f1")}
    order = np.argsort(-scores, axis=1, kind="stable")
    has = Y.any(axis=1)
    hits = {}
    for k in sorted({1, 3, top}):
        topk = order[:, :k]
        hit = np.array([Y[i, topk[i]].any() for i in range(len(items))])
        hits[k] = float(hit[has].mean()) if has.any() else None
    return {"n": len(items), "n_with_gold": int(has.sum()), "threshold": threshold,
            "micro": {"precision": mp, "recall": mr, "f1": mf}, "macro": macro, "hit": hits, "per_code": q}


def format_evaluation(ev: dict[str, Any]) -> str:
    def f(x):
        return "–" if x is None else f"{x:.3f}"

    lines = [f"answers: {ev['n']} ({ev['n_with_gold']} with gold codes); decision threshold {ev['threshold']}",
             "            precision  recall  F1",
             f"micro       {f(ev['micro']['precision']):>9}  {f(ev['micro']['recall']):>6}  {f(ev['micro']['f1'])}",
             f"macro       {f(ev['macro']['precision']):>9}  {f(ev['macro']['recall']):>6}  {f(ev['macro']['f1'])}"]
    lines += [f"hit@{k}: {f(v)}" for k, v in ev["hit"].items()]
    return "\n".join(lines)


def evaluate_csv(gold: str | Path, codebook: Optional[str | Path] = None, project: Optional[str] = None,
                 top: int = 3) -> str:
    """`workbench evaluate`: the suggestions for a gold CSV (id, question, score, text, gold
    with space-separated code ids) measured against its gold codes."""
    if top < 1:
        raise InputError("--top must be at least 1")
    sg, store = _suggester_for(codebook, project)
    try:
        items, extras = read_answers_csv(gold, extra=("gold",), definition=sg.definition)
        known = set(sg.ids)
        problems = []
        golds = []
        for i, ex in enumerate(extras):
            codes = set(ex["gold"].split())
            bad = sorted(codes - known)
            if bad:
                problems.append(Problem(str(gold), f"unknown code(s) {', '.join(bad)}", row=i + 2, column="gold"))
            golds.append(codes)
        if problems:
            raise InputError(problems)
        return format_evaluation(evaluate_items(sg, items, golds, top=top, store=store))
    finally:
        if store is not None:
            store.close()


__all__ = ["Suggester", "Suggestion", "AnswerItem", "CodeQuality", "FitReport", "cross_validate", "precode",
           "uncertainty_queue", "accept", "reject", "skip", "feedback_of", "restore_feedback", "suggest_csv", "evaluate_csv", "evaluate_items",
           "training_data", "load_items", "reliability_answers", "suggestions_enabled", "precision_threshold",
           "DECISION_THRESHOLD", "SETTING_MIN_PRECISION", "DEFAULT_MIN_PRECISION"]
