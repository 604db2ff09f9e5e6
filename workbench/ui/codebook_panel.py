"""The codebook beside the answer: categories → codes (→ sub-codes) with colour, key and how
many of the answers in the current filter carry each code; tooltips give the description,
when to use and not use the code, and examples. Editing (create, rename, recolour,
shortcut, merge, move, retire) goes through ``workbench.coding.codes``, as undoable
commands (``workbench.ui.undo.CodebookEdit``) on the ``undo_stack`` the window gives.
"""
from __future__ import annotations

import html
from typing import Optional

from PySide6.QtCore import QEvent, QSize, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction, QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QColorDialog, QHBoxLayout, QHeaderView, QInputDialog,
                               QLineEdit, QListView, QMenu, QMessageBox, QStackedWidget, QToolButton, QTreeView,
                               QVBoxLayout, QWidget)

from workbench.coding import codes as codes_mod
from workbench.coding.grid import fold
from workbench.ui import undo as undo_mod
from workbench.ui.filter_bar import swatch
from workbench.ui.i18n import Texts, tr, trf

ROLE_ID = Qt.ItemDataRole.UserRole + 1
ROLE_HAY = Qt.ItemDataRole.UserRole + 2


class CodeSearch(QSortFilterProxyModel):
    """Every typed word must occur in a code's folded label, id, category or keywords
    (ROLE_HAY); shared by the codebook panel (a tree) and the quick-pick (a list)."""

    def __init__(self, parent=None, recursive: bool = True):
        super().__init__(parent)
        self.words: list[str] = []
        self.setRecursiveFilteringEnabled(recursive)

    def set_query(self, q: str) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt ≥ 6.10
            self.beginFilterChange()
            self.words = fold(q).split()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.words = fold(q).split()
            self.invalidateFilter()

    def filterAcceptsRow(self, row: int, parent) -> bool:
        if not self.words:
            return True
        hay = self.sourceModel().index(row, 0, parent).data(ROLE_HAY) or ""
        return all(w in hay for w in self.words)


def code_tooltip(c) -> str:
    parts = [f"<b>{html.escape(c.label)}</b> <span style='color:#777'>({html.escape(c.key)})</span>"]
    if c.description:
        parts.append(html.escape(c.description))
    if c.inclusion:
        parts.append(html.escape(trf("Include: {0}", c.inclusion)))
    if c.exclusion:
        parts.append(html.escape(trf("Exclude: {0}", c.exclusion)))
    if c.examples:
        parts.append(tr("Examples:") + "<br>" + "<br>".join(f"• “{html.escape(e)}”" for e in list(c.examples)[:4]))
    return "<p style='white-space:pre-wrap; max-width:420px'>" + "</p><p>".join(parts) + "</p>"


KEY_CELL = 200  # the compact view's column width at most (px): "k  Label" in one line


