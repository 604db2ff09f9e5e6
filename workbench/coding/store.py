"""The project store: open a project (SQLite file or PostgreSQL URL), migrate it, and run
each user action as one committed transaction that also writes the audit log.

SQLite runs in WAL mode with ``synchronous=FULL`` and foreign keys on, so that a commit
the user was told about survives a crash, a kill or a power cut.
"""
from __future__ import annotations

import functools
import getpass
import logging
import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Optional

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine, select

from workbench.errors import (BusyError, CommitUnknownError, ConflictError, ConnectionLostError, DiskFullError,
                              InputError, PermissionRefused, SaveError, WorkbenchError)
from workbench.coding.models import AuditEvent, Code, Codebook, Coder, Project
from workbench.coding.urls import hide_password, without_password

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).with_name("migrations")
_MIGRATE_LOCK = threading.Lock()
FINAL_CODER = "final"


def resolve_url(project: str | os.PathLike) -> str:
    """A project argument (path or URL) as an SQLAlchemy URL."""
    s = str(project)
    if "://" in s:
        if s.startswith("postgresql://") or s.startswith("postgres://"):
            s = "postgresql+psycopg://" + s.split("://", 1)[1]
        return s
    return "sqlite:///" + str(Path(s).expanduser().resolve())


def _ms(name: str, default: int) -> int:
    try:
        return max(0, int(os.environ.get(name, default)))
    except ValueError:
        return default


# How long an action waits for another writer before it is told the project is busy: an
# action that cannot be saved says so within seconds instead of freezing the window.
SQLITE_BUSY_MS = 2000
PG_LOCK_TIMEOUT_MS = 10000


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={_ms('WORKBENCH_BUSY_TIMEOUT_MS', SQLITE_BUSY_MS)}")
    cur.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # a row another person holds locked is waited for at most this long (then: "busy, try again")
    lock_ms = _ms("WORKBENCH_LOCK_TIMEOUT_MS", PG_LOCK_TIMEOUT_MS)
    return create_engine(url, pool_pre_ping=True, connect_args={"options": f"-c lock_timeout={lock_ms}"})


def _disk_full(e: BaseException) -> bool:
    """SQLite's SQLITE_FULL, PostgreSQL's disk_full (53100) or the OS's ENOSPC, however wrapped."""
    while e is not None:
        text = str(e).lower()
        if ("database or disk is full" in text or "no space left on device" in text
                or getattr(e, "sqlstate", None) == "53100" or getattr(e, "errno", None) == 28):
            return True
        e = getattr(e, "orig", None) or e.__cause__
    return False


