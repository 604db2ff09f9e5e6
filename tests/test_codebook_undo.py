"""Every codebook edit has an exact inverse (codes.py), on SQLite and PostgreSQL: what the
coding window's undo relies on."""
from __future__ import annotations

import json

import pytest
from sqlmodel import select

from workbench.coding import codes as codes_mod
from workbench.coding.codings import apply_code, save_memo
from workbench.coding.models import (Answer, AuditEvent, Code, Coder, Coding, Decision, QuoteStar,
                                     SuggestionFeedback)
from workbench.errors import InputError
from workbench.importer.survey import import_survey

CODE_COLS = ("id", "uid", "codebook_id", "key", "label", "category", "colour", "shortcut", "parent_id", "position",
             "retired", "description", "examples", "keywords")


@pytest.fixture
def store(any_store, survey_file):
    import_survey(any_store, survey_file)
    return any_store


def cid(store, key):
    with store.session() as s:
        return s.exec(select(Code).where(Code.key == key)).one().id


def answers(store, n=4):
    with store.session() as s:
        return [a.id for a in s.exec(select(Answer).order_by(Answer.id).limit(n))]


def coding_rows(store):
    with store.session() as s:
        return sorted((c.id, c.uid, c.answer_id, c.coder_id, c.code_id, c.start, c.end, c.source, c.created_at)
                      for c in s.exec(select(Coding)))


def code_rows(store):
    with store.session() as s:
        return sorted(tuple(json.dumps(getattr(c, k)) for k in CODE_COLS) for c in s.exec(select(Code)))


