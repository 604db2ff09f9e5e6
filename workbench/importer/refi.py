"""Import REFI-QDA files: ``.qdpx`` projects (into a new or empty project) and ``.qdc`` codebooks.

Files are untrusted: XML is parsed with defusedxml with DTDs forbidden (no entity bombs, no
external entities), the ZIP is checked before anything is read (member count, sizes,
compression ratio, encrypted members, names escaping the archive) and members are read with
a hard cap whatever their headers claim. Everything is read and validated first; the project
is then written in one transaction, so a bad file changes nothing.

Our own exports (``export/refi.py``) come back exactly: respondents, answers, codes, coders,
codings, coded/flagged states and memos keep their uids. Files from other tools get a
generic survey:

- the survey definition is the one our export wrote into the project's ``<Description>`` (YAML
  after a marker line), else the built-in (jobcentre) definition;
- each ``<Case>`` → a respondent (key = case name); a variable whose name is a variable key
  or label of the definition (any case) is read by the definition into the respondent's
  ``variables``, other variables (and values the definition refuses) go to ``extra``; the
  variables of the case's text sources count too (some tools keep them only there); a text
  source in no case gets a respondent of its own, named after the source;
- each ``<TextSource>`` with plain text (``internal://`` file or ``PlainTextContent``) → an
  answer; its question is the source's ``question`` variable, else ``doc`` (``doc_2``, ... when
  a respondent has several), added to the definition as an open question when it names none
  of its questions; a ``score`` variable valid on the question's scale is kept; the year is
  the case's ``year`` variable, else the current year;
- codes keep names, colours, descriptions and nesting; ids are slugified from names
  (æ→ae, ø→oe, å→aa); top-level non-codable codes that nobody coded with become categories;
- ``<PlainTextSelection>`` codings keep spans and users; a ``<Coding>`` on a whole source is
  a whole-answer coding; every (answer, user) with a coding is marked coded;
- ``<Notes>`` become memos on the answer, code or project that refers to them; the
  descriptions other tools use as memos (QualCoder, MAXQDA) become memos too: a source's on
  its answer, a selection's (a coding memo) on its answer naming the code and the passage, a
  case's and the project's on the project; a category's becomes its description;
- picture, PDF, audio and video sources, external text files, rich-text-only notes, links,
  graphs and sets are skipped, and every kind of thing not imported or imported differently
  is listed in the summary (REFI asks importers to report what is dropped).
"""
from __future__ import annotations

import json
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional
from xml.etree import ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from sqlalchemy import insert, select as sa_select
from sqlmodel import select

import yaml

from workbench.coding.codebook import COLOUR_RE, CodebookSpec, install_codebook, parse_codebook
from workbench.coding.models import (Answer, AnswerState, Code, Coder, Coding, Memo, Project, Question,
                                     Respondent, new_uid, utcnow)
from workbench.coding.store import FINAL_CODER
from workbench.coding.definition import KEY_RE, SurveyDefinition, builtin, merge_waves
from workbench.coding.surveys import ensure_survey
from workbench.errors import InputError, Problem
from workbench.export.refi import (DEFINITION_MARKER, NS_CODEBOOK, NS_PROJECT, PI_CASE, PI_CODE, PI_CODING,
                                   PI_PROJECT, SET_CODED, SET_FLAGGED, SOURCE_VARIABLES)
from workbench.importer.tables import existing_file

# Limits for untrusted archives (module constants so tests can lower them).
MAX_MEMBERS = 200_000
MAX_QDE_BYTES = 512 * 1024 * 1024
MAX_SOURCE_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024
MAX_RATIO = 200  # uncompressed/compressed, for members over RATIO_MIN_BYTES
RATIO_MIN_BYTES = 1024 * 1024

_GUID_RE = re.compile(r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$")
_YEAR_VARS = ("year", "år", "aar")
_QUESTION_VARS = ("question", "spørgsmål", "spoergsmaal", "question_key")
_SOURCE_ONLY = {*SOURCE_VARIABLES, *_QUESTION_VARS}


def slugify(name: str) -> str:
    """A code id from a name: lower case, æ→ae, ø→oe, å→aa, accents dropped, other runs → _."""
    s = name.lower()
    for a, b in (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("ß", "ss")):
        s = s.replace(a, b)
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode("ascii")
    s = re.sub(r"[^a-z0-9]+", "_", s).strip("_")
    return s or "kode"


def unique_slug(name: str, taken: set[str]) -> str:
    base = slugify(name)
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    taken.add(key)
    return key


# -- safe reading ----------------------------------------------------------------------------

def _check_name(name: str) -> bool:
    """True when a member name stays inside the archive."""
    n = name.replace("\\", "/")
    if not n or "\x00" in n or n.startswith("/") or re.match(r"^[A-Za-z]:", n):
        return False
    return ".." not in n.split("/")


def open_archive(path: str | Path) -> zipfile.ZipFile:
    """Open a ZIP after checking every member header; raise InputError for anything unsafe."""
    file = str(path)
    p = existing_file(path)
    try:
        z = zipfile.ZipFile(p)
    except (zipfile.BadZipFile, OSError) as e:
        raise InputError(f"is not a QDPX file (not a readable ZIP archive: {e})", file=file) from None
    infos = z.infolist()
    problems = []
    if len(infos) > MAX_MEMBERS:
        problems.append(Problem(file, f"holds {len(infos)} members (at most {MAX_MEMBERS} are accepted)"))
    total = 0
    for info in infos:
        where = f"member {info.filename!r}"
        if not _check_name(info.filename):
            problems.append(Problem(file, "member path escapes the archive (absolute or '..'); refusing the file",
                                    column=where))
            continue
        if info.flag_bits & 0x1:
            problems.append(Problem(file, "member is encrypted", column=where))
        total += info.file_size
        limit = MAX_QDE_BYTES if info.filename.lower().endswith(".qde") else MAX_SOURCE_BYTES
        if info.file_size > limit:
            problems.append(Problem(file, f"member is {info.file_size} bytes unpacked (limit {limit})", column=where))
        elif info.file_size > RATIO_MIN_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            problems.append(Problem(file, "member is compressed more than 200:1 (a ZIP bomb?)", column=where))
    if total > MAX_TOTAL_BYTES:
        problems.append(Problem(file, f"unpacks to {total} bytes (limit {MAX_TOTAL_BYTES})"))
    if problems:
        z.close()
        raise InputError(problems)
    return z


def read_member(z: zipfile.ZipFile, info: zipfile.ZipInfo, file: str) -> bytes:
    """A member's bytes, never more than its limit even if its header lies."""
    limit = MAX_QDE_BYTES if info.filename.lower().endswith(".qde") else MAX_SOURCE_BYTES
    try:
        with z.open(info) as f:
            data = f.read(limit + 1)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError) as e:
        raise InputError(f"cannot be unpacked: {e}", file=f"{file}:{info.filename}") from None
    if len(data) > limit:
        raise InputError(f"unpacks to more than {limit} bytes", file=f"{file}:{info.filename}")
    return data


