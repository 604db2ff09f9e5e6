"""The coding window, driven like a coder drives it (keys on the real main window, offscreen),
checked against what landed in the database."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTranslator
from PySide6.QtWidgets import QApplication
from sqlmodel import select

from tests.conftest import open_main_window
from tests.test_grid import DANISH_TEXTS, code_id, make_project
from workbench.coding.models import AnswerState, Code, Coder, Coding, Memo, QuoteStar
from workbench.ui import i18n

UI = Path(__file__).resolve().parents[1] / "workbench" / "ui"


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_SETTINGS", str(tmp_path / "settings.ini"))
    store = make_project(tmp_path)
    yield store
    store.close()


@pytest.fixture
def win(qtbot, project):
    w = open_main_window(qtbot, project.path)
    yield w
    w.store.close()
    i18n.install("da")


def codings(store, answer_id=None, coder="anne"):
    with store.session() as s:
        q = select(Coding).join(Coder, Coder.id == Coding.coder_id).where(Coder.name == coder)
        if answer_id is not None:
            q = q.where(Coding.answer_id == answer_id)
        return list(s.exec(q.order_by(Coding.id)))


def state(store, answer_id, coder="anne"):
    with store.session() as s:
        return s.exec(select(AnswerState).join(Coder, Coder.id == AnswerState.coder_id)
                      .where(Coder.name == coder, AnswerState.answer_id == answer_id)).first()


def key(qtbot, w, k, mod=Qt.KeyboardModifier.NoModifier, widget=None):
    qtbot.keyClick(widget or w.table, k, mod)
    QApplication.processEvents()


def test_window_layout_and_status(win):
    assert win.model.rowCount() == 30 * 7
    assert win.current_position() == 0 and win.pane.row is not None
    assert win.pane.text.toPlainText() == win.current_row().text
    assert "210 af 210 svar" in win.lbl_count.text()
    assert win.menuBar().actions()[0].text() == "&Fil"
    assert [m.title() for m in (win.m_file, win.m_edit, win.m_view, win.m_coding, win.m_help)] == [
        "&Fil", "&Rediger", "&Vis", "&Kodning", "&Hjælp"]
    assert win.split.sizes()[0] > win.split.sizes()[1] > 0  # grid left/centre, panes right


def test_filter_by_band_and_text(win, qtbot, project):
    fb = win.filter_bar
    g = win.grid
    n_neg = sum(1 for i in range(len(g)) if g.row(i).band == "negativ")
    fb.band.setCurrentIndex(fb.band.findData("negativ"))
    assert win.model.rowCount() == n_neg > 0
    assert all(win.current_row().band == "negativ" for _ in [0])
    assert f"{n_neg} af 210 svar" in win.lbl_count.text()
    fb.band.setCurrentIndex(0)
    assert win.model.rowCount() == 210
    # text: the old spelling and capitals find å
    key(qtbot, win, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is fb.search
    qtbot.keyClicks(fb.search, "AABENRAA")
    qtbot.waitUntil(lambda: win.model.rowCount() == 2, timeout=3000)
    texts = {win.grid.texts[i] for i in win.model.visible}
    assert texts == {DANISH_TEXTS[0], DANISH_TEXTS[2]}
    # code keys type into the search field instead of coding
    qtbot.keyClicks(fb.search, "1")
    assert fb.search.text() == "AABENRAA1" and codings(project) == []
    fb.search.clear()
    qtbot.keyClicks(fb.search, "ørreder")
    qtbot.waitUntil(lambda: win.model.rowCount() == 1, timeout=3000)
    assert win.current_row().text == DANISH_TEXTS[1]
    key(qtbot, win, Qt.Key.Key_Return, widget=fb.search)  # Enter in the field: back to the grid
    assert QApplication.focusWidget() is win.table and codings(project) == []


def test_filter_keeps_current_answer(win, qtbot):
    win.select_position(5)
    aid = win.current_answer_id()
    band = win.current_row().band
    win.filter_bar.band.setCurrentIndex(win.filter_bar.band.findData(band))
    assert win.current_answer_id() == aid
    win.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)  # score
    assert win.current_answer_id() == aid
    scores = [win.grid.row(i).score or -1 for i in win.model.visible]
    assert scores == sorted(scores, reverse=True)


def test_filter_keeping_the_answer_does_not_reload_the_pane(win, qtbot, monkeypatch):
    win.select_position(5)
    row = win.pane.row
    calls = []
    monkeypatch.setattr(win, "_show_current", lambda: calls.append(win.current_answer_id()))
    win.filter_bar.band.setCurrentIndex(win.filter_bar.band.findData(row.band))
    assert win.current_answer_id() == row.answer_id and win.pane.row is row and calls == []
    other = next(b for b in ("negativ", "neutral", "positiv") if b != row.band)
    win.filter_bar.band.setCurrentIndex(win.filter_bar.band.findData(other))  # filtered out: the first is shown
    assert win.current_position() == 0 and calls == [win.current_answer_id()] != [row.answer_id]


def test_queue_order_is_part_of_the_filter(win):
    """"Most uncertain first" orders the rows inside the filter's one model reset."""
    from workbench.coding.grid import GridFilter

    ctrl, g = win.suggestions, win.grid
    resets = []
    win.model.modelReset.connect(lambda: resets.append(win.current_answer_id()))
    ctrl.queue_mode, ctrl.queue_rank = True, {int(g.answer_ids[5]): 0, int(g.answer_ids[2]): 1, -1: 2}
    win.apply_filter(GridFilter(question="q1"))
    q1 = [int(i) for i in g.filter(GridFilter(question="q1"))]
    assert len(resets) == 1 and [int(i) for i in win.model.visible] == [5, 2] + [i for i in q1 if i not in (2, 5)]
    ctrl.queue_mode, ctrl.queue_rank = False, {}
    win.apply_filter(GridFilter(question="q1"))
    assert [int(i) for i in win.model.visible] == q1


