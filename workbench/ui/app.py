"""Starting the desktop app: QApplication, language, settings, the coder's identity, the
project (or the demo project, created in the background on first use), and the
``--screenshot`` mode that renders the loaded window to a PNG and exits (works offscreen).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from workbench.ui import i18n

ORG, APP = "VIVE", "Workbench"


def make_settings() -> QSettings:
    """User settings; ``WORKBENCH_SETTINGS`` points at an INI file instead (tests, portable use)."""
    path = os.environ.get("WORKBENCH_SETTINGS")
    if path:
        return QSettings(path, QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORG, APP)


def application() -> QApplication:
    app = QApplication.instance()
    if app is None:
        from workbench.ui.workers import shutdown

        app = QApplication(sys.argv[:1])
        app.aboutToQuit.connect(shutdown)  # quitting waits for background work to stop
    app.setOrganizationName(ORG)
    app.setApplicationName(APP)
    app.setApplicationDisplayName(APP)
    return app


def parse_size(size: Optional[str]) -> tuple[int, int]:
    try:
        w, h = (int(x) for x in (size or "1400x900").lower().split("x"))
        if w < 200 or h < 200:
            raise ValueError
        return w, h
    except ValueError:
        from workbench.errors import InputError

        raise InputError(f"--size {size!r} must be WIDTHxHEIGHT, e.g. 1400x900") from None


def wait_for(signal, timeout_ms: int = 600_000) -> list:
    """Run the event loop until ``signal`` fires (the GUI keeps painting meanwhile)."""
    got: list = []
    loop = QEventLoop()

    def fire(*args) -> None:
        got.append(args)
        loop.quit()
    signal.connect(fire)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    signal.disconnect(fire)
    return got


def run_gui(project: Optional[str] = None, demo: bool = False, screenshot: Optional[str] = None,
            size: Optional[str] = None, coder: Optional[str] = None, lang: Optional[str] = None) -> int:
    from workbench.ui.main_window import MainWindow, demo_path

    w_h = parse_size(size)
    app = application()
    settings = make_settings()
    lang = lang or str(settings.value("ui/lang", i18n.DEFAULT_LANGUAGE) or i18n.DEFAULT_LANGUAGE)
    i18n.install(lang, app)
    interactive = screenshot is None
    if coder:
        settings.setValue("coder", coder)
    win = MainWindow(settings, coder=coder, interactive=interactive)
    win.retranslate()
    if screenshot is not None:
        win.resize(*w_h)
    if demo or project:
        target = project
        if demo and not project:
            target = str(demo_path())
        loaded: list = []
        win.project_loaded.connect(lambda ok: loaded.append(ok))
        if demo and not project:
            win.open_demo()
        else:
            win.open_project(target)
        if screenshot is not None:
            if not loaded:
                wait_for(win.project_loaded)
            if not loaded or not loaded[-1]:
                err = win.last_error
                print(f"workbench: could not open {target}: {err}", file=sys.stderr)
                from workbench.errors import InputError

                return 2 if isinstance(err, InputError) else 1
            sug = getattr(win, "suggestions", None)  # the first answer's suggestions belong in the picture
            if sug is not None and not sug.idle():
                wait_for(sug.settled, 90_000)
    if screenshot is not None:
        return take_screenshot(win, screenshot, w_h)
    win.show()
    return app.exec()


def take_screenshot(win, path: str, size: tuple[int, int]) -> int:
    """Show the window at ``size``, let it lay out and paint, and save ``grab()`` as PNG."""
    app = QApplication.instance()
    win.resize(*size)
    win.show()
    if win.grid is not None and win.current_position() < 0:
        win.select_position(0)
    for _ in range(5):
        app.processEvents()
    win.resize(*size)  # some platforms adjust the first size while showing
    app.processEvents()
    pix = win.grab()
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    if not pix.save(str(out), "PNG"):
        print(f"workbench: could not write {out}", file=sys.stderr)
        return 1
    win.close()
    return 0
