"""Codebooks as YAML: load, validate (all problems at once), and install into a project.

Format (``workbench/codebooks/jobcenter.yaml``, also at ``codebooks/jobcenter.yaml``, is the worked example)::

    codebook: {key: jobcenter, name: ..., version: "2020.1", description: ...}
    categories:                 # optional: labels and colours for the category names
      - {id: sagsbehandler, label: Sagsbehandleren, colour: "#1f77b4"}
    codes:
      - id: sagsbehandlerskift          # lower-case letters, digits, _
        label: Sagsbehandlerskift
        category: sagsbehandler
        parent: null                    # another code's id, for hierarchy
        description: ...
        include: ...                    # inclusion note: when to use the code
        exclude: ...                    # exclusion note: when not to
        examples: [ ... ]               # answers that carry the code
        keywords: [ ... ]               # words and phrases (lemmas) that signal it
        bands: [negativ, neutral]       # the bands it is typical of
        questions: [q1, q2]
        colour: "#d62728"
        shortcut: "s"                   # one key: 1–9 or a letter
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import yaml
from sqlmodel import Session, select

from workbench.coding.definition import STANDARD_BANDS as BANDS
from workbench.coding.models import Code, Codebook
from workbench.errors import InputError, Problem

# The codebooks ship inside the package (an installed wheel has no repository around it);
# the repository's codebooks/jobcenter.yaml is a link to the same file.
PACKAGE_CODEBOOKS = Path(__file__).resolve().parents[1] / "codebooks"
REPO_CODEBOOKS = PACKAGE_CODEBOOKS  # the name the GUI's codebook menu uses
DEFAULT_CODEBOOK = PACKAGE_CODEBOOKS / "jobcenter.yaml"
ID_RE = re.compile(r"^[a-z0-9_æøå]+$")
COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
# A colour per category when a code names none (colour-blind-safe palette).
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#999999"]


@dataclass
class CodeSpec:
    id: str
    label: str
    category: str = ""
    parent: Optional[str] = None
    description: str = ""
    include: str = ""
    exclude: str = ""
    examples: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    bands: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    colour: str = ""
    shortcut: Optional[str] = None


@dataclass
class CodebookSpec:
    key: str
    name: str
    version: str = ""
    description: str = ""
    categories: dict[str, dict[str, str]] = field(default_factory=dict)
    codes: list[CodeSpec] = field(default_factory=list)

    def code(self, key: str) -> CodeSpec:
        return next(c for c in self.codes if c.id == key)

    @property
    def ids(self) -> list[str]:
        return [c.id for c in self.codes]


_CODE_FIELDS = {"id", "label", "category", "parent", "description", "include", "exclude", "examples",
                "keywords", "bands", "questions", "colour", "color", "shortcut"}


def load_codebook(path: str | Path = DEFAULT_CODEBOOK) -> CodebookSpec:
    """Read and validate a YAML codebook; raise InputError listing every problem."""
    path = Path(path)
    name = str(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("codebook file not found", file=name) from None
    except UnicodeDecodeError as e:
        raise InputError(f"not UTF-8 text ({e.reason} at byte {e.start})", file=name) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        row = mark.line + 1 if mark else None
        raise InputError(Problem(name, f"not valid YAML: {getattr(e, 'problem', e)}", row=row)) from None
    return parse_codebook(raw, name)


def parse_codebook(raw: Any, name: str = "codebook") -> CodebookSpec:
    problems: list[Problem] = []

    def bad(msg: str, code: Optional[int] = None, fld: Optional[str] = None) -> None:
        col = fld if code is None else f"codes[{code}]" + (f".{fld}" if fld else "")
        problems.append(Problem(name, msg, column=col))

    if not isinstance(raw, dict):
        raise InputError(Problem(name, "a codebook must be a mapping with a 'codes' list"))
    meta = raw.get("codebook") or {}
    if not isinstance(meta, dict):
        bad("must be a mapping", fld="codebook"); meta = {}
    cats: dict[str, dict[str, str]] = {}
    for i, c in enumerate(raw.get("categories") or []):
        if not isinstance(c, dict) or not c.get("id"):
            bad("each category needs an id", fld=f"categories[{i}]"); continue
        cats[str(c["id"])] = {"label": str(c.get("label") or c["id"]), "colour": str(c.get("colour") or c.get("color") or "")}
        if c.get("description"):
            cats[str(c["id"])]["description"] = str(c["description"])
    codes_raw = raw.get("codes")
    if not isinstance(codes_raw, list) or not codes_raw:
        bad("a codebook needs a non-empty 'codes' list", fld="codes")
        codes_raw = []
    specs: list[CodeSpec] = []
    seen: dict[str, int] = {}
    shortcuts: dict[str, str] = {}

    def strlist(v: Any, i: int, fld: str) -> list[str]:
        if v is None:
            return []
        if isinstance(v, str):
            return v.split() if fld in ("bands", "questions") else [v]
        if not isinstance(v, list) or not all(isinstance(x, (str, int, float)) and not isinstance(x, bool) for x in v):
            bad("must be a list of texts (quote words YAML reads as true/false, such as ja, nej, true)", i, fld)
            return []
        return [str(x) for x in v]

    for i, c in enumerate(codes_raw):
        if not isinstance(c, dict):
            bad("each code must be a mapping", i); continue
        unknown = set(c) - _CODE_FIELDS
        if unknown:
            bad(f"unknown field(s) {', '.join(sorted(unknown))}", i)
        for fld in ("id", "label", "category", "parent", "description", "include", "exclude", "colour", "color",
                    "shortcut"):  # a list or mapping here would otherwise become the text "['x']"
            if isinstance(c.get(fld), (dict, list)):
                bad("must be a single text, not a list or mapping", i, fld)
                c = {k: v for k, v in c.items() if k != fld}
        cid = str(c.get("id") or "").strip()
        if not cid:
            bad("missing id", i, "id")
        elif not ID_RE.match(cid):
            bad(f"id {cid!r} must be lower-case letters, digits and _", i, "id")
        elif cid in seen:
            bad(f"duplicate id {cid!r} (also codes[{seen[cid]}])", i, "id")
        seen.setdefault(cid, i)
        label = str(c.get("label") or "").strip()
        if not label:
            bad("missing label", i, "label")
        colour = str(c.get("colour") or c.get("color") or "")
        if colour and not COLOUR_RE.match(colour):
            bad(f"colour {colour!r} is not #rrggbb", i, "colour")
        sc = c.get("shortcut")
        sc = None if sc is None else str(sc)
        if sc is not None:
            if len(sc) != 1 or not (sc.isdigit() and sc != "0" or sc.isalpha()):
                bad(f"shortcut {sc!r} must be one key: 1–9 or a letter", i, "shortcut")
            elif sc.lower() in shortcuts:
                bad(f"shortcut {sc!r} is also used by {shortcuts[sc.lower()]!r}", i, "shortcut")
            else:
                shortcuts[sc.lower()] = cid
        bands = strlist(c.get("bands"), i, "bands")
        for b in bands:
            if b not in BANDS:
                bad(f"band {b!r} is not one of {', '.join(BANDS)}", i, "bands")
        specs.append(CodeSpec(
            id=cid, label=label, category=str(c.get("category") or ""),
            parent=(str(c["parent"]) if c.get("parent") else None),
            description=str(c.get("description") or "").strip(), include=str(c.get("include") or "").strip(),
            exclude=str(c.get("exclude") or "").strip(), examples=strlist(c.get("examples"), i, "examples"),
            keywords=strlist(c.get("keywords"), i, "keywords"), bands=bands,
            questions=strlist(c.get("questions"), i, "questions"), colour=colour, shortcut=sc))
    ids = {s.id for s in specs}
    for i, s in enumerate(specs):
        if s.parent and s.parent not in ids:
            bad(f"parent {s.parent!r} is not a code of this codebook", i, "parent")
    parent_of = {s.id: s.parent for s in specs}
    for i, s in enumerate(specs):  # cycles
        seen_chain, p = {s.id}, s.parent
        while p and p in parent_of:
            if p in seen_chain:
                bad(f"parent chain of {s.id!r} loops", i, "parent"); break
            seen_chain.add(p); p = parent_of[p]
    if problems:
        raise InputError(problems)
    cat_colour = {c: (cats.get(c, {}).get("colour") or PALETTE[k % len(PALETTE)])
                  for k, c in enumerate(dict.fromkeys(s.category for s in specs))}
    for s in specs:
        s.colour = s.colour or cat_colour[s.category]
    return CodebookSpec(key=str(meta.get("key") or Path(name).stem), name=str(meta.get("name") or Path(name).stem),
                        version=str(meta.get("version") or ""), description=str(meta.get("description") or ""),
                        categories=cats, codes=specs)


def install_codebook(store, s: Session, spec: CodebookSpec) -> Codebook:
    """Add or update a codebook in the project (in the caller's transaction).

    Codes are matched by id: new ones are added, existing ones updated, and codes no longer
    in the file are retired, never deleted, so existing codings keep their meaning.
    """
    cb = s.exec(select(Codebook).where(Codebook.key == spec.key)).first()
    if cb is None:
        for other in s.exec(select(Codebook).where(Codebook.active == True)):  # noqa: E712
            other.active = False
            s.add(other)
        cb = Codebook(key=spec.key, name=spec.name, version=spec.version, description=spec.description, active=True)
        s.add(cb)
        s.flush()
    else:
        cb.name, cb.version, cb.description = spec.name, spec.version, spec.description
    existing = {c.key: c for c in s.exec(select(Code).where(Code.codebook_id == cb.id))}
    for pos, cs in enumerate(spec.codes):
        c = existing.get(cs.id) or Code(codebook_id=cb.id, key=cs.id, label=cs.label)
        c.label, c.category, c.description = cs.label, cs.category, cs.description
        c.inclusion, c.exclusion = cs.include, cs.exclude
        c.examples, c.keywords, c.bands, c.questions = cs.examples, cs.keywords, cs.bands, cs.questions
        c.colour, c.shortcut, c.position, c.retired = cs.colour, cs.shortcut, pos, False
        s.add(c)
        existing[cs.id] = c
    s.flush()
    for cs in spec.codes:
        existing[cs.id].parent_id = existing[cs.parent].id if cs.parent else None
    for key, c in existing.items():
        if key not in spec.ids and not c.retired:
            c.retired = True
            s.add(c)
    save_category_labels(s, spec.key, spec.categories)
    store.log(s, "codebook.install", "codebook", cb.id, key=spec.key, version=spec.version, codes=spec.ids)
    return cb


CATEGORY_SETTING = "categories"  # Project.settings[...][codebook key][category id] = {label, colour, ...}


def save_category_labels(s: Session, codebook_key: str, categories: dict[str, dict[str, str]]) -> None:
    """Keep the codebook's category labels in the project (categories have no table; codes name
    them by id). Labels of categories the codebook no longer lists stay, for retired codes."""
    from workbench.coding.models import Project

    p = s.exec(select(Project)).first()
    if p is None or not categories:
        return
    settings = dict(p.settings or {})
    all_books = dict(settings.get(CATEGORY_SETTING) or {})
    book = dict(all_books.get(codebook_key) or {})
    book.update({k: {a: b for a, b in v.items() if b} for k, v in categories.items()})
    all_books[codebook_key] = book
    settings[CATEGORY_SETTING] = all_books
    p.settings = settings  # a new dict: JSON columns see assignment, not mutation
    s.add(p)


def category_labels(s: Session, codebook_key: str) -> dict[str, dict[str, str]]:
    """{category id: {"label": ..., "colour": ...}} stored for the codebook (may be empty)."""
    from workbench.coding.models import Project

    p = s.exec(select(Project)).first()
    book = ((p.settings or {}).get(CATEGORY_SETTING) or {}).get(codebook_key) if p else None
    return {str(k): dict(v) for k, v in (book or {}).items() if isinstance(v, dict)}


def spec_from_store(store, s: Session) -> CodebookSpec:
    """The project's active codebook as a spec (for the suggester and exports)."""
    cb = store.active_codebook(s)
    if cb is None:
        raise InputError("the project has no codebook")
    codes = store.codes(s, include_retired=False)
    by_id = {c.id: c.key for c in codes}
    used = {c.category for c in codes if c.category}
    cats = {k: v for k, v in category_labels(s, cb.key).items() if k in used}
    return CodebookSpec(key=cb.key, name=cb.name, version=cb.version, description=cb.description, categories=cats, codes=[
        CodeSpec(id=c.key, label=c.label, category=c.category, parent=by_id.get(c.parent_id),
                 description=c.description, include=c.inclusion, exclude=c.exclusion, examples=list(c.examples),
                 keywords=list(c.keywords), bands=list(c.bands), questions=list(c.questions), colour=c.colour,
                 shortcut=c.shortcut) for c in codes])


def dump_codebook(spec: CodebookSpec) -> str:
    """The spec as YAML in the format above (for export and round trips)."""
    data = {"codebook": {"key": spec.key, "name": spec.name, "version": spec.version, "description": spec.description},
            "codes": []}
    if spec.categories:
        data["categories"] = [{"id": k, **v} for k, v in spec.categories.items()]
    for c in spec.codes:
        d = {"id": c.id, "label": c.label, "category": c.category, "parent": c.parent, "description": c.description,
             "include": c.include, "exclude": c.exclude, "examples": c.examples, "keywords": c.keywords,
             "bands": c.bands, "questions": c.questions, "colour": c.colour, "shortcut": c.shortcut}
        data["codes"].append({k: v for k, v in d.items() if v not in (None, "", [])})
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
