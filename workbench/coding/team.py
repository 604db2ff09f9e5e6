"""Team projects on PostgreSQL: database roles, users, and the app-side role checks.

Roles are enforced twice, because a coder's desktop app is not a security boundary:
the functions here and in ``reconcile``/``assignments`` check the acting person's role,
and the server refuses what the person's group role was not granted, whatever client
they use (the threat model is in docs/team.md). Row-level security (``_row_policies``) is on
every table that holds one person's work or reveals it (``PERSONAL_TABLES``; every other
table is in ``SHARED_TABLES``, and setup refuses a table in neither): coders read other
coders' codings, answer states, memos and the decisions on answers of a blind, unreleased
round not at all, and write only their own rows; supervisors write only as themselves
(and as ``final``, reconciling). Coders never read the audit log beyond their own events;
live refresh gets what it needs from a narrow change feed (``_change_feed``). Every event a
person writes names their login as the actor (``Store`` makes it so, and the server refuses
an event in someone else's name). No workbench login holds CREATEROLE: admins add people
through the ``workbench_add_user`` function (``_add_user_function``).

Group roles are ``<prefix>_coder``, ``<prefix>_supervisor``, ``<prefix>_admin`` (prefix
``wb`` unless told otherwise; roles are cluster-wide, so tests use their own prefix). Each
person gets a LOGIN role with the same name as their ``Coder`` row, so the policies can
match the login (``session_user``) to the coder. Passwords are sent to the server only as a SCRAM hash
made by libpq on this machine; they are never written to the project or the audit log, and
a URL with a password is shown or remembered only without it (``without_password``).
"""
from __future__ import annotations

import re
from typing import Optional

from sqlmodel import Session, select

from workbench.coding.models import Coder, Project
from workbench.coding.urls import hide_password, without_password  # noqa: F401  (here for older imports)
from workbench.errors import InputError, WorkbenchError

ROLES = ("coder", "supervisor", "admin")
STAFF = ("supervisor", "admin")
NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]{0,62}$")

CODER_WRITE = ("coding", "answerstate", "memo", "suggestionfeedback")
SUPERVISOR_WRITE = CODER_WRITE + ("decision", "round", "assignment", "quotestar", "piifinding", "code", "codebook")


class PermissionDenied(WorkbenchError):
    """The acting person's role does not allow this action."""


def require_role(s: Session, name: str, roles=STAFF, action: str = "do this") -> Coder:
    """The coder row of ``name``; PermissionDenied unless their role is one of ``roles``."""
    c = s.exec(select(Coder).where(Coder.name == name)).first()
    if c is None:
        raise PermissionDenied(f"{name!r} is not a person in this project, so cannot {action}")
    if c.role not in roles:
        raise PermissionDenied(f"{name} is a {c.role}; only a {' or '.join(roles)} can {action}")
    return c


def ensure_person(store, name: str, role: str = "supervisor") -> Coder:
    """The coder row of ``name``, created with ``role`` if missing (solo SQLite projects,
    where the one researcher is also the supervisor)."""
    with store.transaction() as s:
        return store.coder(s, name, role=role)


# -- PostgreSQL ---------------------------------------------------------------------------

def _dsn(url: str) -> str:
    from workbench.coding.store import resolve_url

    u = resolve_url(url)
    if not u.startswith("postgresql"):
        raise InputError("team projects need a PostgreSQL URL (postgresql+psycopg://user@host/db)", file=url)
    return "postgresql://" + u.split("://", 1)[1]


def _check_name(name: str) -> None:
    if not NAME_RE.match(name or ""):
        raise InputError(f"user name {name!r}: use letters, digits, _ . - (at most 63, starting with a letter)")


def group_roles(prefix: str = "wb") -> dict[str, str]:
    return {r: f"{prefix}_{r}" for r in ROLES}


def _prefix(store) -> str:
    return (store.settings().get("team") or {}).get("role_prefix", "wb")


def _role_exists(cur, name: str) -> bool:
    cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,))
    return cur.fetchone() is not None


