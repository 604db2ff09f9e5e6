"""Fil → Eksportér…: choose an export and its options, preview it, save it in the background.

All computing is in ``workbench.export.preview`` (Qt-free); this dialog only collects the
choices, shows the preview (a table of the first rows, or the chart itself) and runs the
export in a worker with progress and cancel, so a large project never freezes the window.
Tests (and scripts) set ``output_hook`` to bypass the native save dialog.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Callable, Optional

import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QPixmap
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QFileDialog, QFormLayout, QHBoxLayout, QLabel,
                               QPushButton, QSizePolicy, QSpinBox, QStackedWidget, QTableView, QVBoxLayout, QWidget)
from sqlmodel import select

from workbench.ui.answer_model import band_name
from workbench.ui.i18n import Texts, number, tr, trf
from workbench.ui.workers import start_worker

ALL_GROUPS = "alle"  # "--by alle": no grouping
FILTERS = {".xlsx": "Excel workbook (*.xlsx)", ".csv": "CSV file (*.csv)", ".docx": "Word document (*.docx)",
           ".qdpx": "REFI-QDA project (*.qdpx)", ".qdc": "REFI-QDA codebook (*.qdc)", ".png": "PNG image (*.png)",
           ".svg": "SVG image (*.svg)", ".pdf": "PDF (*.pdf)"}


class FrameModel(QAbstractTableModel):
    """A read-only pandas DataFrame for a QTableView (the preview). Code ids (a ``code``
    column's values, the answers export's per-code columns) are shown as the codes' labels;
    the id the file holds is in the tooltip."""

    def __init__(self, df: Optional[pd.DataFrame] = None, parent=None, labels: Optional[dict[str, str]] = None):
        super().__init__(parent)
        self.df = df if df is not None else pd.DataFrame()
        self.labels = labels or {}

    def set_frame(self, df: pd.DataFrame) -> None:
        self.beginResetModel()
        self.df = df
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.df)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.df.columns)

    def _code_column(self, section: int) -> bool:
        return str(self.df.columns[section]) == "code"

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.ToolTipRole and self._code_column(index.column()):
            v = self.df.iat[index.row(), index.column()]
            return trf("In the file: {0}", v) if isinstance(v, str) and v in self.labels else None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        v = self.df.iat[index.row(), index.column()]
        if isinstance(v, str) and self._code_column(index.column()):
            return self.labels.get(v, v)
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            return ""
        if isinstance(v, float):
            return f"{v:.3g}" if abs(v) < 1 else f"{v:.1f}"
        return str(v)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and section < len(self.df.columns):
            name = str(self.df.columns[section])
            if role == Qt.ItemDataRole.DisplayRole:
                return self.labels.get(name, name)
            if role == Qt.ItemDataRole.ToolTipRole and name in self.labels:
                return trf("In the file: {0}", name)
            return None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return str(section + 1)


class PixmapView(QLabel):
    """Shows a chart scaled to the available width, keeping the full-size pixmap."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.source = QPixmap()
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(200, 120)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)

    def set_image(self, path) -> bool:
        self.source = QPixmap(str(path))
        self._rescale()
        return not self.source.isNull()

    def show_message(self, text: str) -> None:
        self.source = QPixmap()
        self.clear()
        self.setText(text)

    def resizeEvent(self, e) -> None:
        super().resizeEvent(e)
        self._rescale()

    def _rescale(self) -> None:
        if not self.source.isNull():
            self.setPixmap(self.source.scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                              Qt.TransformationMode.SmoothTransformation))


def project_choices(store) -> dict:
    """Coders (people and final), questions, years, the default coder and, from the survey
    definition, the groupings (its variables) and bands, read once."""
    from workbench.coding.models import Coder, Question, Survey
    from workbench.coding.store import FINAL_CODER
    from workbench.coding.surveys import project_definition
    from workbench.export.data import HUMAN_ROLES, coders_with_work
    from workbench.export.safety import min_cell

    with store.session() as s:
        coders = [(n, r) for n, r in s.exec(select(Coder.name, Coder.role).order_by(Coder.id))]
        qrows = s.exec(select(Question.key, Question.topic, Question.position).order_by(Question.position)).all()
        years = sorted(set(s.exec(select(Survey.year)).all()))
        defn = project_definition(s)
    names = [n for n, r in coders if r in HUMAN_ROLES] + [n for n, _r in coders if n == FINAL_CODER]
    final, humans = coders_with_work(store)
    default, why = (FINAL_CODER if final else humans[0] if len(humans) == 1 else None), ""
    if default is None and humans:
        default = humans[0]
        why = trf("Several coders have coded ({0}), nothing is reconciled: the export shows the chosen coder's.",
                  ", ".join(humans))
    elif default is None:
        default = names[0] if names else None
        why = tr("Nobody has coded yet: the export's theme columns stay empty.")
    questions = list(dict.fromkeys((k, t or "") for k, t, _p in qrows))
    if defn is not None:  # the definition's titles, its order
        known = {k for k, _t in questions}
        questions = [(q.key, q.title if q.title != q.key else "") for q in defn.questions if q.key in known] + \
                    [(k, t) for k, t in questions if defn.question(k) is None]
    groupings = [(v.title, v.key) for v in defn.variables] if defn is not None else []
    groupings.append((tr("All"), ALL_GROUPS))
    bands = [(b, defn.band_label(b)) for b in defn.bands] if defn is not None else []
    return dict(coders=names, default_coder=default, coder_note=why, questions=questions, years=years,
                min_cell=min_cell(store), groupings=groupings, bands=bands,
                default_by=(defn.default_group if defn is not None else None) or ALL_GROUPS)