def test_grid_cells_in_one_call_match_data(win):
    """``multiData`` (one call per painted cell, used where PySide allows) shows exactly what
    Qt's per-role ``data`` calls show, and clears what the cell before it set."""
    from PySide6.QtCore import QAbstractTableModel
    from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

    from workbench.ui.answer_model import AnswerTableModel

    class OneCall(AnswerTableModel):
        multiData = AnswerTableModel._multi_data

    class PerRole(AnswerTableModel):
        multiData = QAbstractTableModel.multiData

    g = win.grid
    g.flagged[1] = True
    models = [cls() for cls in (OneCall, PerRole)]
    for m in models:
        m.set_grid(g, win.codes)
    assert models[0].flags(models[0].index(0, 0)) & Qt.ItemFlag.ItemIsSelectable

    def shown(d, m, r, c):
        o = QStyleOptionViewItem()
        d.initStyleOption(o, m.index(r, c))
        return (o.text, o.backgroundBrush.color().name(), o.backgroundBrush.style(), o.palette.text().color().name(),
                o.font.bold(), o.displayAlignment)
    delegates = [QStyledItemDelegate(), QStyledItemDelegate()]
    for r in range(8):
        for c in range(8):
            one, per = (shown(d, m, r, c) for d, m in zip(delegates, models))
            assert one == per, (r, c)
    g.flagged[1] = False


def test_code_by_keyboard_and_toggle(win, qtbot, project):
    aid = win.current_answer_id()
    key(qtbot, win, "1")
    rows = codings(project, aid)
    assert [(c.code_id, c.start, c.end) for c in rows] == [(code_id(project, "lytter"), None, None)]
    assert state(project, aid).coded
    assert "Lytter og forstår" in win.model.index(0, 6).data()
    assert win.lbl_saved.text().startswith("✔ Gemt ")
    assert re.search(r"\d\d:\d\d:\d\d", win.lbl_saved.text())
    key(qtbot, win, "k")
    assert {c.code_id for c in codings(project, aid)} == {code_id(project, "lytter"), code_id(project, "klar_plan")}
    key(qtbot, win, "1")  # again: toggles off
    assert [c.code_id for c in codings(project, aid)] == [code_id(project, "klar_plan")]
    assert codings(project, aid, coder="bo") == []


