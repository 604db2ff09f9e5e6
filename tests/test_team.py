"""Teams on the real PostgreSQL server: database roles and grants, row-level security for
blind rounds, and coders and supervisors working at the same time without lost updates."""
from __future__ import annotations

import random
import threading
import uuid

import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from tests.test_agreement import make_project
from workbench.coding import codings, team
from workbench.coding.assignments import create_round, release_round, visible_codings
from workbench.coding.codings import ConflictError
from workbench.coding.models import AnswerState, AuditEvent, Coder, Coding, Decision
from workbench.coding.reconcile import decide
from workbench.coding.store import Store
from workbench.coding.team import PermissionDenied, ensure_person
from workbench.coding.urls import without_password


def as_user(url: str, user: str) -> str:
    """The same database, logged in as another role (the test server trusts local logins),
    without the first role's password (``URL.set(password=None)`` would keep it)."""
    return make_url(without_password(url)).set(username=user).render_as_string(hide_password=False)


def test_as_user_drops_the_password():
    got = as_user("postgresql+psycopg://owner:owner-pw@127.0.0.1:5432/p?sslmode=disable", "anna")
    assert make_url(got).password is None and "owner-pw" not in got
    assert got == "postgresql+psycopg://anna@127.0.0.1:5432/p?sslmode=disable"


def raw(url: str, user: str):
    return psycopg.connect(as_user(url, user).replace("postgresql+psycopg://", "postgresql://"))


@pytest.fixture
def team_project(pg_url, tmp_path):
    """A PostgreSQL project set up for a team with unique (cluster-wide) role names; the
    roles are dropped again afterwards."""
    tag = uuid.uuid4().hex[:8]
    prefix = f"wbt{tag}"
    users = {"admin": f"adm_{tag}", "sup": f"sup_{tag}", "anna": f"anna_{tag}", "bo": f"bo_{tag}"}
    store, aids, ids = make_project(pg_url, tmp_path, n_resp=4)
    store.close()
    try:
        r = team.setup(pg_url, users["admin"], "hemmeligt-1", prefix=prefix)
        assert set(r["groups"]) == {f"{prefix}_coder", f"{prefix}_supervisor", f"{prefix}_admin"}
        team.add_user(pg_url, users["sup"], "supervisor", "pw-sup")
        team.add_user(pg_url, users["anna"], "coder", "pw-anna")
        team.add_user(pg_url, users["bo"], "coder", None)
        yield pg_url, users, aids, ids, prefix
    finally:
        team.drop_roles(pg_url, list(users.values()) + list(team.group_roles(prefix).values()))


def test_database_roles_enforce_permissions(team_project):
    url, u, aids, ids, prefix = team_project
    # the app's check: a coder cannot decide
    anna = Store.open(as_user(url, u["anna"]))
    try:
        cid = codings.apply_code(anna, u["anna"], aids[0], ids["k0"])  # coders can code
        assert cid
        with pytest.raises(PermissionDenied):
            decide(anna, u["anna"], aids[0], ["k0"], basis="manual")
    finally:
        anna.close()
    # the database's check: even bypassing the app, a coder's login cannot write decisions
    with raw(url, u["anna"]) as conn:
        me = conn.execute("SELECT id FROM coder WHERE name = %s", (u["anna"],)).fetchone()[0]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO decision (answer_id, decided_by, basis, codes, note, decided_at, version, inputs)"
                         " VALUES (%s, %s, 'manual', '[]', '', now(), 1, '{}')", (aids[0], me))
        conn.rollback()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM auditevent")
        conn.rollback()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE coder SET role = 'admin' WHERE id = %s", (me,))
        conn.rollback()
    # a supervisor's login can decide, through the app
    sup = Store.open(as_user(url, u["sup"]))
    try:
        d = decide(sup, u["sup"], aids[0], basis=f"coder:{u['anna']}")
        assert d.codes == ["k0"] and d.version == 1
    finally:
        sup.close()
    # passwords never reach the project: not in settings, coders or the audit log
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        dump = " ".join(str(r) for t in ("project", "coder", "auditevent")
                        for r in conn.execute(f"SELECT * FROM {t}").fetchall())
        assert "hemmeligt-1" not in dump and "pw-anna" not in dump
        roles = dict(conn.execute("SELECT name, role FROM coder").fetchall())
        stored = conn.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", (u["anna"],)).fetchone()[0]
    assert roles[u["anna"]] == "coder" and roles[u["sup"]] == "supervisor" and roles[u["admin"]] == "admin"
    assert stored.startswith("SCRAM-SHA-256$")  # hashed on the client, never sent in clear


