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
    if kind == "export":  # load the exporters and their libraries first: the harness kills during exports
        import docx  # noqa: F401
        import openpyxl  # noqa: F401

        from workbench.export import answers as _a, frequencies as _f, quotes as _q, refi as _r  # noqa: F401
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
        from workbench.importer.codings import import_codings

        res = import_codings(store, "bulk", args[1])
        say("SAVED", "codings-import", res.codings)
    elif kind == "export":  # the real exports, over and over, each to its fixed path
        from workbench.export.answers import export_answers
        from workbench.export.frequencies import export_frequencies
        from workbench.export.quotes import export_quotes
        from workbench.export.refi import export_qdpx

        out = args[1]
        n = 0
        while True:
            n += 1
            export_frequencies(store, f"{out}/frequencies.csv", coder="anne")
            export_frequencies(store, f"{out}/frequencies.xlsx", coder="anne")
            export_answers(store, f"{out}/answers.xlsx", coder="anne")
            export_quotes(store, f"{out}/quotes.docx", coder="anne")
            export_qdpx(store, f"{out}/project.qdpx")
            say("SAVED", "export", n)
    elif kind == "reconcile":  # a supervisor deciding answers; BEGIN names the one in flight
        from workbench.coding import reconcile

        with store.session() as s:
            keys = sorted(s.exec(select(Code.key)).all())
        while True:
            aid, _ = rng.choice(answers)
            if rng.random() < 0.3:
                say("BEGIN", aid)
                info = reconcile.decide(store, "sofie", aid, basis="coder:anne")
            else:
                picked = rng.sample(keys, rng.randint(0, 3))
                say("BEGIN", aid)
                info = reconcile.decide(store, "sofie", aid, codes=picked, basis="manual" if picked else "none")
            say("SAVED", "decision", aid, ",".join(sorted(info.codes)) or "-")
    elif kind == "merge":  # merge one offline copy (args[1]) into the project
        from workbench.coding.merge import merge_project

        rep = merge_project(store, args[1])
        say("SAVED", "merge", rep["added"])
    elif kind == "backup":
        from workbench.coding.backup import create_backup

        while True:
            say("SAVED", "backup", create_backup(project, keep=3))
    else:
        raise SystemExit(f"unknown kind {kind}")


if __name__ == "__main__":
    main()
