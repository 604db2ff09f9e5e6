"""A team server as a security reviewer tests it, on the real PostgreSQL server, with plain
psycopg connections (any client, not the app): no workbench login can reach beyond its
project or hold CREATEROLE; a coder can read or write nothing of another coder's unreleased
work through any table or column the catalogue lists; supervisors write only as themselves."""
from __future__ import annotations

import json
import uuid

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url
from sqlmodel import select

from tests.test_access import _answer_of_question, _open_as, _owner
from tests.test_team import as_user, raw, team_project  # noqa: F401  (team_project is a fixture)
from workbench.coding import codings, team
from workbench.coding.assignments import create_round, release_round
from workbench.coding.models import Answer, Coder, Coding
from workbench.coding.reconcile import decide
from workbench.coding.team import PermissionDenied
from workbench.nlp import suggest

PEOPLE = ("admin", "sup", "anna")


def _refused(conn, stmt, args=None):
    """The statement fails for lack of privilege (an RLS refusal is the same SQLSTATE)."""
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(stmt, args)
    conn.rollback()


def test_no_workbench_login_can_escalate(team_project):  # noqa: F811
    url, u, aids, ids, prefix = team_project
    groups = team.group_roles(prefix)
    with _owner(url) as conn:  # nobody the workbench made holds a server-wide right
        rows = conn.execute(
            "SELECT rolname, rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls FROM pg_roles "
            "WHERE rolname = ANY(%s)", (list(u.values()) + list(groups.values()),)).fetchall()
        assert len(rows) == 7 and not any(any(r[1:]) for r in rows), rows
        admin_opts = conn.execute(
            "SELECT u.rolname, r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid "
            "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = ANY(%s) AND m.admin_option",
            (list(u.values()),)).fetchall()
        assert admin_opts == []
        member_of = dict(conn.execute(
            "SELECT u.rolname, array_agg(r.rolname) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid "
            "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = ANY(%s) GROUP BY u.rolname",
            (list(u.values()),)).fetchall())
    assert member_of == {u["admin"]: [groups["admin"]], u["sup"]: [groups["supervisor"]],
                         u["anna"]: [groups["coder"]], u["bo"]: [groups["coder"]]}

    for who in PEOPLE:
        other = u["bo"] if who != "anna" else u["sup"]
        with raw(url, u[who]) as conn:
            me = u[who]
            _refused(conn, sql.SQL("GRANT pg_execute_server_program TO {}").format(sql.Identifier(me)))
            _refused(conn, sql.SQL("GRANT pg_read_server_files TO {}").format(sql.Identifier(me)))
            _refused(conn, sql.SQL("ALTER ROLE {} PASSWORD 'taken-over'").format(sql.Identifier(other)))
            _refused(conn, sql.SQL("ALTER ROLE {} CREATEROLE").format(sql.Identifier(me)))
            _refused(conn, "ALTER ROLE postgres PASSWORD 'taken-over'")
            _refused(conn, sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(f"evil_{uuid.uuid4().hex[:6]}")))
            for role in [other, "postgres"] + [g for r, g in groups.items() if g != groups[_group(who)]]:
                _refused(conn, sql.SQL("SET ROLE {}").format(sql.Identifier(role)))
            _refused(conn, sql.SQL("GRANT {} TO {}").format(sql.Identifier(groups["admin"]), sql.Identifier(other)))
            with pytest.raises(psycopg.errors.InsufficientPrivilege):  # no server files, no programs
                conn.execute("COPY (SELECT 1) TO PROGRAM 'true'")
            conn.rollback()
            _refused(conn, "CREATE TABLE public.trojan (x int)")


def _group(who: str) -> str:
    return {"admin": "admin", "sup": "supervisor", "anna": "coder"}[who]


