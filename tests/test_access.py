"""Access on a team server ("nothing lost, nothing leaked"): each person logs in with their own
database role; a coder reads only their own audit events, live refresh reads a change feed
that hides other coders' blind-round work; passwords never reach project files, exports,
`workbench doctor` or the GUI's remembered projects. All against the real PostgreSQL server."""
from __future__ import annotations

import json
import uuid

import psycopg
import pytest
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel, select

from tests.conftest import new_project, survey_rows, write_survey
from tests.test_team import as_user, raw, team_project  # noqa: F401  (team_project is a fixture)
from workbench.cli import main
from workbench.coding import codings, team, urls
from workbench.coding.assignments import create_round, release_round
from workbench.coding.changes import changes_since, latest_event_id
from workbench.coding.models import Answer, Question
from workbench.coding.store import Store


def _answer_of_question(store, q: str) -> list[int]:
    with store.session() as s:
        return list(s.exec(select(Answer.id).join(Question, Question.id == Answer.question_id)
                           .where(Question.key == q, Answer.text != "").order_by(Answer.id)))


def _owner(url: str):
    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))


def _open_as(url: str, login: str) -> Store:
    """A person's client: logged in as their role, acting under the same name."""
    return Store.open(as_user(url, login), actor=login)


@pytest.fixture
def team_work(team_project):  # noqa: F811
    """Anna, Bo and the supervisor at work: a blind, unreleased round on q1, an open round on
    q2, nothing assigned elsewhere. Returns the stores by person and some answers."""
    url, u, aids, ids, prefix = team_project
    stores = {who: _open_as(url, u[who]) for who in ("sup", "anna", "bo")}
    try:
        q1, q2 = _answer_of_question(stores["sup"], "q1"), _answer_of_question(stores["sup"], "q2")
        free = [a for a in aids if a not in q1 and a not in q2]
        create_round(stores["sup"], u["sup"], [u["anna"], u["bo"]], name="blind-1", question="q1")
        create_round(stores["sup"], u["sup"], [u["anna"], u["bo"]], name="open-1", question="q2", blind=False)
        yield url, u, ids, stores, {"blind": q1[0], "open": q2[0], "free": free[0]}
    finally:
        for s in stores.values():
            s.close()


def test_coder_reads_only_their_own_audit_events(team_work):
    url, u, ids, st, a = team_work
    codings.apply_code(st["anna"], u["anna"], a["blind"], ids["k0"])
    codings.save_memo(st["anna"], u["anna"], "answer", a["free"], "annas egen note")
    codings.apply_code(st["bo"], u["bo"], a["blind"], ids["k1"])
    codings.set_flag(st["bo"], u["bo"], a["open"], True)
    codings.save_memo(st["sup"], u["sup"], "answer", a["open"], "tilsynets fortrolige note")

    with _owner(url) as conn:  # the owner sees the whole log
        everything = conn.execute("SELECT id, actor, action, payload::text FROM auditevent ORDER BY id").fetchall()
        anna_id = conn.execute("SELECT id FROM coder WHERE name = %s", (u["anna"],)).fetchone()[0]
    with raw(url, u["anna"]) as conn:
        mine = conn.execute("SELECT id, actor, action, payload::text FROM auditevent ORDER BY id").fetchall()
        assert conn.execute("SELECT count(*) FROM auditevent WHERE action LIKE 'round.%'").fetchone()[0] == 0
    expected = [r for r in everything if r[1] == u["anna"] or json.loads(r[3]).get("coder") == u["anna"]
                or json.loads(r[3]).get("coder_id") == anna_id]
    assert mine == expected
    assert {r[2] for r in mine} == {"coding.apply", "memo.save"}  # her coding, and her memo
    dump = json.dumps(mine)
    assert "tilsynets" not in dump and u["bo"] not in dump and u["sup"] not in dump
    assert len(everything) > len(mine) + 4

    # the supervisor (and the admin) still read the whole log
    for who in ("sup", "admin"):
        with raw(url, u[who]) as conn:
            assert conn.execute("SELECT count(*) FROM auditevent").fetchone()[0] == len(everything)


