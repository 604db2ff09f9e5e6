"""Backups through SQLite's online backup API: consistent, pruned, restorable."""
from __future__ import annotations

import subprocess
import sys

from sqlmodel import func, select

from workbench.coding import codings
from workbench.coding.backup import create_backup, list_backups, restore_backup
from workbench.coding.models import Answer, Code, Coding
from workbench.coding.store import Store
from workbench.importer.survey import import_survey


def n_codings(store):
    with store.session() as s:
        return s.exec(select(func.count()).select_from(Coding)).one()


def test_backup_while_open_then_restore(sqlite_store, survey_file):
    import_survey(sqlite_store, survey_file)
    with sqlite_store.session() as s:
        aid = s.exec(select(Answer.id).order_by(Answer.id)).first()
        cid = s.exec(select(Code.id)).first()
    codings.apply_code(sqlite_store, "anne", aid, cid)
    b = create_backup(sqlite_store.path)  # the project is open and in WAL mode
    assert b.exists() and list_backups(sqlite_store.path) == [b]
    codings.apply_code(sqlite_store, "anne", aid + 1, cid)
    assert n_codings(sqlite_store) == 2
    sqlite_store.close()
    safety = restore_backup(sqlite_store.path, b)
    again = Store.open(sqlite_store.path)
    assert n_codings(again) == 1
    assert again.integrity_problems() == []
    # the state before the restore was kept, so the restore can be undone
    restore_backup(sqlite_store.path, safety)
    assert n_codings(Store.open(sqlite_store.path)) == 2


def test_retention(sqlite_store):
    for _ in range(5):
        create_backup(sqlite_store.path, keep=3)
    assert len(list_backups(sqlite_store.path)) == 3


def test_restore_refuses_garbage(sqlite_store, tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database at all" * 100)
    r = subprocess.run([sys.executable, "-m", "workbench.cli", "restore", str(sqlite_store.path), str(bad)],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "not a readable project backup" in r.stderr
    assert Store.open(sqlite_store.path).integrity_problems() == []
