"""The export dialog, the chart viewer and the GUI backups, driven on the real main window
(offscreen), checked in the files written and the database; plus the export command's
options (--report-draft, --allow-pii, --year, --quotes, export chart)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlmodel import func, select

from tests.conftest import new_project, survey_rows, write_survey
from tests.test_grid import CODEBOOK_YAML
from workbench.demo import jobcenter_spec as spec
from workbench.coding.backup import backup_dir, list_backups
from workbench.coding.codebook import load_codebook
from workbench.coding.codings import apply_code
from workbench.coding.models import Answer, Code, Coding, PiiFinding, Respondent
from workbench.export.frequencies import COLUMNS as FREQ_COLUMNS
from workbench.importer.survey import import_survey
from workbench.ui import i18n

EMAIL = "jens.hansen@example.dk"
KEYWORDS = {"lytter": "lytter", "sagsbehandler": "sagsbehandlerskift", "venter": "ventetid", "plan": "klar_plan",
            "ryggen": "helbred"}


def build(tmp_path: Path):
    """60 respondents, the test codebook, anne's codings by keyword, one e-mail with an open
    PII finding. Returns the store and the answer id that holds the e-mail."""
    cb = tmp_path / "codebook.yaml"
    cb.write_text(CODEBOOK_YAML, encoding="utf-8")
    store = new_project(str(tmp_path / "p.db"), codebook=load_codebook(cb))
    rows = survey_rows(n=60, seed=11, year=2021)
    for r in rows:
        for q in range(1, 8):
            r[f"q{q}_score"] = r[f"q{q}_score"] or "2"
            r[f"q{q}_text"] = r[f"q{q}_text"] or "Der sker ikke noget, jeg venter bare"
    rows[0]["q1_text"] = f"Hun lytter, men skriv til mig på {EMAIL} hvis noget sker"
    import_survey(store, write_survey(tmp_path / "s.csv", rows))
    with store.session() as s:
        codes = {c.key: c.id for c in s.exec(select(Code))}
        answers = s.exec(select(Answer.id, Answer.text)).all()
        email_aid = s.exec(select(Answer.id).join(Respondent, Respondent.id == Answer.respondent_id)
                           .where(Respondent.key == "R0000", Answer.text.contains(EMAIL))).one()
    for aid, text in answers:
        for word, code in KEYWORDS.items():
            if word in (text or "").lower():
                apply_code(store, "anne", aid, codes[code])
    start = [t for a, t in answers if a == email_aid][0].index(EMAIL)
    with store.transaction() as s:
        s.add(PiiFinding(answer_id=email_aid, start=start, end=start + len(EMAIL), type="EMAIL", status="open"))
    return store, email_aid


def n_codings(path) -> int:
    from workbench.coding.store import Store

    st = Store.open(path)
    try:
        with st.session() as s:
            return s.exec(select(func.count()).select_from(Coding)).one()
    finally:
        st.close()


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_SETTINGS", str(tmp_path / "settings.ini"))
    store, _aid = build(tmp_path)
    store.close()
    return tmp_path / "p.db"


@pytest.fixture
def win(qtbot, project):
    from workbench.ui.app import application, make_settings
    from workbench.ui.main_window import MainWindow

    application()
    i18n.install("da")
    w = MainWindow(make_settings(), coder="anne", interactive=False)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.backup_scheduler.backup_taken, timeout=30000) as first_backup:
        with qtbot.waitSignal(w.project_loaded, timeout=30000) as sig:
            w.open_project(str(project))
        assert sig.args == [True]
    w.first_backup = first_backup.args[0]
    w.show()
    yield w
    from workbench.ui import workers

    # background work of any panel (ours or others') must end before the window is deleted
    qtbot.waitUntil(lambda: not workers._running, timeout=120000)
    if w.store is not None:
        w.store.close()


def open_dialog(qtbot, win):
    from workbench.ui.export_dialog import ExportDialog

    assert win.act_export.isEnabled() and win.act_export.shortcut().toString() == "Ctrl+E"
    assert win.act_export.text() == "&Eksportér…"
    win.act_export.trigger()
    dlg = win.export_dialog
    assert isinstance(dlg, ExportDialog)
    return dlg


def preview(qtbot, dlg, kind: str, **combos):
    with qtbot.waitSignal(dlg.preview_ready, timeout=60000):
        dlg.set_kind(kind)
        for name, value in combos.items():
            c = getattr(dlg, name)
            c.setCurrentIndex(c.findData(value))
        dlg.refresh_preview()
    # a debounced refresh from the combo changes may follow: let it land too
    qtbot.wait(400)
    qtbot.waitUntil(lambda: dlg.preview_title.text() != i18n.tr("Computing the preview…"), timeout=60000)


def export(qtbot, dlg, out: Path) -> Path:
    dlg.output_hook = lambda suggested, filters: str(out)
    with qtbot.waitSignal(dlg.export_done, timeout=120000) as sig:
        dlg.start_export()
    assert sig.args == [str(out)]
    return out


def test_dialog_previews_and_writes_frequencies_and_quotes(qtbot, win, tmp_path):
    import docx
    import openpyxl

    dlg = open_dialog(qtbot, win)
    assert dlg.coder.currentData() == "anne"  # resolve_coder: the only coder who coded
    assert dlg.allow_pii.isChecked() is False and dlg.min_cell.value() == 5
    preview(qtbot, dlg, "frequencies", by="subgroup")
    assert list(dlg.frame.columns) == FREQ_COLUMNS
    assert dlg.model.columnCount() == len(FREQ_COLUMNS) and 0 < dlg.model.rowCount() <= 50
    assert dlg.model.headerData(0, Qt.Orientation.Horizontal) == "question"
    assert set(dlg.frame["code"]) <= set(KEYWORDS.values())
    coder, done, total = dlg.frame.attrs["coverage"]  # unfinished coding is said above the preview
    assert coder == "anne" and 0 < done < total
    assert f"anne har kodet {done} af {total} svar med tekst" in dlg.preview_title.text()

    (tmp_path / "out").mkdir()
    out = export(qtbot, dlg, tmp_path / "out" / "freq.xlsx")
    wb = openpyxl.load_workbook(out)
    assert "q1" in wb.sheetnames and "Om" in wb.sheetnames
    om = {r[0]: r[1] for r in wb["Om"].iter_rows(min_row=3, values_only=True) if r[0]}
    assert om["Koder"] == "anne" and "subgroup" in om["Grupper"]  # "Målgruppe (subgroup)"
    q1 = [c for row in wb["q1"].iter_rows(values_only=True) for c in row if c]
    assert "Ventetid og stilstand" in q1
    labels = {lbl for _k, lbl, *_ in spec.SUBGROUPS}
    assert any(f"{lbl} %" in q1 for lbl in labels)  # grouped by target group as chosen
    assert str(out) in dlg.status.text() and dlg.btn_folder.isVisibleTo(dlg)
    assert not list(out.parent.glob(".*"))  # no temporary file left beside it

    preview(qtbot, dlg, "quotes")
    assert dlg.stack.currentWidget() is dlg.message  # Word: no table preview
    dlg.n_quotes.setValue(2)
    doc = docx.Document(export(qtbot, dlg, tmp_path / "out" / "citater.docx"))
    heads = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert any(h.startswith("Q1.") for h in heads) and "Negative svar (1–2)" in heads
    quotes = [p.text for p in doc.paragraphs if p.style.name == "Quote"]
    assert quotes and all(q.startswith("„") for q in quotes)
    assert not any(EMAIL in p.text for p in doc.paragraphs)  # personal data off by default


def test_preview_columns_of_distributions_and_answers(qtbot, win):
    from workbench.export.answers import BASE_COLUMNS
    from workbench.export.distributions import COLUMNS as DIST_COLUMNS

    dlg = open_dialog(qtbot, win)
    preview(qtbot, dlg, "distributions", by="gender")
    assert list(dlg.frame.columns) == DIST_COLUMNS
    assert set(dlg.frame["group"]) <= {"kvinde", "mand", "alle"}
    preview(qtbot, dlg, "answers")
    cols = list(dlg.frame.columns)
    assert cols[:len(BASE_COLUMNS)] == BASE_COLUMNS and "ventetid" in cols
    assert not dlg.frame["text"].str.contains(EMAIL).any()
    assert dlg.frame["text"].str.contains(r"\[EMAIL\]", regex=True).any()
    dlg.allow_pii.setChecked(True)
    preview(qtbot, dlg, "answers")
    assert dlg.frame["text"].str.contains(EMAIL, regex=False).any()


def test_chart_preview_and_chart_viewer(qtbot, win, tmp_path):
    dlg = open_dialog(qtbot, win)
    preview(qtbot, dlg, "chart", question="q2", band=None)
    assert dlg.stack.currentWidget() is dlg.chart and not dlg.chart.source.isNull()
    assert dlg.chart.source.width() > 400
    dlg.close()

    win.act_charts.trigger()
    v = win.chart_viewer
    with qtbot.waitSignal(v.charts_ready, timeout=60000):
        v.refresh()
    assert not v.dist.source.isNull() and not v.themes.source.isNull()
    assert v.dist.source.size() != v.themes.source.size()  # two different figures


def test_backup_on_open_and_restore_through_dialog(qtbot, win, project):
    from workbench.ui.backups import RestoreDialog

    first = Path(win.first_backup)
    assert first.parent == backup_dir(project) and first.exists() and list_backups(project) == [first]
    before = n_codings(project)
    # more work after the backup
    with win.store.session() as s:
        cid = s.exec(select(Code.id).where(Code.key == "helbred")).one()
        has = set(s.exec(select(Coding.answer_id).where(Coding.code_id == cid)).all())
        aids = [a for a in s.exec(select(Answer.id)).all() if a not in has][:5]
    for aid in aids:
        apply_code(win.store, "anne", aid, cid)
    assert n_codings(project) == before + 5
    # a periodic backup only happens when something changed
    assert win.backup_scheduler.backup_now() is not None
    qtbot.waitUntil(lambda: not win.backup_scheduler.busy, timeout=30000)
    assert win.backup_scheduler.backup_now() is None
    assert len(list_backups(project)) == 2

    dlg = RestoreDialog(win, project)
    assert dlg.table.rowCount() == 2 and dlg.table.item(0, 2).text() == list_backups(project)[-1].name
    assert dlg.table.item(1, 1).text().endswith("kB")
    dlg.select_backup(first)
    asked = []
    dlg.confirm_hook = lambda b: asked.append(b) or True
    with qtbot.waitSignal(win.project_loaded, timeout=60000) as sig:
        dlg.restore_selected()
    assert sig.args == [True] and asked == [first]
    assert n_codings(project) == before
    assert any("before-restore" in p.name for p in list_backups(project))
    assert win.grid is not None and win.store is not None
    with win.store.session() as s:  # the reopened store sees the restored state
        assert s.exec(select(func.count()).select_from(Coding)).one() == before


def test_restore_refused_without_confirmation(qtbot, win, project):
    from workbench.ui.backups import RestoreDialog

    before = n_codings(project)
    with win.store.session() as s:
        cid = s.exec(select(Code.id).where(Code.key == "helbred")).one()
        has = set(s.exec(select(Coding.answer_id).where(Coding.code_id == cid)).all())
        # an answer without the code yet (not "the first": without ORDER BY that follows
        # whichever index the planner picks, and the uid index orders answers at random)
        aid = next(a for a in s.exec(select(Answer.id).order_by(Answer.id)).all() if a not in has)
    apply_code(win.store, "anne", aid, cid)
    dlg = RestoreDialog(win, project)
    dlg.confirm_hook = lambda b: False
    assert dlg.restore_selected() is None
    QApplication.processEvents()
    assert n_codings(project) == before + 1


# -- the command line ---------------------------------------------------------------------

def cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "workbench.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=300)


@pytest.fixture
def cli_project(tmp_path):
    store, _aid = build(tmp_path)
    store.close()
    return tmp_path / "p.db"


def test_cli_export_chart(cli_project, tmp_path):
    out = tmp_path / "fordeling.png"
    r = cli("export", "chart", cli_project, "--out", out, "--question", "q1", "--by", "gender")
    assert r.returncode == 0, r.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 5000
    svg = tmp_path / "temaer.svg"
    r = cli("export", "chart", cli_project, "--out", svg, "--question", "q1", "--band", "negativ", "--coder", "anne")
    assert r.returncode == 0, r.stderr
    assert "<svg" in svg.read_text()[:2000] and "Ventetid og stilstand" in svg.read_text()
    r = cli("export", "chart", cli_project, "--out", tmp_path / "x.png")
    assert r.returncode == 2 and "--question" in r.stderr
    r = cli("export", "chart", cli_project, "--out", tmp_path / "x.png", "--question", "q1", "--band", "bad")
    assert r.returncode == 2 and not (tmp_path / "x.png").exists()


def test_cli_report_draft_and_quote_count(cli_project, tmp_path):
    import docx

    out = tmp_path / "udkast.docx"
    r = cli("export", "quotes", cli_project, "--out", out, "--report-draft", "--quotes", "1")
    assert r.returncode == 0, r.stderr
    doc = docx.Document(out)
    chapters = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert chapters and set(chapters) <= set(spec.MAIN_GROUPS.values())
    assert any(p.style.name == "Heading 2" and p.text.startswith("Q1.") for p in doc.paragraphs)
    assert doc.inline_shapes  # the distribution figures

    def quotes_per_theme(d):
        counts, n = [], None
        for p in d.paragraphs:
            if p.style.name == "List Bullet":
                if n is not None:
                    counts.append(n)
                n = 0
            elif p.style.name == "Quote" and n is not None:
                n += 1
        return counts + ([n] if n is not None else [])
    assert max(quotes_per_theme(doc)) == 1
    plain = tmp_path / "citater.docx"
    assert cli("export", "quotes", cli_project, "--out", plain, "--quotes", "3").returncode == 0
    assert max(quotes_per_theme(docx.Document(plain))) > 1
    assert not any(p.style.name == "Heading 1" and p.text in spec.MAIN_GROUPS.values()
                   for p in docx.Document(plain).paragraphs)


def test_cli_allow_pii(cli_project, tmp_path):
    import csv

    def texts(path):
        with open(path, encoding="utf-8-sig", newline="") as f:
            return [r["text"] for r in csv.DictReader(f)]
    hidden, shown = tmp_path / "a.csv", tmp_path / "b.csv"
    assert cli("export", "answers", cli_project, "--out", hidden).returncode == 0
    assert cli("export", "answers", cli_project, "--out", shown, "--allow-pii").returncode == 0
    assert not any(EMAIL in t for t in texts(hidden)) and any("[EMAIL]" in t for t in texts(hidden))
    assert any(EMAIL in t for t in texts(shown))
    r = cli("export", "frequencies", cli_project, "--out", tmp_path / "f.csv", "--allow-pii")
    assert r.returncode == 2 and "--allow-pii" in r.stderr


def test_cli_year(cli_project, tmp_path):
    ok = cli("export", "frequencies", cli_project, "--out", tmp_path / "f.csv", "--year", "2021")
    assert ok.returncode == 0, ok.stderr
    bad = cli("export", "frequencies", cli_project, "--out", tmp_path / "g.csv", "--year", "1999")
    assert bad.returncode == 2 and "1999" in bad.stderr and not (tmp_path / "g.csv").exists()
    assert cli("export", "answers", cli_project, "--out", tmp_path / "h.csv", "--year", "all").returncode == 0


def test_groupings_and_bands_come_from_the_definition(qtbot, win):
    from workbench.coding.surveys import project_definition

    with win.store.session() as s:
        defn = project_definition(s)
    dlg = open_dialog(qtbot, win)
    assert [dlg.by.itemData(i) for i in range(dlg.by.count())] == defn.variable_keys + ["alle"]
    assert [dlg.by.itemText(i) for i in range(dlg.by.count())] == [v.title for v in defn.variables] + ["Alle"]
    assert dlg.by.currentData() == defn.default_group
    assert [dlg.band.itemData(i) for i in range(1, dlg.band.count())] == defn.bands
    dlg.close()
    win.act_charts.trigger()
    v = win.chart_viewer
    assert [v.band.itemData(i) for i in range(v.band.count())] == defn.bands and v.band.currentData() == "negativ"
    assert v.by.currentData() == defn.default_group
    with qtbot.waitSignal(v.charts_ready, timeout=60000):
        pass
    v.close()


def test_coder_note_is_a_danish_sentence_when_several_have_coded(qtbot, sqlite_store, tmp_path):
    """Two coders, nothing reconciled: the dialog says so in Danish (not the CLI's "--coder")."""
    from tests.test_export_report import build as build_coded
    from workbench.importer.codings import import_codings
    from workbench.ui.export_dialog import project_choices

    build_coded(sqlite_store, tmp_path, 3, n=12)  # anne's codings
    from workbench.coding.models import Question

    with sqlite_store.session() as s:  # bo codes one answer
        rid, qkey = s.exec(select(Respondent.key, Question.key).join(Answer, Answer.respondent_id == Respondent.id)
                           .join(Question, Question.id == Answer.question_id)).first()
        code = sqlite_store.codes(s)[0].key
    (tmp_path / "bo.csv").write_text(f"respondent_id,question,code\n{rid},{qkey},{code}\n", encoding="utf-8")
    import_codings(sqlite_store, "bo", tmp_path / "bo.csv")
    i18n.install("da")
    ch = project_choices(sqlite_store)
    assert ch["default_coder"] == "anne"
    assert ch["coder_note"].startswith("Flere kodere har kodet (anne, bo)") and "--coder" not in ch["coder_note"]
