"""A worker for the crash harness: performs one kind of action in a loop and prints
``SAVED ...`` only after the action's transaction has returned (= what the user is told).
The harness kills it with SIGKILL at random moments and checks that every SAVED action
survived and the project is intact.

usage: python tests/crash_worker.py KIND PROJECT [ARGS...]
"""
from __future__ import annotations

import random
import sys


def say(*parts) -> None:
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")
    sys.stdout.flush()


def main() -> None:
    kind, project, *args = sys.argv[1:]
    from sqlmodel import select

    from workbench.coding import codings
    from workbench.coding.models import Answer, Code, Coding
    from workbench.coding.store import Store

    store = Store.open(project)
    rng = random.Random(int(args[0]) if args else 0)
    with store.session() as s:
        answers = list(s.exec(select(Answer.id, Answer.text)))
        codes = list(s.exec(select(Code.id)))
    say("READY")
    if kind == "coding":
        while True:
            aid, text = rng.choice(answers)
            cid = rng.choice(codes)
            if text and rng.random() < 0.3:
                a = rng.randrange(len(text))
                new = codings.apply_code(store, "crash", aid, cid, a, rng.randint(a + 1, len(text)))
            else:
                new = codings.apply_code(store, "crash", aid, cid)
            with store.session() as s:
                uid = s.get(Coding, new).uid  # ids can be reused after a delete; uids cannot
            say("SAVED", "coding", uid)
            if rng.random() < 0.2:
                codings.remove_coding(store, new)
                say("SAVED", "removed", uid)
    elif kind == "memo":
        n = 0
        while True:
            n += 1
            aid, _ = rng.choice(answers)
            mid = codings.save_memo(store, "crash", "answer", aid, f"note {n} æøå")
            say("SAVED", "memo", mid, n)
    elif kind == "import":
        from workbench.importer.survey import import_survey

        res = import_survey(store, args[1])
        say("SAVED", "import", res.respondents)
    elif kind == "codings-import":
        res = codings.import_codings(store, "bulk", args[1])
        say("SAVED", "codings-import", res.codings)
    elif kind == "export":
        from workbench.export.atomic import atomic_path
        import csv

        n = 0
        while True:
            n += 1
            with atomic_path(args[1]) as tmp, open(tmp, "w", newline="", encoding="utf-8") as f:
                w = csv.writer(f)
                w.writerow(["n", "id", "text"])
                for aid, text in answers * 20:
                    w.writerow([n, aid, text])
                w.writerow(["END", n, ""])
            say("SAVED", "export", n)
    elif kind == "backup":
        from workbench.coding.backup import create_backup

        while True:
            say("SAVED", "backup", create_backup(project, keep=3))
    else:
        raise SystemExit(f"unknown kind {kind}")


if __name__ == "__main__":
    main()
