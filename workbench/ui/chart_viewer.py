"""Vis → Diagrammer…: look at a question's answer distribution and its themes per band
without exporting anything. The figures are the report's own (``workbench.export.charts``),
rendered to temporary PNGs in a worker and scaled to the window."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Optional

from PySide6.QtCore import QTimer, Qt, Signal
from PySide6.QtWidgets import QComboBox, QDialog, QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from workbench.ui.answer_model import band_name
from workbench.ui.export_dialog import PixmapView, _combo, _message, project_choices
from workbench.ui.i18n import Texts, tr, trf
from workbench.ui.workers import start_worker


def render_both(store, folder, question: str, band: str, by: str, coder: Optional[str]) -> dict:
    """Worker: both charts; a chart that cannot be drawn (no scores, no codings) gives its reason."""
    from workbench.export.preview import chart_png

    out = {}
    for key, b in (("distribution", None), ("themes", band)):
        try:
            out[key] = chart_png(store, folder, question, b, by, coder)
        except Exception as e:  # shown in place of the chart
            out[key] = e
    return out


class ChartViewer(QDialog):
    charts_ready = Signal()

    def __init__(self, store, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.store = store
        self.texts = Texts()
        self.setObjectName("chartViewer")
        self.texts.bind(self.setWindowTitle, "Charts")
        self.resize(1100, 800)
        self._tmp = Path(tempfile.mkdtemp(prefix="wb-charts-"))
        self._gen = 0
        ch = project_choices(store)
        self.question = _combo([(f"{k} {t}".strip(), k) for k, t in ch["questions"]])
        bands = [b for b, _l in ch["bands"]]
        self.band = _combo([(band_name(b, label), b) for b, label in ch["bands"]],
                           "negativ" if "negativ" in bands else (bands[0] if bands else None))
        self.by = _combo(ch["groupings"], ch["default_by"])
        self.coder = _combo([(n, n) for n in ch["coders"]], ch["default_coder"])
        bar = QHBoxLayout()
        for label, w in (("Question", self.question), ("Band", self.band), ("Grouping", self.by),
                         ("Coder", self.coder)):
            lbl = QLabel()
            self.texts.bind(lbl.setText, label)
            bar.addWidget(lbl)
            bar.addWidget(w)
        bar.addStretch(1)
        self.dist = PixmapView()
        self.dist.setObjectName("distributionChart")
        self.themes = PixmapView()
        self.themes.setObjectName("themeChart")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.dist)
        split.addWidget(self.themes)
        self.status = QLabel()
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(split, 1)
        lay.addWidget(self.status)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.refresh)
        for c in (self.question, self.band, self.by, self.coder):
            c.currentIndexChanged.connect(lambda _i: self._debounce.start())

    def refresh(self) -> None:
        self._debounce.stop()
        self._gen += 1
        gen = self._gen
        if self.question.currentData() is None:
            self.dist.show_message(tr("The project has no questions yet."))
            self.charts_ready.emit()
            return
        self.status.setText(tr("Drawing the charts…"))
        start_worker(render_both, self.store, self._tmp, self.question.currentData(), self.band.currentData(),
                     self.by.currentData(), self.coder.currentData(),
                     on_done=lambda r: self._done(gen, r), on_error=lambda e: self._done(gen, {"distribution": e,
                                                                                               "themes": e}))

    def _done(self, gen: int, res: dict) -> None:
        if gen != self._gen:
            return
        for view, key in ((self.dist, "distribution"), (self.themes, "themes")):
            r = res.get(key)
            if isinstance(r, BaseException):
                view.show_message(trf("No chart: {0}", _message(r)))
            else:
                view.set_image(r)
                Path(r).unlink(missing_ok=True)  # the pixmap is in memory now
        self.status.setText("")
        self.charts_ready.emit()

    def done(self, r: int) -> None:
        self._gen += 1  # a preview still being computed is dropped, not shown in a closed window
        shutil.rmtree(self._tmp, ignore_errors=True)
        super().done(r)
