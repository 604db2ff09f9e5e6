"""The coding window: filter bar on top, the answer grid, and on the right the current
answer and the codebook. Everything a coder does all day is on a single key; every action
is saved (committed) the moment it is taken and can be undone.
"""
from __future__ import annotations

import html
import platform
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, Optional

from PySide6.QtCore import (QByteArray, QEvent, QItemSelectionModel, QKeyCombination, QRect, QSettings, QSize, QStandardPaths,
                            Qt, QTimer, Signal)
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (QAbstractItemView, QAbstractSpinBox, QApplication, QComboBox, QDockWidget, QFileDialog,
                               QFrame, QHeaderView, QScrollArea,
                               QInputDialog, QLabel, QLineEdit, QMainWindow, QMessageBox, QPlainTextEdit, QSplitter,
                               QStyle, QTableView, QTextEdit, QToolBar, QVBoxLayout, QWidget)
from sqlmodel import select

import workbench
from workbench.coding.grid import Grid, GridFilter, GridRow
from workbench.coding.models import Coder, Memo, QuoteStar, Question, Respondent
from workbench.coding.urls import without_password
from workbench.ui import i18n, undo
from workbench.ui.answer_model import COL, AnswerTableModel
from workbench.ui.answer_pane import AnswerPane, utf16_to_cp
from workbench.ui.codebook_panel import CodebookPanel
from workbench.ui.filter_bar import FilterBar
from workbench.ui.import_wizard import import_and_reload as _import_and_reload
from workbench.ui.i18n import Texts, number, save_error_text, tr, trf
from workbench.ui.memo_dialog import MemoDialog
from workbench.ui.quick_pick import QuickPick
from workbench.ui.workers import start_worker

NOT_CODERS = ("gold", "final")  # roles that are not people to code as
RESERVED = set("npfmuzy0/")
SMALL = (1500, 880)  # a window narrower or lower than this gets the compact layout
MAX_RECENT = 8


