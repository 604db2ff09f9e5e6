"""Live refresh for teams: show what other people changed, without losing one's place.

Every few seconds the window asks the core (``changes_since``) for audit events by others
since the last one seen, and re-reads only the answers they touched (or everything, after
a bulk change or a codebook edit). On PostgreSQL it always polls; on an SQLite file it only
queries when the file (or its WAL) changed on disk, so a solo project costs one ``stat``.
"""
from __future__ import annotations

import os
from typing import Optional

from PySide6.QtCore import QObject, QTimer

from workbench.coding.changes import Changes, changes_since, latest_event_id
from workbench.ui.i18n import trn

INTERVAL_MS = 5000


class LiveRefresh(QObject):
    """Owned by the main window; restarts from the newest event whenever a project opens."""

    def __init__(self, win, interval_ms: int = INTERVAL_MS):
        super().__init__(win)
        self.win = win
        self.last_id = 0
        self._stamp: Optional[tuple] = None
        self.last_changes: Optional[Changes] = None
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)
        win.project_loaded.connect(self._project_loaded)

    def _project_loaded(self, ok: bool) -> None:
        self.timer.stop()
        if not ok or self.win.store is None:
            return
        self.last_id = latest_event_id(self.win.store)
        self._stamp = self._file_stamp()
        self.timer.start()

    def _file_stamp(self) -> Optional[tuple]:
        store = self.win.store
        if store is None or not store.is_sqlite or store.path is None:
            return None
        out = []
        for suffix in ("", "-wal"):
            try:
                st = os.stat(str(store.path) + suffix)
                out.append((st.st_mtime_ns, st.st_size))
            except OSError:
                out.append(None)
        return tuple(out)

    def poll(self, force: bool = False) -> Optional[Changes]:
        """One tick: fetch others' changes and refresh what they touched. Never raises: a
        lost connection must not interrupt coding (the next tick tries again)."""
        win = self.win
        if win.store is None or win.grid is None:
            return None
        if win.store.is_sqlite and not force:
            stamp = self._file_stamp()
            if stamp == self._stamp:
                return None
            self._stamp = stamp
        try:
            ch = changes_since(win.store, self.last_id, exclude_actor=win.store.actor)
        except Exception:
            return None
        self.last_id = ch.last_id
        self.last_changes = ch
        if ch.count:
            self.apply(ch)
        return ch

    def apply(self, ch: Changes) -> None:
        """Re-read the touched answers (or all), keeping the current answer selected."""
        win = self.win
        aid = win.current_answer_id()
        if ch.reload_all or ch.codebook_changed:
            win.grid.load()
            if ch.codebook_changed:
                win._reload_codes()
            win.model.set_filter(win.filter_bar.current())  # model reset keeps the current answer
            pos = win.model.position_of(aid)
            if pos >= 0 and pos != win.current_position():
                win.select_position(pos)
        else:
            for a in ch.answer_ids:
                if win.grid.refresh_answer(a) is not None:
                    win.model.answer_changed(a)
            if aid in ch.answer_ids:
                win._show_current()
        win._counts_timer.start()
        win._update_status()
        win.statusBar().showMessage(trn("Updated: {0} change from others", "Updated: {0} changes from others", ch.count), 8000)
