"""Personal data in projects (workbench.coding.privacy): scan, pseudonymise, allow, exports, CLI.

Every test on a project runs on SQLite and on the real PostgreSQL server (``proj``)."""
from __future__ import annotations

import json

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlmodel import func, select

from tests.conftest import new_project, survey_rows, write_survey
from workbench.cli import main
from workbench.coding import privacy
from workbench.coding.codings import apply_code
from workbench.coding.models import Answer, AuditEvent, Coding, NlpCache, Question, QuoteStar, Respondent
from workbench.coding.store import Store
from workbench.coding.team import PermissionDenied
from workbench.errors import InputError
from workbench.export import data as D
from workbench.export.answers import export_answers
from workbench.export.quotes import export_quotes, quote_candidates
from workbench.importer.survey import import_survey
from workbench.nlp.features import text_hash as features_hash

T_PERSON = "Min sagsbehandler hedder Mette Hansen og hun er god."
T_CPR = "Borgerens cpr: 120385-1234 og tlf. 22 33 44 55 i dag."
T_EMAIL = "Send svar til anna.berg@example.dk i morgen, tak."
T_MIX = "Kontakt Lars Nielsen på 22334455 eller lars@firma.dk hvis der er noget."
SECRETS = ["Mette Hansen", "120385-1234", "22 33 44 55", "anna.berg@example.dk", "Lars Nielsen", "22334455",
           "lars@firma.dk"]


def answer_id(store, resp: str, q: str) -> int:
    with store.session() as s:
        return s.exec(select(Answer.id).join(Respondent, Respondent.id == Answer.respondent_id)
                      .join(Question, Question.id == Answer.question_id)
                      .where(Respondent.key == resp, Question.key == q)).one()


def text_of(store, aid: int) -> Answer:
    with store.session() as s:
        return s.get(Answer, aid)


