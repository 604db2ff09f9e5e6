"""Fil → Importér survey…: the import wizard driven like a user drives it (pytest-qt,
offscreen) on a survey unlike the jobcentre one: three questions on 0–10, a comment field
and its own background variables."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlmodel import select

from tests.conftest import new_project, open_main_window
from workbench.coding import survey_wizard as W
from workbench.ui import i18n

ROOT = Path(__file__).resolve().parents[1]


def _script():
    spec = importlib.util.spec_from_file_location("wizard_screenshot", ROOT / "scripts" / "wizard_screenshot.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture
def csv_file(tmp_path):
    # the third respondent's Spm2 is 11: outside 0-10 (a "don't know" code, as some tools write it)
    return _script().example_csv(tmp_path / "borgerservice_2024.csv", n=60, bad_row=True)


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_SETTINGS", str(tmp_path / "settings.ini"))
    st = new_project(str(tmp_path / "p.db"))
    yield st
    st.close()


def _wizard(qtbot, store, path):
    from workbench.ui.app import application
    from workbench.ui.import_wizard import ImportWizard

    application()
    i18n.install("da")
    w = ImportWizard(store, None, path=str(path), coder="anne", interactive=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_roles_scales_live_check_and_import(qtbot, store, csv_file, tmp_path):
    from workbench.coding.definition import load_definition
    from workbench.coding.models import Answer, Respondent, Survey
    from workbench.coding.surveys import project_definition

    w = _wizard(qtbot, store, csv_file)
    roles = {s.column: s.role for s in w.specs}
    assert roles["Løbenr"] == "id"
    assert roles["Spm1"] == roles["Spm3"] == "score" and w.spec("Spm1").partner == "Spm1_uddyb"
    assert roles["Spm1_uddyb"] == "text" and roles["Kommentar"] == "open"
    assert roles["Køn"] == roles["Alder"] == roles["Afdeling"] == "variable" and w.spec("Alder").type == "number"
    assert w.spec("Spm1").preset == "0-10" and w.spec("Spm1").bands == {"negativ": (0, 6), "neutral": (7, 8),
                                                                        "positiv": (9, 10)}
    assert "Kvinde" in w.grid.item(w.row_of("Køn"), 1).text()  # the values' preview
    # the 11 made Spm2 look like a code list; its follow-up then stood alone
    assert roles["Spm2"] == "variable" and roles["Spm2_uddyb"] == "open"
    assert w.result.ok and not w.row_is_marked("Spm2")
    assert w.grid.cellWidget(w.row_of("Spm1"), 2).currentText() == "Score"  # Danish role names

    # roles changed with the combos: the follow-up is text, Spm2 a score (paired automatically)
    w.set_role("Spm2_uddyb", "text")
    w.set_role("Spm2", "score")
    assert w.spec("Spm2").partner == "Spm2_uddyb"
    assert w.cell("Spm2", 4).currentData() == "Spm2_uddyb"
    qtbot.waitUntil(lambda: w.row_is_marked("Spm2"), timeout=3000)  # the live check (debounced)
    assert not w.btn_import.isEnabled()
    # the band preset 0-10: every score but the 11 now falls in a band
    w.set_preset("Spm2", "0-10")
    res = w.check_now()
    assert w.spec("Spm2").bands["neutral"] == (7, 8)
    assert res.by_column.keys() == {"Spm2"} and w.row_is_marked("Spm2")
    assert res.by_column["Spm2"] == ["row 4: score '11' is not 0–10 or blank"]
    assert "row 4" in w.status_item("Spm2").text() and w.status_item("Spm2").background().color().name() == "#f6c6c1"
    assert not w.row_is_marked("Spm1") and not w.btn_import.isEnabled()
    w.grid.setCurrentCell(w.row_of("Spm2"), 2)
    assert "row 4" in w.detail.text()

    # own bands with a gap: the row says which scores are in no band
    w.set_bands("Spm3", "negativ 0-4, positiv 8-10")
    res = w.check_now()
    assert w.spec("Spm3").preset == W.CUSTOM and any("5, 6, 7" in p for p in res.by_column["Spm3"])
    w.set_bands("Spm3", "negativ 0-4, neutral 5-7, positiv 8-10")
    assert "Spm3" not in w.check_now().by_column
    # a key used twice is an error in the row that repeats it
    key = w.cell("Afdeling", 3)
    key.setFocus()
    key.selectAll()
    qtbot.keyClicks(key, "koen")
    assert "koen" in " ".join(w.check_now().by_column["Afdeling"])
    key.selectAll()
    qtbot.keyClicks(key, "afdeling")

    # the fix: 11 is this tool's "don't know" code
    dk = w.cell("Spm2", 7)
    dk.setFocus()
    qtbot.keyClicks(dk, "11")
    res = w.check_now()
    assert res.ok, (res.by_column, res.general)
    assert not w.row_is_marked("Spm2") and w.status_item("Spm2").text() == "✓"
    assert w.btn_import.isEnabled()
    w.name_edit.setText("Borgerservice")
    w.year_spin.setValue(2024)

    out = tmp_path / "borgerservice.yaml"
    w.save_hook = lambda suggested: str(out)
    with qtbot.waitSignal(w.imported, timeout=60000) as sig:
        w.finish()
    result, grid = sig.args[0]
    assert result.respondents == 60 and len(grid) == result.answers > 0

    with store.session() as s:
        assert len(s.exec(select(Respondent)).all()) == 60
        sv = s.exec(select(Survey)).one()
        assert sv.year == 2024
        defn = project_definition(s)
        assert s.exec(select(Answer).where(Answer.score == 11)).first().band == "ved_ikke"
    assert defn.name == "Borgerservice" and defn.question_keys == ["spm1", "spm2", "spm3", "kommentar"]
    assert defn.question("spm2").dont_know == [11] and defn.question("spm3").bands["neutral"] == (5, 7)
    assert defn.variable("alder").type == "number" and defn.variable_keys == ["koen", "alder", "afdeling"]
    # the YAML for next year's wave
    assert w.saved_definition == out
    again = load_definition(out)
    assert again.to_dict() == defn.to_dict()


def test_from_the_main_window_and_screenshot(qtbot, store, csv_file, tmp_path):
    """Fil → Importér survey… on an empty project; afterwards the grid, filter bar and answer
    pane show the survey's own questions, bands and variables."""
    from workbench.coding.grid import GridFilter

    win = open_main_window(qtbot, store.path)
    try:
        assert win.act_import.text() == "&Importér survey…" and win.act_import in win.m_file.actions()
        w = win.import_dialog(str(csv_file))
        assert w is win.import_wizard and w.isVisible()
        w.set_role("Spm2_uddyb", "text")
        w.set_role("Spm2", "score")
        w.set_preset("Spm2", "0-10")
        w.check_now()
        shot = tmp_path / "wizard.png"  # scripts/wizard_screenshot.py makes docs/img/import_wizard.png so
        assert w.grab().save(str(shot)) and shot.stat().st_size > 10_000
        assert w.width() <= 1280 and w.height() <= 720
        w.cell("Spm2", 7).setText("11")
        w._dk_changed("Spm2", "11")
        assert w.check_now().ok
        with qtbot.waitSignal(w.imported, timeout=60000):
            w.finish()
        qtbot.waitUntil(lambda: win.model.rowCount() > 0, timeout=5000)
        fb = win.filter_bar
        assert [fb.question.itemData(i) for i in range(1, fb.question.count())] == ["spm1", "spm2", "spm3", "kommentar"]
        assert [fb.band.itemData(i) for i in range(1, fb.band.count())] == ["negativ", "neutral", "positiv", "ved_ikke"]
        groups = [fb.group.itemText(i) for i in range(1, fb.group.count())]
        assert "koen: Kvinde" in groups and "afdeling: Nord" in groups and "alder: 30-49" in groups
        fb.group.setCurrentIndex(fb.group.findText("koen: Kvinde"))
        assert fb.current().group == ("koen", "Kvinde")
        g = win.grid
        assert win.model.rowCount() == len(g.filter(GridFilter(group=("koen", "Kvinde")))) > 0
        fb.clear()
        assert win.model.headerData(1, Qt.Orientation.Horizontal) == "koen"  # the primary variable's title
        win.select_position(0)
        QApplication.processEvents()
        row = win.current_row()
        assert win.model.data(win.model.index(0, 1)) == g.group_column[row.index]
        who = win.pane.who.text()
        assert row.respondent_key in who and "afdeling" in who and str(row.year) in who
        q = win.pane.question.text()
        if row.score is not None:
            assert f"Score {row.score}" in q and "(0–10)" in q
    finally:
        win.store.close()


