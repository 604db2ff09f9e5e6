"""Code suggestions in the coding window, driven by keys on the real window (offscreen) and
checked against the database: the panel, accept/undo, reject, reliability rounds, the
minimum precision setting and the uncertainty queue."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlmodel import select

from tests.conftest import new_project, open_main_window, survey_rows, write_survey
from workbench.coding.models import Answer, Assignment, Code, Coder, Coding, Round, SuggestionFeedback
from workbench.importer.survey import import_survey
from workbench.nlp.suggest_session import SuggestionSession

NEW_CASEWORKER = "Jeg har fået ny sagsbehandler igen"


@pytest.fixture
def project(tmp_path, monkeypatch):
    """The default codebook and 12 respondents; the first answer is about a new caseworker,
    and respondent R0001's q1 answer is in a reliability round."""
    monkeypatch.setenv("WORKBENCH_SETTINGS", str(tmp_path / "settings.ini"))
    store = new_project(str(tmp_path / "p.db"))
    rows = survey_rows(n=12, seed=3)
    for r in rows:
        for q in range(1, 8):
            r[f"q{q}_score"] = r[f"q{q}_score"] or "2"
            r[f"q{q}_text"] = r[f"q{q}_text"] or "Samtalerne er spild af tid"
    rows[0]["q1_text"] = NEW_CASEWORKER
    rows[0]["q1_score"] = "2"
    import_survey(store, write_survey(tmp_path / "s.csv", rows))
    with store.transaction() as s:
        anne = store.coder(s, "anne")
        rnd = Round(name="reliabilitet", reliability=True)
        s.add(rnd)
        s.flush()
        a = s.exec(select(Answer).where(Answer.text == rows[1]["q1_text"])).first()
        s.add(Assignment(round_id=rnd.id, answer_id=a.id, coder_id=anne.id))
    yield store
    store.close()


@pytest.fixture
def win(qtbot, project):
    w = open_main_window(qtbot, project.path)
    settle(qtbot, w, 60000)
    yield w
    w.store.close()


def settle(qtbot, w, timeout=20000):
    qtbot.waitUntil(lambda: w.suggestions.idle(), timeout=timeout)


