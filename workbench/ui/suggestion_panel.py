"""Code suggestions in the coding window: a compact panel under the current answer with its
top suggested codes (colour, label, confidence bar, the words that triggered each, a mark
for confident ones), keys to accept (Ctrl+1..5) or reject (Alt+1..5 or Ctrl+Shift+1..5) them as
undoable commands, "accept all confident", a "most uncertain first" queue and the minimum
precision setting.

All model work runs in workers (``workers.py``): building the matcher when a project
opens, suggestions for each answer, refitting as coding goes on (``SuggestionSession``
decides when), the uncertainty queue. The window never waits for the model.
"""
from __future__ import annotations

from typing import Optional

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand
from PySide6.QtWidgets import (QDoubleSpinBox, QDialog, QDialogButtonBox, QFormLayout, QFrame, QGridLayout, QHBoxLayout,
                               QLabel, QProgressBar, QScrollArea, QSizePolicy, QSplitter, QToolButton, QVBoxLayout, QWidget)

from workbench.coding import codings as coding_core
from workbench.nlp import suggest as core
from workbench.nlp.suggest_session import AnswerSuggestions, SuggestionSession, pipeline_label
from workbench.ui import undo
from workbench.ui.i18n import Texts, number, tr, trf
from workbench.ui.workers import start_worker

MAX_SHOWN = 5


# ============================================================ undoable commands
class AcceptSuggestion(undo._Command):
    """Accept a suggested code (a coding with source ``suggestion`` + the verdict); undo
    removes the coding and puts the earlier verdict back."""

    def __init__(self, ctx, answer_id: int, code_id: int, score: float, label: str = "",
                 parent: Optional[QUndoCommand] = None):
        super().__init__(ctx, answer_id, trf("accept suggestion {0}", label), parent)
        self.code_id, self.score = code_id, score
        self.was_coded = self._state()[0]
        self.previous = None
        self.coding_id: Optional[int] = None

    def apply(self) -> None:
        self.previous = core.feedback_of(self.ctx.store, self.ctx.coder, self.answer_id, self.code_id)
        self.coding_id = core.accept(self.ctx.store, self.ctx.coder, self.answer_id, self.code_id, self.score)

    def unapply(self) -> None:
        if self.coding_id is not None:
            coding_core.remove_coding(self.ctx.store, self.coding_id, keep_coded=self.was_coded)
        core.restore_feedback(self.ctx.store, self.ctx.coder, self.answer_id, self.code_id, self.previous)
        if not self.was_coded:
            coding_core.set_coded(self.ctx.store, self.ctx.coder, self.answer_id, False)

    def do(self) -> None:
        self.apply()
        self._changed()

    def revert(self) -> None:
        self.unapply()
        self._changed()


class RejectSuggestion(undo._Command):
    """Reject a suggested code: stored, so it is not suggested for this answer again."""

    def __init__(self, ctx, answer_id: int, code_id: int, score: float, label: str = ""):
        super().__init__(ctx, answer_id, trf("reject suggestion {0}", label))
        self.code_id, self.score = code_id, score
        self.previous = None

    def do(self) -> None:
        self.previous = core.feedback_of(self.ctx.store, self.ctx.coder, self.answer_id, self.code_id)
        core.reject(self.ctx.store, self.ctx.coder, self.answer_id, self.code_id, self.score)
        self._changed()

    def revert(self) -> None:
        core.restore_feedback(self.ctx.store, self.ctx.coder, self.answer_id, self.code_id, self.previous)
        self._changed()


class AcceptConfident(undo._Command):
    """Accept every confident suggestion of an answer at once (one undo step)."""

    def __init__(self, ctx, answer_id: int, items: list[tuple[int, float, str]]):
        super().__init__(ctx, answer_id, trf("accept {0} confident suggestions", len(items)))
        self.parts = [AcceptSuggestion(ctx, answer_id, cid, sc, lab) for cid, sc, lab in items]

    def do(self) -> None:
        done = []
        try:
            for p in self.parts:
                p.apply()
                done.append(p)
        except Exception:
            for p in reversed(done):  # all or nothing, as one action
                p.unapply()
            raise
        finally:
            self._changed()

    def revert(self) -> None:
        for p in reversed(self.parts):
            p.unapply()
        self._changed()


