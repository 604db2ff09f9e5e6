"""Fil → Importér survey…: import any questionnaire from a CSV, XLSX or SPSS file.

The wizard reads the file and shows one row per column: a preview of its values, the role
``workbench.importer.infer`` guessed for it (id, year, score, follow-up text, open text,
variable, ignore), the question's or variable's key, a score's text column, its scale and
bands (presets 1–5, 0–10, 1–7, 1–10, or the user's own) and "don't know" codes. Every edit
re-checks, after a short pause, that the definition holds together and that every score in
the file falls in a band (``workbench.coding.survey_wizard.check``); a problem is shown in
the row of the column it concerns, in red. Import runs ``import_survey`` with the definition
in a worker (progress and cancel); afterwards the wizard offers to save the definition as
YAML for next year's wave. Tests set ``file_hook`` / ``save_hook`` instead of file dialogs.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Callable, Optional

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QFileDialog, QFormLayout, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QMessageBox, QPushButton, QSpinBox, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from workbench.coding import survey_wizard as W
from workbench.errors import InputError, Msg, message_of
from workbench.ui.i18n import Texts, number, tr, trf, trm
from workbench.ui.workers import start_worker

ROLE_LABELS = {"id": "Respondent id", "year": "Survey year", "score": "Score", "text": "Follow-up text",
               "open": "Open text", "variable": "Background variable", "ignore": "Ignore"}
PRESET_LABELS = {"1-5": "1–5", "0-10": "0–10", "1-7": "1–7", "1-10": "1–10", W.CUSTOM: "Custom"}
TYPE_LABELS = {"category": "Category", "number": "Number"}
HEADERS = ("Column", "Values", "Role", "Key name", "Text column", "Scale / type", "Bands", "Don't know", "Check")
C_COLUMN, C_VALUES, C_ROLE, C_KEY, C_PARTNER, C_SCALE, C_BANDS, C_DK, C_CHECK = range(len(HEADERS))
BAD_BG, BAD_FG, OK_FG = "#f6c6c1", "#8b1a10", "#1b7f3b"
FILE_FILTER = "Survey files (*.csv *.xlsx *.sav);;All files (*)"


def import_and_reload(store, file: str, coder: str, definition=None, year=None, progress=None):
    """Worker: import a survey file (with the wizard's definition, else the project's own),
    then reload the grid."""
    from workbench.coding.grid import Grid
    from workbench.importer.survey import import_survey

    res = import_survey(store, file, progress=progress, definition=definition, year=year)
    return res, Grid(store, coder)


class ImportWizard(QDialog):
    """The import wizard (see the module docstring)."""

    checked = Signal(object)    # the CheckResult of every (re)check
    imported = Signal(object)   # (ImportResult, Grid) after a successful import
    import_failed = Signal(str)

    def __init__(self, store, parent: Optional[QWidget] = None, path: Optional[str] = None,
                 coder: Optional[str] = None, interactive: bool = True):
        super().__init__(parent)
        self.store, self.interactive = store, interactive
        self.coder = coder if coder is not None else (getattr(parent, "coder", "") or "")
        self.file_hook: Optional[Callable[[], Optional[str]]] = None          # tests: the file to open
        self.save_hook: Optional[Callable[[str], Optional[str]]] = None       # tests: where to save the YAML
        self.path: Optional[str] = None
        self.table_data = None
        self.specs: list[W.ColumnSpec] = []
        self.result: Optional[W.CheckResult] = None
        self.saved_definition: Optional[Path] = None
        self.last_error: Optional[BaseException] = None
        self.worker = None
        self._updating = False
        self._band_errors: dict[str, Msg] = {}   # a band or don't-know cell that does not parse
        self._dk_errors: dict[str, Msg] = {}
        self.texts = Texts()
        self.setObjectName("importWizard")
        self.texts.bind(self.setWindowTitle, "Import survey")
        self.resize(1240, 660)

        # -- file, name, year ----------------------------------------------------------------
        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.file_edit.setObjectName("wizardFile")
        self.btn_browse = QPushButton()
        self.texts.bind(self.btn_browse.setText, "&Choose file…")
        self.btn_browse.clicked.connect(self.browse)
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("wizardName")
        self.year_spin = QSpinBox()
        self.year_spin.setRange(1990, 2100)
        self.year_spin.setValue(date.today().year)
        self.year_note = QLabel()
        self.year_note.setStyleSheet("color: #666;")
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(self.btn_browse)
        year_row = QHBoxLayout()
        year_row.addWidget(self.year_spin)
        year_row.addWidget(self.year_note, 1)
        form = QFormLayout()
        for label, field in (("&File", file_row), ("Survey &name", self.name_edit), ("&Year", year_row)):
            lbl = QLabel()
            self.texts.bind(lbl.setText, label)
            lbl.setBuddy(self.btn_browse if field is file_row else self.year_spin if field is year_row else field)
            form.addRow(lbl, field)

        # -- the columns -------------------------------------------------------------------
        self.grid = QTableWidget(0, len(HEADERS))
        self.grid.setObjectName("wizardColumns")
        self.grid.verticalHeader().setVisible(False)
        self.grid.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.setTabKeyNavigation(False)  # Tab walks through the row's combos and fields
        self.grid.setWordWrap(False)
        self.grid.setHorizontalHeaderLabels([tr(h) for h in HEADERS])
        hh = self.grid.horizontalHeader()
        for col, w in ((C_COLUMN, 110), (C_VALUES, 175), (C_ROLE, 150), (C_KEY, 95), (C_PARTNER, 125),
                       (C_SCALE, 95), (C_BANDS, 235), (C_DK, 65)):
            self.grid.setColumnWidth(col, w)
        hh.setSectionResizeMode(C_CHECK, QHeaderView.ResizeMode.Stretch)
        self.grid.currentCellChanged.connect(lambda *_a: self._show_detail())
        self.columns_label = QLabel()
        self.texts.bind(self.columns_label.setText, "The file's &columns and what each holds:")
        self.columns_label.setBuddy(self.grid)

        self.detail = QLabel()
        self.detail.setObjectName("wizardDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary = QLabel()
        self.summary.setObjectName("wizardSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.btn_save = QPushButton()
        self.texts.bind(self.btn_save.setText, "&Save definition…")
        self.btn_save.clicked.connect(lambda: self.save_definition())
        self.btn_import = QPushButton()
        self.texts.bind(self.btn_import.setText, "&Import")
        self.btn_import.setDefault(True)
        self.btn_import.clicked.connect(self.finish)
        self.btn_cancel = QPushButton()
        self.texts.bind(self.btn_cancel.setText, "Cancel")
        self.btn_cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(self.btn_save)
        buttons.addWidget(self.btn_import)
        buttons.addWidget(self.btn_cancel)

        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.columns_label)
        lay.addWidget(self.grid, 1)
        lay.addWidget(self.detail)
        lay.addLayout(buttons)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self.check_now)
        self.name_edit.textChanged.connect(lambda _t: self._changed())
        self.year_spin.valueChanged.connect(lambda _v: self._changed())
        self._update_buttons()
        if path:
            self.load_file(path)

    def changeEvent(self, e) -> None:  # a language switch while the wizard is open
        from PySide6.QtCore import QEvent

        if e.type() == QEvent.Type.LanguageChange:
            self.texts.apply()
            self.grid.setHorizontalHeaderLabels([tr(h) for h in HEADERS])
            for r in range(self.grid.rowCount()):
                combo = self.grid.cellWidget(r, C_ROLE)
                for i in range(combo.count()):
                    combo.setItemText(i, tr(ROLE_LABELS[combo.itemData(i)]))
            if self.specs:
                self._refresh_editors()
                self.check_now()
        super().changeEvent(e)

    # -- the file ------------------------------------------------------------------------
    def browse(self) -> None:
        if self.file_hook is not None:
            path = self.file_hook()
        else:
            folder = str(Path(self.path).parent) if self.path else str(Path.home())
            path, _f = QFileDialog.getOpenFileName(self, tr("Import survey"), folder, tr(FILE_FILTER))
        if path:
            self.load_file(path)

    def load_file(self, path: str) -> bool:
        """Read the file and show its columns with the guessed roles."""
        from workbench.importer.survey import read_survey_file

        try:
            table = read_survey_file(path)
        except Exception as e:  # an unreadable file: say why, keep what was shown
            self.last_error = e
            self._set_summary(trf("Cannot read {0}: {1}", Path(path).name, _message(e)), bad=True)
            return False
        self.path, self.table_data = str(path), table
        self.file_edit.setText(str(path))
        self.specs = W.specs_from_table(table)
        self._band_errors, self._dk_errors = {}, {}
        self._updating = True
        self.name_edit.setText(Path(path).stem)
        self._updating = False
        self._build_rows()
        self.check_now()
        self.grid.setFocus()
        if self.grid.rowCount():
            self.grid.setCurrentCell(0, C_ROLE)
        return True

    # -- rows ----------------------------------------------------------------------------
    def row_of(self, column: str) -> int:
        return next(i for i, s in enumerate(self.specs) if s.column == column)

    def spec(self, column: str) -> W.ColumnSpec:
        return self.specs[self.row_of(column)]

    def cell(self, column: str, part: int) -> QWidget:
        """The editor of a column's row (role, key, text column, scale, bands, don't know)."""
        return self.grid.cellWidget(self.row_of(column), part)

    def status_item(self, column: str) -> QTableWidgetItem:
        return self.grid.item(self.row_of(column), C_CHECK)

    def _build_rows(self) -> None:
        self._updating = True
        self.grid.setRowCount(0)
        self.grid.setRowCount(len(self.specs))
        for r, sp in enumerate(self.specs):
            it = QTableWidgetItem(sp.column)
            label = sp.guess.profile.label if sp.guess is not None and sp.guess.profile is not None else ""
            it.setToolTip("\n".join(x for x in (sp.column, label, sp.reason and trf("Guess: {0}", sp.reason)) if x))
            self.grid.setItem(r, C_COLUMN, it)
            pv = QTableWidgetItem(sp.preview)
            pv.setToolTip(sp.preview.replace(" · ", "\n"))
            pv.setForeground(QBrush(QColor("#555555")))
            self.grid.setItem(r, C_VALUES, pv)
            role = QComboBox()
            for k in W.ROLES:
                role.addItem(tr(ROLE_LABELS[k]), k)
            role.setCurrentIndex(role.findData(sp.role))
            role.setAccessibleName(trf("Role of {0}", sp.column))
            role.currentIndexChanged.connect(lambda _i, c=sp.column: self._role_changed(c))
            self.grid.setCellWidget(r, C_ROLE, role)
            key = QLineEdit(sp.key)
            key.setAccessibleName(trf("Key of {0}", sp.column))
            key.textEdited.connect(lambda t, c=sp.column: self._key_changed(c, t))
            self.grid.setCellWidget(r, C_KEY, key)
            partner = QComboBox()
            partner.setAccessibleName(trf("Text column of {0}", sp.column))
            partner.currentIndexChanged.connect(lambda _i, c=sp.column: self._partner_changed(c))
            self.grid.setCellWidget(r, C_PARTNER, partner)
            scale = QComboBox()
            scale.setAccessibleName(trf("Scale of {0}", sp.column))
            scale.currentIndexChanged.connect(lambda _i, c=sp.column: self._scale_changed(c))
            self.grid.setCellWidget(r, C_SCALE, scale)
            bands = QLineEdit()
            bands.setAccessibleName(trf("Bands of {0}", sp.column))
            bands.textEdited.connect(lambda t, c=sp.column: self._bands_changed(c, t))
            self.grid.setCellWidget(r, C_BANDS, bands)
            dk = QLineEdit()
            dk.setAccessibleName(trf("Don't-know codes of {0}", sp.column))
            dk.textEdited.connect(lambda t, c=sp.column: self._dk_changed(c, t))
            self.grid.setCellWidget(r, C_DK, dk)
            self.grid.setItem(r, C_CHECK, QTableWidgetItem(""))
        self._updating = False
        self._refresh_editors()
        self.grid.resizeRowsToContents()

    def _refresh_editors(self) -> None:
        """Each row's editors as its role allows (a score's text column, scale and bands; a
        variable's type); the text-column choices follow the current text roles."""
        was, self._updating = self._updating, True
        texts = W.text_columns(self.specs)
        for r, sp in enumerate(self.specs):
            scored, var = sp.role == "score", sp.role == "variable"
            key = self.grid.cellWidget(r, C_KEY)
            key.setEnabled(sp.role in ("score", "open", "variable"))
            shown = sp.key if sp.role in ("score", "open", "variable") else ""
            if key.text() != shown:
                key.setText(shown)
            partner = self.grid.cellWidget(r, C_PARTNER)
            partner.clear()
            if scored:
                partner.addItem(tr("(none)"), None)
                for t in texts:
                    partner.addItem(t, t)
                if sp.partner and partner.findData(sp.partner) < 0:
                    partner.addItem(sp.partner, sp.partner)
                partner.setCurrentIndex(max(partner.findData(sp.partner), 0) if sp.partner else 0)
            elif sp.role == "text":  # a follow-up shows the score it belongs to
                owner = next((o.column for o in self.specs if o.role == "score" and o.partner == sp.column), None)
                if owner:
                    partner.addItem(trf("follows {0}", owner), owner)
            partner.setEnabled(scored)
            scale = self.grid.cellWidget(r, C_SCALE)
            scale.clear()
            if scored:
                for p in (*W.SCALE_PRESETS, W.CUSTOM):
                    scale.addItem(tr(PRESET_LABELS[p]) if p == W.CUSTOM else PRESET_LABELS[p], p)
                scale.setCurrentIndex(scale.findData(sp.preset if sp.preset else W.CUSTOM))
                if sp.preset == W.CUSTOM and sp.scale:
                    scale.setItemText(scale.currentIndex(), trf("Custom {0}–{1}", *sp.scale))
            elif var:
                for t in W.VARIABLE_TYPES:
                    scale.addItem(tr(TYPE_LABELS[t]), t)
                scale.setCurrentIndex(scale.findData(sp.type))
            scale.setEnabled(scored or var)
            bands = self.grid.cellWidget(r, C_BANDS)
            if not bands.hasFocus() or not scored:
                bands.setText(W.format_bands(sp.bands) if scored else "")
                bands.setCursorPosition(0)
            bands.setEnabled(scored)
            bands.setPlaceholderText("negativ 1-2, neutral 3, positiv 4-5" if scored else "")
            dk = self.grid.cellWidget(r, C_DK)
            if not dk.hasFocus() or not scored:
                dk.setText(", ".join(map(str, sp.dont_know)) if scored else "")
            dk.setEnabled(scored)
            dk.setToolTip(tr("Scores that mean “don't know”, outside the scale (such as 99)") if scored else "")
        self._updating = was

    # -- edits ---------------------------------------------------------------------------
    def set_role(self, column: str, role: str) -> None:
        combo = self.cell(column, C_ROLE)
        combo.setCurrentIndex(combo.findData(role))

    def set_preset(self, column: str, preset: str) -> None:
        combo = self.cell(column, C_SCALE)
        combo.setCurrentIndex(combo.findData(preset))

    def set_bands(self, column: str, text: str) -> None:
        w = self.cell(column, C_BANDS)
        w.setText(text)
        self._bands_changed(column, text)

    def _role_changed(self, column: str) -> None:
        if self._updating:
            return
        sp = self.spec(column)
        role = self.cell(column, C_ROLE).currentData()
        old, sp.role = sp.role, role
        if old == "score" and role != "score":
            sp.partner = None
        if old == "text" and role != "text":
            for other in self.specs:
                if other.partner == column:
                    other.partner = None
        if role == "score":
            W.ensure_scored(sp)
            if not sp.partner:  # a follow-up right after it, not yet taken, is its text
                r = self.row_of(column)
                taken = {s.partner for s in self.specs if s.partner}
                if r + 1 < len(self.specs) and self.specs[r + 1].role == "text" and self.specs[r + 1].column not in taken:
                    sp.partner = self.specs[r + 1].column
        if role in ("score", "open", "variable") and not sp.key:
            from workbench.importer.infer import slug

            sp.key = slug(column)
        if role == "variable" and sp.guess is not None and sp.guess.profile is not None and not sp.guess.type:
            sp.type = "number" if sp.guess.profile.kind == "number" else "category"
        self._refresh_editors()
        self._changed()

    def _key_changed(self, column: str, text: str) -> None:
        if not self._updating:
            self.spec(column).key = text.strip()
            self._changed()

    def _partner_changed(self, column: str) -> None:
        if self._updating:
            return
        sp = self.spec(column)
        sp.partner = self.cell(column, C_PARTNER).currentData()
        self._changed()

    def _scale_changed(self, column: str) -> None:
        if self._updating:
            return
        sp = self.spec(column)
        value = self.cell(column, C_SCALE).currentData()
        if value is None:
            return
        if sp.role == "variable":
            sp.type = value
        elif sp.role == "score":
            sp.set_preset(value)
            if value == W.CUSTOM:  # own bands: type them in the band cell
                self.cell(column, C_BANDS).setFocus()
        self._refresh_editors()
        self._changed()

    def _bands_changed(self, column: str, text: str) -> None:
        if self._updating:
            return
        sp = self.spec(column)
        try:
            sp.set_bands(W.parse_bands(text))
            self._band_errors.pop(column, None)
        except ValueError as e:
            self._band_errors[column] = message_of(e)
        self._refresh_scale_cell(column)
        self._changed()

    def _dk_changed(self, column: str, text: str) -> None:
        if self._updating:
            return
        try:
            self.spec(column).dont_know = W.parse_codes(text)
            self._dk_errors.pop(column, None)
        except ValueError as e:
            self._dk_errors[column] = message_of(e)
        self._changed()

    def _refresh_scale_cell(self, column: str) -> None:
        sp = self.spec(column)
        combo = self.cell(column, C_SCALE)
        was, self._updating = self._updating, True
        i = combo.findData(sp.preset or W.CUSTOM)
        combo.setCurrentIndex(i)
        ci = combo.findData(W.CUSTOM)
        combo.setItemText(ci, trf("Custom {0}–{1}", *sp.scale) if sp.preset == W.CUSTOM and sp.scale else tr("Custom"))
        self._updating = was

    # -- the check -----------------------------------------------------------------------
    def _changed(self) -> None:
        if self._updating or self.table_data is None:
            return
        rows = len(self.table_data.rows)
        self._timer.setInterval(200 if rows < 20000 else 800)
        self._timer.start()
        self.btn_import.setEnabled(False)  # until the check of the latest edit is in

    def year(self) -> Optional[int]:
        """The wave's year: the spin box, unless a column holds the year."""
        return None if any(s.role == "year" for s in self.specs) else self.year_spin.value()

    def check_now(self) -> Optional[W.CheckResult]:
        """Check the definition and the whole file now; mark every row's status."""
        self._timer.stop()
        if self.table_data is None:
            return None
        try:
            res = W.check(self.table_data, self.specs, self.name_edit.text().strip(), self.year())
        except InputError as e:  # the file changed or went away since it was read: say so
            self.last_error = e
            res = W.CheckResult(definition=None, raw={}, general=[p.msg() for p in e.problems[:20]])
        for col, msg in self._band_errors.items():
            res.by_column.setdefault(col, []).insert(0, msg)
            res.definition = None
        for col, msg in self._dk_errors.items():
            res.by_column.setdefault(col, []).insert(0, msg)
            res.definition = None
        self.result = res
        has_year = any(s.role == "year" for s in self.specs)
        self.year_spin.setEnabled(not has_year)
        self.year_note.setText(tr("from the year column") if has_year else "")
        for r, sp in enumerate(self.specs):
            it = self.grid.item(r, C_CHECK)
            problems = self.row_problems(sp.column)
            if problems:
                it.setText("✖ " + problems[0] + (f" (+{len(problems) - 1})" if len(problems) > 1 else ""))
                it.setToolTip("\n".join(problems))
                it.setBackground(QBrush(QColor(BAD_BG)))
                it.setForeground(QBrush(QColor(BAD_FG)))
                it.setData(Qt.ItemDataRole.UserRole, "bad")
            else:
                it.setText("✓" if sp.role != "ignore" else "")
                it.setToolTip("")
                it.setBackground(QBrush())
                it.setForeground(QBrush(QColor(OK_FG)))
                it.setData(Qt.ItemDataRole.UserRole, "ok")
        if res.general:
            self._set_summary("✖ " + "\n✖ ".join(trm(m) for m in res.general), bad=True)
        elif len(res.by_column) == 1:
            self._set_summary(tr("✖ A column needs attention (marked red)."), bad=True)
        elif res.by_column:
            self._set_summary(trf("✖ {0} columns need attention (marked red).", len(res.by_column)), bad=True)
        elif res.definition is not None:
            q = len(res.definition.questions)
            v = len(res.definition.variables)
            self._set_summary(trf("✓ Ready: {0} respondents, {1} questions, {2} background variables.",
                                  number(res.respondents), q, v), bad=False)
        self._show_detail()
        self._update_buttons()
        self.checked.emit(res)
        return res

    def row_problems(self, column: str) -> list[str]:
        """A column's problems as its row shows them, in the UI's language."""
        return [trm(m) for m in self.result.by_column.get(column, [])] if self.result else []

    def row_is_marked(self, column: str) -> bool:
        return self.status_item(column).data(Qt.ItemDataRole.UserRole) == "bad"

    def _show_detail(self) -> None:
        r = self.grid.currentRow()
        if self.result is None or not (0 <= r < len(self.specs)):
            self.detail.setText("")
            return
        sp = self.specs[r]
        problems = self.row_problems(sp.column)
        if problems:
            self.detail.setStyleSheet(f"color: {BAD_FG};")
            self.detail.setText(f"<b>{_esc(sp.column)}</b>: " + "<br>".join(_esc(p) for p in problems))
        else:
            self.detail.setStyleSheet("color: #555;")
            why = trf("Guess: {0}", sp.reason) if sp.reason else ""
            self.detail.setText(f"<b>{_esc(sp.column)}</b>" + (f" — {_esc(why)}" if why else ""))

    def _set_summary(self, text: str, bad: bool) -> None:
        self.summary.setStyleSheet(f"color: {BAD_FG};" if bad else f"color: {OK_FG};")
        self.summary.setText(text)

    def _update_buttons(self) -> None:
        ok = self.result is not None and self.result.ok and self.worker is None
        self.btn_import.setEnabled(ok)
        self.btn_save.setEnabled(self.result is not None and self.result.definition is not None)

    # -- finish --------------------------------------------------------------------------
    def finish(self):
        """Import with the checked definition in the background (progress, cancel)."""
        res = self.check_now()
        if res is None or not res.ok:
            bad = [i for i, s in enumerate(self.specs) if s.column in (res.by_column if res else {})]
            if bad:
                self.grid.setCurrentCell(bad[0], C_CHECK)
            return None
        self.btn_import.setEnabled(False)
        self._set_summary(trf("Importing {0}…", Path(self.path).name), bad=False)
        self.worker = start_worker(import_and_reload, self.store, self.path, self.coder, res.definition, self.year(),
                                   parent=self, label=trf("Importing {0}…", Path(self.path).name), show_after_ms=0,
                                   on_done=self._done, on_error=self._failed, on_cancel=self._cancelled)
        return self.worker

    def _done(self, res) -> None:
        self.worker = None
        self.imported.emit(res)
        result = res[0]
        self._set_summary(trf("Imported {0} respondents, {1} answers", result.respondents, result.answers), bad=False)
        self.offer_save()
        self.accept()

    def _failed(self, e: BaseException) -> None:
        self.worker = None
        self.last_error = e
        self._set_summary(trf("Import failed: {0}", _message(e)), bad=True)
        self._update_buttons()
        self.import_failed.emit(_message(e))
        if self.interactive:
            QMessageBox.warning(self, tr("Import failed"), _message(e))

    def _cancelled(self) -> None:
        self.worker = None
        self._set_summary(tr("Cancelled"), bad=True)
        self._update_buttons()
        self.import_failed.emit("cancelled")

    def offer_save(self) -> Optional[Path]:
        """After the import: save the definition as YAML for next year's wave?"""
        if self.save_hook is None:
            if not self.interactive:
                return None
            ask = QMessageBox.question(self, tr("Save the survey definition"),
                                       tr("Save the survey definition as a YAML file? Next year's wave imports with it."))
            if ask != QMessageBox.StandardButton.Yes:
                return None
        return self.save_definition()

    def save_definition(self) -> Optional[Path]:
        """Write the checked definition as YAML (``save_hook`` or a save dialog picks the file)."""
        from workbench.coding.definition import save_definition
        from workbench.importer.infer import slug

        res = self.result
        if res is None or res.definition is None:
            return None
        folder = Path(self.path).parent if self.path else Path.home()
        suggested = str(folder / f"{slug(res.definition.name)}.yaml")
        if self.save_hook is not None:
            out = self.save_hook(suggested)
        else:
            out, _f = QFileDialog.getSaveFileName(self, tr("Save the survey definition"), suggested,
                                                  tr("Survey definition (*.yaml *.yml)"))
        if not out:
            return None
        if Path(out).suffix.lower() not in (".yaml", ".yml"):
            out += ".yaml"
        try:
            self.saved_definition = save_definition(res.definition, out)
        except OSError as e:
            self.last_error = e
            self._set_summary(trf("Could not save {0}: {1}", out, e.strerror or e), bad=True)
            return None
        win = self.parent()
        if win is not None and hasattr(win, "statusBar"):
            win.statusBar().showMessage(trf("Saved the survey definition to {0}", out), 10000)
        return self.saved_definition

    def reject(self) -> None:
        if self.worker is not None:  # importing: Cancel belongs to the progress dialog
            self.worker.cancel()
            return
        super().reject()


def _message(e: BaseException, limit: int = 20) -> str:
    """An error as the person is told it, in the UI's language where the core said it with
    ``Msg`` (an import's problems, a save error's Danish sentence)."""
    from workbench.errors import SaveError
    from workbench.ui.i18n import current_language

    if isinstance(e, InputError):
        lines = [trm(p.msg()) for p in e.problems[:limit]]
        if len(e.problems) > limit:
            lines.append(trf("... and {0} more problems", len(e.problems) - limit))
        return "\n".join(lines)
    if isinstance(e, SaveError):
        return e.text(current_language())
    m = getattr(e, "message", None)
    return m() if callable(m) else str(e)


def _esc(s: str) -> str:
    import html

    return html.escape(str(s))
