"""Rounds, blind visibility, reliability samples, reconciliation and merging offline copies."""
from __future__ import annotations

import json
import shutil
import sqlite3
from collections import Counter

import pytest
from hypothesis import given, settings, strategies as st
from sqlalchemy import select

from tests.test_agreement import make_project
from workbench.coding import codings
from workbench.coding.assignments import (allocate, assigned_answers, create_round, release_round, round_progress,
                                          suggestions_allowed, visible_codings)
from workbench.coding.codings import ConflictError
from workbench.coding.merge import make_offline_copy, merge_project
from workbench.coding.models import (Answer, AnswerState, Assignment, AuditEvent, Code, Coder, Coding, Decision, Memo,
                                     Question, Round)
from workbench.coding.reconcile import auto_merge_agreed, clear_decision, decide, disagreements
from workbench.coding.team import PermissionDenied, ensure_person
from workbench.errors import InputError


@pytest.fixture(params=["sqlite", "postgres"])
def project(request, tmp_path):
    """(store, answer ids with text, code ids) on SQLite and on the real PostgreSQL."""
    target = str(tmp_path / "p.db") if request.param == "sqlite" else request.getfixturevalue("pg_url")
    store, aids, ids = make_project(target, tmp_path, n_resp=6)
    ensure_person(store, "sup", "supervisor")
    yield store, aids, ids
    store.close()


def final_codings(store, answer_id):
    with store.session() as s:
        rows = s.exec(select(Code.key, Coding.start, Coding.end, Coding.source).join(Code, Code.id == Coding.code_id)
                      .join(Coder, Coder.id == Coding.coder_id)
                      .where(Coder.name == "final", Coding.answer_id == answer_id)).all()
        state = s.exec(select(AnswerState.coded).join(Coder, Coder.id == AnswerState.coder_id)
                       .where(Coder.name == "final", AnswerState.answer_id == answer_id)).first()
    return sorted((k, a, b) for k, a, b, _src in rows), (state[0] if state else None)


def decision(store, answer_id):
    with store.session() as s:
        return s.exec(select(Decision).where(Decision.answer_id == answer_id)).scalars().first()