def audit(store, action: str) -> list[AuditEvent]:
    with store.session() as s:
        return list(s.exec(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


@pytest.fixture(params=["sqlite", "postgres"])
def proj(request, tmp_path):
    """A 60-respondent project with four seeded answers holding personal data, coded by anne
    (on both back-ends, like ``any_store``)."""
    target = str(tmp_path / "p.db") if request.param == "sqlite" else request.getfixturevalue("pg_url")
    store, ids, code_id = seeded_project(target, tmp_path)
    yield store, ids, code_id
    store.close()


def seeded_project(target: str, tmp_path):
    store = new_project(target)
    rows = survey_rows(60, seed=3)
    seeded = {("R0000", "q1"): T_PERSON, ("R0001", "q1"): T_CPR, ("R0002", "q2"): T_EMAIL, ("R0003", "q1"): T_MIX}
    for (rid, q), t in seeded.items():
        r = next(r for r in rows if r["respondent_id"] == rid)
        r[f"{q}_text"], r[f"{q}_score"] = t, "5"
    import_survey(store, write_survey(tmp_path / "s.csv", rows))
    ids = {k: answer_id(store, *k) for k in seeded}
    with store.transaction() as s:
        store.coder(s, "anne", role="coder")
        store.coder(s, "sara", role="supervisor")
        code_id = store.codes(s)[0].id
    for aid in ids.values():  # whole-answer codings, so every seeded text is a quote candidate
        cid = apply_code(store, "anne", aid, code_id)
        with store.transaction() as s:
            s.add(QuoteStar(coding_id=cid))
    return store, ids, code_id


def open_spans(store) -> set[tuple[str, str]]:
    return {(f.type, f.span) for f in privacy.findings(store, status="open")}


# ------------------------------------------------------------------ scanning
def test_scan_finds_seeded_personal_data_and_keeps_decisions(proj):
    store, ids, _ = proj
    res = privacy.scan_project(store, nlp=None)
    found = open_spans(store)
    for expected in [("PERSON", "Mette Hansen"), ("CPR", "120385-1234"), ("PHONE", "22 33 44 55"),
                     ("EMAIL", "anna.berg@example.dk"), ("PERSON", "Lars Nielsen"), ("PHONE", "22334455"),
                     ("EMAIL", "lars@firma.dk")]:
        assert expected in found
    assert res.by_type["PHONE"] == 2 and res.by_type["EMAIL"] == 2 and res.by_type["CPR"] == 1
    assert {f.answer_id for f in privacy.findings(store)} == set(ids.values())  # the filler texts are clean
    assert [f.span for f in privacy.findings(store, answer_ids=[ids[("R0002", "q2")]])] == ["anna.berg@example.dk"]
    ev = audit(store, "pii.scan")
    assert len(ev) == 1 and ev[0].payload["added"] == res.added == 7

    # a rescan changes nothing and runs the detector on nothing (cached by text hash)
    again = privacy.scan_project(store, nlp=None)
    assert again.added == again.removed == again.detected == 0 and open_spans(store) == found

    # an allowed finding stays allowed through a rescan and is not reopened
    mette = next(f for f in privacy.findings(store) if f.span == "Mette Hansen")
    privacy.allow(store, "sara", mette.id)
    privacy.scan_project(store, nlp=None)
    assert [(f.status, f.span) for f in privacy.findings(store, answer_ids=[mette.answer_id])] == \
        [("allowed", "Mette Hansen")]

    # a changed text gets fresh open findings: the old e-mail finding goes, the new phone comes
    with store.transaction() as s:
        a = s.get(Answer, ids[("R0002", "q2")])
        a.text = "Ring på 40 50 60 70 i morgen."
        s.add(a)
    res3 = privacy.scan_project(store, nlp=None)
    assert res3.detected == 1 and res3.removed == 1 and res3.added == 1
    assert [(f.type, f.span) for f in privacy.findings(store, answer_ids=[ids[("R0002", "q2")]])] == \
        [("PHONE", "40 50 60 70")]


def test_scan_with_the_bundled_ner_pipeline(proj):
    """The default pipeline has an NER; the scan uses it (cache key says so) and still finds the rules' types."""
    from workbench.nlp.pii import load_default_nlp

    nlp = load_default_nlp()
    assert nlp is not None and "ner" in nlp.pipe_names
    store, _, _ = proj
    res = privacy.scan_project(store, nlp=nlp)
    assert res.pipeline.startswith("pii:ner:")
    assert {("CPR", "120385-1234"), ("PERSON", "Mette Hansen"), ("EMAIL", "lars@firma.dk")} <= open_spans(store)


# ------------------------------------------------------------------ pseudonymising
def test_pseudonymise_moves_codings_with_the_text(proj):
    store, ids, code_id = proj
    aid = ids[("R0001", "q1")]
    t = T_CPR
    spans = {  # name -> (start, end) in the old text
        "between": (t.index("og tlf."), t.index("og tlf.") + len("og tlf.")),
        "after": (t.index("i dag"), t.index("i dag") + len("i dag")),
        "inside": (t.index("0385"), t.index("0385") + 4),
        "straddle": (t.index("cpr: 1203"), t.index("cpr: 1203") + len("cpr: 1203")),
        "before": (0, len("Borgerens")),
    }
    cids = {k: apply_code(store, "sara", aid, code_id, a, b) for k, (a, b) in spans.items()}
    privacy.scan_project(store, nlp=None)
    res = privacy.pseudonymise(store, "sara", answer_ids=[aid])
    assert res.findings == 2 and res.by_type == {"CPR": 1, "PHONE": 1}
    new = text_of(store, aid)
    assert new.text == "Borgerens cpr: [CPR] og tlf. [TELEFON] i dag."
    assert new.text_original is None  # not asked to keep it
    with store.session() as s:
        got = {k: s.get(Coding, c) for k, c in cids.items()}
        whole = s.exec(select(Coding).where(Coding.answer_id == aid, Coding.start == None)).all()  # noqa: E711
    words = {k: new.text[c.start:c.end] for k, c in got.items()}
    assert words == {"between": "og tlf.", "after": "i dag", "inside": "[CPR]", "straddle": "cpr: [CPR]",
                     "before": "Borgerens"}
    assert all(0 <= c.start < c.end <= len(new.text) for c in got.values())
    assert len(whole) == 1  # the whole-answer coding stays whole
    assert {f.status for f in privacy.findings(store, answer_ids=[aid])} == {"pseudonymised"}
    assert [f.span for f in privacy.findings(store, answer_ids=[aid])] == ["[CPR]", "[TELEFON]"]
    # nothing left to do for this answer; a rescan finds nothing new in the placeholders
    assert privacy.scan_project(store, nlp=None).added == 0


def test_keep_original_only_when_asked(proj):
    store, ids, _ = proj
    privacy.scan_project(store, nlp=None)
    a_keep, a_drop = ids[("R0000", "q1")], ids[("R0002", "q2")]
    with store.transaction() as s:  # as the suggester leaves it: the tokens of each text, by hash
        for t in (T_PERSON, T_EMAIL):
            s.add(NlpCache(pipeline="test", text_hash=features_hash(t), data={"n": t.split()}))
    privacy.pseudonymise(store, "sara", answer_ids=[a_keep], keep_original=True)
    privacy.pseudonymise(store, "sara", answer_ids=[a_drop], keep_original=False)
    kept, dropped = text_of(store, a_keep), text_of(store, a_drop)
    assert kept.text == "Min sagsbehandler hedder [NAVN] og hun er god." and kept.text_original == T_PERSON
    with store.session() as s:  # no cached tokens of the old texts are left behind
        assert not s.exec(select(NlpCache).where(NlpCache.text_hash.in_(
            [features_hash(T_PERSON), features_hash(T_EMAIL)]))).all()
    assert dropped.text == "Send svar til [EMAIL] i morgen, tak." and dropped.text_original is None
    with store.session() as s:  # nothing of the dropped original anywhere in the database's rows
        dump = json.dumps([e.payload for e in s.exec(select(AuditEvent))])
    assert "anna.berg" not in dump and "Mette" not in dump


def test_types_filter_and_selection_by_finding(proj):
    store, ids, _ = proj
    privacy.scan_project(store, nlp=None)
    res = privacy.pseudonymise(store, "sara", all=True, types=["CPR", "email"])
    assert res.by_type == {"CPR": 1, "EMAIL": 2}
    assert text_of(store, ids[("R0003", "q1")]).text == \
        "Kontakt Lars Nielsen på 22334455 eller [EMAIL] hvis der er noget."
    lars = next(f for f in privacy.findings(store, status="open") if f.span == "Lars Nielsen")
    privacy.pseudonymise(store, "sara", finding_ids=[lars.id])
    assert text_of(store, ids[("R0003", "q1")]).text == "Kontakt [NAVN] på 22334455 eller [EMAIL] hvis der er noget."
    assert ("PHONE", "22334455") in open_spans(store)  # the one not chosen is still open and still points right
    with pytest.raises(InputError):
        privacy.pseudonymise(store, "sara", all=True, types=["SHOESIZE"])
    with pytest.raises(InputError):
        privacy.pseudonymise(store, "sara")


def test_non_supervisor_is_refused_and_nothing_changes(proj):
    store, ids, _ = proj
    privacy.scan_project(store, nlp=None)
    with store.session() as s:
        n_audit = s.exec(select(func.count()).select_from(AuditEvent)).one()
    with pytest.raises(PermissionDenied):
        privacy.pseudonymise(store, "anne", all=True)
    with pytest.raises(PermissionDenied):
        privacy.pseudonymise(store, "nobody", all=True)
    some = privacy.findings(store)[0]
    with pytest.raises(PermissionDenied):
        privacy.allow(store, "anne", some.id)
    assert text_of(store, ids[("R0001", "q1")]).text == T_CPR
    assert {f.status for f in privacy.findings(store)} == {"open"}
    with store.session() as s:
        assert s.exec(select(func.count()).select_from(AuditEvent)).one() == n_audit


def test_audit_entries(proj):
    store, ids, _ = proj
    privacy.scan_project(store, nlp=None)
    f = privacy.findings(store, types=["PHONE"])[0]
    privacy.allow(store, "sara", f.id)
    privacy.pseudonymise(store, "sara", all=True, keep_original=True)
    (al,) = audit(store, "pii.allow")
    assert al.entity_id == str(f.id) and al.payload["type"] == "PHONE" and al.actor
    (ps,) = audit(store, "pii.pseudonymise")
    assert ps.payload["keep_original"] is True and ps.payload["by"] == "sara"
    assert sorted(ps.payload["answers"]) == sorted(ids.values())
    assert sum(ps.payload["by_type"].values()) == len(ps.payload["findings"]) == 6
    assert not any(sec in json.dumps(ps.payload) for sec in SECRETS)


def test_two_supervisors_pseudonymising_at_once_on_postgres(pg_url, tmp_path):
    """Supervisor A has rewritten the text but not committed when B starts on the same
    answer: B must wait and then find nothing left to do, not apply A's old offsets to the
    new text or move the codings a second time."""
    import threading

    from sqlalchemy import event

    store, ids, code_id = seeded_project(pg_url, tmp_path)
    a_store, b_store = Store.open(pg_url, actor="sup-a"), Store.open(pg_url, actor="sup-b")
    try:
        aid = ids[("R0002", "q2")]
        at = T_EMAIL.index("i morgen")
        cid = apply_code(store, "sara", aid, code_id, at, at + len("i morgen"))
        privacy.scan_project(store, nlp=None)
        paused, go_on, out = threading.Event(), threading.Event(), {}

        def pause_after_text_update(conn, cursor, statement, *args):
            if statement.lstrip().upper().startswith("UPDATE ANSWER") and not paused.is_set():
                paused.set()
                go_on.wait(30)
        event.listen(a_store.engine, "after_cursor_execute", pause_after_text_update)

        def run(name, st):
            try:
                out[name] = privacy.pseudonymise(st, "sara", answer_ids=[aid])
            except Exception as e:  # pragma: no cover - reported by the asserts
                out[name] = e
        ta = threading.Thread(target=run, args=("a", a_store))
        ta.start()
        assert paused.wait(30)
        tb = threading.Thread(target=run, args=("b", b_store))
        tb.start()
        with store.engine.connect() as conn:  # until B waits for A (not merely slow to start)
            for _ in range(300):
                if conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                                     " AND wait_event_type = 'Lock'")).scalar():
                    break
                conn.rollback()
                threading.Event().wait(0.05)
        go_on.set()
        ta.join(60)
        tb.join(60)
        assert out["a"].findings == 1 and out["b"].findings == 0, out
        new = text_of(store, aid).text
        assert new == "Send svar til [EMAIL] i morgen, tak."
        with store.session() as s:
            c = s.get(Coding, cid)
        assert new[c.start:c.end] == "i morgen"
        assert [f.status for f in privacy.findings(store, answer_ids=[aid])] == ["pseudonymised"]
    finally:
        for st in (a_store, b_store, store):
            st.close()


