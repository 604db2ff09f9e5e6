"""Offline copies: take a project home as an SQLite file, code there, merge it back.

Rows are matched by what stays stable across copies, never by integer ids: answers by
``Answer.uid``, codes by key, coders by name, memos by uid. A coder's coding of an answer
is merged as a whole set (codes and spans). When the copy changed a set the project did not
touch since the copy was taken, the copy's set is taken; when only the project changed it,
the project's is kept; when both changed it, it is a *conflict*: reported, never
overwritten. The copy's time comes from ``make_offline_copy`` (``Project.settings``), or
else from the newest audit event the two share (a plain file copy shares its history); with
neither, every difference is a conflict. ``final`` codings and decisions are not merged:
reconciliation happens on the team project.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from sqlalchemy import insert, select, text
from sqlalchemy.engine import make_url

from workbench.coding.codings import delete_codings, restore_stars
from workbench.coding.models import (Answer, AnswerState, AuditEvent, Code, Coder, Coding, Memo, Project, Question,
                                     Respondent, SQLModel, new_uid, utcnow)
from workbench.coding.store import FINAL_CODER, Store
from workbench.coding.urls import without_password
from workbench.errors import InputError


def _utc(d: Optional[datetime]) -> Optional[datetime]:
    if d is None:
        return None
    return d.replace(tzinfo=timezone.utc) if d.utcoffset() is None else d.astimezone(timezone.utc)


def make_offline_copy(store, dest: str | Path) -> Path:
    """Copy the whole project (SQLite or PostgreSQL) into a new SQLite file and record when
    and from where, so a later merge can tell whose changes are newer. On a team server the
    copy holds only what the user may read (row-level security)."""
    dest = Path(dest)
    if dest.exists():
        raise InputError("a file already exists here", file=str(dest))
    out = Store("sqlite:///" + str(dest.resolve()), actor=store.actor)
    try:
        out.migrate()
        taken = utcnow()
        with store.engine.connect() as src, out.engine.begin() as dst:
            dst.execute(text("PRAGMA defer_foreign_keys=ON"))
            for table in SQLModel.metadata.sorted_tables:
                pk = list(table.primary_key.columns)
                rows = [dict(r) for r in src.execute(select(table).order_by(*pk)).mappings()]
                for k in range(0, len(rows), 5000):
                    dst.execute(insert(table), rows[k:k + 5000])
        with out.transaction() as s:
            p = s.exec(select(Project)).scalars().first()
            if p is None:
                raise InputError("the project has no project row to copy", file=without_password(store.url))
            source = make_url(store.url).render_as_string(hide_password=True)
            p.settings = {**p.settings, "offline_copy": {"source": source, "taken_at": taken.isoformat()}}
            s.add(p)
            out.log(s, "project.offline_copy", "project", p.id, source=source, taken_at=taken.isoformat())
    except BaseException:
        out.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(dest) + suffix).unlink(missing_ok=True)
        raise
    out.close()
    return dest


def _copy_time(store, other) -> Optional[datetime]:
    info = (other.settings().get("offline_copy") or {})
    if info.get("taken_at"):
        return _utc(datetime.fromisoformat(info["taken_at"]))
    with store.session() as s, other.session() as o:
        ours = {(_utc(a), act, e, i) for a, act, e, i in s.exec(
            select(AuditEvent.at, AuditEvent.action, AuditEvent.entity, AuditEvent.entity_id)).all()}
        common = [_utc(a) for a, act, e, i in o.exec(
            select(AuditEvent.at, AuditEvent.action, AuditEvent.entity, AuditEvent.entity_id)).all()
            if (_utc(a), act, e, i) in ours]
    return max(common) if common else None


def _load(store):
    """One query per table: the pieces of a project a merge needs, keyed by stable ids."""
    with store.session() as s:
        answers = {i: (u, r, q) for i, u, r, q in s.exec(
            select(Answer.id, Answer.uid, Respondent.key, Question.key).join(Respondent, Respondent.id == Answer.respondent_id)
            .join(Question, Question.id == Answer.question_id)).all()}
        codes = {i: k for i, k in s.exec(select(Code.id, Code.key).order_by(Code.id)).all()}
        active = {c.key: c.id for c in store.codes(s)}
        coders = {i: (n, r) for i, n, r in s.exec(select(Coder.id, Coder.name, Coder.role)).all()}
        states = {(a, c): (coded, flagged, _utc(at), v) for a, c, coded, flagged, at, v in s.exec(
            select(AnswerState.answer_id, AnswerState.coder_id, AnswerState.coded, AnswerState.flagged,
                   AnswerState.updated_at, AnswerState.version)).all()}
        codings: dict = defaultdict(list)
        for a, c, code, st, en, uid, src in s.exec(select(Coding.answer_id, Coding.coder_id, Coding.code_id, Coding.start,
                                                          Coding.end, Coding.uid, Coding.source)).all():
            codings[(a, c)].append((codes[code], st, en, uid, src))
        memos = {m.uid: m for m in s.exec(select(Memo)).scalars()}
        project_id = s.exec(select(Project.id)).scalars().first()
    return dict(answers=answers, codes=codes, active=active, coders=coders, states=states, codings=codings,
                memos=memos, project_id=project_id)


def _set(rows) -> list:
    return sorted([k, st, en] for k, st, en, *_ in rows)


def _only_own_work(store) -> Optional[str]:
    """On a team server a coder merges only their own work: other people's rows in the copy
    are not theirs to write (the server would refuse them and fail the whole merge), and
    may be hidden from them since the copy was taken (a new blind round), so they would
    look new. Supervisors, too, write codings only as themselves on a team server (the
    ``final`` coding is written by reconciliation). Admins, and SQLite projects, merge
    everyone's."""
    login = getattr(store, "login", None)
    if store.is_sqlite or not login:
        return None
    with store.session() as s:
        role = s.exec(select(Coder.role).where(Coder.name == login)).scalars().first()
    return login if role in ("coder", "supervisor") else None