def _combo(items, current=None) -> QComboBox:
    c = QComboBox()
    for text, data in items:
        c.addItem(text, data)
    if current is not None:
        i = c.findData(current)
        if i >= 0:
            c.setCurrentIndex(i)
    return c


class ExportDialog(QDialog):
    """The export dialog (see the module docstring)."""

    preview_ready = Signal()
    export_done = Signal(str)  # the written path
    export_failed = Signal(str)

    def __init__(self, store, parent: Optional[QWidget] = None, interactive: bool = True):
        super().__init__(parent)
        from workbench.export.preview import KINDS

        self.store, self.interactive = store, interactive
        self.output_hook: Optional[Callable[[str, str], Optional[str]]] = None
        self.last_output: Optional[Path] = None
        self.last_error: Optional[BaseException] = None
        self.frame: Optional[pd.DataFrame] = None
        self.worker = None
        self._gen = 0
        self._tmp = Path(tempfile.mkdtemp(prefix="wb-preview-"))
        self.texts = Texts()
        self.setObjectName("exportDialog")
        self.texts.bind(self.setWindowTitle, "Export")
        self.resize(1000, 700)
        ch = project_choices(store)
        self.choices = ch

        self.kind = _combo([(tr(k.label), k.key) for k in KINDS.values()])
        self.coder = _combo([(n, n) for n in ch["coders"]], ch["default_coder"])
        self.by = _combo(ch["groupings"], ch["default_by"])
        self.question = _combo([(f"{k} {t}".strip(), k) for k, t in ch["questions"]])
        self.band = _combo([(tr("Answer distribution"), None)] +
                           [(trf("Themes: {0}", band_name(b, label)), b) for b, label in ch["bands"]])
        self.year = _combo([(tr("Default (newest survey; answers: all years)"), None)] +
                           [(str(y), y) for y in reversed(ch["years"])] + [(tr("All years"), "all")])
        self.min_cell = QSpinBox()
        self.min_cell.setRange(0, 1000)
        self.min_cell.setValue(int(ch["min_cell"]))
        self.texts.bind(self.min_cell.setToolTip, "Smaller groups are hidden; a change is saved in the project")
        self.allow_pii = QCheckBox()
        self.texts.bind(self.allow_pii.setText, "Allow personal data (show names, e-mails … as written)")
        self.allow_pii.setChecked(False)
        self.n_quotes = QSpinBox()
        self.n_quotes.setRange(0, 20)
        self.n_quotes.setValue(3)
        self.coder_note = QLabel(ch["coder_note"])
        self.coder_note.setWordWrap(True)
        self.coder_note.setStyleSheet("color: #8a5a00;")
        self.coder_note.setVisible(bool(ch["coder_note"]))

        form = QFormLayout()
        self._rows: dict[str, QWidget] = {}
        for key, label, w in (("kind", "Export", self.kind), ("coder", "Coder", self.coder), ("by", "Grouping", self.by),
                              ("question", "Question", self.question), ("band", "Chart", self.band),
                              ("year", "Year", self.year), ("min_cell", "Minimum cell size", self.min_cell),
                              ("n_quotes", "Quotes per theme", self.n_quotes), ("allow_pii", "", self.allow_pii)):
            lbl = QLabel()
            if label:
                self.texts.bind(lbl.setText, label)
            form.addRow(lbl, w)
            self._rows[key] = (lbl, w)
        form.addRow(QLabel(), self.coder_note)

        self.table = QTableView()
        self.table.setObjectName("exportPreviewTable")
        with store.session() as s:  # code labels for the preview (the file keeps the ids)
            labels = {c.key: c.label for c in store.codes(s)}
        self.model = FrameModel(parent=self, labels=labels)
        self.table.setModel(self.model)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.chart = PixmapView()
        self.chart.setObjectName("exportPreviewChart")
        self.message = QLabel()
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.stack = QStackedWidget()
        for w in (self.table, self.chart, self.message):
            self.stack.addWidget(w)
        self.preview_title = QLabel()

        self.btn_preview = QPushButton()
        self.texts.bind(self.btn_preview.setText, "Preview")
        self.btn_export = QPushButton()
        self.texts.bind(self.btn_export.setText, "Export…")
        self.btn_export.setDefault(True)
        self.btn_close = QPushButton()
        self.texts.bind(self.btn_close.setText, "Close")
        self.status = QLabel()
        self.status.setObjectName("exportStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.btn_folder = QPushButton()
        self.texts.bind(self.btn_folder.setText, "Open folder")
        self.btn_folder.setVisible(False)
        self.btn_preview.clicked.connect(self.refresh_preview)
        self.btn_export.clicked.connect(self.start_export)
        self.btn_close.clicked.connect(self.reject)
        self.btn_folder.clicked.connect(self.open_folder)

        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.btn_folder)
        buttons.addWidget(self.btn_preview)
        buttons.addWidget(self.btn_export)
        buttons.addWidget(self.btn_close)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.preview_title)
        lay.addWidget(self.stack, 1)
        lay.addLayout(buttons)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(350)
        self._debounce.timeout.connect(self.refresh_preview)
        for c in (self.kind, self.coder, self.by, self.question, self.band, self.year):
            c.currentIndexChanged.connect(self._changed)
        self.allow_pii.toggled.connect(self._changed)
        self.kind.currentIndexChanged.connect(self._update_rows)
        self._update_rows()

    # -- choices -------------------------------------------------------------------------
    def current_kind(self) -> str:
        return self.kind.currentData()

    def set_kind(self, key: str) -> None:
        self.kind.setCurrentIndex(self.kind.findData(key))

    def options(self):
        from workbench.export.preview import ExportOptions

        return ExportOptions(by=self.by.currentData(), coder=self.coder.currentData(), year=self.year.currentData(),
                             allow_pii=self.allow_pii.isChecked(), n_quotes=self.n_quotes.value(),
                             question=self.question.currentData(), band=self.band.currentData(),
                             min_cell=self.min_cell.value())

    def _update_rows(self) -> None:
        from workbench.export.preview import KINDS

        opts = KINDS[self.current_kind()].options
        for key, (lbl, w) in self._rows.items():
            on = key in ("kind", "min_cell") or key in opts
            if key == "min_cell":
                on = self.current_kind() not in ("qdpx", "qdc")
            lbl.setVisible(on)
            w.setVisible(on)
        self.coder_note.setVisible(bool(self.choices["coder_note"]) and "coder" in opts)

    def _changed(self, *_a) -> None:
        self._debounce.start()

    # -- preview -------------------------------------------------------------------------
    def refresh_preview(self) -> None:
        """Compute the preview in a worker; an older preview still running is ignored."""
        from workbench.export.preview import chart_png, preview_frame

        self._debounce.stop()
        self._gen += 1
        gen, kind, opts = self._gen, self.current_kind(), self.options()
        self.preview_title.setText(tr("Computing the preview…"))
        if kind == "chart":
            fn, args = chart_png, (self.store, self._tmp, opts.question, opts.band, opts.by, opts.coder, opts.year)
        elif kind in ("frequencies", "distributions", "answers"):
            fn, args = preview_frame, (self.store, kind, opts)
        else:
            self._show_message(tr("No preview for this export: it is written as a whole."))
            self.preview_ready.emit()
            return
        start_worker(fn, *args, on_done=lambda r: self._preview_done(gen, kind, r),
                     on_error=lambda e: self._preview_failed(gen, e))

    def _preview_done(self, gen: int, kind: str, result) -> None:
        if gen != self._gen:
            return
        if kind == "chart":
            self.chart.set_image(result)
            self.stack.setCurrentWidget(self.chart)
            self.preview_title.setText(tr("Preview of the chart"))
        else:
            self.frame = result
            self.model.set_frame(result)
            self.table.resizeColumnsToContents()
            self.stack.setCurrentWidget(self.table)
            title = trf("Preview: the first {0} rows", len(result))
            coder, done, total = result.attrs.get("coverage", (None, 0, 0))
            if coder and done < total:
                msg = "{0} has coded {1} of {2} answers with text; the shares grow as coding is finished."
                title += "  —  " + trf(msg, coder, number(done), number(total))
            self.preview_title.setText(title)
        self.preview_ready.emit()

    def _preview_failed(self, gen: int, e: BaseException) -> None:
        if gen != self._gen:
            return
        self.last_error = e
        self._show_message(trf("No preview: {0}", _message(e)))
        self.preview_ready.emit()

    def _show_message(self, text: str) -> None:
        self.preview_title.setText("")
        self.message.setText(text)
        self.stack.setCurrentWidget(self.message)

    # -- export --------------------------------------------------------------------------
    def choose_output(self) -> Optional[str]:
        """The output file: from ``output_hook`` when set (tests), else the native save dialog."""
        from workbench.export.preview import KINDS

        k = KINDS[self.current_kind()]
        filters = ";;".join(tr(FILTERS[s]) for s in k.suffixes)
        folder = self.last_output.parent if self.last_output else Path.home()
        suggested = str(folder / f"{self._default_name()}{k.suffixes[0]}")
        if self.output_hook is not None:
            path = self.output_hook(suggested, filters)
        else:
            path, _f = QFileDialog.getSaveFileName(self, tr("Export"), suggested, filters)
        if not path:
            return None
        if Path(path).suffix.lower() not in k.suffixes:
            path += k.suffixes[0]
        return path

    def _default_name(self) -> str:
        kind, o = self.current_kind(), self.options()
        base = {"frequencies": "temafrekvenser", "distributions": "svarfordelinger", "answers": "kodede_svar",
                "quotes": "citater", "report": "rapportudkast", "qdpx": "projekt", "qdc": "kodebog"}.get(kind)
        if kind == "chart":
            base = f"diagram_{o.question}_{o.band or 'fordeling'}"
        return base or kind

    def start_export(self):
        from workbench.export.preview import run_export

        out = self.choose_output()
        if not out:
            return None
        kind, opts = self.current_kind(), self.options()
        self.btn_export.setEnabled(False)
        self.btn_folder.setVisible(False)
        self.status.setText(trf("Exporting to {0}…", out))
        self.worker = start_worker(run_export, self.store, kind, out, opts, parent=self,
                                   label=trf("Exporting to {0}…", Path(out).name), show_after_ms=300,
                                   on_done=lambda msg: self._export_done(out, msg), on_error=self._export_failed,
                                   on_cancel=self._export_cancelled)
        return self.worker

    def _export_done(self, out: str, _summary: str) -> None:
        self.btn_export.setEnabled(True)
        self.last_output = Path(out)
        self.status.setText(trf("Exported to {0}", out))
        self.btn_folder.setVisible(True)
        win = self.parent()
        if win is not None and hasattr(win, "statusBar"):
            win.statusBar().showMessage(trf("Exported to {0}", out), 10000)
        self.export_done.emit(out)

    def _export_failed(self, e: BaseException) -> None:
        self.btn_export.setEnabled(True)
        self.last_error = e
        self.status.setText(trf("Export failed: {0}", _message(e)))
        self.export_failed.emit(_message(e))

    def _export_cancelled(self) -> None:
        self.btn_export.setEnabled(True)
        self.status.setText(tr("Cancelled"))
        self.export_failed.emit("cancelled")

    def open_folder(self) -> None:
        if self.last_output is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.last_output.parent)))

    def done(self, r: int) -> None:
        self._gen += 1  # a preview still being computed is dropped, not shown in a closed window
        shutil.rmtree(self._tmp, ignore_errors=True)
        super().done(r)