def demo_path() -> Path:
    """Where the demo project lives: the per-user application data folder."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".workbench") / "demo.db"


def _open_and_load(project: str, coder: Optional[str], progress=None) -> dict:
    """Runs in a worker thread: open (and migrate) the store, list coders, load the grid."""
    from workbench.coding.store import Store

    store = Store.open(project)
    with store.session() as s:
        coders = [(c.name, c.role) for c in s.exec(select(Coder).order_by(Coder.id))]
    grid = Grid(store, coder) if coder else None
    return dict(store=store, coders=coders, grid=grid, project=project)


def _create_demo(path: str, progress=None) -> str:
    from workbench.demo.generate import create_demo

    import inspect

    kw = {"progress": progress} if "progress" in inspect.signature(create_demo).parameters else {}
    create_demo(path, seed=2020, **kw)
    return path


class MainWindow(QMainWindow):
    project_loaded = Signal(bool)  # True when a project is open and its grid shown

    def __init__(self, settings: Optional[QSettings] = None, coder: Optional[str] = None, interactive: bool = True):
        super().__init__()
        self.settings = settings or QSettings()
        self.fixed_coder = coder
        self.interactive = interactive
        self.store = None
        self.grid: Optional[Grid] = None
        self.coder: str = coder or ""
        self.project: Optional[str] = None
        self.codes: list = []
        self.code_by_id: dict[int, Any] = {}
        self.questions: dict[int, Question] = {}
        self.definition = None  # the project's survey definition (merged over its waves)
        self.memo_dialog: Optional[MemoDialog] = None
        self.quick_pick: Optional[QuickPick] = None
        self.last_error: Optional[BaseException] = None
        self.last_saved: Optional[datetime] = None
        self._filtering = False  # inside apply_filter (see _current_changed)
        self.texts = Texts()
        self.undo_stack = QUndoStack(self)
        self.setObjectName("mainWindow")
        self.setWindowTitle("Workbench")
        self._build_widgets()
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_status()
        self._restore_settings()
        self._counts_timer = QTimer(self)
        self._counts_timer.setSingleShot(True)
        self._counts_timer.setInterval(250)
        self._counts_timer.timeout.connect(self._update_code_counts)
        self._sync_timer = QTimer(self)  # the resume position reaches the disk soon after a move
        self._sync_timer.setSingleShot(True)
        self._sync_timer.setInterval(2000)
        self._sync_timer.timeout.connect(self._sync_settings)
        self.project_loaded.connect(self._resume)
        self._flash_timer = QTimer(self)  # the end-of-list sign fades after a moment
        self._flash_timer.setSingleShot(True)
        self._flash_timer.setInterval(1500)
        self._flash_timer.timeout.connect(lambda: self.lbl_where.setStyleSheet(""))
        from workbench.ui import suggestion_panel  # code suggestions under the answer (Ctrl+1..5)
        self.suggestions = suggestion_panel.attach(self)
        self._update_enabled()
        from workbench.ui import backups, export_dialog  # Fil → Eksportér…, Vis → Diagrammer…, backups
        export_dialog.install(self)
        backups.install(self)
        from workbench.ui import reconcile_view  # Kodning → Afstem kodninger…, Enighed…; live refresh
        reconcile_view.install(self)
        from workbench.ui import privacy as privacy_ui  # Kodning → Find personoplysninger, Pseudonymisér…
        self.privacy = privacy_ui.attach(self)
        from workbench.ui import history_dialog  # Kodning → Historik for svaret… (Ctrl+H), Fil → Projektlog…
        history_dialog.install(self)

    # ================================================================ construction
    def _build_widgets(self) -> None:
        self.filter_bar = FilterBar()
        self.filter_bar.changed.connect(self.apply_filter)
        self.filter_bar.submitted.connect(self.focus_grid)
        self.model = AnswerTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("answerGrid")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicatorShown(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setAlternatingRowColors(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        vh = self.table.verticalHeader()
        vh.setVisible(False)
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        hh = self.table.horizontalHeader()
        hh.setHighlightSections(False)
        for col, w in (("respondent", 84), ("group", 108), ("question", 40), ("score", 44), ("band", 66),
                       ("text", 320), ("codes", 160), ("status", 64)):
            self.table.setColumnWidth(COL[col], w)
        hh.setSectionResizeMode(COL["text"], QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.model.modelAboutToBeReset.connect(self._remember_current)
        self.model.modelReset.connect(self._reselect)

        self.pane = AnswerPane()
        self.pane.setObjectName("answerPane")
        self.pane.remove_code.connect(self.remove_code)
        self.pane.star_code.connect(self.toggle_star_code)
        self.panel = CodebookPanel()
        self.panel.setObjectName("codebookPanel")
        self.panel.apply_requested.connect(self.toggle_code)
        self.panel.memo_requested.connect(self.memo_on_code)
        self.panel.codebook_changed.connect(self._codebook_changed)
        self.panel.undo_stack = self.undo_stack  # codebook edits undo like codings

        self.right = QSplitter(Qt.Orientation.Vertical)
        self.right.setObjectName("rightSplitter")
        self.right.setChildrenCollapsible(False)
        # the pane scrolls as a whole when a window is too low for all it shows: never overlaps
        self.pane_scroll = QScrollArea()
        self.pane_scroll.setObjectName("answerScroll")
        self.pane_scroll.setWidgetResizable(True)
        self.pane_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.pane_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.pane_scroll.setWidget(self.pane)
        self.pane.needs_height.connect(self._pane_needs)
        self.right.addWidget(self.pane_scroll)
        # the codebook is a dock: beside the window on large screens, under it (compact) on laptops
        self.codebook_dock = QDockWidget()
        self.codebook_dock.setObjectName("codebookDock")
        self.texts.bind(self.codebook_dock.setWindowTitle, "Codebook")
        self.codebook_dock.setWidget(self.panel)
        self.codebook_dock.setAllowedAreas(Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea
                                           | Qt.DockWidgetArea.BottomDockWidgetArea)
        self.codebook_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                                       | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                                       | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.codebook_dock)
        self.panel.compact_btn.toggled.connect(self._user_layout)
        self.codebook_dock.dockLocationChanged.connect(self._dock_moved)
        for combo in getattr(self.filter_bar, "combos", []):  # the filter bar fits a 1280-px laptop
            combo.setMinimumContentsLength(min(combo.minimumContentsLength(), 6))
        self.filter_bar.search.setMinimumWidth(min(self.filter_bar.search.minimumWidth(), 150))
        self._reflowing = False
        self._size_class = ""
        self._resuming = False
        self._resume_pending = False
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.setObjectName("mainSplitter")
        self.split.addWidget(self.table)
        self.split.addWidget(self.right)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        self.split.setChildrenCollapsible(False)
        self.hint = QLabel()
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setStyleSheet("color: #666; font-size: 14pt; padding: 40px;")
        central = QWidget()
        lay = QVBoxLayout(central)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.filter_bar)
        lay.addWidget(self.hint)
        lay.addWidget(self.split, 1)
        self.setCentralWidget(central)

    def _action(self, source: str, slot, shortcuts=(), guarded: bool = True, icon=None, *args) -> QAction:
        a = QAction(self)
        self.texts.bind(a.setText, source, *args)
        if icon is not None:
            a.setIcon(self.style().standardIcon(icon))
        if shortcuts:
            a.setShortcuts([s if isinstance(s, QKeySequence) else QKeySequence(s) for s in shortcuts])
        a.triggered.connect((lambda _c=False, f=slot: self._key(f)) if guarded else (lambda _c=False, f=slot: f()))
        self.addAction(a)  # shortcuts work even with the menu bar hidden
        return a

    def _build_actions(self) -> None:
        SP = QStyle.StandardPixmap
        K = QKeySequence.StandardKey
        self.act_open = self._action("&Open project…", self.open_dialog, [K.Open], False, SP.SP_DialogOpenButton)
        self.act_demo = self._action("Open &demo project", self.open_demo, (), False)
        self.act_import = self._action("&Import survey…", self.import_dialog, ["Ctrl+I"], False)
        self.act_quit = self._action("&Quit", self.close, [K.Quit], False)
        self.act_undo = self._action("&Undo", self.undo, [K.Undo], False, SP.SP_ArrowBack)
        self.act_redo = self._action("&Redo", self.redo, ["Ctrl+Shift+Z", "Ctrl+Y"], False, SP.SP_ArrowForward)
        self.undo_stack.canUndoChanged.connect(self.act_undo.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.act_redo.setEnabled)
        self.act_undo.setEnabled(False)
        self.act_redo.setEnabled(False)
        self.act_find = self._action("&Filter…", self.filter_bar.focus_search, [K.Find], False)
        self.act_clear = self._action("Clear filters", self.filter_bar.clear, ["Ctrl+Shift+F"], False)
        self.act_pick = self._action("&Quick pick code…", self.open_quick_pick, ["Ctrl+K", "/"])
        self.act_coded_next = self._action("Mark coded && next", self.mark_coded_next,
                                           ["Return", "Enter", "Ctrl+Return", "Ctrl+Enter"], True, SP.SP_DialogApplyButton)
        self.act_next = self._action("Next answer", lambda: self.step(1), ["N", "Alt+Down"], True, SP.SP_ArrowDown)
        self.act_prev = self._action("Previous answer", lambda: self.step(-1), ["P", "Alt+Up"], True, SP.SP_ArrowUp)
        self.act_uncoded = self._action("Next uncoded", self.next_uncoded, ["U"], True, SP.SP_MediaSeekForward)
        self.act_flag = self._action("Flag", self.toggle_flag, ["F"], True, SP.SP_MessageBoxWarning)
        self.act_memo = self._action("Memo…", self.memo_on_answer, ["M"], True, SP.SP_FileDialogDetailedView)
        self.act_nocode = self._action("No code applies", self.no_code_applies, ["0", "Ctrl+0"], True,
                                       SP.SP_DialogNoButton)
        self.act_star = self._action("Mark as quote", self.toggle_star, ["Ctrl+D"])
        self.act_coder = self._action("Switch coder…", self.switch_coder, (), False)
        self.act_keys = self._action("Keyboard shortcuts", self.show_keys, ["F1"], False)
        self.act_about = self._action("&About", self.show_about, (), False)
        self.act_reset = self._action("Reset layout", self.reset_layout, (), False)
        self.act_auto_layout = QAction(self, checkable=True)
        self.texts.bind(self.act_auto_layout.setText, "Layout follows the window size")
        self.act_auto_layout.setChecked(self.auto_layout())
        self.act_auto_layout.triggered.connect(self.set_auto_layout)
        self.code_actions: list[QAction] = []

    def _build_menus(self) -> None:
        mb = self.menuBar()
        self.m_file = mb.addMenu("")
        self.texts.bind(self.m_file.setTitle, "&File")
        self.m_file.addAction(self.act_open)
        self.m_file.addAction(self.act_demo)
        self.m_recent = self.m_file.addMenu("")
        self.texts.bind(self.m_recent.setTitle, "Recent projects")
        self.m_recent.aboutToShow.connect(self._fill_recent)
        self.m_file.addSeparator()
        self.m_file.addAction(self.act_import)
        self.m_file.addSeparator()
        self.m_file.addAction(self.act_quit)
        self.m_edit = mb.addMenu("")
        self.texts.bind(self.m_edit.setTitle, "&Edit")
        for a in (self.act_undo, self.act_redo, None, self.act_find, self.act_clear, None, self.act_pick):
            self.m_edit.addSeparator() if a is None else self.m_edit.addAction(a)
        self.m_view = mb.addMenu("")
        self.texts.bind(self.m_view.setTitle, "&View")
        self.m_lang = self.m_view.addMenu("")
        self.texts.bind(self.m_lang.setTitle, "Language")
        self.lang_group = QActionGroup(self)
        self.lang_actions: dict[str, QAction] = {}
        for code, name in i18n.LANGUAGES.items():
            a = QAction(name, self, checkable=True)
            a.triggered.connect(lambda _c=False, c=code: self.set_language(c))
            self.lang_group.addAction(a)
            self.m_lang.addAction(a)
            self.lang_actions[code] = a
        self.m_view.addAction(self.codebook_dock.toggleViewAction())
        self.m_view.addAction(self.act_auto_layout)
        self.m_view.addAction(self.act_reset)
        self.m_coding = mb.addMenu("")
        self.texts.bind(self.m_coding.setTitle, "&Coding")
        for a in (self.act_coded_next, self.act_nocode, None, self.act_next, self.act_prev, self.act_uncoded, None,
                  self.act_flag, self.act_memo, self.act_star, None):
            self.m_coding.addSeparator() if a is None else self.m_coding.addAction(a)
        self.m_codes = self.m_coding.addMenu("")
        self.texts.bind(self.m_codes.setTitle, "Apply code")
        self.m_coding.addAction(self.act_pick)
        self.m_coding.addSeparator()
        self.m_coding.addAction(self.act_coder)
        self.m_help = mb.addMenu("")
        self.texts.bind(self.m_help.setTitle, "&Help")
        self.m_help.addAction(self.act_keys)
        self.m_help.addAction(self.act_about)

    def _build_toolbar(self) -> None:
        tb = QToolBar()
        tb.setObjectName("mainToolbar")
        self.texts.bind(tb.setWindowTitle, "Toolbar")
        tb.setMovable(False)
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for a in (self.act_open, None, self.act_undo, self.act_redo, None, self.act_prev, self.act_next,
                  self.act_uncoded, None, self.act_coded_next, self.act_nocode, self.act_flag, self.act_memo, None,
                  self.act_pick):
            tb.addSeparator() if a is None else tb.addAction(a)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, tb)
        self.toolbar = tb

    def _build_status(self) -> None:
        sb = self.statusBar()
        self.lbl_coder = QLabel()
        self.lbl_progress = QLabel()
        self.lbl_count = QLabel()
        self.lbl_saved = QLabel()
        self.lbl_saved.setObjectName("savedIndicator")
        self.lbl_saved.setStyleSheet("color: #1b7f3b;")
        self.lbl_where = QLabel()  # where am I: answer n of m in the filter
        self.lbl_where.setObjectName("whereAmI")
        for w in (self.lbl_where, self.lbl_coder, self.lbl_progress, self.lbl_count, self.lbl_saved):
            w.setContentsMargins(8, 0, 8, 0)
            sb.addPermanentWidget(w)

    # ================================================================ settings
    def _restore_settings(self) -> None:
        s = self.settings
        geo = s.value("window/geometry")
        if isinstance(geo, (QByteArray, bytes)) and geo:
            self.restoreGeometry(geo)
        else:
            self.resize(1400, 900)
        self.ensure_on_screen()
        state = s.value("window/state")
        if isinstance(state, (QByteArray, bytes)) and state:
            self._reflowing = True  # the dock moving back where it was is not the coder arranging it
            try:
                self.restoreState(state)
            finally:
                self._reflowing = False
        for key, sp, default in (("window/split_main", self.split, [900, 500]),):
            v = s.value(key)
            if not (isinstance(v, (QByteArray, bytes)) and v and sp.restoreState(v)):
                sp.setSizes(default)
        lang = i18n.current_language()
        if lang in self.lang_actions:
            self.lang_actions[lang].setChecked(True)

    def save_settings(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("window/split_main", self.split.saveState())
        s.sync()

    def _sync_settings(self) -> None:
        """Position, filter and (for a real session) the layout on disk now, not only at quit."""
        if self.interactive:
            self.save_settings()
        else:
            self.settings.sync()

    def reset_layout(self) -> None:
        self.settings.setValue("layout/auto", True)
        self.act_auto_layout.setChecked(True)
        self.toolbar.setVisible(True)
        self.codebook_dock.setVisible(self.grid is not None)
        self.reflow(force=True)

    # ================================================================ layout at every size
    def size_class(self, size=None) -> str:
        """"small" (laptops up to 1366×768 and anything below SMALL) or "large"."""
        w, h = (size.width(), size.height()) if size is not None else (self.width(), self.height())
        return "small" if w < SMALL[0] or h < SMALL[1] else "large"

    def auto_layout(self) -> bool:
        return str(self.settings.value("layout/auto", "true")).lower() not in ("false", "0")

    def set_auto_layout(self, on: bool) -> None:
        self.settings.setValue("layout/auto", bool(on))
        self.act_auto_layout.setChecked(bool(on))
        if on:
            self.reflow(force=True)

    def resizeEvent(self, e) -> None:
        super().resizeEvent(e)
        if self.auto_layout():
            self.reflow()

    def showEvent(self, e) -> None:
        super().showEvent(e)
        if not getattr(self, "_fitted_on_show", False) and self.interactive:
            # the window manager's frame (title bar) is known only once shown: fit again with it
            self._fitted_on_show = True
            QTimer.singleShot(300, self.ensure_on_screen)

    def reflow(self, force: bool = False, size=None) -> None:
        """Lay the window out for its size (or the ``size`` it is about to get): on small
        windows the codebook docks under the answers in compact mode (every code and key in a
        few lines), on large ones it stands beside them as the full tree."""
        cls = self.size_class(size)
        if cls != self._size_class or force:
            self._size_class = cls
            small = cls == "small"
            dock = self.codebook_dock
            self._reflowing = True
            try:
                if dock.isFloating():
                    dock.setFloating(False)
                area = Qt.DockWidgetArea.BottomDockWidgetArea if small else Qt.DockWidgetArea.RightDockWidgetArea
                if self.dockWidgetArea(dock) != area:
                    visible = not dock.isHidden()
                    self.addDockWidget(area, dock)
                    dock.setVisible(visible)
                self.panel.set_compact(small)
            finally:
                self._reflowing = False
            icon = self.style().pixelMetric(QStyle.PixelMetric.PM_ToolBarIconSize)
            self.toolbar.setIconSize(QSize(16, 16) if small else QSize(icon, icon))  # a lower toolbar on laptops
            if small:
                self.split.setSizes([int(self.width() * 0.6), int(self.width() * 0.4)])
            else:
                self.split.setSizes([int(self.width() * 0.45), int(self.width() * 0.33)])
                self.resizeDocks([self.codebook_dock], [max(300, int(self.width() * 0.22))], Qt.Orientation.Horizontal)
        QTimer.singleShot(0, self._fit_codebook_dock)

    def _fit_codebook_dock(self) -> None:
        """A compact codebook under the answers is exactly as tall as its codes need."""
        dock = self.codebook_dock
        if self.panel.is_compact() and self.dockWidgetArea(dock) == Qt.DockWidgetArea.BottomDockWidgetArea \
                and not dock.isFloating():
            self.panel._fit_keys()
            self.resizeDocks([dock], [dock.minimumSizeHint().height()], Qt.Orientation.Vertical)

    def _pane_needs(self, h: int) -> None:
        """The answer pane keeps the height its header, text and chips need (the suggestions
        below give way and scroll); it scrolls itself only when the window is too low for it."""
        cap = max(120, int(self.height() * 0.6))
        self.pane_scroll.setMinimumHeight(min(h + 2, cap))

    def _user_layout(self, *_a) -> None:
        """The coder arranged the codebook by hand: keep it, stop adapting to the size."""
        if not self._reflowing and self.auto_layout():
            self.set_auto_layout(False)

    def _dock_moved(self, area) -> None:
        if self._reflowing:
            return
        self._user_layout()
        if area in (Qt.DockWidgetArea.BottomDockWidgetArea, Qt.DockWidgetArea.TopDockWidgetArea):
            self.panel.set_compact(True)
        QTimer.singleShot(0, self._fit_codebook_dock)

    def ensure_on_screen(self, avail: Optional[QRect] = None) -> None:
        """Fit the window into the available area of its screen (or ``avail``): a window
        restored from a larger or since disconnected display is shrunk and moved fully on-screen."""
        if self.isMaximized() or self.isFullScreen():
            return
        if avail is None:
            scr = QApplication.screenAt(self.frameGeometry().center()) or QApplication.primaryScreen()
            if scr is None:
                return
            avail = scr.availableGeometry()
        frame, geo = self.frameGeometry(), self.geometry()
        extra_w, extra_h = frame.width() - geo.width(), frame.height() - geo.height()
        w = min(geo.width(), avail.width() - extra_w)
        h = min(geo.height(), avail.height() - extra_h)
        if (w, h) != (geo.width(), geo.height()):
            if self.auto_layout():  # first the layout for that size, so that the window can shrink to it
                self.reflow(size=QSize(w, h))
            self.resize(w, h)
        frame = self.frameGeometry()
        x = min(max(frame.x(), avail.x()), avail.x() + avail.width() - frame.width())
        y = min(max(frame.y(), avail.y()), avail.y() + avail.height() - frame.height())
        if (x, y) != (frame.x(), frame.y()):
            self.move(x, y)

    def closeEvent(self, e) -> None:
        if self.interactive:  # a screenshot run must not overwrite the user's layout
            self.save_settings()
        super().closeEvent(e)

    def recent_projects(self) -> list[str]:
        v = self.settings.value("recent", [])
        if isinstance(v, str):
            v = [v]
        return [str(p) for p in (v or [])]

    def _remember(self, project: str) -> None:
        """Recent projects are stored without passwords (also cleaning any older entry)."""
        items = list(dict.fromkeys(without_password(p) for p in [project, *self.recent_projects()]))
        self.settings.setValue("recent", items[:MAX_RECENT])

    def _fill_recent(self) -> None:
        self.m_recent.clear()
        items = self.recent_projects()
        if not items:
            a = self.m_recent.addAction(tr("(none)"))
            a.setEnabled(False)
            return
        for p in items:
            a = self.m_recent.addAction(p)
            a.triggered.connect(lambda _c=False, p=p: self.open_project(p))
        self.m_recent.addSeparator()
        self.m_recent.addAction(tr("Clear list")).triggered.connect(lambda: self.settings.setValue("recent", []))

    # ================================================================ language
    def set_language(self, lang: str) -> None:
        lang = i18n.install(lang)
        QApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)  # switch now, not on the next loop
        self.settings.setValue("ui/lang", lang)
        if lang in self.lang_actions:
            self.lang_actions[lang].setChecked(True)

    def changeEvent(self, e) -> None:
        if e.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(e)

    def retranslate(self) -> None:
        self.texts.apply()
        self.filter_bar.retranslate()
        self.panel.retranslate()
        self.panel.rebuild()
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.model.columnCount() - 1)
        if self.model.rowCount():
            self.model.dataChanged.emit(self.model.index(0, 0),
                                        self.model.index(self.model.rowCount() - 1, self.model.columnCount() - 1))
        self.pane.refresh_texts()
        self.hint.setText(tr("Open a project (Ctrl+O) or the demo project to start coding."))
        self._update_status()

    # ================================================================ projects
    def open_dialog(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, tr("Open project"), str(Path.home()),
                                               tr("Workbench projects (*.db *.sqlite *.wb);;All files (*)"))
        if path:
            self.open_project(path)

    def open_demo(self) -> None:
        path = demo_path()
        if path.exists():
            self.open_project(str(path))
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        start_worker(_create_demo, str(path), parent=self, label=tr("Creating the demo project…"),
                     show_after_ms=0, on_done=lambda p: self.open_project(p),
                     on_error=self._load_failed, on_cancel=lambda: self._demo_cancelled(path))

    def _demo_cancelled(self, path: Path) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        self.statusBar().showMessage(tr("Cancelled"), 4000)
        self.project_loaded.emit(False)

    def open_project(self, project: str) -> None:
        """Open a project in the background; ``project_loaded`` says when it is on screen."""
        coder = self.fixed_coder or self.coder or None
        self._resume_pending = True
        shown = without_password(project)
        self.statusBar().showMessage(trf("Opening {0}…", shown))
        start_worker(_open_and_load, str(project), coder, parent=self, label=trf("Opening {0}…", shown),
                     on_done=self._opened, on_error=self._load_failed,
                     on_cancel=lambda: self.project_loaded.emit(False))

    def _opened(self, res: dict) -> None:
        store = res["store"]
        coder = self.fixed_coder or self.coder
        if not coder:
            coder = self.choose_coder([n for n, role in res["coders"] if role not in NOT_CODERS])
            if not coder:
                store.close()
                self.project_loaded.emit(False)
                return
        grid = res["grid"] if res["grid"] is not None and res["grid"].coder == coder else None
        if grid is None:
            start_worker(Grid, store, coder, parent=self, label=tr("Loading answers…"),
                         on_done=lambda g: self.set_project(store, g, res["project"]),
                         on_error=self._load_failed, on_cancel=lambda: self.project_loaded.emit(False))
        else:
            self.set_project(store, grid, res["project"])

    def _load_failed(self, e: BaseException) -> None:
        self.last_error = e
        self.statusBar().clearMessage()
        if self.interactive:
            QMessageBox.critical(self, tr("Could not open the project"), str(e))
        else:
            print(f"workbench: {tr('Could not open the project')}: {e}", file=sys.stderr)
        self.project_loaded.emit(False)

    def choose_coder(self, names: list[str]) -> Optional[str]:
        """Who is coding: remembered, else asked (else the first coder, when not interactive)."""
        remembered = str(self.settings.value("coder", "") or "")
        if remembered:
            return remembered
        default = names[0] if names else (workbench_user() or "")
        if not self.interactive:
            return default or "coder"
        name, ok = QInputDialog.getItem(self, tr("Who is coding?"), tr("Your codings are saved under this name."),
                                        names or [default], 0, True)
        name = name.strip() if ok else ""
        if name:
            self.settings.setValue("coder", name)
        return name or None

    def switch_coder(self) -> None:
        if self.store is None:
            return
        with self.store.session() as s:
            names = [c.name for c in s.exec(select(Coder).order_by(Coder.id)) if c.role not in NOT_CODERS]
        name, ok = QInputDialog.getItem(self, tr("Who is coding?"), tr("Your codings are saved under this name."),
                                        names or [self.coder], max(0, names.index(self.coder)) if self.coder in names
                                        else 0, True)
        if ok and name.strip() and name.strip() != self.coder:
            self.settings.setValue("coder", name.strip())
            self.set_coder(name.strip())

    def set_coder(self, coder: str) -> None:
        self.coder = coder
        self.fixed_coder = None
        if self.store is not None:
            aid = self.current_answer_id()
            self.set_project(self.store, Grid(self.store, coder), self.project, keep_answer=aid)

    def set_project(self, store, grid: Grid, project: Optional[str] = None, keep_answer: Optional[int] = None) -> None:
        """Show a loaded project (main thread)."""
        if self.store is not None and self.store is not store:
            self.store.close()
        self.store, self.grid, self.coder = store, grid, grid.coder
        self.project = project
        self.undo_stack.clear()
        with store.session() as s:
            self.questions = {q.id: q for q in s.exec(select(Question))}
            coders = [c.name for c in s.exec(select(Coder).order_by(Coder.id)) if c.role not in NOT_CODERS]
            cb = store.active_codebook(s)
        self.definition = grid.definition
        self._codebook_name = cb.name if cb else ""
        self._codebook_key = cb.key if cb else ""
        self._reload_codes()
        self.filter_bar.blockSignals(True)
        self.filter_bar.set_definition(self.definition, coders=coders, codes=[c for c in self.codes if not c.retired],
                                       observed={k: c.labels for k, c in grid.groups.items()},
                                       years=sorted(set(grid.years.tolist())))
        self.filter_bar.blockSignals(False)
        self.model.filter = self.filter_bar.current()
        self.model.set_grid(grid, self.codes)
        if project and "://" not in str(project):
            self._remember(str(Path(project).resolve()))
        elif project:
            self._remember(str(project))
        name = Path(str(project)).name if project and "://" not in str(project) else without_password(project or "")
        self.setWindowTitle(f"{name} — Workbench" if name else "Workbench")
        self.statusBar().clearMessage()
        self._update_enabled()
        pos = self.model.position_of(keep_answer) if keep_answer else -1
        self.select_position(pos if pos >= 0 else 0)
        self._update_code_counts()
        self._update_status()
        self.focus_grid()
        self.project_loaded.emit(True)

    def _reload_codes(self) -> None:
        with self.store.session() as s:
            self.codes = self.store.codes(s)
        self.code_by_id = {c.id: c for c in self.codes}
        cats = category_labels(getattr(self, "_codebook_key", ""))
        self.pane.set_context(self.code_by_id, self.questions, self.grid.definition if self.grid else None, self.grid)
        self.panel.set_codes(self.store, self.codes, cats)
        self.model.set_codes(self.codes)
        self._rebuild_code_actions()

    def _rebuild_code_actions(self) -> None:
        for a in self.code_actions:
            self.removeAction(a)
            a.deleteLater()
        self.code_actions = []
        self.m_codes.clear()
        for c in self.codes:
            if c.retired:
                continue
            a = QAction(c.label, self)
            sc = (c.shortcut or "").lower()
            if sc and sc not in RESERVED:
                key = QKeySequence(sc.upper())
                seqs = [key]
                if sc.isdigit():
                    seqs.append(QKeySequence(QKeyCombination(Qt.KeyboardModifier.KeypadModifier, Qt.Key(ord(sc)))))
                a.setShortcuts(seqs)
            a.triggered.connect(lambda _c=False, cid=c.id: self._key(lambda: self.toggle_code(cid)))
            a.setData(c.id)
            self.addAction(a)
            self.m_codes.addAction(a)
            self.code_actions.append(a)

    def _codebook_changed(self, message: str) -> None:
        """After a codebook edit: codes, labels and (for merges) codings are re-read."""
        aid = self.current_answer_id()
        self.grid.load()
        self._reload_codes()
        d = self.filter_bar._data
        self.filter_bar.set_choices(questions=d["questions"], bands=d["bands"], groups=d["groups"], coders=d["coders"],
                                    codes=[c for c in self.codes if not c.retired], years=d["years"])
        self.model.set_filter(self.filter_bar.current())
        pos = self.model.position_of(aid)
        self.select_position(pos if pos >= 0 else 0)
        self._update_code_counts()
        self._saved()
        if message:
            self.statusBar().showMessage(message, 8000)

    def import_dialog(self, path: Optional[str] = None):
        """Fil → Importér survey…: the import wizard (columns, roles, scales, bands, a live
        check); Finish imports in the background and reloads the grid."""
        if self.store is None:
            return None
        from workbench.ui.import_wizard import ImportWizard

        dlg = ImportWizard(self.store, self, path=path, interactive=self.interactive)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.imported.connect(self._wizard_imported)
        self.import_wizard = dlg
        dlg.show()
        if path is None and self.interactive:
            dlg.browse()
        return dlg

    def _wizard_imported(self, res) -> None:
        result, grid = res
        self.set_project(self.store, grid, self.project, keep_answer=self.current_answer_id())
        self.statusBar().showMessage(trf("Imported {0} respondents, {1} answers", result.respondents,
                                         result.answers), 8000)

    def import_file(self, path: str, definition=None, year: Optional[int] = None):
        """Import a survey file without the wizard (the project's own definition, or one given)."""
        def done(res) -> None:
            self._wizard_imported(res)

        def failed(e) -> None:
            self.last_error = e
            if self.interactive:
                QMessageBox.warning(self, tr("Import failed"), str(e))
        return start_worker(_import_and_reload, self.store, path, self.coder, definition, year, parent=self,
                            label=trf("Importing {0}…", Path(path).name), show_after_ms=0, on_done=done,
                            on_error=failed)

    # ================================================================ navigation
    def current_position(self) -> int:
        idx = self.table.currentIndex()
        return idx.row() if idx.isValid() else -1

    def current_answer_id(self) -> Optional[int]:
        return self.model.answer_id(self.current_position())

    def current_row(self) -> Optional[GridRow]:
        pos = self.current_position()
        if self.grid is None or pos < 0:
            return None
        return self.grid.row(self.model.grid_row(pos))

    def select_position(self, pos: int) -> None:
        if pos < 0 or pos >= self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(-1, -1))
            self._show_current()
            return
        idx = self.model.index(pos, COL["text"])
        self.table.selectionModel().setCurrentIndex(
            idx, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(self.model.index(pos, 0))  # down to the row; never sideways off the respondent

    def step(self, delta: int) -> None:
        cur = self.current_position()
        pos = Grid.step(self.model.visible, cur, delta)
        if pos >= 0 and pos != cur:
            self.select_position(pos)
        elif self.model.rowCount():
            self.end_of_list(delta > 0)

    def end_of_list(self, at_end: bool) -> None:
        """A visible sign that N (or Enter) found no further answer in the filter: a message
        and a flash of the answer's row (and a beep, for those who look at the text)."""
        msg = (tr("End of the list: this is the last answer in the filter.") if at_end
               else tr("Start of the list: this is the first answer in the filter."))
        self.statusBar().showMessage("■ " + msg, 6000)
        self.lbl_where.setStyleSheet("color: white; background: #c0392b; font-weight: bold;")
        self._flash_timer.start()
        QApplication.beep()

    def next_uncoded(self) -> None:
        if self.grid is None:
            return
        pos = self.grid.next_uncoded(self.model.visible, self.current_position())
        if pos >= 0:
            self.select_position(pos)
        else:
            self.statusBar().showMessage("✔ " + tr("Every answer in the filter is coded."), 6000)

    def focus_grid(self) -> None:
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def apply_filter(self, f: GridFilter) -> None:
        self._filtering = True
        try:
            self.model.set_filter(f)
        finally:
            self._filtering = False
        self._counts_timer.start()
        self._remember_position()

    # ================================================================ resume where the coder stopped
    def _resume_key(self) -> Optional[str]:
        """Settings group of this project and coder (the project without its password)."""
        if not self.project or not self.coder:
            return None
        import hashlib

        ident = f"{without_password(str(self.project))}|{self.coder}"
        return "resume/" + hashlib.sha1(ident.encode("utf-8")).hexdigest()[:20]

    def _remember_position(self) -> None:
        """The answer and the filter, kept per project and coder as the coder moves (synced to
        disk within two seconds, so a crash loses at most that)."""
        key = self._resume_key()
        if key is None or self.grid is None or self._resuming or self._resume_pending:
            return
        import dataclasses
        import json

        aid = self.current_answer_id()
        if aid is not None:
            self.settings.setValue(key + "/answer", int(aid))
        self.settings.setValue(key + "/filter", json.dumps(dataclasses.asdict(self.model.filter), ensure_ascii=False))
        self._sync_timer.start()

    def _resume(self, ok: bool) -> None:
        """After opening a project: back to the filter and the answer where the coder stopped."""
        if not ok or not self._resume_pending or self.grid is None:
            return
        self._resume_pending = False
        key = self._resume_key()
        if key is None:
            return
        import dataclasses
        import json

        self._resuming = True
        try:
            try:
                saved = json.loads(str(self.settings.value(key + "/filter", "") or "{}"))
                names = {f.name for f in dataclasses.fields(GridFilter)}
                f = GridFilter(**{k: v for k, v in saved.items() if k in names})
            except (ValueError, TypeError):
                f = GridFilter()
            if not f.is_empty():
                self.filter_bar.set_current(f)
            try:
                aid = int(self.settings.value(key + "/answer", -1))
            except (TypeError, ValueError):
                aid = -1
            pos = self.model.position_of(aid) if aid >= 0 else -1
        finally:
            self._resuming = False
        if pos >= 0:
            self.select_position(pos)
            self.statusBar().showMessage(tr("Back where you stopped."), 5000)
        self._update_status()

    def _remember_current(self) -> None:
        self._aid_before_reset = self.current_answer_id()

    def _reselect(self) -> None:
        """After a filter or sort: keep the current answer selected when it is still shown."""
        pos = self.model.position_of(getattr(self, "_aid_before_reset", None))
        self.select_position(pos if pos >= 0 else 0)
        self._update_status()

    def _current_changed(self, *_a) -> None:
        self._update_status()
        self._remember_position()
        if self._filtering and self.pane.row is not None and self.pane.row.answer_id == self.current_answer_id():
            return  # a filter kept the answer: nothing the pane shows has changed (no requery)
        self._show_current()

    def _show_current(self) -> None:
        row = self.current_row()
        if row is None:
            self.pane.show_row(None)
            return
        with self.store.session() as s:
            resp = s.get(Respondent, row.respondent_id)
            memo = self._memo(s, "answer", row.answer_id)
            ids = [sp.coding_id for sp in row.codings]
            starred = set(s.exec(select(QuoteStar.coding_id).where(QuoteStar.coding_id.in_(ids)))) if ids else set()
        self.pane.show_row(row, resp, memo.text if memo else "", starred)

    def _memo(self, s, target_type: str, target_id: int) -> Optional[Memo]:
        return s.exec(select(Memo).join(Coder, Coder.id == Memo.coder_id).where(
            Memo.target_type == target_type, Memo.target_id == target_id, Coder.name == self.coder)).first()

    # ================================================================ actions
    def _typing(self) -> bool:
        """True while the keyboard belongs to a text field (search, memo): keys are text then."""
        w = QApplication.focusWidget()
        if isinstance(w, (QLineEdit, QAbstractSpinBox)):
            return True
        if isinstance(w, (QTextEdit, QPlainTextEdit)) and not w.isReadOnly():
            return True
        return isinstance(w, QComboBox) and w.isEditable()

    def _key(self, fn) -> None:
        if self._typing():
            w = QApplication.focusWidget()
            if w is self.filter_bar.search:  # Enter in the search field: go to the answers
                self.focus_grid()
            return
        if self.grid is None:
            return
        fn()

    def _push(self, cmd) -> bool:
        try:
            cmd.run()
        except Exception as e:  # nothing was saved: tell the coder right away
            self.action_failed(e)
            return False
        self.undo_stack.push(cmd)
        return True

    def action_failed(self, e: BaseException) -> None:
        self.last_error = e
        self.lbl_saved.setText("⚠ " + tr("Could not save"))
        self.lbl_saved.setStyleSheet("color: #c0392b; font-weight: bold;")
        if self.interactive:
            QMessageBox.critical(self, tr("Could not save"), save_error_text(e))
        else:
            print(f"workbench: {e}", file=sys.stderr)

    def undo(self) -> None:
        self._stack_call(self.undo_stack.undo)

    def redo(self) -> None:
        self._stack_call(self.undo_stack.redo)

    def _stack_call(self, fn) -> None:
        if QApplication.focusWidget() is self.filter_bar.search:
            self.filter_bar.search.undo() if fn == self.undo_stack.undo else self.filter_bar.search.redo()
            return
        self.last_error = None
        undo.set_error_sink(self.action_failed)
        st = self.undo_stack
        redo = fn == st.redo
        cmd = st.command(st.index() if redo else st.index() - 1)
        fn()
        if cmd is not None and self.last_error is None:
            self._show_undone(cmd, redo)

    def _show_undone(self, cmd, redo: bool) -> None:
        """Undo and redo say what they did, and go to the answer they changed: a Ctrl+Z
        never changes an answer out of sight."""
        where = ""
        aid = getattr(cmd, "answer_id", None)
        if aid and self.grid is not None and aid in self.grid.row_of:
            row = self.grid.row(self.grid.row_of[aid])
            where = trf(" — answer {0} {1}", row.respondent_key, row.question_key)
            pos = self.model.position_of(aid)
            if pos < 0:
                where += " " + tr("(not in the current filter)")
            elif pos != self.current_position():
                self.select_position(pos)
        what = QUndoCommand.text(cmd)  # (a Memo command keeps its memo in .text)
        text = trf("Redid {0}", what) if redo else trf("Undid {0}", what)
        self.statusBar().showMessage(text + where, 10000)

    def after_action(self, answer_id: Optional[int]) -> None:
        """Called by every command after its commit: refresh that row, the pane, the counts."""
        if answer_id is not None and self.grid is not None:
            self.grid.refresh_answer(answer_id)
            self.model.answer_changed(answer_id)
            if answer_id == self.current_answer_id():
                self._show_current()
        self._saved()
        self._counts_timer.start()

    def _saved(self) -> None:
        self.last_saved = datetime.now()
        self.lbl_saved.setStyleSheet("color: #1b7f3b;")
        self.lbl_saved.setText("✔ " + trf("Saved {0}", self.last_saved.strftime("%H:%M:%S")))
        self._update_status()

    def toggle_code(self, code_id: int) -> None:
        """A code's key: on the selected passage if there is one, else on the whole answer;
        pressing it again removes it."""
        row = self.current_row()
        c = self.code_by_id.get(code_id)
        if row is None or c is None:
            return
        span = self.pane.selected_span()
        if span is not None:
            same = [sp for sp in row.codings if sp.code_id == code_id and (sp.start, sp.end) == span]
            cmd = (undo.RemoveCoding(self, row.answer_id, same, c.label) if same else
                   None if c.retired else undo.ApplyCode(self, row.answer_id, code_id, span[0], span[1], c.label))
            if cmd and self._push(cmd):
                self.pane.clear_selection()
            return
        same = [sp for sp in row.codings if sp.code_id == code_id]
        if same:
            self._push(undo.RemoveCoding(self, row.answer_id, same, c.label))
        elif not c.retired:
            self._push(undo.ApplyCode(self, row.answer_id, code_id, label=c.label))

    def remove_code(self, code_id: int) -> None:
        row = self.current_row()
        if row is None:
            return
        same = [sp for sp in row.codings if sp.code_id == code_id]
        if same:
            c = self.code_by_id.get(code_id)
            self._push(undo.RemoveCoding(self, row.answer_id, same, c.label if c else str(code_id)))

    def _coding_at_cursor(self, row: GridRow):
        """The coded passage under the answer text's selection (the one overlapping it most)
        or, while the text has the focus, under its cursor (the narrowest); None if none."""
        spans = [sp for sp in row.codings if sp.start is not None]
        sel = self.pane.selected_span()
        if sel is not None:
            a, b = sel
            hits = [sp for sp in spans if sp.start < b and a < sp.end]
            return max(hits, key=lambda sp: (min(b, sp.end) - max(a, sp.start), sp.start - sp.end), default=None)
        if self.pane.text.hasFocus():
            pos = utf16_to_cp(row.text, self.pane.text.textCursor().position())
            hits = [sp for sp in spans if sp.start <= pos <= sp.end]
            return min(hits, key=lambda sp: sp.end - sp.start, default=None)
        return None

    def toggle_star(self) -> None:
        """Mark the coded passage under the cursor (or the answer's only coding) as a quote
        for the report, or unmark it."""
        row = self.current_row()
        if row is None:
            return
        sp = self._coding_at_cursor(row)
        if sp is None and len(row.codings) == 1:
            sp = row.codings[0]
        if sp is None:
            self.statusBar().showMessage(tr("Put the cursor in a coded passage to mark it as a quote."), 5000)
            return
        self._push(undo.StarQuote(self, row.answer_id, [sp], sp.coding_id not in self.pane.starred))

    def toggle_star_code(self, code_id: int) -> None:
        """A chip's menu: mark all the code's passages on the answer as quotes, or, if any is
        marked, unmark them all (one undo step)."""
        row = self.current_row()
        if row is None:
            return
        same = [sp for sp in row.codings if sp.code_id == code_id]
        if same:
            self._push(undo.StarQuote(self, row.answer_id, same, not self.pane.is_starred(code_id)))

    def mark_coded_next(self) -> None:
        row = self.current_row()
        if row is None:
            return
        if not row.coded:
            if not self._push(undo.MarkCoded(self, row.answer_id, True)):
                return
        self.step(1)
        self.focus_grid()

    def no_code_applies(self) -> None:
        row = self.current_row()
        if row is None:
            return
        if row.coded and not row.codings:
            self.step(1)
            return
        if self._push(undo.NoCodeApplies(self, row.answer_id, list(row.codings))):
            self.step(1)

    def toggle_flag(self) -> None:
        row = self.current_row()
        if row is not None:
            self._push(undo.SetFlag(self, row.answer_id, not row.flagged))

    def memo_on_answer(self) -> None:
        row = self.current_row()
        if row is None:
            return
        with self.store.session() as s:
            m = self._memo(s, "answer", row.answer_id)
        old = m.text if m else ""
        self._open_memo(trf("Memo on answer {0}", f"{row.respondent_key} {row.question_key}"),
                        row.text, old, "answer", row.answer_id, row.answer_id)

    def memo_on_code(self, code_id: int) -> None:
        c = self.code_by_id.get(code_id)
        if c is None or self.store is None:
            return
        with self.store.session() as s:
            m = self._memo(s, "code", code_id)
        self._open_memo(trf("Memo on code {0}", c.label), c.description or c.label, m.text if m else "",
                        "code", code_id, None)

    def _open_memo(self, title: str, context: str, old: str, target_type: str, target_id: int,
                   answer_id: Optional[int]) -> None:
        dlg = MemoDialog(title, context, old, self)
        self.memo_dialog = dlg

        def save() -> None:
            text = dlg.text()
            if text != old:
                self._push(undo.Memo(self, target_type, target_id, text, old, answer_id))
            self.focus_grid()
        dlg.accepted.connect(save)
        dlg.rejected.connect(self.focus_grid)
        dlg.open()

    def open_history(self, project_log: bool = False):
        """The current answer's audit trail (Ctrl+H), or with ``project_log`` the project's."""
        from workbench.ui.history_dialog import open_history
        return open_history(self, project_log)

    def open_quick_pick(self) -> None:
        if self.current_row() is None:
            return
        qp = QuickPick([c for c in self.codes if not c.retired], self)
        qp.picked.connect(self.toggle_code)
        qp.finished.connect(lambda _r: self.focus_grid() if self.pane.selected_span() is None else None)
        self.quick_pick = qp
        qp.open()
        qp.edit.setFocus()

    # ================================================================ status
    def _update_enabled(self) -> None:
        have = self.grid is not None
        for a in (self.act_coded_next, self.act_next, self.act_prev, self.act_uncoded, self.act_flag, self.act_memo,
                  self.act_star, self.act_nocode, self.act_pick, self.act_import, self.act_coder, self.act_find, self.act_clear):
            a.setEnabled(have)
        self.split.setVisible(have)
        if have != getattr(self, "_had_project", None):
            self._had_project = have
            self.codebook_dock.setVisible(have)
        self.filter_bar.setVisible(have)
        self.hint.setVisible(not have)
        self.hint.setText(tr("Open a project (Ctrl+O) or the demo project to start coding."))

    def _update_status(self) -> None:
        if self.grid is None:
            for w in (self.lbl_where, self.lbl_coder, self.lbl_progress, self.lbl_count):
                w.setText("")
            return
        total = len(self.grid)
        shown = self.model.rowCount()
        filtered = shown != total or not self.model.filter.is_empty()
        # the coded share of what the coder is working through: the filter's answers
        coded = int(self.grid.coded[self.model.visible].sum()) if filtered else int(self.grid.coded.sum())
        base = shown if filtered else total
        pct = round(100 * coded / base) if base else 0
        pos = self.current_position()
        self.lbl_where.setText(trf("Answer {0} of {1}", number(pos + 1), number(shown)) if pos >= 0 else "")
        self.lbl_coder.setText(trf("Coder: {0}", self.coder))
        self.lbl_progress.setText(trf("{0} of {1} coded ({2} %)", number(coded), number(base), pct) if filtered
                                  else trf("{0} coded ({1} %)", number(coded), pct))
        self.lbl_count.setText(trf("{0} of {1} answers", number(shown), number(total)))

    def _update_code_counts(self) -> None:
        if self.grid is not None:
            self.panel.set_counts(self.grid.code_counts(self.model.visible))

    # ================================================================ help
    def show_keys(self) -> None:
        """F1: every shortcut, the same list as the README's key table (a test keeps them equal)."""
        body = "".join(f"<tr><td><b>{html.escape(tr(k))}</b>&nbsp;&nbsp;</td><td>{html.escape(tr(v))}</td></tr>"
                       for k, v in KEYS)
        box = QMessageBox(QMessageBox.Icon.Information, tr("Keyboard shortcuts"), f"<table>{body}</table>",
                          QMessageBox.StandardButton.Close, self)
        box.setObjectName("keysDialog")
        self.keys_dialog = box
        box.open() if self.interactive else box.show()

    def about_text(self) -> str:
        import PySide6
        import sqlalchemy
        from PySide6.QtCore import qVersion

        try:
            from workbench.nlp.pipeline import _last, pipeline_info

            if _last is not None:
                info = pipeline_info()
                nlp = f"{info.get('source')} — {info.get('name')} {info.get('version', '')}"
            else:
                from workbench.nlp import pipeline as _p

                nlp = f"{tr('not loaded')} ({_p.SPACY_MODEL} / {_p.SOURCE_BUNDLED})"
        except Exception as e:  # the NLP part is optional for coding
            nlp = f"{tr('not loaded')} ({e.__class__.__name__})"
        lines = [f"<h3>Workbench {workbench.__version__}</h3>",
                 f"<p>{html.escape(tr('A keyboard-first workbench for coding open survey answers in Danish.'))}</p>",
                 f"<p>Python {platform.python_version()}<br>Qt {qVersion()} · PySide6 {PySide6.__version__}<br>"
                 f"SQLAlchemy {sqlalchemy.__version__}<br>{html.escape(trf('Danish NLP pipeline: {0}', nlp))}</p>"]
        if self.store is not None:
            lines.append(f"<p>{html.escape(without_password(self.project or ''))}<br>{html.escape(self._codebook_name)}</p>")
        return "".join(lines)

    def show_about(self) -> None:
        QMessageBox.about(self, tr("About Workbench"), self.about_text())


# The shortcuts F1 lists, in the README's words (README.md "| key | action |" is this table).
KEYS: tuple[tuple[str, str], ...] = (
    ("a code's key (1–9, letters)", "toggle that code on the answer, or on the selected text (span); removing the last code leaves the answer uncoded"),  # noqa: E501
    ("Enter / Ctrl+Enter", "mark coded, go to the next answer"),
    ("N / P, Alt+↓ / Alt+↑", "next / previous answer (the status bar says when the filtered list ends)"),
    ("U", "next uncoded answer"),
    ("0 / Ctrl+0", "no code applies"),
    ("F", "flag the answer"),
    ("M", "memo on the answer: Ctrl+Enter or Ctrl+S saves, Tab moves on, Esc asks before discarding"),
    ("Ctrl+K or /", "quick-pick a code by typing"),
    ("Ctrl+D", "star the coded passage under the selection or cursor as a quote for the report (★ on its chip; right-click a chip for all of a code's passages)"),
    ("Ctrl+1…5 / Alt+1…5 (or Ctrl+Shift+1…5)", "accept / reject suggestion N"),
    ("Ctrl+H", "the answer's history: who coded, decided or changed what, when (Fil → Projektlog for the whole project)"),
    ("Ctrl+Z, Ctrl+Shift+Z / Ctrl+Y", "undo / redo of every coding action, quote star and codebook edit: goes to the answer and says what was undone"),
    ("Ctrl+F / Ctrl+Shift+F", "search / clear filters"),
    ("Ctrl+E", "export"),
    ("Ctrl+Shift+R", "reconcile codings (supervisors): 1–9 take a coder's codes, U union, 0 none, E edit, N next"),
    ("F1", "all shortcuts"),
)


def category_labels(codebook_key: str) -> dict[str, str]:
    """Category labels live in the codebook YAML, not the project: read them from the shipped
    file of the same key, if there is one (else the category ids are shown)."""
    from workbench.coding.codebook import REPO_CODEBOOKS, load_codebook

    for path in sorted(REPO_CODEBOOKS.glob("*.yaml")) if REPO_CODEBOOKS.exists() else []:
        try:
            spec = load_codebook(path)
        except Exception:
            continue
        if spec.key == codebook_key:
            return {k: v.get("label", k) for k, v in spec.categories.items()}
    return {}


def workbench_user() -> str:
    import getpass
    import os

    try:
        return os.environ.get("WORKBENCH_USER") or getpass.getuser()
    except Exception:
        return ""
