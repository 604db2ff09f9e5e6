"""One writer's races are harmless and every failure to save is one clear sentence.

* the same coder in two processes racing first actions on an answer leaves each coding and
  the answer state exactly once (PostgreSQL and SQLite), and migration 0005 repairs
  duplicates made before the unique index existed; two processes saving the first memo on
  one target leave one memo;
* a dropped connection (``pg_terminate_backend`` on our own test database's backend), a
  commit whose answer was lost (landed, not landed, cannot tell), a lock wait that runs
  out, an SQLite project locked by a running import and a remaining unique-key collision
  each become the app's own sentence, never SQL text, with the detail in the log.
"""
from __future__ import annotations

import logging
import multiprocessing as mp
import threading
import time

import psycopg
import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.engine import make_url

from tests.conftest import survey_rows, write_survey
from tests.test_agreement import make_project
from workbench.coding import codings
from workbench.coding.models import AnswerState, AuditEvent, Coder, Coding, Memo, QuoteStar, utcnow
from workbench.coding.store import Store
from workbench.errors import BusyError, CommitUnknownError, ConflictError, ConnectionLostError

RAW = ("SQL", "sqlalche.me", "INSERT", "UPDATE", "psycopg", "[parameters")


def _plain(e: BaseException) -> str:
    msg = str(e)
    assert not any(w in msg for w in RAW), msg
    return msg


@pytest.fixture(params=["sqlite", "postgresql"])
def project(request, tmp_path):
    target = str(tmp_path / "p.db") if request.param == "sqlite" else request.getfixturevalue("pg_url")
    store, aids, ids = make_project(target, tmp_path, n_resp=6)
    with store.transaction() as s:
        store.coder(s, "A")
    yield store, aids, ids
    store.close()


# -- races of one coder in two processes ------------------------------------------------

def _race_worker(url, answers, codes, barrier, out):
    store = Store.open(url, actor="A")
    try:
        got = []
        for a in answers:
            barrier.wait(60)
            for c in codes:
                got.append(("apply", a, c, codings.apply_code(store, "A", a, c)))
            got.append(("flag", a, None, codings.set_flag(store, "A", a, True)))
        out.put(("ok", got))
    except Exception as e:  # reported to the parent
        out.put(("error", f"{type(e).__name__}: {e}"))
    finally:
        store.close()


def test_two_processes_racing_first_actions_leave_each_row_once(project):
    store, aids, ids = project
    answers = aids[:6]
    ctx = mp.get_context("spawn")
    barrier, out = ctx.Barrier(2), ctx.Queue()
    plans = [[ids["k0"], ids["k1"]], [ids["k0"], ids["k2"]]]  # k0 by both windows at the same moment
    procs = [ctx.Process(target=_race_worker, args=(store.url, answers, p, barrier, out)) for p in plans]
    for p in procs:
        p.start()
    results = [out.get(timeout=240) for _ in procs]
    for p in procs:
        p.join(60)
    assert [r[0] for r in results] == ["ok", "ok"], results
    with store.session() as s:
        a_id = s.exec(select(Coder.id).where(Coder.name == "A")).scalars().one()
        rows = s.exec(select(Coding.answer_id, Coding.code_id, Coding.id).where(Coding.coder_id == a_id)).all()
        states = s.exec(select(AnswerState.answer_id, AnswerState.flagged, AnswerState.coded, AnswerState.version)
                        .where(AnswerState.coder_id == a_id)).all()
        applied = s.exec(select(func.count()).select_from(AuditEvent)
                         .where(AuditEvent.action == "coding.apply")).scalars().one()
    assert sorted((a, c) for a, c, _ in rows) == sorted((a, ids[k]) for a in answers for k in ("k0", "k1", "k2"))
    assert sorted(a for a, *_ in states) == sorted(answers) and all(f and c for _a, f, c, _v in states)
    assert applied == len(rows)  # each coding logged once: the window that lost the race wrote nothing
    # both windows were told the id of the one coding they applied together
    by_window = [{(a, c): cid for kind, a, c, cid in r[1] if kind == "apply"} for r in results]
    for a in answers:
        assert by_window[0][(a, ids["k0"])] == by_window[1][(a, ids["k0"])]
    # and versions: 3 codings + 2 flags (the second flag sets what is set, still a change)
    assert all(v == 5 for *_x, v in states), states


