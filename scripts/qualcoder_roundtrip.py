#!/usr/bin/env python3
"""Check that a .qdpx from `workbench export qdpx` arrives in QualCoder: memos and category labels.

Runs QualCoder's own REFI-QDA import code (``src/qualcoder/refi.py``, class ``RefiImport``)
on our export, into a QualCoder SQLite project whose tables are created by the statements in
QualCoder's own ``__main__.py``, then reads that database:

- the categories (``code_cat``) are named by our category labels, not our ids;
- every code (``code_name``) is there, its memo holding description, inclusion/exclusion
  notes and the code's memos;
- every answer memo is in its source's memo (``source.memo``), the project memo in
  ``project.memo``;
- the codings (``code_text``) of the exported coder are all there, at the same positions.

QualCoder's import needs only the standard library once its Qt dialogs are stubbed, so it
runs in a child process of this interpreter with stub ``PyQt6`` modules (the import never
shows a window); nothing of QualCoder is installed. Its source comes from ``--qualcoder DIR``
(a checkout), ``$QUALCODER_SRC``, or a shallow ``git clone`` of
https://github.com/ccbogel/QualCoder into ``~/.cache/workbench/QualCoder``.

    .venv/bin/python scripts/qualcoder_roundtrip.py                # the demo project, coder anne
    .venv/bin/python scripts/qualcoder_roundtrip.py --project p.db --coder final

Exit 0 when everything arrived; 1 with the list of what did not.
"""
from __future__ import annotations

import argparse
import builtins
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import types
import zipfile
from pathlib import Path

REPO = "https://github.com/ccbogel/QualCoder"


# ------------------------------------------------------------------ QualCoder side (child process)
class _StubMeta(type):
    def __getattr__(cls, name):
        return _stub_class(name)


class _Stub(metaclass=_StubMeta):
    """Any Qt class, enum or function: constructible, callable, every attribute another stub."""

    def __init__(self, *a, **k):
        pass

    def __call__(self, *a, **k):
        return _Stub()

    def __getattr__(self, name):
        return _Stub()

    def __bool__(self):
        return False

    def __int__(self):
        return 0


def _stub_class(name: str):
    return _StubMeta(name, (_Stub,), {})


def _stub_module(name: str, **attrs) -> types.ModuleType:
    m = types.ModuleType(name)
    m.__getattr__ = lambda attr: _stub_class(attr)  # type: ignore[attr-defined]
    for k, v in attrs.items():
        setattr(m, k, v)
    sys.modules[name] = m
    return m


def qualcoder_schema(src: Path) -> list[str]:
    """The CREATE TABLE statements of a new QualCoder project, from its ``__main__.py``."""
    text = (src / "__main__.py").read_text(encoding="utf-8")
    out, seen = [], set()
    for m in re.finditer(r'cur\.execute\(\s*((?:"(?:[^"\\]|\\.)*"\s*)+)\)', text):
        sql = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1)))
        t = re.match(r"\s*CREATE TABLE (\w+)", sql, re.IGNORECASE)
        if t and t.group(1) not in seen:  # the first is the new project's; later ones are upgrades
            seen.add(t.group(1))
            out.append(sql)
    if not {"project", "source", "code_name", "code_cat", "code_text", "annotation", "journal"} <= seen:
        raise SystemExit(f"could not find QualCoder's table definitions in {src / '__main__.py'}")
    return out


def run_qualcoder_import(src: Path, qdpx: Path, db: Path) -> dict:
    """Import ``qdpx`` with QualCoder's RefiImport into a new QualCoder database ``db``."""
    qt = _stub_module("PyQt6")
    widgets = _stub_module("PyQt6.QtWidgets")
    core = _stub_module("PyQt6.QtCore")
    gui = _stub_module("PyQt6.QtGui")
    qt.QtWidgets, qt.QtCore, qt.QtGui = widgets, core, gui

    class FileDialog(_Stub):
        @staticmethod
        def getOpenFileName(*a, **k):
            return str(qdpx), True
    widgets.QFileDialog = FileDialog
    log: list[str] = []

    class Message:
        def __init__(self, app, title, text, icon=None):
            log.append(f"[{title}] {text}")

        def exec(self):
            return 0
    builtins._ = lambda s: s  # QualCoder's gettext
    pkg = types.ModuleType("qualcoder")
    pkg.__path__ = [str(src)]
    sys.modules["qualcoder"] = pkg
    gui_pkg = types.ModuleType("qualcoder.GUI")
    gui_pkg.__path__ = [str(src / "GUI")]
    sys.modules["qualcoder.GUI"] = gui_pkg
    _stub_module("qualcoder.GUI.ui_dialog_refi_export_endings")
    _stub_module("qualcoder.GUI.ui_dialog_colour_selector")
    _stub_module("qualcoder.helpers", Message=Message)
    sys.modules["vlc"] = None  # type: ignore[assignment]  # "import vlc" fails quietly, as without VLC
    import importlib

    refi = importlib.import_module("qualcoder.refi")

    project_path = db.with_suffix(".qda")
    (project_path / "documents").mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(db)
    for sql in qualcoder_schema(src):
        conn.execute(sql)
    conn.execute("insert into project (databaseversion, date, memo, about) values ('v8', '', '', 'roundtrip')")
    conn.commit()

    class App:
        pass
    app = App()
    app.conn = conn
    app.project_path = str(project_path)
    app.settings = {"codername": "qualcoder", "directory": str(qdpx.parent), "ai_enable": "False"}
    app.ai_models = None
    app.project_events = None
    app.write_config_ini = lambda *a, **k: None

    class TextEdit:
        def append(self, msg):
            log.append(str(msg))
    refi.RefiImport(app, TextEdit(), "qdpx")
    conn.commit()
    conn.close()
    return {"log": log}


