"""Editing the codebook while coding: create, rename, recolour, shortcut, merge, move, retire.

Each function is one user action: one committed transaction with an audit-log entry that
records the old values, so the change can be understood (and reverted) later. Codes are
never deleted: a merged or retired code stays, retired, so old exports keep their meaning.
"""
from __future__ import annotations

import re
from typing import Optional

from sqlmodel import select

from workbench.coding.codebook import COLOUR_RE, PALETTE
from workbench.coding.models import Code, Coding
from workbench.errors import InputError

# Keys the coding window keeps for itself (next, previous, flag, memo, uncoded, no code).
RESERVED_KEYS = frozenset("npfmuzy0/")


def _slug(label: str) -> str:
    s = re.sub(r"[^a-z0-9_æøå]+", "_", label.strip().lower()).strip("_")
    return s or "kode"


def _code(s, code_id: int) -> Code:
    c = s.get(Code, code_id)
    if c is None:
        raise InputError(f"no code with id {code_id}")
    return c


def _check_shortcut(store, s, shortcut: Optional[str], codebook_id: int, exclude: Optional[int] = None) -> Optional[str]:
    if shortcut in (None, ""):
        return None
    sc = str(shortcut).lower()
    if len(sc) != 1 or not ((sc.isdigit() and sc != "0") or sc.isalpha()):
        raise InputError(f"shortcut {shortcut!r} must be one key: 1–9 or a letter")
    if sc in RESERVED_KEYS:
        raise InputError(f"shortcut {shortcut!r} is reserved by the coding window (n, p, f, m, u, z, y, 0)")
    other = s.exec(select(Code).where(Code.codebook_id == codebook_id, Code.shortcut == sc,
                                      Code.retired == False)).first()  # noqa: E712
    if other is not None and other.id != exclude:
        raise InputError(f"shortcut {shortcut!r} is already used by {other.label!r}")
    return sc


def create_code(store, label: str, key: Optional[str] = None, category: str = "", colour: Optional[str] = None,
                shortcut: Optional[str] = None, parent_id: Optional[int] = None, description: str = "") -> int:
    """Add a code to the active codebook; the key is made from the label when not given."""
    label = (label or "").strip()
    if not label:
        raise InputError("a code needs a label")
    if colour and not COLOUR_RE.match(colour):
        raise InputError(f"colour {colour!r} is not #rrggbb")
    with store.transaction() as s:
        cb = store.active_codebook(s)
        if cb is None:
            raise InputError("the project has no codebook")
        existing = {c.key for c in s.exec(select(Code).where(Code.codebook_id == cb.id))}
        base = key or _slug(label)
        k, n = base, 2
        while k in existing:
            if key:
                raise InputError(f"a code with id {key!r} already exists")
            k, n = f"{base}_{n}", n + 1
        if parent_id is not None:
            parent = _code(s, parent_id)
            category = category or parent.category
        sc = _check_shortcut(store, s, shortcut, cb.id)
        pos = len(existing)
        c = Code(codebook_id=cb.id, key=k, label=label, category=category, description=description,
                 colour=colour or PALETTE[pos % len(PALETTE)], shortcut=sc, parent_id=parent_id, position=pos)
        s.add(c)
        s.flush()
        store.log(s, "code.create", "code", c.id, key=k, label=label, category=category, colour=c.colour,
                  shortcut=sc, parent_id=parent_id)
        return c.id


def _update(store, code_id: int, action: str, **values) -> None:
    with store.transaction() as s:
        c = _code(s, code_id)
        old = {k: getattr(c, k) for k in values}
        for k, v in values.items():
            setattr(c, k, v)
        c.version += 1
        s.add(c)
        store.log(s, action, "code", code_id, key=c.key, old=old, new=values)


def rename_code(store, code_id: int, label: str) -> None:
    label = (label or "").strip()
    if not label:
        raise InputError("a code needs a label")
    _update(store, code_id, "code.rename", label=label)


def recolour(store, code_id: int, colour: str) -> None:
    if not COLOUR_RE.match(colour or ""):
        raise InputError(f"colour {colour!r} is not #rrggbb")
    _update(store, code_id, "code.recolour", colour=colour)


def set_shortcut(store, code_id: int, shortcut: Optional[str]) -> None:
    """Give a code a one-key shortcut (1–9 or a letter), or none; keys must stay unique."""
    with store.transaction() as s:
        c = _code(s, code_id)
        sc = _check_shortcut(store, s, shortcut, c.codebook_id, exclude=c.id)
        old = c.shortcut
        c.shortcut, c.version = sc, c.version + 1
        s.add(c)
        store.log(s, "code.shortcut", "code", code_id, key=c.key, old=old, new=sc)


def move_code(store, code_id: int, parent_id: Optional[int] = None, category: Optional[str] = None) -> None:
    """Put a code under another code (or at the top), optionally in another category."""
    with store.transaction() as s:
        c = _code(s, code_id)
        p = parent_id
        while p is not None:  # no loops: the new parent may not sit under the code itself
            if p == code_id:
                raise InputError(f"cannot move {c.label!r} under itself or one of its sub-codes")
            p = _code(s, p).parent_id
        old = dict(parent_id=c.parent_id, category=c.category)
        c.parent_id = parent_id
        if category is not None:
            c.category = category
        elif parent_id is not None:
            c.category = _code(s, parent_id).category
        c.version += 1
        s.add(c)
        store.log(s, "code.move", "code", code_id, key=c.key, old=old,
                  new=dict(parent_id=c.parent_id, category=c.category))


def retire_code(store, code_id: int, retired: bool = True) -> None:
    """Retire a code (it stays on old codings, is no longer offered) or bring it back."""
    _update(store, code_id, "code.retire" if retired else "code.unretire", retired=retired)


def merge_codes(store, source_id: int, target_id: int) -> dict:
    """Move every coding of ``source`` to ``target`` and retire ``source``.

    A coding that would duplicate one the same coder already has (same answer, same span)
    is dropped instead of moved. Sub-codes of the source move under the target.
    Returns counts {moved, dropped}.
    """
    if source_id == target_id:
        raise InputError("cannot merge a code into itself")
    with store.transaction() as s:
        src, tgt = _code(s, source_id), _code(s, target_id)
        if tgt.retired:
            raise InputError(f"cannot merge into the retired code {tgt.label!r}")
        have = {(c.answer_id, c.coder_id, c.start, c.end)
                for c in s.exec(select(Coding).where(Coding.code_id == target_id))}
        moved, dropped = [], []
        for cd in s.exec(select(Coding).where(Coding.code_id == source_id).order_by(Coding.id)).all():
            k = (cd.answer_id, cd.coder_id, cd.start, cd.end)
            if k in have:
                dropped.append(dict(id=cd.id, uid=cd.uid, answer_id=cd.answer_id, coder_id=cd.coder_id,
                                    start=cd.start, end=cd.end))
                s.delete(cd)
            else:
                have.add(k)
                cd.code_id = target_id
                cd.source = "merge"
                s.add(cd)
                moved.append(cd.id)
        for child in s.exec(select(Code).where(Code.parent_id == source_id)).all():
            child.parent_id = target_id
            s.add(child)
        src.retired = True
        src.shortcut, old_shortcut = None, src.shortcut
        src.version += 1
        s.add(src)
        store.log(s, "code.merge", "code", source_id, source=src.key, target=tgt.key, target_id=target_id,
                  moved=moved, dropped=dropped, shortcut=old_shortcut)
        return {"moved": len(moved), "dropped": len(dropped)}