# ============================================================ the panel
class SuggestionPanel(QWidget):
    """Shows ``AnswerSuggestions``; emits the row the coder clicked to accept or reject."""

    accept_requested = Signal(int)
    reject_requested = Signal(int)
    accept_confident_requested = Signal()
    language_changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("suggestionPanel")
        self.codes: dict[str, object] = {}   # code key -> Code row
        self.current: Optional[AnswerSuggestions] = None
        self.texts = Texts()
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: bold;")
        self.source = QLabel()
        self.source.setStyleSheet("color: #666;")
        self.source.setMinimumWidth(0)
        self.source.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # gives way first
        self.btn_confident = QToolButton()
        self.btn_confident.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.btn_confident.clicked.connect(self.accept_confident_requested.emit)
        self.texts.bind(self.title.setText, "Suggestions")
        self.texts.bind(self.btn_confident.setText, "Accept all confident")
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(self.title)
        head.addWidget(self.source, 1)
        head.addWidget(self.btn_confident)
        self.note = QLabel()
        self.note.setObjectName("suggestionNote")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #666; font-style: italic;")
        self.rows_box = QWidget()
        self.grid = QGridLayout(self.rows_box)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(6)
        self.grid.setVerticalSpacing(2)
        self.grid.setColumnStretch(2, 1)
        self.row_widgets: list[dict] = []
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 4, 8, 4)
        lay.setSpacing(4)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        lay.addWidget(line)
        lay.addLayout(head)
        lay.addWidget(self.rows_box)
        lay.addWidget(self.note)
        lay.addStretch(1)
        self.show_loading()

    def set_codes(self, codes) -> None:
        self.codes = {c.key: c for c in codes}

    # -- states ----------------------------------------------------------------------------
    def _clear_rows(self) -> None:
        while self.grid.count():
            it = self.grid.takeAt(0)
            if it.widget():
                it.widget().deleteLater()
        self.row_widgets = []

    def _message(self, text: str) -> None:
        self.current = None
        self._clear_rows()
        self.rows_box.setVisible(False)
        self.btn_confident.setVisible(False)
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def show_loading(self) -> None:
        self._message(tr("Loading suggestions…"))

    def show_none(self) -> None:
        self._message("")

    def show_suggestions(self, res: AnswerSuggestions, min_precision: Optional[float] = None) -> None:
        if not res.enabled:
            self._message(tr("No suggestions: this answer is in a reliability round, where suggestions would bias the agreement between coders."))  # noqa: E501
            return
        items = res.items[:MAX_SHOWN]
        if not items:
            self._message(trf("No suggestion reaches the minimum precision ({0} %).", round(100 * min_precision))
                          if min_precision else tr("No suggestions for this answer."))
            return
        self.current = AnswerSuggestions(res.answer_id, True, list(items))
        self._clear_rows()
        for n, s in enumerate(items):
            self._add_row(n, s)
        self.rows_box.setVisible(True)
        conf = [s for s in items if s.confident]
        self.btn_confident.setVisible(bool(conf))
        self.btn_confident.setToolTip(trf("Accept the {0} confident suggestions (Ctrl+Shift+A)", len(conf)))
        self.note.setText(tr("Ctrl+1…5 accepts, Alt+1…5 rejects"))
        self.note.setVisible(True)

    def _add_row(self, n: int, s) -> None:
        c = self.codes.get(s.code)
        label = c.label if c is not None else s.code
        colour = (c.colour if c is not None else None) or "#808080"
        key = QLabel(f"<b>{n + 1}</b>")
        key.setToolTip(trf("Ctrl+{0} accepts, Alt+{0} rejects", n + 1))
        swatch = QLabel()
        swatch.setFixedSize(12, 12)
        swatch.setStyleSheet(f"background: {colour}; border: 1px solid #555; border-radius: 2px;")
        mark = "◆ " if s.confident else ""  # ★ is for quotes
        name = QLabel(f"{mark}{label}")
        name.setObjectName("suggestionLabel")
        # a long name or trigger words wrap: the panel is never wider than the scroll area
        # shows it (its horizontal scroll bar is off), which would cut the buttons off on the right
        name.setWordWrap(True)
        if s.confident:
            name.setStyleSheet("font-weight: bold;")
        name.setToolTip(self._tooltip(s, label))
        bar = QProgressBar()
        bar.setRange(0, 100)
        bar.setValue(int(round(100 * s.score)))
        bar.setFormat("%p %")
        bar.setTextVisible(True)
        bar.setFixedWidth(86)
        bar.setFixedHeight(14)
        bar.setStyleSheet("QProgressBar { border: 1px solid #bbb; border-radius: 3px; background: #f3f3f3;"
                          " font-size: 8pt; text-align: center; }"
                          f" QProgressBar::chunk {{ background: {'#4caf50' if s.confident else '#9ecae1'}; }}")
        ok = QToolButton()
        ok.setText("✓")
        ok.setToolTip(trf("Accept (Ctrl+{0})", n + 1))
        no = QToolButton()
        no.setText("✕")
        no.setToolTip(trf("Reject (Alt+{0})", n + 1))
        for b in (ok, no):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keyboard stays with the grid
            b.setAutoRaise(True)
        ok.clicked.connect(lambda _=False, i=n: self.accept_requested.emit(i))
        no.clicked.connect(lambda _=False, i=n: self.reject_requested.emit(i))
        why = QLabel(("“" + "”, “".join(s.why[:4]) + "”") if s.why else
                     (tr("learned from your codings") if s.source == "model" else tr("resembles the codebook's examples")))
        why.setObjectName("suggestionWhy")
        why.setWordWrap(True)
        why.setStyleSheet("color: #666; font-size: 9pt;")
        r = 2 * n
        self.grid.addWidget(key, r, 0)
        self.grid.addWidget(swatch, r, 1)
        self.grid.addWidget(name, r, 2)
        self.grid.addWidget(bar, r, 3)
        self.grid.addWidget(ok, r, 4)
        self.grid.addWidget(no, r, 5)
        self.grid.addWidget(why, r + 1, 2, 1, 4)
        self.row_widgets.append(dict(label=name, bar=bar, why=why, accept=ok, reject=no, code=s.code))

    def _tooltip(self, s, label: str) -> str:
        src = {"codebook": tr("the codebook's keywords"), "model": tr("learned from your codings"),
               "both": tr("codebook and learned model")}.get(s.source, s.source)
        lines = [f"{label}: {round(100 * s.score)} %", trf("Source: {0}", src)]
        if s.confident:
            lines.append(tr("◆ Confident: passes the code's measured precision threshold"))
        if s.example:
            lines.append(trf("Resembles: {0}", s.example))
        return "\n".join(lines)

    def shown_codes(self) -> list[str]:
        return [s.code for s in self.current.items] if self.current else []

    def retranslate(self) -> None:
        self.texts.apply()

    def changeEvent(self, e) -> None:
        if e.type() == QEvent.Type.LanguageChange:
            self.language_changed.emit()
        super().changeEvent(e)