def test_actor_is_the_database_login(team_work, monkeypatch, tmp_path):
    """On a team server the audit log names the person logged in, whatever the client says;
    so a coder whose computer account has another name still reads their own events, and
    nobody can write an event in someone else's name — not even bypassing the app."""
    url, u, ids, st, a = team_work
    monkeypatch.setenv("WORKBENCH_USER", u["bo"])  # a spoofed environment ...
    anna = Store.open(as_user(url, u["anna"]), actor="anna-laptop")  # ... and another OS name
    try:
        assert anna.actor == u["anna"] and anna.login == u["anna"]
        codings.set_flag(anna, u["anna"], a["free"], True)
        memo = codings.save_memo(anna, u["anna"], "answer", a["free"], "note")
        codings.save_memo(anna, u["anna"], "answer", a["free"], "", memo_id=memo)  # deleted
    finally:
        anna.close()
    with _owner(url) as conn:
        rows = conn.execute("SELECT action, actor, payload->>'coder' FROM auditevent "
                            "WHERE action IN ('answer.flag', 'memo.save', 'memo.delete') ORDER BY id").fetchall()
    assert rows == [("answer.flag", u["anna"], u["anna"]), ("memo.save", u["anna"], u["anna"]),
                    ("memo.delete", u["anna"], u["anna"])]  # memo events name the coder, too
    with raw(url, u["anna"]) as conn:  # she reads what she did
        assert {r[0] for r in conn.execute("SELECT action FROM auditevent")} >= {"answer.flag", "memo.save",
                                                                                 "memo.delete"}
        # the server refuses an event in someone else's name (the app never writes one)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO auditevent (at, actor, action, entity, payload) "
                         "VALUES (now(), %s, 'decision.make', 'answer', '{}')", (u["sup"],))
        conn.rollback()
        conn.execute("INSERT INTO auditevent (at, actor, action, entity, payload) "
                     "VALUES (now(), %s, 'note', '', '{}')", (u["anna"],))
        conn.commit()
    with raw(url, u["sup"]) as conn:  # supervisors, too
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO auditevent (at, actor, action, entity, payload) "
                         "VALUES (now(), %s, 'decision.make', 'answer', '{}')", (u["bo"],))
    assert st["sup"].actor == u["sup"]

    # a login that is nobody in the project (the owner running an import) keeps the given actor
    owner = Store.open(url, actor="import-script")
    try:
        assert owner.actor == "import-script" and owner.login == make_url(url).username
    finally:
        owner.close()
    # SQLite: as always, the environment (or the given actor)
    lite = new_project(str(tmp_path / "p.db"))
    try:
        assert lite.actor == u["bo"] and lite.login is None
    finally:
        lite.close()


