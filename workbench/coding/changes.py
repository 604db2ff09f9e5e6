"""What other people changed in a project since we last looked (live refresh for teams).

Every action writes one ``AuditEvent``; its id only grows, so a client that remembers the
highest id it has seen can ask for "everything after that, by someone else" with one
indexed query. This module turns those events into what a view must re-read: the answers
touched, whether the codebook changed, and whether something bulk happened (an import, a
merge) that names no single answer, so the whole view must be reloaded.

On a team server coders may not read the audit log (it holds supervisors' decisions, memo
texts and the other coders' work), so there this module reads the change feed ``team
setup`` creates instead: functions that return only (id, action, answer id) and leave out
what the reader may not see (other coders' work on answers of a blind, unreleased round).
Staff get the same answers from the feed as from the table. SQLite, and PostgreSQL projects
without team setup, read the table.
"""
from __future__ import annotations

from typing import NamedTuple, Optional

from sqlalchemy import func, select, text

from workbench.coding.models import AuditEvent
from workbench.coding.team import FEED_FUNCTION, LAST_EVENT_FUNCTION

# Actions that change many answers without naming them one by one: reload everything.
# A round's creation or release changes whose codings a coder may see on its answers.
BULK_ACTIONS = ("codings.import", "survey.import", "refi.import", "project.merge", "codebook.import",
                "code.merge", "demo.create", "round.create", "round.release", "pii.pseudonymise",
                "reconcile.auto_merge")
CODEBOOK_PREFIXES = ("code.", "codebook.")
MAX_EVENTS = 20000  # more than this since the last poll: treat as a bulk change


class Changes(NamedTuple):
    """``last_id``: the highest event id now seen (anyone's); ``answer_ids``: answers others
    touched; ``codebook_changed``; ``reload_all``: a bulk change, re-read everything;
    ``count``: how many events by others."""

    last_id: int
    answer_ids: frozenset
    codebook_changed: bool
    reload_all: bool = False
    count: int = 0


def _has_feed(conn) -> bool:
    """True on a PostgreSQL project prepared by ``team setup`` (it made the feed functions)."""
    if conn.dialect.name != "postgresql":
        return False
    return bool(conn.execute(text("SELECT to_regprocedure(:f) IS NOT NULL"),
                             {"f": f"{FEED_FUNCTION}(bigint,bigint,text,integer)"}).scalar())


def _newest(conn, feed: bool) -> int:
    if feed:
        return int(conn.execute(text(f"SELECT {LAST_EVENT_FUNCTION}()")).scalar() or 0)
    return int(conn.execute(select(func.max(AuditEvent.id))).scalar() or 0)


def latest_event_id(store) -> int:
    """The newest audit event id (0 for an empty log): where a freshly opened view starts."""
    with store.engine.connect() as conn:
        return _newest(conn, _has_feed(conn))


def _answer_of(action: str, entity: str, entity_id: Optional[str], payload: dict) -> Optional[int]:
    if entity == "answer" and entity_id is not None:
        try:
            return int(entity_id)
        except ValueError:
            return None
    aid = payload.get("answer_id")
    if aid is None and payload.get("target_type") == "answer":
        aid = payload.get("target_id")
    try:
        return None if aid is None else int(aid)
    except (TypeError, ValueError):
        return None


def changes_since(store, last_id: int, exclude_actor: Optional[str] = None) -> Changes:
    """Events with id > ``last_id`` whose actor is not ``exclude_actor`` (our own changes
    are already on screen). ``last_id`` advances past our own events too, so they are not
    read again on the next poll (and past events the reader may not see)."""
    with store.engine.connect() as conn:
        feed = _has_feed(conn)
        newest = _newest(conn, feed)
        if newest <= last_id:
            return Changes(max(last_id, newest), frozenset(), False)
        if feed:
            rows = conn.execute(text(f"SELECT action, answer_id FROM {FEED_FUNCTION}(:after, :upto, :actor, :n)"),
                                {"after": last_id, "upto": newest, "actor": exclude_actor, "n": MAX_EVENTS + 1}).all()
        else:
            q = select(AuditEvent.action, AuditEvent.entity, AuditEvent.entity_id,
                       AuditEvent.payload).where(AuditEvent.id > last_id, AuditEvent.id <= newest)
            if exclude_actor is not None:
                q = q.where(AuditEvent.actor != exclude_actor)
            rows = [(action, _answer_of(action, entity, entity_id, payload or {}))
                    for action, entity, entity_id, payload in
                    conn.execute(q.order_by(AuditEvent.id).limit(MAX_EVENTS + 1)).all()]
    if len(rows) > MAX_EVENTS:
        return Changes(newest, frozenset(), True, True, len(rows))
    answers: set[int] = set()
    codebook = bulk = False
    for action, aid in rows:
        if action.startswith(CODEBOOK_PREFIXES):
            codebook = True
        if action in BULK_ACTIONS:
            bulk = True
        if aid is not None:
            answers.add(int(aid))
    return Changes(newest, frozenset(answers), codebook, bulk, len(rows))