class MinPrecisionDialog(QDialog):
    """The project's minimum measured precision for suggestions (0 = show every ranked one)."""

    def __init__(self, value: Optional[float], parent=None):
        super().__init__(parent)
        self.setWindowTitle(tr("Minimum precision of suggestions"))
        self.spin = QDoubleSpinBox()
        self.spin.setRange(0, 99)
        self.spin.setDecimals(0)
        self.spin.setSuffix(" %")
        self.spin.setSpecialValueText(tr("off (show all)"))
        self.spin.setValue(round(100 * value) if value else 0)
        info = QLabel(tr("Show only suggestions whose code reaches this precision in the cross-validation on your own codings. Off shows every ranked suggestion."))  # noqa: E501
        info.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(info)
        form.addRow(tr("Minimum precision"), self.spin)
        bb = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        bb.accepted.connect(self.accept)
        bb.rejected.connect(self.reject)
        form.addRow(bb)

    def value(self) -> Optional[float]:
        v = self.spin.value()
        return round(v / 100, 2) if v > 0 else None


# ============================================================ the controller
class SuggestionController(QObject):
    """Wires the panel, the actions and the background work into the main window."""

    shown = Signal(int)     # suggestions for this answer id are on screen
    settled = Signal()      # nothing is being computed and the current answer is shown

    def __init__(self, win):
        super().__init__(win)
        self.win = win
        self.session: Optional[SuggestionSession] = None
        self.texts = Texts()
        self.panel = SuggestionPanel()
        self.queue_mode = False
        self.queue_rank: dict[int, int] = {}
        self._busy = {"prepare": False, "suggest": False, "fit": False}
        self._want: Optional[int] = None          # answer id waiting for suggestions
        self._shown_for: Optional[int] = None
        self._results: dict[int, AnswerSuggestions] = {}
        self._ranks: Optional[np.ndarray] = None
        self._ranks_key: Optional[tuple] = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(40)               # holding N down does not queue work per row
        self._timer.timeout.connect(self._request_current)
        self._install_panel()
        self._build_actions()
        self.status = QLabel()
        self.status.setObjectName("suggestionStatus")
        self.status.setContentsMargins(8, 0, 8, 0)
        win.statusBar().addPermanentWidget(self.status)
        win.project_loaded.connect(self._project_loaded)
        win.table.selectionModel().currentRowChanged.connect(lambda *_a: self.schedule())
        win.model.modelReset.connect(lambda: self.schedule())  # a filter that leaves no answer: no suggestions
        win.undo_stack.indexChanged.connect(self._after_change)
        win.model.reorder = self._queue_order
        self.panel.accept_requested.connect(self.accept)
        self.panel.reject_requested.connect(self.reject)
        self.panel.accept_confident_requested.connect(self.accept_confident)
        self.panel.language_changed.connect(self.retranslate)
        self._update_status()

    # -- construction ------------------------------------------------------------------------
    def _install_panel(self) -> None:
        """Put the panel under the answer pane, in a splitter of its own, so the window's
        saved layout (two panes on the right) still applies."""
        win = self.win
        pane = getattr(win, "pane_scroll", win.pane)  # the answer pane (in its scroll area)
        idx = win.right.indexOf(pane)
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.setObjectName("suggestSplitter")
        self.split.setChildrenCollapsible(False)
        win.right.replaceWidget(idx, self.split)
        self.split.addWidget(pane)
        self.scroll = QScrollArea()  # on a low window the suggestions scroll; the answer keeps its room
        self.scroll.setObjectName("suggestionScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(self.panel)
        self.scroll.setMinimumHeight(60)
        self.split.addWidget(self.scroll)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        v = win.settings.value("window/split_suggest")
        if not (v and self.split.restoreState(v)):
            self.split.setSizes([300, 200])
        if not win.settings.value("window/split_right"):
            win.right.setSizes([520, 330])  # answer + suggestions need more room than the codebook

    def _act(self, source: str, slot, shortcuts=(), *args) -> QAction:
        a = QAction(self.win)
        self.texts.bind(a.setText, source, *args)
        if shortcuts:
            a.setShortcuts([QKeySequence(s) for s in shortcuts])
        guard = getattr(self.win, "_key", None)
        a.triggered.connect((lambda _c=False, f=slot: guard(f)) if guard else (lambda _c=False, f=slot: f()))
        self.win.addAction(a)
        return a

    def _build_actions(self) -> None:
        win = self.win
        self.act_accept = [self._act("Accept suggestion {0}", lambda i=i: self.accept(i), [f"Ctrl+{i + 1}"], i + 1)
                           for i in range(MAX_SHOWN)]
        # Alt+N too: Ctrl+Shift+digit arrives as Ctrl+! (or Ctrl+") on many layouts and platforms
        self.act_reject = [self._act("Reject suggestion {0}", lambda i=i: self.reject(i),
                                     [f"Ctrl+Shift+{i + 1}", f"Alt+{i + 1}"],
                                     i + 1) for i in range(MAX_SHOWN)]
        self.act_confident = self._act("Accept all confident suggestions", self.accept_confident, ["Ctrl+Shift+A"])
        self.act_precision = QAction(win)
        self.texts.bind(self.act_precision.setText, "Minimum precision of suggestions…")
        self.act_precision.triggered.connect(self.edit_min_precision)
        self.act_queue = QAction(win, checkable=True)
        self.texts.bind(self.act_queue.setText, "Most uncertain first")
        self.act_queue.triggered.connect(self.set_queue_mode)
        self.m_suggest = win.m_coding.addMenu("")
        self.texts.bind(self.m_suggest.setTitle, "Suggestions")
        for a in self.act_accept:
            self.m_suggest.addAction(a)
        self.m_suggest.addSeparator()
        for a in self.act_reject:
            self.m_suggest.addAction(a)
        self.m_suggest.addSeparator()
        self.m_suggest.addAction(self.act_confident)
        self.m_suggest.addAction(self.act_precision)
        win.m_view.addSeparator()
        win.m_view.addAction(self.act_queue)

    def retranslate(self) -> None:
        self.texts.apply()
        self.panel.retranslate()
        self._update_status()
        self._show_current()

    # -- project ------------------------------------------------------------------------------
    def _project_loaded(self, ok: bool) -> None:
        win = self.win
        if not ok or win.store is None:
            return
        self.panel.set_codes(win.codes)
        if self.session is not None and self.session.store is win.store and self.session.coder == win.coder:
            self.schedule()
            return
        self.session = SuggestionSession(win.store, win.coder)
        self._results.clear()
        self._shown_for = None
        self.queue_mode = False
        self.act_queue.setChecked(False)
        self.queue_rank = {}
        self.panel.show_loading()
        self._start("prepare", self.session.prepare, self._prepared)
        self._update_status()

    def _alive(self, session) -> bool:
        """Is a finished job's session still the window's (not closed, not switched)?"""
        import shiboken6

        if not (shiboken6.isValid(self) and shiboken6.isValid(self.win) and shiboken6.isValid(self.win.table)):
            return False
        return session is self.session and self.win.store is session.store

    def _start(self, kind: str, fn, on_done, *args, **kw) -> None:
        session = self.session
        self._busy[kind] = True

        def done(res) -> None:
            self._busy[kind] = False
            if self._alive(session):
                on_done(res)
                self._maybe_settled()

        def failed(e) -> None:
            self._busy[kind] = False
            if self._alive(session):
                self.win.last_error = e
                self.win.statusBar().showMessage(trf("Suggestions failed: {0}", e), 8000)
                if kind == "suggest":
                    self.panel._message(trf("Suggestions failed: {0}", e))
                self._maybe_settled()

        def cancelled() -> None:
            self._busy[kind] = False
            if self._alive(session):
                self._maybe_settled()
        start_worker(fn, *args, on_done=done, on_error=failed, on_cancel=cancelled, **kw)

    def _prepared(self, _session) -> None:
        self._update_status()
        self.schedule(now=True)
        self._maybe_refit()

    # -- suggestions for the current answer ---------------------------------------------------
    def schedule(self, now: bool = False) -> None:
        if now:
            self._timer.stop()
            self._request_current()
        else:
            self._timer.start()

    def _current_id(self) -> Optional[int]:
        row = self.win.current_row() if self.win.grid is not None else None
        return row.answer_id if row is not None else None

    def _request_current(self) -> None:
        aid = self._current_id()
        if aid is None or self.session is None:
            self.panel.show_none()
            self._shown_for = None
            return
        if aid in self._results:
            self._show_current()
        elif self._shown_for != aid:
            self.panel.show_loading()
        if not self.session.ready or self._busy["prepare"]:
            return
        self._want = aid
        if not self._busy["suggest"]:
            self._run_suggest()

    def _run_suggest(self) -> None:
        aid, self._want = self._want, None
        if aid is None:
            return
        self._start("suggest", self.session.suggest, self._got, aid)

    def _got(self, res: AnswerSuggestions) -> None:
        self._results[res.answer_id] = res
        if len(self._results) > 200:
            self._results = {res.answer_id: res}
        if self._want is not None and self._want != res.answer_id:
            self._run_suggest()
        elif self._want == res.answer_id:
            self._want = None
        self._show_current()

    def _show_current(self) -> None:
        aid = self._current_id()
        res = self._results.get(aid) if aid is not None else None
        if res is None:
            return
        mp = self.win.store.settings().get(core.SETTING_MIN_PRECISION) if self.win.store is not None else None
        self.panel.show_suggestions(res, mp)
        self._shown_for = aid
        self.shown.emit(aid)

    def idle(self) -> bool:
        """True when nothing is computing and the current answer's suggestions are shown."""
        aid = self._current_id()
        return (not any(self._busy.values()) and self._want is None and not self._timer.isActive()
                and (aid is None or self._shown_for == aid))

    def _maybe_settled(self) -> None:
        if self._want is not None and not self._busy["suggest"] and self.session is not None and self.session.ready:
            self._run_suggest()
        if self.idle():
            self.settled.emit()

    def _after_change(self, *_a) -> None:
        """After any coding action (or its undo): the current answer's suggestions change
        (applied and rejected codes drop out), and enough new codings mean a refit."""
        self._results.clear()
        self.schedule()
        self._maybe_refit()

    # -- learning --------------------------------------------------------------------------------
    def _coded(self) -> int:
        g = self.win.grid
        return int(np.asarray(g.coded).sum()) if g is not None else 0

    def _maybe_refit(self) -> None:
        s = self.session
        if s is None or not s.ready or self._busy["fit"] or self._busy["prepare"]:
            return
        coded = self._coded()
        calibrate = s.refit_due(coded)
        if calibrate is None:
            return
        self._start("fit", s.refit, self._refitted, calibrate, coded)
        self._update_status()

    def _refitted(self, _rep) -> None:
        self._results.clear()
        self._update_status()
        self.schedule(now=True)

    def _update_status(self) -> None:
        s = self.session
        if s is None:
            self.status.setText("")
            return
        if not s.ready:
            text = tr("Suggestions: loading…")
        elif s.source == "model":
            text = trf("Suggestions: learned from {0} answers", number(s.trained_on))
        else:
            text = tr("Suggestions: codebook")
        if self._busy["fit"] and s.ready:
            text += " · " + tr("learning…")
        self.status.setText(text)
        pipe = pipeline_label()
        self.status.setToolTip(trf("Danish NLP pipeline: {0}", pipe) if pipe else "")

    # -- actions ------------------------------------------------------------------------------------
    def _suggestion(self, n: int):
        aid = self._current_id()
        cur = self.panel.current
        if aid is None or cur is None or cur.answer_id != aid or not (0 <= n < len(cur.items)):
            return None, None
        return aid, cur.items[n]

    def _code_id(self, key: str) -> Optional[int]:
        c = self.panel.codes.get(key)
        return c.id if c is not None else None

    def _label(self, key: str) -> str:
        c = self.panel.codes.get(key)
        return c.label if c is not None else key

    def accept(self, n: int) -> None:
        aid, s = self._suggestion(n)
        if s is None or self._code_id(s.code) is None:
            return
        self.win._push(AcceptSuggestion(self.win, aid, self._code_id(s.code), s.score, self._label(s.code)))

    def reject(self, n: int) -> None:
        aid, s = self._suggestion(n)
        if s is None or self._code_id(s.code) is None:
            return
        if self.win._push(RejectSuggestion(self.win, aid, self._code_id(s.code), s.score, self._label(s.code))):
            self.win.statusBar().showMessage(trf("Rejected: {0}", self._label(s.code)), 3000)

    def accept_confident(self) -> None:
        aid = self._current_id()
        cur = self.panel.current
        if aid is None or cur is None or cur.answer_id != aid:
            return
        items = [(self._code_id(s.code), s.score, self._label(s.code)) for s in cur.confident
                 if self._code_id(s.code) is not None]
        if items:
            self.win._push(AcceptConfident(self.win, aid, items))
        else:
            self.win.statusBar().showMessage(tr("No confident suggestions for this answer"), 3000)

    def edit_min_precision(self) -> None:
        if self.win.store is None:
            return
        dlg = MinPrecisionDialog(self.win.store.settings().get(core.SETTING_MIN_PRECISION), self.win)
        dlg.accepted.connect(lambda: self.set_min_precision(dlg.value()))
        self._dialog = dlg
        dlg.open()

    def set_min_precision(self, value: Optional[float]) -> None:
        """Store the project setting (one transaction) and show the current answer anew."""
        try:
            self.win.store.update_settings(**{core.SETTING_MIN_PRECISION: value})
        except Exception as e:  # noqa: BLE001
            self.win.action_failed(e)
            return
        self.win._saved()
        self._results.clear()
        self.schedule(now=True)
        s = self.session
        if value and s is not None and s.ready and not s.calibrated and not self._busy["fit"]:
            self._start("fit", s.refit, self._refitted, True, self._coded())  # thresholds need calibration
            self._update_status()

    # -- queue mode -------------------------------------------------------------------------------
    def set_queue_mode(self, on: bool) -> None:
        """Order the answers most uncertain first (uncoded ones; the rest follow as before)."""
        if self.win.grid is None or self.session is None or not self.session.ready:
            self.act_queue.setChecked(False)
            if on:
                self.win.statusBar().showMessage(tr("Suggestions are still loading"), 3000)
            return
        if not on:
            self.queue_mode, self.queue_rank = False, {}
            self.win.model.set_filter(self.win.model.filter)  # back to the normal order
            return

        def done(ids: list[int]) -> None:
            self.queue_mode = True
            self.queue_rank = {a: i for i, a in enumerate(ids)}
            self.win.model.set_filter(self.win.model.filter)  # the same rows, queue first
            self.win.select_position(0)
            self.win.statusBar().showMessage(trf("{0} uncertain answers first", number(len(ids))), 5000)

        def failed(e) -> None:
            self.act_queue.setChecked(False)
            self.win.action_failed(e)
        start_worker(self.session.uncertainty_queue, parent=self.win, label=tr("Ordering by uncertainty…"),
                     on_done=done, on_error=failed, on_cancel=lambda: self.act_queue.setChecked(False))

    def _queue_order(self, visible: np.ndarray) -> np.ndarray:
        """The model's last step after every filter or sort: in queue mode the queue's
        answers first, in its order (stable, so the rest keep theirs)."""
        g = self.win.model.grid
        if not self.queue_mode or g is None or not len(visible):
            return visible
        order = np.argsort(self._queue_ranks(g)[visible], kind="stable")
        return visible[order]

    def _queue_ranks(self, g) -> np.ndarray:
        """Each grid row's place in the queue (after the queue: one more than its length),
        built once per queue and grid rather than per answer on every filter."""
        key = (g.answer_ids, self.queue_rank)
        if self._ranks_key is None or any(a is not b for a, b in zip(self._ranks_key, key)):
            ranks = np.full(len(g), len(self.queue_rank) + 1, dtype=np.int64)
            for aid, r in self.queue_rank.items():
                i = g.row_of.get(aid)
                if i is not None:
                    ranks[i] = r
            self._ranks, self._ranks_key = ranks, key
        return self._ranks


def attach(win) -> SuggestionController:
    """Add suggestions to a main window (called once from its constructor)."""
    return SuggestionController(win)