def test_admins_add_people_only_through_the_narrow_function(team_project):  # noqa: F811
    url, u, aids, ids, prefix = team_project
    tag = uuid.uuid4().hex[:6]
    new, outsider = f"cecilie_{tag}", f"outsider_{tag}"
    admin_url = as_user(url, u["admin"])
    with _owner(url) as conn:  # a login of the server that is nobody in this project
        conn.execute(f'CREATE ROLE "{outsider}" LOGIN')
        conn.commit()
    try:
        team.add_user(admin_url, new, "coder", "pw-c")  # as the admin, without CREATEROLE
        with _owner(url) as conn:
            pw, createrole = conn.execute("SELECT rolpassword, rolcreaterole FROM pg_authid WHERE rolname = %s",
                                          (new,)).fetchone()
            assert pw.startswith("SCRAM-SHA-256$") and not createrole
            role = conn.execute("SELECT role FROM coder WHERE name = %s", (new,)).fetchone()[0]
            ev = conn.execute("SELECT actor, payload::text FROM auditevent WHERE action = 'team.add_user' "
                              "ORDER BY id DESC LIMIT 1").fetchone()
        assert role == "coder" and ev[0] == u["admin"] and json.loads(ev[1]) == {"name": new, "role": "coder"}
        team.add_user(admin_url, new, "supervisor", "pw-c2")  # a project person: role and password may change
        # not the server's roles, nor another project's, nor the database owner
        for name in (outsider, make_url(url).username):
            with pytest.raises(PermissionDenied):
                team.add_user(admin_url, name, "coder", "pw")
        with raw(url, u["admin"]) as conn:
            fn = f"{team.ADD_USER_FUNCTION}(%s, %s, %s)"
            _refused(conn, f"SELECT {fn}", (outsider, "admin", "SCRAM-SHA-256$4096:x"))
            with pytest.raises(psycopg.errors.InvalidParameterValue):  # a clear text password never arrives
                conn.execute(f"SELECT {fn}", (new, "coder", "plain-text"))
            conn.rollback()
            for bad in ("pg_monitor", team.group_roles(prefix)["admin"], "final"):
                with pytest.raises(psycopg.errors.InvalidParameterValue):
                    conn.execute(f"SELECT {fn}", (bad, "coder", None))
                conn.rollback()
        for who in ("sup", "anna"):  # only admins may call it
            with pytest.raises(PermissionDenied):
                team.add_user(as_user(url, u[who]), f"x_{tag}", "coder", None)
    finally:
        team.drop_roles(url, [new, outsider])


def test_setup_takes_away_what_older_versions_gave_and_says_what_it_could_not(team_project):  # noqa: F811
    url, u, aids, ids, prefix = team_project
    groups = team.group_roles(prefix)
    with _owner(url) as conn:  # as the workbench before this version left an admin
        conn.execute(f'ALTER ROLE "{u["admin"]}" CREATEROLE')
        conn.execute(f'GRANT "{groups["coder"]}", "{groups["admin"]}" TO "{u["admin"]}" WITH ADMIN OPTION')
        conn.commit()
    r = team.setup(url, u["admin"], None, prefix=prefix, rls=False)
    assert any("row-level security" in w for w in r["warnings"])
    team.setup(url, u["admin"], None, prefix=prefix)
    with _owner(url) as conn:
        assert not conn.execute("SELECT rolcreaterole FROM pg_roles WHERE rolname = %s", (u["admin"],)).fetchone()[0]
        assert conn.execute("SELECT count(*) FROM pg_auth_members m JOIN pg_roles u ON u.oid = m.member "
                            "WHERE u.rolname = %s AND m.admin_option", (u["admin"],)).fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM pg_auth_members m JOIN pg_roles u ON u.oid = m.member "
                            "WHERE u.rolname = %s", (u["admin"],)).fetchone()[0] == 1  # admin only
    # a workbench login may not run setup; a table nobody classified stops it
    from workbench.errors import InputError

    with pytest.raises(InputError, match="workbench login"):
        team.setup(as_user(url, u["admin"]), u["admin"], None, prefix=prefix)
    with _owner(url) as conn:
        conn.execute("CREATE TABLE later_feature (id serial primary key, coder_id int, secret text)")
        conn.commit()
    with pytest.raises(InputError, match="later_feature"):
        team.setup(url, u["admin"], None, prefix=prefix)
    with raw(url, u["anna"]) as conn:  # and until it is classified, nobody in the team reads it
        _refused(conn, "SELECT * FROM later_feature")


# -- nothing of another coder's unreleased work, through any table or column ---------------

def _catalogue(conn) -> dict[str, list[str]]:
    """Every table of the project's schema and its columns, from the catalogue."""
    out: dict[str, list[str]] = {}
    for t, c in conn.execute("SELECT table_name, column_name FROM information_schema.columns "
                             "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"):
        out.setdefault(t, []).append(c)
    return out


def _snapshot(conn, tables: dict[str, list[str]]) -> dict[str, set]:
    """Every row of every table, all columns, as this login reads them (None: not readable)."""
    out: dict[str, set] = {}
    for t, cols in tables.items():
        q = sql.SQL("SELECT {} FROM {}").format(sql.SQL(", ").join(sql.Identifier(c) for c in cols),
                                                sql.Identifier(t))
        try:
            rows = conn.execute(q).fetchall()
        except psycopg.errors.InsufficientPrivilege:
            conn.rollback()
            out[t] = None
            continue
        out[t] = {tuple(json.dumps(v, sort_keys=True, default=str) for v in r) for r in rows}
    conn.rollback()
    return out