def events(store, action):
    with store.session() as s:
        return list(s.exec(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_merge_then_unmerge_restores_every_row(store):
    a0, a1, a2, a3 = answers(store)
    src, tgt = cid(store, "sagsbehandlerskift"), cid(store, "fast_sagsbehandler")
    child = cid(store, "afhaenger_af_sagsbehandler")
    codes_mod.move_code(store, child, src)
    apply_code(store, "anne", a0, src)
    apply_code(store, "anne", a0, tgt)                          # duplicate: dropped by the merge
    apply_code(store, "anne", a1, src, 0, 4, source="import")   # dropped too, and starred (below)
    apply_code(store, "anne", a1, tgt, 0, 4)
    apply_code(store, "anne", a3, src, source="suggestion")     # moved; its source comes back on undo
    apply_code(store, "bo", a0, src)                            # another coder: moved
    apply_code(store, "bo", a2, src, 2, 5)
    apply_code(store, "bo", a3, cid(store, "ventetid"))          # untouched
    with store.transaction() as s:                               # a quote star on a dropped coding
        dup = s.exec(select(Coding).where(Coding.answer_id == a1, Coding.code_id == src)).one()
        s.add(QuoteStar(coding_id=dup.id))
    with store.session() as s:
        stars_before = sorted((q.id, q.coding_id, q.starred_by, q.at) for q in s.exec(select(QuoteStar)))
    before_codings, before_codes = coding_rows(store), code_rows(store)

    res = codes_mod.merge_codes(store, src, tgt)
    assert res == {"moved": 3, "dropped": 2}
    assert res["moved"] == 3 and res.detail["children"] == [child]
    with store.session() as s:
        assert s.exec(select(Coding).where(Coding.code_id == src)).first() is None
        sc = s.get(Code, src)
        assert sc.retired and sc.shortcut is None and s.get(Code, child).parent_id == tgt
        assert [q.coding_id for q in s.exec(select(QuoteStar))] != [stars_before[0][1]]  # moved to the kept one
    assert coding_rows(store) != before_codings

    out = codes_mod.unmerge_codes(store, res)
    assert out == {"restored": 3, "reinserted": 2, "skipped": 0}
    assert coding_rows(store) == before_codings
    assert code_rows(store) == before_codes  # every column but ``version`` (bumped by every change)
    with store.session() as s:
        assert sorted((q.id, q.coding_id, q.starred_by, q.at) for q in s.exec(select(QuoteStar))) == stars_before
        sc = s.get(Code, src)
        assert not sc.retired and sc.shortcut == "3"
    ev = events(store, "code.unmerge")
    assert len(ev) == 1 and ev[0].entity_id == str(src) and ev[0].payload["reinserted"] == 2

    # redo, and undo again from the audit event's payload instead of the return value
    res2 = codes_mod.merge_codes(store, src, tgt)
    assert res2 == {"moved": 3, "dropped": 2}
    payload = events(store, "code.merge")[-1].payload
    codes_mod.unmerge_codes(store, payload)
    assert coding_rows(store) == before_codings and code_rows(store) == before_codes


def test_merge_of_a_retired_source_stays_retired_after_unmerge(store):
    a0 = answers(store, 1)[0]
    src, tgt = cid(store, "ventetid"), cid(store, "klare_aftaler")
    apply_code(store, "anne", a0, src)
    codes_mod.retire_code(store, src)
    before = code_rows(store)
    res = codes_mod.merge_codes(store, src, tgt)
    codes_mod.unmerge_codes(store, res.detail)
    assert code_rows(store) == before


def test_create_delete_restore_keeps_the_id(store):
    parent = cid(store, "ventetid")
    assert codes_mod.set_shortcut(store, parent, None) == "7"  # every key is taken: free one
    new = codes_mod.create_code(store, "Økonomi", category="forloeb", colour="#123456", shortcut="7",
                                parent_id=parent)
    before = code_rows(store)
    snap = codes_mod.delete_code(store, new)
    with store.session() as s:
        assert s.get(Code, new) is None
    assert snap["id"] == new and snap["key"] == "økonomi" and snap["shortcut"] == "7" and snap["parent_id"] == parent
    json.dumps(snap)  # JSON-safe: it is in the audit log
    assert codes_mod.restore_code(store, snap) == new
    assert code_rows(store) == before
    with pytest.raises(InputError, match="taken"):
        codes_mod.restore_code(store, snap)
    # later edits on the restored id work, and a fresh code still gets a new id
    assert codes_mod.rename_code(store, new, "Penge") == "Økonomi"
    other = codes_mod.create_code(store, "Andet nyt")
    assert other != new
    assert [e.entity_id for e in events(store, "code.delete")] == [str(new)]
    assert [e.entity_id for e in events(store, "code.restore")] == [str(new)]


def test_delete_refuses_a_code_in_use(store):
    a0 = answers(store, 1)[0]
    used = codes_mod.create_code(store, "Brugt")
    apply_code(store, "anne", a0, used)
    with pytest.raises(InputError, match="codings"):
        codes_mod.delete_code(store, used)
    parent = codes_mod.create_code(store, "Forælder")
    codes_mod.create_code(store, "Barn", parent_id=parent)
    with pytest.raises(InputError, match="sub-codes"):
        codes_mod.delete_code(store, parent)
    memo = codes_mod.create_code(store, "Med memo")
    save_memo(store, "anne", "code", memo, "hvad betyder den?")
    with pytest.raises(InputError, match="memos"):
        codes_mod.delete_code(store, memo)
    fb = codes_mod.create_code(store, "Foreslået")
    decided = codes_mod.create_code(store, "Afgjort", key="afgjort")
    with store.transaction() as s:
        anne = s.exec(select(Coder).where(Coder.name == "anne")).one()
        s.add(SuggestionFeedback(answer_id=a0, code_id=fb, coder_id=anne.id, verdict="rejected"))
        s.add(Decision(answer_id=a0, decided_by=anne.id, codes=["afgjort"]))
    with pytest.raises(InputError, match="suggestion"):
        codes_mod.delete_code(store, fb)
    with pytest.raises(InputError, match="decisions"):
        codes_mod.delete_code(store, decided)
    assert events(store, "code.delete") == []


def test_simple_edits_return_their_inverse_and_are_audited(store):
    c = cid(store, "ventetid")
    parent = cid(store, "klare_aftaler")
    before = code_rows(store)
    old_label = codes_mod.rename_code(store, c, "Venten")
    old_colour = codes_mod.recolour(store, c, "#010203")
    old_sc = codes_mod.set_shortcut(store, c, None)
    old_place = codes_mod.move_code(store, c, parent, "andet")
    was = codes_mod.retire_code(store, c)
    assert (old_label, old_sc, was) == ("Ventetid og langsommelighed", "7", False)
    # undo in reverse order with the returned values
    assert codes_mod.retire_code(store, c, was) is True
    assert codes_mod.move_code(store, c, **old_place) == {"parent_id": parent, "category": "andet"}
    assert codes_mod.set_shortcut(store, c, old_sc) is None
    assert codes_mod.recolour(store, c, old_colour) == "#010203"
    assert codes_mod.rename_code(store, c, old_label) == "Venten"
    assert code_rows(store) == before
    for action in ("code.rename", "code.recolour", "code.shortcut", "code.move"):
        assert len(events(store, action)) == 2, action
    assert len(events(store, "code.retire")) == 1 and len(events(store, "code.unretire")) == 1