def parse_xml(data: bytes, where: str) -> tuple[ET.Element, str]:
    """Parse untrusted XML: no DTD at all (so no entity expansion, no external entities).
    Returns the root with namespaces stripped from tags, and the root's namespace."""
    parser = DefusedXMLParser(target=ET.TreeBuilder(insert_pis=True), forbid_dtd=True, forbid_entities=True,
                              forbid_external=True)
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException as e:
        raise InputError(f"refused: the XML declares a DTD or entities ({e.__class__.__name__}); REFI-QDA files "
                         "never need them and they are used for entity-expansion and external-entity attacks",
                         file=where) from None
    except ET.ParseError as e:
        line = getattr(e, "position", (None,))[0]
        raise InputError(Problem(where, f"is not well-formed XML: {e}", row=line)) from None
    ns = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
    for el in root.iter():  # the namespace is checked on the root; below it, local names suffice
        if isinstance(el.tag, str) and el.tag.startswith("{"):
            el.tag = el.tag.split("}", 1)[1]
    return root, ns


# -- reading the document -------------------------------------------------------------------

def _kids(el: ET.Element, tag: str) -> list[ET.Element]:
    return [c for c in el if c.tag == tag]


def _kid(el: ET.Element, tag: str) -> Optional[ET.Element]:
    for c in el:
        if c.tag == tag:
            return c
    return None


def _text(el: Optional[ET.Element]) -> str:
    return (el.text or "") if el is not None else ""


@dataclass
class _Ctx:
    where: str
    problems: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # imported, but differently: said in the summary

    def bad(self, element: str, msg: str) -> None:
        self.problems.append(Problem(self.where, msg, column=element))


def _pi(el: ET.Element, target: str, ctx: _Ctx, element: str) -> Optional[dict]:
    for c in el:
        if c.tag is ET.ProcessingInstruction:
            t, _, body = (c.text or "").partition(" ")
            if t == target:
                try:
                    v = json.loads(body)
                except ValueError:
                    ctx.bad(element, f"processing instruction {target} is not valid JSON")
                    return None
                if not isinstance(v, dict):
                    ctx.bad(element, f"processing instruction {target} must hold a JSON object")
                    return None
                return v
    return None


def _desc(tag: str, el: ET.Element) -> str:
    name = el.get("name")
    return f"{tag} {name!r} (guid {el.get('guid')})" if name else f"{tag} guid {el.get('guid')}"


def _guid(el: ET.Element, attr: str, ctx: _Ctx, element: str, required: bool = True) -> Optional[str]:
    v = el.get(attr)
    if v is None:
        if required:
            ctx.bad(element, f"attribute {attr} is missing")
        return None
    m = _GUID_RE.match(v.strip())
    if not m:
        ctx.bad(element, f"attribute {attr} {v!r} is not a GUID")
        return None
    return m.group(1).lower()


def _int_attr(el: ET.Element, attr: str, ctx: _Ctx, element: str) -> Optional[int]:
    v = el.get(attr)
    try:
        return int(str(v).strip())
    except (TypeError, ValueError):
        ctx.bad(element, f"attribute {attr} {v!r} is not a whole number")
        return None


def _colour(v: Optional[str]) -> str:
    v = (v or "").strip()
    if re.fullmatch(r"#[0-9a-fA-F]{3}", v):
        v = "#" + "".join(ch * 2 for ch in v[1:])
    return v.lower() if COLOUR_RE.match(v) else ""