# ------------------------------------------------------------------ exports
def _csv_text(path) -> str:
    return path.read_text(encoding="utf-8-sig")


def _xlsx_text(path) -> str:
    wb = openpyxl.load_workbook(path)
    return "\n".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None)


def _docx_text(path) -> str:
    import docx

    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def test_exports_never_leak_flagged_strings_unless_allowed(proj, tmp_path):
    store, ids, _ = proj
    privacy.scan_project(store, nlp=None)
    export_answers(store, tmp_path / "a.csv", coder="anne")
    export_answers(store, tmp_path / "a.xlsx", coder="anne")
    export_quotes(store, tmp_path / "q.docx", coder="anne")
    quotes = " ".join(quote_candidates(D.load(store, "anne"))["quote"])
    for text in (_csv_text(tmp_path / "a.csv"), _xlsx_text(tmp_path / "a.xlsx"), _docx_text(tmp_path / "q.docx"),
                 quotes):
        for sec in SECRETS:
            assert sec not in text, sec
    assert "[NAVN]" in _csv_text(tmp_path / "a.csv") and "[CPR]" in quotes

    # allow_pii: the raw texts go out
    export_answers(store, tmp_path / "raw.csv", coder="anne", allow_pii=True)
    raw_quotes = " ".join(quote_candidates(D.load(store, "anne"), allow_pii=True)["quote"])
    for sec in SECRETS:
        assert sec in _csv_text(tmp_path / "raw.csv") and sec in raw_quotes

    # an allowed finding stays in exports, the others are still hidden
    mette = next(f for f in privacy.findings(store) if f.span == "Mette Hansen")
    privacy.allow(store, "sara", mette.id)
    export_answers(store, tmp_path / "b.csv", coder="anne")
    b = _csv_text(tmp_path / "b.csv")
    assert "Mette Hansen" in b and "120385-1234" not in b

    # after pseudonymising (original kept in the project), exports hold placeholders, not the original
    privacy.pseudonymise(store, "sara", all=True, keep_original=True)
    export_answers(store, tmp_path / "c.xlsx", coder="anne", allow_pii=True)
    c = _xlsx_text(tmp_path / "c.xlsx")
    assert "120385-1234" not in c and "[CPR]" in c and "Mette Hansen" in c


