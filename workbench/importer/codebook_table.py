"""Codebooks from spreadsheets (CSV/XLSX), and one entry point for every codebook format.

A codebook table has one row per code. Columns ``id`` and ``label`` are required;
``category, description, parent, colour`` (or ``color``), ``shortcut, keywords, examples,
include, exclude, bands, questions`` are optional. ``keywords`` and ``examples`` hold several
entries separated by ``;`` or ``|``; ``bands`` and ``questions`` by those or spaces/commas.
Problems name the file, the spreadsheet row and the column, as ``parse_codebook`` checks them.

``import_codebook`` installs a ``.yaml``, ``.qdc``, ``.csv`` or ``.xlsx`` codebook into a project
in one transaction: by default it updates the project's active codebook (codes matched by
id; codes missing from the file are retired, never deleted, so codings keep their meaning).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

from sqlmodel import select

from workbench.coding.codebook import CodebookSpec, install_codebook, load_codebook, parse_codebook
from workbench.coding.models import Code, Codebook
from workbench.errors import InputError, Problem
from workbench.importer.tables import read_table

COLUMNS = ["id", "label", "category", "description", "parent", "colour", "color", "shortcut", "keywords",
           "examples", "include", "exclude", "bands", "questions"]
REQUIRED = ["id", "label"]
_MULTI = re.compile(r"\s*[;|]\s*")
_WORDS = re.compile(r"[;|,\s]+")


def load_codebook_table(path: str | Path) -> CodebookSpec:
    """Read a CSV/XLSX codebook and validate it; InputError names file, row and column."""
    table = read_table(path)
    f = table.file
    header = [h.strip().lower() for h in table.header]
    problems = [Problem(f, "required column is missing", row=1, column=c) for c in REQUIRED if c not in header]
    for h in header:
        if h and h not in COLUMNS:
            problems.append(Problem(f, f"unknown column (known: {', '.join(COLUMNS)})", row=1, column=h))
        elif h and header.count(h) > 1:
            problems.append(Problem(f, "column appears more than once in the header", row=1, column=h))
    if problems:
        raise InputError(problems)
    ix = {h: i for i, h in enumerate(header) if h}
    colour_col = "colour" if "colour" in ix else "color"
    codes: list[dict] = []
    rows: list[int] = []
    for i, row in enumerate(table.rows):
        if not any(x.strip() for x in row):
            continue

        def get(col: str) -> str:
            return row[ix[col]].strip() if col in ix and ix[col] < len(row) else ""

        entry: dict = {"id": get("id"), "label": get("label"), "category": get("category"),
                       "description": get("description"), "include": get("include"), "exclude": get("exclude")}
        if get("parent"):
            entry["parent"] = get("parent")
        if get(colour_col):
            entry["colour"] = get(colour_col)
        if get("shortcut"):
            entry["shortcut"] = get("shortcut")
        for col in ("keywords", "examples"):
            entry[col] = [x for x in _MULTI.split(get(col)) if x]
        for col in ("bands", "questions"):
            entry[col] = [x for x in _WORDS.split(get(col)) if x]
        codes.append(entry)
        rows.append(table.row_number(i))
    try:
        return parse_codebook({"codes": codes}, f)
    except InputError as e:
        for p in e.problems:
            m = re.match(r"^codes\[(\d+)\](?:\.(\w+))?$", p.column or "")
            if m and int(m.group(1)) < len(rows):
                p.row = rows[int(m.group(1))]
                fld = m.group(2) or "id"
                p.column = colour_col if fld == "colour" else fld
            elif p.column == "codes":
                p.column, p.problem = None, "the table holds no codes"
        raise InputError(e.problems) from None


def read_any_codebook(path: str | Path) -> tuple[CodebookSpec, dict[str, str], set[str]]:
    """A codebook file of any supported kind: spec, code guids by id (QDC), retired ids (QDC)."""
    suffix = Path(path).suffix.lower()
    if suffix in (".yaml", ".yml"):
        return load_codebook(path), {}, set()
    if suffix == ".qdc":
        from workbench.importer.refi import read_qdc

        codes = read_qdc(path)
        return codes.spec, codes.uid_of, codes.retired
    if suffix in (".csv", ".xlsx", ".xlsm", ".txt"):
        return load_codebook_table(path), {}, set()
    raise InputError("is not a codebook file (use .yaml, .qdc, .csv or .xlsx)", file=str(path))


def import_codebook(store, path: str | Path, key: Optional[str] = None) -> str:
    """Install a codebook file into the project (one transaction); returns a summary.

    The codebook updated is ``key`` if given, else the project's active codebook, else the
    file's own key. A table (which has no name or version) keeps the codebook's name.
    """
    spec, uids, retired = read_any_codebook(path)
    is_table = Path(path).suffix.lower() not in (".yaml", ".yml", ".qdc")
    with store.transaction() as s:
        active = store.active_codebook(s)
        target = key or (active.key if active else spec.key)
        existing = s.exec(select(Codebook).where(Codebook.key == target)).first()
        spec.key = target
        if existing is not None and is_table:
            spec.name, spec.version, spec.description = existing.name, existing.version, existing.description
        old = list(s.exec(select(Code).where(Code.codebook_id == existing.id))) if existing else []
        before = {c.key for c in old}
        was_retired = {c.key for c in old if c.retired}
        cb = install_codebook(store, s, spec)
        if existing is None or not existing.active:
            for other in s.exec(select(Codebook).where(Codebook.active == True, Codebook.id != cb.id)):  # noqa: E712
                other.active = False
                s.add(other)
            cb.active = True
            s.add(cb)
        by_key = {c.key: c for c in s.exec(select(Code).where(Code.codebook_id == cb.id))}
        new = {k for k in spec.ids if k not in before}
        if uids:
            from workbench.importer.refi import _apply_code_uids

            _apply_code_uids(s, by_key, uids, only=new)
        for k in retired:
            by_key[k].retired = True
            s.add(by_key[k])
        n_retired = sum(1 for k, c in by_key.items() if c.retired and k in before and k not in was_retired)
        store.log(s, "codebook.import", "file", str(path), codebook=cb.key, codes=len(spec.codes), new=len(new))
    return (f"imported codebook {target} from {path}: {len(spec.codes)} codes ({len(new)} new, "
            f"{len(spec.codes) - len(new)} updated, {n_retired} retired)")
