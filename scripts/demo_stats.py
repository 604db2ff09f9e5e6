"""Print the demo survey's shape and sample answers per band, to eyeball the generator.

    .venv/bin/python scripts/demo_stats.py [--seed 2020] [--scale 1] [--per-band 8]
"""
from __future__ import annotations

import argparse
import time
from collections import Counter

from workbench.demo import jobcenter_spec as spec
from workbench.demo.generate import band_of
from workbench.demo.generate import generate_survey


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=2020)
    ap.add_argument("--scale", type=int, default=1)
    ap.add_argument("--per-band", type=int, default=8)
    a = ap.parse_args()
    t = time.perf_counter()
    d = generate_survey(a.seed, a.scale)
    took = time.perf_counter() - t
    n_answers = sum(len(r.answers) for r in d.respondents)
    print(f"seed {a.seed} scale {a.scale}: {len(d.respondents)} respondents, {n_answers} answers, "
          f"{d.n_text} with text, generated in {took:.2f}s")
    for main in spec.PUBLISHED:
        members = [r for r in d.respondents if spec.SUBGROUP_MAIN[r.subgroup] == main]
        for q in spec.QUESTION_KEYS:
            c = Counter(r.answers[q][0] for r in members)
            got = [round(100 * c.get(s, 0) / len(members)) for s in (1, 2, 3, 4, 5, 9)]
            print(f"  {main:9} {q}: published {spec.PUBLISHED[main][q]}  generated {got}")
    noise = Counter(f for fl in d.noise.values() for f in fl)
    print("noise:", {k: f"{100 * v / d.n_text:.1f}%" for k, v in sorted(noise.items())})
    themes = Counter(t for g in d.gold.values() for t in g)
    print("themes:", ", ".join(f"{k} {v}" for k, v in themes.most_common()))
    resp = {r.key: r for r in d.respondents}
    by_band: dict[str, list[str]] = {}
    for (rk, q), gold in sorted(d.gold.items()):
        score, text = resp[rk].answers[q]
        by_band.setdefault(band_of(score), []).append(f"  {q} [{score}] {'+'.join(gold) or '(ingen)'}\n      {text}")
    for band in ("positiv", "neutral", "negativ", "ved_ikke"):
        rows = by_band.get(band, [])
        step = max(1, len(rows) // a.per_band)
        print(f"\n{band} ({len(rows)} texts)")
        print("\n".join(rows[::step][: a.per_band]))


if __name__ == "__main__":
    main()