def merge_project(store, other_path: str | Path) -> dict:
    """Merge an offline SQLite copy's codings, answer states and memos into ``store``.

    Returns ``{added, updated, unchanged, kept, memos_added, memos_updated, conflicts,
    unmatched, not_yours, copied_at}``; ``conflicts`` lists each (answer, coder) or memo
    changed on both sides, with both versions; ``not_yours`` counts other people's rows a
    coder's merge left alone (see ``_only_own_work``)."""
    only = _only_own_work(store)
    other_path = Path(other_path)
    if not other_path.exists():
        raise InputError("no such file", file=str(other_path))
    other = Store.open(other_path)
    try:
        if store.is_sqlite and store.path and store.path.resolve() == other_path.resolve():
            raise InputError("cannot merge a project into itself", file=str(other_path))
        copied_at = _copy_time(store, other)
        T, O = _load(store), _load(other)
    finally:
        other.close()
    ans_by_uid = {u: i for i, (u, _r, _q) in T["answers"].items()}
    code_by_key = {k: i for i, k in T["codes"].items()}
    code_by_key.update(T["active"])
    coder_by_name = {n: i for i, (n, _r) in T["coders"].items()}

    def changed(at: Optional[datetime]) -> bool:
        return copied_at is None or at is None or at > copied_at

    rep = {"added": 0, "updated": 0, "unchanged": 0, "kept": 0, "codings_added": 0, "memos_added": 0,
           "memos_updated": 0, "conflicts": [], "unmatched": [], "not_yours": 0, "copied_at": copied_at.isoformat() if copied_at else None}
    with store.transaction() as s:
        new_coders = {}
        for oid, (name, role) in O["coders"].items():
            if name == FINAL_CODER or name in coder_by_name or (only and name != only):
                continue
            c = store.coder(s, name, role=role)
            coder_by_name[name] = c.id
            new_coders[name] = role
        used_uids = {x[3] for v in T["codings"].values() for x in v}
        replace: dict[tuple[int, int], list] = {}
        state_rows: dict[tuple[int, int], tuple] = {}
        for (oa, oc), (coded, flagged, at, _v) in sorted(O["states"].items()):
            name, _role = O["coders"][oc]
            if name == FINAL_CODER:
                continue
            if only and name != only:
                rep["not_yours"] += 1
                continue
            uid, rkey, qkey = O["answers"][oa]
            ta = ans_by_uid.get(uid)
            theirs = O["codings"].get((oa, oc), [])
            missing = sorted({k for k, *_ in theirs if k not in code_by_key})
            where = {"answer_uid": uid, "respondent": rkey, "question": qkey, "coder": name}
            if ta is None or missing:
                rep["unmatched"].append({**where, "reason": "answer not in the project" if ta is None
                                         else f"unknown code(s) {', '.join(missing)}"})
                continue
            tc = coder_by_name[name]
            ours_state = T["states"].get((ta, tc))
            ours = T["codings"].get((ta, tc), [])
            if ours_state is None and not ours:
                replace[(ta, tc)] = theirs
                state_rows[(ta, tc)] = (coded, flagged, at, None)
                rep["added"] += 1
                continue
            if _set(theirs) == _set(ours) and (ours_state is None or ours_state[0] == coded):
                rep["unchanged"] += 1
                continue
            ours_at = ours_state[2] if ours_state else None
            if changed(at) and not changed(ours_at):
                replace[(ta, tc)] = theirs
                state_rows[(ta, tc)] = (coded, flagged, at, ours_state)
                rep["updated"] += 1
            elif changed(ours_at) and not changed(at):
                rep["kept"] += 1
            else:
                rep["conflicts"].append({**where, "kind": "coding", "ours": _set(ours), "theirs": _set(theirs),
                                         "ours_coded": bool(ours_state and ours_state[0]), "theirs_coded": coded})
        conn_rows, stars = [], []
        for (ta, tc), rows in replace.items():
            stars += delete_codings(s, (Coding.answer_id == ta) & (Coding.coder_id == tc))
            for k, st, en, uid, src in rows:
                if uid in used_uids:  # the same coding exists elsewhere in the project: a new identity
                    uid = new_uid()
                used_uids.add(uid)
                conn_rows.append(dict(uid=uid, answer_id=ta, coder_id=tc, code_id=code_by_key[k], start=st, end=en,
                                      source="merge", created_at=utcnow()))
        if conn_rows:
            s.exec(insert(Coding), params=conn_rows)
        restore_stars(s, stars)
        rep["codings_added"] = len(conn_rows)
        for (ta, tc), (coded, flagged, at, ours_state) in state_rows.items():
            st = s.exec(select(AnswerState).where(AnswerState.answer_id == ta, AnswerState.coder_id == tc)
                        .with_for_update()).scalars().first()
            if st is None:
                st = AnswerState(answer_id=ta, coder_id=tc, version=1)
            elif ours_state is not None and st.version != ours_state[3]:
                raise InputError(f"answer {ta} was changed while merging; merge again")
            else:
                st.version += 1
            st.coded, st.flagged, st.updated_at = coded, flagged, utcnow()
            s.add(st)
        # memos
        o_ans_uid = {i: u for i, (u, _r, _q) in O["answers"].items()}
        for uid, m in O["memos"].items():
            if only and (O["coders"].get(m.coder_id, (None,))[0] if m.coder_id else None) != only:
                if uid not in T["memos"] or T["memos"][uid].text != m.text:
                    rep["not_yours"] += 1
                continue
            ours = T["memos"].get(uid)
            if ours is not None:
                if ours.text == m.text:
                    continue
                if changed(_utc(m.updated_at)) and not changed(_utc(ours.updated_at)):
                    ours.text, ours.updated_at = m.text, utcnow()
                    s.add(ours)
                    rep["memos_updated"] += 1
                elif changed(_utc(ours.updated_at)) and not changed(_utc(m.updated_at)):
                    rep["kept"] += 1
                else:
                    rep["conflicts"].append({"kind": "memo", "memo_uid": uid, "target_type": m.target_type,
                                             "ours": ours.text, "theirs": m.text})
                continue
            if m.target_type == "answer":
                target = ans_by_uid.get(o_ans_uid.get(m.target_id))
            elif m.target_type == "code":
                target = code_by_key.get(O["codes"].get(m.target_id))
            else:
                target = T["project_id"]
            if target is None:
                rep["unmatched"].append({"kind": "memo", "memo_uid": uid, "reason": f"{m.target_type} not in the project"})
                continue
            who = O["coders"].get(m.coder_id, (None,))[0] if m.coder_id else None
            s.add(Memo(uid=uid, target_type=m.target_type, target_id=target,
                       coder_id=coder_by_name.get(who) if who else None, text=m.text,
                       created_at=_utc(m.created_at) or utcnow(), updated_at=_utc(m.updated_at) or utcnow()))
            rep["memos_added"] += 1
        store.log(s, "project.merge", "file", str(other_path), copied_at=rep["copied_at"], added=rep["added"],
                  updated=rep["updated"], unchanged=rep["unchanged"], kept=rep["kept"], conflicts=len(rep["conflicts"]),
                  not_yours=rep["not_yours"],
                  new_coders=new_coders)
    return rep