def _dt(v: Optional[str]) -> Optional[datetime]:
    if not v:
        return None
    try:
        d = datetime.fromisoformat(v.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return d if d.tzinfo else d.replace(tzinfo=timezone.utc)


@dataclass
class CodesRead:
    """Codes read from a ``<Codes>`` tree, validated as a codebook spec."""

    spec: Optional[CodebookSpec]
    uid_of: dict[str, str]            # code key → guid
    key_of: dict[str, str]            # guid → code key (codable codes only)
    retired: set[str]
    note_refs: dict[str, list[str]]   # code key → note guids


def read_codes(codes_el: Optional[ET.Element], ctx: _Ctx, meta: dict, coded_guids: set[str],
               default_key: str) -> CodesRead:
    """Turn nested ``<Code>`` elements into a CodebookSpec (see the module docstring)."""
    entries: list[dict] = []          # raw parse_codebook entries
    elements: list[str] = []          # element description per entry, for error messages
    uid_of: dict[str, str] = {}
    key_of: dict[str, str] = {}
    retired: set[str] = set()
    note_refs: dict[str, list[str]] = {}
    categories: dict[str, dict[str, str]] = {}
    taken: set[str] = set()
    seen_guids: set[str] = set()

    def walk(el: ET.Element, parent_key: Optional[str], category: str, depth: int) -> None:
        element = _desc("Code", el)
        guid = _guid(el, "guid", ctx, element)
        name = (el.get("name") or "").strip()
        if not name:
            ctx.bad(element, "attribute name is missing or empty")
        if guid in seen_guids:
            ctx.bad(element, "guid is used by another code too")
        seen_guids.add(guid or "")
        codable = (el.get("isCodable") or "true").strip().lower() in ("true", "1")
        pi = _pi(el, PI_CODE, ctx, element) or {}
        children = _kids(el, "Code")
        if pi.get("placeholder"):
            return
        cat_id = pi.get("category") if set(pi) == {"category"} else None
        if cat_id is None and not pi and not codable and depth == 0 and children and guid not in coded_guids:
            cat_id = unique_slug(name, set(categories)) if name else None  # a foreign code folder
        if cat_id is not None:
            cat_id = str(cat_id)
            categories[cat_id] = {"label": name or cat_id, "colour": _colour(el.get("color")),
                                  "description": _text(_kid(el, "Description")).strip()}
            for ch in children:
                walk(ch, None, cat_id, depth + 1)
            return
        key = str(pi.get("id") or "")
        if key:
            if key in taken:
                ctx.bad(element, f"code id {key!r} is used twice")
            taken.add(key)
        else:
            key = unique_slug(name or "kode", taken)
        desc = pi["description"] if isinstance(pi.get("description"), str) else _text(_kid(el, "Description"))
        entry = {"id": key, "label": name or key, "category": str(pi.get("category", category) or ""),
                 "parent": parent_key, "description": desc.strip(),
                 "colour": _colour(el.get("color")) or None, "_position": pi.get("position")}
        for k in ("include", "exclude", "examples", "keywords", "bands", "questions"):
            if k in pi:
                entry[k] = pi[k]
        if pi.get("shortcut") and not pi.get("retired"):
            entry["shortcut"] = pi["shortcut"]
        if pi.get("retired"):
            retired.add(key)
        entries.append(entry)
        elements.append(element)
        if guid:
            uid_of[key] = guid
            key_of[guid] = key
        note_refs[key] = [g for g in (_guid(r, "targetGUID", ctx, element) for r in _kids(el, "NoteRef")) if g]
        for ch in children:
            walk(ch, key, entry["category"], depth + 1)

    if codes_el is not None:
        for c in _kids(codes_el, "Code"):
            walk(c, None, "", 0)
    if not entries:
        return CodesRead(None, uid_of, key_of, retired, note_refs)
    if all(isinstance(e.get("_position"), int) for e in entries):  # our export: restore the codebook's order
        order = sorted(range(len(entries)), key=lambda i: entries[i]["_position"])
        entries, elements = [entries[i] for i in order], [elements[i] for i in order]
    for e in entries:
        e.pop("_position", None)
    raw = {"codebook": {"key": meta.get("key") or default_key, "name": meta.get("name") or default_key,
                        "version": meta.get("version") or "", "description": meta.get("description") or ""},
           "categories": [{"id": k, **{a: b for a, b in v.items() if b}} for k, v in categories.items()],
           "codes": entries}
    try:
        spec = parse_codebook(raw, ctx.where)
    except InputError as e:
        for p in e.problems:
            m = re.match(r"^codes\[(\d+)\](?:\.(\w+))?$", p.column or "")
            if m and int(m.group(1)) < len(elements):
                p.column = elements[int(m.group(1))] + (f", {m.group(2)}" if m.group(2) else "")
        ctx.problems += e.problems
        return CodesRead(None, uid_of, key_of, retired, note_refs)
    return CodesRead(spec, uid_of, key_of, retired, note_refs)


@dataclass
class QdpxPlan:
    """Everything a ``.qdpx`` holds, validated and ready to write."""

    file: str
    ours: bool
    codes: CodesRead
    coders: list[dict]
    surveys: dict[int, SurveyDefinition]  # each wave's definition by year
    respondents: list[dict]
    answers: list[dict]
    codings: list[dict]
    states: dict[tuple[str, str], dict]
    memos: list[dict]
    skipped: list[str]
    converted: list[str] = field(default_factory=list)


def _variable_value(vv: ET.Element, types: dict[str, tuple[str, str]], ctx: _Ctx, element: str) -> Optional[tuple[str, Any]]:
    ref = _kid(vv, "VariableRef")
    g = _guid(ref, "targetGUID", ctx, element) if ref is not None else None
    if g is None or g not in types:
        if ref is not None and g is not None:
            ctx.bad(element, f"VariableRef {g} names no <Variable>")
        return None
    name, _typ = types[g]
    for tag in ("TextValue", "IntegerValue", "BooleanValue", "FloatValue", "DateValue", "DateTimeValue"):
        v = _kid(vv, tag)
        if v is not None:
            t = (v.text or "").strip() if tag != "TextValue" else (v.text or "")
            if tag == "IntegerValue":
                try:
                    return name, int(t)
                except ValueError:
                    ctx.bad(element, f"IntegerValue {t!r} of variable {name!r} is not a whole number")
                    return None
            return name, t
    return name, None


def _as_int(v: Any) -> Optional[int]:
    if isinstance(v, int):
        return v
    try:
        return int(str(v).strip())
    except (TypeError, ValueError):
        return None


def read_qdpx(path: str | Path) -> QdpxPlan:
    """Read and validate a ``.qdpx`` completely; raise InputError listing what is wrong."""
    file = str(path)
    z = open_archive(path)
    try:
        members = {i.filename.replace("\\", "/").lower(): i for i in z.infolist() if not i.is_dir()}
        qde = members.get("project.qde") or next(
            (i for n, i in members.items() if n.endswith(".qde") and "/" not in n), None)
        if qde is None:
            raise InputError("holds no project.qde (is it a REFI-QDA project file?)", file=file)
        where = f"{file}:{qde.filename}"
        root_data = read_member(z, qde, file)
        root = _parse_root(root_data, where, "Project", NS_PROJECT)
        ctx = _Ctx(where)
        return _plan(root, ctx, z, members, file)
    finally:
        z.close()


def _parse_root(data: bytes, where: str, tag: str, ns: str) -> ET.Element:
    root, found = parse_xml(data, where)
    if root.tag != tag:
        raise InputError(f"the root element is <{root.tag}>, not <{tag}> (is it a REFI-QDA file?)", file=where)
    if found not in (ns, ""):
        raise InputError(f"the root element's namespace is {found!r}, not {ns!r}", file=where)
    return root


def _definitions(root: ET.Element, pmeta: dict, ctx: _Ctx) -> tuple[dict[int, SurveyDefinition], SurveyDefinition]:
    """Each wave's definition from our metadata, and the one for years it does not name: the
    waves merged, else the YAML of the project's ``<Description>``, else the built-in one."""
    waves: dict[int, SurveyDefinition] = {}
    raw = pmeta.get("surveys")
    if isinstance(raw, list):
        for i, w in enumerate(raw, start=1):
            y = _as_int(w.get("year")) if isinstance(w, dict) else None
            d = w.get("definition") if isinstance(w, dict) else None
            if y is None or not isinstance(d, dict):
                ctx.bad("Project", f"survey {i} of the workbench metadata has no year or no definition")
                continue
            try:
                waves[y] = SurveyDefinition.from_dict(d, file=f"{ctx.where}: survey {y}")
            except InputError as e:
                ctx.problems += e.problems
    if waves:
        return waves, merge_waves(waves[y] for y in sorted(waves))
    default = None
    desc = _text(_kid(root, "Description")).strip()
    if DEFINITION_MARKER in desc:  # after the project's memos, if any
        try:
            body = yaml.safe_load(desc[desc.index(DEFINITION_MARKER) + len(DEFINITION_MARKER):])
        except yaml.YAMLError as e:
            ctx.bad("Project > Description", f"the survey definition is not valid YAML: {e}")
        else:
            try:
                default = SurveyDefinition.from_dict(body, file=f"{ctx.where}: Project > Description")
            except InputError as e:
                ctx.problems += e.problems
    default = default or builtin()
    if isinstance(raw, dict):  # our first format: {year: survey name}, the built-in survey
        for y, name in raw.items():
            if _as_int(y) is not None:
                waves[_as_int(y)] = _renamed(default, str(name))
    return waves, default


def _renamed(defn: SurveyDefinition, name: str) -> SurveyDefinition:
    import copy

    d = copy.deepcopy(defn)
    d.name = name or d.name
    return d


def _with_open_questions(defn: SurveyDefinition, keys: list[str], where: str) -> SurveyDefinition:
    """The definition with an open question (text only) for each key it lacks."""
    new = [k for k in keys if defn.question(k) is None]
    if not new:
        return defn
    d = defn.to_dict()
    d["questions"] = d["questions"] + [{"key": k, "text": k} for k in new]
    return SurveyDefinition.from_dict(d, file=where)


class _Variables:
    """Reads a case's (or source's) variables through a definition: the variable a name
    stands for (its key or label, any case; our export's renamed keys), and its stored value."""

    def __init__(self, defn: SurveyDefinition, renamed: dict[str, str]):
        self.defn = defn
        self.by_name: dict[str, Any] = {}
        for v in defn.variables:
            self.by_name.setdefault(v.key.lower(), v)
        for name, key in renamed.items():
            if defn.variable(str(key)) is not None:
                self.by_name[str(name).lower()] = defn.variable(str(key))
        for v in defn.variables:
            if v.label:
                self.by_name.setdefault(v.label.lower(), v)

    def variable(self, name: str):
        return self.by_name.get(name.lower())


def _plan(root: ET.Element, ctx: _Ctx, z: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], file: str) -> QdpxPlan:
    pmeta = _pi(root, PI_PROJECT, ctx, "Project") or {}
    ours = bool(pmeta)
    waves, default_defn = _definitions(root, pmeta, ctx)
    renamed = pmeta.get("variables") if isinstance(pmeta.get("variables"), dict) else {}
    readers: dict[int, _Variables] = {}

    def defn_of(year: int) -> SurveyDefinition:
        return waves.get(year) or default_defn

    def reader(year: int) -> _Variables:
        if year not in readers:
            readers[year] = _Variables(defn_of(year), renamed)
        return readers[year]
    # Users
    coders: list[dict] = []
    coder_names: set[str] = set()
    user_guids: set[str] = set()
    roles = pmeta.get("coders") if isinstance(pmeta.get("coders"), dict) else {}
    users_el = _kid(root, "Users")
    for u in _kids(users_el, "User") if users_el is not None else []:
        element = _desc("User", u)
        g = _guid(u, "guid", ctx, element)
        if g is None or g in user_guids:
            continue
        name = (u.get("name") or u.get("id") or f"user-{g[:8]}").strip()
        base, n = name, 2
        while name in coder_names:
            name, n = f"{base} ({n})", n + 1
        coder_names.add(name)
        user_guids.add(g)
        role = (roles.get(g) or {}).get("role") if isinstance(roles.get(g), dict) else None
        coders.append({"uid": g, "name": name, "role": str(role or ("final" if name == FINAL_CODER else "coder"))})

    sources_el = _kid(root, "Sources")
    text_sources = _kids(sources_el, "TextSource") if sources_el is not None else []
    if sources_el is not None:
        other = [c.tag for c in sources_el if isinstance(c.tag, str) and c.tag != "TextSource"]
        for tag in sorted(set(other)):
            ctx.skipped.append(f"{other.count(tag)} {tag} element(s) (only text sources are imported)")

    # Which code guids are used in codings (foreign folders that are coded stay codes).
    coded_guids = set()
    for cr in root.iter("CodeRef"):
        m = _GUID_RE.match((cr.get("targetGUID") or "").strip())
        if m:
            coded_guids.add(m.group(1).lower())
    cbmeta = pmeta.get("codebook") if isinstance(pmeta.get("codebook"), dict) else {}
    default_key = slugify(root.get("name") or "refi") if not ours else "refi"
    cb_el = _kid(root, "CodeBook")
    codes = read_codes(_kid(cb_el, "Codes") if cb_el is not None else None, ctx, cbmeta, coded_guids, default_key)

    # Variables
    types: dict[str, tuple[str, str]] = {}
    vars_el = _kid(root, "Variables")
    for v in _kids(vars_el, "Variable") if vars_el is not None else []:
        g = _guid(v, "guid", ctx, _desc("Variable", v))
        if g:
            types[g] = ((v.get("name") or g).strip(), v.get("typeOfVariable") or "Text")

    # Sources
    answers: list[dict] = []
    answer_by_guid: dict[str, dict] = {}
    codings: list[dict] = []
    memo_target: dict[str, tuple[str, Optional[str]]] = {}
    fallback_user: Optional[str] = None
    seen_codings: set[str] = set()

    def user_of(*els: ET.Element) -> Optional[str]:
        nonlocal fallback_user
        for el in els:
            g = el.get("creatingUser")
            m = _GUID_RE.match((g or "").strip())
            if m and m.group(1).lower() in user_guids:
                return m.group(1).lower()
        if fallback_user is None:
            fallback_user = new_uid()
            name = "refi_import"
            while name in coder_names:
                name += "_"
            coders.append({"uid": fallback_user, "name": name, "role": "coder"})
            coder_names.add(name)
        return fallback_user

    def add_coding(cel: ET.Element, ans: dict, start: Optional[int], end: Optional[int], source: str,
                   element: str, *ctx_els: ET.Element) -> None:
        ref = _kid(cel, "CodeRef")
        if ref is None:
            ctx.bad(element, "Coding has no CodeRef")
            return
        cg = _guid(ref, "targetGUID", ctx, element)
        if cg is None:
            return
        if cg not in codes.key_of:
            ctx.bad(element, f"CodeRef {cg} names no codable code of the codebook")
            return
        g = _guid(cel, "guid", ctx, element, required=False) or new_uid()
        if g in seen_codings:
            g = new_uid()
        seen_codings.add(g)
        codings.append({"uid": g, "answer": ans["uid"], "coder": user_of(cel, *ctx_els), "code": codes.key_of[cg],
                        "start": start, "end": end, "source": source,
                        "created_at": _dt(cel.get("creationDateTime")) or utcnow()})
        for nr in _kids(cel, "NoteRef"):
            ng = _guid(nr, "targetGUID", ctx, element)
            if ng:
                memo_target.setdefault(ng, ("answer", ans["uid"]))

    for ts in text_sources:
        element = _desc("TextSource", ts)
        g = _guid(ts, "guid", ctx, element)
        if g is None:
            continue
        if g in answer_by_guid:
            ctx.bad(element, "guid is used by another source too")
            continue
        text = _source_text(ts, ctx, element, z, members, file)
        if text is None:
            continue
        values = {}
        for vv in _kids(ts, "VariableValue"):
            r = _variable_value(vv, types, ctx, element)
            if r:
                values[r[0]] = r[1]
        ans = {"uid": g, "name": (ts.get("name") or g[:8]).strip(), "text": text, "values": values,
               "respondent": None, "question": None, "score": None, "notes": []}
        if not ours:  # ours repeat the notes in the description, for tools that read only that
            d = _text(_kid(ts, "Description")).strip()
            if d:
                ans["notes"].append((d, user_of(ts) if ts.get("creatingUser") else None))
        answers.append(ans)
        answer_by_guid[g] = ans
        n = len(text)
        for sel in _kids(ts, "PlainTextSelection"):
            selement = f"{element} > {_desc('PlainTextSelection', sel)}"
            start, end = _int_attr(sel, "startPosition", ctx, selement), _int_attr(sel, "endPosition", ctx, selement)
            if start is None or end is None:
                continue
            smeta = _pi(sel, PI_CODING, ctx, selement) or {}
            if not ours and end > n >= start:
                end = n  # tolerate a selection running past the text's end
            if not (0 <= start < end <= n):
                ctx.bad(selement, f"selection {start}–{end} is outside the text (length {n})")
                continue
            whole = bool(smeta.get("whole")) and (start, end) == (0, n)
            d = _text(_kid(sel, "Description")).strip()
            if d and not ours:  # a coding memo (QualCoder) or an annotation (MAXQDA)
                names = []
                for ref in sel.iter("CodeRef"):
                    m = _GUID_RE.match((ref.get("targetGUID") or "").strip())
                    k = codes.key_of.get(m.group(1).lower()) if m else None
                    if k and codes.spec is not None:
                        names.append(codes.spec.code(k).label)
                label = ", ".join(names)
                what = f"Memo til kodningen {label!r}" if label else "Kommentar"
                ans["notes"].append((f"{what} af „{text[start:end][:200]}“: {d}",
                                     user_of(sel) if sel.get("creatingUser") else None))
            for cel in _kids(sel, "Coding"):
                add_coding(cel, ans, None if whole else start, None if whole else end,
                           str(smeta.get("source") or ("manual" if ours else "import")), selement, sel, ts)
            for nr in _kids(sel, "NoteRef"):
                ng = _guid(nr, "targetGUID", ctx, selement)
                if ng:
                    memo_target.setdefault(ng, ("answer", g))
        for cel in _kids(ts, "Coding"):
            add_coding(cel, ans, None, None, "manual" if ours else "import", element, ts)
        for nr in _kids(ts, "NoteRef"):
            ng = _guid(nr, "targetGUID", ctx, element)
            if ng:
                memo_target.setdefault(ng, ("answer", g))

    # Cases → respondents
    respondents: list[dict] = []
    resp_keys: dict[tuple[int, str], str] = {}
    this_year = datetime.now().year
    cases_el = _kid(root, "Cases")
    case_notes: list[str] = []
    for case in _kids(cases_el, "Case") if cases_el is not None else []:
        element = _desc("Case", case)
        g = _guid(case, "guid", ctx, element)
        if g is None:
            continue
        cmeta = _pi(case, PI_CASE, ctx, element) or {}
        cdesc = _text(_kid(case, "Description")).strip()
        if cdesc and not ours:
            case_notes.append(f"Case {(case.get('name') or g[:8]).strip()!r}: {cdesc}")
        values = {}
        for vv in _kids(case, "VariableValue"):
            r = _variable_value(vv, types, ctx, element)
            if r and r[1] is not None:
                values[r[0]] = r[1]
        refs = [sg for sg in (_guid(sr, "targetGUID", ctx, element) for sr in _kids(case, "SourceRef")) if sg]
        if not ours:  # variables some tools keep only on the case's sources
            for sg in refs:
                if sg in answer_by_guid and answer_by_guid[sg]["respondent"] is None:
                    for k, v in _background(answer_by_guid[sg]).items():
                        values.setdefault(k, v)
        resp = _respondent(g, str(cmeta.get("key") or case.get("name") or g[:8]).strip(), values, ours, ctx,
                           element, this_year, reader, cmeta)
        if resp is None:
            continue
        k = (resp["year"], resp["key"])
        if k in resp_keys:
            if ours:
                ctx.bad(element, f"respondent {resp['key']!r} ({resp['year']}) appears twice")
                continue
            base, n = resp["key"], 2
            while (resp["year"], f"{base} ({n})") in resp_keys:
                n += 1
            resp["key"] = f"{base} ({n})"
            k = (resp["year"], resp["key"])
        resp_keys[k] = g
        respondents.append(resp)
        for sg in refs:
            if sg in answer_by_guid and answer_by_guid[sg]["respondent"] is None:
                answer_by_guid[sg]["respondent"] = resp
        # our score-only answers
        answer_uids = cmeta.get("answers") if isinstance(cmeta.get("answers"), dict) else {}
        for qk, sc in resp.pop("scores").items():
            if qk in answer_uids:
                m = _GUID_RE.match(str(answer_uids[qk]))
                ans = {"uid": m.group(1).lower() if m else new_uid(), "name": f"{resp['key']} {qk}", "text": "",
                       "values": {"question": qk, "score": sc}, "respondent": resp, "question": None, "score": None}
                answers.append(ans)
                answer_by_guid[ans["uid"]] = ans
    for ans in answers:
        if ans["respondent"] is None:
            if ours:
                ctx.bad(f"TextSource guid {ans['uid']}", "the source belongs to no <Case> (respondent)")
                continue
            resp = _respondent(new_uid(), ans["name"], _background(ans), False, ctx, ans["name"], this_year, reader,
                               {})
            base, n = resp["key"], 2
            while (resp["year"], resp["key"]) in resp_keys:
                resp["key"], n = f"{base} ({n})", n + 1
            resp.pop("scores")
            resp_keys[(resp["year"], resp["key"])] = resp["uid"]
            respondents.append(resp)
            ans["respondent"] = resp

    # Questions and scores
    per_resp_q: dict[tuple[str, str], str] = {}
    for ans in answers:
        if ans["respondent"] is None:
            continue
        vals = {k.lower(): v for k, v in ans["values"].items()}
        qv = next((vals[k] for k in _QUESTION_VARS if vals.get(k) not in (None, "")), None)
        q = str(qv).strip() if qv is not None else "doc"
        if not KEY_RE.match(q):
            q = slugify(q)
        key = (ans["respondent"]["uid"], q)
        if key in per_resp_q:
            if ours:
                ctx.bad(f"TextSource guid {ans['uid']}", f"respondent {ans['respondent']['key']!r} has two answers "
                        f"to {q}")
                continue
            n = 2
            while (ans["respondent"]["uid"], f"{q}_{n}") in per_resp_q:
                n += 1
            q = f"{q}_{n}"
            key = (ans["respondent"]["uid"], q)
        per_resp_q[key] = ans["uid"]
        ans["question"] = q
        sc = _as_int(vals.get("score"))
        qd = defn_of(ans["respondent"]["year"]).question(q)
        band = None
        if sc is not None:
            try:
                if qd is None or not qd.scored:
                    raise ValueError(f"question {q} has no scale")
                band = qd.band_of(sc)
            except ValueError as e:
                if ours:
                    ctx.bad(f"TextSource guid {ans['uid']}", f"score {sc}: {e}")
                sc = None
        ans["score"], ans["band"] = sc, band
    answers = [a for a in answers if a["question"] is not None]
    valid_answers = {a["uid"] for a in answers}
    codings = [c for c in codings if c["answer"] in valid_answers]
    seen_spans = set()
    deduped = []
    for c in codings:
        k = (c["answer"], c["coder"], c["code"], c["start"], c["end"])
        if k not in seen_spans:
            seen_spans.add(k)
            deduped.append(c)
    codings = deduped

    # Coded / flagged states
    states: dict[tuple[str, str], dict] = {}
    sets_el = _kid(root, "Sets")
    n_foreign_sets = 0
    for st in _kids(sets_el, "Set") if sets_el is not None else []:
        element = _desc("Set", st)
        d = _text(_kid(st, "Description")).strip()
        kind = "coded" if d.startswith(SET_CODED) else "flagged" if d.startswith(SET_FLAGGED) else None
        if kind is None:
            n_foreign_sets += 1
            continue
        m = _GUID_RE.match(d.split(":", 2)[2].strip())
        if not m or m.group(1).lower() not in user_guids:
            ctx.bad(element, f"set description {d!r} names no <User>")
            continue
        for ms in _kids(st, "MemberSource"):
            ag = _guid(ms, "targetGUID", ctx, element)
            if ag is None:
                continue
            if ag not in valid_answers:
                ctx.bad(element, f"MemberSource {ag} names no imported text source")
                continue
            states.setdefault((ag, m.group(1).lower()), {"coded": False, "flagged": False})[kind] = True
    if n_foreign_sets:
        ctx.skipped.append(f"{n_foreign_sets} set(s)")
    if not ours:
        for c in codings:
            states.setdefault((c["answer"], c["coder"]), {"coded": False, "flagged": False})["coded"] = True

    # Notes → memos
    for key, refs in codes.note_refs.items():
        for ng in refs:
            memo_target.setdefault(ng, ("code", key))
    for nr in _kids(root, "NoteRef"):
        ng = _guid(nr, "targetGUID", ctx, "Project > NoteRef")
        if ng:
            memo_target.setdefault(ng, ("project", None))
    memos: list[dict] = []
    notes_el = _kid(root, "Notes")
    seen_notes: set[str] = set()
    for note in _kids(notes_el, "Note") if notes_el is not None else []:
        element = _desc("Note", note)
        g = _guid(note, "guid", ctx, element)
        if g is None or g in seen_notes:
            continue
        seen_notes.add(g)
        text = _source_text(note, ctx, element, z, members, file)
        if text is None:
            continue
        tt, target = memo_target.get(g, ("project", None))
        if tt == "answer" and target not in valid_answers:
            tt, target = "project", None
        cu = note.get("creatingUser")
        m = _GUID_RE.match((cu or "").strip())
        memos.append({"uid": g, "target_type": tt, "target": target, "text": text,
                      "coder": m.group(1).lower() if m and m.group(1).lower() in user_guids else None,
                      "created_at": _dt(note.get("creationDateTime")) or utcnow(),
                      "updated_at": _dt(note.get("modifiedDateTime")) or utcnow()})
    kept = {"source": 0, "selection": 0, "case": 0, "project": 0}
    now = utcnow()
    for ans in answers:
        if ans["uid"] not in valid_answers:
            if ans.get("notes"):
                ctx.skipped.append(f"{len(ans['notes'])} description(s) of source {ans['name']!r}, which was not imported")
            continue
        for text, user in ans.get("notes", []):
            kept["selection" if text.startswith(("Memo til kodningen", "Kommentar")) else "source"] += 1
            memos.append({"uid": new_uid(), "target_type": "answer", "target": ans["uid"], "text": text,
                          "coder": user, "created_at": now, "updated_at": now})
    pdesc = _text(_kid(root, "Description")).strip()
    pdesc = pdesc[:pdesc.index(DEFINITION_MARKER)].strip() if DEFINITION_MARKER in pdesc else pdesc
    for text in ([pdesc] if pdesc and not ours else []) + case_notes:
        kept["case" if text.startswith("Case ") else "project"] += 1
        memos.append({"uid": new_uid(), "target_type": "project", "target": None, "text": text, "coder": None,
                      "created_at": now, "updated_at": now})
    names = {"source": "source description(s) as memos on their answers",
             "selection": "coding memo(s) or annotation(s) as memos on their answers (the passage quoted)",
             "case": "case description(s) as project memos (respondents have no memos)",
             "project": "project description as a project memo"}
    for k, n in kept.items():
        if n:
            ctx.notes.append(f"{n} {names[k]}")
    for tag in ("Links", "Graphs"):
        el = _kid(root, tag)
        if el is not None and len(el):
            ctx.skipped.append(f"{len(el)} {tag[:-1].lower()}(s)")

    if ctx.problems:
        raise InputError(ctx.problems)
    used_coders = {c["coder"] for c in codings} | {k[1] for k in states} | {m["coder"] for m in memos}
    coders = [c for c in coders if c["uid"] != fallback_user or c["uid"] in used_coders]
    # each wave's definition, with an open question for every question it does not know
    surveys: dict[int, SurveyDefinition] = dict(waves)
    for r in respondents:
        surveys.setdefault(r["year"], default_defn)
    for year in list(surveys):
        keys = list(dict.fromkeys(a["question"] for a in answers if a["respondent"]["year"] == year))
        try:
            surveys[year] = _with_open_questions(surveys[year], keys, f"{ctx.where}: survey {year}")
        except InputError as e:
            raise InputError(e.problems) from None
    return QdpxPlan(file, ours, codes, coders, surveys, respondents, answers, codings, states, memos, ctx.skipped,
                    ctx.notes)


