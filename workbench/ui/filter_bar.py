"""The filter bar over the grid: free text (Danish-aware) and combos for the survey's own
questions and bands, one group combo over every background variable ("Variable: group"),
coder, code and status. Emits a ``GridFilter`` on every change;
typing is debounced so a 100,000-answer grid does not refilter on every key."""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QToolButton, QWidget

from workbench.coding.grid import GridFilter
from workbench.ui.answer_model import BAND_COLOURS, band_name
from workbench.ui.i18n import tr, trf

_SEP = "\x1f"  # joins (variable, group) into the group combo's item data


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
        self.group = QComboBox()
        self.group.setObjectName("groupFilter")
        self.coder = QComboBox()
        self.code = QComboBox()
        self.status = QComboBox()
        self.year = QComboBox()  # waves: shown only when the project holds more than one year
        self.year.setObjectName("yearFilter")
        self.combos = [self.question, self.band, self.group, self.coder, self.code, self.status, self.year]
        for c in self.combos:
            c.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            c.setMinimumContentsLength(9)
            c.currentIndexChanged.connect(self._emit)
        self.group.setMinimumContentsLength(16)
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
        self._data: dict = dict(questions=[], bands=[], groups=[], coders=[], codes=[], years=[])
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
    def set_choices(self, questions=(), bands=(), groups=(), coders=(), codes=(), years=()) -> None:
        """questions: [(key, title)]; bands: [(band, label)]; groups: [((variable key, group),
        "Variable: group")]; coders: [name]; codes: [Code]; years: the waves. All from the survey
        definition and the project."""
        self._data = dict(questions=list(questions), bands=list(bands), groups=list(groups), coders=list(coders),
                          codes=list(codes), years=sorted(years))
        self.year.setVisible(len(self._data["years"]) > 1)
        self.retranslate()

    def set_definition(self, defn, coders=(), codes=(), observed: Optional[dict] = None, years=()) -> None:
        """The choices a survey definition offers (questions, bands, every variable's groups;
        ``observed``: the groups present in the data, see ``group_choices``; the waves)."""
        self.set_choices(questions=question_choices(defn), bands=band_choices(defn),
                         groups=group_choices(defn, observed), coders=coders, codes=codes, years=years)

    def retranslate(self) -> None:
        keep = self.current()
        self._building = True
        d = self._data
        self.search.setPlaceholderText(tr("Search answers (Ctrl+F)"))
        self.clear_btn.setText(tr("Clear"))
        self._fill(self.question, tr("All questions"), [(k, f"{k} · {t}" if t and t != k else k) for k, t in d["questions"]])
        self._fill(self.band, tr("All bands"), [(b, band_name(b, label)) for b, label in d["bands"]],
                   icons={b: BAND_COLOURS[b] for b, _l in d["bands"] if b in BAND_COLOURS})
        self._fill(self.group, tr("All groups"), [(_SEP.join(vg), label) for vg, label in d["groups"]])
        self._fill(self.coder, tr("All coders"), [(n, trf("Coded by {0}", n)) for n in d["coders"]])
        self._fill(self.code, tr("All codes"), [(c.id, c.label) for c in d["codes"]],
                   icons={c.id: c.colour for c in d["codes"]})
        self._fill(self.status, tr("Any status"), [("uncoded", tr("Uncoded answers")), ("coded", tr("Coded answers")),
                                                   ("flagged", tr("Flagged answers"))])
        self._fill(self.year, tr("All years"), [(y, str(y)) for y in reversed(d["years"])])
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
        g = self.group.currentData()
        return GridFilter(question=self.question.currentData(), band=self.band.currentData(),
                          group=tuple(g.split(_SEP, 1)) if g else None,
                          coder=self.coder.currentData(), code=self.code.currentData(),
                          status=self.status.currentData(), text=self.search.text().strip(),
                          year=self.year.currentData())

    def set_current(self, f: GridFilter) -> None:
        """Show a filter (without emitting per field; emits once at the end)."""
        was = self._building
        self._building = True
        group = _SEP.join(f.group) if f.group else None
        for combo, value in ((self.question, f.question), (self.band, f.band), (self.group, group),
                             (self.coder, f.coder), (self.code, f.code), (self.status, f.status),
                             (self.year, f.year)):
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


# -- choices from a survey definition (no Qt) ------------------------------------------------
def question_choices(defn) -> list[tuple[str, str]]:
    """[(key, title)] of the survey's questions, in questionnaire order."""
    return [(q.key, q.title) for q in defn.questions] if defn is not None else []


def band_choices(defn) -> list[tuple[str, str]]:
    """[(band, label)] of the survey's bands (standard ones first)."""
    return [(b, defn.band_label(b)) for b in defn.bands] if defn is not None else []


def group_choices(defn, observed: Optional[dict] = None) -> list[tuple[tuple[str, str], str]]:
    """Every group of every variable as ((variable key, group), "Variable: group"), in the
    definition's order. With ``observed`` ({variable key: groups present in the data}) only
    groups someone is in are offered, and groups the definition does not list (a category
    without value labels) follow in sorted order."""
    out = []
    for v in (defn.variables if defn is not None else []):
        order = defn.group_order(v.key)
        if observed is not None:
            seen = {g for g in observed.get(v.key, ()) if g not in (None, "")}
            order = [g for g in order if g in seen] + sorted(seen - set(order), key=_natural)
        for g in order:
            out.append(((v.key, g), f"{v.title}: {g}"))
    return out


def _natural(s: str):
    import re

    return [(0, int(t), "") if t.isdigit() else (1, 0, t.lower()) for t in re.split(r"(\d+)", str(s)) if t]
