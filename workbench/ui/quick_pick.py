"""Quick pick (Ctrl+K or /): type a few letters of a code's label, id or keywords, Enter applies.

For the 36-code codebook a coder cannot keep every shortcut in their head; this finds any
code in two or three keystrokes without leaving the keyboard.
"""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QDialog, QLineEdit, QListView, QVBoxLayout

from workbench.coding.grid import fold
from workbench.ui.codebook_panel import ROLE_HAY, ROLE_ID, CodeSearch
from workbench.ui.filter_bar import swatch
from workbench.ui.i18n import tr


class QuickPick(QDialog):
    picked = Signal(int)  # code id

    def __init__(self, codes, parent=None):
        super().__init__(parent)
        self.setWindowTitle(tr("Quick pick"))
        self.setObjectName("quickPick")
        self.setModal(True)
        self.resize(420, 360)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(tr("Type to find a code — Enter applies"))
        self.model = QStandardItemModel(self)
        for c in codes:  # the label and the key to press; the internal id only helps the search
            sc = f"   [{c.shortcut}]" if c.shortcut else ""
            it = QStandardItem(swatch(c.colour), f"{c.label}{sc}")
            it.setToolTip(c.description or c.label)
            it.setData(c.id, ROLE_ID)
            it.setData(fold(" ".join([c.label, c.key, c.category, *list(c.keywords or [])])), ROLE_HAY)
            it.setEditable(False)
            self.model.appendRow(it)
        self.proxy = CodeSearch(self, recursive=False)
        self.proxy.setSourceModel(self.model)
        self.list = QListView()
        self.list.setModel(self.proxy)
        self.list.setUniformItemSizes(True)
        self.list.doubleClicked.connect(lambda _i: self.accept())
        lay = QVBoxLayout(self)
        lay.addWidget(self.edit)
        lay.addWidget(self.list)
        self.edit.textChanged.connect(self._query)
        self.edit.installEventFilter(self)
        self.edit.returnPressed.connect(self.accept)
        self._query("")

    def _query(self, text: str) -> None:
        self.proxy.set_query(text)
        if self.proxy.rowCount():
            self.list.setCurrentIndex(self.proxy.index(0, 0))

    def eventFilter(self, obj, e) -> bool:
        if obj is self.edit and e.type() == QEvent.Type.KeyPress and e.key() in (
                Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            self.list.keyPressEvent(e)  # arrows move the selection while the cursor stays in the field
            return True
        return super().eventFilter(obj, e)

    def current_code(self) -> Optional[int]:
        idx = self.list.currentIndex()
        return idx.data(ROLE_ID) if idx.isValid() else None

    def accept(self) -> None:
        cid = self.current_code()
        super().accept()
        if cid is not None:
            self.picked.emit(int(cid))