def alembic_config(connection=None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@functools.lru_cache(maxsize=1)
def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


class Store:
    """An open project. Use ``with store.transaction() as s:`` for each user action.

    ``actor`` is who the audit log names for every action through this store:

    * On PostgreSQL, when the database login (``session_user``) is a person in the project
      (a ``Coder`` row of that name, as ``team add-user`` makes one for every login), the
      actor *is* that login, whatever ``actor=`` or ``WORKBENCH_USER`` say. The login is
      what the server authenticated and what its policies match (a coder reads only the
      audit events they performed, ``team._own_event``), so the audit trail's "who did
      what" cannot be changed by setting an environment variable, and a coder whose
      computer account has another name still reads their own events. The team's policy
      on the audit log checks the same rule on the server (``team._grants``).
    * Otherwise (SQLite; a PostgreSQL login that is nobody in the project, such as the
      database owner running an import) it is ``actor=``, else ``WORKBENCH_USER``, else the
      operating-system user, as always.

    ``login`` is the PostgreSQL login (``None`` on SQLite, and until ``Store.open`` ran).
    """

    def __init__(self, url: str, actor: Optional[str] = None):
        self.url = url
        self.engine = make_engine(url)
        self.actor = actor or _default_actor()
        self.login: Optional[str] = None

    # -- opening -------------------------------------------------------------------
    @classmethod
    def open(cls, project: str | os.PathLike, *, create: bool = False, actor: Optional[str] = None) -> "Store":
        """Open (and with ``create`` make) a project and bring its schema to the newest version."""
        url = resolve_url(project)
        if url.startswith("sqlite"):
            path = Path(make_url(url).database or "")
            if not path.exists() and not create:
                raise InputError(f"no project file at {path} (create one with `workbench init`)", file=str(path))
            if path.exists() and path.is_dir():
                raise InputError("is a folder, not a project file", file=str(path))
            if path.exists():
                with open(path, "rb") as f:
                    head = f.read(16)
                if head and not head.startswith(b"SQLite format 3"):
                    raise InputError("is not a workbench project (not an SQLite database)", file=str(path))
        store = cls(url, actor=actor)
        try:
            store.migrate()
        except InputError:
            raise
        except Exception as e:  # unreachable server, corrupt file, ...
            store.engine.dispose()
            # the message reaches stderr and the GUI's error dialog: never with a password
            # (not in the text, not in the chained exception an error report might print)
            raise WorkbenchError(hide_password(f"cannot open project {without_password(project)}: {e}", project)) from None
        if create:
            with store.transaction() as s:
                if s.exec(select(Project)).first() is None:
                    name = Path(str(project)).stem if "://" not in str(project) else make_url(url).database
                    s.add(Project(name=name or "project", settings={"min_cell": 5}))
                    store.log(s, "project.create", "project", name=name)
        elif store.project_row() is None:
            store.engine.dispose()
            raise InputError("is not an initialised workbench project (run `workbench init`)",
                             file=without_password(project))
        if not store.is_sqlite:
            store._actor_from_login()
        return store

    def _actor_from_login(self) -> None:
        """PostgreSQL: the login is the actor when it is a person in the project (see the
        class docstring)."""
        with self.engine.connect() as conn:
            self.login = conn.execute(text("SELECT session_user")).scalar()
            if conn.execute(select(Coder.id).where(Coder.name == self.login)).first() is not None:
                self.actor = self.login

    def migrate(self) -> None:
        """Create or upgrade the schema through Alembic (never by probing columns).

        An SQLite project that holds a schema already is backed up (label ``before-upgrade``)
        before it is changed. On PostgreSQL an upgrade needs the owner of the tables: a coder
        whose login may not alter them is told to ask the administrator instead of seeing the
        server's permission error."""
        head = head_revision()
        current = self.schema_revision()
        if current == head:
            return
        backup = None
        if current is not None and self.is_sqlite and self.path is not None and self.path.exists():
            from workbench.coding.backup import create_backup

            backup = create_backup(self.path, label="before-upgrade")
        try:
            with _MIGRATE_LOCK, self.engine.begin() as conn:  # Alembic's upgrade is not thread-safe
                command.upgrade(alembic_config(conn), "head")
        except Exception as e:
            denied = any(w in str(e).lower() for w in ("permission denied", "must be owner"))
            if current is not None and not self.is_sqlite and denied:
                raise InputError(f"the project's database schema is version {current} and this workbench needs "
                                 f"{head}; your login may not upgrade it. Ask the administrator to run "
                                 f"`workbench doctor` with the owner's login (it upgrades the schema), then "
                                 f"`workbench team setup` again") from None
            raise
        if current is not None:  # an existing project changed shape: the audit trail says so
            if not self.is_sqlite:
                self._actor_from_login()  # in the login's name, as every event on a team server
            with self.transaction() as s:
                self.log(s, "project.upgrade", "project", None, **{"from": current, "to": head,
                                                                   "backup": backup.name if backup else None})

    def schema_revision(self) -> Optional[str]:
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def close(self) -> None:
        self.engine.dispose()

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def path(self) -> Optional[Path]:
        return Path(make_url(self.url).database) if self.is_sqlite else None

    # -- transactions ----------------------------------------------------------------
    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One user action: everything inside commits together or not at all.

        On SQLite it takes the write lock first (``BEGIN IMMEDIATE``), so two writers queue
        instead of one failing half-way, and waits for it at most ``SQLITE_BUSY_MS``. Errors
        a person can act on become one sentence (``SaveError`` and its kinds, ``DiskFullError``)
        with the technical detail in the log: the connection was lost (nothing saved), the
        project is busy, someone did the same at the same moment (``ConflictError``). When
        the connection breaks during the commit itself, the server is asked afterwards whether
        the action's audit event is there: if it is, the action was saved and the transaction
        ends normally; if it is not, nothing was saved; if the server cannot be asked, the
        person is told that it is unknown (``CommitUnknownError``)."""
        with self.session() as s:
            committing = False
            try:
                if self.is_sqlite:
                    s.connection().exec_driver_sql("BEGIN IMMEDIATE")
                yield s
                s.flush()
                events = s.info.get("wb_events", [])  # their ids are known now
                committing = True
                s.commit()
            except BaseException as e:
                try:
                    s.rollback()
                except Exception:  # the connection is gone: nothing to roll back
                    log.debug("rollback after a failed action failed", exc_info=True)
                if _disk_full(e):
                    raise DiskFullError("the disk is full, so this change was not saved (nothing of it was "
                                        "written; everything saved before is intact). Free some space and "
                                        "do it again.") from e
                nice = self._save_error(e)
                if nice is None:
                    raise
                if committing and isinstance(nice, ConnectionLostError):
                    landed = self._landed([ev.id for ev in events if ev.id is not None])
                    if landed:
                        log.warning("the connection broke during a commit that landed", exc_info=e)
                        return
                    if landed is None:
                        nice = CommitUnknownError()
                log.warning("action not saved: %s", nice.en, exc_info=e)
                raise nice from e

    @staticmethod
    def _save_error(e: BaseException) -> Optional[SaveError]:
        """The sentence for a database error a person can act on, or None."""
        from sqlalchemy import exc

        if isinstance(e, SaveError):
            return e
        if not isinstance(e, exc.DBAPIError):
            return None
        orig = e.orig
        state = getattr(orig, "sqlstate", None) or ""
        text_ = str(orig).lower()
        if isinstance(e, exc.IntegrityError):
            return ConflictError(
                "Someone else saved the same change at the same moment — yours was not saved; look at the answer "
                "again and redo it if it is still needed.",
                "En anden gemte den samme ændring i samme øjeblik — din er ikke gemt; se svaret igen, og gentag "
                "den, hvis den stadig mangler.")
        if e.connection_invalidated or state.startswith("08") or state in ("57P01", "57P02", "57P03") or any(
                w in text_ for w in ("server closed the connection", "connection is closed", "terminating connection",
                                     "connection refused", "could not connect", "consuming input failed",
                                     "the connection is lost", "ssl syscall error")):
            return ConnectionLostError()
        if state == "42501":  # the server's grants or row-level security refused it
            return PermissionRefused(
                "The server refused this change: your login may not make it — nothing was saved. Ask a supervisor "
                "or an admin.",
                "Serveren afviste ændringen: dit login må ikke foretage den — intet er gemt. Spørg en supervisor "
                "eller en administrator.")
        if state in ("55P03", "40P01", "40001", "57014") or "database is locked" in text_ or "database is busy" in text_:
            if state:
                return BusyError("Someone else was changing the same thing and the server waited too long — the "
                                 "change was not saved; try again.",
                                 "En anden var i gang med at ændre det samme, og serveren ventede for længe — "
                                 "ændringen er ikke gemt; prøv igen.")
            return BusyError("The project is busy (an import or another program is writing to it) — the change "
                             "was not saved; try again in a moment.",
                             "Projektet er optaget (en import eller et andet program skriver i det) — ændringen er "
                             "ikke gemt; prøv igen om lidt.")
        return None

    def _landed(self, event_ids: list[int]) -> Optional[bool]:
        """After a commit whose answer was lost: is its audit event in the database? None when
        the server cannot be asked (or the action wrote no event)."""
        if not event_ids:
            return None
        try:
            with self.engine.connect() as conn:
                return conn.execute(select(AuditEvent.id).where(AuditEvent.id == event_ids[-1])).first() is not None
        except Exception:  # noqa: BLE001 — still unreachable
            log.debug("could not ask whether the commit landed", exc_info=True)
            return None

    def log(self, s: Session, action: str, entity: str = "", entity_id: Any = None, **payload: Any) -> None:
        """Append to the audit log inside the caller's transaction."""
        ev = AuditEvent(actor=self.actor, action=action, entity=entity,
                        entity_id=None if entity_id is None else str(entity_id), payload=payload)
        s.add(ev)
        s.info.setdefault("wb_events", []).append(ev)  # after a commit whose answer was lost: did it land?

    # -- common look-ups -------------------------------------------------------------
    def project_row(self) -> Optional[Project]:
        with self.session() as s:
            return s.exec(select(Project)).first()

    def settings(self) -> dict:
        p = self.project_row()
        return dict(p.settings) if p else {}

    def update_settings(self, **values: Any) -> None:
        with self.transaction() as s:
            p = s.exec(select(Project)).one()
            p.settings = {**p.settings, **values}
            s.add(p)
            self.log(s, "project.settings", "project", p.id, **values)

    def coder(self, s: Session, name: str, role: str = "coder", create: bool = True) -> Coder:
        c = s.exec(select(Coder).where(Coder.name == name)).first()
        if c is None:
            if not create:
                raise InputError(f"no coder named {name!r} in the project")
            c = Coder(name=name, role="final" if name == FINAL_CODER else role)
            s.add(c)
            s.flush()
            self.log(s, "coder.create", "coder", c.id, name=name, role=c.role)
        return c

    def active_codebook(self, s: Session) -> Optional[Codebook]:
        return s.exec(select(Codebook).where(Codebook.active == True).order_by(Codebook.id)).first()  # noqa: E712

    def codes(self, s: Session, include_retired: bool = True) -> list[Code]:
        cb = self.active_codebook(s)
        if cb is None:
            return []
        q = select(Code).where(Code.codebook_id == cb.id)
        if not include_retired:
            q = q.where(Code.retired == False)  # noqa: E712
        return list(s.exec(q.order_by(Code.position, Code.id)))

    def integrity_problems(self) -> list[str]:
        """Database-level checks: SQLite's integrity and foreign keys, schema at head."""
        problems: list[str] = []
        with self.engine.connect() as conn:
            if self.is_sqlite:
                res = [r[0] for r in conn.execute(text("PRAGMA integrity_check"))]
                if res != ["ok"]:
                    problems += [f"integrity: {r}" for r in res]
                fk = list(conn.execute(text("PRAGMA foreign_key_check")))
                problems += [f"foreign key: {tuple(r)}" for r in fk]
        rev = self.schema_revision()
        if rev != head_revision():
            problems.append(f"schema revision {rev} is not the newest ({head_revision()})")
        return problems


def _default_actor() -> str:
    try:
        return os.environ.get("WORKBENCH_USER") or getpass.getuser()
    except Exception:
        return "unknown"