def _memo_race_worker(url, answers, name, barrier, out):
    store = Store.open(url, actor="A")
    try:
        got = []
        for a in answers:
            barrier.wait(60)
            got.append((a, codings.save_memo(store, "A", "answer", a, f"memo from {name}")))
        barrier.wait(60)  # and both save the project's memo of no coder at once
        got.append((0, codings.save_memo(store, None, "project", 1, f"project memo from {name}")))
        out.put(("ok", got))
    except Exception as e:  # reported to the parent
        out.put(("error", f"{type(e).__name__}: {e}"))
    finally:
        store.close()


def test_two_processes_saving_a_new_memo_leave_one_row(project):
    """Two windows of one coder saving the first memo on an answer at the same moment: one
    memo (the later text), both windows told its id; never two rows (the memo dialog shows one)."""
    store, aids, _ids = project
    answers = aids[:6]
    ctx = mp.get_context("spawn")
    barrier, out = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_memo_race_worker, args=(store.url, answers, n, barrier, out)) for n in ("w1", "w2")]
    for p in procs:
        p.start()
    results = [out.get(timeout=240) for _ in procs]
    for p in procs:
        p.join(60)
    assert [r[0] for r in results] == ["ok", "ok"], results
    with store.session() as s:
        a_id = s.exec(select(Coder.id).where(Coder.name == "A")).scalars().one()
        rows = s.exec(select(Memo.target_type, Memo.target_id, Memo.id, Memo.text)
                      .where((Memo.coder_id == a_id) | Memo.coder_id.is_(None))).all()
    assert sorted((t, i) for t, i, _m, _x in rows) == sorted([("answer", a) for a in answers] + [("project", 1)]), rows
    assert all(x.endswith(("from w1", "from w2")) for *_r, x in rows)
    ids_by_window = [dict(r[1]) for r in results]
    assert ids_by_window[0] == ids_by_window[1]  # both saved the same memo


def test_a_remaining_unique_collision_is_a_conflict_sentence(project):
    store, aids, ids = project
    cid = codings.apply_code(store, "A", aids[0], ids["k0"])
    with pytest.raises(ConflictError) as e:
        with store.transaction() as s:
            c = s.get(Coding, cid)
            s.add(Coding(answer_id=c.answer_id, coder_id=c.coder_id, code_id=c.code_id))  # whole answer again
    assert "same moment" in _plain(e.value) and "samme øjeblik" in e.value.text("da")
    with store.session() as s:
        assert s.exec(select(func.count()).select_from(Coding)).scalars().one() == 1


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_migration_0005_repairs_duplicates(dialect, tmp_path, request):
    from tests.test_store import _downgrade

    target = str(tmp_path / "p.db") if dialect == "sqlite" else request.getfixturevalue("pg_url")
    store, aids, ids = make_project(target, tmp_path)
    with store.transaction() as s:
        a = store.coder(s, "A").id
    _downgrade(store, "0003_drop_prefix_indexes")
    rows = [(aids[0], ids["k0"], None, None)] * 3 + [(aids[0], ids["k0"], 0, 3)] * 2 + [(aids[1], ids["k1"], None, None)]
    with store.engine.begin() as conn:
        for i, (ans, code, st, en) in enumerate(rows):
            conn.execute(text('INSERT INTO coding (uid, answer_id, coder_id, code_id, start, "end", source, created_at) '
                              "VALUES (:u, :a, :c, :k, :s, :e, 'manual', :t)"),
                         dict(u=f"u{i}", a=ans, c=a, k=code, s=st, e=en, t=utcnow()))
        ids_by_uid = dict(conn.execute(text("SELECT uid, id FROM coding")).all())
        conn.execute(text("INSERT INTO quotestar (coding_id, at) VALUES (:c, :t)"), {"c": ids_by_uid["u2"], "t": utcnow()})
    store.close()
    store = Store.open(target)
    try:
        with store.session() as s:
            left = sorted(((c.answer_id, c.code_id, c.start, c.end, c.uid) for c in s.exec(select(Coding)).scalars()),
                          key=lambda r: r[-1])
            star = s.exec(select(QuoteStar.coding_id)).scalars().one()
        assert left == [(aids[0], ids["k0"], None, None, "u0"), (aids[0], ids["k0"], 0, 3, "u3"),
                        (aids[1], ids["k1"], None, None, "u5")]
        assert star == ids_by_uid["u0"]  # the star on a removed duplicate moved to the kept coding
        with pytest.raises(ConflictError):  # and the index now refuses a second whole-answer coding
            with store.transaction() as s:
                s.add(Coding(answer_id=aids[0], coder_id=a, code_id=ids["k0"]))
    finally:
        store.close()