# ------------------------------------------------------------------ the span arithmetic, as a property
@st.composite
def _edit_case(draw):
    n = draw(st.integers(1, 40))
    cuts = sorted(draw(st.sets(st.integers(0, n), max_size=8)))
    edits, pos = [], 0
    for a, b in zip(cuts[::2], cuts[1::2]):
        if a >= pos and b > a:
            edits.append((a, b, draw(st.integers(1, 9))))
            pos = b
    s = draw(st.integers(0, n - 1))
    e = draw(st.integers(s + 1, n))
    return n, edits, s, e


@settings(max_examples=300, deadline=None)
@given(_edit_case())
def test_shift_span_covers_the_same_characters(case):
    """Against a per-character reference: the new span is the smallest one holding every kept
    character of the old span and every placeholder whose replaced span it touched."""
    n, edits, s, e = case
    origin: list = []  # new index -> old index (kept char) or ("ph", k)
    pos = 0
    for k, (a, b, m) in enumerate(edits):
        origin += list(range(pos, a)) + [("ph", k)] * m
        pos = b
    origin += list(range(pos, n))
    want = [j for j, o in enumerate(origin)
            if (isinstance(o, int) and s <= o < e) or
            (isinstance(o, tuple) and edits[o[1]][0] < e and s < edits[o[1]][1])]
    s2, e2 = privacy.shift_span(s, e, edits)
    assert (s2, e2) == (min(want), max(want) + 1)
    assert 0 <= s2 < e2 <= len(origin)
    assert privacy.shift_span(None, None, edits) == (None, None)


