"""Crash harness: SIGKILL the process at random moments during import, coding, memos,
backups and exports, many times, then check that the project opens, passes its integrity
check and holds every action that had been reported as saved; exports are complete or absent.

The number of kills per scenario is bounded (WORKBENCH_CRASH_KILLS, default 8) so CI stays fast.
"""
from __future__ import annotations

import csv
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlmodel import func, select

from tests.conftest import new_project, survey_rows, write_survey
from workbench.coding.health import check_project
from workbench.coding.models import Coding, Memo, Respondent
from workbench.coding.store import Store
from workbench.importer.survey import import_survey

KILLS = int(os.environ.get("WORKBENCH_CRASH_KILLS", "8"))
WORKER = Path(__file__).with_name("crash_worker.py")
ROOT = Path(__file__).resolve().parents[1]


def run_and_kill(kind: str, project: Path, *args, seed: int, delay: float) -> list[list[str]]:
    """Start a worker, wait until it is READY, let it work ``delay`` seconds, SIGKILL it."""
    p = subprocess.Popen([sys.executable, str(WORKER), kind, str(project), str(seed), *map(str, args)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)))
    first = p.stdout.readline()
    assert first.strip() == "READY", (first, p.stderr.read() if p.poll() is not None else "")
    time.sleep(delay)
    p.send_signal(signal.SIGKILL)
    out, _err = p.communicate(timeout=30)
    return [line.split() for line in out.splitlines() if line.startswith("SAVED")]


def healthy(project: Path) -> Store:
    store = Store.open(project)
    rep = check_project(store)
    assert rep.healthy, rep.problems
    return store


@pytest.fixture
def project(tmp_path):
    p = tmp_path / "crash.db"
    store = new_project(str(p))
    import_survey(store, write_survey(tmp_path / "s.csv", survey_rows(30)))
    store.close()
    return p


def test_kill_during_coding_loses_nothing_saved(project):
    rng = random.Random(1)
    saved, removed, in_flight = set(), set(), set()
    for k in range(KILLS):
        lines = run_and_kill("coding", project, seed=k, delay=rng.uniform(0.05, 0.6))
        for line in lines:
            (saved if line[1] == "coding" else removed).add(line[2])
        # the worker may have been killed after committing a removal of the last coding it
        # reported but before reporting the removal: only that one may legitimately be gone
        if lines and lines[-1][1] == "coding":
            in_flight.add(lines[-1][2])
        store = healthy(project)
        with store.session() as s:
            present = set(s.exec(select(Coding.uid)).all())
        store.close()
        lost = (saved - removed - in_flight) - present
        assert not lost, f"lost codings after kill {k}: {sorted(lost)[:5]}"
        assert not (removed & present), "a removal reported as saved came back"
    assert len(saved) > KILLS  # the kills really happened mid-work


def test_kill_during_memos(project):
    rng = random.Random(2)
    saved = {}
    for k in range(KILLS):
        for line in run_and_kill("memo", project, seed=k, delay=rng.uniform(0.05, 0.5)):
            saved[int(line[2])] = line[3]
        store = healthy(project)
        with store.session() as s:
            memos = {m.id: m.text for m in s.exec(select(Memo))}
        store.close()
        for mid, n in saved.items():
            assert mid in memos


def test_kill_during_import_is_all_or_nothing(tmp_path):
    p = tmp_path / "imp.db"
    new_project(str(p)).close()
    big = write_survey(tmp_path / "big.csv", survey_rows(3000, seed=5))
    rng = random.Random(3)
    outcomes = set()
    for k in range(max(3, KILLS // 2)):
        lines = run_and_kill("import", p, big, seed=k, delay=rng.uniform(0.0, 1.5))
        store = healthy(p)
        with store.session() as s:
            n = s.exec(select(func.count()).select_from(Respondent)).one()
        store.close()
        assert n in (0, 3000), f"half an import: {n} respondents"
        if lines:
            assert n == 3000
        outcomes.add(n)
    # re-importing after a crash never duplicates
    store = Store.open(p)
    import_survey(store, big)
    with store.session() as s:
        assert s.exec(select(func.count()).select_from(Respondent)).one() == 3000


def test_kill_during_export_leaves_complete_or_absent_files(project, tmp_path):
    out = tmp_path / "answers.csv"
    rng = random.Random(4)
    last_saved = 0
    for k in range(KILLS):
        for line in run_and_kill("export", project, out, seed=k, delay=rng.uniform(0.05, 0.8)):
            last_saved = int(line[2])
        if out.exists():
            rows = list(csv.reader(open(out, encoding="utf-8")))
            assert rows[0] == ["n", "id", "text"] and rows[-1][0] == "END", "a half-written export"
        leftovers = [f for f in tmp_path.iterdir() if f.name.endswith(".part")]
        assert len(leftovers) <= 1  # at most the temp file of the export that was killed
    assert last_saved >= 1


def test_kill_during_backup(project):
    from workbench.coding.backup import list_backups

    rng = random.Random(5)
    for k in range(max(3, KILLS // 2)):
        run_and_kill("backup", project, seed=k, delay=rng.uniform(0.05, 0.5))
        healthy(project)
        for b in list_backups(project):  # every finished backup is a complete project
            healthy(b)