# Functions of the change feed, in the project's schema (a database may hold one project per schema).
FEED_FUNCTION = "workbench_changes"
LAST_EVENT_FUNCTION = "workbench_last_event_id"


def _own_event(who: str, e: str = "") -> str:
    """SQL: the audit event (alias ``e``) was performed by ``who`` — its actor, or the coder
    its payload names (by name or id). The only events a coder may read."""
    return (f"({e}actor = {who} OR ({e}payload->>'coder') = {who} "
            f"OR ({e}payload->>'coder_id') IN (SELECT c.id::text FROM coder c WHERE c.name = {who}))")


def _change_feed(prefix: str, schema: str) -> list:
    """The change feed live refresh reads instead of the audit log (``workbench.coding.changes``).

    Two SECURITY DEFINER functions, owned by the role that runs setup (the tables' owner, so
    they read the whole log): ``workbench_last_event_id()`` and ``workbench_changes(after,
    upto, exclude_actor, max_rows)``, which gives only (id, action, answer id) — no payload, no
    names, no texts. For a coder it leaves out other people's events on answers of a blind,
    unreleased round, as the coding policy hides their codings. Inside the functions
    ``session_user`` is the person logged in (``current_user`` is the owner); ``search_path``
    is pinned so a caller cannot slip in tables of their own."""
    from psycopg import sql

    S = sql.SQL
    g = group_roles(prefix)
    sch = sql.Identifier(schema)
    feed = sql.Identifier(schema, FEED_FUNCTION)
    last = sql.Identifier(schema, LAST_EVENT_FUNCTION)
    everyone = S(", ").join(sql.Identifier(n) for n in g.values())
    # staff see every event; so does the owner, who is in no group (and reads the table anyway)
    sees_all = S("pg_has_role(session_user, {}, 'MEMBER') OR pg_has_role(session_user, {}, 'MEMBER') "
                 "OR NOT pg_has_role(session_user, {}, 'MEMBER')").format(
        sql.Literal(g["supervisor"]), sql.Literal(g["admin"]), sql.Literal(g["coder"]))
    return [
        S("CREATE OR REPLACE FUNCTION {}() RETURNS bigint LANGUAGE sql STABLE SECURITY DEFINER "
          "SET search_path = {}, pg_temp AS $feed$ SELECT coalesce(max(id), 0)::bigint FROM auditevent $feed$"
          ).format(last, sch),
        S("""CREATE OR REPLACE FUNCTION {feed}(after_id bigint, upto_id bigint, exclude_actor text, max_rows integer)
RETURNS TABLE (id bigint, action text, answer_id bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {sch}, pg_temp AS $feed$
  WITH ev AS (  -- the answer an event is about, as changes._answer_of finds it
    SELECT e.id, e.action, e.actor, e.payload,
           CASE WHEN e.entity = 'answer' AND e.entity_id IS NOT NULL THEN e.entity_id
                WHEN e.payload->>'answer_id' IS NOT NULL THEN e.payload->>'answer_id'
                WHEN e.payload->>'target_type' = 'answer' THEN e.payload->>'target_id' END AS ref
    FROM auditevent e
    WHERE e.id > after_id AND e.id <= upto_id AND (exclude_actor IS NULL OR e.actor <> exclude_actor)
  ), t AS (
    SELECT ev.*, CASE WHEN ev.ref ~ '^-?[0-9]+$' AND length(ev.ref) < 19 THEN ev.ref::bigint END AS aid FROM ev
  )
  SELECT t.id::bigint, t.action::text, t.aid FROM t
  WHERE t.aid IS NULL OR {sees_all} OR {own}
     OR NOT EXISTS (SELECT 1 FROM assignment a JOIN round r ON r.id = a.round_id
                    WHERE a.answer_id = t.aid AND r.blind AND NOT r.released)
  ORDER BY t.id LIMIT max_rows
$feed$""").format(feed=feed, sch=sch, sees_all=sees_all, own=S(_own_event("session_user", "t."))),
        S("REVOKE ALL ON FUNCTION {}(), {}(bigint, bigint, text, integer) FROM PUBLIC").format(last, feed),
        S("GRANT EXECUTE ON FUNCTION {}(), {}(bigint, bigint, text, integer) TO {}").format(last, feed, everyone),
    ]