# ------------------------------------------------------------------ CLI
def test_cli_scan_and_pseudonymise(proj, capsys, tmp_path):
    store, ids, _ = proj
    path = str(store.path) if store.is_sqlite else store.url
    assert main(["pii-scan", path, "--rules-only"]) == 0
    out = capsys.readouterr().out
    assert "CPR\t1" in out and "PHONE\t2" in out and "EMAIL\t2" in out
    assert not any(sec in out for sec in SECRETS)

    assert main(["pseudonymise", path, "--as", "anne"]) == 1  # a coder
    assert "only a supervisor" in capsys.readouterr().err
    assert main(["pseudonymise", path, "--as", "sara", "--types", "CPR,NOPE"]) == 2
    assert "NOPE" in capsys.readouterr().err
    assert text_of(store, ids[("R0001", "q1")]).text == T_CPR

    assert main(["pseudonymise", path, "--as", "sara", "--types", "CPR,PHONE"]) == 0
    assert "pseudonymised 3 findings" in capsys.readouterr().out
    t = text_of(store, ids[("R0001", "q1")])
    assert t.text == "Borgerens cpr: [CPR] og tlf. [TELEFON] i dag." and t.text_original is None
    assert main(["pseudonymise", path, "--as", "sara", "--keep-original"]) == 0
    t = text_of(store, ids[("R0000", "q1")])
    assert t.text_original == T_PERSON and "[NAVN]" in t.text
    assert main(["pii-scan", str(tmp_path / "missing.db")]) == 2
    with pytest.raises(SystemExit) as e:  # --as is required: argparse's usage error, exit 2
        main(["pseudonymise", path])
    assert e.value.code == 2


