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