def _source_text(el: ET.Element, ctx: _Ctx, element: str, z: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo],
                 file: str) -> Optional[str]:
    """The plain text of a TextSource or Note (``internal://`` file or inline content)."""
    path = el.get("plainTextPath")
    if path:
        if not path.lower().startswith("internal://"):
            ctx.skipped.append(f"{element}: external text file {path!r}")
            return None
        name = path[len("internal://"):]
        if not _check_name(name) or "/" in name.replace("\\", "/"):
            ctx.bad(element, f"plainTextPath {path!r} is not a plain file name inside sources/")
            return None
        info = members.get(f"sources/{name}".lower())
        if info is None:
            ctx.bad(element, f"plainTextPath {path!r}: sources/{name} is not in the archive")
            return None
        data = read_member(z, info, file)
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as e:
            ctx.bad(element, f"sources/{name} is not UTF-8 text (byte {e.start})")
            return None
    content = _kid(el, "PlainTextContent")
    if content is not None:
        return content.text or ""
    if el.tag == "TextSource":
        ctx.skipped.append(f"{element}: no plain text (rich text only)")
        return None
    if el.get("richTextPath"):
        ctx.skipped.append(f"{element}: rich text only (no plain text to keep as a memo)")
        return None
    return ""


def _background(ans: dict) -> dict[str, Any]:
    """A source's variables other than its question, score and band."""
    return {k: v for k, v in ans["values"].items() if k.lower() not in _SOURCE_ONLY and v not in (None, "")}