# -- who may read and write which rows -----------------------------------------------------
#
# Every table of the project's schema is in exactly one of these: the shared project (survey,
# codebook, rounds, ...: everyone reads, staff write what their grants allow) or a table that
# holds one person's work or reveals it, with row-level security (``_row_policies``). A table
# added later that is in neither is refused by ``setup`` (and by the catalogue test), so it
# cannot slip through unprotected.
SHARED_TABLES = ("alembic_version", "project", "survey", "question", "respondent", "answer",
                 "codebook", "code", "round", "assignment", "piifinding", "nlpcache")
PERSONAL_TABLES = ("coder", "coding", "answerstate", "memo", "suggestionfeedback", "decision", "quotestar",
                   "auditevent")

# Per-coder tables a blind round hides: (table, the SQL of the answer a row is about, or
# NULL when the row is about no answer and is never hidden). Memos on codes (codebook
# notes) and on the project are not about an answer's coding, so everyone reads them.
BLIND_TABLES = (
    ("coding", "coding.answer_id"),
    ("answerstate", "answerstate.answer_id"),
    ("memo", "CASE WHEN memo.target_type = 'answer' THEN memo.target_id END"),
)

# The login of the person: ``session_user`` — ``SET ROLE`` (to one's own group, which
# PostgreSQL < 16 always allows) changes ``current_user`` but not who logged in.
_ME = "(SELECT c.id FROM coder c WHERE c.name = session_user)"
_FINAL = "(SELECT c.id FROM coder c WHERE c.name = 'final')"


def _blind(answer_sql: str, rls: bool) -> str:
    """SQL: the row's answer is in a blind round that has not been released (never, without rls)."""
    if not rls:
        return "false"
    return ("EXISTS (SELECT 1 FROM assignment a JOIN round r ON r.id = a.round_id "
            f"WHERE a.answer_id = ({answer_sql}) AND r.blind AND NOT r.released)")


