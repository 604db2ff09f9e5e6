"""Team projects on PostgreSQL: database roles, users, and the app-side role checks.

Roles are enforced twice, because a coder's desktop app is not a security boundary:
the functions here and in ``reconcile``/``assignments`` check the acting person's role,
and the server refuses what the person's group role was not granted (a coder's login
cannot write decisions, whatever client it uses). Optionally (``rls=True``, the default)
row-level security keeps coders from reading other coders' codings, answer states and memos
on answers of a blind round that has not been released (``_blind_policies``). Coders never
read the audit log beyond their own events; live refresh gets what it needs from a narrow
change feed (``_change_feed``). Every event a person writes names their login as the actor
(``Store`` makes it so, and the server refuses an event in someone else's name).

Group roles are ``<prefix>_coder``, ``<prefix>_supervisor``, ``<prefix>_admin`` (prefix
``wb`` unless told otherwise; roles are cluster-wide, so tests use their own prefix). Each
person gets a LOGIN role with the same name as their ``Coder`` row, so the policies can
match ``current_user`` to the coder. Passwords are sent to the server only as a SCRAM hash
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


# Per-coder tables a blind round hides: (table, the SQL of the answer a row is about, or
# NULL when the row is about no answer and is never hidden). Memos on codes (codebook
# notes) and on the project are not about an answer's coding, so everyone reads them.
BLIND_TABLES = (
    ("coding", "coding.answer_id"),
    ("answerstate", "answerstate.answer_id"),
    ("memo", "CASE WHEN memo.target_type = 'answer' THEN memo.target_id END"),
)


def _blind_policies(prefix: str, g: dict, staff) -> list:
    """Row-level security for blind rounds, the same rule on every table of ``BLIND_TABLES``:
    staff read and write every row; a coder reads their own rows, and another person's only
    when the row's answer is in no blind round that has not been released (as the change
    feed hides their events); a coder writes only their own rows."""
    from psycopg import sql

    S = sql.SQL
    own = S("coder_id IN (SELECT id FROM coder WHERE name = current_user)")
    out = []
    for table, answer in BLIND_TABLES:
        t = sql.Identifier(table)
        pol = lambda n: sql.Identifier(f"{prefix}_{table}_{n}")  # noqa: E731  (coding: wb_coding_read, ...)
        blind = S("EXISTS (SELECT 1 FROM assignment a JOIN round r ON r.id = a.round_id "
                  "WHERE a.answer_id = ({}) AND r.blind AND NOT r.released)").format(S(answer))
        out += [
            S("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(t),
            S("DROP POLICY IF EXISTS {} ON {}").format(pol("staff"), t),
            S("CREATE POLICY {} ON {} TO {} USING (true) WITH CHECK (true)").format(pol("staff"), t, staff),
            S("DROP POLICY IF EXISTS {} ON {}").format(pol("read"), t),
            S("CREATE POLICY {} ON {} FOR SELECT TO {} USING ({} OR NOT {})").format(
                pol("read"), t, g["coder"], own, blind),
            S("DROP POLICY IF EXISTS {} ON {}").format(pol("insert"), t),
            S("CREATE POLICY {} ON {} FOR INSERT TO {} WITH CHECK ({})").format(pol("insert"), t, g["coder"], own),
            S("DROP POLICY IF EXISTS {} ON {}").format(pol("update"), t),
            S("CREATE POLICY {} ON {} FOR UPDATE TO {} USING ({}) WITH CHECK ({})").format(
                pol("update"), t, g["coder"], own, own),
            S("DROP POLICY IF EXISTS {} ON {}").format(pol("delete"), t),
            S("CREATE POLICY {} ON {} FOR DELETE TO {} USING ({})").format(pol("delete"), t, g["coder"], own),
        ]
    return out


def _grants(prefix: str, schema: str, rls: bool) -> list:
    from psycopg import sql

    g = {r: sql.Identifier(n) for r, n in group_roles(prefix).items()}
    sch = sql.Identifier(schema)
    everyone = sql.SQL(", ").join([g["coder"], g["supervisor"], g["admin"]])
    S = sql.SQL
    out = [
        S("GRANT USAGE ON SCHEMA {} TO {}").format(sch, everyone),
        S("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(sch, everyone),
        S("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(sch, everyone),
        S("ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT SELECT ON TABLES TO {}").format(sch, everyone),
        S("ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT USAGE, SELECT ON SEQUENCES TO {}").format(sch, everyone),
        S("GRANT INSERT ON auditevent TO {}").format(everyone),
        S("GRANT INSERT, UPDATE ON nlpcache TO {}").format(everyone),
        S("GRANT ALL PRIVILEGES ON ALL TABLES IN SCHEMA {} TO {}").format(sch, g["admin"]),
        S("REVOKE UPDATE, DELETE, TRUNCATE ON auditevent FROM {}").format(g["admin"]),  # append-only
        S("GRANT INSERT, UPDATE ON coder TO {}").format(g["supervisor"]),
        S("GRANT UPDATE ON answer TO {}").format(g["supervisor"]),  # pseudonymising texts
    ]
    for t in CODER_WRITE:
        out.append(S("GRANT INSERT, UPDATE, DELETE ON {} TO {}").format(sql.Identifier(t), g["coder"]))
    for t in SUPERVISOR_WRITE:
        out.append(S("GRANT INSERT, UPDATE, DELETE ON {} TO {}").format(sql.Identifier(t), g["supervisor"]))
    staff = S("{}, {}").format(g["supervisor"], g["admin"])
    pol = lambda n: sql.Identifier(f"{prefix}_{n}")  # noqa: E731
    if rls:
        out += _blind_policies(prefix, g, staff)
    # The audit log holds supervisors' decisions, memo texts and everyone's work: a coder reads
    # only the events they performed (always, not just with ``rls``). Live refresh does not
    # need the log itself: it reads the narrow change feed below. Nobody in a group may write
    # an event in someone else's name: a person's events carry their login as the actor, as
    # ``Store`` does (logins that are no person in the project, if any, are not checked).
    actor_is_login = S("(actor = current_user OR NOT EXISTS (SELECT 1 FROM coder c WHERE c.name = current_user))")
    out += [
        S("ALTER TABLE auditevent ENABLE ROW LEVEL SECURITY"),
        S("DROP POLICY IF EXISTS {} ON auditevent").format(pol("audit_staff")),
        S("CREATE POLICY {} ON auditevent FOR SELECT TO {} USING (true)").format(pol("audit_staff"), staff),
        S("DROP POLICY IF EXISTS {} ON auditevent").format(pol("audit_read")),
        S("CREATE POLICY {} ON auditevent FOR SELECT TO {} USING ({})").format(
            pol("audit_read"), g["coder"], S(_own_event("current_user"))),
        S("DROP POLICY IF EXISTS {} ON auditevent").format(pol("audit_insert")),
        S("CREATE POLICY {} ON auditevent FOR INSERT TO {} WITH CHECK {}").format(
            pol("audit_insert"), everyone, actor_is_login),
    ]
    out += _change_feed(prefix, schema)
    return out


def setup(url: str, admin: str, password: Optional[str] = None, prefix: str = "wb", rls: bool = True) -> dict:
    """Prepare a PostgreSQL project for a team: schema, group roles and grants, row-level
    security, and the first admin. Run it as the database owner (or a superuser), and again
    after upgrading the workbench (it is idempotent)."""
    import psycopg
    from psycopg import sql

    from workbench.coding.store import Store

    _check_name(admin)
    if not re.match(r"^[a-z_][a-z0-9_]{0,40}$", prefix):
        raise InputError(f"role prefix {prefix!r}: lower-case letters, digits and _")
    dsn = _dsn(url)
    store = Store.open(url, create=True)
    try:
        store.update_settings(team={"role_prefix": prefix, "rls": rls})
    finally:
        store.close()
    created = []
    with psycopg.connect(dsn) as conn:
        with conn.cursor() as cur:
            cur.execute("SELECT current_schema()")
            schema = cur.fetchone()[0]
            for r, name in group_roles(prefix).items():
                if not _role_exists(cur, name):
                    cur.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(name)))
                    created.append(name)
            for stmt in _grants(prefix, schema, rls):
                cur.execute(stmt)
        conn.commit()
    add_user(url, admin, "admin", password, prefix=prefix)
    return {"groups": list(group_roles(prefix).values()), "created": created, "admin": admin, "rls": rls}


def add_user(url: str, name: str, role: str, password: Optional[str] = None, prefix: Optional[str] = None) -> None:
    """Create (or update) a person's LOGIN role in their group and their Coder row.

    Admins may create further users (CREATEROLE and ADMIN OPTION on the groups)."""
    import psycopg
    from psycopg import sql

    from workbench.coding.store import Store

    _check_name(name)
    if name in ("final", "gold"):
        raise InputError(f"{name!r} is reserved for reconciled and gold-standard codings")
    if role not in ROLES:
        raise InputError(f"role {role!r} must be one of {', '.join(ROLES)}", file="--role")
    store = Store.open(url)
    try:
        prefix = prefix or _prefix(store)
        groups = group_roles(prefix)
        with psycopg.connect(_dsn(url)) as conn:
            with conn.cursor() as cur:
                for g in groups.values():
                    if not _role_exists(cur, g):
                        raise InputError(f"group role {g} is missing: run `workbench team setup` first")
                ident = sql.Identifier(name)
                opts = [sql.SQL("LOGIN"), sql.SQL("CREATEROLE" if role == "admin" else "NOCREATEROLE")]
                if password:
                    hashed = conn.pgconn.encrypt_password(password.encode(), name.encode()).decode()
                    opts += [sql.SQL("PASSWORD {}").format(sql.Literal(hashed))]
                verb = "ALTER" if _role_exists(cur, name) else "CREATE"
                cur.execute(sql.SQL(verb + " ROLE {} " + " ".join(["{}"] * len(opts))).format(ident, *opts))
                for r, g in groups.items():  # exactly one group (admins administer all three)
                    if r != role and role != "admin":
                        cur.execute(sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(g), ident))
                if role == "admin":
                    cur.execute(sql.SQL("GRANT {} TO {} WITH ADMIN OPTION").format(
                        sql.SQL(", ").join(sql.Identifier(g) for g in groups.values()), ident))
                else:
                    cur.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(groups[role]), ident))
            conn.commit()
        with store.transaction() as s:
            c = store.coder(s, name, role=role)
            if c.role != role:
                c.role = role
                s.add(c)
            store.log(s, "team.add_user", "coder", c.id, name=name, role=role)
    finally:
        store.close()


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
