"""The audit trail read back: filters, sentences, CSV and the `workbench log` command, on
SQLite and PostgreSQL."""
from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import date, timedelta

import pytest
from sqlmodel import select

from workbench.cli import main
from workbench.coding import codes as codes_mod
from workbench.coding import history
from workbench.export.history import export_history_csv
from workbench.coding.codings import apply_code, remove_code, save_memo
from workbench.coding.models import Answer, Code, Question, Respondent
from workbench.coding.reconcile import decide
from workbench.coding.team import ensure_person
from workbench.importer.survey import import_survey


def _answers(store, n=2):
    with store.session() as s:
        return list(s.exec(select(Answer.id).where(Answer.text != "").order_by(Answer.id).limit(n)))


def _code(store, key):
    with store.session() as s:
        return s.exec(select(Code).where(Code.key == key)).one()


def _ref(store, aid):
    with store.session() as s:
        return s.exec(select(Respondent.key, Question.key).join(Answer, Answer.respondent_id == Respondent.id)
                      .join(Question, Question.id == Answer.question_id).where(Answer.id == aid)).one()


@pytest.fixture
def worked(any_store, survey_file):
    """A project where anne coded, removed, wrote a memo; sofie decided; a code was renamed."""
    store = any_store
    import_survey(store, survey_file)
    a1, a2 = _answers(store)
    c1, c2 = _code(store, "sagsbehandlerskift"), _code(store, "lyttende_forstaaende")
    apply_code(store, "anne", a1, c1.id, 0, 5)
    apply_code(store, "anne", a1, c2.id)
    apply_code(store, "bo", a2, c2.id)  # another answer: must not show up for a1
    remove_code(store, "anne", a1, c2.id)
    save_memo(store, "anne", "answer", a1, "=SUM(A1) er mistænkelig")
    save_memo(store, "anne", "answer", a2, "andet svar")
    ensure_person(store, "sofie", "supervisor")
    decide(store, "sofie", a1, codes=[c1.key, c2.key], basis="manual")  # the payload names the decider
    store.actor = "sofie"  # as when sofie runs the app (WORKBENCH_USER)
    codes_mod.rename_code(store, c1.id, "Skift af sagsbehandler")
    store.actor = "pytest"
    return store, a1, a2, c1, c2


def test_answer_history_newest_first_in_danish(worked):
    store, a1, a2, c1, c2 = worked
    evs = history.events(store, answer_id=a1)
    assert [e.action for e in evs] == ["reconcile.decide", "memo.save", "coding.remove", "coding.apply",
                                       "coding.apply"]
    assert all(e.answer_id == a1 for e in evs)
    assert all(e.at.tzinfo is not None for e in evs)
    assert [e.at for e in evs] == sorted((e.at for e in evs), reverse=True)
    d = [e.describe() for e in evs]
    # labels are today's: the rename shows in older events too
    assert "sofie besluttede" in d[0] and "Skift af sagsbehandler" in d[0] and "Lyttende og forstående" in d[0]
    assert "anne skrev et notat på svaret" in d[1] and "SUM(A1)" in d[1]
    assert d[2].startswith("anne fjernede koden »Lyttende og forstående") and "fra svaret" in d[2]
    assert d[3].startswith("anne satte koden »Lyttende og forstående") and "på svaret" in d[3]
    assert d[4] == "anne satte koden »Skift af sagsbehandler« på svaret (tegn 0–5)"
    assert evs[4].describe("en") == "anne applied the code “Skift af sagsbehandler” to the answer (characters 0–5)"
    rk, qk = _ref(store, a1)
    assert evs[0].answer_ref == f"{rk} {qk}"
    # the other answer has its own history
    assert [e.action for e in history.events(store, answer_id=a2)] == ["memo.save", "coding.apply"]


def test_actor_action_time_filters(worked):
    store, a1, a2, c1, c2 = worked
    by_sofie = history.events(store, actor="sofie")
    assert {e.action for e in by_sofie} >= {"reconcile.decide", "code.rename"}
    assert all(e.actor == "sofie" or e.who == "sofie" for e in by_sofie)
    by_bo = history.events(store, actor="bo")  # a coder named in the payload
    assert [e.action for e in by_bo] == ["coding.apply"] and by_bo[0].answer_id == a2
    rec = history.events(store, action="reconcile")
    assert [e.action for e in rec] == ["reconcile.decide"]
    assert history.events(store, action="reconcil") == []  # prefixes go by dots
    code_ev = history.events(store, action="code")
    assert [e.action for e in code_ev] == ["code.rename"]
    assert code_ev[0].describe() == "sofie omdøbte koden »Sagsbehandlerskift« til »Skift af sagsbehandler«"
    assert len(history.events(store, action="coding.apply")) == 3
    assert len(history.events(store, limit=2)) == 2
    assert history.events(store, since=date.today() + timedelta(days=2)) == []
    assert len(history.events(store, since=date.today() - timedelta(days=1))) == len(history.events(store))
    assert history.events(store, until=date.today() - timedelta(days=2)) == []
    assert [e.action for e in history.events(store, answer_id=a1, actor="anne", action="coding")] == [
        "coding.remove", "coding.apply", "coding.apply"]