def test_blind_round_hides_other_coders_memos_and_answer_states(team_work):
    """Row-level security hides more than codings in a blind, unreleased round: another
    coder's memos on its answers and their answer states (coded, flagged). Memos on codes
    stay shared. The coder's own client keeps working: grid, memos, flags, live refresh."""
    from workbench.coding.grid import Grid

    url, u, ids, st, a = team_work
    anna, bo, sup = st["anna"], st["bo"], st["sup"]
    start = latest_event_id(anna)
    bo_blind = codings.save_memo(bo, u["bo"], "answer", a["blind"], "bos blinde note")
    bo_open = codings.save_memo(bo, u["bo"], "answer", a["open"], "bos åbne note")
    bo_code = codings.save_memo(bo, u["bo"], "code", ids["k0"], "bos kodebogsnote")
    codings.set_flag(bo, u["bo"], a["blind"], True)
    codings.set_coded(bo, u["bo"], a["blind"])
    codings.set_coded(bo, u["bo"], a["open"])
    annas = codings.save_memo(anna, u["anna"], "answer", a["blind"], "annas note")
    v = codings.set_flag(anna, u["anna"], a["blind"], True)
    codings.apply_code(anna, u["anna"], a["blind"], ids["k0"])

    def seen(login):
        with raw(url, login) as conn:
            memos = {r[0] for r in conn.execute("SELECT id FROM memo")}
            states = {(r[0], r[1]) for r in conn.execute(
                "SELECT c.name, s.answer_id FROM answerstate s JOIN coder c ON c.id = s.coder_id")}
        return memos, states

    memos, states = seen(u["anna"])
    assert memos == {annas, bo_open, bo_code}  # not bo's memo on the blind answer
    assert states == {(u["anna"], a["blind"]), (u["bo"], a["open"])}  # not bo's state of the blind answer
    assert seen(u["bo"]) == ({bo_blind, bo_open, bo_code}, {(u["bo"], a["blind"]), (u["bo"], a["open"])})
    assert seen(u["sup"])[0] == {annas, bo_blind, bo_open, bo_code} and len(seen(u["sup"])[1]) == 3

    # nor can she write bo's rows, even bypassing the app
    with raw(url, u["anna"]) as conn:
        bo_id = conn.execute("SELECT id FROM coder WHERE name = %s", (u["bo"],)).fetchone()[0]
        assert conn.execute("UPDATE memo SET text = 'x' WHERE id = %s", (bo_open,)).rowcount == 0
        assert conn.execute("DELETE FROM answerstate WHERE coder_id = %s", (bo_id,)).rowcount == 0
        for stmt, args in (("INSERT INTO memo (uid, target_type, target_id, coder_id, text, created_at, updated_at)"
                            " VALUES ('m-x', 'answer', %s, %s, 'x', now(), now())", (a["free"], bo_id)),
                           ("INSERT INTO answerstate (answer_id, coder_id, coded, flagged, updated_at, version)"
                            " VALUES (%s, %s, true, false, now(), 1)", (a["free"], bo_id))):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(stmt, args)
            conn.rollback()
        conn.commit()

    # her own client: the grid shows her state, she edits her memo and flag, live refresh
    # tells her of bo's open-round work but not of his blind-round memo and flag
    grid = Grid(anna, u["anna"])
    i = grid.row_of[a["blind"]]
    assert grid.flagged[i] and grid.coded[i] and grid.codings[i]
    assert not grid.coded_by(u["bo"])[grid.row_of[a["blind"]]] and grid.coded_by(u["bo"])[grid.row_of[a["open"]]]
    assert codings.save_memo(anna, u["anna"], "answer", a["blind"], "annas nye note") == annas
    assert codings.set_flag(anna, u["anna"], a["blind"], False, expected_version=v + 1) == v + 2  # v + 1: apply_code
    assert grid.refresh_answer(a["blind"]) == i and not grid.flagged[i]
    ch = changes_since(anna, start, exclude_actor=anna.actor)
    assert ch.answer_ids == {a["open"]} and ch.count == 3  # bo's memos on the open answer and the code, his state
    with sup.session() as s:
        from workbench.coding.models import Memo

        assert s.get(Memo, annas).text == "annas nye note"

    # released: she sees bo's memo and state on the blind answer, too
    release_round(sup, u["sup"], "blind-1")
    memos, states = seen(u["anna"])
    assert bo_blind in memos and (u["bo"], a["blind"]) in states
    grid.load()
    assert grid.coded_by(u["bo"])[grid.row_of[a["blind"]]]