def test_span_coding(win, qtbot, project):
    text = win.current_row().text
    aid = win.current_answer_id()
    win.pane.text.setFocus()
    win.pane.select_span(4, 9)
    key(qtbot, win, "s", widget=win.pane.text)
    rows = codings(project, aid)
    assert [(c.code_id, c.start, c.end) for c in rows] == [(code_id(project, "ventetid"), 4, 9)]
    assert win.pane.text.extraSelections() and not win.pane.text.textCursor().hasSelection()
    # a second, overlapping span is drawn as a second layer
    win.pane.select_span(6, 12)
    key(qtbot, win, "2", widget=win.pane.text)
    assert {(c.start, c.end) for c in codings(project, aid)} == {(4, 9), (6, 12)}
    sels = win.pane.text.extraSelections()
    assert len(sels) == 2 and sels[1].format.fontUnderline()
    assert text[4:9] == win.grid.texts[win.grid.row_of[aid]][4:9]


def test_undo_redo(win, qtbot, project):
    aid = win.current_answer_id()
    key(qtbot, win, "1")
    assert len(codings(project, aid)) == 1 and state(project, aid).coded
    key(qtbot, win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert codings(project, aid) == [] and not state(project, aid).coded
    assert win.current_row().code_ids == ()
    key(qtbot, win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert len(codings(project, aid)) == 1 and state(project, aid).coded
    key(qtbot, win, Qt.Key.Key_F)  # flag, then undo twice, redo with Ctrl+Y
    assert state(project, aid).flagged
    key(qtbot, win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not state(project, aid).flagged and len(codings(project, aid)) == 1
    key(qtbot, win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert codings(project, aid) == []
    key(qtbot, win, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert len(codings(project, aid)) == 1


def stars(store, answer_id):
    with store.session() as s:
        return set(s.exec(select(QuoteStar.coding_id).join(Coding, Coding.id == QuoteStar.coding_id)
                          .where(Coding.answer_id == answer_id)))


def chip_texts(pane):
    return [pane.chips.itemAt(i).widget().text() for i in range(pane.chips.count())]


def test_star_quote(win, qtbot, project):
    """Ctrl+D marks the coded passage under the selection (or the only coding) as a quote;
    the chip shows ★; Ctrl+Z takes it back; the chip menu toggles all of a code's passages."""
    aid = win.current_answer_id()
    key(qtbot, win, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)  # nothing coded: a hint, no star
    assert stars(project, aid) == set() and "kodet udsnit" in win.statusBar().currentMessage()
    key(qtbot, win, "1")
    (only,) = codings(project, aid)
    key(qtbot, win, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)  # the answer's only coding
    assert stars(project, aid) == {only.id}
    assert chip_texts(win.pane)[0].startswith("★ Lytter og forstår")
    assert win.undo_stack.undoText() == "markér citat"
    key(qtbot, win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stars(project, aid) == set() and not chip_texts(win.pane)[0].startswith("★")
    assert len(codings(project, aid)) == 1
    # two passages: the selection picks the one it is in
    win.pane.select_span(4, 9)
    key(qtbot, win, "s", widget=win.pane.text)
    win.pane.select_span(20, 30)
    key(qtbot, win, "s", widget=win.pane.text)
    spans = {(c.start, c.end): c.id for c in codings(project, aid) if c.start is not None}
    win.pane.select_span(5, 7)
    key(qtbot, win, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert stars(project, aid) == {spans[(4, 9)]}
    key(qtbot, win, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)  # again: unmarked
    assert stars(project, aid) == set() and win.undo_stack.undoText() == "fjern citatmarkering"
    # the chip's menu: one step marks (and unmarks) every passage of the code
    ventetid = code_id(project, "ventetid")
    menu = win.pane.chip_menu(ventetid)
    assert [a.text() for a in menu.actions()] == ["Markér som citat", "Fjern kode"]
    menu.actions()[0].trigger()
    assert stars(project, aid) == set(spans.values())
    chip = next(t for t in chip_texts(win.pane) if "Ventetid" in t)
    assert chip.startswith("★ ") and not chip_texts(win.pane)[0].startswith("★")
    assert [a.text() for a in win.pane.chip_menu(ventetid).actions()][0] == "Fjern citatmarkering"
    win.toggle_star_code(ventetid)
    assert stars(project, aid) == set()
    win.undo()
    assert stars(project, aid) == set(spans.values())
    win.undo()
    assert stars(project, aid) == set()
    win.pane.chip_menu(ventetid).actions()[1].trigger()  # "Fjern kode"
    assert [c.start for c in codings(project, aid)] == [None]


def test_flag_and_navigation(win, qtbot, project):
    aid0 = win.current_answer_id()
    key(qtbot, win, "f")
    assert state(project, aid0).flagged and win.current_row().status == "flagged"
    key(qtbot, win, "n")
    assert win.current_position() == 1
    key(qtbot, win, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert win.current_position() == 2
    key(qtbot, win, "p")
    key(qtbot, win, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert win.current_answer_id() == aid0
    # Enter marks coded and moves on; u jumps to the next uncoded
    key(qtbot, win, Qt.Key.Key_Return)
    assert state(project, aid0).coded and win.current_position() == 1
    key(qtbot, win, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert win.current_position() == 2
    win.select_position(0)
    key(qtbot, win, "u")
    assert win.current_position() == 2


def test_no_code_applies(win, qtbot, project):
    aid = win.current_answer_id()
    key(qtbot, win, "1")
    key(qtbot, win, "0")
    st = state(project, aid)
    assert st.coded and codings(project, aid) == []
    assert win.current_position() == 1  # moved on
    aid2 = win.current_answer_id()
    key(qtbot, win, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert state(project, aid2).coded and codings(project, aid2) == []
    win.select_position(0)
    assert win.pane.chips_hint.text() == "Kodet: ingen kode passer"
    key(qtbot, win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    key(qtbot, win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [c.code_id for c in codings(project, aid)] == [code_id(project, "lytter")]


def test_memo_via_dialog(win, qtbot, project):
    aid = win.current_answer_id()
    key(qtbot, win, "m")
    dlg = win.memo_dialog
    assert dlg is not None and dlg.isVisible()
    qtbot.keyClicks(dlg.edit, "Uklart: nævner både ventetid og skift")
    # typing n/p/f/m in the memo must not navigate or code
    assert win.current_answer_id() == aid and codings(project) == []
    dlg.accept()
    with project.session() as s:
        memos = list(s.exec(select(Memo)))
    assert [(m.target_type, m.target_id, m.text) for m in memos] == [
        ("answer", aid, "Uklart: nævner både ventetid og skift")]
    assert "ventetid" in win.pane.memo.text()
    win.undo()
    with project.session() as s:
        assert list(s.exec(select(Memo))) == []


def test_history_of_the_answer_and_project_log(win, qtbot, project, tmp_path):
    aid = win.current_answer_id()
    key(qtbot, win, "1")  # anne codes "Lytter og forstår"
    key(qtbot, win, "f")
    key(qtbot, win, "h", Qt.KeyboardModifier.ControlModifier)  # Kodning → Historik for svaret…
    dlg = win.history_dialog
    assert dlg is not None and dlg.isVisible() and dlg.answer_id == aid
    m = dlg.model
    assert m.rowCount() == 2 and m.headerData(m.columnCount() - 1, Qt.Orientation.Horizontal) == "Hvad skete der"
    texts = [m.index(r, m.columnCount() - 1).data() for r in range(m.rowCount())]
    assert texts[0] == "anne satte flag ved svaret"
    assert any("anne satte koden »Lytter og forstår« på svaret" in t for t in texts), texts
    dlg.close()

    dlg = win.open_history(project_log=True)  # Fil → Projektlog… (read in a worker)
    qtbot.waitUntil(lambda: dlg.model.rowCount() > 3, timeout=10000)
    n = dlg.model.rowCount()
    assert "answer" in dlg.model.columns and any(
        "importerede" in dlg.model.index(r, 4).data() for r in range(n))
    qtbot.keyClicks(dlg.filter, "coding")
    assert dlg.model.rowCount() == 1 and dlg.status.text() == f"1 af {n} hændelser"
    dlg.output_hook = lambda name: str(tmp_path / name)
    path = dlg.export_csv()
    lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    assert path.endswith("projektlog.csv") and len(lines) == 2 and "coding.apply" in lines[1]
    dlg.close()


def test_merge_from_codebook_panel(win, qtbot, project, monkeypatch):
    src, tgt = code_id(project, "sagsbehandlerskift"), code_id(project, "lytter")
    a0 = win.current_answer_id()
    key(qtbot, win, "2")
    key(qtbot, win, "n")
    a1 = win.current_answer_id()
    key(qtbot, win, "2")
    key(qtbot, win, "1")
    panel = win.panel
    assert panel.select_code(src) and panel.current_code() == src
    asked = {}

    def answer(title, label, items):
        asked["items"] = items
        return next(i for i in items if i.startswith("Lytter og forstår"))
    monkeypatch.setattr(panel, "ask_item", answer)
    panel.act_merge.trigger()
    assert "Sagsbehandlerskift (sagsbehandlerskift)" not in asked["items"]
    with project.session() as s:
        assert s.get(Code, src).retired
        assert s.exec(select(Coding).where(Coding.code_id == src)).first() is None
    assert [(c.answer_id, c.code_id) for c in codings(project)] == [(a0, tgt), (a1, tgt)]
    assert all(a.data() != src for a in win.code_actions)  # its key is free now
    assert win.grid.row(win.grid.row_of[a0]).code_ids == (tgt,)
    assert "Flettede" in win.statusBar().currentMessage()


def test_undo_codebook_edits(win, qtbot, project, monkeypatch):
    """A merge (and a rename) from the codebook panel is undone with Ctrl+Z and redone with
    Ctrl+Shift+Z, in the database, the answer pane and the panel."""
    win.panel.undo_stack = win.undo_stack  # what the window does itself once it hands the panel its stack
    monkeypatch.setattr(win.undo_stack, "clear", lambda: None)  # (older windows cleared it after an edit)
    src, tgt = code_id(project, "sagsbehandlerskift"), code_id(project, "lytter")
    a0 = win.current_answer_id()
    key(qtbot, win, "2")
    key(qtbot, win, "1")  # a0: both codes (the source's coding is dropped by the merge)
    key(qtbot, win, "n")
    a1 = win.current_answer_id()
    key(qtbot, win, "2")  # a1: the source only (moved by the merge)
    before = [(c.id, c.uid, c.answer_id, c.code_id, c.source, c.created_at) for c in codings(project)]
    panel = win.panel
    assert panel.select_code(src)
    monkeypatch.setattr(panel, "ask_item", lambda title, label, items: next(
        i for i in items if i.startswith("Lytter og forstår")))
    panel.act_merge.trigger()
    assert [(c.answer_id, c.code_id) for c in codings(project)] == [(a0, tgt), (a1, tgt)]
    assert win.pane.row.code_ids == (tgt,) and win.current_answer_id() == a1
    assert win.undo_stack.undoText() == "flet Sagsbehandlerskift ind i Lytter og forstår"

    win.focus_grid()
    key(qtbot, win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [(c.id, c.uid, c.answer_id, c.code_id, c.source, c.created_at) for c in codings(project)] == before
    with project.session() as s:
        sc = s.get(Code, src)
        assert not sc.retired and sc.shortcut == "2"
    assert win.pane.row.code_ids == (src,)
    assert win.grid.row(win.grid.row_of[a0]).code_ids in ((src, tgt), (tgt, src))
    assert any(a.data() == src for a in win.code_actions)  # its key works again
    assert "Fortrød" in win.statusBar().currentMessage()
    assert panel.select_code(src)  # back in the codebook panel (not retired)

    key(qtbot, win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert [(c.answer_id, c.code_id) for c in codings(project)] == [(a0, tgt), (a1, tgt)]
    assert win.pane.row.code_ids == (tgt,)
    with project.session() as s:
        assert s.get(Code, src).retired
    key(qtbot, win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # and back once more
    assert [c.code_id for c in codings(project)] == [src, tgt, src]

    # rename, undo, redo; the coding commands below the codebook edits still undo
    assert panel.select_code(tgt)
    monkeypatch.setattr(panel, "ask_text", lambda title, label, default="": "Lytter godt")
    panel.act_rename.trigger()
    with project.session() as s:
        assert s.get(Code, tgt).label == "Lytter godt"
    assert win.code_by_id[tgt].label == "Lytter godt"
    win.undo()
    with project.session() as s:
        assert s.get(Code, tgt).label == "Lytter og forstår"
    assert win.code_by_id[tgt].label == "Lytter og forstår"
    assert panel._items[tgt].text() == "Lytter og forstår"
    win.undo()  # the merge's undo is already undone: next is a1's coding
    assert [(c.answer_id, c.code_id) for c in codings(project)] == [(a0, src), (a0, tgt)]
    assert win.last_error is None


def test_quick_pick(win, qtbot, project):
    aid = win.current_answer_id()
    key(qtbot, win, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qp = win.quick_pick
    assert qp is not None and qp.isVisible()
    qtbot.keyClicks(qp.edit, "klar")
    assert qp.proxy.rowCount() == 1
    qtbot.keyClick(qp.edit, Qt.Key.Key_Return)
    assert [c.code_id for c in codings(project, aid)] == [code_id(project, "klar_plan")]


def test_language_switch(win, qtbot):
    assert win.m_file.title() == "&Fil"
    win.set_language("en")
    assert win.m_file.title() == "&File" and win.m_coding.title() == "&Coding"
    assert win.model.headerData(5, Qt.Orientation.Horizontal) == "Answer"
    assert "210 of 210 answers" in win.lbl_count.text()
    assert win.settings.value("ui/lang") == "en"
    win.set_language("da")
    assert win.m_file.title() == "&Fil" and win.model.headerData(5, Qt.Orientation.Horizontal) == "Svar"


def test_translations_compiled_and_fallback(qtbot, monkeypatch):
    from workbench.ui.app import application

    application()
    t = QTranslator()
    assert t.load(str(i18n.QM_FILE)), "run: python -m workbench.ui.i18n"
    stale = [k for k, v in i18n.DA.items() if t.translate(i18n.CONTEXT, k) != v]
    assert stale == [], "the .qm is out of date: run python -m workbench.ui.i18n"
    monkeypatch.setattr(i18n, "QM_FILE", Path("/nonexistent.qm"))  # the catalogue translator
    i18n.install("da")
    assert i18n.tr("&Coding") == "&Kodning" and i18n.trf("{0} of {1} answers", 1, 2) == "1 af 2 svar"
    i18n.install("en")
    assert i18n.tr("&Coding") == "&Coding"
    i18n.install("da")


def test_every_ui_string_is_translated():
    from workbench.ui import import_wizard
    from workbench.ui.answer_model import BAND_NAMES, HEADERS

    pat = re.compile(r'(?:\btrf?\(|bind\([\w.]+,\s*|_action\(|\bact\()\s*"((?:[^"\\]|\\.)+)"')
    missing = set()
    found = 0
    for f in UI.glob("*.py"):
        if f.name == "i18n.py":
            continue
        for s in pat.findall(f.read_text(encoding="utf-8")):
            found += 1
            if s not in i18n.DA:
                missing.add(f"{f.name}: {s}")
    wizard = [*import_wizard.ROLE_LABELS.values(), *import_wizard.TYPE_LABELS.values(), *import_wizard.HEADERS,
              import_wizard.PRESET_LABELS["custom"], import_wizard.FILE_FILTER]
    for s in [*BAND_NAMES.values(), *HEADERS, *wizard, "uncoded", "coded", "flagged"]:
        if s not in i18n.DA:
            missing.add(s)
    assert found > 100
    assert not missing, sorted(missing)


def test_screenshot(project, tmp_path, qtbot):
    from workbench.ui.app import run_gui

    out = tmp_path / "shot.png"
    assert run_gui(project=str(project.path), screenshot=str(out), size="1400x900", coder="anne") == 0
    assert out.stat().st_size > 10_000
    from PySide6.QtGui import QImage

    img = QImage(str(out))
    assert (img.width(), img.height()) == (1400, 900)
    assert run_gui(project=str(tmp_path / "missing.db"), screenshot=str(tmp_path / "x.png"), coder="a") == 2


def test_quitting_cancels_and_waits_for_background_work(qapp):
    """aboutToQuit → workers.shutdown(): running work is asked to stop and its thread ends
    before Qt tears down (a running QThread destroyed at exit aborts the process)."""
    import time

    from workbench.ui import workers

    seen = []

    def long_job(progress=None):
        for i in range(10_000):
            if progress(i, 10_000) is False:
                seen.append(i)
                return "stopped"
            time.sleep(0.005)
        return "finished"

    w = workers.start_worker(long_job)
    time.sleep(0.05)
    assert workers.shutdown(timeout_ms=10_000) == 0
    assert w._thread.isFinished() and seen and w.cancelled


def test_survey_shape_comes_from_the_definition(win):
    """Filter bar, grid column and answer pane read the project's survey definition."""
    from workbench.coding.grid import GridFilter

    fb, g, defn = win.filter_bar, win.grid, win.grid.definition
    assert [fb.question.itemData(i) for i in range(1, fb.question.count())] == defn.question_keys
    assert [fb.band.itemData(i) for i in range(1, fb.band.count())] == [b for b in defn.bands]
    primary = defn.variable(defn.primary_group)
    assert win.model.headerData(1, Qt.Orientation.Horizontal) == primary.title
    texts = [fb.group.itemText(i) for i in range(fb.group.count())]
    assert texts[0] == "Alle grupper"
    for v in defn.variables:  # one combo, every variable's groups as "Variable: group"
        if g.groups[v.key].labels != [None]:
            assert any(t.startswith(f"{v.title}: ") for t in texts), v.key
    i = next(k for k, t in enumerate(texts) if t.startswith(primary.title + ": "))
    fb.group.setCurrentIndex(i)
    var, group = fb.current().group
    assert var == primary.key and texts[i] == f"{primary.title}: {group}"
    assert win.model.rowCount() == len(g.filter(GridFilter(group=(var, group)))) > 0
    assert all(g.group_column[j] == group for j in win.model.visible)
    assert win.model.data(win.model.index(0, 1)) == group
    row = win.current_row()
    bg = g.background(row.index)
    who = win.pane.who.text()
    assert bg and all(str(value) in who for _k, _t, value in bg)  # long labels (descriptions) where given
    qd = defn.question(row.question_key)
    assert qd.question in win.pane.question.text()
    if qd.prompt(row.band):
        assert qd.prompt(row.band) in win.pane.prompt.text()
    if row.score is not None:
        assert f"Score {row.score}" in win.pane.question.text()
    fb.clear()
    assert fb.current().group is None and win.model.rowCount() == len(g)
