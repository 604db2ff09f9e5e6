"""Benchmark of the suggestion engine on the demo survey; prints a Markdown table.

    .venv/bin/python bench/nlp_bench.py [--scale N] [--seed S] [--quality]

- throughput: answers per second through the Danish pipeline + features (``nlp.pipe`` in
  batches), with a cold cache (nothing parsed yet) and a warm one (the project's NlpCache
  table, read back by a fresh process-level cache);
- matcher throughput, batched;
- suggestion latency for one answer at a time (median and p95, ms), cold start and learned;
- refit time of the classifier on all coded answers, with and without cross-validation;
- with ``--quality``: the measured figures of docs/suggestions.md (cold-start hit@k, a
  simulated coder who coded 200 answers, confident pre-coding at precision 0.9).
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from workbench.coding.store import Store  # noqa: E402
from workbench.demo.generate import create_demo  # noqa: E402
from workbench.nlp import features as F  # noqa: E402
from workbench.nlp.pipeline import load_pipeline, pipeline_info  # noqa: E402
from workbench.nlp.suggest import Suggester, evaluate_items, load_items, training_data  # noqa: E402


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def quality(store, rows: list[tuple[str, str]], seed: int) -> None:
    items, labels = training_data(store, "facit", include_gold=True)
    gold = dict(zip([it.id for it in items], labels))
    cold = Suggester.for_store(store)
    ev = evaluate_items(cold, items, labels, top=5, store=store)
    rows.append(("cold start, all demo answers: hit@1 / hit@3 / hit@5",
                 f"{ev['hit'][1]:.3f} / {ev['hit'][3]:.3f} / {ev['hit'][5]:.3f}"))
    rows.append(("cold start: micro P / R / F1 at 0.5",
                 f"{ev['micro']['precision']:.3f} / {ev['micro']['recall']:.3f} / {ev['micro']['f1']:.3f}"))
    res = []
    for s in range(5):
        rng = random.Random(seed + s)
        train = set(rng.sample(sorted(gold), 200))
        sg = Suggester.for_store(store)
        sg._matcher, sg._match_cache = cold.matcher, cold._match_cache
        sg.fit(store, "facit", include_gold=True, answer_ids=train)
        test = [it for it in items if it.id not in train]
        tg = [gold[it.id] for it in test]
        ev = evaluate_items(sg, test, tg, top=3, store=store)
        scores = sg.score(test, store=store)[0]
        thr = sg.thresholds(0.9)
        tv = np.array([thr[c] if thr[c] is not None else np.inf for c in sg.ids])
        pred = scores >= tv
        Y = sg._label_matrix(tg)
        res.append((ev["hit"][1], ev["hit"][3], ev["micro"]["f1"], pred.any(axis=1).mean(),
                    (pred & Y).sum() / max(1, pred.sum()), int(np.isfinite(tv).sum())))
    r = np.array(res)
    rows.append(("200 coded → rest: hit@1 / hit@3 / micro F1 (mean of 5 draws)",
                 f"{r[:, 0].mean():.3f} / {r[:, 1].mean():.3f} / {r[:, 2].mean():.3f}"))
    rows.append(("confident mode (target 0.9): share of rest pre-coded (min–max)",
                 f"{r[:, 3].mean():.3f} ({r[:, 3].min():.3f}–{r[:, 3].max():.3f})"))
    rows.append(("confident mode: precision of pre-coded codes vs gold (min–max)",
                 f"{r[:, 4].mean():.3f} ({r[:, 4].min():.3f}–{r[:, 4].max():.3f})"))
    rows.append(("confident mode: codes with a 0.9 threshold", f"{r[:, 5].mean():.1f} of 35"))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=int, default=1)
    ap.add_argument("--seed", type=int, default=2020)
    ap.add_argument("--quality", action="store_true")
    a = ap.parse_args(argv)
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "demo.db"
        create_demo(str(path), seed=a.seed, scale=a.scale)
        store = Store.open(str(path))
        nlp = load_pipeline()
        info = pipeline_info(nlp)
        items = load_items(store)
        texts = [it.text for it in items]
        rows.append(("pipeline", f"{info['name']} ({info['source']})"))
        rows.append(("answers with text", str(len(texts))))

        F.clear_memory_cache()
        t = time.perf_counter()
        feats = F.analyse(texts, store=store, nlp=nlp)
        cold = time.perf_counter() - t
        rows.append(("pipeline + features, cold cache (parse + store)", f"{len(texts) / cold:,.0f} answers/s"))
        F.clear_memory_cache()
        t = time.perf_counter()
        F.analyse(texts, store=store, nlp=nlp)
        warm = time.perf_counter() - t
        rows.append(("pipeline + features, warm cache (project NlpCache)", f"{len(texts) / warm:,.0f} answers/s"))

        sg = Suggester.for_store(store)
        t = time.perf_counter()
        sg.matcher  # noqa: B018 — build once
        rows.append(("matcher build (codebook keywords + examples)", f"{(time.perf_counter() - t) * 1000:.0f} ms"))
        t = time.perf_counter()
        sg.matcher.match_many(feats, [i.band for i in items], [i.question for i in items])
        rows.append(("matcher, batched", f"{len(items) / (time.perf_counter() - t):,.0f} answers/s"))

        def latency(s: Suggester, label: str) -> None:
            sample = items[:: max(1, len(items) // 300)][:300]
            ms = []
            for it in sample:
                s._match_cache.clear()
                t0 = time.perf_counter()
                s.suggest_items([it], top=5, store=None)
                ms.append((time.perf_counter() - t0) * 1000)
            rows.append((f"suggestion latency, one answer, {label}",
                         f"median {statistics.median(ms):.1f} ms, p95 {pct(ms, 0.95):.1f} ms"))

        latency(sg, "cold start")
        tr_items, tr_labels = training_data(store, "facit", include_gold=True)
        t = time.perf_counter()
        sg.fit_items(tr_items, tr_labels, calibrate=False, store=store)
        rows.append((f"refit on {len(tr_items)} coded answers (no CV)", f"{time.perf_counter() - t:.2f} s"))
        t = time.perf_counter()
        sg.fit_items(tr_items, tr_labels, calibrate=True, store=store)
        rows.append((f"refit on {len(tr_items)} coded answers + 5-fold CV", f"{time.perf_counter() - t:.2f} s"))
        latency(sg, "learned")
        if a.quality:
            quality(store, rows, a.seed)
        store.close()
    w = max(len(k) for k, _v in rows)
    print(f"| {'NLP suggestions (demo survey)':<{w}} | value |")
    print(f"|{'-' * (w + 2)}|-------|")
    for k, v in rows:
        print(f"| {k:<{w}} | {v} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
