"""What other people changed in a project since we last looked (live refresh for teams).

Every action writes one ``AuditEvent``; its id only grows, so a client that remembers the
highest id it has seen can ask for "everything after that, by someone else" with one
indexed query. This module turns those events into what a view must re-read: the answers
touched, whether the codebook changed, and whether something bulk happened (an import, a
merge) that names no single answer, so the whole view must be reloaded.
"""
from __future__ import annotations

from typing import NamedTuple, Optional

from sqlalchemy import func, select

from workbench.coding.models import AuditEvent

# Actions that change many answers without naming them one by one: reload everything.
BULK_ACTIONS = ("codings.import", "survey.import", "refi.import", "project.merge", "codebook.import",
                "code.merge", "demo.create")
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


def latest_event_id(store) -> int:
    """The newest audit event id (0 for an empty log): where a freshly opened view starts."""
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.max(AuditEvent.id))).scalar() or 0)


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
    read again on the next poll."""
    with store.engine.connect() as conn:
        newest = int(conn.execute(select(func.max(AuditEvent.id))).scalar() or 0)
        if newest <= last_id:
            return Changes(max(last_id, newest), frozenset(), False)
        q = select(AuditEvent.id, AuditEvent.action, AuditEvent.entity, AuditEvent.entity_id,
                   AuditEvent.payload).where(AuditEvent.id > last_id, AuditEvent.id <= newest)
        if exclude_actor is not None:
            q = q.where(AuditEvent.actor != exclude_actor)
        rows = conn.execute(q.order_by(AuditEvent.id).limit(MAX_EVENTS + 1)).all()
    if len(rows) > MAX_EVENTS:
        return Changes(newest, frozenset(), True, True, len(rows))
    answers: set[int] = set()
    codebook = bulk = False
    for _id, action, entity, entity_id, payload in rows:
        payload = payload or {}
        if action.startswith(CODEBOOK_PREFIXES):
            codebook = True
        if action in BULK_ACTIONS:
            bulk = True
        aid = _answer_of(action, entity, entity_id, payload)
        if aid is not None:
            answers.add(aid)
    return Changes(newest, frozenset(answers), codebook, bulk, len(rows))