def _message(e: BaseException) -> str:
    m = getattr(e, "message", None)
    return m() if callable(m) else str(e)


def install(win) -> None:
    """Add Fil → Eksportér… (Ctrl+E) and Vis → Diagrammer… to the main window."""
    win.act_export = win._action("&Export…", lambda: open_export_dialog(win), ["Ctrl+E"], False)
    win.act_charts = win._action("Charts…", lambda: open_chart_viewer(win), (), False)
    win.m_file.insertAction(win.act_quit, win.act_export)
    win.m_file.insertSeparator(win.act_quit)
    win.m_view.addSeparator()
    win.m_view.addAction(win.act_charts)

    def enable(_ok=None) -> None:
        have = win.store is not None
        win.act_export.setEnabled(have)
        win.act_charts.setEnabled(have)
    win.project_loaded.connect(enable)
    enable()


def open_export_dialog(win) -> Optional[ExportDialog]:
    if win.store is None:
        return None
    dlg = ExportDialog(win.store, win, interactive=getattr(win, "interactive", True))
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    win.export_dialog = dlg
    dlg.show()
    dlg.refresh_preview()
    return dlg


def open_chart_viewer(win):
    from workbench.ui.chart_viewer import ChartViewer

    if win.store is None:
        return None
    dlg = ChartViewer(win.store, win)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    win.chart_viewer = dlg
    dlg.show()
    dlg.refresh()
    return dlg
