"""The grid's table model: a view over ``Grid`` rows, filtered and sorted by index arrays.

The model holds no copies of answers: ``visible`` is a numpy array of grid row indices,
so filtering or sorting 100,000 answers is one array swap and a model reset.

Painting is the hot path: every visible cell is asked for its data on every repaint, from
C++ into Python, and each of those calls needs the interpreter lock (which a background
thread, e.g. the suggestion model, may be holding). So the model leaves ``flags`` to the
C++ base class, does O(1) work per cell and role (brushes and fonts are built once, not per
call, and each column has its own small function), and where the PySide build allows it
answers a whole cell in one call (``multiData``, which Qt 6's item delegate uses) instead
of one call per role.
"""
from __future__ import annotations

import sys
from typing import Callable, Optional

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QModelRoleData, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from workbench.coding.grid import Grid, GridFilter
from workbench.ui.i18n import tr

COLUMNS = ("respondent", "group", "question", "score", "band", "text", "codes", "status")
HEADERS = ("Respondent", "Group", "Qn.", "Score", "Band", "Answer", "Codes", "Status")
BAND_COLOURS = {"negativ": "#f6c6c1", "neutral": "#fbe7a6", "positiv": "#c4e6c9", "ved_ikke": "#dedede"}
BAND_NAMES = {"negativ": "Negative", "neutral": "Neutral", "positiv": "Positive", "ved_ikke": "Don't know"}
BAND_OTHER_COLOUR = "#e4e4f0"  # a survey's own band beyond the standard four
STATUS_COLOURS = {"uncoded": "#8a8a8a", "coded": "#1b7f3b", "flagged": "#c0392b"}
COL = {name: i for i, name in enumerate(COLUMNS)}
_NCOL = len(COLUMNS)

# roles as plain ints: compared per cell and role while painting, so no enum arithmetic there
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_FONT = int(Qt.ItemDataRole.FontRole.value)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole.value)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole.value)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_USER = int(Qt.ItemDataRole.UserRole.value)
_CENTER = int(Qt.AlignmentFlag.AlignCenter.value)


def band_name(band: Optional[str], label: str = "") -> str:
    """A band as the UI shows it: the standard bands translated, a survey's own band by the
    label its definition gives (else its name)."""
    if band in BAND_NAMES:
        return tr(BAND_NAMES[band])
    return label or band or ""


def _void_calls_keep_none() -> bool:
    """False if this PySide build drops a reference to None on every call of a void method
    (PySide6 6.12.0 does, which only matters before Python 3.12 made None immortal: there
    each call brings the interpreter closer to a "deallocating None" abort). ``multiData``
    has to call two void methods per role, so it is only used where that is harmless."""
    if sys.version_info >= (3, 12):
        return True
    rd = QModelRoleData(int(Qt.ItemDataRole.DisplayRole.value))
    before = sys.getrefcount(None)
    for _ in range(64):
        rd.clearData()
    return sys.getrefcount(None) > before - 32


class AnswerTableModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.grid: Optional[Grid] = None
        self.visible = np.zeros(0, dtype=np.int64)
        self.filter = GridFilter()
        self.sort_key: Optional[str] = None
        self.sort_desc = False
        # a last reordering of the visible rows (the suggestions' "most uncertain first"),
        # applied with every filter and sort so that each is one model reset, not two
        self.reorder: Optional[Callable[[np.ndarray], np.ndarray]] = None
        self.code_labels: dict[int, str] = {}
        self.code_colours: dict[int, str] = {}
        self.group_title = ""             # header of the group column: the primary variable's title
        self.band_labels: dict[str, str] = {}   # the survey's own bands' labels
        self._band_brush = {k: QBrush(QColor(v)) for k, v in BAND_COLOURS.items()}
        self._band_text = QBrush(QColor("#202020"))  # dark text on the pale band colours, whatever the theme
        self._status_brush = {k: QBrush(QColor(v)) for k, v in STATUS_COLOURS.items()}
        self._bold = QFont()
        self._bold.setBold(True)
        self._cells = tuple(getattr(self, "_cell_" + c) for c in COLUMNS)

    # -- data source -----------------------------------------------------------------------
    def set_grid(self, grid: Optional[Grid], codes=()) -> None:
        self.beginResetModel()
        self.grid = grid
        self._read_definition()
        self.set_codes(codes, reset=False)
        self._recompute()
        self.endResetModel()

    def _read_definition(self) -> None:
        """Group header and band labels from the grid's survey definition."""
        defn = getattr(self.grid, "definition", None)
        var = defn.variable(self.grid.group_var) if defn is not None and self.grid.group_var else None
        self.group_title = var.title if var is not None else ""
        self.band_labels = {b: defn.band_label(b) for b in defn.bands} if defn is not None else {}
        for b in self.band_labels:
            if b not in self._band_brush:
                self._band_brush[b] = QBrush(QColor(BAND_OTHER_COLOUR))

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
        if self.reorder is not None:
            vis = self.reorder(vis)
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
    # rowCount and columnCount are called for every index Qt makes (hasIndex): keep them trivial
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.visible)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else _NCOL

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(HEADERS):
            if role == Qt.ItemDataRole.DisplayRole:
                if section == COL["group"] and self.group_title:
                    return self.group_title
                return tr(HEADERS[section])
            if role == Qt.ItemDataRole.ToolTipRole and section == COL["question"]:
                return tr("Question")
        return None

    # flags(): the C++ default (enabled, selectable, no children) - no Python call per cell

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        g = self.grid
        if g is None or not index.isValid():
            return None
        row = index.row()
        if row >= len(self.visible):
            return None
        return self._cells[index.column()](g, int(self.visible[row]), int(role))

    def _multi_data(self, index, roleDataSpan) -> None:
        """All the roles a delegate needs for one cell, in one call from C++ (installed as
        ``multiData`` below where safe). Every role is written or cleared: Qt's delegate
        reuses the span of the cell before."""
        g = self.grid
        row = index.row() if g is not None and index.isValid() else -1
        if not 0 <= row < len(self.visible):
            for rd in roleDataSpan:
                rd.clearData()
            return
        cell = self._cells[index.column()]
        i = int(self.visible[row])
        for rd in roleDataSpan:
            v = cell(g, i, rd.role())
            if v is None:
                rd.clearData()
            else:
                rd.setData(v)

    # -- cells: (grid, grid row, role as int) -> value ---------------------------------------
    def _status(self, g: Grid, i: int) -> str:
        return "flagged" if g.flagged[i] else ("coded" if g.coded[i] else "uncoded")

    def _cell_respondent(self, g: Grid, i: int, role: int):
        if role == _DISPLAY:
            return g.respondent_keys[i]
        if role == _USER:
            return int(g.answer_ids[i])
        return None

    def _cell_group(self, g: Grid, i: int, role: int):
        if role == _DISPLAY:
            return g.group_column[i] or ""
        if role == _USER:
            return int(g.answer_ids[i])
        return None

    def _cell_question(self, g: Grid, i: int, role: int):
        if role == _DISPLAY:
            return g.questions[i]
        if role == _ALIGN:
            return _CENTER
        if role == _USER:
            return int(g.answer_ids[i])
        return None

    def _cell_score(self, g: Grid, i: int, role: int):
        if role == _DISPLAY:
            s = int(g.scores[i])
            return "" if s < 0 else str(s)
        if role == _ALIGN:
            return _CENTER
        if role == _USER:
            return int(g.answer_ids[i])
        return None

    def _cell_band(self, g: Grid, i: int, role: int):
        if role == _DISPLAY:
            b = g.bands[i]
            return band_name(b, self.band_labels.get(b, "")) if b else ""
        if role == _BACKGROUND:
            return self._band_brush.get(g.bands[i])
        if role == _FOREGROUND:
            return self._band_text if g.bands[i] in self._band_brush else None
        if role == _USER:
            return int(g.answer_ids[i])
        return None

    def _cell_text(self, g: Grid, i: int, role: int):
        if role == _DISPLAY:
            return g.texts[i].replace("\n", " ")
        if role == _TOOLTIP:
            return g.texts[i]
        if role == _USER:
            return int(g.answer_ids[i])
        return None

    def _cell_codes(self, g: Grid, i: int, role: int):
        if role == _DISPLAY:
            cs = g.codings[i]
            if not cs:
                return ""
            return ", ".join(self.code_labels.get(c, str(c)) for c in g.code_ids(i))
        if role == _TOOLTIP:
            return "\n".join(self.code_labels.get(c, str(c)) for c in g.code_ids(i)) or None
        if role == _USER:
            return int(g.answer_ids[i])
        return None

    def _cell_status(self, g: Grid, i: int, role: int):
        if role == _DISPLAY:
            return tr(self._status(g, i))
        if role == _FOREGROUND:
            return self._status_brush[self._status(g, i)]
        if role == _FONT:
            return self._bold if g.flagged[i] else None
        if role == _USER:
            return int(g.answer_ids[i])
        return None


if _void_calls_keep_none():
    AnswerTableModel.multiData = AnswerTableModel._multi_data