def _pk(conn, table: str) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
        "WHERE i.indrelid = %s::regclass AND i.indisprimary", (table,))]


def test_a_coder_can_neither_read_nor_write_anything_of_anothers_unreleased_work(team_project):  # noqa: F811
    """Enumerates every table and column from the catalogue (so a table added later is in
    the test by itself) and compares what Anna reads with a plain connection before and after
    Bo's work in a blind, unreleased round and the supervisor's decision on it: identical but
    for the ``final`` person. Then tries to change, delete and copy each of Bo's new rows."""
    url, u, aids, ids, prefix = team_project
    sup, bo = _open_as(url, u["sup"]), _open_as(url, u["bo"])
    try:
        q1 = _answer_of_question(sup, "q1")
        create_round(sup, u["sup"], [u["anna"], u["bo"]], name="blind-x", question="q1")
        with _owner(url) as conn:
            tables = _catalogue(conn)
            before_owner = _snapshot(conn, tables)
        assert set(tables) <= set(team.SHARED_TABLES + team.PERSONAL_TABLES)
        with raw(url, u["anna"]) as conn:
            assert _catalogue(conn) == tables  # no column is hidden from her catalogue: all are compared
            before = _snapshot(conn, tables)

        # Bo's unreleased work: every kind of row a coder writes
        with sup.session() as s:
            text = s.get(Answer, q1[0]).text
        codings.apply_code(bo, u["bo"], q1[0], ids["k1"])
        codings.apply_code(bo, u["bo"], q1[0], ids["k2"], 0, min(4, len(text)))
        codings.save_memo(bo, u["bo"], "answer", q1[0], "BO-SECRET-MEMO")
        codings.set_flag(bo, u["bo"], q1[0], True)
        suggest.reject(bo, u["bo"], q1[0], "k3")
        suggest.accept(bo, u["bo"], q1[1], "k0")
        with _owner(url) as conn:
            conn.execute("ANALYZE")
            conn.commit()
        with raw(url, u["anna"]) as conn:
            assert _snapshot(conn, tables) == before  # not one row, not one column changed for her
            # nor through the planner's statistics (most common values, histograms)
            stats = {r[0] for r in conn.execute("SELECT DISTINCT tablename FROM pg_stats "
                                                "WHERE schemaname = current_schema()")}
            assert stats and not stats & set(team.PERSONAL_TABLES), stats

        # the supervisor reconciles before release (the app allows it): decision, final coding, a quote
        decide(sup, u["sup"], q1[0], basis=f"coder:{u['bo']}")
        with sup.session() as s:
            fid = s.exec(select(Coding.id).join(Coder, Coder.id == Coding.coder_id)
                         .where(Coding.answer_id == q1[0], Coder.name == "final")).first()
        codings.star_quote(sup, u["sup"], fid)
        with raw(url, u["anna"]) as conn:
            after = _snapshot(conn, tables)
        changed = {t for t in tables if after[t] != before[t]}
        assert changed == {"coder"}, changed
        (final_row,) = after["coder"] - before["coder"]
        assert json.loads(final_row[tables["coder"].index("name")]) == "final"
        dump = json.dumps({t: sorted(v) for t, v in after.items() if v is not None})

        # Bo's new rows, as the owner sees them: none of them may she change, delete or copy
        with _owner(url) as conn:
            after_owner = _snapshot(conn, tables)
            pks = {t: _pk(conn, t) for t in tables}
        new_rows = {t: after_owner[t] - before_owner[t] for t in tables}
        assert new_rows["coding"] and new_rows["memo"] and new_rows["suggestionfeedback"] and new_rows["decision"]
        assert "BO-SECRET-MEMO" not in dump
        assert not any(u["bo"] in row for row in map(" ".join, after["auditevent"] or []))
        tried = 0
        with raw(url, u["anna"]) as conn:
            for t, rows in new_rows.items():
                if t in ("auditevent", "coder") or not rows:
                    continue  # the log is append-only for everyone; the final person is shared
                cols = tables[t]
                for row in rows:
                    vals = {c: json.loads(v) for c, v in zip(cols, row)}
                    key = sql.SQL(" AND ").join(sql.SQL("{} = {}").format(sql.Identifier(c), sql.Literal(vals[c]))
                                                for c in pks[t])
                    for stmt in (sql.SQL("UPDATE {} SET {} = {} WHERE {}").format(
                                     sql.Identifier(t), sql.Identifier(pks[t][0]), sql.Identifier(pks[t][0]), key),
                                 sql.SQL("DELETE FROM {} WHERE {}").format(sql.Identifier(t), key)):
                        try:
                            n = conn.execute(stmt).rowcount
                        except psycopg.errors.InsufficientPrivilege:
                            n = 0
                        conn.rollback()
                        assert n == 0, (t, stmt.as_string(conn))
                    copy = {c: v for c, v in vals.items() if c not in pks[t]}
                    if "uid" in copy:
                        copy["uid"] = str(uuid.uuid4())
                    if "answer_id" in copy:
                        copy["answer_id"] = q1[2]  # a fresh answer: no unique key stands in the way
                    ins = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
                        sql.Identifier(t), sql.SQL(", ").join(sql.Identifier(c) for c in copy),
                        sql.SQL(", ").join(sql.Literal(json.dumps(v) if isinstance(v, (dict, list)) else v)
                                           for v in copy.values()))
                    _refused(conn, ins)
                    tried += 1
        assert tried >= 6
        # released: now she reads Bo's work and the decision
        release_round(sup, u["sup"], "blind-x")
        with raw(url, u["anna"]) as conn:
            memo = conn.execute("SELECT text FROM memo WHERE text = 'BO-SECRET-MEMO'").fetchall()
            n_dec = conn.execute("SELECT count(*) FROM decision").fetchone()[0]
        assert memo and n_dec == 1
    finally:
        sup.close()
        bo.close()


