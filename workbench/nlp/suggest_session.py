"""Suggestions for one coder at work on one project: the state behind the coding window's
suggestion panel, free of Qt so it can be tested (and reused) without a screen.

The window asks from worker threads, so this object is what makes that safe:

- ``prepare`` builds the codebook matcher (seconds: the Danish pipeline and the keyword
  patterns), cached per codebook so re-opening a project is instant;
- ``suggest`` ranks codes for one answer under a lock (the matcher and the pipeline are
  shared);
- ``refit`` trains a *new* ``Suggester`` that shares the matcher and swaps it in when done,
  so suggestions keep flowing from the old model meanwhile;
- ``refit_due`` is the policy: refit (without cross-validation) every ``refit_every`` new
  coded answers, with the full calibration every ``calibrate_every`` refits.
"""
from __future__ import annotations

import dataclasses
import json
import threading
from dataclasses import dataclass, field
from typing import Optional

from workbench.nlp import suggest as core
from workbench.nlp.suggest import Suggester, Suggestion

REFIT_EVERY = 25        # new coded answers between refits (no cross-validation: fast)
CALIBRATE_EVERY = 4     # every 4th refit also cross-validates (thresholds, quality)
MIN_SHOWN_SCORE = 0.05  # below this a suggestion is noise on screen
DEFAULT_TOP = 5

_matchers: dict[str, object] = {}
_matchers_lock = threading.Lock()


def _codebook_key(spec) -> str:
    return json.dumps(dataclasses.asdict(spec), sort_keys=True, default=str, ensure_ascii=False)


@dataclass
class AnswerSuggestions:
    """What the panel shows for one answer. ``enabled`` is False in a reliability round."""

    answer_id: int
    enabled: bool = True
    items: list[Suggestion] = field(default_factory=list)

    @property
    def confident(self) -> list[Suggestion]:
        return [s for s in self.items if s.confident]


class SuggestionSession:
    """One coder's suggestions on one open project (see the module docstring)."""

    def __init__(self, store, coder: str, top: int = DEFAULT_TOP, refit_every: int = REFIT_EVERY,
                 calibrate_every: int = CALIBRATE_EVERY):
        self.store, self.coder, self.top = store, coder, top
        self.refit_every, self.calibrate_every = refit_every, calibrate_every
        self.suggester: Optional[Suggester] = None
        self.trained_on = 0          # answers the current model learned from (0: codebook only)
        self.calibrated = False
        self.fitted_at_coded: Optional[int] = None  # coded-answer count when the last fit started
        self.refits = 0
        self._lock = threading.RLock()

    # -- building -------------------------------------------------------------------------
    def prepare(self) -> "SuggestionSession":
        """Build the cold-start suggester (codebook matcher), reusing one built for the same
        codebook earlier in this process."""
        sg = Suggester.for_store(self.store)
        key = _codebook_key(sg.codebook)
        with _matchers_lock:
            m = _matchers.get(key)
            if m is None:
                m = sg.matcher
                _matchers.clear()  # one codebook at a time is plenty
                _matchers[key] = m
        sg._matcher = m
        with self._lock:
            if self.suggester is None:
                self.suggester = sg
        return self

    @property
    def ready(self) -> bool:
        return self.suggester is not None

    @property
    def source(self) -> str:
        """``model`` once learned from codings, else ``codebook``."""
        return "model" if self.suggester is not None and self.suggester.is_trained else "codebook"

    # -- suggesting -------------------------------------------------------------------------
    def suggest(self, answer_id: int, top: Optional[int] = None) -> AnswerSuggestions:
        """Ranked suggestions for one answer (codes applied or rejected by the coder left out;
        none in a reliability round). Honours the project's ``suggest_min_precision``."""
        if self.suggester is None:
            self.prepare()
        if not core.suggestions_enabled(self.store, answer_id):
            return AnswerSuggestions(answer_id, enabled=False)
        with self._lock:
            sg = self.suggester
            res = sg.suggest_answers(self.store, self.coder, [answer_id], top=top or self.top)
        items = [s for s in res.get(answer_id, []) if s.score >= MIN_SHOWN_SCORE]
        return AnswerSuggestions(answer_id, True, items)

    def uncertainty_queue(self, limit: int = 500) -> list[int]:
        """Uncoded answers, most uncertain first (the current model; no refit)."""
        if self.suggester is None:
            self.prepare()
        with self._lock:
            sg = self.suggester
            return [a for a, _u in core.uncertainty_queue(self.store, self.coder, limit, suggester=sg)]

    # -- learning ---------------------------------------------------------------------------
    def refit_due(self, coded: int) -> Optional[bool]:
        """None if no refit is due at ``coded`` coded answers; else whether to calibrate."""
        if self.fitted_at_coded is None:
            return True
        if coded - self.fitted_at_coded >= self.refit_every:
            return (self.refits + 1) % self.calibrate_every == 0
        return None

    def refit(self, calibrate: bool, coded: Optional[int] = None) -> core.FitReport:
        """Learn from the coder's codings into a new suggester and swap it in. Texts are
        parsed under the lock first; the (long) fitting itself runs beside suggestions."""
        if self.suggester is None:
            self.prepare()
        if coded is not None:
            self.fitted_at_coded = coded
        old = self.suggester
        new = Suggester(old.codebook, nlp=old.nlp, config=old.config, blend_k=old.blend_k, definition=old.definition)
        new._matcher = old.matcher
        items, labels = core.training_data(self.store, self.coder, missing_ok=True)  # a new coder: cold start
        with self._lock:
            new._match_cache = dict(old._match_cache)
            if items:
                new.features(items, self.store)  # parse once, under the lock (pipeline shared)
        rep = new.fit_items(items, labels, calibrate=calibrate, store=self.store)
        rep.coder = self.coder
        with self._lock:
            self.suggester = new
            self.trained_on = len(items) if new.is_trained else 0
            self.calibrated = calibrate and bool(new.quality)
            self.refits += 1
        return rep


def pipeline_label() -> str:
    """The Danish pipeline in use, e.g. ``da_workbench 1.0 (bundled)``; '' before it loads."""
    try:
        from workbench.nlp import pipeline as p

        if p._last is None:
            return ""
        info = p.pipeline_info()
        return f"{info.get('name', '')} {info.get('version', '')} ({info.get('source', '')})".replace("  ", " ")
    except Exception:  # noqa: BLE001 - the label is informational
        return ""


__all__ = ["SuggestionSession", "AnswerSuggestions", "pipeline_label", "REFIT_EVERY", "CALIBRATE_EVERY",
           "MIN_SHOWN_SCORE"]