# -- connection loss, ambiguous commits, lock waits -----------------------------------------

def _owner(url: str):
    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)


def _kill_on(store, when: str, url: str, also=None):
    """Terminate this store's own backend right before ``when`` ('insert' of a coding, or the
    'commit'), from a second connection to our own test database."""
    if when == "insert":
        def before(conn, cursor, statement, params, context, executemany):
            if statement.startswith("INSERT INTO coding") and not conn.info.get("killed"):
                conn.info["killed"] = True
                raw = conn.connection.driver_connection
                with _owner(url) as o:
                    o.execute("SELECT pg_terminate_backend(%s)", (raw.info.backend_pid,))
                time.sleep(0.2)
        event.listen(store.engine, "before_cursor_execute", before)
        return lambda: event.remove(store.engine, "before_cursor_execute", before)

    def on_commit(conn):
        if not conn.info.get("killed"):
            conn.info["killed"] = True
            raw = conn.connection.driver_connection
            with _owner(url) as o:
                if also:
                    also(o)
                o.execute("SELECT pg_terminate_backend(%s)", (raw.info.backend_pid,))
            time.sleep(0.2)
    event.listen(store.engine, "commit", on_commit)
    return lambda: event.remove(store.engine, "commit", on_commit)


def test_a_dropped_connection_is_one_sentence_and_saves_nothing(pg_url, tmp_path, caplog):
    store, aids, ids = make_project(pg_url, tmp_path, n_resp=4)
    try:
        with store.transaction() as s:
            store.coder(s, "A")
        undo = _kill_on(store, "insert", pg_url)
        with caplog.at_level(logging.WARNING, logger="workbench.coding.store"):
            with pytest.raises(ConnectionLostError) as e:
                codings.apply_code(store, "A", aids[0], ids["k0"])
        undo()
        assert _plain(e.value) == "The connection to the server was lost — the change was not saved; try again."
        assert e.value.text("da") == "Forbindelsen til serveren blev afbrudt — ændringen er ikke gemt; prøv igen."
        assert "terminating connection" in caplog.text or "terminat" in caplog.text.lower()  # detail: the log
        with store.session() as s:
            assert s.exec(select(func.count()).select_from(Coding)).scalars().one() == 0
        # the next action reconnects by itself (a server restart looks the same from here)
        assert codings.apply_code(store, "A", aids[0], ids["k0"])
    finally:
        store.close()


def test_a_commit_whose_answer_is_lost_is_checked(pg_url, tmp_path, monkeypatch):
    store, aids, ids = make_project(pg_url, tmp_path, n_resp=4)
    db = make_url(pg_url).database
    try:
        with store.transaction() as s:
            store.coder(s, "A")

        # 1. killed before the server committed: it did not land, and the person is told so
        undo = _kill_on(store, "commit", pg_url)
        with pytest.raises(ConnectionLostError) as e:
            codings.set_flag(store, "A", aids[0], True)
        undo()
        assert not isinstance(e.value, CommitUnknownError)
        with store.session() as s:
            assert s.exec(select(AnswerState)).first() is None

        # 2. committed, then the answer was lost: it landed, so the action succeeded
        real_commit = psycopg.Connection.commit

        def commit_then_break(self):
            real_commit(self)
            if not getattr(self, "_wb_broke", False):
                self._wb_broke = True
                raise psycopg.OperationalError("server closed the connection unexpectedly")
        monkeypatch.setattr(psycopg.Connection, "commit", commit_then_break)
        v = codings.set_flag(store, "A", aids[1], True)
        monkeypatch.setattr(psycopg.Connection, "commit", real_commit)
        assert v == 1
        with store.session() as s:
            assert s.exec(select(AnswerState.flagged).where(AnswerState.answer_id == aids[1])).scalars().one()

        # 3. killed during the commit and the server refuses new connections: unknown, said so
        def lock_out(_o):
            with _owner(pg_url.rsplit("/", 1)[0] + "/test") as other:
                other.execute(f'ALTER DATABASE "{db}" WITH ALLOW_CONNECTIONS false')
        undo = _kill_on(store, "commit", pg_url, also=lock_out)
        try:
            with pytest.raises(CommitUnknownError) as e:
                codings.set_flag(store, "A", aids[2], True)
        finally:
            undo()
            with _owner(pg_url.rsplit("/", 1)[0] + "/test") as o:
                o.execute(f'ALTER DATABASE "{db}" WITH ALLOW_CONNECTIONS true')
        assert "unknown" in _plain(e.value) and "uvist" in e.value.text("da")
    finally:
        store.close()


