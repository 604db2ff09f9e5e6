"""Editing the codebook while coding: create, rename, recolour, shortcut, merge, move, retire.

Each function is one user action: one committed transaction with an audit-log entry that
records the old values, so the change can be understood (and reverted) later. Every edit
has an exact inverse, so the coding window can undo it:

- rename, recolour, shortcut, move, retire return the old value(s); calling the same
  function with them undoes the edit;
- ``create_code`` is undone by ``delete_code`` (only a code nothing refers to), which
  returns a snapshot; ``restore_code(snapshot)`` re-creates it with the same id, key, uid …;
- ``merge_codes`` returns a ``detail`` (also in its audit event); ``unmerge_codes(detail)``
  puts every coding, sub-code, quote star and the shortcut back.

Apart from undoing a creation, codes are never deleted: a merged or retired code stays,
retired, so old exports keep their meaning.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import func
from sqlmodel import select

from workbench.coding.codebook import COLOUR_RE, PALETTE
from workbench.coding.models import Code, Coding, Decision, Memo, QuoteStar, SuggestionFeedback
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


def _update(store, code_id: int, action: str, **values) -> dict:
    """Set ``values`` on the code; returns the old values (the same keys)."""
    with store.transaction() as s:
        c = _code(s, code_id)
        old = {k: getattr(c, k) for k in values}
        for k, v in values.items():
            setattr(c, k, v)
        c.version += 1
        s.add(c)
        store.log(s, action, "code", code_id, key=c.key, old=old, new=values)
        return old


def rename_code(store, code_id: int, label: str) -> str:
    """Give a code a new label; returns the old label (rename back with it to undo)."""
    label = (label or "").strip()
    if not label:
        raise InputError("a code needs a label")
    return _update(store, code_id, "code.rename", label=label)["label"]


def recolour(store, code_id: int, colour: str) -> str:
    """Give a code a new colour; returns the old colour."""
    if not COLOUR_RE.match(colour or ""):
        raise InputError(f"colour {colour!r} is not #rrggbb")
    return _update(store, code_id, "code.recolour", colour=colour)["colour"]


def set_shortcut(store, code_id: int, shortcut: Optional[str]) -> Optional[str]:
    """Give a code a one-key shortcut (1–9 or a letter), or none; keys must stay unique.
    Returns the old shortcut."""
    with store.transaction() as s:
        c = _code(s, code_id)
        sc = _check_shortcut(store, s, shortcut, c.codebook_id, exclude=c.id)
        old = c.shortcut
        c.shortcut, c.version = sc, c.version + 1
        s.add(c)
        store.log(s, "code.shortcut", "code", code_id, key=c.key, old=old, new=sc)
        return old


def move_code(store, code_id: int, parent_id: Optional[int] = None, category: Optional[str] = None) -> dict:
    """Put a code under another code (or at the top), optionally in another category.
    Returns the old place {parent_id, category}: ``move_code(store, id, **old)`` undoes it."""
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
        return old


def retire_code(store, code_id: int, retired: bool = True) -> bool:
    """Retire a code (it stays on old codings, is no longer offered) or bring it back.
    Returns whether it was retired before."""
    return bool(_update(store, code_id, "code.retire" if retired else "code.unretire", retired=retired)["retired"])


# -- undoing a creation ---------------------------------------------------------------------

_CODE_FIELDS = ("id", "uid", "codebook_id", "key", "label", "category", "description", "inclusion", "exclusion",
                "examples", "keywords", "bands", "questions", "colour", "shortcut", "parent_id", "position",
                "retired", "version")


def code_snapshot(c: Code) -> dict:
    """Every column of a code, JSON-safe (what ``restore_code`` needs)."""
    return {k: (list(getattr(c, k)) if isinstance(getattr(c, k), (list, tuple)) else getattr(c, k))
            for k in _CODE_FIELDS}


def _uses(s, c: Code) -> list[str]:
    """What refers to the code (empty: it can be deleted without losing anything)."""
    uses = []
    n = s.exec(select(func.count()).select_from(Coding).where(Coding.code_id == c.id)).one()
    if n:
        uses.append(f"{n} codings")
    n = s.exec(select(func.count()).select_from(Code).where(Code.parent_id == c.id)).one()
    if n:
        uses.append(f"{n} sub-codes")
    n = s.exec(select(func.count()).select_from(Memo).where(Memo.target_type == "code",
                                                            Memo.target_id == c.id)).one()
    if n:
        uses.append(f"{n} memos")
    n = s.exec(select(func.count()).select_from(SuggestionFeedback)
               .where(SuggestionFeedback.code_id == c.id)).one()
    if n:
        uses.append(f"{n} suggestion verdicts")
    n = 0  # decisions name codes by key, in what was decided and in the codings it was made on
    for codes, inputs in s.exec(select(Decision.codes, Decision.inputs)).all():
        if c.key in (codes or []) or any(item and item[0] == c.key
                                         for spans in (inputs or {}).values() for item in (spans or [])):
            n += 1
    if n:
        uses.append(f"{n} decisions")
    return uses


def delete_code(store, code_id: int) -> dict:
    """Delete a code nothing refers to (the inverse of ``create_code``); returns its snapshot
    for ``restore_code``. A code in use (codings, sub-codes, memos, suggestion verdicts,
    decisions) is refused: retire it instead."""
    with store.transaction() as s:
        c = _code(s, code_id)
        uses = _uses(s, c)
        if uses:
            raise InputError(f"cannot delete {c.label!r}: it is used by {', '.join(uses)}; retire it instead")
        snap = code_snapshot(c)
        s.delete(c)
        store.log(s, "code.delete", "code", code_id, key=c.key, snapshot=snap)
        return snap


def restore_code(store, snapshot: dict) -> int:
    """Re-create a deleted code exactly as ``delete_code`` returned it: same id, uid, key,
    label, category, colour, shortcut, parent, position (so undo commands that name the id
    stay valid). Returns the id."""
    data = {k: snapshot[k] for k in _CODE_FIELDS if k in snapshot}
    cid = data.get("id")
    if cid is None or not data.get("key") or not data.get("codebook_id"):
        raise InputError("a code snapshot needs id, key and codebook_id")
    with store.transaction() as s:
        if s.get(Code, cid) is not None:
            raise InputError(f"cannot restore code {data['key']!r}: id {cid} is taken")
        if s.exec(select(Code).where(Code.codebook_id == data["codebook_id"], Code.key == data["key"])).first():
            raise InputError(f"cannot restore code {data['key']!r}: a code with that id already exists")
        if data.get("uid") and s.exec(select(Code).where(Code.uid == data["uid"])).first():
            raise InputError(f"cannot restore code {data['key']!r}: its uid is taken")
        if data.get("parent_id") is not None:
            _code(s, data["parent_id"])
        if not data.get("retired"):
            _check_shortcut(store, s, data.get("shortcut"), data["codebook_id"])
        c = Code(**data)
        s.add(c)
        s.flush()
        store.log(s, "code.restore", "code", c.id, key=c.key, snapshot=code_snapshot(c))
        return c.id


# -- merging and unmerging ------------------------------------------------------------------

def _coding_row(cd: Coding) -> dict:
    return dict(id=cd.id, uid=cd.uid, answer_id=cd.answer_id, coder_id=cd.coder_id, code_id=cd.code_id,
                start=cd.start, end=cd.end, source=cd.source, created_at=_iso(cd.created_at))


def _iso(t: Optional[datetime]) -> Optional[str]:
    return None if t is None else t.isoformat()


def _time(v: Any) -> Optional[datetime]:
    return datetime.fromisoformat(v) if isinstance(v, str) else v


class MergeResult(dict):
    """What ``merge_codes`` returns: the counts {moved, dropped} as before, and in ``detail``
    what ``unmerge_codes`` needs to undo the merge."""

    def __init__(self, counts: dict, detail: dict):
        super().__init__(counts)
        self.detail = detail


def merge_codes(store, source_id: int, target_id: int) -> MergeResult:
    """Move every coding of ``source`` to ``target`` and retire ``source``.

    A coding that would duplicate one the same coder already has (same answer, same span)
    is dropped instead of moved (a quote star on it moves to the coding kept). Sub-codes of
    the source move under the target.

    Returns counts {moved, dropped}; its ``.detail`` (JSON-safe, also in the audit event)
    is what ``unmerge_codes`` needs: source_id, target_id, moved_codings [{id, source}],
    dropped_codings (whole rows), children, stars, shortcut, was_retired.
    """
    if source_id == target_id:
        raise InputError("cannot merge a code into itself")
    with store.transaction() as s:
        src, tgt = _code(s, source_id), _code(s, target_id)
        if tgt.retired:
            raise InputError(f"cannot merge into the retired code {tgt.label!r}")
        kept = {(c.answer_id, c.coder_id, c.start, c.end): c.id
                for c in s.exec(select(Coding).where(Coding.code_id == target_id))}
        stars: dict[int, list[QuoteStar]] = {}
        for st in s.exec(select(QuoteStar).join(Coding, Coding.id == QuoteStar.coding_id)
                         .where(Coding.code_id.in_([source_id, target_id]))).all():
            stars.setdefault(st.coding_id, []).append(st)
        moved, dropped, star_log = [], [], []
        for cd in s.exec(select(Coding).where(Coding.code_id == source_id).order_by(Coding.id)).all():
            k = (cd.answer_id, cd.coder_id, cd.start, cd.end)
            if k in kept:
                dropped.append(_coding_row(cd))
                for st in stars.pop(cd.id, []):  # a starred quote stays starred on the coding kept
                    rec = dict(id=st.id, coding_id=st.coding_id, starred_by=st.starred_by, at=_iso(st.at))
                    if stars.get(kept[k]):
                        s.delete(st)
                        rec["moved_to"] = None
                    else:
                        st.coding_id = kept[k]
                        s.add(st)
                        stars[kept[k]] = [st]
                        rec["moved_to"] = kept[k]
                    star_log.append(rec)
                    s.flush()
                s.delete(cd)
            else:
                kept[k] = cd.id
                moved.append(dict(id=cd.id, source=cd.source))
                cd.code_id = target_id
                cd.source = "merge"
                s.add(cd)
        children = []
        for child in s.exec(select(Code).where(Code.parent_id == source_id).order_by(Code.id)).all():
            child.parent_id = target_id
            s.add(child)
            children.append(child.id)
        was_retired = bool(src.retired)
        src.retired = True
        src.shortcut, old_shortcut = None, src.shortcut
        src.version += 1
        s.add(src)
        detail = dict(source_id=source_id, target_id=target_id, moved_codings=moved, dropped_codings=dropped,
                      children=children, stars=star_log, shortcut=old_shortcut, was_retired=was_retired)
        store.log(s, "code.merge", "code", source_id, source=src.key, target=tgt.key,
                  moved=[m["id"] for m in moved], dropped=dropped, **detail)
        return MergeResult({"moved": len(moved), "dropped": len(dropped)}, detail)


def unmerge_codes(store, detail: dict) -> dict:
    """Undo ``merge_codes`` from what it returned (its ``MergeResult`` or ``.detail``, or
    the payload of its audit event):
    moved codings go back to the source with their original ``source``, dropped duplicates
    come back with their original id, uid, answer, coder, span, source and created_at,
    sub-codes and quote stars go back, the source gets its shortcut and retired state back.

    Codings that have meanwhile been deleted or moved off the target (by someone else) are
    left alone and counted as ``skipped``. Returns counts {restored, reinserted, skipped}.
    """
    detail = getattr(detail, "detail", detail)
    source_id, target_id = int(detail["source_id"]), int(detail["target_id"])
    with store.transaction() as s:
        src, tgt = _code(s, source_id), _code(s, target_id)
        restored = skipped = 0
        for m in detail.get("moved_codings", []):
            cd = s.get(Coding, m["id"])
            if cd is None or cd.code_id != target_id:
                skipped += 1
                continue
            cd.code_id, cd.source = source_id, m["source"]
            s.add(cd)
            restored += 1
        reinserted, renumbered = 0, {}
        for row in detail.get("dropped_codings", []):
            if s.exec(select(Coding).where(Coding.uid == row["uid"])).first() is not None:
                skipped += 1  # already back
                continue
            data = dict(row, code_id=source_id, created_at=_time(row["created_at"]))
            if s.get(Coding, row["id"]) is not None:  # the id was reused meanwhile: keep the uid, new id
                data.pop("id")
            cd = Coding(**data)
            s.add(cd)
            s.flush()
            renumbered[row["id"]] = cd.id
            reinserted += 1
        for st in detail.get("stars", []):
            coding_id = renumbered.get(st["coding_id"], st["coding_id"])
            if s.get(Coding, coding_id) is None:
                continue
            if st.get("moved_to") is not None:
                q = s.get(QuoteStar, st["id"])
                if q is not None and q.coding_id == st["moved_to"]:
                    q.coding_id = coding_id
                    s.add(q)
            elif s.get(QuoteStar, st["id"]) is None and not s.exec(
                    select(QuoteStar).where(QuoteStar.coding_id == coding_id)).first():
                s.add(QuoteStar(id=st["id"], coding_id=coding_id, starred_by=st.get("starred_by"),
                                at=_time(st.get("at"))))
        for cid in detail.get("children", []):
            child = s.get(Code, cid)
            if child is not None and child.parent_id == target_id:
                child.parent_id = source_id
                s.add(child)
        src.retired = bool(detail.get("was_retired", False))
        sc = detail.get("shortcut")
        if sc and not src.retired:
            try:
                sc = _check_shortcut(store, s, sc, src.codebook_id, exclude=src.id)
            except InputError:  # someone else has the key now: leave the source without one
                sc = None
        src.shortcut = sc
        src.version += 1
        s.add(src)
        res = dict(restored=restored, reinserted=reinserted, skipped=skipped)
        store.log(s, "code.unmerge", "code", source_id, source=src.key, target=tgt.key, target_id=target_id,
                  shortcut=sc, **res)
        return res
