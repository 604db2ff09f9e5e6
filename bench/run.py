"""The workbench benchmark (``make bench``): a script, not timed tests.

For generated projects of about 1k, 10k and 100k answers it measures the import against
pandas reading the same CSV, project open (cold process), grid filter and next-answer
latency, suggestions, agreement, exports and peak memory, prints a table and writes
``bench/results.md`` with the machine and PASS/MISS against the 100k-answer targets.

    .venv/bin/python bench/run.py [--sizes 1k,10k,100k] [--quick] [--no-gui] [--out FILE]

Each size runs in its own subprocess (``--worker``) so memory peaks do not accumulate;
the per-stage peak is the process's resident high-water mark, reset before each stage
(``/proc/self/clear_refs``) where the kernel allows, else the running ``ru_maxrss``.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import os
import platform
import random
import resource
import sqlite3
import statistics
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TARGETS = [  # (key in the 100k results, label, limit, unit)
    ("open_s", "project open (cold process: Store.open + grid load)", 2.0, "s"),
    ("filter_ms", "grid filter (median, core)", 100.0, "ms"),
    ("next_ms", "next answer (GUI median if measured, else core)", 30.0, "ms"),
    ("freq_s", "frequency export (slower of CSV and XLSX)", 1.0, "s"),
    ("import_ratio", "import time ÷ pandas.read_csv of the same file", 3.0, "×"),
    ("big_import_mb", "import of a 200 MB CSV: peak memory (RSS)", 1024.0, "MB"),
]


def big_import(mb: int, seed: int) -> dict:
    """Import a CSV of about ``mb`` MB (the demo survey's rows repeated under new ids) into a fresh
    project in a separate process, and report its peak RSS and time: the whole file must never
    be in memory at once."""
    import csv
    import resource

    from workbench.demo.generate import generate_survey

    tmp = Path(tempfile.mkdtemp(prefix="wb-big-"))
    small = generate_survey(seed, scale=10).to_csv(tmp / "small.csv")
    with open(small, encoding="utf-8") as f:
        rows = list(csv.reader(f))
    size, k = small.stat().st_size, 0
    big = tmp / "big.csv"
    with open(big, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(rows[0])
        while f.tell() < mb * 1_000_000:
            for r in rows[1:]:
                w.writerow([f"{r[0]}-{k}"] + r[1:])
            k += 1
    code = ("import json, resource, sys, time\n"
            "from workbench.coding.store import Store\n"
            "from workbench.importer.survey import import_survey\n"
            "st = Store.open(sys.argv[1], create=True)\n"
            "t = time.perf_counter(); r = import_survey(st, sys.argv[2])\n"
            "print(json.dumps(dict(s=time.perf_counter() - t, respondents=r.respondents, answers=r.answers,\n"
            "      rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)))\n")
    out = subprocess.run([sys.executable, "-c", code, str(tmp / "big.db"), str(big)], check=True,
                         capture_output=True, text=True).stdout
    got = json.loads(out.strip().splitlines()[-1])
    got["file_mb"] = big.stat().st_size / 1e6
    shutil.rmtree(tmp, ignore_errors=True)
    return got


# -- memory -----------------------------------------------------------------------------------

def _reset_peak() -> bool:
    """Reset the kernel's resident high-water mark (Linux ≥ 4.0), so each stage has its own peak."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _peak_mb() -> float:
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- the worker: one size in one process ---------------------------------------------------------

def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


class Stages:
    def __init__(self) -> None:
        self.res: dict = {"mem": {}}

    def run(self, name: str, fn):
        """Run one stage, recording its own memory peak; returns fn's result."""
        _reset_peak()
        out = fn()
        self.res["mem"][name] = round(_peak_mb(), 1)
        return out


def _survey(target: int, seed: int):
    """A generated survey with about ``target`` answers: the smallest scale that holds them,
    thinned evenly (seeded) to target/7 respondents so every subgroup stays represented."""
    from workbench.demo.generate import generate_survey

    scale = max(1, math.ceil(target / 2835))
    sv = generate_survey(seed=seed, scale=scale)
    want = round(target / 7)
    if want < len(sv.respondents):
        rng = random.Random(seed)
        keep = sorted(rng.sample(range(len(sv.respondents)), want))
        sv.respondents = [sv.respondents[i] for i in keep]
        keys = {r.key for r in sv.respondents}
        sv.gold = {k: v for k, v in sv.gold.items() if k[0] in keys}
        sv.spans = {k: v for k, v in sv.spans.items() if k in sv.gold}
    return sv


def _codings_csvs(sv, d: Path, seed: int) -> tuple[Path, Path, Path, int]:
    """Gold codings of every answer (coder facit) and two coders' noisy versions of a 10 % sample."""
    from workbench.demo.generate import band_of
    from workbench.demo.generate import _human

    rng = random.Random(f"{seed}-bench-coders")
    band = {(r.key, q): band_of(sc) for r in sv.respondents for q, (sc, _t) in r.answers.items()}
    keys = sorted(sv.gold)
    sample = sorted(rng.sample(keys, max(2, len(keys) // 10)))

    def write(path: Path, items) -> Path:
        with open(path, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["respondent_id", "question", "code"])
            for (rk, qk), codes in items:
                if not codes:
                    w.writerow([rk, qk, ""])
                for c in codes:
                    w.writerow([rk, qk, c])
        return path

    gold = write(d / "facit.csv", ((k, sv.gold[k]) for k in keys))
    a = write(d / "anne.csv", ((k, _human(rng, sv.gold[k], band[k] or "neutral", k[1])) for k in sample))
    b = write(d / "bo.csv", ((k, _human(rng, sv.gold[k], band[k] or "neutral", k[1])) for k in sample))
    return gold, a, b, len(sample)


def _cold_open(db: Path, repeat: int) -> dict:
    """Store.open + grid load in a fresh interpreter (median of ``repeat``); module imports apart."""
    code = ("import json,sys,time\nt0=time.perf_counter()\n"
            "from workbench.coding.store import Store\nfrom workbench.coding.grid import Grid\n"
            "t1=time.perf_counter()\ns=Store.open(sys.argv[1])\nt2=time.perf_counter()\n"
            "g=Grid(s,'anne')\nt3=time.perf_counter()\n"
            "print(json.dumps(dict(imports=t1-t0,store=t2-t1,grid=t3-t2,n=len(g))))")
    runs = []
    for _ in range(repeat):
        p = subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True, text=True, check=True)
        runs.append(json.loads(p.stdout.strip().splitlines()[-1]))
    med = lambda k: statistics.median(r[k] for r in runs)  # noqa: E731
    return dict(open_s=med("store") + med("grid"), open_store_s=med("store"), open_grid_s=med("grid"),
                open_imports_s=med("imports"))


def worker(target: int, quick: bool, gui: bool, seed: int, out: Path) -> None:
    import pandas as pd

    from workbench.coding.agreement import agreement_report
    from workbench.coding.codebook import DEFAULT_CODEBOOK, install_codebook, load_codebook
    from workbench.importer.codings import import_codings
    from workbench.coding.grid import Grid, GridFilter
    from workbench.coding.store import Store
    from workbench.export.frequencies import export_frequencies
    from workbench.export.quotes import export_quotes
    from workbench.bulk import gc_paused
    from workbench.importer.survey import import_survey, parse_survey, read_table

    st = Stages()
    R = st.res
    R["target"] = target
    reps = 1 if quick else 3
    with tempfile.TemporaryDirectory(prefix="wb-bench-") as tmp:
        d = Path(tmp)
        t = time.perf_counter()
        sv = st.run("generate", lambda: _survey(target, seed))
        R["generate_s"] = time.perf_counter() - t
        R["respondents"] = len(sv.respondents)
        R["answers"] = sum(len(r.answers) for r in sv.respondents)
        R["answers_text"] = sv.n_text
        src = sv.to_csv(d / "survey.csv")
        R["csv_mb"] = src.stat().st_size / 1e6

        def pandas_read():
            ts = []
            for _ in range(3):
                t0 = time.perf_counter()
                pd.read_csv(src)
                ts.append(time.perf_counter() - t0)
            return statistics.median(ts)
        R["pandas_s"] = st.run("pandas.read_csv", pandas_read)

        def fresh_project(path: Path):
            store = Store.open(str(path), create=True)
            with store.transaction() as s:
                install_codebook(store, s, load_codebook(DEFAULT_CODEBOOK))
            return store

        def do_import():
            """Median of ``reps`` imports, each into its own fresh project (the first run on a
            cold disk cache varies most); the last project is kept for the later stages."""
            times = []
            for i in range(reps):
                path = d / f"bench{i}.db"
                store = fresh_project(path)
                t0 = time.perf_counter()
                res = import_survey(store, src)
                times.append(time.perf_counter() - t0)
                if i < reps - 1:
                    store.close()
            return statistics.median(times), res, store, path
        R["import_s"], res, store, db = st.run("import", do_import)
        assert res.respondents == R["respondents"], res.summary()
        R["import_ratio"] = R["import_s"] / R["pandas_s"]

        def validate_only():
            ts = []
            for _ in range(reps):
                t0 = time.perf_counter()
                with gc_paused():  # as import_survey
                    parse_survey(read_table(src))
                ts.append(time.perf_counter() - t0)
            return statistics.median(ts)
        R["validate_s"] = st.run("read + validate", validate_only)

        gold, anne, bo, n_sample = _codings_csvs(sv, d, seed)
        R["sample"] = n_sample

        def do_codings():
            t0 = time.perf_counter()
            import_codings(store, "facit", gold)
            t1 = time.perf_counter()
            import_codings(store, "anne", anne)
            import_codings(store, "bo", bo)
            return t1 - t0, time.perf_counter() - t1
        R["codings_gold_s"], R["codings_pair_s"] = st.run("codings import", do_codings)
        del sv
        store.close()

        R.update(st.run("open (cold process)", lambda: _cold_open(db, reps)))

        store = Store.open(str(db))
        grid = st.run("grid load (in process)", lambda: Grid(store, "anne"))
        R["grid_rows"] = len(grid)

        def filters():
            codes = sorted({sp.code_id for spans in grid.codings for sp in spans}) or [1]
            fs = [GridFilter(question="q3"), GridFilter(band="negativ"), GridFilter(group=("main_group", "udsatte"), band="neutral"),
                  GridFilter(text="sagsbehandler"), GridFilter(text="aabenraa"), GridFilter(text="ny sagsbeh"),
                  GridFilter(status="uncoded"), GridFilter(code=codes[0]), GridFilter(question="q7", text="ventetid")]
            ms = []
            for f in fs * 3:
                t0 = time.perf_counter()
                grid.filter(f)
                ms.append((time.perf_counter() - t0) * 1000)
            return statistics.median(ms), max(ms)
        R["filter_ms"], R["filter_max_ms"] = st.run("grid filter", filters)

        def next_answer():
            visible = grid.filter(GridFilter())
            pos, ms = 0, []
            for _ in range(200):
                t0 = time.perf_counter()
                pos = max(0, grid.next_uncoded(visible, pos))
                grid.row(int(visible[pos]))
                ms.append((time.perf_counter() - t0) * 1000)
                pos = Grid.step(visible, pos, 1)
            return statistics.median(ms), _pct(ms, 0.95)
        R["next_core_ms"], R["next_core_p95_ms"] = st.run("next answer (core)", next_answer)
        R["next_ms"] = R["next_core_ms"]
        del grid

        def suggestions():
            from workbench.nlp import features as F
            from workbench.nlp.suggest import Suggester, load_items, training_data

            items = load_items(store)
            sample = items[:: max(1, len(items) // 2000)][:2000]
            from workbench.nlp.pipeline import load_pipeline

            nlp = load_pipeline()  # loading the model is not throughput
            F.clear_memory_cache()
            t0 = time.perf_counter()
            F.analyse([it.text for it in sample], store=None, nlp=nlp)
            R["pipeline_per_s"] = len(sample) / (time.perf_counter() - t0)
            R["pipeline_n"] = len(sample)
            sg = Suggester.for_store(store)
            sg.matcher  # noqa: B018 — built once, not per answer

            def latency(key: str):
                lat = []
                for it in items[:: max(1, len(items) // 200)][:200]:
                    sg._match_cache.clear()
                    t1 = time.perf_counter()
                    sg.suggest_items([it], top=5, store=None)
                    lat.append((time.perf_counter() - t1) * 1000)
                R[key] = (statistics.median(lat), _pct(lat, 0.95))
            F.clear_memory_cache()
            latency("suggest_cold_ms")
            tr_items, tr_labels = training_data(store, "anne")
            tr_items, tr_labels = tr_items[:2000], tr_labels[:2000]  # fit cost grows fast; latency is the point
            t1 = time.perf_counter()
            sg.fit_items(tr_items, tr_labels, calibrate=False, store=None)
            R["fit_s"], R["fit_n"] = time.perf_counter() - t1, len(tr_items)
            latency("suggest_learned_ms")
        st.run("suggestions", suggestions)

        def agreement():
            t0 = time.perf_counter()
            rep = agreement_report(store, ["anne", "bo"])
            R["alpha"] = rep["overall"].get("alpha") if isinstance(rep.get("overall"), dict) else None
            return time.perf_counter() - t0
        R["agreement_s"] = st.run("agreement", agreement)

        def timed(fn) -> float:
            """Median of ``reps`` runs."""
            ts = []
            for _ in range(reps):
                t0 = time.perf_counter()
                fn()
                ts.append(time.perf_counter() - t0)
            return statistics.median(ts)
        R["freq_csv_s"] = st.run("frequencies CSV", lambda: timed(lambda: export_frequencies(store, d / "f.csv", coder="facit")))
        R["freq_xlsx_s"] = st.run("frequencies XLSX", lambda: timed(lambda: export_frequencies(store, d / "f.xlsx", coder="facit")))
        def once(fn) -> float:
            t0 = time.perf_counter()
            fn()
            return time.perf_counter() - t0
        R["freq_s"] = max(R["freq_csv_s"], R["freq_xlsx_s"])
        R["quotes_s"] = st.run("quotes DOCX", lambda: once(lambda: export_quotes(store, d / "q.docx", coder="facit")))
        store.close()

        if gui:
            t0 = time.perf_counter()
            p = subprocess.run([sys.executable, str(ROOT / "bench" / "gui_bench.py"), "--project", str(db)],
                               capture_output=True, text=True, timeout=600)
            R["gui_s"] = time.perf_counter() - t0
            gui_rows = {}
            for line in p.stdout.splitlines():
                parts = line.rsplit(None, 1)
                if len(parts) == 2:
                    try:
                        gui_rows[parts[0].strip()] = float(parts[1])
                    except ValueError:
                        pass
            R["gui"] = gui_rows
            if p.returncode != 0:
                R["gui_error"] = p.stderr.strip().splitlines()[-1:] or ["failed"]
            nx = gui_rows.get("next answer: select + pane + repaint (median)")
            if nx is not None:
                R["next_ms"] = nx
    out.write_text(json.dumps(R, default=float))


# -- the driver -------------------------------------------------------------------------------

def parse_size(s: str) -> int:
    s = s.strip().lower().replace("_", "")
    mult = 1000 if s.endswith("k") else 1
    return int(float(s.rstrip("k")) * mult)


def machine() -> list[tuple[str, str]]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = ""
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return [("CPU", cpu), ("cores (usable)", str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count())),
            ("RAM", ram), ("OS", platform.platform()), ("Python", platform.python_version()),
            ("SQLite", sqlite3.sqlite_version), ("date", dt.datetime.now().strftime("%Y-%m-%d %H:%M"))]


ROWS = [  # (label, formatter over one size's results)
    ("respondents / answers / with text", lambda r: f"{r['respondents']:,} / {r['answers']:,} / {r['answers_text']:,}"),
    ("survey CSV", lambda r: f"{r['csv_mb']:.1f} MB"),
    ("pandas.read_csv (median of 3)", lambda r: f"{r['pandas_s']:.3f} s"),
    ("import into fresh SQLite project", lambda r: f"{r['import_s']:.3f} s"),
    ("import ÷ pandas", lambda r: f"{r['import_ratio']:.2f}×"),
    ("  of which read + validate / write + index + commit",
     lambda r: f"{r['validate_s']:.3f} / {r['import_s'] - r['validate_s']:.3f} s"),
    ("codings import: gold (all) / two coders (10 %)", lambda r: f"{r['codings_gold_s']:.2f} s / {r['codings_pair_s']:.2f} s"),
    ("open, cold process: Store.open + grid load", lambda r: f"{r['open_s']:.3f} s ({r['open_store_s']:.2f} + {r['open_grid_s']:.2f})"),
    ("  (module imports of that process, not counted)", lambda r: f"{r['open_imports_s']:.2f} s"),
    ("grid filter, core (median / max of 27)", lambda r: f"{r['filter_ms']:.1f} / {r['filter_max_ms']:.1f} ms"),
    ("next answer, core (median / p95)", lambda r: f"{r['next_core_ms']:.3f} / {r['next_core_p95_ms']:.3f} ms"),
    ("next answer, GUI (median)", lambda r: f"{r['gui']['next answer: select + pane + repaint (median)']:.1f} ms"
     if r.get("gui", {}).get("next answer: select + pane + repaint (median)") is not None else "—"),
    ("filter, GUI incl. model reset + repaint (median)", lambda r: f"{r['gui']['filter, window incl. model reset + repaint (median)']:.1f} ms"
     if r.get("gui", {}).get("filter, window incl. model reset + repaint (median)") is not None else "—"),
    ("pipeline + features, cold (answers/s)", lambda r: f"{r['pipeline_per_s']:,.0f}/s (n={r['pipeline_n']:,})"),
    ("suggestion, cold start (median / p95)", lambda r: f"{r['suggest_cold_ms'][0]:.1f} / {r['suggest_cold_ms'][1]:.1f} ms"),
    ("suggestion, learned (median / p95)", lambda r: f"{r['suggest_learned_ms'][0]:.1f} / {r['suggest_learned_ms'][1]:.1f} ms"),
    ("classifier fit (no CV)", lambda r: f"{r['fit_s']:.2f} s on {r['fit_n']:,}"),
    ("agreement, two coders on 10 %", lambda r: f"{r['agreement_s']:.2f} s ({r['sample']:,} answers)"),
    ("frequency export CSV / XLSX", lambda r: f"{r['freq_csv_s']:.2f} / {r['freq_xlsx_s']:.2f} s"),
    ("quotes export DOCX", lambda r: f"{r['quotes_s']:.2f} s"),
    ("peak RSS: import / open grid / suggestions", lambda r: f"{r['mem']['import']:.0f} / {r['mem']['grid load (in process)']:.0f} / {r['mem']['suggestions']:.0f} MB"),
    ("peak RSS: codings / agreement / freq XLSX / DOCX", lambda r: f"{r['mem']['codings import']:.0f} / {r['mem']['agreement']:.0f} / "
     f"{r['mem']['frequencies XLSX']:.0f} / {r['mem']['quotes DOCX']:.0f} MB"),
]


def _cell(fn, r) -> str:
    try:
        return fn(r)
    except (KeyError, TypeError, IndexError):
        return "—"


def table(sizes: list[int], results: dict[int, dict]) -> str:
    heads = ["measure"] + [f"{s // 1000}k answers" if s >= 1000 else f"{s} answers" for s in sizes]
    lines = ["| " + " | ".join(heads) + " |", "|" + "|".join("---" for _ in heads) + "|"]
    for label, fn in ROWS:
        lines.append("| " + " | ".join([label] + [_cell(fn, results[s]) for s in sizes]) + " |")
    return "\n".join(lines)


def verdicts(r: dict) -> list[tuple[str, str, str, str]]:
    out = []
    for key, label, limit, unit in TARGETS:
        v = r.get(key)
        if v is None:
            out.append((label, f"< {limit:g} {unit}", "—", "not measured"))
            continue
        shown = (f"{v:.2f}×" if unit == "×" else f"{v:.3f} s" if unit == "s" else f"{v:.0f} MB" if unit == "MB"
                 else f"{v:.1f} ms")
        out.append((label, f"< {limit:g} {unit}" if unit != "×" else f"≤ {limit:g}×", shown, "PASS" if v < limit else "MISS"))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default=None, help="comma-separated answer counts (1k,10k,100k)")
    ap.add_argument("--quick", action="store_true", help="smoke run: 1k and 10k, one repetition, no GUI")
    ap.add_argument("--no-gui", action="store_true", help="skip the offscreen GUI numbers")
    ap.add_argument("--big-mb", type=int, default=None, help="size of the big-file import (default 200; 0 skips)")
    ap.add_argument("--seed", type=int, default=2020)
    ap.add_argument("--out", default=str(ROOT / "bench" / "results.md"))
    ap.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--json", help=argparse.SUPPRESS)
    ap.add_argument("--gui", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.worker:
        worker(a.worker, a.quick, a.gui, a.seed, Path(a.json))
        return 0
    sizes = sorted(parse_size(s) for s in (a.sizes or ("1k,10k" if a.quick else "1k,10k,100k")).split(","))
    results: dict[int, dict] = {}
    t_all = time.perf_counter()
    for size in sizes:
        gui = not a.quick and not a.no_gui and size == sizes[-1]
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
            jpath = Path(f.name)
        cmd = [sys.executable, __file__, "--worker", str(size), "--json", str(jpath), "--seed", str(a.seed)]
        cmd += ["--quick"] if a.quick else []
        cmd += ["--gui"] if gui else []
        t = time.perf_counter()
        print(f"… {size:,} answers", flush=True)
        subprocess.run(cmd, check=True)
        results[size] = json.loads(jpath.read_text())
        results[size]["wall_s"] = time.perf_counter() - t
        jpath.unlink()
        print(f"  done in {results[size]['wall_s']:.0f} s", flush=True)
    big_mb = a.big_mb if a.big_mb is not None else (0 if a.quick else 200)
    big_note = ""
    if big_mb:
        print(f"… a {big_mb} MB CSV", flush=True)
        b = big_import(big_mb, a.seed)
        results[max(sizes)]["big_import_mb"] = b["rss_mb"]
        big_note = (f"\nBig file: a {b['file_mb']:.0f} MB CSV ({b['respondents']:,} respondents, {b['answers']:,} "
                    f"answers with text) imported in {b['s']:.0f} s with a peak RSS of {b['rss_mb']:.0f} MB "
                    f"(a separate process; the file is validated in one pass and written in batches in a second).\n")
    tab = table(sizes, results)
    big = max(sizes)
    ver = verdicts(results[big])
    vtab = "\n".join(["| target | limit | measured | verdict |", "|---|---|---|---|"]
                     + [f"| {a_} | {b} | {c} | {d} |" for a_, b, c, d in ver])
    print()
    print(tab)
    print()
    print(f"Targets at {big:,} answers:")
    print(vtab)
    mach = "\n".join(f"| {k} | {v} |" for k, v in machine())
    gui_note = ""
    r = results[big]
    if r.get("gui"):
        gui_note = ("\nThe GUI numbers come from `bench/gui_bench.py` run on the largest project "
                    f"({r['gui_s']:.0f} s, offscreen):\n\n| measure | ms |\n|---|---|\n"
                    + "\n".join(f"| {k} | {v:.1f} |" for k, v in r["gui"].items()) + "\n")
        if r.get("gui_error"):
            gui_note += f"\nGUI bench error: {r['gui_error']}\n"
    else:
        gui_note = "\nGUI numbers not measured in this run (`--quick` or `--no-gui`); next answer is the core figure.\n"
    md = f"""# Benchmark results

Written by `make bench` (`bench/run.py{' ' + ' '.join(argv or sys.argv[1:]) if (argv or sys.argv[1:]) else ''}`) in {time.perf_counter() - t_all:.0f} s.

## Machine

| | |
|---|---|
{mach}

## Targets ({big:,} answers; set for 2 cores)

{vtab}

## All measures

Generated demo surveys (seed {a.seed}), thinned to about the named number of answers (an
answer is one respondent × question with a score or a text; 'with text' are the ones coded).
Imports are in-process `import_survey`, each into a fresh SQLite project (WAL, synchronous=FULL);
imports and frequency exports are the median of {1 if a.quick else 3} runs, the DOCX export one run;
open is a fresh interpreter (median of {1 if a.quick else 3}, module imports reported apart);
pipeline throughput is measured on up to 2,000 answers, the classifier fitted on up to 2,000; suggestion latency on 200 answers one
at a time; codings are the demo's gold for every answer (coder facit, exported) and two
coders' noisy versions of a 10 % sample (anne, bo; agreement). Peak RSS is per stage.

{tab}
{big_note}{gui_note}"""
    Path(a.out).write_text(md, encoding="utf-8")
    print(f"\nwrote {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