def test_reconciliation_round_end_to_end(project):
    store, aids, ids = project
    a1, a2, a3, a4, a5, a6, a7 = aids[:7]
    ap = lambda c, a, k, st=None, en=None: codings.apply_code(store, c, a, ids[k], st, en)  # noqa: E731
    ap("A", a1, "k0"); ap("B", a1, "k0", 0, 3)                       # agree (spans differ)
    codings.set_coded(store, "A", a2); codings.set_coded(store, "B", a2)  # agree: no code applies
    ap("A", a3, "k0"); ap("A", a3, "k1", 1, 4); ap("B", a3, "k1")     # disagree -> coder:A
    ap("A", a4, "k2"); ap("B", a4, "k3", 0, 2)                       # disagree -> union
    ap("A", a5, "k0"); ap("B", a5, "k1")                             # disagree -> manual k4
    ap("A", a6, "k1"); codings.set_coded(store, "B", a6)             # disagree -> none
    ap("A", a7, "k0")                                                # only A: not a unit

    with pytest.raises(PermissionDenied):
        auto_merge_agreed(store, "A")  # a coder cannot reconcile
    r = auto_merge_agreed(store, "sup")
    assert (r["merged"], r["open"], r["units"], r["coders"]) == (2, 4, 6, ["A", "B"])
    assert final_codings(store, a1) == ([("k0", None, None)], True)  # first coder's codings
    assert final_codings(store, a2) == ([], True)  # final coded, with no code
    assert decision(store, a2).basis == "agreed" and decision(store, a2).codes == []

    units = disagreements(store)
    assert [u.answer_id for u in units[:4]] == [a3, a4, a5, a6] and all(u.status == "open" for u in units[:4])
    assert [u.status for u in units[4:]] == ["decided", "decided"]
    u3 = units[0]
    assert u3.codes == {"A": ["k0", "k1"], "B": ["k1"]}
    assert u3.spans["A"] == [("k0", None, None), ("k1", 1, 4)] and u3.text

    with pytest.raises(PermissionDenied):
        decide(store, "B", a3, basis="coder:A")
    d3 = decide(store, "sup", a3, basis="coder:A", note="A saw the second theme")
    assert (d3.codes, d3.version, d3.decided_by) == (["k0", "k1"], 1, "sup")
    assert final_codings(store, a3) == ([("k0", None, None), ("k1", 1, 4)], True)
    decide(store, "sup", a4, basis="union", expected_version=0)
    assert final_codings(store, a4) == ([("k2", None, None), ("k3", 0, 2)], True)
    decide(store, "sup", a5, ["k4"], basis="manual")
    assert final_codings(store, a5) == ([("k4", None, None)], True)
    with pytest.raises(InputError):
        decide(store, "sup", a6, ["k1"], basis="none")
    with pytest.raises(InputError):
        decide(store, "sup", a6, [], basis="manual")
    with pytest.raises(InputError):
        decide(store, "sup", a6, basis="coder:Nobody")
    decide(store, "sup", a6, None, basis="none", note="ikke relevant")
    assert final_codings(store, a6) == ([], True)
    d6 = decision(store, a6)
    assert (d6.basis, d6.codes, d6.note, d6.version) == ("none", [], "ikke relevant", 1)
    assert not [u for u in disagreements(store) if u.needs_attention]

    # re-deciding bumps the version; a stale version is a conflict, not an overwrite
    d3b = decide(store, "sup", a3, ["k1"], basis="coder:B", expected_version=1)
    assert d3b.version == 2 and final_codings(store, a3) == ([("k1", None, None)], True)
    with pytest.raises(ConflictError, match="changed by someone else"):
        decide(store, "sup", a3, ["k0"], basis="manual", expected_version=1)
    assert decision(store, a3).codes == ["k1"]
    with pytest.raises(ConflictError):
        decide(store, "sup", a3, ["k0"], basis="manual", expected_version=0)

    # the audit log has every decision with previous and new codes
    with store.session() as s:
        ev = [e for e in s.exec(select(AuditEvent).where(AuditEvent.action == "reconcile.decide")
                                .order_by(AuditEvent.id)).scalars()]
    assert len(ev) == 2 + 5
    last = ev[-1].payload
    assert last["previous"]["codes"] == ["k0", "k1"] and last["new"] == {"basis": "coder:B", "codes": ["k1"], "version": 2}

    # more coding afterwards: decisions are kept; changed inputs are flagged stale
    ap("B", a5, "k0"); codings.remove_code(store, "B", a5, ids["k1"])   # now A and B agree on a5
    ap("A", a1, "k2")                                                  # a1 no longer agreed
    r2 = auto_merge_agreed(store, "sup")
    assert r2["merged"] == 0 and r2["kept"] == 1 and r2["stale"] == 2  # a5: manual kept, stale; a1: stale
    assert decision(store, a5).basis == "manual" and final_codings(store, a5)[0] == [("k4", None, None)]
    assert decision(store, a1).basis == "agreed" and final_codings(store, a1)[0] == [("k0", None, None)]
    st = {u.answer_id: u.status for u in disagreements(store)}
    assert st[a1] == "stale" and st[a5] == "stale" and st[a2] == "decided" and st[a6] == "decided"
    assert [u.answer_id for u in disagreements(store, only_open=True)] == [a1, a5]
    # re-deciding clears staleness
    decide(store, "sup", a5, basis="coder:A", expected_version=1)
    assert {u.answer_id for u in disagreements(store, only_open=True)} == {a1}
    # B now agrees with A on a1 again: the automatic decision is refreshed, not a human one
    ap("B", a1, "k2")
    r3 = auto_merge_agreed(store, "sup")
    assert r3["refreshed"] == 1 and decision(store, a1).codes == ["k0", "k2"] and decision(store, a1).version == 2
    assert disagreements(store, only_open=True) == []
    # reopening removes the decision and the final coding
    clear_decision(store, "sup", a6)
    assert decision(store, a6) is None and final_codings(store, a6) == ([], False)
    assert [u.answer_id for u in disagreements(store, only_open=True)] == [a6]


def test_blind_round_visibility_and_release(tmp_path):
    store, aids, ids = make_project(str(tmp_path / "p.db"), tmp_path, n_resp=4)
    ensure_person(store, "sup", "supervisor")
    with pytest.raises(PermissionDenied):
        create_round(store, "A", ["A", "B"])  # a coder cannot create rounds (A does not exist yet either)
    info = create_round(store, "sup", ["A", "B"], name="r1")
    assert info.blind and not info.released and not info.reliability and info.n_answers == len(aids)
    assert assigned_answers(store, "A", "r1") == sorted(aids)
    a = aids[0]
    ca = codings.apply_code(store, "A", a, ids["k0"])
    cb = codings.apply_code(store, "B", a, ids["k1"])
    seen = lambda who: sorted(c.id for c in visible_codings(store, who, [a])[a])  # noqa: E731
    assert seen("A") == [ca] and seen("B") == [cb]
    assert seen("sup") == sorted([ca, cb])
    assert seen("stranger") == []  # unknown viewers are treated as coders
    assert round_progress(store, "r1") == {"A": {"assigned": len(aids), "coded": 1},
                                           "B": {"assigned": len(aids), "coded": 1}}
    with pytest.raises(PermissionDenied):
        release_round(store, "A", "r1")
    release_round(store, "sup", "r1")
    assert seen("A") == sorted([ca, cb])
    assert suggestions_allowed(store, a)  # not a reliability round