# ------------------------------------------------------------------ GUI
def test_gui_scan_marks_and_pseudonymise_dialog(qtbot, tmp_path, monkeypatch):
    """Kodning → Find personoplysninger runs in a worker and marks the open findings in the
    answer; the supervisor's dialog pseudonymises the checked ones and the pane shows the new text."""
    from PySide6.QtGui import QTextCharFormat
    from PySide6.QtCore import Qt

    from tests.test_grid import make_project
    from workbench.ui import i18n
    from workbench.ui.app import application, make_settings
    from workbench.ui.main_window import MainWindow

    monkeypatch.setenv("WORKBENCH_SETTINGS", str(tmp_path / "settings.ini"))
    store = make_project(tmp_path)
    with store.transaction() as s:
        first = s.exec(select(Answer).order_by(Answer.id)).first()
        first.text = T_CPR
        s.add(first)
        store.coder(s, "sara", role="supervisor")
        store.coder(s, "anne", role="coder")
    aid = first.id
    store.close()
    application()
    i18n.install("da")
    w = MainWindow(make_settings(), coder="anne", interactive=False)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.project_loaded, timeout=20000):
        w.open_project(str(tmp_path / "p.db"))
    texts = [a.text() for a in w.m_coding.actions()]
    assert "Find personoplysninger" in texts and "Pseudonymisér…" in texts
    w.select_position(w.model.position_of(aid))
    assert w.current_answer_id() == aid

    worker = w.privacy.scan()
    qtbot.waitUntil(lambda: w.privacy.last_result is not None, timeout=60000)
    assert worker.error is None
    marks = [sel for sel in w.pane.text.extraSelections()
             if str(sel.format.property(QTextCharFormat.Property.UserProperty)).startswith("pii:")]
    assert len(marks) == 2
    assert {sel.cursor.selectedText() for sel in marks} == {"120385-1234", "22 33 44 55"}
    assert marks[0].format.underlineStyle() == QTextCharFormat.UnderlineStyle.DotLine
    assert "CPR" in marks[0].format.toolTip() or "Telefon" in marks[0].format.toolTip()

    assert w.privacy.open_dialog(exec_=False) is None  # anne is a coder: refused
    w.set_coder("sara")
    dlg = w.privacy.open_dialog(exec_=False)
    assert dlg is not None and dlg.tree.topLevelItemCount() == 2
    for i in range(dlg.tree.topLevelItemCount()):  # only the CPR number
        it = dlg.tree.topLevelItem(i)
        if it.text(1) != "120385-1234":
            it.setCheckState(0, Qt.CheckState.Unchecked)
    dlg.keep.setChecked(True)
    dlg.btn_pseudo.click()
    qtbot.waitUntil(lambda: "[CPR]" in w.pane.text.toPlainText(), timeout=10000)
    assert w.pane.text.toPlainText() == "Borgerens cpr: [CPR] og tlf. 22 33 44 55 i dag."
    t = text_of(w.store, aid)
    assert t.text_original == T_CPR
    marks = [sel.cursor.selectedText() for sel in w.pane.text.extraSelections()
             if str(sel.format.property(QTextCharFormat.Property.UserProperty)).startswith("pii:")]
    assert marks == ["22 33 44 55"]  # the phone is still open and still marked at the right place
    from workbench.ui import workers

    qtbot.waitUntil(lambda: not workers._running, timeout=60000)  # other panels' workers (suggestions)
    w.store.close()
