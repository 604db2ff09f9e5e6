"""The grid's table model: a view over ``Grid`` rows, filtered and sorted by index arrays.

The model holds no copies of answers: ``visible`` is a numpy array of grid row indices,
so filtering or sorting 100,000 answers is one array swap and a model reset.
"""
from __future__ import annotations

from typing import Optional

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from workbench.coding.grid import Grid, GridFilter
from workbench.ui.i18n import tr

COLUMNS = ("respondent", "subgroup", "question", "score", "band", "text", "codes", "status")
HEADERS = ("Respondent", "Group", "Qn.", "Score", "Band", "Answer", "Codes", "Status")
BAND_COLOURS = {"negativ": "#f6c6c1", "neutral": "#fbe7a6", "positiv": "#c4e6c9", "ved_ikke": "#dedede"}
BAND_NAMES = {"negativ": "Negative", "neutral": "Neutral", "positiv": "Positive", "ved_ikke": "Don't know"}
STATUS_COLOURS = {"uncoded": "#8a8a8a", "coded": "#1b7f3b", "flagged": "#c0392b"}
COL = {name: i for i, name in enumerate(COLUMNS)}


class AnswerTableModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.grid: Optional[Grid] = None
        self.visible = np.zeros(0, dtype=np.int64)
        self.filter = GridFilter()
        self.sort_key: Optional[str] = None
        self.sort_desc = False
        self.code_labels: dict[int, str] = {}
        self.code_colours: dict[int, str] = {}
        self._band_brush = {k: QBrush(QColor(v)) for k, v in BAND_COLOURS.items()}
        self._status_brush = {k: QBrush(QColor(v)) for k, v in STATUS_COLOURS.items()}
        self._bold = QFont()
        self._bold.setBold(True)

    # -- data source -----------------------------------------------------------------------
    def set_grid(self, grid: Optional[Grid], codes=()) -> None:
        self.beginResetModel()
        self.grid = grid
        self.set_codes(codes, reset=False)
        self._recompute()
        self.endResetModel()

    def set_codes(self, codes, reset: bool = True) -> None:
        self.code_labels = {c.id: c.label for c in codes}
        self.code_colours = {c.id: c.colour for c in codes}
        if reset and self.rowCount():
            self.dataChanged.emit(self.index(0, COL["codes"]), self.index(self.rowCount() - 1, COL["codes"]))

    def set_filter(self, f: GridFilter) -> None:
        self.beginResetModel()
        self.filter = f
        self._recompute()
        self.endResetModel()

    def _recompute(self) -> None:
        if self.grid is None:
            self.visible = np.zeros(0, dtype=np.int64)
            return
        vis = self.grid.filter(self.filter)
        if self.sort_key:
            vis = self.grid.sort(vis, self.sort_key, self.sort_desc)
        self.visible = vis

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if self.grid is None or not (0 <= column < len(COLUMNS)):
            return
        self.beginResetModel()
        self.sort_key, self.sort_desc = COLUMNS[column], order == Qt.SortOrder.DescendingOrder
        self._recompute()
        self.endResetModel()

    # -- lookup ------------------------------------------------------------------------------
    def grid_row(self, pos: int) -> int:
        return int(self.visible[pos])

    def answer_id(self, pos: int) -> Optional[int]:
        if self.grid is None or not (0 <= pos < len(self.visible)):
            return None
        return int(self.grid.answer_ids[self.visible[pos]])

    def position_of(self, answer_id: Optional[int]) -> int:
        """Where an answer is in the current view, or -1 (filtered out)."""
        if self.grid is None or answer_id is None:
            return -1
        i = self.grid.row_of.get(answer_id)
        if i is None:
            return -1
        hit = np.flatnonzero(self.visible == i)  # vectorised: no per-filter dict of 100k rows
        return int(hit[0]) if len(hit) else -1

    def answer_changed(self, answer_id: int) -> None:
        p = self.position_of(answer_id)
        if p >= 0:
            self.dataChanged.emit(self.index(p, 0), self.index(p, len(COLUMNS) - 1))

    # -- Qt model API ------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.visible)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(HEADERS[section])
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole and section == COL["question"]:
            return tr("Question")
        return None

    def flags(self, index) -> Qt.ItemFlag:
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        g = self.grid
        if g is None or not index.isValid():
            return None
        i = int(self.visible[index.row()])
        col = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if col == "respondent":
                return g.respondent_keys[i]
            if col == "subgroup":
                return g.subgroups[i]
            if col == "question":
                return g.questions[i]
            if col == "score":
                s = int(g.scores[i])
                return "" if s < 0 else str(s)
            if col == "band":
                b = g.bands[i]
                return tr(BAND_NAMES[b]) if b in BAND_NAMES else ""
            if col == "text":
                return g.texts[i].replace("\n", " ")
            if col == "codes":
                return ", ".join(self.code_labels.get(c, str(c)) for c in g.code_ids(i))
            if col == "status":
                return tr(g.status(i))
        elif role == Qt.ItemDataRole.BackgroundRole:
            if col == "band":
                return self._band_brush.get(g.bands[i])
        elif role == Qt.ItemDataRole.ForegroundRole:
            if col == "status":
                return self._status_brush[g.status(i)]
            if col == "band" and g.bands[i] in BAND_COLOURS:
                return QBrush(QColor("#202020"))  # dark text on the pale band colours, whatever the theme
        elif role == Qt.ItemDataRole.FontRole:
            if col == "status" and g.flagged[i]:
                return self._bold
        elif role == Qt.ItemDataRole.ToolTipRole:
            if col == "text":
                return g.texts[i]
            if col == "codes":
                return "\n".join(self.code_labels.get(c, str(c)) for c in g.code_ids(i)) or None
        elif role == Qt.ItemDataRole.TextAlignmentRole:
            if col in ("score", "question"):
                return int(Qt.AlignmentFlag.AlignCenter)
        elif role == Qt.ItemDataRole.UserRole:
            return int(g.answer_ids[i])
        return None
