"""Timestamped backups of a SQLite project through SQLite's online backup API.

The backup API copies a consistent snapshot while the project stays open (WAL readers are
not blocked), so the GUI can take one on open and every few minutes. Old backups are
pruned to a retention count. Restoring first backs up the current state, so a restore can
itself be undone.
"""
from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Optional

from workbench.errors import InputError, WorkbenchError

DEFAULT_KEEP = 20


def backup_dir(project: Path) -> Path:
    return project.with_name(project.name + ".backups")


def _check(path: Path) -> None:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        res = con.execute("PRAGMA integrity_check").fetchone()[0]
        if res != "ok":
            raise WorkbenchError(f"{path}: integrity check failed: {res}")
        con.execute("select count(*) from alembic_version").fetchone()
    except sqlite3.DatabaseError as e:
        raise InputError(f"is not a readable project backup ({e})", file=str(path)) from None
    finally:
        con.close()


def create_backup(project: str | Path, dest: Optional[Path] = None, keep: int = DEFAULT_KEEP,
                  label: str = "") -> Path:
    """Copy the project to ``<project>.backups/<name>-<UTC time>[-label].db`` and prune."""
    project = Path(project)
    if not project.exists():
        raise InputError("no project file", file=str(project))
    folder = dest or backup_dir(project)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.utcnow().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{project.stem}-{stamp}{'-' + label if label else ''}.db"
    part = target.with_suffix(".db.part")
    src = sqlite3.connect(project)
    try:
        out = sqlite3.connect(part)
        try:
            src.backup(out)
            out.execute("PRAGMA journal_mode=DELETE")
        finally:
            out.close()
    finally:
        src.close()
    _check(part)
    part.replace(target)
    prune(folder, keep)
    return target


def list_backups(project: str | Path) -> list[Path]:
    folder = backup_dir(Path(project))
    return sorted(folder.glob("*.db")) if folder.exists() else []


def prune(folder: Path, keep: int = DEFAULT_KEEP) -> list[Path]:
    """Delete all but the newest ``keep`` backups (pre-restore snapshots count too)."""
    files = sorted(folder.glob("*.db"))
    gone = files[:-keep] if keep > 0 and len(files) > keep else []
    for f in gone:
        f.unlink(missing_ok=True)
    return gone


def restore_backup(project: str | Path, backup: str | Path) -> Path:
    """Replace the project's content with a backup; returns the safety copy taken first."""
    project, backup = Path(project), Path(backup)
    if not backup.exists():
        raise InputError("backup file not found", file=str(backup))
    _check(backup)
    safety = create_backup(project, label="before-restore", keep=0) if project.exists() else None
    src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(project)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return safety