def _row_policies(prefix: str, rls: bool) -> list:
    """Row-level security on every table that holds one person's work or reveals it.

    * coders read their own rows; another person's codings, answer states and memos only
      when the answer is in no blind, unreleased round; decisions (whose inputs and codes
      are the coders' codings) likewise; quote stars only on codings they can read; never
      another coder's suggestion verdicts. They write only rows of their own.
    * supervisors read everything; they write codings, answer states, verdicts and memos
      only as themselves, and the ``final`` coder's codings and states (reconciliation);
      decisions only in their own name; of the people only the ``final`` coder.
    * admins read and write every row (they are trusted with the project, not the server).
    """
    from psycopg import sql

    S = sql.SQL
    g = {r: sql.Identifier(n) for r, n in group_roles(prefix).items()}
    out = []

    def policy(table, name, cmd, to, using=None, check=None):
        t, p = sql.Identifier(table), sql.Identifier(f"{prefix}_{table}_{name}")
        q = S("CREATE POLICY {} ON {} FOR {} TO {}").format(p, t, S(cmd), to)
        if using is not None:
            q = S("{} USING ({})").format(q, S(using))
        if check is not None:
            q = S("{} WITH CHECK ({})").format(q, S(check))
        return [S("DROP POLICY IF EXISTS {} ON {}").format(p, t), q]

    def writes(table, to, cond):
        return (policy(table, f"{to}_insert", "INSERT", g[to], check=cond)
                + policy(table, f"{to}_update", "UPDATE", g[to], using=cond, check=cond)
                + policy(table, f"{to}_delete", "DELETE", g[to], using=cond))

    for table in PERSONAL_TABLES:
        t = sql.Identifier(table)
        out += [S("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(t)]
        # policies of older versions (wb_coding_staff, wb_coding_read, ...) go first
        out += [S("""DO $drop$ DECLARE p text; BEGIN
  FOR p IN SELECT policyname FROM pg_policies WHERE schemaname = current_schema() AND tablename = {}
           AND policyname LIKE {} LOOP
    EXECUTE format('DROP POLICY %I ON %I', p, {});
  END LOOP; END $drop$""").format(sql.Literal(table), sql.Literal(f"{prefix}\\_%"), sql.Literal(table))]
        if table != "auditevent":
            out += policy(table, "admin_all", "ALL", g["admin"], using="true", check="true")
            out += policy(table, "supervisor_read", "SELECT", g["supervisor"], using="true")

    own = f"coder_id IN {_ME}"
    own_or_final = f"(coder_id IN {_ME} OR coder_id IN {_FINAL})"
    for table, answer in BLIND_TABLES:
        out += policy(table, "coder_read", "SELECT", g["coder"], using=f"{own} OR NOT {_blind(answer, rls)}")
        out += writes(table, "coder", own)
        out += writes(table, "supervisor", own if table == "memo" else own_or_final)
    out += policy("suggestionfeedback", "coder_read", "SELECT", g["coder"], using=own)
    out += writes("suggestionfeedback", "coder", own)
    out += writes("suggestionfeedback", "supervisor", own)
    out += policy("decision", "coder_read", "SELECT", g["coder"], using=f"NOT {_blind('decision.answer_id', rls)}")
    # any supervisor may re-decide or reopen an answer, but what they write is in their own name
    out += policy("decision", "supervisor_insert", "INSERT", g["supervisor"], check=f"decided_by IN {_ME}")
    out += policy("decision", "supervisor_update", "UPDATE", g["supervisor"], using="true",
                  check=f"decided_by IN {_ME}")
    out += policy("decision", "supervisor_delete", "DELETE", g["supervisor"], using="true")
    out += policy("quotestar", "coder_read", "SELECT", g["coder"],
                  using="EXISTS (SELECT 1 FROM coding c WHERE c.id = quotestar.coding_id)")  # the coding's own rule
    # a quote star belongs to the analysts: re-deciding an answer puts back stars others picked
    out += writes("quotestar", "supervisor", "true")
    out += policy("coder", "read", "SELECT", S("{}, {}").format(g["coder"], g["supervisor"]), using="true")
    out += policy("coder", "supervisor_insert", "INSERT", g["supervisor"],
                  check="name = 'final' AND role = 'final'")

    # The audit log holds supervisors' decisions, memo texts and everyone's work: a coder reads
    # only the events they performed. Live refresh does not need the log itself: it reads the
    # narrow change feed. Nobody in a group may write an event in someone else's name, and a
    # coder's or supervisor's event may name no other person in its payload (it would show
    # among that coder's own events).
    actor_is_login = "(actor = session_user OR NOT EXISTS (SELECT 1 FROM coder c WHERE c.name = session_user))"
    def names_only(who: str) -> str:  # the payload names no coder but these (SQL list of names)
        return (f"{actor_is_login} AND coalesce(payload->>'coder', session_user) IN ({who}) "
                f"AND (payload->>'coder_id' IS NULL OR (payload->>'coder_id') IN "
                f"(SELECT c.id::text FROM coder c WHERE c.name IN ({who})))")
    names_only_me = names_only("session_user")
    staff = S("{}, {}").format(g["supervisor"], g["admin"])
    out += policy("auditevent", "staff_read", "SELECT", staff, using="true")
    out += policy("auditevent", "admin_insert", "INSERT", g["admin"], check=actor_is_login)
    out += policy("auditevent", "supervisor_insert", "INSERT", g["supervisor"],
                  check=names_only("session_user, 'final'"))
    out += policy("auditevent", "coder_read", "SELECT", g["coder"], using=_own_event("session_user"))
    out += policy("auditevent", "coder_insert", "INSERT", g["coder"], check=names_only_me)
    return out


def _grants(prefix: str, schema: str, rls: bool) -> list:
    from psycopg import sql

    g = {r: sql.Identifier(n) for r, n in group_roles(prefix).items()}
    sch = sql.Identifier(schema)
    everyone = sql.SQL(", ").join([g["coder"], g["supervisor"], g["admin"]])
    S = sql.SQL
    out = [
        S("GRANT USAGE ON SCHEMA {} TO {}").format(sch, everyone),
        S("REVOKE ALL ON ALL TABLES IN SCHEMA {} FROM {}").format(sch, everyone),  # what older versions gave
        S("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(sch, everyone),
        S("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(sch, everyone),
        # a table a later version adds is nobody's until `team setup` runs again and classifies it
        S("ALTER DEFAULT PRIVILEGES IN SCHEMA {} REVOKE SELECT ON TABLES FROM {}").format(sch, everyone),
        S("ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT USAGE, SELECT ON SEQUENCES TO {}").format(sch, everyone),
        # admins: rows, not structure (no TRUNCATE, which ignores row-level security, no TRIGGER)
        S("GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {} TO {}").format(sch, g["admin"]),
        S("REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {}").format(g["admin"]),
        S("REVOKE UPDATE, DELETE ON auditevent FROM {}").format(g["admin"]),  # append-only
        S("GRANT INSERT ON auditevent TO {}").format(everyone),
        # the NLP cache feeds everyone's suggestions: staff write it, coders only read it
        S("GRANT INSERT, UPDATE ON nlpcache TO {}, {}").format(g["supervisor"], g["admin"]),
        S("GRANT INSERT ON coder TO {}").format(g["supervisor"]),  # the final coder (policy)
        S("GRANT UPDATE ON answer TO {}").format(g["supervisor"]),  # pseudonymising texts
    ]
    for t in CODER_WRITE:
        out.append(S("GRANT INSERT, UPDATE, DELETE ON {} TO {}").format(sql.Identifier(t), g["coder"]))
    for t in SUPERVISOR_WRITE:
        out.append(S("GRANT INSERT, UPDATE, DELETE ON {} TO {}").format(sql.Identifier(t), g["supervisor"]))
    out += _row_policies(prefix, rls)
    out += _change_feed(prefix, schema)
    out += _add_user_function(prefix, schema)
    return out


ADD_USER_FUNCTION = "workbench_add_user"


def _add_user_function(prefix: str, schema: str) -> list:
    """The one way a workbench login adds people: ``workbench_add_user(name, role,
    scram_hash)``, SECURITY DEFINER, owned by the role that runs setup (which holds
    CREATEROLE or is a superuser), with a pinned search path; only the admin group (and the
    owner) may call it. No workbench login holds CREATEROLE itself.

    It creates a plain LOGIN role (no superuser, CREATEDB, CREATEROLE, REPLICATION or
    BYPASSRLS; INHERIT, so the group's rights apply) in exactly one of this project's groups,
    and its person row, and writes ``team.add_user`` to the audit log in the caller's name.
    An existing role is touched only when it is such a plain login, member of no role outside
    this project's groups and of no role at all; its password only when it is already one of
    this project's people — so no admin can take over another project's or the server's roles.
    Passwords arrive as SCRAM hashes only."""
    from psycopg import sql

    S = sql.SQL
    g = group_roles(prefix)
    fn = sql.Identifier(schema, ADD_USER_FUNCTION)
    groups = S("ARRAY[{}, {}, {}]::text[]").format(*(sql.Literal(g[r]) for r in ROLES))
    body = S(r"""CREATE OR REPLACE FUNCTION {fn}(p_name text, p_role text, p_password text)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = {sch}, pg_catalog, pg_temp AS $add$
DECLARE
  groups text[] := {groups};
  grp text := {prefix} || '_' || p_role;
  r pg_roles%ROWTYPE;
  in_project boolean := false;
  gname text;
  cid bigint;
BEGIN
  IF NOT (pg_has_role(session_user, {admin}, 'MEMBER') OR pg_has_role(session_user, current_user, 'MEMBER')) THEN
    RAISE EXCEPTION 'only an admin of this project may add people' USING ERRCODE = '42501';
  END IF;
  IF p_name IS NULL OR p_name !~ '^[A-Za-z_][A-Za-z0-9_.\-]{{0,62}}$' OR lower(p_name) IN ('final', 'gold', 'public')
     OR p_name ~* '^pg_' OR p_name = ANY (groups) THEN
    RAISE EXCEPTION 'user name % is not allowed', quote_literal(coalesce(p_name, '')) USING ERRCODE = '22023';
  END IF;
  IF p_role IS NULL OR p_role NOT IN ('coder', 'supervisor', 'admin') THEN
    RAISE EXCEPTION 'role must be coder, supervisor or admin' USING ERRCODE = '22023';
  END IF;
  IF p_password IS NOT NULL AND p_password !~ '^SCRAM-SHA-256\$' THEN
    RAISE EXCEPTION 'the password must arrive as a SCRAM-SHA-256 hash' USING ERRCODE = '22023';
  END IF;
  SELECT * INTO r FROM pg_roles WHERE rolname = p_name;
  IF FOUND THEN
    IF r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolreplication OR r.rolbypassrls OR NOT r.rolcanlogin
       OR EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles o ON o.oid = m.roleid
                  WHERE m.member = r.oid AND o.rolname <> ALL (groups))
       OR EXISTS (SELECT 1 FROM pg_auth_members m WHERE m.roleid = r.oid)
       OR EXISTS (SELECT 1 FROM pg_database d WHERE d.datdba = r.oid) THEN
      RAISE EXCEPTION 'the role % exists and is not a plain login of this project; ask the server''s administrator',
        p_name USING ERRCODE = '42501';
    END IF;
    in_project := EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles o ON o.oid = m.roleid
                          WHERE m.member = r.oid AND o.rolname = ANY (groups));
    IF p_password IS NOT NULL AND NOT in_project THEN
      RAISE EXCEPTION 'the role % exists outside this project: its password is not the project''s to set', p_name
        USING ERRCODE = '42501';
    END IF;
  ELSE
    EXECUTE format('CREATE ROLE %I LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS',
                   p_name);
  END IF;
  IF p_password IS NOT NULL THEN
    EXECUTE format('ALTER ROLE %I PASSWORD %L', p_name, p_password);
  END IF;
  FOREACH gname IN ARRAY groups LOOP
    IF gname <> grp THEN
      EXECUTE format('REVOKE %I FROM %I', gname, p_name);
    END IF;
  END LOOP;
  EXECUTE format('GRANT %I TO %I', grp, p_name);
  INSERT INTO coder (uid, name, role, created_at) VALUES (gen_random_uuid()::text, p_name, p_role, now())
    ON CONFLICT (name) DO UPDATE SET role = EXCLUDED.role RETURNING id INTO cid;
  INSERT INTO auditevent (at, actor, action, entity, entity_id, payload)
    VALUES (now(), session_user, 'team.add_user', 'coder', cid::text,
            json_build_object('name', p_name, 'role', p_role));
  RETURN cid;
END
$add$""").format(fn=fn, sch=sql.Identifier(schema), groups=groups, prefix=sql.Literal(prefix),
                 admin=sql.Literal(g["admin"]))
    return [body,
            S("REVOKE ALL ON FUNCTION {}(text, text, text) FROM PUBLIC").format(fn),
            S("GRANT EXECUTE ON FUNCTION {}(text, text, text) TO {}").format(fn, sql.Identifier(g["admin"]))]


def _server_checks(cur, prefix: str, schema: str) -> tuple[list[str], list[str]]:
    """(refusals, warnings) about the server and the role running setup."""
    cur.execute("SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = current_user")
    sup, createrole = cur.fetchone()
    cur.execute("SELECT current_setting('server_version_num')::int")
    version = cur.fetchone()[0]
    refuse, warn = [], []
    cur.execute("SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid "
                "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = current_user AND r.rolname = ANY(%s)",
                (list(group_roles(prefix).values()),))
    if cur.fetchone() is not None:
        refuse.append(f"{_current(cur)} is a workbench login; run `team setup` as the database owner")
    if not (sup or createrole):
        refuse.append(f"{_current(cur)} may not create roles (needs CREATEROLE or superuser): run `team setup` "
                      "as the database owner that the server's administrator gave CREATEROLE")
    cur.execute("SELECT pg_has_role(current_user, nspowner, 'USAGE') OR %s FROM pg_namespace WHERE nspname = %s",
                (sup, schema))
    if not cur.fetchone()[0]:
        warn.append(f"{_current(cur)} does not own the schema {schema}: others' rights on it were left as they are")
    if version < 160000:
        warn.append("PostgreSQL before 16 lets a login SET ROLE to its own group; the workbench's policies "
                    "match the login (session_user), so this gives nothing extra")
    return refuse, warn


def _current(cur) -> str:
    cur.execute("SELECT current_user")
    return cur.fetchone()[0]


def _harden(cur, prefix: str, schema: str, database: str) -> list[str]:
    """Take away what older setups (or the server's defaults) gave that the project does not
    need; returns warnings for what could not be taken away."""
    from psycopg import sql

    warn = []
    groups = list(group_roles(prefix).values())
    # workbench logins of older versions held CREATEROLE and ADMIN OPTION on the groups
    cur.execute("SELECT DISTINCT u.rolname, u.rolcreaterole FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid "
                "JOIN pg_roles u ON u.oid = m.member WHERE r.rolname = ANY(%s)", (groups,))
    for name, createrole in cur.fetchall():
        if createrole:
            cur.execute(sql.SQL("ALTER ROLE {} NOCREATEROLE").format(sql.Identifier(name)))
        for gname in groups:
            cur.execute("SELECT m.admin_option FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid "
                        "JOIN pg_roles u ON u.oid = m.member WHERE r.rolname = %s AND u.rolname = %s", (gname, name))
            row = cur.fetchone()
            if row and row[0]:
                cur.execute(sql.SQL("REVOKE ADMIN OPTION FOR {} FROM {}").format(sql.Identifier(gname),
                                                                                 sql.Identifier(name)))
    everyone = sql.SQL(", ").join(sql.Identifier(g) for g in groups)
    cur.execute("SELECT pg_get_userbyid(datdba) = current_user OR (SELECT rolsuper FROM pg_roles "
                "WHERE rolname = current_user) FROM pg_database WHERE datname = %s", (database,))
    if cur.fetchone()[0]:
        cur.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(sql.Identifier(database)))
        cur.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(database), everyone))
    else:
        warn.append(f"not the owner of database {database}: PUBLIC's rights on it (connect, temporary tables) "
                    "were left as they are")
    cur.execute("SELECT pg_has_role(current_user, nspowner, 'USAGE') OR (SELECT rolsuper FROM pg_roles "
                "WHERE rolname = current_user) FROM pg_namespace WHERE nspname = %s", (schema,))
    if cur.fetchone()[0]:
        cur.execute(sql.SQL("REVOKE CREATE ON SCHEMA {} FROM PUBLIC").format(sql.Identifier(schema)))
    return warn


def setup(url: str, admin: str, password: Optional[str] = None, prefix: str = "wb", rls: bool = True) -> dict:
    """Prepare a PostgreSQL project for a team: schema, group roles and grants, row-level
    security, the add-user function, and the first admin. Run it as the database owner (with
    CREATEROLE) or a superuser, and again after upgrading the workbench (it is idempotent;
    it also takes away CREATEROLE and ADMIN OPTION that older versions gave admins).

    Refuses (InputError) when the role running it cannot make the project safe; returns
    ``warnings`` for what it could not tighten."""
    import psycopg
    from psycopg import sql

    from workbench.coding.store import Store

    _check_name(admin)
    if not re.match(r"^[a-z_][a-z0-9_]{0,40}$", prefix):
        raise InputError(f"role prefix {prefix!r}: lower-case letters, digits and _")
    dsn = _dsn(url)
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:  # refuse before changing anything
        cur.execute("SELECT current_schema()")
        refuse, warnings = _server_checks(cur, prefix, cur.fetchone()[0])
    if refuse:
        raise InputError("; ".join(refuse), file=without_password(url))
    store = Store.open(url, create=True)
    try:
        store.update_settings(team={"role_prefix": prefix, "rls": rls})
    finally:
        store.close()
    if not rls:
        warnings.append("row-level security for blind rounds is off: coders can read each other's codings "
                        "with any PostgreSQL client")
    created = []
    with psycopg.connect(dsn) as conn:
        with conn.cursor() as cur:
            cur.execute("SELECT current_schema(), current_database()")
            schema, database = cur.fetchone()
            cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,))
            unknown = sorted(t for t, in cur.fetchall() if t not in SHARED_TABLES + PERSONAL_TABLES)
            if unknown:
                raise InputError(f"tables {', '.join(unknown)} are neither shared nor protected by row-level "
                                 "security in this version of the workbench (team.SHARED_TABLES)")
            for r, name in group_roles(prefix).items():
                if not _role_exists(cur, name):
                    cur.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(name)))
                    created.append(name)
            for stmt in _grants(prefix, schema, rls):
                cur.execute(stmt)
            warnings += _harden(cur, prefix, schema, database)
        conn.commit()
    add_user(url, admin, "admin", password, prefix=prefix)
    return {"groups": list(group_roles(prefix).values()), "created": created, "admin": admin, "rls": rls,
            "warnings": warnings}


