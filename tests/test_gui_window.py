"""Issue 14: the coding window holds at every size and sets no traps. Each test drives one
trap the way a coder meets it (keys on the real main window, offscreen) and checks both the
database and what the widgets show."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication

from tests.test_grid import code_id
from tests.test_gui import codings, key, project, state, win  # noqa: F401 (fixtures)
from workbench.ui import i18n


def test_untoggling_the_only_code_decides_nothing(win, qtbot, project):
    aid = win.current_answer_id()
    key(qtbot, win, "1")
    assert state(project, aid).coded and len(codings(project, aid)) == 1
    key(qtbot, win, "1")  # the same key again: the code is gone, and so is the "coded" mark
    assert codings(project, aid) == [] and not state(project, aid).coded
    assert not win.current_row().coded
    assert win.pane.chips_hint.text() != "Kodet: ingen kode passer"
    assert win.pane.chips_hint.text().startswith("Ingen koder endnu")
    key(qtbot, win, "n")
    win.select_position(5)
    key(qtbot, win, "u")  # U still finds it: nothing before position 5 is coded, it wraps round
    assert win.current_answer_id() != aid
    win.select_position(win.model.rowCount() - 1)
    key(qtbot, win, "u")
    assert win.current_answer_id() == aid
    # a decided answer ("no code applies") stays decided when a code is applied and undone
    key(qtbot, win, "0")
    win.select_position(0)
    assert state(project, aid).coded and codings(project, aid) == []
    key(qtbot, win, "k")
    key(qtbot, win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert state(project, aid).coded and codings(project, aid) == []
    assert win.pane.chips_hint.text() == "Kodet: ingen kode passer"
    # removing one of two codes leaves the answer coded
    key(qtbot, win, "1")
    key(qtbot, win, "k")
    key(qtbot, win, "1")
    assert state(project, aid).coded and [c.code_id for c in codings(project, aid)] == [code_id(project, "klar_plan")]


def test_core_removal_uncodes_only_when_nothing_is_left(project):
    from workbench.coding import codings as core
    from workbench.coding.models import AuditEvent
    from sqlmodel import select

    with project.session() as s:
        from workbench.coding.models import Answer
        aid = s.exec(select(Answer.id).order_by(Answer.id)).first()
    a = core.apply_code(project, "anne", aid, code_id(project, "lytter"))
    b = core.apply_code(project, "anne", aid, code_id(project, "klar_plan"), 0, 3)
    core.remove_coding(project, a)
    assert state(project, aid).coded
    core.remove_coding(project, b)
    assert not state(project, aid).coded
    with project.session() as s:
        last = s.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert last.action == "coding.remove" and last.payload.get("uncoded") is True
    core.apply_code(project, "anne", aid, code_id(project, "lytter"))
    assert core.remove_code(project, "anne", aid, code_id(project, "lytter")) == 1
    assert not state(project, aid).coded
    core.set_coded(project, "anne", aid, True)  # "no code applies", decided
    c = core.apply_code(project, "anne", aid, code_id(project, "lytter"))
    core.remove_coding(project, c, keep_coded=True)
    assert state(project, aid).coded


def test_qt_dialogs_speak_danish(win, qtbot, monkeypatch):
    from PySide6.QtWidgets import QFileDialog, QLabel

    assert QCoreApplication.translate("QFileDialog", "Look in:") == "Kig i:"
    dlg = QFileDialog(win)
    dlg.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dlg)
    labels = {w.objectName(): w.text() for w in dlg.findChildren(QLabel)}
    assert labels.get("lookInLabel") == "&Kig i:" and labels.get("fileTypeLabel") == "Filer af &type:"
    assert labels.get("fileNameLabel") == "&Filnavn:"
    # also when the app's own catalogue is served from Python (no compiled .qm)
    monkeypatch.setattr(i18n, "QM_FILE", i18n.HERE / "missing.qm")
    i18n.install("da")
    assert isinstance(i18n._installed[-1], i18n.CatalogueTranslator)
    assert QCoreApplication.translate("QFileDialog", "Files of type:") == "Filer af type:"
    assert i18n.tr("&Coding") == "&Kodning" and i18n.tr("no such source text") == "no such source text"
    i18n.install("en")
    assert QCoreApplication.translate("QFileDialog", "Look in:") == "Look in:"
    i18n.install("da")


def _open_memo(win, qtbot):
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    key(qtbot, win, "m")
    dlg = win.memo_dialog
    assert dlg is not None and dlg.isVisible()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dlg.edit)
    return dlg


def memos(store):
    from sqlmodel import select

    from workbench.coding.models import Memo
    with store.session() as s:
        return [(m.target_id, m.text) for m in s.exec(select(Memo).order_by(Memo.id))]


def test_memo_keyboard_save_tab_and_escape_asks(win, qtbot, project):
    from PySide6.QtWidgets import QMessageBox

    aid = win.current_answer_id()
    dlg = _open_memo(win, qtbot)
    qtbot.keyClicks(dlg.edit, "Første note")
    key(qtbot, win, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier, widget=dlg.edit)
    assert not dlg.isVisible() and memos(project) == [(aid, "Første note")]
    assert "Første note" in win.pane.memo.text()
    # Ctrl+S saves too
    dlg = _open_memo(win, qtbot)
    assert dlg.edit.toPlainText() == "Første note"
    qtbot.keyClicks(dlg.edit, ", anden")
    key(qtbot, win, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier, widget=dlg.edit)
    assert not dlg.isVisible() and memos(project) == [(aid, "Første note, anden")]
    # Tab moves the focus to the buttons instead of typing a tab
    dlg = _open_memo(win, qtbot)
    key(qtbot, win, Qt.Key.Key_Tab, widget=dlg.edit)
    assert "\t" not in dlg.edit.toPlainText() and QApplication.focusWidget() is not dlg.edit
    assert dlg.buttons.isAncestorOf(QApplication.focusWidget())
    # Escape with typed text asks; "Cancel" keeps the dialog and the text
    dlg.edit.setFocus()
    qtbot.keyClicks(dlg.edit, " tredje")
    asked = []
    dlg.ask_discard = lambda: asked.append(1) or QMessageBox.StandardButton.Cancel
    key(qtbot, win, Qt.Key.Key_Escape, widget=dlg.edit)
    assert asked and dlg.isVisible() and dlg.edit.toPlainText().endswith(" tredje")
    assert memos(project) == [(aid, "Første note, anden")]
    # "Save" from the question saves
    dlg.ask_discard = lambda: QMessageBox.StandardButton.Save
    key(qtbot, win, Qt.Key.Key_Escape, widget=dlg.edit)
    assert not dlg.isVisible() and memos(project) == [(aid, "Første note, anden tredje")]
    # "Discard" throws away only what was typed now
    dlg = _open_memo(win, qtbot)
    qtbot.keyClicks(dlg.edit, "xyz")
    dlg.ask_discard = lambda: QMessageBox.StandardButton.Discard
    key(qtbot, win, Qt.Key.Key_Escape, widget=dlg.edit)
    assert not dlg.isVisible() and memos(project) == [(aid, "Første note, anden tredje")]
    # nothing typed: Escape closes without asking
    dlg = _open_memo(win, qtbot)
    dlg.ask_discard = lambda: pytest.fail("asked although nothing was typed")
    key(qtbot, win, Qt.Key.Key_Escape, widget=dlg.edit)
    assert not dlg.isVisible()
    assert win.current_answer_id() == aid and codings(project) == []


# ------------------------------------------------------------------ layout at every size
@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    from workbench.demo.generate import create_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    create_demo(str(path), seed=2020)
    return path


@pytest.fixture
def demo_win(qtbot, demo_db, tmp_path, monkeypatch, request):
    import shutil

    from tests.conftest import open_main_window

    monkeypatch.setenv("WORKBENCH_SETTINGS", str(tmp_path / "settings.ini"))
    db = tmp_path / "demo.db"
    shutil.copy(demo_db, db)
    w = open_main_window(qtbot, db, size=request.param)
    qtbot.waitUntil(lambda: w.panel.is_compact() == (w.size_class() == "small"))
    QApplication.processEvents()
    yield w
    w.store.close()


def _settle(qtbot):
    for _ in range(10):
        qtbot.wait(30)
        QApplication.processEvents()


def _in(win, widget):
    """The widget's rectangle in window coordinates."""
    from PySide6.QtCore import QPoint, QRect
    return QRect(widget.mapTo(win, QPoint(0, 0)), widget.size())