def test_change_feed_hides_other_coders_blind_work(team_work):
    url, u, ids, st, a = team_work
    anna, bo, sup = st["anna"], st["bo"], st["sup"]
    start = latest_event_id(anna)
    with _owner(url) as conn:
        assert start == conn.execute("SELECT max(id) FROM auditevent").fetchone()[0]  # not just her own events

    blind_coding = codings.apply_code(bo, u["bo"], a["blind"], ids["k1"])
    codings.apply_code(bo, u["bo"], a["open"], ids["k0"])       # an open round: others may see it
    codings.set_flag(bo, u["bo"], a["free"], True)              # no round at all
    codings.apply_code(anna, u["anna"], a["blind"], ids["k0"])  # her own blind work

    ch = changes_since(anna, start, exclude_actor=anna.actor)
    assert ch.answer_ids == {a["open"], a["free"]} and ch.count == 2 and not ch.reload_all
    assert ch.last_id == latest_event_id(sup)  # moves past what she may not see, too
    mine = changes_since(anna, start)  # her own events are in her feed
    assert a["blind"] in mine.answer_ids and mine.count == 3

    # the function itself: three columns, no payload, no names; bo's blind coding is missing
    with _owner(url) as conn:
        bo_event = conn.execute("SELECT id FROM auditevent WHERE action = 'coding.apply' AND entity_id = %s",
                                (str(blind_coding),)).fetchone()[0]
    with raw(url, u["anna"]) as conn:
        cur = conn.execute(f"SELECT * FROM {team.FEED_FUNCTION}(%s, %s, NULL, 1000)", (start, ch.last_id))
        assert [d.name for d in cur.description] == ["id", "action", "answer_id"]
        rows = cur.fetchall()
        assert bo_event not in {r[0] for r in rows} and len(rows) == 3
    with raw(url, u["bo"]) as conn:  # bo is told of his own coding, not of anna's
        got = conn.execute(f"SELECT id, answer_id FROM {team.FEED_FUNCTION}(%s, %s, NULL, 1000)",
                           (start, ch.last_id)).fetchall()
        assert bo_event in {r[0] for r in got} and len(got) == 3

    # supervisors get every change, as from the table
    ch_sup = changes_since(sup, start, exclude_actor=sup.actor)
    assert ch_sup.answer_ids == {a["blind"], a["open"], a["free"]} and ch_sup.count == 4

    # once the round is released, the feed shows bo's blind-round coding to anna (and says reload)
    release_round(sup, u["sup"], "blind-1")
    after = changes_since(anna, start, exclude_actor=anna.actor)
    assert a["blind"] in after.answer_ids and after.reload_all and after.count == 4  # + round.release


