"""The supervisor's reconciliation view, the agreement report and the live refresh, driven
on the real main window (offscreen) and checked against the database."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlmodel import select

from tests.test_grid import code_id, make_project
from tests.conftest import open_main_window
from workbench.coding.agreement import agreement_report
from workbench.coding.codings import apply_code, set_coded
from workbench.coding.models import Answer, AnswerState, Code, Coder, Coding, Decision
from workbench.coding.reconcile import decide
from workbench.coding.store import Store
from workbench.coding.team import PermissionDenied, ensure_person


@pytest.fixture
def project(tmp_path, monkeypatch):
    """anne and bo coded the same six answers; sup is the supervisor, sup2 another one."""
    monkeypatch.setenv("WORKBENCH_SETTINGS", str(tmp_path / "settings.ini"))
    store = make_project(tmp_path)
    ensure_person(store, "sup", "supervisor")
    ensure_person(store, "sup2", "supervisor")
    with store.session() as s:
        aids = list(s.exec(select(Answer.id).order_by(Answer.id).limit(6)))
    k = lambda key: code_id(store, key)  # noqa: E731
    a1, a2, a3, a4, a5, a6 = aids
    apply_code(store, "anne", a1, k("lytter")); apply_code(store, "bo", a1, k("lytter"))      # agreed
    apply_code(store, "anne", a2, k("lytter")); apply_code(store, "bo", a2, k("lytter"))      # -> take anne (1)
    apply_code(store, "bo", a2, k("ventetid"), 0, 5)
    apply_code(store, "anne", a3, k("klar_plan")); apply_code(store, "bo", a3, k("ventetid"), 0, 5)  # -> union
    apply_code(store, "anne", a4, k("helbred")); apply_code(store, "bo", a4, k("lytter"))     # -> no code (0)
    apply_code(store, "anne", a5, k("lytter")); apply_code(store, "bo", a5, k("sagsbehandlerskift"))  # -> edit
    apply_code(store, "anne", a6, k("klar_plan")); set_coded(store, "bo", a6)                 # conflict
    yield store, aids
    store.close()


def open_window(qtbot, store, coder):
    return open_main_window(qtbot, store.path, coder=coder, size=None)


def key(qtbot, widget, k, mod=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(widget, k, mod)
    QApplication.processEvents()


def decision(store, aid):
    with store.session() as s:
        d = s.exec(select(Decision).where(Decision.answer_id == aid)).first()
        who = s.get(Coder, d.decided_by).name if d else None
    return d, who


def final_codes(store, aid):
    with store.session() as s:
        rows = s.exec(select(Code.key, Coding.start, Coding.end).join(Code, Code.id == Coding.code_id)
                      .join(Coder, Coder.id == Coding.coder_id)
                      .where(Coder.name == "final", Coding.answer_id == aid)).all()
        st = s.exec(select(AnswerState.coded).join(Coder, Coder.id == AnswerState.coder_id)
                    .where(Coder.name == "final", AnswerState.answer_id == aid)).first()
    return sorted(tuple(r) for r in rows), st


def test_reconcile_a_whole_round(qtbot, project):
    store, (a1, a2, a3, a4, a5, a6) = project
    win = open_window(qtbot, store, "sup")
    assert win.act_reconcile.text() == "Afstem kodninger…" and win.act_reconcile in win.m_coding.actions()
    key(qtbot, win.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dlg = win.reconcile_dialog
    assert dlg is not None
    qtbot.waitUntil(lambda: dlg.model.rowCount() == 6, timeout=20000)
    dlg.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dlg, timeout=5000)

    # opening merged the agreed answer; the five disagreements come first, in answer order
    assert dlg.merge_result["merged"] == 1
    assert [u.answer_id for u in dlg.model.units] == [a2, a3, a4, a5, a6, a1]
    assert [u.status for u in dlg.model.units] == ["open"] * 5 + ["decided"]
    d1, who = decision(store, a1)
    assert (d1.basis, who) == ("agreed", "sup") and final_codes(store, a1) == ([("lytter", None, None)], True)
    assert dlg.model.data(dlg.model.index(0, 3)) == "uenige"
    assert dlg.model.data(dlg.model.index(0, 3), Qt.ItemDataRole.BackgroundRole).color().name() == "#f4b39c"
    assert dlg.model.data(dlg.model.index(5, 3), Qt.ItemDataRole.BackgroundRole).color().name() == "#bcd4f0"

    # the current unit: one column per coder, codes in their colours, bo's span highlighted
    assert dlg.current_answer_id() == a2
    assert [g.title() for g in dlg.coder_groups] == ["1 · anne", "2 · bo"]
    bo_html = dlg.coder_views[1].toHtml()
    assert "Ventetid og stilstand" in bo_html and "#ff7f0e" in bo_html
    assert "Ventetid" not in dlg.coder_views[0].toHtml()

    # 1 = take anne's version, with a note typed after Ctrl+M
    key(qtbot, dlg.table, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is dlg.note
    qtbot.keyClicks(dlg.note, "bo 1 tog fejl")  # digits in the note are text, not verdicts
    assert decision(store, a2)[0] is None
    key(qtbot, dlg.note, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is dlg.table and dlg.isVisible()
    key(qtbot, dlg.table, Qt.Key.Key_1)
    d2, who = decision(store, a2)
    assert (d2.basis, who, d2.note, d2.codes) == ("coder:anne", "sup", "bo 1 tog fejl", ["lytter"])
    assert final_codes(store, a2) == ([("lytter", None, None)], True)
    assert dlg.current_unit().status == "decided"
    assert "sup" in dlg.final.text() and "bo 1 tog fejl" in dlg.final.text()  # who and the note are shown

    # N = next open unit; U = union (anne's whole-answer code and bo's span)
    key(qtbot, dlg.table, Qt.Key.Key_N)
    assert dlg.current_answer_id() == a3 and dlg.note.text() == ""
    key(qtbot, dlg.table, Qt.Key.Key_U)
    d3, _ = decision(store, a3)
    assert d3.basis == "union" and d3.codes == ["klar_plan", "ventetid"]
    assert final_codes(store, a3) == ([("klar_plan", None, None), ("ventetid", 0, 5)], True)

    # Ctrl+Enter = next open unit too; 0 = no code applies
    key(qtbot, dlg.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dlg.current_answer_id() == a4
    key(qtbot, dlg.table, Qt.Key.Key_0)
    d4, _ = decision(store, a4)
    assert d4.basis == "none" and d4.codes == [] and final_codes(store, a4) == ([], True)

    # E = edit the final codes by hand, with a note
    key(qtbot, dlg.table, Qt.Key.Key_N)
    assert dlg.current_answer_id() == a5
    dlg.note.setText("aftalt på teammøde")
    key(qtbot, dlg.table, Qt.Key.Key_E)
    ed = dlg.edit_dialog
    assert ed is not None and ed.isVisible()
    assert set(ed.checked()) == {"lytter", "sagsbehandlerskift"}  # starts from both coders' codes
    ed.set_checked({"klar_plan", "helbred"})
    ed.accept()
    QApplication.processEvents()
    d5, who = decision(store, a5)
    assert (d5.basis, d5.codes, d5.note, who) == ("manual", ["helbred", "klar_plan"], "aftalt på teammøde", "sup")
    assert final_codes(store, a5) == ([("helbred", None, None), ("klar_plan", None, None)], True)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dlg, timeout=5000)

    # another supervisor decides a6 meanwhile: our key press is refused, the unit reloads
    key(qtbot, dlg.table, Qt.Key.Key_N)
    assert dlg.current_answer_id() == a6 and dlg.current_unit().decision is None
    decide(store, "sup2", a6, basis="coder:anne", note="min afgørelse")
    key(qtbot, dlg.table, Qt.Key.Key_2)
    assert "En anden supervisor" in dlg.last_message
    d6, who = decision(store, a6)
    assert (d6.basis, who, d6.version) == ("coder:anne", "sup2", 1)  # not overwritten
    assert dlg.current_unit().decision.decided_by == "sup2" and "min afgørelse" in dlg.final.text()
    key(qtbot, dlg.table, Qt.Key.Key_2)  # now deciding on what we see works
    d6, who = decision(store, a6)
    assert (d6.basis, who, d6.version) == ("coder:bo", "sup", 2) and final_codes(store, a6) == ([], True)

    # nothing open is left
    key(qtbot, dlg.table, Qt.Key.Key_N)
    assert "Ingen åbne svar" in dlg.last_message
    assert all(u.status == "decided" for u in dlg.model.units)
    dlg.close()
    win.store.close()


def test_a_coder_cannot_reconcile(qtbot, project):
    store, _aids = project
    win = open_window(qtbot, store, "anne")
    win.act_reconcile.trigger()
    assert win.reconcile_dialog is None
    assert isinstance(win.last_error, PermissionDenied)
    assert "supervisor" in win.statusBar().currentMessage() and "anne" in win.statusBar().currentMessage()
    with store.session() as s:
        assert s.exec(select(Decision)).first() is None  # not even the automatic merge ran
    win.store.close()


def test_agreement_view(qtbot, project):
    store, _aids = project
    win = open_window(qtbot, store, "sup")
    win.act_agreement.trigger()
    dlg = win.agreement_dialog
    assert dlg is not None and set(dlg.selected_coders()) == {"anne", "bo"}
    qtbot.waitUntil(lambda: dlg.report is not None, timeout=20000)
    rep = agreement_report(store, coders=["anne", "bo"])
    assert dlg.report == rep and rep["units"] == 6
    cells = [[dlg.table.item(r, c).text() for c in range(dlg.table.columnCount())] for r in range(dlg.table.rowCount())]
    from workbench.ui.agreement_view import fmt, pct

    assert cells[0][0] == "Samlet" and cells[0][2] == fmt(rep["overall"]["alpha"])
    assert cells[0][4] == pct(rep["overall"]["percent_agreement"]) and "," in cells[0][4]  # Danish decimals
    lytter = next(r for r in cells if r[1] == "Lytter og forstår")
    assert lytter[2] == fmt(rep["codes"]["lytter"]["alpha"]) and lytter[3] == fmt(rep["codes"]["lytter"]["kappa"])
    assert any(r[0] == "Spørgsmål" for r in cells) and any(r[0] == "Bånd" for r in cells)
    # fewer than two coders: no report, a message
    dlg.set_coders(["anne"])
    with qtbot.waitSignal(dlg.computed) as sig:
        dlg.compute()
    assert sig.args == [False] and "to kodere" in dlg.summary.text()
    win.store.close()


def test_live_refresh_shows_other_peoples_codings(qtbot, project):
    store, _aids = project
    win = open_window(qtbot, store, "anne")
    win.select_position(5)
    here = win.current_answer_id()
    target = win.model.answer_id(2)
    assert not win.grid.row(win.model.grid_row(2)).codings
    other = Store.open(store.path, actor="anne-laptop")  # anne in another process
    try:
        apply_code(other, "anne", target, code_id(other, "helbred"))
    finally:
        other.close()
    ch = win.live_refresh.poll()
    assert ch is not None and ch.count == 1 and target in ch.answer_ids
    row = win.grid.row(win.model.grid_row(2))
    assert [sp.code_id for sp in row.codings] == [code_id(store, "helbred")]
    assert "Helbred" in win.model.data(win.model.index(2, 6))
    assert win.current_answer_id() == here  # the coder's place is kept
    assert win.statusBar().currentMessage() == "Opdateret: 1 ændring fra andre"  # singular for one
    # our own change is not "from others"; an unchanged file costs no query
    win.toggle_code(code_id(store, "lytter"))
    ch = win.live_refresh.poll()
    assert ch is not None and ch.count == 0
    assert win.live_refresh.poll() is None
    win.store.close()


def _open_reconcile(qtbot, win):
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=5000)
    win.focus_grid()
    key(qtbot, win.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dlg = win.reconcile_dialog
    qtbot.waitUntil(lambda: dlg.model.rowCount() == 6, timeout=20000)
    dlg.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dlg, timeout=5000)
    return dlg


def test_reconcile_note_checklist_legend_and_earlier_decisions(qtbot, project):
    """Tab into the note keeps its text; the checklist is big enough, searchable and keyboard-
    confirmable; the ◆ has a legend; decisions made earlier are listed when the view reopens."""
    store, (a1, a2, a3, a4, a5, a6) = project
    win = open_window(qtbot, store, "sup")
    dlg = _open_reconcile(qtbot, win)
    assert dlg.current_answer_id() == a2
    assert "◆" in dlg.legend.text() and "den anden koder gav ikke denne kode" in dlg.legend.text()
    assert "◆" in dlg.coder_views[1].toHtml()  # bo's extra code is marked
    # Tab from the list into the note: the note is not selected, so a key typed adds to it
    dlg.note.setText("begrundelse")
    dlg.table.setFocus()
    key(qtbot, dlg.table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dlg.note
    assert not dlg.note.hasSelectedText() and dlg.note.cursorPosition() == len("begrundelse")
    key(qtbot, dlg.note, Qt.Key.Key_1)
    assert dlg.note.text() == "begrundelse1" and decision(store, a2)[0] is None
    key(qtbot, dlg.note, Qt.Key.Key_Escape)
    key(qtbot, dlg.table, Qt.Key.Key_1)
    d2, _ = decision(store, a2)
    assert (d2.basis, d2.note) == ("coder:anne", "begrundelse1")
    # E: the final codes, sized for its labels, found by typing, confirmed with Ctrl+Enter
    dlg.select(dlg.model.position_of(a5))
    key(qtbot, dlg.table, Qt.Key.Key_E)
    ed = dlg.edit_dialog
    qtbot.waitUntil(lambda: ed.isVisible())
    assert ed.width() >= 420 and ed.height() >= 360
    fm = ed.list.fontMetrics()
    for i in range(ed.list.count()):  # no clipped label
        it = ed.list.item(i)
        assert ed.list.visualItemRect(it).width() >= fm.horizontalAdvance(it.text())
    assert QApplication.focusWidget() is ed.search
    qtbot.keyClicks(ed.search, "klar pl")
    assert [ed.list.item(i).text() for i in range(ed.list.count()) if not ed.list.item(i).isHidden()] == [
        "Klar plan   [k]"]
    key(qtbot, ed.search, Qt.Key.Key_Return)
    assert ed.isVisible() and ed.search.text() == "" and set(ed.checked()) == {"lytter", "sagsbehandlerskift", "klar_plan"}
    qtbot.keyClicks(ed.search, "skift")
    key(qtbot, ed.search, Qt.Key.Key_Return)  # ticked before: unticked now
    assert set(ed.checked()) == {"lytter", "klar_plan"} and "2 koder valgt" == ed.count.text()
    key(qtbot, ed.search, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    QApplication.processEvents()
    d5, _ = decision(store, a5)
    assert (d5.basis, d5.codes) == ("manual", ["klar_plan", "lytter"])
    dlg.close()
    QApplication.processEvents()
    # reopened: the decisions made earlier come right after the open answers, and one choice lists them
    dlg = _open_reconcile(qtbot, win)
    statuses = [(u.answer_id, u.status) for u in dlg.model.units]
    assert statuses == [(a3, "open"), (a4, "open"), (a6, "open"), (a2, "decided"), (a5, "decided"),
                        (a1, "decided")]
    dlg.show_box.setCurrentIndex(dlg.show_box.findData("decided"))
    shown = [dlg.model.units[r].answer_id for r in range(dlg.model.rowCount()) if not dlg.table.isRowHidden(r)]
    assert shown == [a2, a5]
    assert [dlg.model.data(dlg.model.index(dlg.model.position_of(a), 4)) for a in shown] == ["sup", "sup"]
    assert dlg.current_answer_id() in shown and "begrundelse1" in dlg.model.units[dlg.model.position_of(a2)].decision.note
    merged_row = dlg.model.position_of(a1)
    assert dlg.model.data(dlg.model.index(merged_row, 3)) == "enige, flettet" and dlg.table.isRowHidden(merged_row)
    dlg.close()


def test_agreement_defaults_to_the_cores_pair_not_everyone(qtbot, project):
    """A new coder with two answers in common is not ticked: the report compares the pair that
    coded the most answers in common, as ``workbench agreement`` does without --coders."""
    store, (a1, a2, *_rest) = project
    ensure_person(store, "carl", "coder")
    apply_code(store, "carl", a1, code_id(store, "lytter"))
    apply_code(store, "carl", a2, code_id(store, "helbred"))
    from workbench.coding.agreement import default_coders
    assert default_coders(store) == ["anne", "bo"]
    win = open_window(qtbot, store, "sup")
    win.act_agreement.trigger()
    dlg = win.agreement_dialog
    assert dlg.selected_coders() == ["anne", "bo"]
    all_names = [dlg.coders.item(i).text() for i in range(dlg.coders.count())]
    assert "carl" in all_names  # offered, just not ticked
    qtbot.waitUntil(lambda: dlg.report is not None, timeout=20000)
    assert dlg.report["units"] == 6 and dlg.report["coders"] == ["anne", "bo"]
    assert dlg.summary.text().startswith("anne, bo: 6 svar")
    win.store.close()