def test_no_forgery_in_the_log_the_cache_or_as_another_person(team_project):  # noqa: F811
    url, u, aids, ids, prefix = team_project
    groups = team.group_roles(prefix)
    with _owner(url) as conn:
        who = dict(conn.execute("SELECT name, id FROM coder").fetchall())
    event = ("INSERT INTO auditevent (at, actor, action, entity, entity_id, payload) "
             "VALUES (now(), %s, 'coding.apply', 'coding', '1', %s)")
    with raw(url, u["anna"]) as conn:
        # an event in her own name naming another coder would show among Bo's own events
        _refused(conn, event, (u["anna"], json.dumps({"coder": u["bo"]})))
        _refused(conn, event, (u["anna"], json.dumps({"coder_id": who[u["bo"]]})))
        conn.execute(event, (u["anna"], json.dumps({"coder": u["anna"], "coder_id": who[u["anna"]]})))
        conn.commit()
        # she cannot skew everyone's suggestions through the shared NLP cache
        _refused(conn, "INSERT INTO nlpcache (pipeline, text_hash, data) VALUES ('p', 'h', '{}')")
        _refused(conn, "UPDATE nlpcache SET data = '{}'")
        # SET ROLE to her own group (PostgreSQL 15 allows it) gives her nothing more
        conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(groups["coder"])))
        _refused(conn, event, (u["bo"], "{}"))
        _refused(conn, "INSERT INTO coding (uid, answer_id, coder_id, code_id, source, created_at) "
                       "VALUES ('forged', %s, %s, %s, 'manual', now())", (aids[0], who[u["bo"]], ids["k0"]))
    with raw(url, u["sup"]) as conn:
        # supervisors code only as themselves, and rename nobody
        _refused(conn, "INSERT INTO coding (uid, answer_id, coder_id, code_id, source, created_at) "
                       "VALUES ('forged', %s, %s, %s, 'manual', now())", (aids[0], who[u["bo"]], ids["k0"]))
        _refused(conn, "UPDATE coder SET name = 'someone' WHERE name = %s", (u["anna"],))
        _refused(conn, "INSERT INTO coder (uid, name, role, created_at) VALUES ('x', 'ghost', 'coder', now())")
        _refused(conn, "INSERT INTO decision (answer_id, decided_by, basis, codes, note, decided_at, version, inputs)"
                       " VALUES (%s, %s, 'manual', '[]', '', now(), 1, '{}')", (aids[0], who[u["admin"]]))
        _refused(conn, event, (u["anna"], "{}"))
        _refused(conn, event, (u["sup"], json.dumps({"coder": u["anna"]})))  # shown among Anna's own events
        conn.execute(event, (u["sup"], json.dumps({"coder": "final"})))  # reconciling: the final coder
        conn.execute("INSERT INTO nlpcache (pipeline, text_hash, data) VALUES ('p', 'h', '{}')")  # staff may
        conn.commit()
    anna = _open_as(url, u["anna"])
    try:
        cid = codings.apply_code(anna, u["anna"], aids[0], ids["k0"])
    finally:
        anna.close()
    # through the app, the server's refusal is one sentence, not SQL
    from workbench.errors import PermissionRefused

    sup = _open_as(url, u["sup"])
    try:
        with pytest.raises(PermissionRefused) as e:
            codings.apply_code(sup, u["anna"], aids[1], ids["k1"])  # in Anna's name
        assert "refused" in str(e.value) and "SQL" not in str(e.value) and "afviste" in e.value.text("da")
    finally:
        sup.close()
    with raw(url, u["sup"]) as conn:
        assert conn.execute("UPDATE coding SET code_id = %s WHERE id = %s", (ids["k1"], cid)).rowcount == 0
        assert conn.execute("DELETE FROM coding WHERE id = %s", (cid,)).rowcount == 0
        conn.commit()
    # a second supervisor may re-decide the first one's decision: in her own name
    sup2 = f"sup2_{uuid.uuid4().hex[:6]}"
    team.add_user(url, sup2, "supervisor")
    try:
        first, second = _open_as(url, u["sup"]), _open_as(url, sup2)
        try:
            decide(first, u["sup"], aids[2], ["k0"], basis="manual")
            d = decide(second, sup2, aids[2], ["k1"], basis="manual")
            assert d.version == 2 and d.codes == ["k1"]
        finally:
            first.close()
            second.close()
        with raw(url, sup2) as conn:
            _refused(conn, "UPDATE decision SET decided_by = %s WHERE answer_id = %s", (who[u["sup"]], aids[2]))
    finally:
        team.drop_roles(url, [sup2])
    with raw(url, u["admin"]) as conn:  # nobody changes or empties the log, nor forges in it
        _refused(conn, "UPDATE auditevent SET actor = 'x'")
        _refused(conn, "TRUNCATE auditevent")
        _refused(conn, event, (u["anna"], "{}"))