def test_a_lock_wait_that_runs_out_is_one_sentence(pg_url, tmp_path, monkeypatch):
    store, aids, ids = make_project(pg_url, tmp_path, n_resp=4)
    store.close()
    monkeypatch.setenv("WORKBENCH_LOCK_TIMEOUT_MS", "300")
    store = Store.open(pg_url, actor="A")
    try:
        codings.set_flag(store, "A", aids[0], True)
        with _owner(pg_url) as o:
            o.autocommit = False
            o.execute("SELECT * FROM answerstate FOR UPDATE")  # someone holds the row (a long operation)
            t0 = time.monotonic()
            with pytest.raises(BusyError) as e:
                codings.set_flag(store, "A", aids[0], False)
            waited = time.monotonic() - t0
            o.rollback()
        assert waited < 5 and "waited too long" in _plain(e.value) and "prøv igen" in e.value.text("da")
        assert codings.set_flag(store, "A", aids[0], False) == 2  # free again: it works
    finally:
        store.close()


def test_a_running_sqlite_import_makes_coding_say_busy_quickly(tmp_path):
    from workbench.importer.survey import import_survey

    store, aids, ids = make_project(str(tmp_path / "p.db"), tmp_path, n_resp=4)
    importer = Store.open(tmp_path / "p.db")
    big = write_survey(tmp_path / "big.csv", survey_rows(400, seed=7, year=2021))
    started, release, done = threading.Event(), threading.Event(), {}

    def progress(_done, _total):
        started.set()
        release.wait(60)  # the import is writing, and takes its time
        return True

    def run():
        try:
            done["result"] = import_survey(importer, big, progress=progress)
        except Exception as e:  # pragma: no cover - reported below
            done["error"] = e
    t = threading.Thread(target=run)
    t.start()
    try:
        assert started.wait(60)
        t0 = time.monotonic()
        with pytest.raises(BusyError) as e:
            codings.apply_code(store, "A", aids[0], ids["k0"])
        waited = time.monotonic() - t0
        assert 1 < waited < 5, waited  # a short wait, then the sentence — not 10 s and "database is locked"
        assert "busy" in _plain(e.value) and "optaget" in e.value.text("da")
    finally:
        release.set()
        t.join(120)
    assert "error" not in done and done["result"].respondents == 400
    assert codings.apply_code(store, "A", aids[0], ids["k0"])  # the import is done: coding works
    importer.close()
    store.close()


def test_the_window_shows_the_sentence_in_the_chosen_language():
    from workbench.ui import i18n

    e = ConnectionLostError()
    before = i18n.current_language()
    try:
        i18n._current["lang"] = "da"
        assert i18n.save_error_text(e) == "Forbindelsen til serveren blev afbrudt — ændringen er ikke gemt; prøv igen."
        i18n._current["lang"] = "en"
        assert i18n.save_error_text(e) == str(e)
        wrapped = i18n.save_error_text(ValueError("x"))  # others are wrapped (in whatever language is installed)
        assert wrapped == i18n.trf("The change was not saved: {0}", "x") and wrapped.endswith(": x")
    finally:
        i18n._current["lang"] = before
