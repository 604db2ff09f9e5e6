"""Historik: the audit trail of one answer (Kodning → Historik for svaret…, Ctrl+H) or of
the whole project (Fil → Projektlog…), newest first, with a filter on person or action and
an export to CSV. The events and their sentences come from ``workbench.coding.history``;
the project log is read off the GUI thread, since a long-running project has many events.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QMessageBox, QPushButton, QTableView, QVBoxLayout)

from workbench.coding import history
from workbench.export.history import export_history_csv
from workbench.ui import i18n
from workbench.ui.i18n import number, tr, trf, trn
from workbench.ui.workers import start_worker

PROJECT_LIMIT = 50_000  # newest events the project log shows; `workbench log --csv` writes them all
COLUMNS = ("time", "person", "answer", "action", "description")
HEADERS = {"time": "Time", "person": "Person", "answer": "Answer", "action": "Action",
           "description": "What happened"}


class HistoryModel(QAbstractTableModel):
    """Audit events as rows; ``set_filter`` keeps the rows whose person or action contains
    the text. Descriptions are made when first shown (in the UI language) and kept."""

    def __init__(self, parent=None, show_answer: bool = True):
        super().__init__(parent)
        self.columns = [c for c in COLUMNS if show_answer or c != "answer"]
        self.entries: list[history.HistoryEntry] = []
        self.rows: list[history.HistoryEntry] = []
        self.filter_text = ""
        self.lang = i18n.current_language()
        self._described: dict[int, str] = {}

    # -- data ------------------------------------------------------------------------------
    def set_entries(self, entries: list[history.HistoryEntry]) -> None:
        self.beginResetModel()
        self.entries = list(entries)
        self.lang = i18n.current_language()
        self._described.clear()
        self.rows = self._matching()
        self.endResetModel()

    def set_filter(self, text: str) -> None:
        self.beginResetModel()
        self.filter_text = text.strip().lower()
        self.rows = self._matching()
        self.endResetModel()

    def _matching(self) -> list[history.HistoryEntry]:
        t = self.filter_text
        if not t:
            return list(self.entries)
        return [e for e in self.entries if t in e.actor.lower() or t in e.who.lower() or t in e.action.lower()
                or t in history.action_name(e.action, self.lang).lower()]

    def description(self, e: history.HistoryEntry) -> str:
        d = self._described.get(e.id)
        if d is None:
            d = self._described[e.id] = e.describe(self.lang)
        return d

    def entry(self, row: int) -> Optional[history.HistoryEntry]:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    # -- Qt --------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self.columns):
            return tr(HEADERS[self.columns[section]])
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        e = self.entry(index.row())
        if e is None:
            return None
        col = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if col == "time":
                return e.at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
            if col == "person":
                return e.who
            if col == "answer":
                return e.answer_ref
            if col == "action":
                return history.action_name(e.action, self.lang)
            return self.description(e)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == "action":
                return e.action  # the log's own name, for `workbench log --action`
            if col == "description":
                return self.description(e)
            if col == "person" and e.who != e.actor:
                return e.actor  # the login that wrote the event
        return None


class HistoryDialog(QDialog):
    """The events of one answer (``answer_id``) or of the whole project (``None``)."""

    def __init__(self, store, parent=None, answer_id: Optional[int] = None, answer_label: str = "",
                 interactive: bool = True):
        super().__init__(parent)
        self.store, self.answer_id, self.interactive = store, answer_id, interactive
        self.output_hook: Optional[Callable[[str], str]] = None  # tests: choose the CSV path
        self.worker = None
        self.truncated = False
        project_log = answer_id is None
        self.setObjectName("projectLogDialog" if project_log else "historyDialog")
        self.setWindowTitle(tr("Project log") if project_log else trf("History: {0}", answer_label or answer_id))
        self.resize(960 if project_log else 820, 520)
        self.intro = QLabel(tr("Every change in the project, newest first.") if project_log
                            else tr("Every change to this answer, newest first."))
        self.intro.setStyleSheet("color: #555;")
        self.filter = QLineEdit()
        self.filter.setObjectName("historyFilter")
        self.filter.setPlaceholderText(tr("Filter by person or action…"))
        self.filter.setClearButtonEnabled(True)
        self.model = HistoryModel(self, show_answer=project_log)
        self.filter.textChanged.connect(self._filter_changed)
        self.table = QTableView()
        self.table.setObjectName("historyTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        hh = self.table.horizontalHeader()
        hh.setStretchLastSection(True)
        for i, c in enumerate(self.model.columns):
            if c != "description":
                hh.setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents)
        self.status = QLabel()
        self.status.setObjectName("historyStatus")
        self.btn_export = QPushButton(tr("Export CSV…"))
        self.btn_export.setObjectName("historyExport")
        self.btn_export.clicked.connect(self.export_csv)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("Close"))
        buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(self.intro, 1)
        top.addWidget(self.filter)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.btn_export)
        bottom.addWidget(buttons)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.table, 1)
        lay.addLayout(bottom)

    # -- loading ---------------------------------------------------------------------------
    def load(self) -> None:
        """Read the events: an answer's at once (an indexed, small query), the project's in
        a worker."""
        if self.answer_id is not None:
            try:
                self._loaded(history.events(self.store, answer_id=self.answer_id))
            except Exception as e:  # noqa: BLE001 - show it, do not crash the window
                self._failed(e)
            return
        self.status.setText(tr("Loading the log…"))
        self.btn_export.setEnabled(False)
        self.worker = start_worker(history.events, self.store, limit=PROJECT_LIMIT + 1,
                                   on_done=self._loaded, on_error=self._failed)

    def _loaded(self, entries: list) -> None:
        self.worker = None
        self.truncated = len(entries) > PROJECT_LIMIT and self.answer_id is None
        try:
            self.model.set_entries(entries[:PROJECT_LIMIT] if self.truncated else entries)
            self.btn_export.setEnabled(True)
            self._update_status()
        except RuntimeError:  # the dialog was closed while the log was read
            pass

    def _failed(self, e: BaseException) -> None:
        self.worker = None
        try:
            self.status.setText(trf("Could not read the log: {0}", e))
        except RuntimeError:  # closed meanwhile
            pass

    def _filter_changed(self, text: str) -> None:
        self.model.set_filter(text)
        self._update_status()

    def _update_status(self) -> None:
        shown, total = self.model.rowCount(), len(self.model.entries)
        text = trn("{0} event", "{0} events", total, number(total)) if shown == total else \
            trn("{0} of {1} event", "{0} of {1} events", total, number(shown), number(total))
        if self.truncated:
            text += " — " + trf("the newest {0}; `workbench log --csv` writes them all", number(PROJECT_LIMIT))
        self.status.setText(text)

    # -- export ----------------------------------------------------------------------------
    def export_csv(self) -> Optional[str]:
        """Write the rows shown (the filter applies) to a CSV file the user chooses."""
        name = "projektlog.csv" if self.answer_id is None else f"historik_svar_{self.answer_id}.csv"
        if self.output_hook is not None:
            path = self.output_hook(name)
        else:
            from PySide6.QtWidgets import QFileDialog

            path, _f = QFileDialog.getSaveFileName(self, tr("Export CSV…"), name, tr("CSV file (*.csv)"))
        if not path:
            return None
        if Path(path).suffix.lower() != ".csv":
            path += ".csv"
        try:
            n = export_history_csv(self.store, path, lang=self.model.lang, entries=self.model.rows)
        except Exception as e:  # noqa: BLE001 - a full disk, a locked file: say so
            self.status.setText(trf("Export failed: {0}", e))
            if self.interactive:
                QMessageBox.critical(self, tr("Export"), trf("Export failed: {0}", e))
            return None
        self.status.setText(trf("Exported {0} events to {1}", number(n), path))
        return path


def open_history(win, project_log: bool = False) -> Optional[HistoryDialog]:
    """Open the current answer's history, or with ``project_log`` the whole project's."""
    if win.store is None:
        return None
    answer_id, label = None, ""
    if not project_log:
        answer_id = win.current_answer_id()
        if answer_id is None:
            win.statusBar().showMessage(tr("No answer is selected."), 4000)
            return None
        row = win.current_row()
        label = f"{row.respondent_key} {row.question_key}" if row is not None else str(answer_id)
    dlg = HistoryDialog(win.store, win, answer_id=answer_id, answer_label=label,
                        interactive=getattr(win, "interactive", True))
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    win.history_dialog = dlg
    dlg.show()
    dlg.load()
    return dlg


def install(win) -> None:
    """Kodning → Historik for svaret… (Ctrl+H) and Fil → Projektlog…"""
    win.history_dialog = None
    win.act_history = win._action("History of the answer…", lambda: win.open_history(), ["Ctrl+H"], False)
    win.act_project_log = win._action("Project log…", lambda: win.open_history(project_log=True), (), False)
    acts = win.m_coding.actions()  # after "Markér som citat", with the answer's other actions
    after = acts.index(win.act_star) + 1 if win.act_star in acts else len(acts)
    win.m_coding.insertAction(acts[after] if after < len(acts) else None, win.act_history)
    win.m_file.insertAction(win.act_quit, win.act_project_log)
    win.m_file.insertSeparator(win.act_quit)

    def enable(ok=None) -> None:
        for a in (win.act_history, win.act_project_log):
            a.setEnabled(win.store is not None)
    enable()
    win.project_loaded.connect(enable)