def assert_pane_intact(win):
    """Nothing in the answer pane overlaps anything else, and each line has the height it needs."""
    pane = win.pane
    parts = [w for w in (pane.who, pane.question, pane.prompt, pane.text, pane.flag, pane.chips_box,
                         pane.chips_hint, pane.memo) if w.isVisible()]
    rects = [_in(win, w) for w in parts]
    for a, b, ra, rb in zip(parts, parts[1:], rects, rects[1:]):
        assert ra.bottom() < rb.top(), f"{a.objectName() or type(a).__name__} runs into {b.objectName() or type(b).__name__}"
    for lab in (pane.who, pane.question, pane.prompt, pane.chips_hint):
        if lab.isVisible():
            assert lab.height() >= lab.heightForWidth(lab.width()), lab.text()
    if pane.chips_box.isVisible():
        assert pane.chips_box.height() >= pane.chips.heightForWidth(pane.chips_box.width())
        for i in range(pane.chips.count()):  # every chip inside its box: below the text, not over it
            chip = pane.chips.itemAt(i).widget()
            assert pane.chips_box.rect().contains(chip.geometry())
    assert pane.text.height() >= 60 and pane.text.viewport().height() > 30
    assert "Score" in pane.question.text().split("<br>")[0]  # the score badge on the first line, always shown
    pane_rect = _in(win, pane)
    assert all(pane_rect.contains(r) for r in rects)


