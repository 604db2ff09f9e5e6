"""The command line: every headless operation, for users, scripts, tests and the checks.

Exit codes (the contract): 0 success; 2 invalid input or usage, with a message naming the
file, row and column; 1 anything else. Heavy modules are imported inside each command so
that ``workbench --help`` stays instant.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from pathlib import Path
from typing import Optional

from workbench.coding.urls import hide_password, without_password
from workbench.errors import InputError, WorkbenchError


class UsageError(InputError):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse exits 2 on usage errors too; say it our way
        self.print_usage(sys.stderr)
        print(f"workbench: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _open(project: str, create: bool = False, actor: Optional[str] = None):
    from workbench.coding.store import Store

    return Store.open(project, create=create, actor=actor)


def _project_exists(project: str) -> bool:
    return "://" in project or Path(project).exists()


# -- commands ---------------------------------------------------------------------------

def cmd_init(a) -> int:
    from workbench.coding.codebook import DEFAULT_CODEBOOK, install_codebook, load_codebook

    spec = load_codebook(a.codebook or DEFAULT_CODEBOOK)  # validate before creating anything
    if not a.force and "://" not in a.project and Path(a.project).exists():
        raise InputError("a file already exists here (use --force to add the codebook to it)", file=a.project)

    store = _open(a.project, create=True)
    try:
        with store.transaction() as s:
            install_codebook(store, s, spec)
    finally:
        store.close()
    print(f"created project {without_password(a.project)} with codebook {spec.key} ({len(spec.codes)} codes)")
    return 0


def cmd_demo(a) -> int:
    from workbench.demo.generate import create_demo

    if "://" not in a.project and Path(a.project).exists():
        if not a.force:
            raise InputError("a file already exists here (use --force to replace it)", file=a.project)
        for suffix in ("", "-wal", "-shm"):
            Path(a.project + suffix).unlink(missing_ok=True)
    info = create_demo(a.project, seed=a.seed)
    print(info if isinstance(info, str) else f"created demo project {a.project}")
    return 0


def cmd_import(a) -> int:
    from workbench.importer.survey import import_survey

    store = _open(a.project)
    res = import_survey(store, a.file, mapping=a.mapping, year=a.year, definition=a.survey)
    print(res.summary())
    return 0


def cmd_survey(a) -> int:
    """survey infer FILE --out DEF.yaml | survey check DEF.yaml [FILE] | survey show PROJECT [--out DEF.yaml]"""
    from workbench.coding.definition import SurveyDefinition, load_definition, save_definition

    if a.action == "infer":
        from workbench.importer.infer import infer_definition, write_definition_yaml
        from workbench.importer.survey import read_survey_file

        if not a.out:
            raise UsageError("survey infer needs --out DEF.yaml")
        table = read_survey_file(a.target)
        draft = infer_definition(table)
        defn = SurveyDefinition.from_dict(draft, file=f"the draft inferred from {a.target}")
        write_definition_yaml(draft, a.out)
        print(f"wrote {a.out}: {len(defn.questions)} questions "
              f"({sum(q.scored for q in defn.questions)} with a score), {len(defn.variables)} variables — check it, then "
              f"`workbench import PROJECT {a.target} --survey {a.out}`")
        return 0
    if a.action == "check":
        from workbench.importer.survey import parse_survey, read_survey_file, with_file_labels

        defn = load_definition(a.target)
        if a.file:
            table = read_survey_file(a.file)
            parsed, problems = parse_survey(table, with_file_labels(defn, table), None, None)
            if problems:
                raise InputError(problems)
            n = sum(1 for r in parsed for (_s, _b, t) in r.answers.values() if t)
            print(f"{a.file} fits {a.target}: {len(parsed)} respondents, {n} answers")
        else:
            print(f"{a.target} holds together: {len(defn.questions)} questions, {len(defn.variables)} variables")
        return 0
    # show
    from workbench.coding.surveys import project_definition

    store = _open(a.target)
    with store.session() as s:
        defn = project_definition(s)
    if defn is None:
        raise InputError("the project holds no survey yet (import one first)", file=a.target)
    if a.out:
        save_definition(defn, a.out)
        print(f"wrote {a.out}")
    else:
        print(defn.to_yaml(), end="")
    return 0


def cmd_import_qdpx(a) -> int:
    from workbench.importer.refi import import_qdpx, read_qdpx

    plan = read_qdpx(a.file)  # validate the whole file before touching (or creating) the project
    created = not _project_exists(a.project)
    store = _open(a.project, create=created)
    try:
        res = import_qdpx(store, a.file, plan=plan)
    except BaseException:
        store.close()
        if created:  # nothing half-written: drop the project file this command made
            for suffix in ("", "-wal", "-shm"):
                Path(a.project + suffix).unlink(missing_ok=True)
        raise
    print(res.summary())
    return 0


def cmd_import_codebook(a) -> int:
    from workbench.importer.codebook_table import import_codebook

    store = _open(a.project)
    print(import_codebook(store, a.file, key=a.key))
    return 0


def cmd_codings_import(a) -> int:
    from workbench.importer.codings import import_codings

    store = _open(a.project)
    res = import_codings(store, a.coder, a.csv)
    print(res.summary())
    return 0


def cmd_doctor(a) -> int:
    import platform

    import workbench

    ok = True
    lines = [f"workbench {workbench.__version__}", f"python {platform.python_version()} ({sys.executable})"]
    for mod in ("PySide6", "spacy", "sqlalchemy", "sqlmodel", "alembic", "pandas", "openpyxl", "docx", "rapidfuzz", "psycopg"):
        try:
            m = __import__(mod)
            lines.append(f"{mod} {getattr(m, '__version__', '?')}")
        except Exception as e:  # report, do not crash
            lines.append(f"{mod} MISSING ({e.__class__.__name__})")
            ok = False
    try:
        from workbench.nlp.pipeline import pipeline_info

        info = pipeline_info()
        lines.append(f"Danish NLP pipeline: {info.get('source')} — {info.get('name')} {info.get('version', '')}"
                     f" [{info.get('license', '')}]")
    except Exception as e:
        lines.append(f"Danish NLP pipeline: unavailable ({e})")
        ok = False
    from workbench import gui_check

    gui_lines, blockers = gui_check.report()  # the command line works without; the window does not
    lines += [f"GUI {x}" for x in gui_lines] + [f"GUI cannot open a window: {b}" for b in blockers]
    if a.project:
        from workbench.coding.health import check_project

        shown = without_password(a.project)  # doctor output gets pasted into e-mails and issues
        try:
            store = _open(a.project)
        except (InputError, WorkbenchError) as e:
            lines.append(hide_password(f"project {shown}: CANNOT OPEN: {e}", a.project))
            print("\n".join(lines))
            return 1
        try:
            dialect = "SQLite (WAL)" if store.is_sqlite else store.engine.dialect.name
            lines.append(f"project {shown}: {dialect}, schema {store.schema_revision()}")
            report = check_project(store)
        finally:
            store.close()
        lines += [f"  {k}: {v}" for k, v in report.counts.items()]
        if report.problems:
            ok = False
            lines += [f"  PROBLEM: {p}" for p in report.problems]
        else:
            lines.append("  integrity: ok")
    print("\n".join(lines))
    return 0 if ok else 1


def cmd_gui(a) -> int:
    from workbench.gui_check import window_blocker

    blocker = window_blocker(a.screenshot is not None)  # checked before Qt loads: Qt itself would
    if blocker:  # abort with its generic platform-plugin message, or hang with no window
        print(f"workbench: cannot open the window: {blocker}", file=sys.stderr)
        return 2
    from workbench.ui.app import run_gui

    return run_gui(project=a.project, demo=a.demo, screenshot=a.screenshot, size=a.size, coder=a.coder, lang=a.lang)


def cmd_suggest(a) -> int:
    from workbench.nlp.suggest import suggest_csv

    n = suggest_csv(a.input, a.output, codebook=a.codebook, project=a.project, top=a.top)
    print(f"wrote suggestions for {n} answers to {a.output}")
    return 0


def cmd_evaluate(a) -> int:
    from workbench.nlp.suggest import evaluate_csv

    report = evaluate_csv(a.gold, codebook=a.codebook, project=a.project, top=a.top)
    print(report)
    return 0


def cmd_pii(a) -> int:
    from workbench.nlp.pii import pii_csv

    n = pii_csv(a.input, a.output)
    print(f"checked {n} texts; wrote {a.output}")
    return 0


def cmd_agreement(a) -> int:
    from workbench.coding.agreement import agreement_report
    from workbench.export.atomic import atomic_write_text

    store = _open(a.project)
    coders = [c.strip() for c in a.coders.split(",") if c.strip()] if a.coders else None
    rep = agreement_report(store, coders=coders, question=a.question)
    atomic_write_text(a.json, json.dumps(rep, ensure_ascii=False, indent=2))
    ov = rep["overall"]
    print(f"{rep['units']} units coded by {', '.join(rep['coders'])}: alpha {ov['alpha']}, "
          f"agreement {ov['percent_agreement']}")
    return 0


def _acting(store, name: Optional[str], role: str = "supervisor") -> str:
    """The acting person. In a solo SQLite project a new name becomes the supervisor; on a
    team server people are added by an admin (`workbench team add-user`)."""
    name = name or store.actor
    if store.is_sqlite:
        from workbench.coding.team import ensure_person

        ensure_person(store, name, role)
    return name


def cmd_assign(a) -> int:
    from workbench.coding.assignments import create_round

    store = _open(a.project)
    actor = _acting(store, a.as_)
    coders = [c.strip() for c in a.coders.split(",") if c.strip()]
    info = create_round(store, actor, coders, sample=a.sample, seed=a.seed, name=a.round, blind=a.blind,
                        question=a.question)
    kind = "reliability round" if info.reliability else "round"
    print(f"{kind} {info.name}: {info.n_answers} answers to each of {', '.join(info.coders)}"
          f" ({'blind' if info.blind else 'open'})")
    if a.sample and info.n_answers > a.sample:
        print(f"note: {len(info.strata)} question/band groups each got at least one answer, so the sample "
              f"has {info.n_answers} answers, more than {a.sample}")
    return 0


def cmd_release(a) -> int:
    from workbench.coding.assignments import release_round

    store = _open(a.project)
    release_round(store, _acting(store, a.as_), a.round)
    print(f"released round {a.round}")
    return 0


def cmd_reconcile(a) -> int:
    from workbench.coding.reconcile import auto_merge_agreed, disagreements

    store = _open(a.project)
    sup = _acting(store, a.supervisor)
    coders = [c.strip() for c in a.coders.split(",") if c.strip()] if a.coders else None
    if a.auto_agreed:
        r = auto_merge_agreed(store, sup, coders=coders, question=a.question)
        print(f"merged {r['merged']} agreed answers ({r['refreshed']} refreshed, {r['unchanged']} unchanged, "
              f"{r['kept']} human decisions kept)")
    left = disagreements(store, coders=coders, question=a.question, only_open=True, viewer=sup)
    print(f"{len(left)} answers need a decision")
    for u in left[:a.limit]:
        sets = "; ".join(f"{c}: {', '.join(v) or '-'}" for c, v in u.codes.items())
        print(f"  [{u.status}] answer {u.answer_id} {u.respondent} {u.question}: {sets}")
    if a.json:
        from workbench.export.atomic import atomic_write_text

        rows = [dict(answer_id=u.answer_id, answer_uid=u.answer_uid, respondent=u.respondent, question=u.question,
                     band=u.band, status=u.status, codes=u.codes, spans=u.spans,
                     decision=None if u.decision is None else dict(basis=u.decision.basis, codes=u.decision.codes,
                                                                     version=u.decision.version))
                for u in left]
        atomic_write_text(a.json, json.dumps(rows, ensure_ascii=False, indent=2))
    return 0


def cmd_merge(a) -> int:
    from workbench.coding.merge import merge_project

    store = _open(a.project)
    rep = merge_project(store, a.other)
    print(f"merged {a.other}: {rep['added']} added, {rep['updated']} updated, {rep['unchanged']} unchanged, "
          f"{rep['kept']} kept (newer here), {len(rep['conflicts'])} conflicts, {len(rep['unmatched'])} unmatched"
          + (f", {rep['not_yours']} of other people's left alone (a coder merges only their own work)"
             if rep.get("not_yours") else ""))
    for c in rep["conflicts"][:50]:
        if c["kind"] == "coding":
            print(f"  CONFLICT {c['respondent']} {c['question']} {c['coder']}: here {c['ours']} / copy {c['theirs']}")
        else:
            print(f"  CONFLICT memo {c['memo_uid']}")
    if a.json:
        from workbench.export.atomic import atomic_write_text

        atomic_write_text(a.json, json.dumps(rep, ensure_ascii=False, indent=2, default=str))
    return 0


def cmd_offline_copy(a) -> int:
    from workbench.coding.merge import make_offline_copy

    store = _open(a.project)
    try:
        make_offline_copy(store, a.out)
    finally:
        store.close()
    shown = without_password(a.project)  # the password belongs in ~/.pgpass or PGPASSWORD
    print(f"copied {shown} to {a.out}; merge it back with `workbench merge {shown} {a.out}`")
    return 0


def _date_arg(v: str):
    """--since: a day, YYYY-MM-DD."""
    from datetime import date

    try:
        return date.fromisoformat(v.strip())
    except ValueError:
        raise InputError(f"{v!r} is not a date (YYYY-MM-DD)", file="--since") from None


def cmd_log(a) -> int:
    from workbench.coding.history import answer_for, events, local_time
    from workbench.export.history import export_history_csv

    if (a.respondent is None) != (a.question is None):
        raise UsageError("--respondent and --question go together (or give --answer ID)", file="--respondent")
    if a.answer is not None and a.respondent is not None:
        raise UsageError("give --answer ID or --respondent and --question, not both", file="--answer")
    if a.limit is not None and a.limit < 0:
        raise UsageError("must be 0 or more", file="--limit")
    since = _date_arg(a.since) if a.since else None
    store = _open(a.project)
    try:
        try:
            answer = answer_for(store, a.respondent, a.question) if a.respondent is not None else a.answer
        except InputError as e:
            raise InputError(e.problems[0].problem, file="--respondent/--question") from None
        rows = events(store, answer_id=answer, actor=a.actor, action=a.action, since=since, limit=a.limit)
        if a.csv:
            export_history_csv(store, a.csv, lang=a.lang, entries=rows)
    finally:
        store.close()
    if a.csv:
        print(f"wrote {len(rows)} events to {a.csv}")
        return 0
    for e in rows:
        where = f"  [{e.answer_ref}]" if e.answer_id is not None and answer is None else ""
        print(f"{local_time(e.at)}  {e.actor}  {e.describe(a.lang)}{where}")
    return 0


def _new_password(name: str) -> Optional[str]:
    """From WORKBENCH_NEW_PASSWORD (scripts) or asked twice; never echoed, stored or logged."""
    pw = os.environ.get("WORKBENCH_NEW_PASSWORD")
    if pw:
        return pw
    if not sys.stdin.isatty():
        raise InputError("set WORKBENCH_NEW_PASSWORD or run in a terminal to type the password", file="password")
    import getpass

    pw = getpass.getpass(f"password for {name}: ")
    if pw != getpass.getpass("again: "):
        raise InputError("the two passwords differ", file="password")
    if not pw:
        raise InputError("the password is empty", file="password")
    return pw


def cmd_team(a) -> int:
    from workbench.coding import team

    if a.team_command == "setup":
        r = team.setup(a.url, a.admin, _new_password(a.admin), prefix=a.prefix, rls=not a.no_rls)
        print(f"team project ready: groups {', '.join(r['groups'])}; admin {r['admin']}"
              f"{'; row-level security on' if r['rls'] else ''}")
        for w in r.get("warnings", []):
            print(f"warning: {w}", file=sys.stderr)
    else:
        team.add_user(a.url, a.name, a.role, _new_password(a.name))
        print(f"added {a.name} as {a.role}")
    return 0


def _year_arg(v: str):
    """--year: a survey year, or 'all' for every year in the project."""
    if v.strip().lower() in ("all", "alle"):
        return "all"
    try:
        return int(v)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{v!r} is not a year or 'all'") from None


def cmd_export(a) -> int:
    kind = a.kind
    applies = {"--allow-pii": (a.allow_pii, ("answers", "quotes")), "--report-draft": (a.report_draft, ("quotes",)),
               "--quotes": (a.quotes is not None, ("quotes",)), "--question": (a.question is not None, ("chart",)),
               "--band": (a.band is not None, ("chart",)),
               "--year": (a.year is not None, ("frequencies", "distributions", "answers", "quotes", "chart"))}
    for opt, (given, kinds) in applies.items():  # say so rather than silently ignore an option
        if given and kind not in kinds:
            raise UsageError(f"{opt} applies only to: export {', '.join(kinds)}")
    if a.quotes is not None and a.quotes < 0:
        raise UsageError("--quotes must be 0 or more")
    if a.compare_years and kind != "distributions":
        raise UsageError("--compare-years applies only to: export distributions")
    store = _open(a.project)
    year = {} if a.year is None else {"year": a.year}
    if a.by is None and kind in ("frequencies", "distributions", "chart"):
        from workbench.export.data import default_by
        a.by = default_by(store)
    if kind == "frequencies":
        from workbench.export.frequencies import export_frequencies as fn
        out = fn(store, a.out, by=a.by, coder=a.coder, **year)
    elif kind == "distributions" and a.compare_years:
        from workbench.export.distributions import export_year_comparison as fn
        try:
            ya, yb = (int(x) for x in a.compare_years.split(","))
        except ValueError:
            raise UsageError(f"--compare-years {a.compare_years!r} is not two years A,B") from None
        if a.year is not None:
            raise UsageError("--compare-years names its years; leave out --year")
        out = fn(store, a.out, ya, yb, by=a.by)
    elif kind == "distributions":
        from workbench.export.distributions import export_distributions as fn
        out = fn(store, a.out, by=a.by, **year)
    elif kind == "answers":
        from workbench.export.answers import export_answers as fn
        out = fn(store, a.out, coder=a.coder, allow_pii=a.allow_pii, **year)
    elif kind == "quotes":
        from workbench.export.quotes import export_quotes as fn
        out = fn(store, a.out, coder=a.coder, n_quotes=3 if a.quotes is None else a.quotes,
                 report_draft=a.report_draft, allow_pii=a.allow_pii, **year)
    elif kind == "chart":
        from workbench.export.preview import export_chart as fn
        if not a.question:
            raise UsageError("export chart needs --question qN")
        out = fn(store, a.out, a.question, band=a.band, by=a.by, coder=a.coder, year=a.year)
    elif kind == "qdpx":
        from workbench.export.refi import export_qdpx as fn
        out = fn(store, a.out, coder=a.coder)
    elif kind == "qdc":
        from workbench.export.refi import export_qdc as fn
        out = fn(store, a.out)
    else:  # argparse restricts choices
        raise UsageError(f"unknown export {kind}")
    print(out if isinstance(out, str) else f"wrote {a.out}")
    return 0


def cmd_backup(a) -> int:
    from workbench.coding.backup import create_backup

    store = _open(a.project)  # refuses anything that is not a project
    if not store.is_sqlite:
        raise InputError("backups of PostgreSQL projects are taken with pg_dump on the server", file=a.project)
    store.close()
    print(f"wrote {create_backup(a.project, keep=a.keep)}")
    return 0


def cmd_backups(a) -> int:
    from workbench.coding.backup import list_backups

    for b in list_backups(a.project):
        print(b)
    return 0


def cmd_restore(a) -> int:
    from workbench.coding.backup import restore_backup

    safety = restore_backup(a.project, a.backup)
    print(f"restored {a.backup} into {a.project}" + (f" (the state before is kept in {safety})" if safety else ""))
    return 0


# -- parser -------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="workbench", description="Danish qualitative coding workbench")
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    g = sub.add_parser("gui", help="open the desktop app")
    g.add_argument("project", nargs="?")
    g.add_argument("--demo", action="store_true", help="open (and create if needed) the demo project")
    g.add_argument("--screenshot", metavar="PNG", help="render the main window to PNG and exit")
    g.add_argument("--size", default="1400x900", metavar="WxH")
    g.add_argument("--coder", help="code as this person (skips the start-up question)")
    g.add_argument("--lang", choices=["da", "en"], help="user interface language")
    g.set_defaults(fn=cmd_gui)

    d = sub.add_parser("demo", help="create a project with the demo survey and default codebook")
    d.add_argument("project")
    d.add_argument("--seed", type=int, default=2020)
    d.add_argument("--force", action="store_true", help="replace an existing file")
    d.set_defaults(fn=cmd_demo)

    i = sub.add_parser("init", help="create an empty project with a codebook")
    i.add_argument("project")
    i.add_argument("--codebook", metavar="YAML")
    i.add_argument("--force", action="store_true")
    i.set_defaults(fn=cmd_init)

    dr = sub.add_parser("doctor", help="versions, NLP pipeline and project health")
    dr.add_argument("project", nargs="?")
    dr.set_defaults(fn=cmd_doctor)

    im = sub.add_parser("import", help="import a survey file (CSV, XLSX or SPSS .sav)")
    im.add_argument("project")
    im.add_argument("file")
    im.add_argument("--mapping", metavar="YAML")
    im.add_argument("--year", type=int, help="the survey year of every row (wins over the file and the definition)")
    im.add_argument("--survey", metavar="DEF.yaml",
                    help="the survey definition (default: the project's own, else the jobcentre survey)")
    im.set_defaults(fn=cmd_import)

    sv = sub.add_parser("survey", help="survey definitions: infer a draft from a file, check one, show a project's")
    sv.add_argument("action", choices=["infer", "check", "show"])
    sv.add_argument("target", help="infer: the survey file; check: the definition; show: the project")
    sv.add_argument("file", nargs="?", help="check: a survey file to check against the definition")
    sv.add_argument("--out", metavar="DEF.yaml", help="infer, show: write the definition here")
    sv.set_defaults(fn=cmd_survey)

    iq = sub.add_parser("import-qdpx", help="import a REFI-QDA project (.qdpx) into a new or empty project")
    iq.add_argument("project")
    iq.add_argument("file")
    iq.set_defaults(fn=cmd_import_qdpx)

    ic = sub.add_parser("import-codebook", help="install a codebook (.yaml, .qdc, .csv or .xlsx) into a project")
    ic.add_argument("project")
    ic.add_argument("file")
    ic.add_argument("--key", help="the codebook to update (default: the project's active codebook)")
    ic.set_defaults(fn=cmd_import_codebook)

    s = sub.add_parser("suggest", help="suggest codes for answers in a CSV")
    s.add_argument("--input", required=True)
    s.add_argument("--output", required=True)
    s.add_argument("--codebook")
    s.add_argument("--project")
    s.add_argument("--top", type=int, default=5)
    s.set_defaults(fn=cmd_suggest)

    ev = sub.add_parser("evaluate", help="precision, recall, F1 and hit@k of suggestions against a gold CSV")
    ev.add_argument("--gold", required=True, help="CSV: id, question, score, text, gold (space-separated code ids)")
    ev.add_argument("--codebook")
    ev.add_argument("--project")
    ev.add_argument("--top", type=int, default=3)
    ev.set_defaults(fn=cmd_evaluate)

    c = sub.add_parser("codings", help="codings")
    csub = c.add_subparsers(dest="codings_command", parser_class=_Parser, required=True)
    ci = csub.add_parser("import", help="add one coder's codings from a CSV")
    ci.add_argument("project")
    ci.add_argument("csv")
    ci.add_argument("--coder", required=True)
    ci.set_defaults(fn=cmd_codings_import)

    pi = sub.add_parser("pii", help="find personal data in texts")
    pi.add_argument("--input", required=True)
    pi.add_argument("--output", required=True)
    pi.set_defaults(fn=cmd_pii)

    ag = sub.add_parser("agreement", help="inter-coder agreement")
    ag.add_argument("project")
    ag.add_argument("--json", required=True, metavar="OUT")
    ag.add_argument("--coders", help="comma-separated coder names (default: all human coders)")
    ag.add_argument("--question")
    ag.set_defaults(fn=cmd_agreement)

    asg = sub.add_parser("assign", help="create a coding round (blind double coding, reliability sample)")
    asg.add_argument("project")
    asg.add_argument("--coders", required=True, help="comma-separated coder names")
    asg.add_argument("--sample", type=int, help="a reliability sample of N answers, stratified by question and band")
    asg.add_argument("--seed", type=int, help="random seed of the sample (same seed, same sample)")
    asg.add_argument("--round", help="round name (default runde-N / reliabilitet-N)")
    asg.add_argument("--question", help="only answers to this question")
    bl = asg.add_mutually_exclusive_group()
    bl.add_argument("--blind", dest="blind", action="store_true", default=True, help="coders do not see each other's codes (default)")
    bl.add_argument("--open", dest="blind", action="store_false", help="coders see each other's codes")
    asg.add_argument("--as", dest="as_", metavar="NAME", help="acting supervisor (default: WORKBENCH_USER)")
    asg.set_defaults(fn=cmd_assign)

    rel = sub.add_parser("release", help="release a blind round: everyone sees all its codings")
    rel.add_argument("project")
    rel.add_argument("--round", required=True)
    rel.add_argument("--as", dest="as_", metavar="NAME")
    rel.set_defaults(fn=cmd_release)

    rc = sub.add_parser("reconcile", help="merge agreed answers and list the disagreements left")
    rc.add_argument("project")
    rc.add_argument("--supervisor", required=True, metavar="NAME")
    rc.add_argument("--auto-agreed", action="store_true", help="decide answers all coders agree on")
    rc.add_argument("--coders", help="comma-separated coder names (default: all human coders)")
    rc.add_argument("--question")
    rc.add_argument("--limit", type=int, default=50, help="disagreements to print")
    rc.add_argument("--json", metavar="OUT", help="write the disagreements left as JSON")
    rc.set_defaults(fn=cmd_reconcile)

    mg = sub.add_parser("merge", help="merge an offline SQLite copy's codings and memos")
    mg.add_argument("project")
    mg.add_argument("other", metavar="OTHER.db")
    mg.add_argument("--json", metavar="OUT", help="write the merge report as JSON")
    mg.set_defaults(fn=cmd_merge)

    oc = sub.add_parser("offline-copy", help="copy a project to an SQLite file to code offline")
    oc.add_argument("project")
    oc.add_argument("out", metavar="OUT.db")
    oc.set_defaults(fn=cmd_offline_copy)

    lg = sub.add_parser("log", help="the audit trail: who did what, newest first")
    lg.add_argument("project")
    lg.add_argument("--answer", type=int, metavar="ID", help="only events on this answer")
    lg.add_argument("--respondent", metavar="KEY", help="with --question: only events on that answer")
    lg.add_argument("--question", metavar="QKEY")
    lg.add_argument("--actor", metavar="NAME", help="only what this person did")
    lg.add_argument("--action", metavar="PREFIX", help="only these actions, e.g. reconcile or coding.apply")
    lg.add_argument("--since", metavar="YYYY-MM-DD", help="only events from this day on")
    lg.add_argument("--limit", type=int, metavar="N", help="at most N events (the newest)")
    lg.add_argument("--csv", metavar="OUT", help="write the events as CSV instead of printing them")
    lg.add_argument("--lang", choices=["da", "en"], default="da", help="language of the descriptions")
    lg.set_defaults(fn=cmd_log)

    tm = sub.add_parser("team", help="team projects on PostgreSQL")
    tsub = tm.add_subparsers(dest="team_command", parser_class=_Parser, required=True)
    ts = tsub.add_parser("setup", help="database roles, grants and the first admin")
    ts.add_argument("url")
    ts.add_argument("--admin", required=True, metavar="NAME")
    ts.add_argument("--prefix", default="wb", help="group role prefix (default wb: wb_coder, ...)")
    ts.add_argument("--no-rls", action="store_true", help="no row-level security for blind rounds")
    ts.set_defaults(fn=cmd_team)
    tu = tsub.add_parser("add-user", help="add a person (password from WORKBENCH_NEW_PASSWORD or asked)")
    tu.add_argument("url")
    tu.add_argument("name")
    tu.add_argument("--role", required=True, choices=["coder", "supervisor", "admin"])
    tu.set_defaults(fn=cmd_team)

    ex = sub.add_parser("export", help="exports for the report")
    ex.add_argument("kind", choices=["frequencies", "distributions", "answers", "quotes", "chart", "qdpx", "qdc"])
    ex.add_argument("project")
    ex.add_argument("--out", required=True)
    ex.add_argument("--by", metavar="VAR", help="a variable of the survey (`workbench survey show PROJECT` lists them; "
                                                "default: the definition's report grouping)")
    ex.add_argument("--compare-years", metavar="A,B", help="distributions: year-on-year change from A to B")
    ex.add_argument("--coder", default=None, help="a coder's name or 'final' (default: final if reconciled)")
    ex.add_argument("--year", type=_year_arg, metavar="N|all", help="survey year (default: the newest; answers: all)")
    ex.add_argument("--allow-pii", action="store_true", help="answers, quotes: keep open personal data as written")
    ex.add_argument("--report-draft", action="store_true", help="quotes: a chapter-per-main-group report draft")
    ex.add_argument("--quotes", type=int, metavar="N", help="quotes: quotes per theme (default 3)")
    ex.add_argument("--question", metavar="qN", help="chart: the question")
    ex.add_argument("--band", help="chart: a band (negativ, neutral, positiv, ved_ikke) for its theme chart; "
                                   "without it, the answer distribution")
    ex.set_defaults(fn=cmd_export)
    b = sub.add_parser("backup", help="take a timestamped backup of a project file")
    b.add_argument("project")
    b.add_argument("--keep", type=int, default=20, help="how many backups to keep")
    b.set_defaults(fn=cmd_backup)
    bl = sub.add_parser("backups", help="list a project's backups")
    bl.add_argument("project")
    bl.set_defaults(fn=cmd_backups)
    rs = sub.add_parser("restore", help="restore a project from a backup (the current state is backed up first)")
    rs.add_argument("project")
    rs.add_argument("backup")
    rs.set_defaults(fn=cmd_restore)
    from workbench.cli_privacy import register as _register_privacy  # pii-scan, pseudonymise

    _register_privacy(sub)
    return p




def main(argv: Optional[list[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--debug")):
        argv = ["gui", *argv]
    a = parser.parse_args(argv)
    if not getattr(a, "fn", None):
        a = parser.parse_args(["gui", *argv[1:]] if argv and argv[0] == "--debug" else ["gui"])
    debug = a.debug or bool(os.environ.get("WORKBENCH_DEBUG"))
    project = getattr(a, "project", None) or ""

    def say(text: str) -> None:  # whatever a message quotes, the project URL's password stays out
        print(hide_password(text, project) if project else text, file=sys.stderr)
    rc = 0
    try:
        rc = int(a.fn(a) or 0)
        sys.stdout.flush()
        return rc
    except BrokenPipeError:  # `workbench doctor | head -1`: the reader has what it wanted
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except OSError:
            pass
        return rc
    except InputError as e:
        say(f"workbench: error: {e.message()}")
        return 2
    except WorkbenchError as e:
        if debug:
            traceback.print_exc()
        say(f"workbench: {e}")
        return 1
    except KeyboardInterrupt:
        say("workbench: interrupted")
        return 130
    except Exception as e:  # a bug: say so plainly, traceback only on request
        if debug:
            traceback.print_exc()
        say(f"workbench: internal error: {e.__class__.__name__}: {e} (run with --debug for details)")
        return 1


if __name__ == "__main__":
    sys.exit(main())