def _respondent(uid: str, key: str, values: dict[str, Any], ours: bool, ctx: _Ctx, element: str,
                this_year: int, reader, cmeta: dict) -> Optional[dict]:
    """A respondent from a case's variables, read through the definition of its year."""
    r: dict[str, Any] = {"uid": uid, "key": key or uid[:8], "year": None, "variables": {}, "extra": {}, "scores": {}}
    rest: dict[str, Any] = {}
    for name, v in values.items():
        if name.lower() in _YEAR_VARS and r["year"] is None:
            iv = _as_int(v)
            if iv is None and ours:
                ctx.bad(element, f"variable {name}: {v!r} is not a whole number")
                return None
            r["year"] = iv
            if iv is None:
                rest[name] = v
            continue
        m = re.fullmatch(r"(.+)_score", name)
        if ours and m:
            sc = _as_int(v)
            if sc is None:
                ctx.bad(element, f"variable {name}: score {v!r} is not a whole number")
                continue
            r["scores"][m.group(1)] = sc
            continue
        rest[name] = v
    if r["year"] is None or not (1990 <= r["year"] <= 2100):
        if ours:
            ctx.bad(element, "variable year is missing or not plausible")
            return None
        if r["year"] is not None:
            r["extra"]["year"] = r["year"]
        r["year"] = this_year
    vr = reader(r["year"])
    exact_vars = cmeta.get("variables") if ours and isinstance(cmeta.get("variables"), dict) else None
    exact_extra = cmeta.get("extra") if ours and isinstance(cmeta.get("extra"), dict) else None
    if exact_vars is not None:  # our export: the stored values themselves
        for k, v in exact_vars.items():
            if vr.defn.variable(k) is None or vr.defn.variable(k).derived:
                ctx.bad(element, f"variable {k!r} is not a variable of the survey definition")
            elif v is not None and not isinstance(v, (str, int, float)):
                ctx.bad(element, f"variable {k!r}: {v!r} is not a value")
            else:
                r["variables"][k] = v
    if exact_extra is not None:
        r["extra"].update({str(k): v for k, v in exact_extra.items()})
    given = {vr.variable(n).key for n in rest if vr.variable(n) is not None}
    for name, v in rest.items():
        var = vr.variable(name)
        if var is None:
            if exact_extra is None:
                r["extra"][name] = v if isinstance(v, (int, float)) else str(v)
            continue
        if exact_vars is not None:
            continue
        if var.derived:  # computed from its source; kept aside only when the source is missing
            if var.source not in given and exact_extra is None:
                r["extra"][name] = v if isinstance(v, (int, float)) else str(v)
            continue
        try:
            stored = var.read(str(v))
        except ValueError as e:
            if ours:
                ctx.bad(element, f"variable {name}: {e}")
            else:
                r["extra"][name] = v if isinstance(v, (int, float)) else str(v)
            continue
        if stored is not None:
            r["variables"][var.key] = stored
    return r