def key(qtbot, w, k, mod=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(w.table, k, mod)
    QApplication.processEvents()


def go_to(qtbot, w, text):
    pos = next(p for p in range(w.model.rowCount()) if w.grid.row(w.model.grid_row(p)).text == text)
    w.select_position(pos)
    settle(qtbot, w)
    return w.current_answer_id()


def code_key(store, code_id):
    with store.session() as s:
        return s.get(Code, code_id).key


def feedback(store, answer_id):
    with store.session() as s:
        return {(code_key(store, f.code_id), f.verdict) for f in s.exec(
            select(SuggestionFeedback).where(SuggestionFeedback.answer_id == answer_id))}


def codings(store, answer_id):
    with store.session() as s:
        return [(code_key(store, c.code_id), c.source) for c in s.exec(
            select(Coding).join(Coder, Coder.id == Coding.coder_id)
            .where(Coder.name == "anne", Coding.answer_id == answer_id))]


def test_panel_shows_plausible_suggestions(win, qtbot):
    aid = go_to(qtbot, win, NEW_CASEWORKER)
    panel = win.suggestions.panel
    shown = panel.shown_codes()
    assert "sagsbehandlerskift" in shown[:3], shown
    assert 1 <= len(shown) <= 5 and panel.rows_box.isVisible()
    row = panel.row_widgets[shown.index("sagsbehandlerskift")]
    assert row["label"].text().endswith("Sagsbehandlerskift") or "skift" in row["label"].text().lower()
    assert 0 < row["bar"].value() <= 100
    assert "sagsbehandler" in row["why"].text().lower()  # the words that triggered it
    status = win.suggestions.status.text()
    assert status.startswith("Forslag: ")
    assert "Dansk NLP-pipeline" in win.suggestions.status.toolTip()
    assert panel.current.answer_id == aid


def test_accept_by_key_undo_and_redo(win, qtbot, project):
    aid = go_to(qtbot, win, NEW_CASEWORKER)
    panel = win.suggestions.panel
    n = panel.shown_codes().index("sagsbehandlerskift")
    key(qtbot, win, getattr(Qt.Key, f"Key_{n + 1}"), Qt.KeyboardModifier.ControlModifier)
    assert codings(project, aid) == [("sagsbehandlerskift", "suggestion")]
    assert feedback(project, aid) == {("sagsbehandlerskift", "accepted")}
    assert win.current_row().coded
    settle(qtbot, win)
    assert "sagsbehandlerskift" not in panel.shown_codes()  # applied codes are not suggested again
    key(qtbot, win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert codings(project, aid) == [] and feedback(project, aid) == set()
    assert not win.current_row().coded
    settle(qtbot, win)
    assert "sagsbehandlerskift" in panel.shown_codes()
    key(qtbot, win, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)  # redo
    assert codings(project, aid) == [("sagsbehandlerskift", "suggestion")]


def test_reject_is_stored_and_hidden(win, qtbot, project):
    aid = go_to(qtbot, win, NEW_CASEWORKER)
    panel = win.suggestions.panel
    first = panel.shown_codes()[0]
    key(qtbot, win, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert feedback(project, aid) == {(first, "rejected")}
    assert codings(project, aid) == []
    settle(qtbot, win)
    assert first not in panel.shown_codes()
    # moving away and back: still gone (it is stored, not just hidden)
    win.step(1)
    settle(qtbot, win)
    win.step(-1)
    settle(qtbot, win)
    assert win.current_answer_id() == aid and first not in panel.shown_codes()
    key(qtbot, win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo brings it back
    settle(qtbot, win)
    assert feedback(project, aid) == set() and first in panel.shown_codes()
    # Alt+1 rejects too: Ctrl+Shift+digit is unreliable on non-US layouts
    key(qtbot, win, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    assert feedback(project, aid) == {(first, "rejected")}


def test_reliability_round_has_no_suggestions(win, qtbot, project):
    with project.session() as s:
        blocked = s.exec(select(Assignment.answer_id)).one()
    pos = win.model.position_of(blocked)
    win.select_position(pos)
    settle(qtbot, win)
    panel = win.suggestions.panel
    assert panel.shown_codes() == [] and not panel.rows_box.isVisible()
    assert "reliabilitetsrunde" in panel.note.text()
    key(qtbot, win, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)  # nothing to accept
    assert codings(project, blocked) == []


def test_accept_all_confident_and_min_precision(win, qtbot, project):
    aid = go_to(qtbot, win, NEW_CASEWORKER)
    panel = win.suggestions.panel
    # nothing is confident before the model is calibrated on codings: the key does nothing
    if not panel.current.confident:
        key(qtbot, win, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        assert codings(project, aid) == []
    # mark two suggestions confident (as a calibrated model would) and accept both in one step
    for s in panel.current.items[:2]:
        s.confident = True
    want = set(panel.shown_codes()[:2])
    win.suggestions.accept_confident()
    assert {c for c, src in codings(project, aid)} == want
    assert all(src == "suggestion" for _c, src in codings(project, aid))
    key(qtbot, win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert codings(project, aid) == []
    # the minimum precision is a project setting; uncalibrated codes then pass no threshold
    win.suggestions.set_min_precision(0.9)
    assert project.settings()["suggest_min_precision"] == 0.9
    settle(qtbot, win)
    assert panel.shown_codes() == [] and "90 %" in panel.note.text()
    win.suggestions.set_min_precision(None)
    settle(qtbot, win)
    assert "sagsbehandlerskift" in panel.shown_codes()


def test_learns_after_codings_and_queue_mode(win, qtbot, project):
    ctrl = win.suggestions
    ctrl.session.refit_every = 3
    for _ in range(4):  # code a few answers by accepting the top suggestion
        key(qtbot, win, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
        settle(qtbot, win)
        win.step(1)
        settle(qtbot, win)
    assert ctrl.session.refits >= 1
    if ctrl.session.source == "model":
        assert ctrl.status.text().startswith("Forslag: lært af ")
    ctrl.set_queue_mode(True)
    qtbot.waitUntil(lambda: ctrl.queue_mode, timeout=30000)
    first = win.model.answer_id(0)
    assert first == next(iter(ctrl.queue_rank))  # navigation starts at the most uncertain answer
    assert not win.grid.row(win.grid.row_of[first]).coded
    ctrl.set_queue_mode(False)
    assert not ctrl.queue_mode


def test_session_refit_policy(project):
    s = SuggestionSession(project, "anne", refit_every=25, calibrate_every=4)
    assert s.refit_due(0) is True               # first fit: calibrated
    s.fitted_at_coded = 0
    assert s.refit_due(24) is None
    assert s.refit_due(25) is False             # quick refit
    s.refits = 3
    assert s.refit_due(30) is True              # every 4th refit calibrates


def test_a_new_coders_first_suggestions_and_an_empty_search(qtbot, project):
    """A coder the project has not met yet gets cold-start suggestions, not "no coder named";
    a search that finds nothing leaves no suggestions of the previous answer on screen."""
    from tests.conftest import open_main_window

    w = open_main_window(qtbot, project.path, coder="carl")
    try:
        settle(qtbot, w, 60000)
        qtbot.waitUntil(lambda: not any(w.suggestions._busy.values()), timeout=60000)
        assert w.last_error is None, w.last_error
        assert "no coder" not in w.statusBar().currentMessage()
        assert "mislykkedes" not in w.suggestions.panel.note.text()
        panel = w.suggestions.panel
        assert panel.current is not None and panel.current.items  # suggestions from the codebook
        assert panel.rows_box.isVisible() or not panel.rows_box.isHidden()
        with project.session() as s:  # opening did not write carl into the project
            from workbench.coding.models import Coder
            assert s.exec(select(Coder).where(Coder.name == "carl")).first() is None
        # a search without hits: the list is empty, and so is the suggestion panel
        qtbot.keyClicks(w.filter_bar.search, "zzqqxx")
        qtbot.waitUntil(lambda: w.model.rowCount() == 0, timeout=5000)
        settle(qtbot, w)
        assert w.pane.row is None and panel.current is None and panel.rows_box.isHidden()
        w.filter_bar.search.clear()
        qtbot.waitUntil(lambda: w.model.rowCount() > 0, timeout=5000)
        settle(qtbot, w)
        assert panel.current is not None and panel.current.answer_id == w.current_answer_id()
    finally:
        w.store.close()


@pytest.mark.parametrize("size", [(1280, 720), (1366, 768), (1920, 1080)])
def test_panel_fits_its_width_when_the_list_scrolls(qtbot, project, size):
    """At 1280×720 (and 1366×768, 1920×1080) the suggestions scroll when the answer pane takes
    the height; "Acceptér alle sikre" and every row's ✓/✕ stay whole inside the panel's visible
    part, however long a code's name or its trigger words (they wrap instead of widening it)."""
    from workbench.nlp.suggest import Suggestion
    from workbench.nlp.suggest_session import AnswerSuggestions

    w = open_main_window(qtbot, project.path, size=size)
    try:
        settle(qtbot, w, 60000)
        aid = go_to(qtbot, w, NEW_CASEWORKER)
        panel, scroll = w.suggestions.panel, w.suggestions.scroll
        codes = list(panel.codes)[:5]
        items = [Suggestion(code=c, score=0.97 - 0.1 * i, confident=i < 2, source="both",
                            why=["positivt overrasket", "meget skidt", "blive positivt", "hører virkelig efter"])
                 for i, c in enumerate(codes)]
        panel.show_suggestions(AnswerSuggestions(aid, True, items))
        w.suggestions.split.setSizes([10_000, 1])  # the answer pane takes what it may: the list scrolls
        QApplication.processEvents()
        qtbot.waitUntil(lambda: scroll.verticalScrollBar().isVisible(), timeout=5000)
        assert scroll.verticalScrollBar().maximum() > 0
        view = scroll.viewport()
        scroll.verticalScrollBar().setValue(0)
        QApplication.processEvents()

        def whole(widget) -> bool:
            r = widget.rect().translated(widget.mapTo(view, widget.rect().topLeft()))
            return view.rect().contains(r)

        btn = panel.btn_confident
        assert btn.isVisible() and btn.text() == "Acceptér alle sikre"
        assert whole(btn), (btn.geometry(), btn.mapTo(view, btn.rect().topLeft()), view.rect())
        assert panel.width() <= view.width()  # nothing sticks out to the right
        for row in panel.row_widgets:  # every row's accept and reject buttons, scrolled to
            scroll.ensureWidgetVisible(row["reject"], 0, 0)
            QApplication.processEvents()
            assert whole(row["accept"]) and whole(row["reject"]), row["code"]
    finally:
        w.store.close()
