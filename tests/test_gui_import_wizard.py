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
    assert "række 4" in w.status_item("Spm2").text()  # said in the UI's language (the test below)
    assert w.status_item("Spm2").background().color().name() == "#f6c6c1"
    assert not w.row_is_marked("Spm1") and not w.btn_import.isEnabled()
    w.grid.setCurrentCell(w.row_of("Spm2"), 2)
    assert "række 4" in w.detail.text()

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


def _type(qtbot, edit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)


def test_check_speaks_danish_and_english(qtbot, store, csv_file, tmp_path):
    """Every problem the live check shows (row, detail line, summary) is in the UI's language:
    the core's messages carry their template (``workbench.errors.Msg``), the wizard says them
    through the catalogue; the English text stays what the command line prints."""
    w = _wizard(qtbot, store, csv_file)
    w.set_role("Spm2_uddyb", "text")
    w.set_role("Spm2", "score")
    w.set_preset("Spm2", "0-10")

    def shown(column: str) -> str:
        w.check_now()
        w.grid.setCurrentCell(w.row_of(column), 2)
        return w.status_item(column).text() + "\n" + w.status_item(column).toolTip() + "\n" + w.detail.text()

    # a score out of range: row, tooltip and detail line
    text = shown("Spm2")
    assert "✖ række 4: scoren '11' er ikke 0–10 eller tom" in text, text
    assert "row" not in text and "is not" not in text and "blank" not in text
    assert w.result.by_column["Spm2"] == ["row 4: score '11' is not 0–10 or blank"]  # the English text as before
    i18n.install("en")  # switching language re-says the problems
    QApplication.processEvents()
    assert "✖ row 4: score '11' is not 0–10 or blank" in shown("Spm2")
    i18n.install("da")
    QApplication.processEvents()
    assert "række 4" in shown("Spm2")

    # two bands that share a score
    w.set_bands("Spm1", "negativ 0-6, neutral 6-8, positiv 9-10")
    text = shown("Spm1")
    assert "scoren 6 er i både negativ og neutral" in text and "both" not in text, text
    w.set_preset("Spm1", "0-10")
    # a band cell that cannot be read, and a don't-know cell
    w.set_bands("Spm3", "negativ 0-4, neutral 7-5, positiv 8-10")
    assert "'neutral 7-5': intervallet går baglæns" in shown("Spm3")
    w.set_preset("Spm3", "0-10")
    _type(qtbot, w.cell("Spm1", 7), "9x")
    w._dk_changed("Spm1", "9x")
    assert "'9x' er ikke et helt tal" in shown("Spm1")
    _type(qtbot, w.cell("Spm1", 7), "")
    w._dk_changed("Spm1", "")

    # a key used twice
    _type(qtbot, w.cell("Afdeling", 3), "koen")
    text = shown("Afdeling")
    assert "nøglen 'koen' bruges også af kolonnen 'Køn'" in text and "also used" not in text, text
    _type(qtbot, w.cell("Afdeling", 3), "afdeling")
    assert "Afdeling" not in w.check_now().by_column

    # no id column: the message line under the table
    w.set_role("Løbenr", "ignore")
    w.check_now()
    assert w.summary.text() == "✖ vælg kolonnen, der rummer respondent-id'et (rollen Respondent-id)"
    i18n.install("en")
    QApplication.processEvents()
    assert w.summary.text() == "✖ choose the column holding the respondent id (role: id)"
    i18n.install("da")
    QApplication.processEvents()
    # an id column whose ids repeat
    w.set_role("Løbenr", "id")
    w.set_role("Køn", "ignore")
    w.set_role("Køn", "id")
    w.set_role("Løbenr", "ignore")
    text = shown("Køn")
    assert "respondent-id'et 'Kvinde' står to gange (også i række 2)" in text or \
        "respondent-id'et 'Mand' står to gange (også i række 2)" in text, text
    assert "duplicate" not in text


def test_a_changed_file_and_a_failed_import_say_why_in_danish(qtbot, store, csv_file):
    """The file changed on disk after the wizard read it: the check says so (in Danish)
    instead of failing; an import that fails shows the survey reader's problems in Danish."""
    from workbench.errors import InputError, Msg, Problem

    w = _wizard(qtbot, store, csv_file)
    w.name_edit.setText("Borgerservice")
    assert w.check_now().ok
    with csv_file.open("a", encoding="utf-8") as fh:
        fh.write("B9999,1,,1,,1,,Kvinde,40,Nord\n")
    res = w.check_now()
    assert not res.ok and not w.btn_import.isEnabled()
    assert w.summary.text() == f"✖ {csv_file}: er ændret, mens den blev læst; importér den igen", w.summary.text()
    assert w.load_file(str(csv_file)) and w.check_now().ok  # read again: fine

    w.interactive = False
    err = InputError([Problem(str(csv_file), Msg("score {0!r} is not {1}", "12", Msg("{0} or blank", "0–10")),
                              row=6, column="Spm1")])
    with qtbot.waitSignal(w.import_failed) as sig:
        w._failed(err)
    assert sig.args[0] == f"{csv_file}, række 6, kolonne Spm1: scoren '12' er ikke 0–10 eller tom"
    assert w.summary.text() == "Importen mislykkedes: " + sig.args[0]
    assert str(err) == f"{csv_file}, row 6, column Spm1: score '12' is not 0–10 or blank"  # the CLI's text


def test_every_check_message_is_in_the_catalogue():
    """The templates of the problems the wizard's check can show (``Msg("…")`` in the
    definition parser, the survey reader and the wizard's core) all have Danish; a template
    of placeholders and punctuation alone ("{0}: {1}") needs none."""
    import re

    pat = re.compile(r'\bMsg\(\s*"((?:[^"\\]|\\.)+)"')
    found, missing = 0, []
    for rel in ("workbench/errors.py", "workbench/coding/definition.py", "workbench/importer/survey.py",
                "workbench/importer/tables.py",
                "workbench/coding/survey_wizard.py"):
        for s in pat.findall((ROOT / rel).read_text(encoding="utf-8")):
            found += 1
            if re.search(r"[A-Za-z]", re.sub(r"\{\d[^}]*\}", "", s)) and s not in i18n.DA:
                missing.append(f"{rel}: {s}")
            elif s in i18n.DA:  # the translation keeps the placeholders
                assert sorted(re.findall(r"\{\d[^}]*\}", s)) == sorted(re.findall(r"\{\d[^}]*\}", i18n.DA[s])), s
    assert found > 80
    assert not missing, missing


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
