"""Crash harness: SIGKILL the process at random moments during import, coding, memos,
reconciliation, merging an offline copy, backups and the real exports, many times, then check that the project opens, passes its integrity
check and holds every action that had been reported as saved; exports are complete or absent.

The number of kills per scenario is bounded (WORKBENCH_CRASH_KILLS, default 8) so CI stays fast.
"""
from __future__ import annotations

import csv
import os
import zipfile
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
from workbench.coding import codings
from workbench.coding.models import Answer, Code, Coder, Coding, Memo, Respondent
from workbench.coding.store import Store
from workbench.importer.survey import import_survey

KILLS = int(os.environ.get("WORKBENCH_CRASH_KILLS", "8"))
WORKER = Path(__file__).with_name("crash_worker.py")
ROOT = Path(__file__).resolve().parents[1]


def run_and_kill(kind: str, project: Path, *args, seed: int, delay: float, after_saved: bool = False
                 ) -> list[list[str]]:
    """Start a worker, wait until it is READY (with ``after_saved``: until it has saved once),
    let it work ``delay`` seconds, SIGKILL it."""
    p = subprocess.Popen([sys.executable, str(WORKER), kind, str(project), str(seed), *map(str, args)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)))
    first = p.stdout.readline()
    assert first.strip() == "READY", (first, p.stderr.read() if p.poll() is not None else "")
    saved = []
    if after_saved:
        line = p.stdout.readline()
        assert line.startswith("SAVED"), (line, p.stderr.read() if p.poll() is not None else "")
        saved.append(line.split())
    time.sleep(delay)
    p.send_signal(signal.SIGKILL)
    out, _err = p.communicate(timeout=30)
    return saved + [line.split() for line in out.splitlines() if line.startswith("SAVED")]


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


def _code_some(project: Path, coders=("anne", "bo"), seed: int = 0) -> None:
    """Each coder codes every answer with text with one or two random codes."""
    store = Store.open(project)
    rng = random.Random(seed)
    with store.session() as s:
        aids = list(s.exec(select(Answer.id).where(Answer.text != "").order_by(Answer.id)).all())
        codes = list(s.exec(select(Code.id).order_by(Code.id)).all())
    for coder in coders:
        for aid in aids:
            for cid in rng.sample(codes, rng.randint(1, 2)):
                codings.apply_code(store, coder, aid, cid)
    store.close()


def _complete(path: Path) -> bool:
    """A finished export: CSV ends with its last row and a line end; XLSX, DOCX and QDPX are
    zip archives whose every member reads back (CRC checked), and the documents open."""
    if path.suffix == ".csv":
        data = path.read_bytes()
        return data.endswith(b"\r\n") and len(list(csv.reader(data.decode("utf-8-sig").splitlines()))) > 1
    with zipfile.ZipFile(path) as z:
        if z.testzip() is not None:
            return False
    if path.suffix == ".xlsx":
        import openpyxl

        openpyxl.load_workbook(path, read_only=True).close()
    elif path.suffix == ".docx":
        import docx

        docx.Document(str(path))
    return True


def test_kill_during_export_leaves_complete_or_absent_files(project, tmp_path):
    """The real exports (frequencies CSV/XLSX, answers XLSX, quotes DOCX, QDPX), killed at
    random moments: every file present is complete, and at most the killed one's temp file is left."""
    _code_some(project)
    out = tmp_path / "out"
    out.mkdir()
    rng = random.Random(4)
    last_saved = 0
    for k in range(KILLS):
        # the last worker is killed only after a first full round of exports (one round takes
        # seconds on a loaded machine, longer than most random delays)
        for line in run_and_kill("export", project, out, seed=k, delay=rng.uniform(0.1, 3.0), after_saved=k == KILLS - 1):
            last_saved = int(line[2])
        for f in out.iterdir():
            if f.suffix in (".csv", ".xlsx", ".docx", ".qdpx"):
                assert _complete(f), f"a half-written export: {f.name} after kill {k}"
        leftovers = [f for f in out.iterdir() if f.suffix not in (".csv", ".xlsx", ".docx", ".qdpx")]
        assert len(leftovers) <= 1, leftovers  # at most the temp file of the export that was killed
        for f in leftovers:
            f.unlink()
    assert last_saved >= 1
    healthy(project).close()


