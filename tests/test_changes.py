"""changes_since: what other people changed since a view last looked (live refresh)."""
from __future__ import annotations

from sqlmodel import select

from tests.test_grid import code_id, make_project
from workbench.coding import codes as codes_mod
from workbench.coding.changes import changes_since, latest_event_id
from workbench.coding.codings import apply_code, save_memo, set_flag
from workbench.coding.models import Answer
from workbench.coding.store import Store


def _answers(store, n):
    with store.session() as s:
        return list(s.exec(select(Answer.id).order_by(Answer.id).limit(n)))


def test_changes_since_other_actors(tmp_path):
    me = make_project(tmp_path)
    other = Store.open(me.path, actor="bo")
    try:
        a1, a2, a3 = _answers(me, 3)
        start = latest_event_id(me)
        assert start > 0
        ch = changes_since(me, start, exclude_actor=me.actor)
        assert ch.last_id == start and not ch.answer_ids and not ch.codebook_changed and ch.count == 0

        apply_code(me, "anne", a1, code_id(me, "lytter"))  # our own change: not reported
        apply_code(other, "bo", a2, code_id(other, "ventetid"))
        set_flag(other, "bo", a3, True)
        save_memo(other, "bo", "answer", a1, "se her")
        ch = changes_since(me, start, exclude_actor=me.actor)
        # bo's first coding also created bo as a coder: 4 events by others
        assert ch.answer_ids == {a2, a3, a1} and ch.count == 4 and not ch.codebook_changed and not ch.reload_all
        assert ch.last_id == latest_event_id(me)
        assert changes_since(me, ch.last_id, exclude_actor=me.actor) == (ch.last_id, frozenset(), False, False, 0)

        # our own change after the last poll moves last_id on but reports nothing
        apply_code(me, "anne", a2, code_id(me, "helbred"))
        ch2 = changes_since(me, ch.last_id, exclude_actor=me.actor)
        assert ch2.last_id > ch.last_id and ch2.count == 0 and not ch2.answer_ids

        codes_mod.rename_code(other, code_id(other, "helbred"), "Helbred og sygdom")
        ch3 = changes_since(me, ch2.last_id, exclude_actor=me.actor)
        assert ch3.codebook_changed and ch3.count == 1 and not ch3.answer_ids

        # without exclude_actor everything counts
        ch4 = changes_since(me, start)
        assert ch4.count == ch.count + ch3.count + 3 and a2 in ch4.answer_ids  # + anne's create and 2 codings
    finally:
        other.close()
        me.close()


def test_bulk_import_reloads_everything(tmp_path):
    me = make_project(tmp_path)
    other = Store.open(me.path, actor="bo")
    try:
        from workbench.importer.codings import import_codings

        start = latest_event_id(me)
        csv = tmp_path / "bo.csv"
        csv.write_text("respondent_id,question,code\nR0001,q1,lytter\n", encoding="utf-8")
        import_codings(other, "bo", csv)
        ch = changes_since(me, start, exclude_actor=me.actor)
        assert ch.reload_all and ch.count >= 1
    finally:
        other.close()
        me.close()


def test_changes_since_on_postgres(pg_url, tmp_path):
    """The team case: two clients on one server, each with its own actor."""
    from tests.conftest import new_project, survey_rows, write_survey
    from workbench.coding.models import Code
    from workbench.importer.survey import import_survey

    me = new_project(pg_url)
    other = Store.open(pg_url, actor="bo-client")
    try:
        import_survey(me, write_survey(tmp_path / "s.csv", survey_rows(n=3)))
        aid = _answers(me, 1)[0]
        with me.session() as s:
            cid = s.exec(select(Code.id)).first()
        start = latest_event_id(me)
        apply_code(other, "bo", aid, cid)
        ch = changes_since(me, start, exclude_actor=me.actor)
        assert ch.answer_ids == {aid} and ch.count == 2 and ch.last_id > start  # coder.create + coding.apply
        assert changes_since(other, start, exclude_actor=other.actor).count == 0
    finally:
        other.close()
        me.close()


def test_round_create_and_release_reload_everything(tmp_path):
    """A round's creation or release changes whose codings a coder may see: reload the view."""
    from workbench.coding.assignments import create_round, release_round

    me = make_project(tmp_path)
    sup = Store.open(me.path, actor="sara")
    try:
        with sup.transaction() as s:
            sup.coder(s, "sara", role="supervisor")
        start = latest_event_id(me)
        create_round(sup, "sara", ["anne", "bo"], name="r1")
        ch = changes_since(me, start, exclude_actor=me.actor)
        assert ch.reload_all and not ch.answer_ids
        release_round(sup, "sara", "r1")
        ch2 = changes_since(me, ch.last_id, exclude_actor=me.actor)
        assert ch2.reload_all and ch2.count == 1
    finally:
        sup.close()
        me.close()
