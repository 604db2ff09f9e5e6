"""Load on a team server: N coders and a supervisor at once, each a process with its own login.

Not a timed test: a measurement to run by hand. For each N (default 4, 8 and 16) it makes a
fresh PostgreSQL database with the demo survey, runs ``team setup`` (row-level security on,
a blind round over the coders), lets every coder code for ``--seconds`` (apply a code to the
whole answer or a span, remove one, flag, mark coded) while the supervisor reconciles, and
then checks every acknowledged action against the database:

* each coder's codings are exactly what replaying that coder's acknowledged actions gives
  (every acknowledged coding there once, nothing else), their flags are the last they set;
* the audit log holds one ``coding.apply`` per coding that was new when applied;
* each decision is the supervisor's last acknowledged one on that answer.

Reports actions/s and the median and 95th percentile latency per N, and exits 1 if any check
failed. Needs a PostgreSQL server whose local logins are trusted (as the test server is):

    .venv/bin/python scripts/team_load.py [--url postgresql+psycopg://postgres@127.0.0.1:5432/test]
                                          [--coders 4,8,16] [--seconds 20] [--json OUT]
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _as(url: str, user: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(username=user, password=None).render_as_string(hide_password=False)


def _coder(url: str, login: str, answers: list[int], codes: list[int], texts: dict, seconds: float, seed: int, out,
           ready, go):
    from workbench.coding import codings
    from workbench.coding.store import Store
    from workbench.errors import SaveError

    rng = random.Random(seed)
    store = Store.open(_as(url, login))
    log, errors = [], []
    ready.put(login)
    go.wait(600)  # everyone starts together: the measured window has every process in it
    end = time.monotonic() + seconds
    try:
        while time.monotonic() < end:
            a = rng.choice(answers)
            r = rng.random()
            t0 = time.perf_counter()
            try:
                if r < 0.55:
                    c = rng.choice(codes)
                    n = len(texts[a])
                    span = (None, None) if rng.random() < 0.6 or n < 4 else sorted(rng.sample(range(n + 1), 2))
                    if span[0] == span[1]:
                        span = (None, None)
                    cid = codings.apply_code(store, login, a, c, *span)
                    rec = ("apply", a, c, span[0], span[1], cid)
                elif r < 0.70:
                    c = rng.choice(codes)
                    rec = ("remove", a, c, codings.remove_code(store, login, a, c))
                elif r < 0.85:
                    f = rng.random() < 0.5
                    rec = ("flag", a, f, codings.set_flag(store, login, a, f))
                else:
                    rec = ("coded", a, codings.set_coded(store, login, a, True))
            except SaveError as e:  # not acknowledged: the person was told it was not saved
                errors.append(type(e).__name__)
                continue
            log.append((rec, time.perf_counter() - t0))
    finally:
        store.close()
    out.put((login, log, errors))


def _supervisor(url: str, login: str, answers: list[int], coders: list[str], keys: list[str], seconds: float,
                seed: int, out, ready, go):
    from workbench.coding.reconcile import decide
    from workbench.coding.store import Store
    from workbench.errors import InputError, SaveError

    rng = random.Random(seed)
    store = Store.open(_as(url, login))
    log, errors = [], []
    ready.put(login)
    go.wait(600)  # everyone starts together: the measured window has every process in it
    end = time.monotonic() + seconds
    try:
        while time.monotonic() < end:
            a = rng.choice(answers)
            codes = sorted(rng.sample(keys, rng.randint(1, 2)))
            t0 = time.perf_counter()
            try:
                d = decide(store, login, a, codes, basis="manual", coders=coders)
            except (SaveError, InputError) as e:
                errors.append(type(e).__name__)
                continue
            log.append((("decide", a, d.codes, d.version), time.perf_counter() - t0))
    finally:
        store.close()
    out.put((login, log, errors))


def _prepare(base: str, n: int) -> tuple[str, str, dict, list[int], dict, list[int], list[str], list[str]]:
    import psycopg
    from sqlmodel import select

    from workbench.coding import team
    from workbench.coding.assignments import create_round
    from workbench.coding.models import Answer, Assignment
    from workbench.coding.store import Store
    from workbench.demo.generate import create_demo

    tag = uuid.uuid4().hex[:8]
    db = f"wb_load_{tag}"
    with psycopg.connect(base.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{db}"')
    url = base.rsplit("/", 1)[0] + "/" + db
    create_demo(url, seed=1)
    prefix = f"wbl{tag}"
    users = {"admin": f"ladm_{tag}", "sup": f"lsup_{tag}", **{f"c{i}": f"lc{i}_{tag}" for i in range(n)}}
    team.setup(url, users["admin"], None, prefix=prefix)
    team.add_user(url, users["sup"], "supervisor")
    for i in range(n):
        team.add_user(url, users[f"c{i}"], "coder")
    sup = Store.open(_as(url, users["sup"]))
    try:
        # a blind reliability round of 400 answers over every coder: row-level security in every query
        create_round(sup, users["sup"], [users[f"c{i}"] for i in range(n)], name="load", sample=400, seed=1)
        with sup.session() as s:
            answers = sorted(set(s.exec(select(Assignment.answer_id)).all()))
            texts = dict(s.exec(select(Answer.id, Answer.text).where(Answer.id.in_(answers))).all())
            codes = sup.codes(s, include_retired=False)
    finally:
        sup.close()
    return url, db, users, answers, texts, [c.id for c in codes], [c.key for c in codes], [prefix]


def _verify(url: str, users: dict, results: dict) -> list[str]:
    from sqlalchemy import func
    from sqlmodel import select

    from workbench.coding.models import AnswerState, AuditEvent, Coder, Coding, Decision
    from workbench.coding.store import Store

    problems = []
    store = Store.open(url)
    try:
        with store.session() as s:
            ids = dict(s.exec(select(Coder.name, Coder.id)).all())
            for login, (log, _errors) in results.items():
                if login == users["sup"]:
                    last = {}
                    for (kind, a, codes, version), _t in log:
                        last[a] = (codes, version)
                    got = {a: (d.codes, d.version) for a, d in
                           ((d.answer_id, d) for d in s.exec(select(Decision))) if a in last}
                    if got != last:
                        problems.append(f"{login}: decisions differ from the last acknowledged ones")
                    continue
                have: set = set()
                flags: dict = {}
                new_applies = 0
                for rec, _t in log:
                    if rec[0] == "apply":
                        key = rec[1:5]
                        new_applies += key not in have
                        have.add(key)
                    elif rec[0] == "remove":
                        have = {k for k in have if not (k[0] == rec[1] and k[1] == rec[2])}
                    elif rec[0] == "flag":
                        flags[rec[1]] = rec[2]
                rows = s.exec(select(Coding.answer_id, Coding.code_id, Coding.start, Coding.end)
                              .where(Coding.coder_id == ids[login])).all()
                if len(rows) != len(set(rows)):
                    problems.append(f"{login}: a coding is in the database twice")
                if set(map(tuple, rows)) != have:
                    problems.append(f"{login}: codings differ from the acknowledged actions "
                                    f"({len(set(map(tuple, rows)) - have)} extra, {len(have - set(map(tuple, rows)))} missing)")
                db_flags = dict(s.exec(select(AnswerState.answer_id, AnswerState.flagged)
                                       .where(AnswerState.coder_id == ids[login])).all())
                if any(db_flags.get(a) != f for a, f in flags.items()):
                    problems.append(f"{login}: a flag differs from the last one set")
                applied = s.exec(select(func.count()).select_from(AuditEvent).where(
                    AuditEvent.actor == login, AuditEvent.action == "coding.apply")).one()
                if applied != new_applies:
                    problems.append(f"{login}: {applied} coding.apply events for {new_applies} new codings")
    finally:
        store.close()
    return problems


def run(base: str, n: int, seconds: float) -> dict:
    from workbench.coding import team

    url, db, users, answers, texts, code_ids, keys, (prefix,) = _prepare(base, n)
    try:
        return _measure(url, users, answers, texts, code_ids, keys, n, seconds)
    finally:
        _drop(base, url, db, list(users.values()) + list(team.group_roles(prefix).values()))


def _drop(base: str, url: str, db: str, roles: list[str]) -> None:
    import psycopg

    from workbench.coding import team

    team.drop_roles(url, roles)
    with psycopg.connect(base.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def _measure(url, users, answers, texts, code_ids, keys, n, seconds) -> dict:
    ctx = mp.get_context("spawn")
    out, ready, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    coders = [users[f"c{i}"] for i in range(n)]
    procs = [ctx.Process(target=_coder, args=(url, login, answers, code_ids, texts, seconds, i, out, ready, go))
             for i, login in enumerate(coders)]
    procs.append(ctx.Process(target=_supervisor, args=(url, users["sup"], answers, coders[:2], keys, seconds, 99,
                                                       out, ready, go)))
    for p in procs:
        p.start()
    for _ in procs:
        ready.get(timeout=600)
    t0 = time.monotonic()
    go.set()
    results = {}
    for _ in procs:
        login, log, errors = out.get(timeout=seconds + 300)
        results[login] = (log, errors)
    for p in procs:
        p.join(60)
    wall = time.monotonic() - t0
    problems = _verify(url, users, results)
    lat = sorted(t for log, _e in results.values() for _r, t in log)
    n_actions = len(lat)
    errors = [e for _l, errs in results.values() for e in errs]
    report = {
        "coders": n, "supervisors": 1, "seconds": seconds, "actions": n_actions,
        "actions_per_s": round(n_actions / seconds, 1),
        "p50_ms": round(1000 * statistics.median(lat), 1) if lat else None,
        "p95_ms": round(1000 * lat[int(0.95 * (len(lat) - 1))], 1) if lat else None,
        "max_ms": round(1000 * lat[-1], 1) if lat else None,
        "not_saved": {k: errors.count(k) for k in sorted(set(errors))},
        "decisions": len(results[users["sup"]][0]), "wall_s": round(wall, 1), "problems": problems,
    }
    return report


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    ap.add_argument("--coders", default="4,8,16")
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--json")
    a = ap.parse_args(argv)
    reports = []
    print(f"{'coders':>6} {'actions':>8} {'actions/s':>10} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  not saved / problems")
    for n in (int(x) for x in a.coders.split(",")):
        r = run(a.url, n, a.seconds)
        reports.append(r)
        print(f"{r['coders']:>6} {r['actions']:>8} {r['actions_per_s']:>10} {r['p50_ms']:>8} {r['p95_ms']:>8} "
              f"{r['max_ms']:>8}  {r['not_saved'] or '-'} / {r['problems'] or 'every acknowledged action there, once'}",
              flush=True)
    if a.json:
        Path(a.json).write_text(json.dumps(reports, indent=2), encoding="utf-8")
    return 1 if any(r["problems"] for r in reports) else 0


if __name__ == "__main__":
    raise SystemExit(main())