def test_open_round_and_answers_outside_rounds_are_visible(tmp_path):
    store, aids, ids = make_project(str(tmp_path / "p.db"), tmp_path, n_resp=4)
    ensure_person(store, "sup", "supervisor")
    create_round(store, "sup", ["A", "B"], blind=False, question="q1")
    a = aids[0]
    cb = codings.apply_code(store, "B", a, ids["k1"])
    assert [c.id for c in visible_codings(store, "A", [a])[a]] == [cb]


def test_reliability_sample_is_stratified_and_deterministic(tmp_path):
    store, aids, ids = make_project(str(tmp_path / "p.db"), tmp_path, n_resp=40)
    ensure_person(store, "sup", "supervisor")
    with store.session() as s:
        rows = s.exec(select(Answer.id, Question.key, Answer.band).join(Question, Question.id == Answer.question_id)
                      .where(Answer.text != "")).all()
    stratum = {a: f"{q}/{b or 'mangler'}" for a, q, b in rows}
    sizes = Counter(stratum.values())
    r1 = create_round(store, "sup", ["A", "B"], sample=60, seed=7, name="rel1")
    r2 = create_round(store, "sup", ["A", "B"], sample=60, seed=7, name="rel2")
    r3 = create_round(store, "sup", ["A", "B"], sample=60, seed=8, name="rel3")
    assert r1.reliability and r1.n_answers == 60
    with store.session() as s:
        def drawn(name):
            return sorted(set(s.exec(select(Assignment.answer_id).join(Round, Round.id == Assignment.round_id)
                                     .where(Round.name == name)).scalars()))
        d1, d2, d3 = drawn("rel1"), drawn("rel2"), drawn("rel3")
        assert s.exec(select(Round.reliability).where(Round.name == "rel1")).scalar_one() is True
    assert d1 == d2 and d1 != d3
    got = Counter(stratum[a] for a in d1)
    assert set(got) == set(sizes)  # every non-empty stratum represented
    total = sum(sizes.values())
    for k, n in sizes.items():
        assert abs(got[k] - 60 * n / total) < 1.5 or got[k] == 1
    assert not suggestions_allowed(store, d1[0])
    release_round(store, "sup", "rel1")
    release_round(store, "sup", "rel2")
    release_round(store, "sup", "rel3")
    assert suggestions_allowed(store, d1[0])
    with pytest.raises(InputError):
        create_round(store, "sup", ["A"], name="rel1")  # names are unique


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text("abcdef", min_size=1, max_size=3), st.integers(0, 50), max_size=12), st.integers(1, 300))
def test_allocation_properties(sizes, n):
    alloc = allocate(sizes, n)
    nonempty = {k for k, v in sizes.items() if v}
    assert set(alloc) == nonempty
    assert all(1 <= alloc[k] <= sizes[k] for k in alloc)
    total = sum(sizes.values())
    if total:
        assert sum(alloc.values()) == (total if n >= total else max(n, len(nonempty)))
    assert allocate(sizes, n) == alloc


