"""The filter bar over the grid: free text (Danish-aware) and combos for question, band,
main group, target group, coder, code and status. Emits a ``GridFilter`` on every change;
typing is debounced so a 100,000-answer grid does not refilter on every key."""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QToolButton, QWidget

from workbench.coding.bands import BANDS
from workbench.coding.grid import GridFilter
from workbench.ui.answer_model import BAND_COLOURS, BAND_NAMES
from workbench.ui.i18n import tr, trf

MAIN_GROUP_NAMES = {"udsatte": "Vulnerable citizens", "jobparate": "Job and education ready"}


def swatch(colour: str, size: int = 12) -> QIcon:
    pm = QPixmap(size, size)
    pm.fill(QColor(colour))
    return QIcon(pm)


class FilterBar(QWidget):
    changed = Signal(object)  # GridFilter
    submitted = Signal()      # Enter or Escape in the search field: back to the grid

    def __init__(self, parent=None):
        super().__init__(parent)
        self._building = False
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(220)
        self.search.setObjectName("filterText")
        self.question = QComboBox()
        self.band = QComboBox()
        self.main_group = QComboBox()
        self.subgroup = QComboBox()
        self.coder = QComboBox()
        self.code = QComboBox()
        self.status = QComboBox()
        self.combos = [self.question, self.band, self.main_group, self.subgroup, self.coder, self.code, self.status]
        for c in self.combos:
            c.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            c.setMinimumContentsLength(9)
            c.currentIndexChanged.connect(self._emit)
        self.subgroup.setMinimumContentsLength(14)
        self.code.setMinimumContentsLength(14)
        self.clear_btn = QToolButton()
        self.clear_btn.clicked.connect(self.clear)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 4, 6, 4)
        lay.setSpacing(6)
        lay.addWidget(self.search, 2)
        for c in self.combos:
            lay.addWidget(c, 1)
        lay.addWidget(self.clear_btn)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(120)
        self._timer.timeout.connect(self._emit)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self._submit)
        self._data: dict = dict(questions=[], subgroups=[], coders=[], codes=[])
        self.retranslate()

    def _submit(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self._emit()
        self.submitted.emit()

    def keyPressEvent(self, e) -> None:  # Escape in the bar: back to the grid
        if e.key() == Qt.Key.Key_Escape:
            self.submitted.emit()
            return
        super().keyPressEvent(e)

    # -- content -----------------------------------------------------------------------------
    def set_choices(self, questions=(), subgroups=(), coders=(), codes=()) -> None:
        """questions: [(key, topic)], subgroups: [(key, label)], coders: [name], codes: [Code]."""
        self._data = dict(questions=list(questions), subgroups=list(subgroups), coders=list(coders), codes=list(codes))
        self.retranslate()

    def retranslate(self) -> None:
        keep = self.current()
        self._building = True
        d = self._data
        self.search.setPlaceholderText(tr("Search answers (Ctrl+F)"))
        self.clear_btn.setText(tr("Clear"))
        self._fill(self.question, tr("All questions"), [(k, f"{k} · {t}") for k, t in d["questions"]])
        self._fill(self.band, tr("All bands"), [(b, tr(BAND_NAMES[b])) for b in BANDS],
                   icons={b: BAND_COLOURS[b] for b in BANDS})
        self._fill(self.main_group, tr("All main groups"), [(k, tr(v)) for k, v in MAIN_GROUP_NAMES.items()])
        self._fill(self.subgroup, tr("All target groups"), d["subgroups"])
        self._fill(self.coder, tr("All coders"), [(n, trf("Coded by {0}", n)) for n in d["coders"]])
        self._fill(self.code, tr("All codes"), [(c.id, c.label) for c in d["codes"]],
                   icons={c.id: c.colour for c in d["codes"]})
        self._fill(self.status, tr("Any status"), [("uncoded", tr("Uncoded answers")), ("coded", tr("Coded answers")),
                                                   ("flagged", tr("Flagged answers"))])
        self.set_current(keep)
        self._building = False

    @staticmethod
    def _fill(combo: QComboBox, all_label: str, items, icons: Optional[dict] = None) -> None:
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(all_label, None)
        for key, label in items:
            if icons and key in icons:
                combo.addItem(swatch(icons[key]), label, key)
            else:
                combo.addItem(label, key)
        combo.blockSignals(False)

    # -- state ---------------------------------------------------------------------------------
    def current(self) -> GridFilter:
        return GridFilter(question=self.question.currentData(), band=self.band.currentData(),
                          main_group=self.main_group.currentData(), subgroup=self.subgroup.currentData(),
                          coder=self.coder.currentData(), code=self.code.currentData(),
                          status=self.status.currentData(), text=self.search.text().strip())

    def set_current(self, f: GridFilter) -> None:
        """Show a filter (without emitting per field; emits once at the end)."""
        was = self._building
        self._building = True
        for combo, value in ((self.question, f.question), (self.band, f.band), (self.main_group, f.main_group),
                             (self.subgroup, f.subgroup), (self.coder, f.coder), (self.code, f.code),
                             (self.status, f.status)):
            k = combo.findData(value) if value is not None else 0
            combo.setCurrentIndex(max(k, 0))
        if self.search.text() != (f.text or ""):
            self.search.setText(f.text or "")
            self._timer.stop()
        self._building = was
        if not was:
            self._emit()

    def clear(self) -> None:
        self.set_current(GridFilter())

    def _emit(self, *_a) -> None:
        if not self._building:
            self.changed.emit(self.current())

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()