# -- writing ----------------------------------------------------------------------------------

@dataclass
class RefiImportResult:
    respondents: int = 0
    answers: int = 0
    codes: int = 0
    coders: int = 0
    codings: int = 0
    memos: int = 0
    skipped: list[str] = field(default_factory=list)
    foreign: bool = False
    converted: list[str] = field(default_factory=list)

    def summary(self) -> str:
        s = (f"imported {self.respondents} respondents, {self.answers} answers, {self.codes} codes, "
             f"{self.coders} coders, {self.codings} codings, {self.memos} memos")
        if self.foreign:
            s += " (file from another program: mapped to a generic survey)"
        if self.converted:
            s += "\nimported differently: " + "; ".join(self.converted)
        if self.skipped:
            s += "\nnot imported: " + "; ".join(self.skipped[:20])
            if len(self.skipped) > 20:
                s += f"; ... and {len(self.skipped) - 20} more"
        return s


def ensure_empty(store, s, file: str) -> None:
    if s.exec(select(Respondent.id).limit(1)).first() is not None or \
            s.exec(select(Coding.id).limit(1)).first() is not None:
        raise InputError("the project already holds respondents or codings; import a QDPX project into a new or "
                         "empty project", file=file)


def _apply_code_uids(s, codes_by_key: dict[str, Code], uid_of: dict[str, str], only: Optional[set[str]] = None) -> None:
    """Give codes the file's guids (kept identity) where no other code already uses them;
    ``only`` limits this to the given ids (codes new to the project)."""
    used = set(s.exec(select(Code.uid)).all())
    for key, guid in uid_of.items():
        c = codes_by_key.get(key)
        if c is None or c.uid == guid or guid in used or (only is not None and key not in only):
            continue
        used.discard(c.uid)
        c.uid = guid
        used.add(guid)
        s.add(c)


