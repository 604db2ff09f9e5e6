"""The answer grid (core, no Qt): one-shot loading, filters incl. Danish text, stepping,
and the codebook edits of codes.py."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import event
from sqlmodel import select

from tests.conftest import new_project, survey_rows, write_survey
from workbench.coding import codes as codes_mod
from workbench.coding.codebook import load_codebook
from workbench.coding.codings import apply_code, set_coded, set_flag
from workbench.coding.grid import Grid, GridFilter, fold, fold_many
from workbench.coding.models import AuditEvent, Code, Coding
from workbench.importer.survey import import_survey

CODEBOOK_YAML = """\
codebook: {key: test, name: Testkodebog, version: "1"}
categories:
  - {id: sagsbehandler, label: Sagsbehandleren, colour: "#1f77b4"}
  - {id: forloeb, label: Forløbet, colour: "#2ca02c"}
codes:
  - {id: lytter, label: Lytter og forstår, category: sagsbehandler, colour: "#d62728", shortcut: "1",
     description: Sagsbehandleren lytter., include: Når borgeren føler sig hørt., exclude: Ikke om tempo.,
     examples: ["Hun lytter"], keywords: [lytte, forstå]}
  - {id: sagsbehandlerskift, label: Sagsbehandlerskift, category: sagsbehandler, colour: "#9467bd", shortcut: "2",
     keywords: [ny sagsbehandler, skift]}
  - {id: ventetid, label: Ventetid og stilstand, category: forloeb, colour: "#ff7f0e", shortcut: "s",
     keywords: [venter]}
  - {id: klar_plan, label: Klar plan, category: forloeb, colour: "#17becf", shortcut: "k", keywords: [plan]}
  - {id: helbred, label: Helbred, category: forloeb, colour: "#8c564b"}