def test_a_non_superuser_owner_sets_up_the_team_as_the_docs_say(pg_url, tmp_path):
    """The recommended deployment: the database belongs to a role with CREATEROLE that is no
    superuser; it runs init, import and setup, and its admin adds people without CREATEROLE."""
    from tests.test_agreement import make_project

    tag = uuid.uuid4().hex[:6]
    owner, prefix = f"owner_{tag}", f"wbo{tag}"
    users = {"admin": f"oadm_{tag}", "anna": f"oanna_{tag}"}
    db = make_url(pg_url).database
    with _owner(pg_url) as conn:
        conn.execute(f'CREATE ROLE "{owner}" LOGIN CREATEROLE')
        conn.execute(f'ALTER DATABASE "{db}" OWNER TO "{owner}"')
        conn.execute(f'ALTER SCHEMA public OWNER TO "{owner}"')
        conn.commit()
    url = as_user(pg_url, owner)
    try:
        make_project(url, tmp_path, n_resp=2)[0].close()
        r = team.setup(url, users["admin"], "pw-a", prefix=prefix)
        assert not any("owner" in w for w in r["warnings"]), r["warnings"]
        team.add_user(as_user(url, users["admin"]), users["anna"], "coder", "pw-b")
        with _owner(pg_url) as conn:
            fn_owner = conn.execute("SELECT pg_get_userbyid(proowner) FROM pg_proc WHERE proname = %s",
                                    (team.ADD_USER_FUNCTION,)).fetchone()[0]
            public_create = conn.execute("SELECT has_schema_privilege('public', 'public', 'CREATE')").fetchone()[0]
            public_connect = conn.execute("SELECT has_database_privilege('public', %s, 'CONNECT')", (db,)).fetchone()[0]
        assert fn_owner == owner and not public_create and not public_connect
        with raw(url, users["admin"]) as conn:
            _refused(conn, sql.SQL("CREATE ROLE {}").format(sql.Identifier(f"x_{tag}")))
            _refused(conn, sql.SQL("ALTER ROLE {} PASSWORD 'x'").format(sql.Identifier(owner)))
        with raw(url, users["anna"]) as conn:
            assert conn.execute("SELECT count(*) FROM answer").fetchone()[0] > 0
    finally:
        team.drop_roles(pg_url, list(users.values()) + list(team.group_roles(prefix).values()))
        with _owner(pg_url) as conn:
            conn.execute(f'ALTER DATABASE "{db}" OWNER TO postgres')
            conn.execute('ALTER SCHEMA public OWNER TO pg_database_owner')
            conn.execute(f'REASSIGN OWNED BY "{owner}" TO postgres')
            conn.execute(f'DROP OWNED BY "{owner}"')
            conn.commit()
            conn.execute(f'DROP ROLE "{owner}"')
            conn.commit()