def test_language_switch_and_unreadable_file(qtbot, store, csv_file, tmp_path):
    w = _wizard(qtbot, store, csv_file)
    assert w.windowTitle() == "Importér survey" and w.cell("Spm1", 2).currentText() == "Score"
    assert w.cell("Køn", 2).currentText() == "Baggrundsvariabel"
    i18n.install("en")
    QApplication.processEvents()
    assert w.windowTitle() == "Import survey" and w.cell("Køn", 2).currentText() == "Background variable"
    assert w.grid.horizontalHeaderItem(2).text() == "Role"
    i18n.install("da")
    QApplication.processEvents()
    assert w.grid.horizontalHeaderItem(2).text() == "Rolle"
    bad = tmp_path / "broken.sav"
    bad.write_bytes(b"$FL2" + b"\x00" * 40)
    assert w.load_file(str(bad)) is False
    assert "broken.sav" in w.summary.text() and w.path == str(csv_file)  # what was shown stays
    w.file_hook = lambda: None  # the file dialog cancelled: nothing changes
    w.browse()
    assert w.path == str(csv_file)


def test_keyboard(qtbot, store, csv_file):
    w = _wizard(qtbot, store, csv_file)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=5000)
    role = w.cell("Spm1", 2)
    role.setFocus()
    qtbot.keyClick(role, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is w.cell("Spm1", 3)  # Tab walks the row's editors
    for _ in range(3):  # text column, scale, bands
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is w.cell("Spm1", 6)
    # a role chosen with the keyboard: the combo takes arrow keys
    combo = w.cell("Kommentar", 2)
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert w.spec("Kommentar").role == "variable"
    qtbot.keyClick(combo, Qt.Key.Key_Up)
    assert w.spec("Kommentar").role == "open"
    assert w.check_now().ok