"""

DANISH_TEXTS = ["Jeg bor i Aabenraa og skal til Århus", "ÆBLER og Ørreder, sagde hun", "Kommunen i ÅBENRÅ er god"]


def make_project(tmp_path: Path, n: int = 30, texts: bool = True):
    """A small SQLite project: the test codebook and ``n`` respondents, some with æøå texts."""
    cb = tmp_path / "codebook.yaml"
    cb.write_text(CODEBOOK_YAML, encoding="utf-8")
    store = new_project(str(tmp_path / "p.db"), codebook=load_codebook(cb))
    rows = survey_rows(n=n, seed=7)
    for r in rows:  # every answer has a score and text, so band counts are predictable
        for q in range(1, 8):
            r[f"q{q}_score"] = r[f"q{q}_score"] or "4"
            r[f"q{q}_text"] = r[f"q{q}_text"] or "Det gik fint"
    if texts:
        for k, t in enumerate(DANISH_TEXTS):
            rows[k]["q1_text"] = t
    import_survey(store, write_survey(tmp_path / "s.csv", rows))
    return store


def code_id(store, key: str) -> int:
    with store.session() as s:
        return s.exec(select(Code).where(Code.key == key)).one().id


@pytest.fixture
def store(tmp_path):
    st = make_project(tmp_path)
    yield st
    st.close()


def test_fold_is_danish_aware():
    assert fold("Aabenraa") == fold("ÅBENRÅ") == "åbenrå"
    assert fold("Ærø") == "ærø" and fold("KÖBENHAVN") == fold("København")
    assert fold("  TO\n  Ord ").split() == ["to", "ord"]
    texts = ["Aabenraa", "", "Straße ÆØÅ", "x\x00y", "Köbenhavn"]
    assert fold_many(texts) == [fold(t) for t in texts]


def test_load_is_one_shot_and_complete(store):
    statements = []
    listener = lambda *a: statements.append(a[2])  # noqa: E731
    event.listen(store.engine, "before_cursor_execute", listener)
    try:
        g = Grid(store, "anne")
    finally:
        event.remove(store.engine, "before_cursor_execute", listener)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 6, selects  # a fixed handful, never one per row
    assert len(g) == 30 * 7
    r = g.row(0)
    assert r.question_key == "q1" and r.status == "uncoded" and r.code_ids == ()
    assert {g.row(i).question_key for i in range(len(g))} == {f"q{k}" for k in range(1, 8)}
    assert r.band in ("negativ", "neutral", "positiv", "ved_ikke")


def test_filters(store):
    g = Grid(store, "anne")
    all_ = g.filter(GridFilter())
    assert len(all_) == len(g)
    q2 = g.filter(GridFilter(question="q2"))
    assert len(q2) == 30 and all(g.row(i).question_key == "q2" for i in q2)
    neg = g.filter(GridFilter(band="negativ"))
    expected = sum(1 for i in range(len(g)) if g.row(i).score in (1, 2))
    assert len(neg) == expected > 0
    ud = g.filter(GridFilter(group=("main_group", "udsatte"), question="q1"))
    assert len(ud) > 0 and all(g.groups["main_group"][i] == "udsatte" and g.row(i).question_key == "q1" for i in ud)
    sub = g.filter(GridFilter(group=("subgroup", "integration")))
    assert all(g.row(i).group == "integration" for i in sub) and len(sub) > 0
    assert ("main_group", "Hovedgruppe", "Job- og uddannelsesparate borgere") in g.background(int(sub[0]))
    assert len(g.filter(GridFilter(group=("subgroup", "no_such_group")))) == 0


def test_text_filter_danish(store):
    g = Grid(store, "anne")
    # aa ≈ å and case-insensitive æøå, both ways round
    hits = {g.texts[i] for i in g.filter(GridFilter(text="åbenrå"))}
    assert hits == {DANISH_TEXTS[0], DANISH_TEXTS[2]}
    assert {g.texts[i] for i in g.filter(GridFilter(text="AABENRAA"))} == hits
    assert [g.texts[i] for i in g.filter(GridFilter(text="æbler ørred"))] == [DANISH_TEXTS[1]]
    assert len(g.filter(GridFilter(text="ørreder", question="q2"))) == 0
    spørger = g.filter(GridFilter(text="SPØRGER"))
    assert len(spørger) > 0 and all("spørger" in g.texts[i].lower() for i in spørger)


def test_status_code_and_coder_filters(store):
    g = Grid(store, "anne")
    a0, a1, a2 = (int(g.answer_ids[i]) for i in range(3))
    lyt = code_id(store, "lytter")
    apply_code(store, "anne", a0, lyt)
    set_coded(store, "anne", a1)
    set_flag(store, "anne", a2, True)
    apply_code(store, "bo", a2, lyt)
    g = Grid(store, "anne")
    assert list(g.filter(GridFilter(status="coded"))) == [0, 1]
    assert list(g.filter(GridFilter(status="flagged"))) == [2]
    assert 0 not in g.filter(GridFilter(status="uncoded")) and 2 in g.filter(GridFilter(status="uncoded"))
    assert list(g.filter(GridFilter(code=lyt))) == [0]  # bo's coding of a2 is not anne's
    assert list(g.filter(GridFilter(coder="bo"))) == [2]
    assert g.row(0).code_ids == (lyt,) and g.row(2).status == "flagged"
    gb = Grid(store, "bo")
    assert gb.row(2).code_ids == (lyt,) and gb.row(0).code_ids == ()


def test_refresh_and_next_uncoded(store):
    g = Grid(store, "anne")
    vis = g.filter(GridFilter(question="q1"))
    assert g.next_uncoded(vis, 0) == 1
    set_coded(store, "anne", int(g.answer_ids[vis[1]]))
    set_coded(store, "anne", int(g.answer_ids[vis[2]]))
    assert g.refresh_answer(int(g.answer_ids[vis[1]])) == vis[1]
    g.refresh_answer(int(g.answer_ids[vis[2]]))
    assert g.next_uncoded(vis, 0) == 3
    assert g.next_uncoded(vis, len(vis) - 1) == 0  # wraps
    assert g.next_uncoded(vis, len(vis) - 1, wrap=False) == -1
    assert Grid.step(vis, 0, -1) == 0 and Grid.step(vis, 0, 1) == 1 and Grid.step(vis, len(vis) - 1, 1) == len(vis) - 1


def test_sort(store):
    g = Grid(store, "anne")
    vis = g.filter(GridFilter(question="q3"))
    by_score = g.sort(vis, "score")
    scores = [g.row(i).score for i in by_score]
    assert scores == sorted(scores)
    desc = g.sort(vis, "respondent", descending=True)
    keys = [g.respondent_keys[i] for i in desc]
    assert keys == sorted(keys, reverse=True) and set(desc) == set(vis)


def test_code_counts(store):
    g = Grid(store, "anne")
    lyt, plan = code_id(store, "lytter"), code_id(store, "klar_plan")
    for i in (0, 1, 40):
        apply_code(store, "anne", int(g.answer_ids[i]), lyt)
    apply_code(store, "anne", int(g.answer_ids[0]), plan, 0, 3)
    g = Grid(store, "anne")
    assert g.code_counts(g.filter(GridFilter())) == {lyt: 3, plan: 1}
    assert g.code_counts(np.array([0, 1])) == {lyt: 2, plan: 1}


# -- codes.py ----------------------------------------------------------------------------

def _audit(store, action):
    with store.session() as s:
        return list(s.exec(select(AuditEvent).where(AuditEvent.action == action)))


def test_merge_codes_moves_and_deduplicates(store):
    g = Grid(store, "anne")
    a0, a1 = int(g.answer_ids[0]), int(g.answer_ids[1])
    src, tgt = code_id(store, "sagsbehandlerskift"), code_id(store, "lytter")
    apply_code(store, "anne", a0, src)
    apply_code(store, "anne", a0, tgt)        # duplicate after the merge: dropped
    apply_code(store, "anne", a1, src, 0, 4)  # moved
    apply_code(store, "bo", a0, src)          # another coder: moved
    res = codes_mod.merge_codes(store, src, tgt)
    assert res == {"moved": 2, "dropped": 1}
    with store.session() as s:
        assert s.exec(select(Coding).where(Coding.code_id == src)).first() is None
        assert len(s.exec(select(Coding).where(Coding.code_id == tgt)).all()) == 3
        sc = s.get(Code, src)
        assert sc.retired and sc.shortcut is None
    assert len(_audit(store, "code.merge")) == 1
    with pytest.raises(Exception):
        codes_mod.merge_codes(store, tgt, tgt)


def test_code_edits(store):
    cid = codes_mod.create_code(store, "Økonomi og penge", shortcut="o")
    with store.session() as s:
        c = s.get(Code, cid)
        assert c.key == "økonomi_og_penge" and c.shortcut == "o" and not c.retired
    with pytest.raises(Exception, match="already used"):
        codes_mod.create_code(store, "Andet", shortcut="1")
    with pytest.raises(Exception, match="reserved"):
        codes_mod.set_shortcut(store, cid, "n")
    codes_mod.rename_code(store, cid, "Penge")
    codes_mod.recolour(store, cid, "#123456")
    codes_mod.set_shortcut(store, cid, None)
    parent = code_id(store, "ventetid")
    codes_mod.move_code(store, cid, parent)
    with pytest.raises(Exception, match="under itself"):
        codes_mod.move_code(store, parent, cid)
    codes_mod.retire_code(store, cid)
    with store.session() as s:
        c = s.get(Code, cid)
        assert (c.label, c.colour, c.shortcut, c.parent_id, c.category, c.retired) == (
            "Penge", "#123456", None, parent, "forloeb", True)
    actions = [e.action for e in _audit(store, "code.rename") + _audit(store, "code.recolour")
               + _audit(store, "code.move") + _audit(store, "code.retire")]
    assert sorted(actions) == ["code.move", "code.recolour", "code.rename", "code.retire"]
    assert _audit(store, "code.rename")[0].payload["old"] == {"label": "Økonomi og penge"}


def test_code_filter_and_counts_follow_refresh(store):
    """The (row, code) index behind the code filter and the counts is updated in place by
    refresh_answer: it always equals a fresh load."""
    g = Grid(store, "anne")
    lyt, plan = code_id(store, "lytter"), code_id(store, "klar_plan")
    a0, a5 = int(g.answer_ids[0]), int(g.answer_ids[5])
    apply_code(store, "anne", a0, lyt)
    apply_code(store, "anne", a0, lyt, 0, 2)  # the same code twice on one answer counts once
    g.refresh_answer(a0)
    apply_code(store, "anne", a5, plan)
    g.refresh_answer(a5)
    for grid in (g, Grid(store, "anne")):
        assert list(grid.filter(GridFilter(code=lyt))) == [0]
        assert list(grid.filter(GridFilter(code=plan))) == [5]
        assert grid.code_counts(grid.filter(GridFilter())) == {lyt: 1, plan: 1}
        assert grid.code_counts(np.array([5, 5])) == {plan: 2}
    with store.transaction() as s:
        for c in s.exec(select(Coding).where(Coding.answer_id == a0)):
            s.delete(c)
    g.refresh_answer(a0)
    assert list(g.filter(GridFilter(code=lyt))) == [] and g.code_counts(np.arange(len(g))) == {plan: 1}
