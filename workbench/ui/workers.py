"""Long work (import, demo creation, opening a big project) off the GUI thread.

A ``Worker`` runs a plain function in a ``QThread``; the function gets a ``progress(done,
total)`` callback that returns False once the user pressed Cancel, so core code (which knows
nothing of Qt) can stop cleanly. ``run_with_progress`` adds a cancellable QProgressDialog.
"""
from __future__ import annotations


import inspect
import traceback
from typing import Any, Callable, Optional

from PySide6.QtCore import QEventLoop, QObject, QThread, Qt, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from workbench.errors import Cancelled


class Worker(QObject):
    """Runs ``fn(*args, progress=cb, **kw)`` in its own thread; reports through signals."""

    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)  # the exception
    cancelled_sig = Signal()

    def __init__(self, fn: Callable[..., Any], *args: Any, **kwargs: Any):
        super().__init__()
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.cancelled = False
        self.result: Any = None
        self.error: Optional[BaseException] = None
        self.done = False
        self._thread = QThread()
        self._thread.setObjectName(f"worker:{getattr(fn, '__name__', 'fn')}")
        self.moveToThread(self._thread)
        self._thread.started.connect(self._run)

    def cancel(self) -> None:
        self.cancelled = True

    def _report(self, done: int, total: int) -> bool:
        self.progress.emit(int(done), int(total))
        return not self.cancelled

    @Slot()
    def _run(self) -> None:
        try:
            kw = dict(self.kwargs)
            if _accepts(self.fn, "progress"):
                kw["progress"] = self._report
            self.result = self.fn(*self.args, **kw)
            if self.cancelled:
                raise Cancelled()
        except BaseException as e:  # noqa: BLE001 - every failure goes back to the GUI thread
            self.error = e
            e.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
        self.done = True
        self._thread.quit()
        if self.error is None:
            self.finished.emit(self.result)
        elif isinstance(self.error, Cancelled):
            self.cancelled_sig.emit()
        else:
            self.failed.emit(self.error)

    def start(self) -> "Worker":
        self._thread.start()
        return self

    def wait(self) -> Any:
        """Block (running the event loop, so the GUI still paints) until done; return or raise."""
        if not self.done:
            loop = QEventLoop()
            self.finished.connect(loop.quit)
            self.failed.connect(loop.quit)
            self.cancelled_sig.connect(loop.quit)
            if not self.done:
                loop.exec()
        self._thread.wait()
        if self.error is not None:
            raise self.error
        return self.result


def _accepts(fn: Callable, name: str) -> bool:
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return False
    return name in sig.parameters or any(p.kind == p.VAR_KEYWORD for p in sig.parameters.values())


_running: set[Any] = set()  # keep Python references while threads run


def shutdown(timeout_ms: int = 30000) -> int:
    """Ask every running worker to stop and wait for its thread (at most ``timeout_ms`` in
    all): Qt aborts the whole process when a QThread object is destroyed while it runs, which
    quitting during, say, the suggestion model's loading would otherwise do. Work that was
    running is cancelled, so (as everywhere) nothing half-done is committed. Returns how many
    threads still run."""
    import time

    relays = list(_running)
    for relay in relays:
        relay.worker.cancel()
    end = time.monotonic() + timeout_ms / 1000
    left = 0
    for relay in relays:
        th = relay.worker._thread
        if not th.wait(max(0, int((end - time.monotonic()) * 1000))):
            left += 1
    return left





class _Relay(QObject):
    """Lives in the GUI thread, so the worker's signals reach the callbacks there (queued)."""

    def __init__(self, worker: Worker, dlg: Optional[QProgressDialog], on_done, on_error, on_cancel):
        super().__init__()
        self.worker, self.dlg = worker, dlg
        self.on_done, self.on_error, self.on_cancel = on_done, on_error, on_cancel
        worker.progress.connect(self.progress)
        worker.finished.connect(self.finished)
        worker.failed.connect(self.failed)
        worker.cancelled_sig.connect(self.cancelled)

    @Slot(int, int)
    def progress(self, done: int, total: int) -> None:
        if self.dlg is not None and total > 0 and not self.worker.cancelled:
            self.dlg.setMaximum(total)
            self.dlg.setValue(min(done, total - 1) if done < total else total - 1)

    def _cleanup(self) -> None:
        self.worker._thread.wait()
        if self.dlg is not None:
            self.dlg.reset()
            self.dlg.hide()
            self.dlg.deleteLater()
            self.dlg = None
        _running.discard(self)

    @Slot(object)
    def finished(self, result: Any) -> None:
        self._cleanup()
        if self.on_done:
            self.on_done(result)

    @Slot(object)
    def failed(self, error: Any) -> None:
        self._cleanup()
        if self.on_error:
            self.on_error(error)

    @Slot()
    def cancelled(self) -> None:
        self._cleanup()
        if self.on_cancel:
            self.on_cancel()


def start_worker(fn: Callable[..., Any], *args: Any, parent: Optional[QWidget] = None, title: str = "",
                 label: str = "", on_done: Optional[Callable[[Any], None]] = None,
                 on_error: Optional[Callable[[BaseException], None]] = None,
                 on_cancel: Optional[Callable[[], None]] = None, show_after_ms: int = 400, **kwargs: Any) -> Worker:
    """Start ``fn`` in a worker with a cancellable progress dialog (shown only if it takes a while)."""
    w = Worker(fn, *args, **kwargs)
    dlg: Optional[QProgressDialog] = None
    if parent is not None:
        dlg = QProgressDialog(label, _tr("Cancel"), 0, 0, parent)
        dlg.setWindowTitle(title or label)
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        dlg.setMinimumDuration(show_after_ms)
        dlg.setAutoClose(False)
        dlg.setAutoReset(False)
        dlg.canceled.connect(w.cancel, Qt.ConnectionType.DirectConnection)  # the worker thread is busy
    relay = _Relay(w, dlg, on_done, on_error, on_cancel)
    w.relay = relay
    _running.add(relay)
    return w.start()


def _tr(text: str) -> str:
    from workbench.ui.i18n import tr

    return tr(text)
