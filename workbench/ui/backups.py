"""Automatic backups of an open SQLite project, and Fil → Gendan fra sikkerhedskopi….

A backup is taken in a worker when a project is opened and then every ten minutes while it
is open (skipped when the file has not changed since the last one, so the 20 kept copies
span real work rather than idle time). Restoring closes the project, lets
``restore_backup`` keep a copy of the current state first, and reopens the project.
PostgreSQL projects are backed up on the server (pg_dump), so nothing happens for them.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Optional

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel, QMessageBox,
                               QTableWidget, QTableWidgetItem, QVBoxLayout)

from workbench.ui.i18n import Texts, number, tr, trf
from workbench.ui.workers import start_worker

INTERVAL_MS = 10 * 60 * 1000
KEEP = 20
_STAMP = re.compile(r"-(\d{8}-\d{6})-(\d{6})(?:-(.+))?$")


def _signature(path: Path) -> tuple:
    """What changes when the project changes: size and mtime of the file and its WAL."""
    sig = []
    for p in (path, Path(str(path) + "-wal")):
        try:
            st = p.stat()
            sig.append((st.st_size, st.st_mtime_ns))
        except OSError:
            sig.append(None)
    return tuple(sig)


def backup_info(path: Path) -> dict:
    """When a backup was taken (local time, from its UTC name stamp), its size and label."""
    m = _STAMP.search(path.stem)
    when = None
    if m:
        try:
            when = datetime.strptime(m.group(1), "%Y%m%d-%H%M%S").replace(tzinfo=timezone.utc).astimezone()
        except ValueError:
            when = None
    if when is None:
        when = datetime.fromtimestamp(path.stat().st_mtime)
    return dict(path=path, when=when, size=path.stat().st_size, label=(m.group(3) if m else "") or "")


class BackupScheduler(QObject):
    """Takes the automatic backups of the main window's project."""

    backup_taken = Signal(object)  # Path
    backup_failed = Signal(object)

    def __init__(self, win, interval_ms: int = INTERVAL_MS, keep: int = KEEP):
        super().__init__(win)
        self.win, self.keep = win, keep
        self.project: Optional[Path] = None
        self.last_signature: Optional[tuple] = None
        self.busy = False
        self.paused = False
        self.last_error: Optional[BaseException] = None
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(lambda: self.backup_now())
        win.project_loaded.connect(self._loaded)

    def _loaded(self, ok: bool) -> None:
        store = self.win.store
        if not ok or store is None or not store.is_sqlite:
            self.project = None
            self.timer.stop()
            return
        path = Path(store.path).resolve()
        if path != self.project:  # a newly opened project (not a coder switch or import)
            self.project, self.last_signature = path, None
            self.backup_now(force=True)
        self.timer.start()

    def backup_now(self, force: bool = False):
        """Start a backup in a worker (nothing if one is running or nothing has changed)."""
        from workbench.coding.backup import create_backup

        if self.project is None or self.busy or self.paused or not self.project.exists():
            return None
        sig = _signature(self.project)
        if not force and sig == self.last_signature:
            return None
        self.busy = True
        project = self.project

        def done(path) -> None:
            self.busy = False
            self.last_signature = sig
            self.backup_taken.emit(path)

        def failed(e) -> None:
            self.busy = False
            self.last_error = e
            self.win.statusBar().showMessage(trf("Automatic backup failed: {0}", e), 10000)
            self.backup_failed.emit(e)
        return start_worker(create_backup, project, keep=self.keep, on_done=done, on_error=failed)