def add_user(url: str, name: str, role: str, password: Optional[str] = None, prefix: Optional[str] = None) -> None:
    """Create (or update) a person's LOGIN role in their group and their Coder row, through
    the project's ``workbench_add_user`` function (an admin's login has no CREATEROLE)."""
    import psycopg
    from psycopg import sql

    _check_name(name)
    if name in ("final", "gold"):
        raise InputError(f"{name!r} is reserved for reconciled and gold-standard codings")
    if role not in ROLES:
        raise InputError(f"role {role!r} must be one of {', '.join(ROLES)}", file="--role")
    with psycopg.connect(_dsn(url)) as conn:
        with conn.cursor() as cur:
            cur.execute("SELECT current_schema()")
            schema = cur.fetchone()[0]
            cur.execute("SELECT to_regprocedure(%s) IS NOT NULL",
                        (f"{schema}.{ADD_USER_FUNCTION}(text,text,text)",))
            if not cur.fetchone()[0]:
                raise InputError("this project has no add-user function yet: the database owner runs "
                                 "`workbench team setup` (again) first", file=without_password(url))
            hashed = None
            if password:
                hashed = conn.pgconn.encrypt_password(password.encode(), name.encode(), b"scram-sha-256").decode()
            try:
                cur.execute(sql.SQL("SELECT {}(%s, %s, %s)").format(sql.Identifier(schema, ADD_USER_FUNCTION)),
                            (name, role, hashed))
            except psycopg.errors.InsufficientPrivilege as e:
                raise PermissionDenied(f"cannot add {name}: {e.diag.message_primary}") from None
            except psycopg.errors.InvalidParameterValue as e:
                raise InputError(f"cannot add {name}: {e.diag.message_primary}") from None
        conn.commit()


def drop_roles(url: str, names: list[str]) -> None:
    """Remove roles (users or groups) and their privileges in this database, then the roles
    themselves. For tests and for taking a team project down."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(_dsn(url), autocommit=True) as conn:
        for n in names:
            if _role_exists(conn.cursor(), n):
                conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(n)))
        for n in names:
            if _role_exists(conn.cursor(), n):
                conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(n)))


def project_role_prefix(store) -> str:
    return _prefix(store)


def is_team(store) -> bool:
    with store.session() as s:
        p = s.exec(select(Project)).first()
        return bool(p and (p.settings or {}).get("team"))
