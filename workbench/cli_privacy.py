"""The command-line side of ``workbench.coding.privacy``: ``pii-scan`` and ``pseudonymise``.

Kept out of ``cli.py`` so the privacy commands are one ``register(sub)`` call there.
"""
from __future__ import annotations

from workbench.errors import InputError


def cmd_pii_scan(a) -> int:
    from workbench.cli import _open
    from workbench.coding.privacy import scan_project
    from workbench.nlp import pii as P

    store = _open(a.project)
    nlp = None if a.rules_only else "auto"
    res = scan_project(store, nlp=nlp)
    print(f"scanned {res.answers} answers ({res.detected} new or changed), pipeline {res.pipeline}")
    for t in P.TYPES:
        print(f"{t}\t{res.by_type.get(t, 0)}")
    print(f"open findings: {sum(res.by_type.values())} (+{res.added} new, -{res.removed} gone)")
    return 0


def cmd_pseudonymise(a) -> int:
    from workbench.cli import _acting, _open
    from workbench.coding.privacy import pseudonymise

    if not a.as_:
        raise InputError("say who is pseudonymising: --as SUPERVISOR", file="--as")
    store = _open(a.project)
    actor = _acting(store, a.as_)
    types = [t for t in a.types.split(",") if t.strip()] if a.types else None
    res = pseudonymise(store, actor, all=True, keep_original=a.keep_original, types=types)
    kinds = ", ".join(f"{t} {n}" for t, n in sorted(res.by_type.items())) or "none"
    print(f"pseudonymised {res.findings} findings in {res.answers} answers ({kinds}); "
          f"{res.codings_moved} coded spans moved; original texts {'kept' if a.keep_original else 'not kept'}")
    return 0


def register(sub) -> None:
    """Add the privacy commands to the CLI's sub-parsers."""
    ps = sub.add_parser("pii-scan", help="find personal data in a project's answers; prints counts per type")
    ps.add_argument("project")
    ps.add_argument("--rules-only", action="store_true", help="do not use the pipeline's NER")
    ps.set_defaults(fn=cmd_pii_scan)
    pp = sub.add_parser("pseudonymise", help="replace open personal-data findings by placeholders (supervisors)")
    pp.add_argument("project")
    pp.add_argument("--as", dest="as_", required=True, metavar="SUPERVISOR")
    pp.add_argument("--keep-original", action="store_true", help="keep the original texts in the project")
    pp.add_argument("--types", help="only these types, e.g. CPR,PHONE,EMAIL,ADDRESS,PERSON")
    pp.set_defaults(fn=cmd_pseudonymise)
