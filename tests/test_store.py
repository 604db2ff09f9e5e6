"""The project store on SQLite and on a real PostgreSQL: migrations, transactions, audit."""
from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import inspect, text
from sqlmodel import select

from tests.test_team import team_project  # noqa: F401  (a fixture)
from workbench.coding import codings
from workbench.coding.models import Answer, AnswerState, AuditEvent, Code, Coding, Respondent, SQLModel
from workbench.coding.store import Store, head_revision
from workbench.errors import InputError
from workbench.importer.survey import import_survey


def test_migration_from_empty_database_creates_every_table(any_store):
    insp = inspect(any_store.engine)
    tables = set(insp.get_table_names())
    assert set(SQLModel.metadata.tables) <= tables
    assert "alembic_version" in tables
    assert any_store.schema_revision() == head_revision()
    # the indexes the grid and the frequency tables rely on exist
    idx = {i["name"] for i in insp.get_indexes("answer")}
    assert "ix_answer_question_band" in idx
    assert "ix_coding_answer_coder" in {i["name"] for i in insp.get_indexes("coding")}


def test_migrations_build_exactly_the_models_schema(any_store):
    """Alembic's comparison of the migrated database with models.py finds nothing to add or
    drop: a column, table or index added to the models without a migration fails here."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with any_store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    structural = [d for d in diff if not (isinstance(d, list) or d[0] in ("modify_type", "modify_default"))]
    assert structural == []
    # the prefix indexes dropped by 0003 are gone; the composite ones serving them remain
    insp = inspect(any_store.engine)
    answer_idx = {i["name"] for i in insp.get_indexes("answer")}
    assert not {"ix_answer_respondent_id", "ix_answer_question_id"} & answer_idx


def test_reopening_is_idempotent(tmp_path):
    p = tmp_path / "x.db"
    Store.open(p, create=True).close()
    s = Store.open(p)
    assert s.schema_revision() == head_revision()
    assert s.integrity_problems() == []


def test_sqlite_runs_in_wal_with_foreign_keys(sqlite_store):
    with sqlite_store.engine.connect() as c:
        assert c.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert c.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert c.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL


def test_foreign_keys_are_enforced(any_store):
    with pytest.raises(Exception):
        with any_store.transaction() as s:
            s.add(Coding(answer_id=999999, coder_id=999999, code_id=999999))


def test_open_refuses_missing_and_foreign_files(tmp_path):
    with pytest.raises(InputError, match="no project file"):
        Store.open(tmp_path / "missing.db")
    junk = tmp_path / "junk.db"
    junk.write_text("hello")
    with pytest.raises(InputError, match="not a workbench project"):
        Store.open(junk)
    plain = tmp_path / "plain.db"
    sqlite3.connect(plain).execute("create table t(x)").connection.commit()
    with pytest.raises(InputError, match="not an initialised"):
        Store.open(plain)


def test_failed_action_rolls_back_everything(any_store, survey_file):
    import_survey(any_store, survey_file)
    with any_store.session() as s:
        before = s.exec(select(AuditEvent)).all()
        n_resp = len(s.exec(select(Respondent)).all())
    with pytest.raises(RuntimeError):
        with any_store.transaction() as s:
            s.add(Respondent(survey_id=1, key="ZZZ", subgroup="integration"))
            any_store.log(s, "test.fail")
            s.flush()
            raise RuntimeError("boom")
    with any_store.session() as s:
        assert len(s.exec(select(Respondent)).all()) == n_resp
        assert len(s.exec(select(AuditEvent)).all()) == len(before)


def test_coding_actions_are_committed_and_audited(any_store, survey_file):
    import_survey(any_store, survey_file)
    with any_store.session() as s:
        ans = s.exec(select(Answer).where(Answer.text != "")).first()
        code = s.exec(select(Code)).first()
    cid = codings.apply_code(any_store, "anne", ans.id, code.id)
    span_id = codings.apply_code(any_store, "anne", ans.id, code.id, 0, 3)
    # a second connection sees it: it was committed
    other = Store(any_store.url)
    with other.session() as s:
        rows = s.exec(select(Coding).where(Coding.answer_id == ans.id)).all()
        assert {r.id for r in rows} == {cid, span_id}
        st = s.exec(select(AnswerState).where(AnswerState.answer_id == ans.id)).one()
        assert st.coded and st.version >= 2
        actions = [e.action for e in s.exec(select(AuditEvent).order_by(AuditEvent.id))]
        assert actions.count("coding.apply") == 2
    other.close()
    with pytest.raises(InputError, match="outside the answer"):
        codings.apply_code(any_store, "anne", ans.id, code.id, 0, len(ans.text) + 5)
    codings.remove_coding(any_store, cid)
    with any_store.session() as s:
        assert s.get(Coding, cid) is None
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "coding.remove")).first().payload["uid"]


def test_optimistic_version_conflict(any_store, survey_file):
    import_survey(any_store, survey_file)
    with any_store.session() as s:
        aid = s.exec(select(Answer.id).order_by(Answer.id)).first()
    v = codings.set_flag(any_store, "anne", aid, True)
    codings.set_flag(any_store, "anne", aid, False, expected_version=v)
    with pytest.raises(codings.ConflictError):
        codings.set_flag(any_store, "anne", aid, True, expected_version=v)


def test_memo_create_update_delete(sqlite_store, survey_file):
    from workbench.coding.models import Memo

    import_survey(sqlite_store, survey_file)
    mid = codings.save_memo(sqlite_store, "anne", "answer", 1, "Uklart svar")
    assert codings.save_memo(sqlite_store, "anne", "answer", 1, "Uklart svar, spørg Bo") == mid
    with sqlite_store.session() as s:
        assert s.get(Memo, mid).text.endswith("Bo")
    codings.save_memo(sqlite_store, "anne", "answer", 1, "")
    with sqlite_store.session() as s:
        assert s.get(Memo, mid) is None


# ------------------------------------------------------------------ passwords in messages
def _with_password(url: str, secret: str, **parts) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(password=secret, **parts).render_as_string(hide_password=False)


def _error_text(exc: BaseException) -> str:
    """All an error shows: its text, repr and the traceback (with anything it chains)."""
    import traceback

    return "\n".join([str(exc), repr(exc), "".join(traceback.format_exception(exc)),
                      exc.message() if isinstance(exc, InputError) else ""])


def test_open_errors_never_show_the_password(pg_url):
    """The message reaches the command line's stderr and the GUI's error dialog."""
    from workbench.errors import WorkbenchError

    secret = "open-pw-S3cret"
    missing = _with_password(pg_url, secret, database=pg_url.rsplit("/", 1)[1] + "_missing")
    with pytest.raises(WorkbenchError) as e:
        Store.open(missing)
    shown = _error_text(e.value)
    assert secret not in shown
    assert "cannot open project" in str(e.value) and "_missing" in str(e.value)  # still says which project

    # a database that is there but not a project (the check after migrating)
    with pytest.raises(InputError) as e:
        Store.open(_with_password(pg_url, secret))
    assert "not an initialised" in e.value.message() and secret not in _error_text(e.value)


def test_offline_copy_error_never_shows_the_password(pg_url, tmp_path):
    from workbench.coding.merge import make_offline_copy

    secret = "copy-pw-S3cret"
    url = _with_password(pg_url, secret)
    store = Store.open(url, create=True)
    try:
        with store.engine.begin() as conn:  # a project row gone missing
            conn.execute(text("DELETE FROM project"))
        with pytest.raises(InputError) as e:
            make_offline_copy(store, tmp_path / "copy.db")
        assert "no project row" in e.value.message() and secret not in _error_text(e.value)
        assert not (tmp_path / "copy.db").exists()
    finally:
        store.close()


def _downgrade(store, revision: str) -> None:
    from alembic import command

    from workbench.coding.store import alembic_config

    with store.engine.begin() as conn:
        command.downgrade(alembic_config(conn), revision)


def test_upgrading_an_older_project_backs_it_up_first(tmp_path, survey_file):
    from workbench.coding.backup import list_backups

    p = tmp_path / "old.db"
    store = Store.open(p, create=True)
    import_survey(store, survey_file)
    _downgrade(store, "0002_decision_inputs")
    assert store.schema_revision() == "0002_decision_inputs"
    store.close()
    assert list_backups(p) == []
    again = Store.open(p)  # an older workbench's project: upgraded on open
    assert again.schema_revision() == head_revision()
    backups = list_backups(p)
    assert len(backups) == 1 and "before-upgrade" in backups[0].name
    old = sqlite3.connect(backups[0])
    assert old.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0002_decision_inputs"
    assert old.execute("SELECT count(*) FROM answer").fetchone()[0] > 0
    old.close()
    from workbench.coding import history

    up = history.events(again, action="project.upgrade")
    assert len(up) == 1 and "0002_decision_inputs" in up[0].describe("da") and backups[0].name in up[0].describe("da")
    again.close()
    Store.open(p).close()  # at head: no further backup
    assert len(list_backups(p)) == 1


def test_a_coder_cannot_upgrade_a_team_project_and_is_told_why(team_project):  # noqa: F811
    from tests.test_team import as_user

    url, users, _aids, _ids, _prefix = team_project
    owner = Store.open(url)
    _downgrade(owner, "0002_decision_inputs")
    owner.close()
    with pytest.raises(InputError) as e:
        Store.open(as_user(url, users["anna"]))
    assert "0002_decision_inputs" in str(e.value) and "administrator" in str(e.value)
    Store.open(url).close()  # the owner upgrades it
    Store.open(as_user(url, users["anna"])).close()


def test_a_full_disk_refuses_the_action_whole_and_loses_nothing(tmp_path, survey_file):
    """SQLite's page limit answers "database or disk is full" exactly as a full disk does:
    the failing action is rolled back whole with a clear DiskFullError, everything reported
    saved before is there, and work goes on once there is room again."""
    from sqlalchemy import event

    from tests.conftest import new_project
    from workbench.errors import DiskFullError

    store = new_project(str(tmp_path / "p.db"))
    import_survey(store, survey_file)
    with store.session() as s:
        aids = list(s.exec(select(Answer.id).order_by(Answer.id)).all())
        code = s.exec(select(Code.id).order_by(Code.id)).first()
    with store.engine.connect() as c:
        pages = c.exec_driver_sql("PRAGMA page_count").scalar()
    limit = {"pages": pages + 3}

    @event.listens_for(store.engine, "connect")
    def _cap(dbapi, _record):
        dbapi.execute(f"PRAGMA max_page_count = {limit['pages']}")
    store.engine.dispose()

    saved = []
    with pytest.raises(DiskFullError) as err:
        for i in range(5000):
            saved.append(codings.save_memo(store, "anne", "answer", aids[i % len(aids)], f"notat {i} " + "x" * 3000))
    assert "disk is full" in str(err.value) and "not saved" in str(err.value)
    n_memos = len(saved)
    with store.session() as s:
        from workbench.coding.models import Memo

        memos = {m.id for m in s.exec(select(Memo))}
    assert set(saved) <= memos  # every memo reported as saved is there
    assert store.integrity_problems() == []
    limit["pages"] = 1_000_000  # room again
    store.engine.dispose()
    codings.apply_code(store, "anne", aids[0], code)
    assert n_memos > 0