def test_change_feed_functions_are_locked_down(team_project):  # noqa: F811
    url, u, aids, ids, prefix = team_project
    with _owner(url) as conn:
        for fn in (team.FEED_FUNCTION, team.LAST_EVENT_FUNCTION, team.ADD_USER_FUNCTION):
            secdef, config, owner = conn.execute(
                "SELECT prosecdef, proconfig, pg_get_userbyid(proowner) FROM pg_proc WHERE proname = %s",
                (fn,)).fetchone()
            assert secdef and any(c.startswith("search_path=") for c in config)
            assert owner == make_url(url).username  # the role that ran setup
        nobody = f"nobody_{uuid.uuid4().hex[:8]}"
        conn.execute(f'CREATE ROLE "{nobody}" LOGIN')
        conn.commit()
    try:
        with pytest.raises(psycopg.OperationalError, match="CONNECT"):  # not in a group: may not even connect
            raw(url, nobody).close()
        with _owner(url) as conn:
            conn.execute(f'GRANT CONNECT ON DATABASE "{make_url(url).database}" TO "{nobody}"')
        with raw(url, nobody) as conn:  # and connected, may not call the feed or add people
            for call in (f"SELECT {team.LAST_EVENT_FUNCTION}()",
                         f"SELECT {team.ADD_USER_FUNCTION}('x_{nobody}', 'admin', NULL)"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(call)
                conn.rollback()
    finally:
        team.drop_roles(url, [nobody])


def test_live_refresh_on_sqlite_reads_the_table(tmp_path):
    """No team setup, no feed: SQLite (and plain PostgreSQL projects) read the audit log."""
    store = new_project(str(tmp_path / "p.db"))
    try:
        with store.engine.connect() as conn:
            from workbench.coding.changes import _has_feed

            assert not _has_feed(conn)
        assert latest_event_id(store) > 0
    finally:
        store.close()


# ------------------------------------------------------------------ passwords
def _dump_postgres(url: str) -> str:
    """Every row of every table (json, settings, audit payloads included) as text."""
    with _owner(url) as conn:
        return "\n".join(r[0] for t in SQLModel.metadata.sorted_tables
                         for r in conn.execute(f'SELECT t::text FROM "{t.name}" t').fetchall())


def _dump_sqlite(path) -> str:
    import sqlite3

    conn = sqlite3.connect(str(path))
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return "\n".join(repr(r) for n in names for r in conn.execute(f'SELECT * FROM "{n}"'))
    finally:
        conn.close()


def test_without_password():
    assert team.without_password is urls.without_password and team.hide_password is urls.hide_password  # one copy
    assert urls.without_password("postgresql+psycopg://anna:s3cret@db:5432/p?sslmode=require") == \
        "postgresql+psycopg://anna@db:5432/p?sslmode=require"
    assert urls.without_password("postgresql://anna@db/p") == "postgresql://anna@db/p"
    assert urls.without_password("/home/a/p.db") == "/home/a/p.db"
    assert urls.hide_password("cannot open postgresql://a:pa%40ss@db/p (pa@ss)", "postgresql://a:pa%40ss@db/p") == \
        "cannot open postgresql://a@db/p (***)"


def test_passwords_never_stored_or_shown(pg_url, tmp_path, capsys, qtbot, monkeypatch):
    """Every URL below carries a password (the test server trusts local logins, so it is
    ignored there, but the workbench cannot know): none of it may end up anywhere."""
    from workbench.export.answers import export_answers
    from workbench.coding.merge import make_offline_copy
    from workbench.importer.survey import import_survey

    tag = uuid.uuid4().hex[:8]
    secret = f"s3cret-pw-{tag}"
    secrets = [secret, f"adm-pw-{tag}", f"anna-pw-{tag}", f"login-pw-{tag}"]
    url = make_url(pg_url).set(password=secret).render_as_string(hide_password=False)
    users = {"admin": f"adm_{tag}", "anna": f"anna_{tag}"}
    prefix = f"wbp{tag}"
    store = new_project(url)
    try:
        import_survey(store, write_survey(tmp_path / "s.csv", survey_rows(n=4)))
        team.setup(url, users["admin"], secrets[1], prefix=prefix)
        team.add_user(url, users["anna"], "coder", secrets[2])
        anna_url = make_url(url).set(username=users["anna"], password=secrets[3]).render_as_string(hide_password=False)
        anna = Store.open(anna_url, actor=users["anna"])
        try:
            aid = _answer_of_question(anna, "q1")[0]
            with anna.session() as s:
                code = anna.codes(s)[0].id
            codings.apply_code(anna, users["anna"], aid, code)
            codings.save_memo(anna, users["anna"], "answer", aid, "note")
            make_offline_copy(anna, tmp_path / "copy.db")
        finally:
            anna.close()
        export_answers(store, tmp_path / "a.csv")
        export_answers(store, tmp_path / "a.xlsx")

        # the project's tables, the offline copy, the exports (their headers name the source)
        import openpyxl

        xlsx = " ".join(str(c.value) for ws in openpyxl.load_workbook(tmp_path / "a.xlsx") for row in ws.iter_rows()
                        for c in row if c.value is not None)
        places = {"tables": _dump_postgres(url), "offline copy": _dump_sqlite(tmp_path / "copy.db"),
                  "csv": (tmp_path / "a.csv").read_text(encoding="utf-8-sig"), "xlsx": xlsx}
        assert "127.0.0.1" in places["xlsx"] or "127.0.0.1" in places["csv"]  # the source is named, without password

        # workbench doctor, on the project and on one that cannot be opened
        assert main(["doctor", url]) == 0
        bad = make_url(url).set(database=f"missing_{tag}").render_as_string(hide_password=False)
        assert main(["doctor", bad]) == 1
        out = capsys.readouterr()
        places["doctor"] = out.out + out.err
        assert "CANNOT OPEN" in places["doctor"]

        # the GUI: window title, about box and the remembered recent projects
        from workbench.ui import i18n
        from workbench.ui.app import application, make_settings
        from workbench.ui.main_window import MainWindow

        ini = tmp_path / "settings.ini"
        monkeypatch.setenv("WORKBENCH_SETTINGS", str(ini))
        application()
        i18n.install("da")
        w = MainWindow(make_settings(), coder="anne", interactive=False)
        qtbot.addWidget(w)
        w.settings.setValue("recent", [bad])  # from an older version: cleaned on the next open
        with qtbot.waitSignal(w.project_loaded, timeout=30000) as sig:
            w.open_project(url)
        assert sig.args == [True]
        w.settings.sync()
        assert w.recent_projects() == [urls.without_password(url), urls.without_password(bad)]
        places["gui"] = "\n".join([ini.read_text(encoding="utf-8"), w.windowTitle(), w.about_text(),
                                   w.statusBar().currentMessage()])
        w.live_refresh.timer.stop()
        from workbench.ui import workers

        qtbot.waitUntil(lambda: not workers._running, timeout=60000)  # other panels' workers (suggestions)
        w.store.close()

        for where, content in places.items():
            for sec in secrets:
                assert sec not in content, (sec, where)
    finally:
        store.close()
        team.drop_roles(url, list(users.values()) + list(team.group_roles(prefix).values()))


def test_a_coder_merges_only_her_own_offline_work(team_project, tmp_path):  # noqa: F811
    """Anna's offline copy also holds Bo's coding; a blind round then hides it from her. Her
    merge brings in her own offline work and leaves Bo's rows alone, instead of failing on
    the server's refusal to let her write them."""
    from workbench.coding.merge import make_offline_copy, merge_project
    from workbench.coding.models import Coder, Coding

    url, u, aids, ids, _prefix = team_project
    sup, anna, bo = (_open_as(url, u[w]) for w in ("sup", "anna", "bo"))
    try:
        q1 = _answer_of_question(sup, "q1")
        codings.apply_code(bo, u["bo"], q1[0], ids["k1"])
        copy = make_offline_copy(anna, tmp_path / "anna.db")  # holds Bo's coding
        create_round(sup, u["sup"], [u["anna"], u["bo"]], name="blind-late", question="q1")
        off = Store.open(copy)
        codings.apply_code(off, u["anna"], q1[1], ids["k0"])  # Anna's offline work
        codings.apply_code(off, u["bo"], q1[0], ids["k2"])  # a change to Bo's row in her copy
        off.close()
        rep = merge_project(anna, copy)
        assert rep["added"] == 1 and rep["not_yours"] >= 1 and rep["conflicts"] == []
        with sup.session() as s:
            who = {i: n for i, n in s.exec(select(Coder.id, Coder.name)).all()}
            rows = {(who[c.coder_id], c.answer_id, c.code_id) for c in s.exec(select(Coding))}
        assert (u["anna"], q1[1], ids["k0"]) in rows
        assert (u["bo"], q1[0], ids["k1"]) in rows and (u["bo"], q1[0], ids["k2"]) not in rows
        # a supervisor, too, writes only as herself; an admin merging the same copy merges everyone's
        assert merge_project(sup, copy)["not_yours"] >= 1
        admin = _open_as(url, u["admin"])
        try:
            rep2 = merge_project(admin, copy)
        finally:
            admin.close()
        assert rep2["not_yours"] == 0
    finally:
        for st in (sup, anna, bo):
            st.close()