def test_merge_offline_copy(tmp_path):
    store, aids, ids = make_project(str(tmp_path / "team.db"), tmp_path, n_resp=4)
    a1, a2, a3, a4, a5 = aids[:5]
    for a in (a1, a2, a3):
        codings.apply_code(store, "A", a, ids["k0"])
    memo_id = codings.save_memo(store, "A", "answer", a1, "første tanke")
    copy = make_offline_copy(store, tmp_path / "home.db")
    with pytest.raises(InputError):
        make_offline_copy(store, copy)
    home = type(store).open(copy)
    # offline: A adds a new answer, changes a1 and a2, writes a memo; changes the old memo
    codings.apply_code(home, "A", a4, ids["k1"], 0, 3)
    codings.apply_code(home, "A", a1, ids["k1"])
    codings.apply_code(home, "A", a2, ids["k2"])
    codings.apply_code(home, "C", a5, ids["k3"])  # a coder the team project has not met yet
    codings.save_memo(home, "A", "answer", a4, "ny note")
    home.close()
    # meanwhile on the team project: a2 changed too (conflict), a3 changed (kept)
    codings.apply_code(store, "A", a2, ids["k3"])
    codings.remove_code(store, "A", a3, ids["k0"])
    rep = merge_project(store, copy)
    assert rep["added"] == 2 and rep["updated"] == 1 and rep["kept"] == 1 and rep["memos_added"] == 1
    assert [(c["kind"], c["coder"], c["ours"], c["theirs"]) for c in rep["conflicts"]] == [
        ("coding", "A", [["k0", None, None], ["k3", None, None]], [["k0", None, None], ["k2", None, None]])]
    assert rep["copied_at"] and rep["unmatched"] == []

    def keys(coder, a):
        with store.session() as s:
            return sorted((k, x, y) for k, x, y in s.exec(
                select(Code.key, Coding.start, Coding.end).join(Code, Code.id == Coding.code_id)
                .join(Coder, Coder.id == Coding.coder_id).where(Coder.name == coder, Coding.answer_id == a)).all())
    assert keys("A", a4) == [("k1", 0, 3)]
    assert keys("A", a1) == [("k0", None, None), ("k1", None, None)]
    assert keys("A", a2) == [("k0", None, None), ("k3", None, None)]  # conflict: ours untouched
    assert keys("A", a3) == []  # ours was newer
    assert keys("C", a5) == [("k3", None, None)]
    with store.session() as s:
        assert s.exec(select(AnswerState.coded).join(Coder, Coder.id == AnswerState.coder_id)
                      .where(Coder.name == "A", AnswerState.answer_id == a4)).scalar_one() is True
        memos = {m.text: m.target_id for m in s.exec(select(Memo)).scalars()}
    assert memos == {"første tanke": a1, "ny note": a4}
    # merging again changes nothing
    rep2 = merge_project(store, copy)
    assert rep2["added"] == rep2["updated"] == rep2["memos_added"] == 0 and len(rep2["conflicts"]) == 1
    assert memo_id


def test_merge_plain_file_copy_uses_shared_history(tmp_path):
    store, aids, ids = make_project(str(tmp_path / "team.db"), tmp_path, n_resp=3)
    codings.apply_code(store, "A", aids[0], ids["k0"])
    store.close()
    con = sqlite3.connect(tmp_path / "team.db"); con.execute("PRAGMA wal_checkpoint(TRUNCATE)"); con.close()
    shutil.copy(tmp_path / "team.db", tmp_path / "plain.db")
    store = type(store).open(tmp_path / "team.db")
    home = type(store).open(tmp_path / "plain.db")
    codings.apply_code(home, "A", aids[0], ids["k1"])
    home.close()
    rep = merge_project(store, tmp_path / "plain.db")
    assert rep["updated"] == 1 and rep["conflicts"] == [] and rep["copied_at"] is not None


def test_cli_assign_reconcile_merge(tmp_path, monkeypatch):
    from workbench.cli import main

    store, aids, ids = make_project(str(tmp_path / "p.db"), tmp_path, n_resp=12)
    store.close()
    p = str(tmp_path / "p.db")
    assert main(["assign", p, "--coders", "A,B", "--sample", "40", "--seed", "3", "--as", "sup"]) == 0
    assert main(["assign", p, "--coders", "A,B", "--sample", "10", "--seed", "3", "--as", "sup",
                 "--round", "reliabilitet-1"]) == 2  # name taken
    store = type(store).open(p)
    sample = assigned_answers(store, "A")
    assert len(sample) == 40
    sample = sample[:10]
    for k, a in enumerate(sample):
        codings.apply_code(store, "A", a, ids["k0"])
        codings.apply_code(store, "B", a, ids["k0" if k % 3 else "k1"])
    store.close()
    assert main(["reconcile", p, "--supervisor", "A"]) == 1  # a coder: permission denied
    out = tmp_path / "left.json"
    assert main(["reconcile", p, "--supervisor", "sup", "--auto-agreed", "--json", str(out)]) == 0
    left = json.loads(out.read_text())
    assert len(left) == 4 and all(r["status"] == "open" for r in left)
    assert left[0]["codes"] == {"A": ["k0"], "B": ["k1"]}
    assert main(["offline-copy", p, str(tmp_path / "c.db")]) == 0
    assert main(["merge", p, str(tmp_path / "c.db"), "--json", str(tmp_path / "m.json")]) == 0
    assert json.loads((tmp_path / "m.json").read_text())["unchanged"] > 0
    assert main(["release", p, "--round", "reliabilitet-1", "--as", "sup"]) == 0