# ------------------------------------------------------------------ our side
def qualcoder_source(arg: str | None) -> Path:
    if arg:
        root = Path(arg)
    elif os.environ.get("QUALCODER_SRC"):
        root = Path(os.environ["QUALCODER_SRC"])
    else:
        root = Path.home() / ".cache" / "workbench" / "QualCoder"
        if not (root / "src" / "qualcoder" / "refi.py").exists():
            root.parent.mkdir(parents=True, exist_ok=True)
            print(f"cloning {REPO} into {root}")
            subprocess.run(["git", "clone", "--depth", "1", REPO, str(root)], check=True)
    for cand in (root / "src" / "qualcoder", root / "qualcoder", root):
        if (cand / "refi.py").exists() and (cand / "__main__.py").exists():
            return cand
    raise SystemExit(f"{root} holds no QualCoder source (src/qualcoder/refi.py)")


def make_project(path: Path) -> None:
    """The demo project with memos on an answer, a code and the project."""
    from sqlmodel import select

    from workbench.coding import codings
    from workbench.coding.models import Answer, Coding
    from workbench.coding.store import Store
    from workbench.demo.generate import create_demo

    create_demo(str(path))
    store = Store.open(str(path))
    with store.session() as s:
        coded = list(dict.fromkeys(s.exec(select(Coding.answer_id).order_by(Coding.id).limit(50)).all()))[:3]
        answers = [s.get(Answer, a) for a in coded]
        codes = store.codes(s)
    codings.save_memo(store, "anne", "answer", answers[0].id, "Borgeren virker frustreret – tjek q2 også")
    codings.save_memo(store, "anne", "answer", answers[1].id, "Ironisk ment? Læs hele besvarelsen")
    codings.save_memo(store, "anne", "code", codes[0].id, "Grænsen til 'lyttende' er uklar")
    codings.save_memo(store, None, "project", 1, "Kodningen følger kodebogen fra 2020")
    store.close()


def expected(project: str, coder: str) -> dict:
    from sqlmodel import select

    from workbench.coding.codebook import category_labels
    from workbench.coding.models import Answer, Coder, Coding, Memo
    from workbench.coding.store import Store

    store = Store.open(project)
    try:
        with store.session() as s:
            cb = store.active_codebook(s)
            codes = store.codes(s, include_retired=True)
            labels = category_labels(s, cb.key)
            c = s.exec(select(Coder).where(Coder.name == coder)).one()
            answers = {a.id: a for a in s.exec(select(Answer))}
            spans = sorted((answers[x.answer_id].uid, x.start if x.start is not None else 0,
                            x.end if x.end is not None else len(answers[x.answer_id].text),
                            next(k.label for k in codes if k.id == x.code_id))
                           for x in s.exec(select(Coding).where(Coding.coder_id == c.id)))
            memos = [(m.target_type, m.target_id, m.text) for m in s.exec(select(Memo))
                     if m.coder_id in (None, c.id)]
        return {"categories": {labels.get(k.category, {}).get("label", k.category) for k in codes if k.category},
                "category_ids": {k.category for k in codes if k.category},
                "codes": {k.label: (k.description, k.inclusion, k.exclusion) for k in codes},
                "code_memos": {next(k.label for k in codes if k.id == t): x for tt, t, x in memos if tt == "code"},
                "answer_memos": {answers[t].uid: x for tt, t, x in memos if tt == "answer"},
                "project_memos": [x for tt, _t, x in memos if tt == "project"],
                "spans": spans}
    finally:
        store.close()


