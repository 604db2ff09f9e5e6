"""The supervisor's reconciliation view: every double-coded answer, disagreements first,
each coder's codes side by side, and one key per verdict.

The view is a thin screen over ``workbench.coding.reconcile``: loading (and the automatic
merge of agreed answers) runs in a worker, every verdict is one ``decide`` call (one
committed transaction, audited), and a ``ConflictError`` from a second supervisor is shown
and the answer re-read instead of being overwritten.
"""
from __future__ import annotations

import html
from datetime import timezone
from typing import Optional

from PySide6.QtCore import QAbstractTableModel, QEvent, QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QComboBox, QDialog, QDialogButtonBox, QGroupBox,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QListWidget, QListWidgetItem, QMessageBox,
                               QPushButton, QSplitter, QTableView, QTextBrowser, QVBoxLayout, QWidget)
from sqlmodel import select

from workbench.coding.codings import ConflictError
from workbench.coding.grid import fold
from workbench.coding.models import Code
from workbench.coding.reconcile import ReconcileUnit, auto_merge_agreed, decide, disagreements
from workbench.coding.team import STAFF, PermissionDenied, require_role
from workbench.ui.answer_model import BAND_NAMES
from workbench.ui.answer_pane import _readable_on
from workbench.ui.i18n import Texts, save_error_text, tr, trf
from workbench.ui.workers import start_worker

STATUS_COLOURS = {"agreed": "#c4e6c9", "open": "#f4b39c", "decided": "#bcd4f0", "stale": "#f7d488"}
STATUS_NAMES = {"agreed": "agreed", "open": "disagreed", "decided": "decided", "stale": "stale"}
BASIS_NAMES = {"agreed": "coders agreed", "union": "union of the coders", "manual": "edited by hand",
               "none": "no code applies"}
HEADERS = ("Respondent", "Qn.", "Band", "Status", "Decided by")


def _load(store, supervisor: str, coders: Optional[list[str]], merge: bool, progress=None) -> tuple:
    """Worker: optionally merge the agreed answers, then read every unit (both role-checked)."""
    merged = None
    if merge:
        try:
            merged = auto_merge_agreed(store, supervisor, coders=coders)
        except PermissionDenied:
            raise
        except Exception as e:  # e.g. fewer than two coders: still show what there is
            merged = {"error": str(e)}
    return merged, disagreements(store, coders=coders, viewer=supervisor)


def _merged(u: ReconcileUnit) -> bool:
    """Decided by the automatic merge of an agreed answer, not by a person's verdict."""
    return u.status == "decided" and u.decision is not None and u.decision.basis == "agreed"


def _rank(u: ReconcileUnit) -> int:
    """The list's order: needing a verdict, then the verdicts given by hand (so decisions made
    earlier are found right after the open ones), then merged and unmerged agreed answers."""
    return 0 if u.needs_attention else 2 if _merged(u) else 3 if u.status == "agreed" else 1