class CodebookPanel(QWidget):
    """The codebook as a tree (categories → codes → sub-codes, with keys and counts) or, in
    compact mode, as a wrapped grid of "key  label" cells that shows every code of a
    35-code codebook in a few lines (for laptop screens, docked under the answer)."""

    apply_requested = Signal(int)     # code id
    memo_requested = Signal(int)      # code id
    codebook_changed = Signal(str)    # what happened (a message for the status bar)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.store = None
        self.undo_stack = None  # the window's QUndoStack: edits become undoable (None: not)
        self.codes: list = []
        self.categories: dict[str, str] = {}
        self.counts: dict[int, int] = {}
        self.texts = Texts()
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setObjectName("codeSearch")
        self.show_retired = QCheckBox()
        self.show_retired.toggled.connect(lambda _b: self.rebuild())
        self.model = QStandardItemModel(self)
        self.proxy = CodeSearch(self)
        self.proxy.setSourceModel(self.model)
        self.tree = QTreeView()
        self.tree.setModel(self.proxy)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._menu)
        self.tree.doubleClicked.connect(self._double)
        self.tree.setObjectName("codebookTree")
        self.search.textChanged.connect(self._search)
        # compact mode: every code as one "key  label" cell, wrapped left to right
        self.flat = QStandardItemModel(self)
        self.flat_proxy = CodeSearch(self, recursive=False)
        self.flat_proxy.setSourceModel(self.flat)
        self.keys = QListView()
        self.keys.setObjectName("codebookKeys")
        self.keys.setModel(self.flat_proxy)
        self.keys.setViewMode(QListView.ViewMode.ListMode)
        self.keys.setFlow(QListView.Flow.LeftToRight)
        self.keys.setWrapping(True)
        self.keys.setResizeMode(QListView.ResizeMode.Adjust)
        self.keys.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.keys.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.keys.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.keys.customContextMenuRequested.connect(self._menu)
        self.keys.doubleClicked.connect(self._double)
        self.keys.viewport().installEventFilter(self)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.tree)
        self.stack.addWidget(self.keys)
        self.compact_btn = QToolButton()
        self.compact_btn.setObjectName("compactCodebook")
        self.compact_btn.setCheckable(True)
        self.compact_btn.toggled.connect(self.set_compact)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.compact_btn)
        top.addWidget(self.show_retired)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(top)
        lay.addWidget(self.stack, 1)

        def act(source: str, slot, shortcut: Optional[str] = None) -> QAction:
            a = QAction(self)
            self.texts.bind(a.setText, source)
            a.triggered.connect(slot)
            if shortcut:
                a.setShortcut(shortcut)
                a.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                self.addAction(a)
            return a
        self.act_apply = act("Apply to answer", lambda: self._with_code(self.apply_requested.emit))
        self.act_new = act("New code…", self.create)
        self.act_rename = act("Rename…", lambda: self._with_code(self.rename), "F2")
        self.act_colour = act("Colour…", lambda: self._with_code(self.recolour))
        self.act_shortcut = act("Shortcut…", lambda: self._with_code(self.shortcut))
        self.act_merge = act("Merge into…", lambda: self._with_code(self.merge))
        self.act_move = act("Move under…", lambda: self._with_code(self.move))
        self.act_retire = act("Retire", lambda: self._with_code(self.retire))
        self.act_memo = act("Memo on code…", lambda: self._with_code(self.memo_requested.emit))
        self.texts.bind(self.search.setPlaceholderText, "Search codes")
        self.texts.bind(self.show_retired.setText, "Show retired codes")
        self.texts.bind(self.compact_btn.setText, "Compact")
        self.texts.bind(self.compact_btn.setToolTip, "Compact view: every code and its key in a few lines")
        self.retranslate()

    # -- compact mode ------------------------------------------------------------------------
    def is_compact(self) -> bool:
        return self.stack.currentWidget() is self.keys

    def set_compact(self, on: bool) -> None:
        """Show the codes as a wrapped grid of "key  label" cells (on) or as the tree (off)."""
        cur = self.current_code()
        self.stack.setCurrentWidget(self.keys if on else self.tree)
        if self.compact_btn.isChecked() != on:
            self.compact_btn.blockSignals(True)
            self.compact_btn.setChecked(on)
            self.compact_btn.blockSignals(False)
        self._fit_keys()
        if cur is not None:
            self.select_code(cur)

    def eventFilter(self, obj, e) -> bool:
        if obj is self.keys.viewport() and e.type() == QEvent.Type.Resize:
            self._fit_keys()
        return super().eventFilter(obj, e)

    def _fit_keys(self) -> None:
        """Columns as wide as the panel allows (at most ``KEY_CELL``), filling the width."""
        vw = max(1, self.keys.viewport().width())
        n = max(1, -(-vw // KEY_CELL))
        h = self.keys.fontMetrics().height() + 6
        size = QSize(max(60, (vw - 2 * n - 2) // n), h)  # a little slack: the last column must fit too
        if self.keys.gridSize() != size:
            self.keys.setGridSize(size)
            cell = QSize(size.width() - 4, size.height() - 2)
            for r in range(self.flat.rowCount()):  # the label fills its cell, elided at its end
                self.flat.item(r).setSizeHint(cell)
        need = self.keys_height(vw) if self.is_compact() else 0
        if self.keys.minimumHeight() != need:  # every code visible: the grid does not scroll
            self.keys.setMinimumHeight(need)

    def keys_height(self, width: int) -> int:
        """The height the compact grid needs to show every code at ``width`` (no scrolling)."""
        n = max(1, -(-max(1, width) // KEY_CELL))
        if width // n < 60:
            n = max(1, width // 60)
        rows = -(-self.flat_proxy.rowCount() // n)
        return rows * (self.keys.fontMetrics().height() + 6) + 2 * self.keys.frameWidth() + 2

    # -- content -------------------------------------------------------------------------------
    def set_codes(self, store, codes, categories: Optional[dict[str, str]] = None) -> None:
        self.store, self.codes = store, list(codes)
        self.categories = categories or {}
        self.rebuild()

    def set_counts(self, counts: dict[int, int]) -> None:
        self.counts = counts
        self._walk_counts(self.model.invisibleRootItem())

    def _walk_counts(self, parent: QStandardItem) -> int:
        total = 0
        for r in range(parent.rowCount()):
            item, cnt = parent.child(r, 0), parent.child(r, 2)
            cid = item.data(ROLE_ID)
            sub = self._walk_counts(item)
            n = self.counts.get(cid, 0) if cid is not None else sub
            if cnt is not None:
                cnt.setText(str(n) if n else "")
            total += n if cid is None else self.counts.get(cid, 0)
        return total

    def rebuild(self) -> None:
        expanded = True
        self.model.clear()
        self.model.setColumnCount(3)
        self.retranslate()
        visible = [c for c in self.codes if self.show_retired.isChecked() or not c.retired]
        by_id = {c.id: c for c in visible}
        cat_items: dict[str, QStandardItem] = {}
        code_items: dict[int, QStandardItem] = {}
        bold = QFont()
        bold.setBold(True)

        def row_for(c) -> list[QStandardItem]:
            label = c.label + (" " + tr("(retired)") if c.retired else "")
            it = QStandardItem(swatch(c.colour, 14), label)
            it.setData(c.id, ROLE_ID)
            it.setData(fold(" ".join([c.label, c.key, c.description or "", *list(c.keywords or [])])), ROLE_HAY)
            it.setToolTip(code_tooltip(c))
            it.setEditable(False)
            if c.retired:
                it.setForeground(Qt.GlobalColor.gray)
            key = QStandardItem(c.shortcut or "")
            key.setEditable(False)
            key.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            cnt = QStandardItem("")
            cnt.setEditable(False)
            cnt.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return [it, key, cnt]

        for c in visible:  # categories in codebook order
            cat = c.category or ""
            if cat not in cat_items:
                ci = QStandardItem(self.categories.get(cat, cat) or "—")
                ci.setFont(bold)
                ci.setEditable(False)
                ci.setData(fold(self.categories.get(cat, cat)), ROLE_HAY)
                blank1, blank2 = QStandardItem(""), QStandardItem("")
                blank1.setEditable(False)
                blank2.setEditable(False)
                self.model.appendRow([ci, blank1, blank2])
                cat_items[cat] = ci
        pending = list(visible)
        for _round in range(20):  # parents before children, whatever the order
            rest = []
            for c in pending:
                if c.parent_id in by_id and c.parent_id not in code_items:
                    rest.append(c)
                    continue
                parent = code_items.get(c.parent_id) or cat_items[c.category or ""]
                items = row_for(c)
                parent.appendRow(items)
                code_items[c.id] = items[0]
            pending = rest
            if not pending:
                break
        self._items = code_items
        self.flat.clear()
        self._flat_items: dict[int, QStandardItem] = {}
        for c in visible:
            it = QStandardItem(swatch(c.colour, 14), f"{c.shortcut or ' '}   {c.label}"
                               + (" " + tr("(retired)") if c.retired else ""))
            it.setData(c.id, ROLE_ID)
            it.setData(fold(" ".join([c.label, c.key, c.description or "", *list(c.keywords or [])])), ROLE_HAY)
            it.setToolTip(code_tooltip(c))
            it.setEditable(False)
            if c.retired:
                it.setForeground(Qt.GlobalColor.gray)
            self.flat.appendRow(it)
            self._flat_items[c.id] = it
        self.keys.setGridSize(QSize())
        self._fit_keys()
        if expanded:
            self.tree.expandAll()
        h = self.tree.header()
        h.setStretchLastSection(False)
        h.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        h.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.set_counts(self.counts)

    def retranslate(self) -> None:
        self.texts.apply()
        self.model.setHorizontalHeaderLabels([tr("Code"), tr("Key"), tr("Count")])

    def _search(self, text: str) -> None:
        self.proxy.set_query(text)
        self.flat_proxy.set_query(text)
        self.tree.expandAll()

    # -- selection -----------------------------------------------------------------------------
    def current_code(self) -> Optional[int]:
        if self.is_compact():
            idx = self.keys.currentIndex()
            return idx.data(ROLE_ID) if idx.isValid() else None
        idx = self.tree.currentIndex()
        if not idx.isValid():
            return None
        return self.proxy.index(idx.row(), 0, idx.parent()).data(ROLE_ID)

    def select_code(self, code_id: int) -> bool:
        item = getattr(self, "_items", {}).get(code_id)
        flat = getattr(self, "_flat_items", {}).get(code_id)
        if item is None:
            return False
        idx = self.proxy.mapFromSource(item.index())
        self.tree.setCurrentIndex(idx)
        if flat is not None:
            self.keys.setCurrentIndex(self.flat_proxy.mapFromSource(flat.index()))
        return idx.isValid()

    def _with_code(self, fn) -> None:
        cid = self.current_code()
        if cid is not None:
            fn(int(cid))

    def _double(self, idx) -> None:
        cid = idx.data(ROLE_ID) if idx.model() is self.flat_proxy else \
            self.proxy.index(idx.row(), 0, idx.parent()).data(ROLE_ID)
        if cid is not None:
            self.apply_requested.emit(int(cid))

    def _menu(self, pos) -> None:
        m = QMenu(self)
        has = self.current_code() is not None
        for a in (self.act_apply, None, self.act_new, self.act_rename, self.act_colour, self.act_shortcut, None,
                  self.act_merge, self.act_move, self.act_retire, None, self.act_memo):
            if a is None:
                m.addSeparator()
            else:
                a.setEnabled(has or a is self.act_new)
                m.addAction(a)
        view = self.keys if self.is_compact() else self.tree
        m.exec(view.viewport().mapToGlobal(pos))

    # -- asking (separate methods so tests can answer them) -----------------------------------
    def ask_text(self, title: str, label: str, default: str = "") -> Optional[str]:
        text, ok = QInputDialog.getText(self, title, label, text=default)
        return text if ok else None

    def ask_item(self, title: str, label: str, items: list[str]) -> Optional[str]:
        item, ok = QInputDialog.getItem(self, title, label, items, 0, False)
        return item if ok else None

    def ask_colour(self, current: str) -> Optional[str]:
        from PySide6.QtGui import QColor

        c = QColorDialog.getColor(QColor(current), self)
        return c.name() if c.isValid() else None

    def confirm(self, text: str) -> bool:
        return QMessageBox.question(self, tr("Codebook"), text) == QMessageBox.StandardButton.Yes

    # -- edits ---------------------------------------------------------------------------------
    # Each edit is a ``CodebookEdit`` command: run once now (a failure is shown and nothing is
    # changed), then pushed onto ``undo_stack`` when the window gave the panel one.
    def _code(self, cid: int):
        return next(c for c in self.codes if c.id == cid)

    def codebook_edited(self, message: str = "") -> None:
        """After an edit, its undo or its redo: re-read the codes, tell the window."""
        if self.store is not None:
            with self.store.session() as s:
                self.codes = list(self.store.codes(s))
            self.rebuild()
        self.codebook_changed.emit(message)

    def _edit(self, text: str, do, undo, message=None) -> bool:
        cmd = undo_mod.CodebookEdit(self, text, do, undo, message)
        try:
            cmd.run()
        except Exception as e:  # show the reason; nothing was changed (one transaction)
            QMessageBox.warning(self, tr("Codebook"), str(e))
            return False
        if self.undo_stack is not None:
            self.undo_stack.push(cmd)
        return True

    def create(self) -> None:
        label = self.ask_text(tr("New code…"), tr("Label of the new code:"))
        if label and label.strip():
            cur = self.current_code()
            category = self._code(cur).category if cur is not None else ""
            st = self.store

            def do(snapshot):  # redo re-creates the very code undo deleted (same id)
                if snapshot is None:
                    return codes_mod.create_code(st, label, category=category)
                return codes_mod.restore_code(st, snapshot)
            self._edit(trf("new code {0}", label.strip()), do, lambda cid: codes_mod.delete_code(st, cid))

    def rename(self, cid: int) -> None:
        c = self._code(cid)
        label = self.ask_text(tr("Rename…"), tr("New label:"), c.label)
        if label and label.strip() and label != c.label:
            st = self.store
            self._edit(trf("rename code {0}", c.label), lambda _p: codes_mod.rename_code(st, cid, label),
                       lambda old: codes_mod.rename_code(st, cid, old))

    def recolour(self, cid: int) -> None:
        c = self._code(cid)
        colour = self.ask_colour(c.colour)
        if colour:
            st = self.store
            self._edit(trf("colour of code {0}", c.label), lambda _p: codes_mod.recolour(st, cid, colour),
                       lambda old: codes_mod.recolour(st, cid, old))

    def shortcut(self, cid: int) -> None:
        c = self._code(cid)
        key = self.ask_text(tr("Shortcut…"), tr("One key (1–9 or a letter), empty for none:"), c.shortcut or "")
        if key is not None:
            st, new = self.store, key.strip() or None
            self._edit(trf("shortcut of code {0}", c.label), lambda _p: codes_mod.set_shortcut(st, cid, new),
                       lambda old: codes_mod.set_shortcut(st, cid, old))

    def _others(self, cid: int) -> list:
        return [c for c in self.codes if c.id != cid and not c.retired]

    def merge(self, cid: int) -> None:
        src = self._code(cid)
        others = self._others(cid)
        names = [f"{c.label} ({c.key})" for c in others]
        choice = self.ask_item(tr("Merge into…"), trf("Merge “{0}” into:", src.label), names)
        if choice is None or choice not in names:
            return
        tgt = others[names.index(choice)]
        st, tid = self.store, tgt.id
        self._edit(trf("merge {0} into {1}", src.label, tgt.label),
                   lambda _p: codes_mod.merge_codes(st, cid, tid),
                   lambda res: codes_mod.unmerge_codes(st, res),
                   lambda res: trf("Merged {0} into {1}: {2} codings moved, {3} duplicates dropped.",
                                   src.label, tgt.label, res["moved"], res["dropped"]))

    def move(self, cid: int) -> None:
        c = self._code(cid)
        others = self._others(cid)
        names = [tr("(top level)")] + [f"{o.label} ({o.key})" for o in others]
        choice = self.ask_item(tr("Move under…"), trf("Move “{0}” under:", c.label), names)
        if choice is None or choice not in names:
            return
        k = names.index(choice)
        st, parent = self.store, None if k == 0 else others[k - 1].id
        self._edit(trf("move code {0}", c.label), lambda _p: codes_mod.move_code(st, cid, parent),
                   lambda old: codes_mod.move_code(st, cid, **old))

    def retire(self, cid: int) -> None:
        c = self._code(cid)
        if self.confirm(trf("Retire “{0}”? It stays on existing codings but is no longer offered.", c.label)):
            st = self.store
            self._edit(trf("retire code {0}", c.label), lambda _p: codes_mod.retire_code(st, cid),
                       lambda was: codes_mod.retire_code(st, cid, was))