@pytest.mark.parametrize("demo_win", [(1280, 720), (1366, 768)], indirect=True)
def test_laptop_screens_show_every_code_key(demo_win, qtbot):
    win = demo_win
    from PySide6.QtCore import Qt as _Qt
    assert win.size_class() == "small" and win.panel.is_compact()
    assert win.dockWidgetArea(win.codebook_dock) == _Qt.DockWidgetArea.BottomDockWidgetArea
    _settle(qtbot)
    keys = win.panel.keys
    view = keys.viewport().rect()
    shortcuts = [c for c in win.codes if c.shortcut and not c.retired]
    assert len(shortcuts) >= 25  # the demo codebook
    for c in shortcuts:
        win.panel.select_code(c.id)
        idx = keys.currentIndex()
        assert idx.isValid() and idx.data(0x0101) == c.id
        r = keys.visualRect(idx)
        assert view.contains(r), f"code key {c.shortcut} ({c.label}) is not visible in the codebook"
        assert idx.data().split()[0] == c.shortcut
    assert keys.verticalScrollBar().maximum() == 0 or not keys.verticalScrollBar().isVisible()
    # the answer text is on screen beside all that, with room to read
    assert _in(win, win.pane.text).bottom() < _in(win, win.codebook_dock).top()
    assert win.pane.text.height() >= 80
    assert_pane_intact(win)
    # many codes: the chips wrap below the text and push nothing over it
    for c in shortcuts[:9]:
        key(qtbot, win, c.shortcut)
    _settle(qtbot)
    assert win.pane.chips.count() == 9
    assert_pane_intact(win)
    # dragging things around cannot make widgets overlap: the codebook made tall, the pane narrow
    win.resizeDocks([win.codebook_dock], [win.height()], Qt.Orientation.Vertical)
    win.split.setSizes([win.width(), 10])
    win.suggestions.split.setSizes([10, win.height()])
    _settle(qtbot)
    assert_pane_intact(win)
    # a key still codes from the compact view's shortcut
    assert len(codings(win.store, win.current_answer_id())) == 9


@pytest.mark.parametrize("demo_win", [(1920, 1080)], indirect=True)
def test_large_screen_has_the_codebook_tree_beside(demo_win, qtbot):
    win = demo_win
    assert win.size_class() == "large" and not win.panel.is_compact()
    assert win.dockWidgetArea(win.codebook_dock) == Qt.DockWidgetArea.RightDockWidgetArea
    _settle(qtbot)
    assert_pane_intact(win)
    # the same window made small reflows, and large again
    win.resize(1280, 720)
    _settle(qtbot)
    assert win.panel.is_compact() and win.dockWidgetArea(win.codebook_dock) == Qt.DockWidgetArea.BottomDockWidgetArea
    win.resize(1920, 1080)
    _settle(qtbot)
    assert not win.panel.is_compact()
    # the coder's own arrangement wins over the automatic one, until "reset layout"
    win.panel.compact_btn.click()
    assert win.panel.is_compact() and not win.auto_layout() and not win.act_auto_layout.isChecked()
    win.resize(1900, 1070)
    _settle(qtbot)
    assert win.panel.is_compact()
    win.reset_layout()
    _settle(qtbot)
    assert win.auto_layout() and not win.panel.is_compact()