class RestoreDialog(QDialog):
    """Lists the project's backups (newest first) and restores the chosen one."""

    restored = Signal(object)  # the safety copy taken before restoring

    def __init__(self, win, project: Path):
        super().__init__(win)
        from workbench.coding.backup import list_backups

        self.win, self.project = win, Path(project)
        self.confirm_hook: Optional[Callable[[Path], bool]] = None
        self.texts = Texts()
        self.setObjectName("restoreDialog")
        self.texts.bind(self.setWindowTitle, "Restore from backup")
        self.resize(720, 420)
        self.backups = [backup_info(p) for p in reversed(list_backups(self.project))]
        intro = QLabel()
        intro.setWordWrap(True)
        self.texts.bind(intro.setText, "Choose the state to go back to; the current state is kept as a backup first.")
        self.table = QTableWidget(len(self.backups), 3)
        self.table.setObjectName("backupList")
        self.table.setHorizontalHeaderLabels([tr("Time"), tr("Size"), tr("File")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for i, b in enumerate(self.backups):
            when = b["when"].strftime("%d-%m-%Y %H:%M:%S")
            if b["label"] == "before-restore":
                when += "  " + tr("(before a restore)")
            kb = max(1, round(b["size"] / 1024))
            for j, text in enumerate((when, trf("{0} kB", number(kb)), b["path"].name)):
                item = QTableWidgetItem(text)
                if j == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, j, item)
        if self.backups:
            self.table.selectRow(0)
        self.table.resizeColumnsToContents()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.btn_restore = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.texts.bind(self.btn_restore.setText, "Restore")
        self.btn_restore.setEnabled(bool(self.backups))
        self.buttons.accepted.connect(self.restore_selected)
        self.buttons.rejected.connect(self.reject)
        self.table.doubleClicked.connect(lambda _i: self.restore_selected())
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.buttons)

    def selected(self) -> Optional[Path]:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()]["path"] if rows else None

    def select_backup(self, path: Path) -> None:
        for i, b in enumerate(self.backups):
            if b["path"] == Path(path):
                self.table.selectRow(i)

    def _confirm(self, backup: Path) -> bool:
        if self.confirm_hook is not None:
            return self.confirm_hook(backup)
        when = backup_info(backup)["when"].strftime("%d-%m-%Y %H:%M:%S")
        answer = QMessageBox.question(self, tr("Restore from backup"),
                                      trf("Replace the project with the backup from {0}? The current state is kept first.",
                                          when))
        return answer == QMessageBox.StandardButton.Yes

    def restore_selected(self):
        backup = self.selected()
        if backup is None or not self._confirm(backup):
            return None
        self.accept()
        return restore_into_window(self.win, self.project, backup, on_restored=self.restored.emit)


def restore_into_window(win, project: Path, backup: Path, on_restored=None):
    """Close the project, restore the backup in a worker, then reopen the project."""
    from workbench.coding.backup import restore_backup

    sched: Optional[BackupScheduler] = getattr(win, "backup_scheduler", None)
    if sched is not None:
        sched.paused = True
    if win.store is not None:
        win.store.close()  # no pooled connection may write while the file is replaced

    def done(safety) -> None:
        if sched is not None:
            sched.paused = False
            sched.project = None  # the reopened project gets a fresh backup of the restored state
        win.statusBar().showMessage(trf("Restored {0}; the state before is kept in {1}", backup.name,
                                        Path(safety).name if safety else "-"), 15000)
        win.open_project(str(project))
        if on_restored:
            on_restored(safety)

    def failed(e) -> None:
        if sched is not None:
            sched.paused = False
        win.last_error = e
        if getattr(win, "interactive", True):
            QMessageBox.critical(win, tr("Restore from backup"), trf("The restore failed: {0}", e))
        win.open_project(str(project))
    return start_worker(restore_backup, project, backup, parent=win, label=tr("Restoring the backup…"),
                        show_after_ms=0, on_done=done, on_error=failed)


def open_restore_dialog(win) -> Optional[RestoreDialog]:
    if win.store is None or not win.store.is_sqlite:
        QMessageBox.information(win, tr("Restore from backup"),
                                tr("Only project files have backups here; a team project is backed up on its server.")) if getattr(win, "interactive", True) else None
        return None
    dlg = RestoreDialog(win, Path(win.store.path))
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    win.restore_dialog = dlg
    dlg.open()
    return dlg


def install(win) -> None:
    """Start the automatic backups and add Fil → Gendan fra sikkerhedskopi… to the window."""
    win.backup_scheduler = BackupScheduler(win)
    win.act_restore = win._action("Restore from backup…", lambda: open_restore_dialog(win), (), False)
    win.m_file.insertAction(win.act_quit, win.act_restore)
    win.m_file.insertSeparator(win.act_quit)

    def enable(_ok=None) -> None:
        win.act_restore.setEnabled(win.store is not None and win.store.is_sqlite)
    win.project_loaded.connect(enable)
    enable()