class ReconcileModel(QAbstractTableModel):
    """The units as rows; the status cell is coloured (agreed/disagreed/decided/stale)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.units: list[ReconcileUnit] = []
        self._brush = {k: QBrush(QColor(v)) for k, v in STATUS_COLOURS.items()}

    def set_units(self, units: list[ReconcileUnit]) -> None:
        self.beginResetModel()
        self.units = list(units)
        self.endResetModel()

    def replace(self, unit: ReconcileUnit) -> int:
        for i, u in enumerate(self.units):
            if u.answer_id == unit.answer_id:
                self.units[i] = unit
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(HEADERS) - 1))
                return i
        return -1

    def position_of(self, answer_id: Optional[int]) -> int:
        return next((i for i, u in enumerate(self.units) if u.answer_id == answer_id), -1)

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.units)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return tr(HEADERS[section])
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        u = self.units[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return u.respondent
            if col == 1:
                return u.question
            if col == 2:
                return tr(BAND_NAMES.get(u.band, "Missing")) if u.band else tr("Missing")
            if col == 3:
                return tr("agreed, merged") if _merged(u) else tr(STATUS_NAMES[u.status])
            if col == 4:
                return u.decision.decided_by if u.decision else ""
        if role == Qt.ItemDataRole.BackgroundRole and col == 3:
            return self._brush[u.status]
        if role == Qt.ItemDataRole.UserRole:
            return u.status
        return None


class NoteEdit(QLineEdit):
    """The decision's note. Tabbing in puts the cursor at the end instead of selecting the
    note, so the next key typed cannot overwrite it."""

    def focusInEvent(self, e) -> None:
        super().focusInEvent(e)
        if self.hasSelectedText():
            self.deselect()
            self.end(False)


class CodeChecklist(QDialog):
    """E: the final codes by hand, as a checklist of the codebook's codes, with a search:
    type a few letters, Enter ticks (or unticks) the code found, Ctrl+Enter confirms."""

    def __init__(self, codes: list[Code], checked: set[str], title: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("codeChecklist")
        self.search = QLineEdit()
        self.search.setObjectName("checklistSearch")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(tr("Search codes — Enter ticks the code found, Ctrl+Enter confirms"))
        self.search.textChanged.connect(self._filter)
        self.search.installEventFilter(self)
        self.list = QListWidget()
        self.list.setObjectName("checklistCodes")
        self.list.setUniformItemSizes(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        widest = 0
        fm = self.list.fontMetrics()
        for c in codes:
            text = f"{c.label}   [{c.shortcut}]" if getattr(c, "shortcut", None) else c.label
            it = QListWidgetItem(text)
            it.setData(Qt.ItemDataRole.UserRole, c.key)
            it.setData(Qt.ItemDataRole.UserRole + 1, fold(" ".join([c.label, c.key, *list(c.keywords or [])])))
            it.setToolTip(c.description or c.label)
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Checked if c.key in checked else Qt.CheckState.Unchecked)
            if c.colour:
                it.setBackground(QBrush(QColor(c.colour)))
                it.setForeground(QBrush(QColor(_readable_on(c.colour))))
            self.list.addItem(it)
            widest = max(widest, fm.horizontalAdvance(text))
        self.count = QLabel()
        self.count.setObjectName("checklistCount")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        for seq in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(seq), self, activated=self.accept)
        self.list.itemChanged.connect(lambda _it: self._update_count())
        lay = QVBoxLayout(self)
        hint = QLabel(tr("Check the codes that apply; none checked means no code applies."))
        hint.setWordWrap(True)
        lay.addWidget(hint)
        lay.addWidget(self.search)
        lay.addWidget(self.list, 1)
        lay.addWidget(self.count)
        lay.addWidget(buttons)
        # room for every label unclipped and a good part of a 35-code list, within the screen
        scr = (parent.screen() if parent is not None else None) or QApplication.primaryScreen()
        avail = scr.availableGeometry() if scr is not None else None
        w = max(460, widest + 90)
        h = max(420, min(len(codes), 22) * (fm.height() + 8) + 170)
        if avail is not None:
            w, h = min(w, int(avail.width() * 0.9)), min(h, int(avail.height() * 0.9))
        self.resize(w, h)
        self.setMinimumSize(min(w, 420), min(h, 360))
        self._update_count()
        self.search.setFocus()

    def eventFilter(self, obj, e) -> bool:
        if obj is self.search and e.type() == QEvent.Type.KeyPress and e.key() in (
                Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            self.list.keyPressEvent(e)  # arrows move through the codes while typing
            return True
        if obj is self.search and e.type() == QEvent.Type.KeyPress and e.key() in (
                Qt.Key.Key_Return, Qt.Key.Key_Enter) and not e.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self._toggle_found()  # Enter ticks; it does not close the dialog (Ctrl+Enter does)
            return True
        return super().eventFilter(obj, e)

    def _filter(self, text: str) -> None:
        words = fold(text).split()
        first = None
        for i in range(self.list.count()):
            it = self.list.item(i)
            hide = bool(words) and not all(w in (it.data(Qt.ItemDataRole.UserRole + 1) or "") for w in words)
            it.setHidden(hide)
            if not hide and first is None:
                first = it
        if first is not None:
            self.list.setCurrentItem(first)

    def _toggle_found(self) -> None:
        it = self.list.currentItem()
        if it is None or it.isHidden():
            return
        it.setCheckState(Qt.CheckState.Unchecked if it.checkState() == Qt.CheckState.Checked
                         else Qt.CheckState.Checked)
        self.search.clear()

    def _update_count(self) -> None:
        keys = self.checked()
        self.count.setText(trf("{0} codes ticked", len(keys)) if keys else tr("None ticked: no code applies"))

    def set_checked(self, keys: set[str]) -> None:
        for i in range(self.list.count()):
            it = self.list.item(i)
            it.setCheckState(Qt.CheckState.Checked if it.data(Qt.ItemDataRole.UserRole) in keys
                             else Qt.CheckState.Unchecked)

    def checked(self) -> list[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]


class ReconcileDialog(QDialog):
    """Reconcile the coders' codings, one answer at a time, from the keyboard."""

    loaded = Signal(bool)
    decided = Signal(int)  # answer id

    def __init__(self, store, supervisor: str, parent=None, coders: Optional[list[str]] = None,
                 interactive: bool = True, auto_merge: bool = True):
        super().__init__(parent)
        self.store, self.supervisor, self.coders = store, supervisor, coders
        self.interactive = interactive
        self.auto_merge = auto_merge
        self.merge_result: Optional[dict] = None
        self.last_message = ""
        self.last_error: Optional[BaseException] = None
        self.edit_dialog: Optional[CodeChecklist] = None
        self.texts = Texts()
        with store.session() as s:
            active = store.codes(s)
            every = list(s.exec(select(Code).order_by(Code.id)))
        self.active_codes = [c for c in active if not c.retired]
        self.code_by_key = {c.key: c for c in every}
        self.code_by_key.update({c.key: c for c in active})  # the active codebook wins
        self.setObjectName("reconcileDialog")
        self.texts.bind(self.setWindowTitle, "Reconcile codings")
        self.resize(1200, 760)
        self._build()
        self._build_actions()

    # ------------------------------------------------------------------ construction
    def _build(self) -> None:
        self.model = ReconcileModel(self)
        self.table = QTableView()
        self.table.setObjectName("reconcileTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self.show_current())

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.header = QLabel()
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.coder_box = QWidget()
        self.coder_lay = QHBoxLayout(self.coder_box)
        self.coder_lay.setContentsMargins(0, 0, 0, 0)
        self.coder_views: list[QTextBrowser] = []
        self.coder_groups: list[QGroupBox] = []
        self.final = QLabel()
        self.final.setObjectName("reconcileFinal")
        self.final.setTextFormat(Qt.TextFormat.RichText)
        self.final.setWordWrap(True)
        self.final.setMinimumHeight(60)
        self.note = NoteEdit()
        self.note.setObjectName("reconcileNote")
        self.texts.bind(self.note.setPlaceholderText, "Note saved with the decision (Ctrl+M)")
        self.note.installEventFilter(self)
        self.legend = QLabel()
        self.legend.setObjectName("reconcileLegend")
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setStyleSheet("color: #555;")
        self.show_box = QComboBox()
        self.show_box.setObjectName("reconcileShow")
        self.show_box.currentIndexChanged.connect(lambda _i: self._apply_show())
        self.message = QLabel()
        self.message.setObjectName("reconcileMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #a04000;")

        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for name, source, slot in (("union", "Union (U)", self.take_union), ("none", "No code applies (0)", self.no_code),
                                   ("edit", "Edit codes… (E)", self.edit_codes),
                                   ("next", "Next open (N)", self.next_open),
                                   ("merge", "Merge agreed", self.merge_agreed)):
            b = QPushButton()
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.texts.bind(b.setText, source)
            b.clicked.connect(slot)
            buttons.addWidget(b)
            self.buttons[name] = b
        buttons.addStretch(1)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.addWidget(self.header)
        rl.addWidget(self.coder_box, 1)
        rl.addWidget(self.legend)
        rl.addWidget(self.final)
        rl.addWidget(self.note)
        rl.addLayout(buttons)
        rl.addWidget(self.message)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.show_box)
        ll.addWidget(self.table, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 5)
        split.setSizes([380, 820])  # the list shows its columns (respondent, question, band, status)
        self.split = split
        lay = QVBoxLayout(self)
        lay.addWidget(self.summary)
        lay.addWidget(split, 1)
        self.retranslate_view()

    SHOW = (("all", "Show all answers"), ("attention", "Show answers needing a verdict"),
            ("decided", "Show decisions made (by hand)"), ("agreed", "Show agreed answers"))

    def retranslate_view(self) -> None:
        """The legend and the list's show-choice, in the UI language."""
        i = max(0, self.show_box.currentIndex())
        self.show_box.blockSignals(True)
        self.show_box.clear()
        for key, source in self.SHOW:
            self.show_box.addItem(tr(source), key)
        self.show_box.setCurrentIndex(i)
        self.show_box.blockSignals(False)
        chips = " ".join(f"<span style='background:{STATUS_COLOURS[k]}'>&nbsp;{html.escape(tr(STATUS_NAMES[k]))}"
                         f"&nbsp;</span>" for k in ("open", "stale", "decided", "agreed"))
        self.legend.setText(f"<b>◆</b> {html.escape(tr('the other coder did not give this code'))}"
                            f" &nbsp;·&nbsp; {chips}")

    def _apply_show(self) -> None:
        """Hide the list's rows that the show-choice leaves out (decisions made earlier are
        one choice away, whatever the order)."""
        want = self.show_box.currentData() or "all"
        for r, u in enumerate(self.model.units):
            show = (want == "all" or (want == "attention" and u.needs_attention)
                    or (want == "decided" and _rank(u) == 1)
                    or (want == "agreed" and (u.status == "agreed" or _merged(u))))
            self.table.setRowHidden(r, not show)
        cur = self.table.currentIndex()
        if not cur.isValid() or self.table.isRowHidden(cur.row()):
            first = next((r for r in range(self.model.rowCount()) if not self.table.isRowHidden(r)), -1)
            if first >= 0:
                self.select(first)

    def _build_actions(self) -> None:
        def act(keys, slot, guarded=True) -> QAction:
            a = QAction(self)
            a.setShortcuts([QKeySequence(k) for k in keys])
            a.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            a.triggered.connect((lambda _c=False: self._key(slot)) if guarded else (lambda _c=False: slot()))
            self.addAction(a)
            return a

        for n in range(1, 10):
            act([str(n)], lambda n=n: self.take_coder(n))
        act(["U"], self.take_union)
        act(["0"], self.no_code)
        act(["E"], self.edit_codes)
        act(["N"], self.next_open)
        act(["Ctrl+Return", "Ctrl+Enter"], self.next_open, guarded=False)
        act(["Ctrl+M"], self.focus_note, guarded=False)

    def _key(self, fn) -> None:
        """Plain keys are text while the note field has the keyboard."""
        if self.note.hasFocus():
            return
        fn()

    def eventFilter(self, obj, ev) -> bool:
        """Escape in the note field goes back to the list instead of closing the view."""
        if obj is self.note and ev.type() == ev.Type.KeyPress and ev.key() == Qt.Key.Key_Escape:
            self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return True
        return super().eventFilter(obj, ev)

    def focus_note(self) -> None:
        self.note.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.note.end(False)

    # ------------------------------------------------------------------ loading
    def load(self, merge: Optional[bool] = None) -> None:
        """Read the units in a worker (merging agreed answers first, when asked)."""
        merge = self.auto_merge if merge is None else merge
        keep = self.current_answer_id()
        self.set_message(tr("Loading answers…"))
        start_worker(_load, self.store, self.supervisor, self.coders, merge, parent=self,
                     label=tr("Loading answers…"), on_done=lambda r: self._loaded(r, keep),
                     on_error=self._load_failed, on_cancel=lambda: self.loaded.emit(False))

    def merge_agreed(self) -> None:
        self.load(merge=True)

    def _loaded(self, res: tuple, keep: Optional[int]) -> None:
        merged, units = res
        units = sorted(units, key=_rank)  # stable: answer order within each group
        if merged is not None:
            self.merge_result = merged
        self.model.set_units(units)
        self._build_coder_columns(list(units[0].codes) if units else [])
        self._update_summary()
        if merged and "error" not in merged:
            self.set_message(trf("Merged {0} agreed answers automatically.", merged.get("merged", 0)))
        elif merged and "error" in merged:
            self.set_message(merged["error"])
        else:
            self.set_message("")
        pos = self.model.position_of(keep)
        self.select(pos if pos >= 0 else 0)
        self._apply_show()
        self.table.setFocus()
        self.loaded.emit(True)

    def _load_failed(self, e: BaseException) -> None:
        self.last_error = e
        self.set_message(str(e))
        if self.interactive:
            QMessageBox.warning(self, tr("Reconcile codings"), str(e))
        self.loaded.emit(False)

    def _update_summary(self) -> None:
        counts = {k: 0 for k in STATUS_COLOURS}
        for u in self.model.units:
            counts[u.status] += 1
        coders = list(self.model.units[0].codes) if self.model.units else []
        self.summary.setText(trf("Coders: {0} — {1} answers: {2} disagreed, {3} stale, {4} decided, {5} agreed",
                                 ", ".join(coders) or "–", len(self.model.units), counts["open"], counts["stale"],
                                 counts["decided"], counts["agreed"]))
        self.summary.setToolTip(tr("Decisions made earlier are listed after the answers needing a verdict; “Show decisions made” lists only them."))  # noqa: E501

    def _build_coder_columns(self, coders: list[str]) -> None:
        if [g.property("coder") for g in self.coder_groups] == coders:
            return
        for g in self.coder_groups:
            g.setParent(None)
            g.deleteLater()
        self.coder_groups, self.coder_views = [], []
        for i, c in enumerate(coders):
            g = QGroupBox(f"{i + 1} · {c}" if i < 9 else c)
            g.setProperty("coder", c)
            v = QTextBrowser()
            v.setObjectName(f"coderView{i + 1}")
            v.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            QVBoxLayout(g).addWidget(v)
            self.coder_lay.addWidget(g, 1)
            self.coder_groups.append(g)
            self.coder_views.append(v)

    # ------------------------------------------------------------------ current unit
    def current_answer_id(self) -> Optional[int]:
        u = self.current_unit()
        return u.answer_id if u else None

    def current_unit(self) -> Optional[ReconcileUnit]:
        idx = self.table.currentIndex()
        return self.model.units[idx.row()] if idx.isValid() and idx.row() < len(self.model.units) else None

    def select(self, pos: int) -> None:
        if not (0 <= pos < self.model.rowCount()):
            self.show_current()
            return
        idx = self.model.index(pos, 0)
        self.table.selectionModel().setCurrentIndex(
            idx, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(idx)
        self.show_current()

    def show_current(self) -> None:
        u = self.current_unit()
        shown = getattr(self, "_shown", None)
        if u is None:
            self.header.setText(f"<i>{html.escape(tr('Nothing to reconcile'))}</i>")
            self.final.setText("")
            for v in self.coder_views:
                v.clear()
            self._shown = None
            return
        band = tr(BAND_NAMES.get(u.band, "Missing")) if u.band else tr("Missing")
        colour = STATUS_COLOURS[u.status]
        self.header.setText(f"<b>{html.escape(u.respondent)}</b> · {html.escape(u.question)} · {html.escape(band)} "
                            f"&nbsp;<span style='background:{colour}'>&nbsp;{html.escape(tr(STATUS_NAMES[u.status]))}"
                            f"&nbsp;</span>")
        for i, c in enumerate(u.codes):
            if i < len(self.coder_views):
                self.coder_views[i].setHtml(self._coder_html(u, c))
        self.final.setText(self._final_html(u))
        if shown != u.answer_id:  # a new unit: its own note (the decision's, if decided)
            self.note.setText(u.decision.note if u.decision else "")
        self._shown = u.answer_id

    def _chip(self, key: str) -> str:
        c = self.code_by_key.get(key)
        colour = (c.colour if c is not None else None) or "#808080"
        label = c.label if c is not None else key
        return (f"<span style='background:{colour}; color:{_readable_on(colour)}'>&nbsp;{html.escape(label)}&nbsp;"
                f"</span>")

    def _chips(self, keys: list[str]) -> str:
        return " ".join(self._chip(k) for k in keys)

    def _coder_html(self, u: ReconcileUnit, coder: str) -> str:
        keys = u.codes.get(coder, [])
        others = [set(v) for c, v in u.codes.items() if c != coder]
        chips = []
        for k in keys:  # codes the others lack are marked, so the difference is seen at a glance
            mark = "" if all(k in o for o in others) else " ◆"
            chips.append(self._chip(k) + mark)
        head = " ".join(chips) if chips else f"<i>{html.escape(tr('no code applies'))}</i>"
        return f"<p>{head}</p><hr><p>{self._highlighted(u.text, u.spans.get(coder, []))}</p>"

    def _highlighted(self, text: str, spans) -> str:
        """The answer with this coder's passages in their code's colour (whole-answer codes
        are only chips)."""
        marks = [(st, en, k) for k, st, en in spans if st is not None and en is not None and 0 <= st < en <= len(text)]
        if not marks:
            return html.escape(text).replace("\n", "<br>")
        cuts = sorted({0, len(text)} | {p for st, en, _k in marks for p in (st, en)})
        out = []
        for a, b in zip(cuts, cuts[1:]):
            piece = html.escape(text[a:b]).replace("\n", "<br>")
            cover = [k for st, en, k in marks if st <= a and b <= en]
            if cover:
                c = self.code_by_key.get(cover[0])
                colour = (c.colour if c is not None else None) or "#808080"
                title = html.escape(", ".join((self.code_by_key[k].label if k in self.code_by_key else k)
                                              for k in cover))
                deco = "text-decoration: underline;" if len(cover) > 1 else ""
                out.append(f"<span title='{title}' style='background:{colour}; color:{_readable_on(colour)};"
                           f"{deco}'>{piece}</span>")
            else:
                out.append(piece)
        return "".join(out)

    def _final_html(self, u: ReconcileUnit) -> str:
        d = u.decision
        if d is None:
            return f"<i>{html.escape(tr('Not decided yet.'))}</i>"
        basis = d.basis
        how = trf("took {0}'s coding", basis.split(":", 1)[1]) if basis.startswith("coder:") else \
            tr(BASIS_NAMES.get(basis, basis))
        when = d.decided_at
        if when is not None and when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        when_s = when.astimezone().strftime("%d.%m.%Y %H:%M") if when is not None else ""
        codes = self._chips(d.codes) if d.codes else f"<i>{html.escape(tr('no code applies'))}</i>"
        line = html.escape(trf("Decided by {0}, {1}: {2}", d.decided_by, when_s, how))
        note = f"<br>{html.escape(trf('Note: {0}', d.note))}" if d.note else ""
        stale = (f"<br><b style='color:#a06000'>{html.escape(tr('A coder has changed their coding since: look again.'))}"
                 f"</b>") if u.stale else ""
        return f"{html.escape(tr('Final:'))} {codes}<br>{line}{note}{stale}"

    def set_message(self, text: str) -> None:
        self.last_message = text
        self.message.setText(text)

    # ------------------------------------------------------------------ verdicts
    def take_coder(self, n: int) -> None:
        u = self.current_unit()
        if u is None:
            return
        coders = list(u.codes)
        if not (1 <= n <= len(coders)):
            self.set_message(trf("There is no coder {0} here.", n))
            return
        self._decide(f"coder:{coders[n - 1]}")

    def take_union(self) -> None:
        self._decide("union")

    def no_code(self) -> None:
        self._decide("none")

    def edit_codes(self) -> None:
        u = self.current_unit()
        if u is None:
            return
        checked = set(u.decision.codes) if u.decision else {k for v in u.codes.values() for k in v}
        extra = [self.code_by_key[k] for k in sorted(checked) if k in self.code_by_key
                 and k not in {c.key for c in self.active_codes}]
        dlg = CodeChecklist(self.active_codes + extra, checked, trf("Final codes for {0} {1}", u.respondent,
                                                                    u.question), self)
        self.edit_dialog = dlg
        aid = u.answer_id

        def done() -> None:
            keys = dlg.checked()
            if self.current_answer_id() == aid:
                self._decide("manual" if keys else "none", keys or None)
            self._back()
        dlg.accepted.connect(done)
        dlg.rejected.connect(self._back)
        dlg.open()

    def _back(self) -> None:
        """After the checklist: the keys belong to this view again."""
        self.activateWindow()
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _decide(self, basis: str, codes: Optional[list[str]] = None) -> None:
        """One verdict = one committed ``decide``; a concurrent decision is reported, and the
        answer re-read so the supervisor sees what the other one decided."""
        u = self.current_unit()
        if u is None:
            return
        note = self.note.text().strip()
        try:
            decide(self.store, self.supervisor, u.answer_id, codes=codes, basis=basis, note=note,
                   coders=list(u.codes), expected_version=u.decision.version if u.decision else 0)
        except ConflictError as e:
            self.last_error = e
            msg = tr("Another supervisor decided this answer meanwhile. It has been reloaded: look at their decision and decide again if needed.")  # noqa: E501
            self._reload_unit(u.answer_id, keep_note=True)
            self._warn(msg)
            return
        except Exception as e:  # role, unknown code…: nothing was saved
            self.last_error = e
            self._warn(save_error_text(e, "The decision was not saved: {0}"))
            return
        self.last_error = None
        self._reload_unit(u.answer_id, keep_note=True)
        self.set_message(trf("Saved: {0} {1}", u.respondent, u.question))
        self.decided.emit(u.answer_id)

    def _warn(self, msg: str) -> None:
        self.set_message(msg)
        if self.interactive:
            QMessageBox.warning(self, tr("Reconcile codings"), msg)

    def _reload_unit(self, answer_id: int, keep_note: bool = False) -> None:
        fresh = disagreements(self.store, coders=list(self.current_unit().codes) if self.current_unit() else None,
                              answer_ids=[answer_id], viewer=self.supervisor)
        if fresh:
            self.model.replace(fresh[0])
        if not keep_note:
            self._shown = None
        self.show_current()
        self._update_summary()

    def next_open(self) -> None:
        """The next answer still needing a verdict (open or stale), wrapping around."""
        units = self.model.units
        if not units:
            return
        idx = self.table.currentIndex()
        cur = idx.row() if idx.isValid() else -1
        for k in range(1, len(units) + 1):
            p = (cur + k) % len(units)
            if units[p].needs_attention and p != cur:
                if self.table.isRowHidden(p):
                    self.show_box.setCurrentIndex(0)
                self.select(p)
                self.table.setFocus()
                return
        self.set_message(tr("No open answers left."))


def can_reconcile(store, person: str) -> Optional[str]:
    """None if ``person`` may reconcile, else the message saying why not."""
    try:
        with store.session() as s:
            require_role(s, person, STAFF, "reconcile codings")
    except PermissionDenied:
        return trf("Only a supervisor or an administrator can reconcile codings. {0} is not one in this project; ask an administrator to give you the supervisor role.", person)  # noqa: E501
    return None


def open_reconcile(win) -> Optional[ReconcileDialog]:
    """Kodning → Afstem kodninger…: open the view for a supervisor, explain to anyone else."""
    if win.store is None:
        return None
    why = can_reconcile(win.store, win.coder)
    if why is not None:
        win.last_error = PermissionDenied(why)
        if win.interactive:
            QMessageBox.information(win, tr("Reconcile codings"), why)
        else:
            win.statusBar().showMessage(why, 8000)
        return None
    dlg = ReconcileDialog(win.store, win.coder, win, interactive=win.interactive)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    win.reconcile_dialog = dlg
    dlg.decided.connect(lambda aid: getattr(win, "after_action", None) and win.after_action(aid))
    dlg.show()
    dlg.load()
    return dlg


def install(win) -> None:
    """Hook into the main window: Kodning → Afstem kodninger… (Ctrl+Shift+R) and Enighed…,
    and the live refresh of other people's changes."""
    from workbench.ui.agreement_view import open_agreement
    from workbench.ui.live_refresh import LiveRefresh

    win.reconcile_dialog = None
    win.agreement_dialog = None
    win.act_reconcile = win._action("Reconcile…", lambda: open_reconcile(win), ["Ctrl+Shift+R"], False)
    win.act_agreement = win._action("Agreement…", lambda: open_agreement(win), (), False)
    win.m_coding.addSeparator()
    win.m_coding.addAction(win.act_reconcile)
    win.m_coding.addAction(win.act_agreement)

    def enable(ok: bool) -> None:
        for a in (win.act_reconcile, win.act_agreement):
            a.setEnabled(bool(ok) and win.store is not None)
    enable(False)
    win.project_loaded.connect(enable)
    win.live_refresh = LiveRefresh(win)