def test_window_from_a_larger_display_is_moved_on_screen(win, qtbot):
    from PySide6.QtCore import QRect

    screen = QRect(0, 0, 1280, 720)
    win.showNormal()
    win.setGeometry(2400, 1300, 1900, 1000)  # where it was on a 4K monitor
    win.ensure_on_screen(screen)
    assert screen.contains(win.frameGeometry()), win.frameGeometry()
    # and through the saved settings: the next start on this machine's screen
    win.setGeometry(3000, 2000, 1280, 720)  # small: the codebook docked at the bottom
    _settle(qtbot)
    assert win.dockWidgetArea(win.codebook_dock) == Qt.DockWidgetArea.BottomDockWidgetArea
    win.save_settings()
    from workbench.ui.main_window import MainWindow
    w2 = MainWindow(win.settings, coder="anne", interactive=False)
    qtbot.addWidget(w2)
    avail = QApplication.primaryScreen().availableGeometry()
    assert avail.contains(w2.frameGeometry()), (w2.frameGeometry(), avail)
    assert w2.auto_layout() and w2.act_auto_layout.isChecked()  # restoring the dock is not arranging it


# ------------------------------------------------------------------ undo, where am I, resume
def test_undo_goes_to_the_answer_and_says_what_it_undid(win, qtbot, project):
    aid = win.current_answer_id()
    row = win.current_row()
    key(qtbot, win, "1")
    for _ in range(5):
        key(qtbot, win, "n")
    assert win.current_answer_id() != aid
    key(qtbot, win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert codings(project, aid) == [] and not state(project, aid).coded
    assert win.current_answer_id() == aid  # the grid went to the answer that changed
    msg = win.statusBar().currentMessage()
    assert msg.startswith("Fortrød anvend kode Lytter og forstår") and f"{row.respondent_key} {row.question_key}" in msg
    key(qtbot, win, "n")
    key(qtbot, win, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert len(codings(project, aid)) == 1 and win.current_answer_id() == aid
    assert win.statusBar().currentMessage().startswith("Gentog anvend kode")
    # an answer the filter hides: undone all the same, and the message says where it is
    win.filter_bar.status.setCurrentIndex(win.filter_bar.status.findData("uncoded"))
    assert win.model.position_of(aid) < 0
    key(qtbot, win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert codings(project, aid) == []
    assert "ikke i det aktuelle filter" in win.statusBar().currentMessage()


def test_where_am_i_and_the_end_of_the_list(win, qtbot, project):
    assert win.lbl_where.text() == "Svar 1 af 210"
    key(qtbot, win, "n")
    assert win.lbl_where.text() == "Svar 2 af 210"
    fb = win.filter_bar
    fb.band.setCurrentIndex(fb.band.findData("negativ"))
    n = win.model.rowCount()
    assert 0 < n < 210 and win.lbl_where.text() == f"Svar 1 af {n}"
    key(qtbot, win, "1")
    assert win.lbl_progress.text() == f"1 af {n} kodet ({round(100 / n)} %)"
    win.select_position(n - 1)
    assert win.lbl_where.text() == f"Svar {n} af {n}"
    key(qtbot, win, "n")  # nothing after the last: said, and shown
    assert win.current_position() == n - 1
    assert "sidste svar i filteret" in win.statusBar().currentMessage()
    assert "background" in win.lbl_where.styleSheet()
    key(qtbot, win, Qt.Key.Key_Return)  # Enter on the last one: coded, and the same sign
    assert "sidste svar i filteret" in win.statusBar().currentMessage()
    fb.clear()
    assert win.lbl_progress.text().endswith("kodet (1 %)") and "af" not in win.lbl_progress.text()


def test_reopening_resumes_answer_and_filter(qtbot, project, tmp_path):
    from tests.conftest import open_main_window

    w = open_main_window(qtbot, project.path)
    fb = w.filter_bar
    fb.band.setCurrentIndex(fb.band.findData("negativ"))
    key(qtbot, w, "n")
    key(qtbot, w, "n")
    aid, n = w.current_answer_id(), w.model.rowCount()
    w.settings.sync()
    w.store.close()
    w.close()
    w2 = open_main_window(qtbot, project.path)
    try:
        assert w2.filter_bar.band.currentData() == "negativ" and w2.model.rowCount() == n
        assert w2.current_answer_id() == aid and w2.pane.row.answer_id == aid
        assert w2.lbl_where.text() == f"Svar 3 af {n}"
        assert "Tilbage hvor du slap" in w2.statusBar().currentMessage()
    finally:
        w2.store.close()


# ------------------------------------------------------------------ text
def test_history_speaks_in_words_and_counts_right(win, qtbot, project):
    key(qtbot, win, "1")
    key(qtbot, win, "h", Qt.KeyboardModifier.ControlModifier)
    dlg = win.history_dialog
    m = dlg.model
    col = m.columns.index("action")
    assert m.rowCount() == 1 and m.index(0, col).data() == "Kode sat på"
    assert m.index(0, col).data(Qt.ItemDataRole.ToolTipRole) == "coding.apply"
    assert dlg.status.text() == "1 hændelse"
    assert all("." not in m.index(r, col).data() for r in range(m.rowCount()))
    dlg.close()
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    key(qtbot, win, "1")  # removed again: the sentence says the answer is not coded any more
    key(qtbot, win, "h", Qt.KeyboardModifier.ControlModifier)
    dlg = win.history_dialog
    m = dlg.model
    assert dlg.status.text() == "2 hændelser"
    assert m.index(0, col).data() == "Kode fjernet"
    assert "ikke kodet længere" in m.index(0, m.columnCount() - 1).data()
    qtbot.keyClicks(dlg.filter, "sat på")  # the filter finds the words shown
    assert m.rowCount() == 1 and dlg.status.text() == "1 af 2 hændelser"
    dlg.close()


def test_quick_pick_and_export_preview_show_labels(win, qtbot, project):
    import pandas as pd

    key(qtbot, win, "1")

    key(qtbot, win, "k", Qt.KeyboardModifier.ControlModifier)
    qp = win.quick_pick
    texts = [qp.model.item(r).text() for r in range(qp.model.rowCount())]
    assert "Lytter og forstår   [1]" in texts and not any("lytter" in t.split() for t in texts)
    assert all("·" not in t and "_" not in t for t in texts)  # klar_plan, sagsbehandlerskift … are ids
    qtbot.keyClicks(qp.edit, "klar_plan")  # the id still finds it
    assert qp.proxy.rowCount() == 1 and qp.list.currentIndex().data() == "Klar plan   [k]"
    qp.reject()
    from workbench.ui.export_dialog import open_export_dialog
    dlg = open_export_dialog(win)
    try:
        with qtbot.waitSignal(dlg.preview_ready, timeout=60000):
            dlg.set_kind("frequencies")
            dlg.refresh_preview()
        qtbot.wait(400)
        qtbot.waitUntil(lambda: "code" in dlg.model.df.columns and len(dlg.model.df) > 0, timeout=30000)
        m = dlg.model
        col = list(m.df.columns).index("code")
        labels = {c.label for c in win.codes}
        shown = {m.data(m.index(r, col)) for r in range(m.rowCount())}
        assert shown and shown <= labels, shown - labels
        ids = set(m.df["code"])
        assert not shown & ids  # no internal id on screen…
        assert m.data(m.index(0, col), Qt.ItemDataRole.ToolTipRole) == f"I filen: {m.df['code'].iloc[0]}"  # …but said
        df = pd.DataFrame({"question": ["q1"], "lytter": [1]})  # the answers export: one column per code id
        m.set_frame(df)
        assert m.headerData(1, Qt.Orientation.Horizontal) == "Lytter og forstår"
        assert m.headerData(0, Qt.Orientation.Horizontal) == "question"
    finally:
        dlg.close()


def test_f1_lists_the_readme_key_table(win, qtbot):
    import re
    from pathlib import Path

    from workbench.ui.main_window import KEYS

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("| key | action |"):].split("\n\n")[0].splitlines()[2:]
    rows = [tuple(c.strip() for c in re.match(r"^\|(.*)\|(.*)\|$", line).groups()) for line in table]
    assert rows == list(KEYS)
    key(qtbot, win, Qt.Key.Key_F1)
    box = win.keys_dialog
    assert box.isVisible()
    text = box.text()
    import html
    for k, v in KEYS:
        assert html.escape(i18n.DA.get(k, k)) in text  # keys with words are in Danish too
        assert i18n.DA.get(v), f"no Danish for {v!r}"
        assert html.escape(i18n.DA[v]) in text
    # every shortcut the table names is a real one of the window
    shortcuts = {s.toString() for a in win.actions() for s in a.shortcuts()}
    for k in ("Ctrl+K", "/", "Ctrl+D", "Ctrl+H", "Ctrl+Z", "Ctrl+Y", "Ctrl+Shift+F", "Ctrl+E", "Ctrl+Shift+R", "F1",
              "U", "N", "P", "F", "M", "0", "Ctrl+0", "Alt+Down", "Ctrl+1", "Alt+1", "Ctrl+Shift+1"):
        assert k in shortcuts, k
    box.close()