def check(exp: dict, db: Path, qdpx: Path) -> list[str]:
    conn = sqlite3.connect(db)
    bad: list[str] = []
    cats = {r[0] for r in conn.execute("select name from code_cat")}
    if cats != exp["categories"]:
        bad.append(f"categories in QualCoder {sorted(cats)} ≠ our labels {sorted(exp['categories'])}")
    leaked = cats & (exp["category_ids"] - exp["categories"])
    if leaked:
        bad.append(f"categories arrived under internal ids: {sorted(leaked)}")
    code_memo = dict(conn.execute("select name, memo from code_name"))
    for label, (desc, inc, exc) in exp["codes"].items():
        memo = code_memo.get(label)
        if memo is None:
            bad.append(f"code {label!r} missing")
            continue
        for part in (desc, inc, exc):
            if part and part.strip() not in memo:
                bad.append(f"code {label!r}: memo lacks {part.strip()[:40]!r}")
    for label, text in exp["code_memos"].items():
        if text not in (code_memo.get(label) or ""):
            bad.append(f"code memo of {label!r} missing: {text!r}")
    # sources are named "<respondent> <question>"; map our uids through the qde
    qde = zipfile.ZipFile(qdpx).read("project.qde").decode("utf-8")
    name_of = dict(re.findall(r'<TextSource guid="([^"]+)" name="([^"]+)"', qde))
    source_memo = dict(conn.execute("select name, memo from source"))
    for uid, text in exp["answer_memos"].items():
        if text not in (source_memo.get(name_of.get(uid, "?")) or ""):
            bad.append(f"answer memo missing in source {name_of.get(uid)!r}: {text!r}")
    pmemo = conn.execute("select memo from project").fetchone()[0] or ""
    for text in exp["project_memos"]:
        if text not in pmemo:
            bad.append(f"project memo missing: {text!r}")
    fid_name = dict(conn.execute("select id, name from source"))
    got = sorted((fid_name[f], p0, p1, name) for f, p0, p1, name in conn.execute(
        "select t.fid, t.pos0, t.pos1, c.name from code_text t join code_name c on c.cid = t.cid"))
    want = sorted((name_of[u], a, b, label) for u, a, b, label in exp["spans"])
    if got != want:
        bad.append(f"codings: QualCoder has {len(got)}, we exported {len(want)} "
                   f"(first differences: {sorted(set(want) ^ set(got))[:3]})")
    conn.close()
    return bad


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--qualcoder", help="a QualCoder checkout (default: $QUALCODER_SRC or a clone in ~/.cache)")
    ap.add_argument("--project", help="our project (default: the demo project with memos added)")
    ap.add_argument("--coder", default="anne", help="the coder to export (export qdpx --coder)")
    ap.add_argument("--keep", help="keep the .qdpx and QualCoder's database in this folder")
    ap.add_argument("--child", nargs=3, metavar=("SRC", "QDPX", "DB"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        info = run_qualcoder_import(Path(a.child[0]), Path(a.child[1]), Path(a.child[2]))
        print(json.dumps(info))
        return 0
    src = qualcoder_source(a.qualcoder)
    commit = subprocess.run(["git", "-C", str(src), "log", "-1", "--format=%h %cs"], capture_output=True,
                            text=True).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="wb-qualcoder-") as tmp:
        work = Path(a.keep) if a.keep else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        project = a.project
        if project is None:
            project = str(work / "demo.db")
            for suffix in ("", "-wal", "-shm"):
                Path(project + suffix).unlink(missing_ok=True)
            make_project(Path(project))
        from workbench.coding.store import Store
        from workbench.export.refi import export_qdpx

        qdpx = work / "export.qdpx"
        store = Store.open(project)
        print(export_qdpx(store, qdpx, coder=a.coder))
        store.close()
        db = work / "qualcoder.qda.sqlite"
        db.unlink(missing_ok=True)
        r = subprocess.run([sys.executable, __file__, "--child", str(src), str(qdpx), str(db)], capture_output=True,
                           text=True, timeout=1800)
        if r.returncode != 0:
            print(r.stdout[-3000:], r.stderr[-3000:], sep="\n")
            print("QualCoder's import failed")
            return 1
        log = json.loads(r.stdout.strip().splitlines()[-1])["log"]
        print(f"QualCoder {commit} ({src}): " + " | ".join(x for x in log if "Loaded" in x or "loaded" in x)[:600])
        bad = check(expected(project, a.coder), db, qdpx)
        conn = sqlite3.connect(db)
        n = {t: conn.execute(f"select count(*) from {t}").fetchone()[0]
             for t in ("code_cat", "code_name", "source", "code_text")}
        n["source memos"] = conn.execute("select count(*) from source where memo != ''").fetchone()[0]
        conn.close()
        print("QualCoder project: " + ", ".join(f"{k} {v}" for k, v in n.items()))
        if bad:
            print("NOT arrived:\n  " + "\n  ".join(bad))
            return 1
        print("memos, category labels, codes and codings arrived in QualCoder")
        return 0


if __name__ == "__main__":
    sys.exit(main())