def test_merge_and_unknown_actions_are_described(worked):
    store, a1, a2, c1, c2 = worked
    codes_mod.merge_codes(store, c2.id, c1.id)
    d = history.events(store, action="code.merge")[0].describe()
    assert d == ("pytest flettede »Lyttende og forstående sagsbehandler« ind i »Skift af sagsbehandler«: "
                 "1 kodning flyttet, 1 dublet fjernet")  # bo's coding moved; final had both on a1
    with store.transaction() as s:  # odd and old shapes: never a crash
        store.log(s, "weird.thing", "answer", a1, answer_id="not a number", blob=[1, {"x": None}])
        store.log(s, "coding.apply", "coding", None, answer_id=str(a1), code_id="zzz", start="a")
        store.log(s, "reconcile.decide", "answer", "abc", new="not a dict")
        store.log(s, "memo.save", "memo", 1, target_type="answer", target_id=str(a2), text=None)
    evs = history.events(store, answer_id=a1)
    assert [e.action for e in evs[:2]] == ["coding.apply", "weird.thing"]  # the answer id as text is found too
    weird = next(e for e in history.events(store, action="weird"))
    assert weird.describe() == "pytest: weird.thing (felter: answer_id, blob)"
    assert weird.describe("en") == "pytest: weird.thing (fields: answer_id, blob)"
    for e in history.events(store):
        assert e.describe() and e.describe("en")
    old_apply = [e for e in evs if e.action == "coding.apply" and e.payload.get("code_id") == "zzz"]
    assert len(old_apply) == 1 and "#zzz" in old_apply[0].describe()
    assert any(e.action == "memo.save" and e.payload.get("text") is None
               for e in history.events(store, answer_id=a2))


def test_csv_export(worked, tmp_path):
    store, a1, a2, c1, c2 = worked
    out = tmp_path / "log.csv"
    n = export_history_csv(store, out, answer_id=a1)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["time", "actor", "action", "answer_id", "description", "payload"]
    assert len(rows) == n + 1 == 6
    assert all(r[3] == str(a1) for r in rows[1:])
    assert rows[1][2] == "reconcile.decide" and "sofie besluttede" in rows[1][4]
    assert "T" in rows[1][0] and ("+" in rows[1][0][10:] or "-" in rows[1][0][10:] or rows[1][0].endswith("Z"))
    # a sentence or payload that a spreadsheet would run is neutralised
    with store.transaction() as s:
        store.log(s, "=cmd|' /C calc'!A0", "answer", a1, coder="=HYPERLINK(\"x\")")
    export_history_csv(store, out, answer_id=a1, lang="en")
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[1][2].startswith("'=") and rows[1][4].startswith("'=")
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)
    assert not list(tmp_path.glob(".log.csv.*.part"))


def test_answer_for_keys(worked):
    store, a1, *_ = worked
    rk, qk = _ref(store, a1)
    assert history.answer_for(store, rk, qk) == a1
    from workbench.errors import InputError

    with pytest.raises(InputError):
        history.answer_for(store, "nobody", qk)


def test_cli_log(tmp_path, capsys):
    from tests.conftest import survey_rows, write_survey
    from workbench.coding.store import Store

    p = tmp_path / "p.db"
    assert main(["init", str(p)]) == 0
    assert main(["import", str(p), str(write_survey(tmp_path / "s.csv", survey_rows(5)))]) == 0
    store = Store.open(str(p))
    aid = _answers(store, 1)[0]
    apply_code(store, "anne", aid, _code(store, "lyttende_forstaaende").id)
    rk, qk = _ref(store, aid)
    store.close()
    capsys.readouterr()
    assert main(["log", str(p)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "anne satte koden »Lyttende og forstående sagsbehandler« på svaret" in out[0] and f"[{rk} {qk}]" in out[0]
    assert any("importerede" in line for line in out)
    assert main(["log", str(p), "--respondent", rk, "--question", qk, "--lang", "en"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and "anne applied the code" in out[0] and "pytest" in out[0]
    assert main(["log", str(p), "--action", "survey", "--limit", "1"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1
    csv_out = tmp_path / "log.csv"
    assert main(["log", str(p), "--answer", str(aid), "--csv", str(csv_out)]) == 0
    assert "wrote 1 events" in capsys.readouterr().out
    assert csv_out.read_text(encoding="utf-8-sig").startswith("time,actor,action,answer_id,description,payload")
    # bad input: exit 2, a message, no traceback (as users run it)
    r = subprocess.run([sys.executable, "-m", "workbench.cli", "log", str(p), "--since", "2024-13-45"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "--since" in r.stderr and "YYYY-MM-DD" in r.stderr and "Traceback" not in r.stderr
    assert main(["log", str(p), "--respondent", rk]) == 2
    assert main(["log", str(p), "--respondent", "nobody", "--question", qk]) == 2
    assert "no answer of respondent 'nobody'" in capsys.readouterr().err
