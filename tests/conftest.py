"""Shared fixtures: projects on SQLite and on the real PostgreSQL server, and survey files.

PostgreSQL tests create a fresh database per test on the server named by WORKBENCH_PG_URL
(default: postgres@127.0.0.1:5432/test, the machines' trust-auth server) and drop it after.
They fail, not skip, when the server is down: `.ci/run` starts it. Set WORKBENCH_SKIP_PG=1
to skip them deliberately on a laptop without PostgreSQL.
"""
from __future__ import annotations

import csv
import os
import random
import uuid
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("WORKBENCH_USER", "pytest")

from workbench.demo import jobcenter_spec as spec  # noqa: E402
from workbench.coding.codebook import DEFAULT_CODEBOOK, install_codebook, load_codebook  # noqa: E402
from workbench.coding.store import Store  # noqa: E402

PG_URL = os.environ.get("WORKBENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SURVEY_HEADER = ["respondent_id", "year", "subgroup", "gender", "age", "unemployment_months", "ethnicity", "unit"] + [
    f"q{q}_{k}" for q in range(1, 8) for k in ("score", "text")]


def _pg_admin():
    import psycopg

    dsn = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    return psycopg.connect(dsn, autocommit=True, connect_timeout=5)


@pytest.fixture
def pg_url():
    """A fresh, empty PostgreSQL database; dropped after the test."""
    if os.environ.get("WORKBENCH_SKIP_PG"):
        pytest.skip("WORKBENCH_SKIP_PG is set")
    name = f"wb_test_{uuid.uuid4().hex[:12]}"
    with _pg_admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with _pg_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def default_codebook():
    return load_codebook(DEFAULT_CODEBOOK)


def new_project(target: str, codebook=None) -> Store:
    store = Store.open(target, create=True)
    with store.transaction() as s:
        install_codebook(store, s, codebook or load_codebook(DEFAULT_CODEBOOK))
    return store


@pytest.fixture
def sqlite_store(tmp_path):
    store = new_project(str(tmp_path / "p.db"))
    yield store
    store.close()


@pytest.fixture(params=["sqlite", "postgres"])
def any_store(request, tmp_path):
    """The same test on both back-ends."""
    if request.param == "sqlite":
        target = str(tmp_path / "p.db")
    else:
        target = request.getfixturevalue("pg_url")
    store = new_project(target)
    yield store
    store.close()


def survey_rows(n: int = 22, seed: int = 1, year: int = 2020) -> list[dict]:
    rng = random.Random(seed)
    texts = ["Hun lytter og spørger ind til min situation", "Jeg har fået en ny sagsbehandler igen",
             "Der sker ikke noget, jeg venter bare", "Jeg søger mange job hver uge", "Pga. ryggen kan jeg ikke så meget",
             "Vi har lavet en klar plan", "Samtalerne er spild af tid", "Corona har lukket alt", ""]
    subs = [s[0] for s in spec.SUBGROUPS]
    rows = []
    for i in range(n):
        r = dict(respondent_id=f"R{i:04d}", year=str(year), subgroup=subs[i % len(subs)],
                 gender=rng.choice(["kvinde", "mand"]), age=str(rng.randint(18, 66)),
                 unemployment_months=str(rng.randint(0, 60)), ethnicity=rng.choice(["dansk", "anden"]), unit="JKA")
        for q in range(1, 8):
            r[f"q{q}_score"] = rng.choice(["1", "2", "3", "4", "5", "9", ""])
            r[f"q{q}_text"] = rng.choice(texts)
        rows.append(r)
    return rows


def write_survey(path: Path, rows: list[dict], delimiter: str = ",", encoding: str = "utf-8",
                 header: list[str] | None = None) -> Path:
    header = header or SURVEY_HEADER
    with open(path, "w", encoding=encoding, newline="") as f:
        w = csv.DictWriter(f, fieldnames=header, delimiter=delimiter, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    return path


@pytest.fixture
def survey_file(tmp_path):
    return write_survey(tmp_path / "survey.csv", survey_rows())


def open_main_window(qtbot, project_path, coder: str = "anne", size: tuple[int, int] | None = (1400, 900)):
    """The real main window on a project, shown, active and with the grid focused (Danish UI)."""
    from PySide6.QtWidgets import QApplication

    from workbench.ui import i18n
    from workbench.ui.app import application, make_settings
    from workbench.ui.main_window import MainWindow

    application()
    i18n.install("da")
    w = MainWindow(make_settings(), coder=coder, interactive=False)
    qtbot.addWidget(w)
    w.retranslate()
    if size:
        w.resize(*size)
    with qtbot.waitSignal(w.project_loaded, timeout=20000) as sig:
        w.open_project(str(project_path))
    assert sig.args == [True]
    w.show()
    w.activateWindow()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=5000)
    w.focus_grid()
    return w


@pytest.fixture(autouse=True)
def _background_work_ends_with_the_test():
    """A test that leaves a worker running (say, the suggestion model still loading when the
    window closes) waits for it here, while the QApplication still exists: Qt aborts the
    process when a running QThread is destroyed at exit."""
    yield
    import sys

    workers = sys.modules.get("workbench.ui.workers")
    if workers is not None and workers._running:
        workers.shutdown()