def test_row_level_security_hides_other_coders_in_blind_rounds(team_project):
    url, u, aids, ids, prefix = team_project
    sup = Store.open(as_user(url, u["sup"]))
    stores = {}
    try:
        create_round(sup, u["sup"], [u["anna"], u["bo"]], name="blind-1")
        for who in ("anna", "bo"):
            stores[who] = Store.open(as_user(url, u[who]))
        ca = codings.apply_code(stores["anna"], u["anna"], aids[0], ids["k0"])
        cb = codings.apply_code(stores["bo"], u["bo"], aids[0], ids["k1"])
        with raw(url, u["anna"]) as conn:
            assert [r[0] for r in conn.execute("SELECT id FROM coding")] == [ca]
            # nor through the audit log's change feed
            seen = conn.execute("SELECT payload FROM auditevent WHERE action = 'coding.apply'").fetchall()
            assert [p[0]["coder"] for p in seen] == [u["anna"]]
            # and a coder cannot write codings in another coder's name
            bo_id = conn.execute("SELECT id FROM coder WHERE name = %s", (u["bo"],)).fetchone()[0]
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("INSERT INTO coding (uid, answer_id, coder_id, code_id, source, created_at)"
                             " VALUES ('x', %s, %s, %s, 'manual', now())", (aids[1], bo_id, ids["k0"]))
            conn.rollback()
            assert conn.execute("DELETE FROM coding WHERE id = %s", (cb,)).rowcount == 0
            conn.commit()
        assert sorted(c.id for c in visible_codings(sup, u["sup"], [aids[0]])[aids[0]]) == sorted([ca, cb])
        release_round(sup, u["sup"], "blind-1")
        with raw(url, u["anna"]) as conn:
            assert sorted(r[0] for r in conn.execute("SELECT id FROM coding")) == sorted([ca, cb])
    finally:
        sup.close()
        for s in stores.values():
            s.close()


def test_concurrent_coders_and_supervisors_lose_no_update(pg_url, tmp_path):
    store, aids, ids = make_project(pg_url, tmp_path, n_resp=10)
    for name, role in (("sup1", "supervisor"), ("sup2", "supervisor"), ("A", "coder"), ("B", "coder")):
        ensure_person(store, name, role)
    # answers both coders coded before the session starts, for the supervisors to decide
    pre = aids[:12]
    for a in pre:
        codings.apply_code(store, "A", a, ids["k0"])
        codings.apply_code(store, "B", a, ids["k1"])
    work = aids[12:]
    results: dict[str, list] = {"A": [], "B": [], "sup1": [], "errors": []}
    # one Store (own connection pool) per person, opened here: Alembic's upgrade check is not thread-safe
    opened = {n: Store.open(pg_url, actor=n) for n in ("A", "B", "sup1", "sup2")}

    def coder(name, seed):
        st = opened[name]
        rng = random.Random(seed)
        try:
            for _ in range(60):
                a = rng.choice(work)
                k = rng.choice(list(ids))
                results[name].append(codings.apply_code(st, name, a, ids[k]))
                if rng.random() < 0.3:
                    codings.set_coded(st, name, a)
        except Exception as e:  # pragma: no cover - reported below
            results["errors"].append(repr(e))

    def supervisor():
        st = opened["sup1"]
        try:
            for i, a in enumerate(pre[:6]):
                results["sup1"].append(decide(st, "sup1", a, basis="union" if i % 2 else "coder:A").answer_id)
        except Exception as e:  # pragma: no cover
            results["errors"].append(repr(e))

    threads = [threading.Thread(target=coder, args=("A", 1)), threading.Thread(target=coder, args=("B", 2)),
               threading.Thread(target=supervisor)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert results["errors"] == []
    with store.session() as s:
        present = set(s.exec(select(Coding.id)).scalars())
        assert set(results["A"]) | set(results["B"]) <= present  # every committed coding is there
        n_apply = s.exec(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "coding.apply")).one()[0]
        assert n_apply == len(set(results["A"]) | set(results["B"])) + 2 * len(pre)
        assert len(s.exec(select(Decision.id)).all()) == 6
        states = s.exec(select(AnswerState.coder_id, AnswerState.version)).all()
        assert all(v >= 1 for _c, v in states)

    # two supervisors deciding the same answers at the same moment: exactly one wins each time
    def race(answer, expected):
        barrier = threading.Barrier(2)
        outcome = {}

        def go(name, codes):
            try:
                barrier.wait(10)
                outcome[name] = decide(opened[name], name, answer, codes, basis="manual", expected_version=expected)
            except ConflictError as e:
                outcome[name] = e
        ts = [threading.Thread(target=go, args=("sup1", ["k2"])), threading.Thread(target=go, args=("sup2", ["k3"]))]
        for t in ts:
            t.start()
        for t in ts:
            t.join(60)
        wins = {n: o for n, o in outcome.items() if not isinstance(o, Exception)}
        losses = [o for o in outcome.values() if isinstance(o, ConflictError)]
        assert len(wins) == 1 and len(losses) == 1, outcome
        (winner, info), = wins.items()
        with store.session() as s:
            d = s.exec(select(Decision).where(Decision.answer_id == answer)).scalars().one()
            final = sorted(s.exec(select(Coding.code_id).join(Coder, Coder.id == Coding.coder_id)
                                  .where(Coder.name == "final", Coding.answer_id == answer)).scalars())
        assert d.codes == info.codes and d.version == expected + 1
        assert final == [ids[info.codes[0]]]
        return winner

    for a in pre[6:10]:
        race(a, 0)          # nobody has decided yet: both insert
    for a in pre[:4]:
        race(a, 1)          # both saw version 1: both update

    # the same coder in two windows, marking an answer with the version both read
    a = work[0]
    v = codings.set_coded(store, "A", a)
    outcome = []
    barrier = threading.Barrier(2)

    second = Store.open(pg_url, actor="A")

    def mark(st, flag):
        try:
            barrier.wait(10)
            outcome.append(codings.set_flag(st, "A", a, flag, expected_version=v))
        except ConflictError as e:
            outcome.append(e)
    ts = [threading.Thread(target=mark, args=(st, f)) for st, f in ((opened["A"], True), (second, False))]
    for t in ts:
        t.start()
    for t in ts:
        t.join(60)
    assert sorted(type(o).__name__ for o in outcome) == ["ConflictError", "int"], outcome
    for st in [*opened.values(), second, store]:
        st.close()