def import_qdpx(store, path: str | Path, plan: Optional[QdpxPlan] = None) -> RefiImportResult:
    """Import a ``.qdpx`` into a new or empty project, in one transaction."""
    plan = plan or read_qdpx(path)
    res = RefiImportResult(skipped=list(plan.skipped), foreign=not plan.ours, converted=list(plan.converted))
    with store.transaction() as s:
        ensure_empty(store, s, str(path))
        code_id: dict[str, int] = {}
        if plan.codes.spec is not None:
            cb = install_codebook(store, s, plan.codes.spec)
            by_key = {c.key: c for c in s.exec(select(Code).where(Code.codebook_id == cb.id))}
            _apply_code_uids(s, by_key, plan.codes.uid_of)
            for key in plan.codes.retired:
                by_key[key].retired = True
                s.add(by_key[key])
            s.flush()
            code_id = {k: c.id for k, c in by_key.items()}
            res.codes = len(plan.codes.spec.codes)
        # coders
        coder_id: dict[str, int] = {}
        used_uids = set(s.exec(select(Coder.uid)).all())
        for c in plan.coders:
            row = s.exec(select(Coder).where(Coder.name == c["name"])).first()
            if row is None:
                row = Coder(name=c["name"], role=c["role"], uid=c["uid"] if c["uid"] not in used_uids else new_uid())
                s.add(row)
            elif row.uid != c["uid"] and c["uid"] not in used_uids:
                row.uid = c["uid"]
                s.add(row)
            used_uids.add(row.uid)
            s.flush()
            coder_id[c["uid"]] = row.id
            store.log(s, "coder.create", "coder", row.id, name=row.name, role=row.role)
        res.coders = len(plan.coders)
        # surveys and questions
        conn = s.connection()
        survey_id: dict[int, int] = {}
        qid: dict[tuple[int, str], int] = {}
        for year, defn in sorted(plan.surveys.items()):
            sv = ensure_survey(store, s, year, defn)
            survey_id[year] = sv.id
            qid.update({(year, q.key): q.id for q in s.exec(select(Question).where(Question.survey_id == sv.id))})
        # respondents, answers, codings, states (batched)
        rows = [dict(uid=r["uid"], survey_id=survey_id[r["year"]], key=r["key"], variables=r["variables"],
                     extra=r["extra"]) for r in plan.respondents]
        for k in range(0, len(rows), 2000):
            conn.execute(insert(Respondent), rows[k:k + 2000])
        rid = dict(conn.execute(sa_select(Respondent.uid, Respondent.id)).all())
        rows = [dict(uid=a["uid"], respondent_id=rid[a["respondent"]["uid"]],
                     question_id=qid[(a["respondent"]["year"], a["question"])], score=a["score"],
                     band=a["band"], text=a["text"], text_original=None) for a in plan.answers]
        for k in range(0, len(rows), 5000):
            conn.execute(insert(Answer), rows[k:k + 5000])
        aid = dict(conn.execute(sa_select(Answer.uid, Answer.id)).all())
        rows = [dict(uid=c["uid"], answer_id=aid[c["answer"]], coder_id=coder_id[c["coder"]], code_id=code_id[c["code"]],
                     start=c["start"], end=c["end"], source=c["source"], created_at=c["created_at"])
                for c in plan.codings]
        for k in range(0, len(rows), 5000):
            conn.execute(insert(Coding), rows[k:k + 5000])
        rows = [dict(answer_id=aid[a], coder_id=coder_id[c], coded=v["coded"], flagged=v["flagged"],
                     updated_at=utcnow(), version=1) for (a, c), v in plan.states.items()]
        for k in range(0, len(rows), 5000):
            conn.execute(insert(AnswerState), rows[k:k + 5000])
        # memos
        project = s.exec(select(Project)).first()
        for m in plan.memos:
            if m["target_type"] == "answer":
                target = aid[m["target"]]
            elif m["target_type"] == "code" and m["target"] in code_id:
                target = code_id[m["target"]]
            else:
                m["target_type"], target = "project", project.id if project else 0
            s.add(Memo(uid=m["uid"], target_type=m["target_type"], target_id=target,
                       coder_id=coder_id.get(m["coder"]) if m["coder"] else None, text=m["text"],
                       created_at=m["created_at"], updated_at=m["updated_at"]))
        res.respondents, res.answers = len(plan.respondents), sum(1 for a in plan.answers if a["text"])
        res.codings, res.memos = len(plan.codings), len(plan.memos)
        store.log(s, "refi.import", "file", str(path), respondents=res.respondents, answers=len(plan.answers),
                  codes=res.codes, coders=res.coders, codings=res.codings, memos=res.memos, foreign=res.foreign,
                  skipped=res.skipped[:50])
    return res


# -- codebooks (.qdc) -------------------------------------------------------------------------

def read_qdc(path: str | Path) -> CodesRead:
    """Read and validate a standalone REFI codebook (``.qdc``)."""
    file = str(path)
    p = existing_file(path)
    if p.stat().st_size > MAX_QDE_BYTES:
        raise InputError(f"is larger than {MAX_QDE_BYTES} bytes", file=file)
    data = p.read_bytes()
    root = _parse_root(data, file, "CodeBook", NS_CODEBOOK)
    ctx = _Ctx(file)
    meta = _pi(root, PI_PROJECT, ctx, "CodeBook") or {}
    cbmeta = meta.get("codebook") if isinstance(meta.get("codebook"), dict) else {}
    codes = read_codes(_kid(root, "Codes"), ctx, cbmeta, set(), slugify(p.stem))
    if ctx.problems:
        raise InputError(ctx.problems)
    if codes.spec is None:
        raise InputError("holds no codes", file=file)
    return codes