def test_kill_during_reconciliation_keeps_every_reported_decision(project):
    """A supervisor decides answer after answer; after each kill every decision reported as
    saved is there with exactly its codes, in the decision and in the final coder's codings."""
    from workbench.coding.models import Coder, Decision
    from workbench.coding.store import FINAL_CODER
    from workbench.coding.team import ensure_person

    _code_some(project)
    s0 = Store.open(project)
    ensure_person(s0, "sofie", "supervisor")
    s0.close()
    rng = random.Random(6)
    reported: dict[int, str] = {}
    n_saved = 0
    for k in range(KILLS):
        p = subprocess.Popen([sys.executable, str(WORKER), "reconcile", str(project), str(k)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                             env=dict(os.environ, PYTHONPATH=str(ROOT)))
        assert p.stdout.readline().strip() == "READY"
        time.sleep(rng.uniform(0.1, 1.0))
        p.send_signal(signal.SIGKILL)
        out, _err = p.communicate(timeout=30)
        in_flight = None
        for line in out.splitlines():
            parts = line.split()
            if parts[0] == "BEGIN":
                in_flight = int(parts[1])
            elif parts[0] == "SAVED":
                reported[int(parts[2])] = "" if parts[3] == "-" else parts[3]
                in_flight, n_saved = None, n_saved + 1
        if in_flight is not None:  # killed mid-decision: either outcome is right for that answer
            reported.pop(in_flight, None)
        store = healthy(project)
        with store.session() as s:
            final = s.exec(select(Coder.id).where(Coder.name == FINAL_CODER)).one()
            for aid, codes in reported.items():
                d = s.exec(select(Decision).where(Decision.answer_id == aid)).one()
                assert ",".join(sorted(d.codes)) == codes, f"decision on {aid} after kill {k}"
                have = s.exec(select(Code.key).join(Coding, Coding.code_id == Code.id).where(
                    Coding.answer_id == aid, Coding.coder_id == final)).all()
                assert ",".join(sorted(set(have))) == codes, f"final codings of {aid} after kill {k}"
        store.close()
    assert n_saved > KILLS


def test_kill_during_merge_is_all_or_nothing(project, tmp_path):
    """Merging an offline copy is one transaction: after a kill the project holds all of the
    copy's new codings or none, and a merge reported as saved is always complete."""
    from workbench.coding.merge import make_offline_copy

    rng = random.Random(7)
    for k in range(max(3, KILLS // 2)):
        store = Store.open(project)
        copy = make_offline_copy(store, tmp_path / f"home{k}.db")
        store.close()
        _code_some(copy, coders=(f"home{k}",), seed=k)  # new work done offline
        home = Store.open(copy)
        with home.session() as s:
            want = set(s.exec(select(Coding.uid).join(Coder, Coder.id == Coding.coder_id)
                              .where(Coder.name == f"home{k}")).all())
        home.close()
        lines = run_and_kill("merge", project, copy, seed=k, delay=rng.uniform(0.0, 0.3))
        store = healthy(project)
        with store.session() as s:
            present = set(s.exec(select(Coding.uid)).all()) & want
        store.close()
        assert present in (set(), want), f"half a merge: {len(present)} of {len(want)} after kill {k}"
        if lines:
            assert present == want


def test_kill_during_backup(project):
    from workbench.coding.backup import list_backups

    rng = random.Random(5)
    for k in range(max(3, KILLS // 2)):
        run_and_kill("backup", project, seed=k, delay=rng.uniform(0.05, 0.5))
        healthy(project)
        for b in list_backups(project):  # every finished backup is a complete project
            healthy(b)
