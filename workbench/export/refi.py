"""Export a project as REFI-QDA: a ``.qdpx`` project (ZIP of ``project.qde`` + ``sources/``)
and a ``.qdc`` codebook, so other QDA tools (NVivo, ATLAS.ti, MAXQDA, QualCoder) can read it.

Mapping (``importer/refi.py`` reads it back without loss):

- coders → ``<User guid=coder.uid>`` (``final`` included; coders of role ``gold`` only on request);
- codebook → ``<CodeBook>``: each category is a non-codable parent code named by its label
  (``Project.settings``, from the codebook's ``categories``; the id travels in our metadata)
  holding its codes, ``parent_id`` nests below that; colours carried; a code's
  ``<Description>`` holds its description, inclusion and exclusion notes, examples and
  memos, where QualCoder, NVivo and ATLAS.ti show a code's memo; retired codes are kept
  (codings may use them) and flagged in our metadata;
- the survey's definition (each wave's: questions, scales, bands, variables) → our project
  metadata, and the project's ``<Description>`` as YAML after a marker line, so that
  ``import-qdpx`` restores it even from a file another tool re-exported;
- respondents → ``<Case guid=respondent.uid>`` with ``year``, one ``<VariableValue>`` per
  variable of the definition, named by its key (a category as ``Text`` holding its label, a
  number as ``Integer`` or ``Float``, a derived grouping as ``Text``), the file's other
  columns, and the scores ``<question>_score`` (Integer), so score-only answers survive;
- each answer with text (or with codings, states or memos) → ``<TextSource guid=answer.uid>``
  named ``"R0001 <question>"``, its text in ``sources/<guid>.txt`` (UTF-8), variables
  ``question``, ``score`` and ``band`` and again the respondent's ``year`` and variables (some
  tools, QualCoder among them, do not carry case variables over to the sources); each coding →
  ``<PlainTextSelection>`` (code points, end exclusive; whole-answer codings select 0..len)
  holding ``<Coding guid=coding.uid>``;
- memos → ``<Notes>`` referenced by ``<NoteRef>`` from the answer, code or project;
- memos: as QualCoder reads only descriptions, an answer's memos also lead its source's
  ``<Description>``, a code's close its code's, and project memos open the project's
  ``<Description>`` (before the survey definition); our importer takes memos from the notes;
- ``coder`` (``export qdpx --coder NAME``) limits users, codings, states and memos to one
  coder (memos of nobody, such as project notes, stay);
- "coded" and "flagged" answer states (REFI has no such notion) → one ``<Set>`` per coder and
  state whose ``<Description>`` starts ``workbench:coded:`` / ``workbench:flagged:``; other
  tools just see a set of sources.

What the schema has no place for (code ids, inclusion/exclusion notes, keywords, examples,
bands, shortcuts, coder roles, whole-answer vs span) travels in ``<?workbench-...?>``
processing instructions holding JSON: XML's own channel for application data, ignored by
schema validation and by other tools. ``text_original`` (pre-pseudonymisation) is never
exported.
"""
from __future__ import annotations

import json
import re
import uuid
import zipfile
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional
from lxml import etree as ET  # C serialisation: 100,000 answers' sources, cases and variables in seconds

from sqlmodel import select

import workbench
from workbench.coding.definition import SurveyDefinition
from workbench.coding.models import (Answer, AnswerState, Code, Coder, Coding, Memo, Question, Respondent,
                                     Survey)
from workbench.coding.surveys import definition_of, merge_waves
from workbench.export.atomic import atomic_path
from workbench.errors import InputError

NS_PROJECT = "urn:QDA-XML:project:1.0"
NS_CODEBOOK = "urn:QDA-XML:codebook:1.0"
# uuid5 namespace for guids of things without a uid column (categories, variables, sets, selections).
GUID_NS = uuid.UUID("6f0d7c5e-2b1a-4c43-9a57-7a8e3b1f0c21")
PI_PROJECT, PI_CODE, PI_CASE, PI_CODING, PI_NOTE = (
    "workbench-project", "workbench-code", "workbench-case", "workbench-coding", "workbench-note")
SET_CODED, SET_FLAGGED = "workbench:coded:", "workbench:flagged:"
# Variables on every source; ``year`` and the definition's variables are on cases and sources,
# the scores per question on cases as ``<q>_score`` (Integer).
SOURCE_VARIABLES = {"question": "Text", "score": "Integer", "band": "Text"}
YEAR_VARIABLE = "year"
# The project's <Description> holds the survey definition as YAML after this line.
DEFINITION_MARKER = "workbench survey definition (YAML):"
_BAD_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def guid_for(*parts: str) -> str:
    """A stable guid for an exported thing that has no uid of its own."""
    return str(uuid.uuid5(GUID_NS, ":".join(parts)))


def xml_text(v: Any) -> str:
    """Text XML 1.0 can hold (it cannot hold most control characters)."""
    return _BAD_XML.sub("", str(v))


def _dt(v: Optional[datetime]) -> Optional[str]:
    if v is None:
        return None
    if v.tzinfo is None:
        v = v.replace(tzinfo=timezone.utc)
    return v.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _pi(parent: ET.Element, target: str, data: dict, sort_keys: bool = True) -> None:
    """Append ``<?target {json}?>``; JSON has ``?>`` only inside strings, where it is escaped.
    ``sort_keys=False`` where the order of keys is meaning (a definition's values are in report order)."""
    body = xml_text(json.dumps(data, ensure_ascii=False, sort_keys=sort_keys)).replace("?>", "?\\u003e")
    parent.append(ET.ProcessingInstruction(target, body))


def _sub(parent: ET.Element, tag: str, attrs: Optional[dict] = None, text: Optional[str] = None,
         ns: str = NS_PROJECT) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ns}}}{tag}", {k: xml_text(v) for k, v in (attrs or {}).items() if v is not None})
    if text is not None:
        el.text = xml_text(text)
    return el


def _colour(c: str) -> Optional[str]:
    return c if c and re.fullmatch(r"#[0-9a-fA-F]{6}", c) else None


def _code_meta(c: Code) -> dict:
    meta = {"id": c.key, "category": c.category, "include": c.inclusion, "exclude": c.exclusion,
            "examples": list(c.examples), "keywords": list(c.keywords), "bands": list(c.bands),
            "questions": list(c.questions), "shortcut": c.shortcut, "retired": bool(c.retired)}
    meta = {k: v for k, v in meta.items() if v not in (None, "", [], False)}
    meta["position"] = c.position
    return meta


def code_description(c: Code, memos: tuple[str, ...] = ()) -> str:
    """What other tools show as the code's memo: description, inclusion and exclusion notes,
    examples and the code's memos, in Danish like the codebook."""
    parts = [c.description.strip()] if c.description and c.description.strip() else []
    if c.inclusion and c.inclusion.strip():
        parts.append(f"Medtag: {c.inclusion.strip()}")
    if c.exclusion and c.exclusion.strip():
        parts.append(f"Udelad: {c.exclusion.strip()}")
    if c.examples:
        parts.append("Eksempler:\n" + "\n".join(f"- {e}" for e in c.examples))
    parts += [f"Memo: {m.strip()}" for m in memos if m and m.strip()]
    return "\n\n".join(parts)


def _codes_tree(parent: ET.Element, codes: list[Code], ns: str, note_refs: dict[int, list[str]],
                categories: Optional[dict[str, dict]] = None, memo_text: Optional[dict[str, str]] = None) -> int:
    """Write categories (non-codable, named by their labels) holding their codes, nested by
    parent; returns codes written."""
    categories = categories or {}
    memo_text = memo_text or {}
    by_parent: dict[Optional[int], list[Code]] = defaultdict(list)
    ids = {c.id for c in codes}
    for c in codes:
        by_parent[c.parent_id if c.parent_id in ids else None].append(c)

    def write(el: ET.Element, c: Code) -> None:
        ce = _sub(el, "Code", {"guid": c.uid, "name": c.label or c.key, "isCodable": "true", "color": _colour(c.colour)},
                  ns=ns)
        meta = _code_meta(c)
        desc = code_description(c, tuple(memo_text[r] for r in note_refs.get(c.id, []) if r in memo_text))
        if desc != (c.description or ""):
            meta["description"] = c.description or ""  # the description alone, for our importer
        _pi(ce, PI_CODE, meta)
        if desc:
            _sub(ce, "Description", text=desc, ns=ns)
        for ref in note_refs.get(c.id, []):
            _sub(ce, "NoteRef", {"targetGUID": ref}, ns=ns)
        for child in by_parent.get(c.id, []):
            write(ce, child)

    codes_el = _sub(parent, "Codes", ns=ns)
    cb_id = codes[0].codebook_id if codes else 0
    for cat in dict.fromkeys(c.category for c in by_parent[None]):
        members = [c for c in by_parent[None] if c.category == cat]
        if not cat:
            for c in members:
                write(codes_el, c)
            continue
        colours = [c.colour for c in members if _colour(c.colour)]
        info = categories.get(cat) or {}
        colour = _colour(info.get("colour", "")) or (max(set(colours), key=colours.count) if colours else None)
        ce = _sub(codes_el, "Code", {"guid": guid_for("category", str(cb_id), cat), "name": info.get("label") or cat,
                                     "isCodable": "false", "color": colour}, ns=ns)
        _pi(ce, PI_CODE, {"category": cat})
        if info.get("description"):
            _sub(ce, "Description", text=info["description"], ns=ns)
        for c in members:
            write(ce, c)
    if not len(codes_el):  # the schema needs at least one code
        ce = _sub(codes_el, "Code", {"guid": guid_for("empty-codebook"), "name": "(ingen koder)", "isCodable": "false"},
                  ns=ns)
        _pi(ce, PI_CODE, {"placeholder": True})
    return len(codes)


def _category_labels(s, cb) -> dict[str, dict]:
    """The codebook's category labels stored in the project; for a project made before they
    were stored, the labels of the bundled codebook of the same key."""
    from workbench.coding.codebook import DEFAULT_CODEBOOK, category_labels, load_codebook

    if cb is None:
        return {}
    labels = category_labels(s, cb.key)
    if not labels:
        try:
            default = load_codebook(DEFAULT_CODEBOOK)
        except InputError:
            return {}
        if default.key == cb.key:
            labels = dict(default.categories)
    return labels


def _xml_bytes(root: ET.Element) -> bytes:
    ET.indent(root, space=" ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def build_qdc(store) -> tuple[bytes, int]:
    """The active codebook (without retired codes) as a standalone QDC document."""
    with store.session() as s:
        cb = store.active_codebook(s)
        if cb is None:
            raise InputError("the project has no codebook to export")
        codes = store.codes(s, include_retired=False)
        categories = _category_labels(s, cb)
    root = ET.Element(f"{{{NS_CODEBOOK}}}CodeBook", {"origin": f"workbench {workbench.__version__}"},
                      nsmap={None: NS_CODEBOOK})
    _pi(root, PI_PROJECT, {"codebook": {"key": cb.key, "name": cb.name, "version": cb.version,
                                        "description": cb.description}})
    n = _codes_tree(root, codes, NS_CODEBOOK, {}, categories)
    return _xml_bytes(root), n


def export_qdc(store, out: str | Path) -> str:
    data, n = build_qdc(store)
    with atomic_path(out) as tmp:
        tmp.write_bytes(data)
    return f"wrote codebook with {n} codes to {out}"


def _decimal(v: Any) -> str:
    """A number as xsd:decimal (no exponent)."""
    from decimal import Decimal

    d = format(Decimal(repr(float(v))), "f")
    return d.rstrip("0").rstrip(".") if "." in d else d


RESERVED_VARIABLES = {YEAR_VARIABLE, *SOURCE_VARIABLES}


def variable_names(defn: Optional[SurveyDefinition], respondents: list[Respondent],
                   q_keys: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """The exported name of each variable (its key; ``var_<key>`` where the key is taken by
    ``year``, ``question``, ``score``, ``band`` or a ``<question>_score``), and every exported
    variable's REFI type, in order: year, the definition's variables, the scores, the
    sources' question/score/band."""
    types: dict[str, str] = {YEAR_VARIABLE: "Integer"}
    scores = {f"{k}_score" for k in q_keys}
    names: dict[str, str] = {}
    for v in (defn.variables if defn else []):
        name, n = v.key, 1
        while name in RESERVED_VARIABLES or name in scores or name in types:
            name, n = (f"var_{v.key}" if n == 1 else f"var_{v.key}_{n}"), n + 1
        names[v.key] = name
        if v.type == "number" and not v.derived:
            vals = [r.variables.get(v.key) for r in respondents if r.variables]
            whole = all(isinstance(x, int) or (isinstance(x, float) and x.is_integer()) for x in vals if x is not None)
            types[name] = "Integer" if whole else "Float"
        else:
            types[name] = "Text"
    types.update({f"{k}_score": "Integer" for k in q_keys})
    types.update(SOURCE_VARIABLES)
    return names, types


def build_qdpx(store, include_gold: bool = False, coder: Optional[str] = None
               ) -> tuple[bytes, dict[str, bytes], dict[str, int]]:
    """``project.qde``, the source files by name, and counts for the summary; ``coder`` limits
    users, codings, states and memos to that coder (``final`` for the reconciled coding)."""
    with store.session() as s:
        cb = store.active_codebook(s)
        codes = store.codes(s, include_retired=True) if cb else []
        categories = _category_labels(s, cb)
        code_by_id = {c.id: c for c in codes}
        coders = [c for c in s.exec(select(Coder).order_by(Coder.id))
                  if (c.name == coder if coder is not None else include_gold or c.role != "gold")]
        if coder is not None and not coders:
            known = ", ".join(s.exec(select(Coder.name).order_by(Coder.name)).all()) or "none"
            raise InputError(f"unknown coder {coder!r} (coders: {known})")
        coder_uid = {c.id: c.uid for c in coders}
        surveys = {sv.id: sv for sv in s.exec(select(Survey).order_by(Survey.year, Survey.id))}
        questions = {q.id: q for q in s.exec(select(Question))}
        respondents = list(s.exec(select(Respondent).order_by(Respondent.survey_id, Respondent.key)))
        answers = list(s.exec(select(Answer)))
        codings = [c for c in s.exec(select(Coding).order_by(Coding.id)) if c.coder_id in coder_uid
                   and c.code_id in code_by_id]
        states = [st for st in s.exec(select(AnswerState)) if st.coder_id in coder_uid and (st.coded or st.flagged)]
        memos = [m for m in s.exec(select(Memo).order_by(Memo.id))
                 if coder is None or m.coder_id is None or m.coder_id in coder_uid]
        project = store.project_row()

    root = ET.Element(f"{{{NS_PROJECT}}}Project", nsmap={None: NS_PROJECT}, attrib={
        "name": xml_text(project.name if project else "workbench"), "origin": f"workbench {workbench.__version__}",
        "creationDateTime": _dt(project.created_at) if project else _dt(datetime.now(timezone.utc)),
        "modifiedDateTime": _dt(datetime.now(timezone.utc))})
    defs = {sid: definition_of(sv) for sid, sv in surveys.items()}
    defn = merge_waves(defs.values())
    q_keys = list(dict.fromkeys([*(defn.question_keys if defn else []),
                                 *(q.key for q in sorted(questions.values(), key=lambda q: (q.position, q.id)))]))
    scored = [k for k in q_keys if defn is None or defn.question(k) is None or defn.question(k).scored]
    var_name, var_types = variable_names(defn, respondents, scored)
    _pi(root, PI_PROJECT, {
        "codebook": ({"key": cb.key, "name": cb.name, "version": cb.version, "description": cb.description}
                     if cb else None),
        "coders": {c.uid: {"role": c.role} for c in coders}, **({"coder": coder} if coder is not None else {}),
        "format": 2,
        "surveys": [{"year": sv.year, "name": sv.name, "definition": defs[sv.id].to_dict()}
                    for sv in surveys.values()],
        "variables": {name: key for key, name in var_name.items()}}, sort_keys=False)

    if coders:
        users = _sub(root, "Users")
        for c in coders:
            _sub(users, "User", {"guid": c.uid, "name": c.name})

    memo_refs: dict[tuple[str, int], list[str]] = defaultdict(list)
    memo_text = {m.uid: m.text for m in memos}
    answer_ids = {a.id for a in answers}
    for m in memos:
        target = m.target_type if (m.target_type == "answer" and m.target_id in answer_ids) or \
            (m.target_type == "code" and m.target_id in code_by_id) else "project"
        memo_refs[(target, m.target_id if target != "project" else 0)].append(m.uid)

    if codes:
        cbe = _sub(root, "CodeBook")
        _codes_tree(cbe, codes, NS_PROJECT, {cid: memo_refs.get(("code", cid), []) for cid in code_by_id},
                    categories, memo_text)

    # Variables: year, the definition's variables and the file's other columns on cases and
    # sources, the per-question scores on cases, question/score/band on sources.
    extra_names = sorted({k for r in respondents for k in (r.extra or {})})
    extra_var: dict[str, str] = {}
    for k in extra_names:
        name, n = k, 1
        while name in var_types or name in extra_var.values():
            name, n = (f"extra_{k}" if n == 1 else f"extra_{k}_{n}"), n + 1
        extra_var[k] = name
    var_types.update({v: "Text" for v in extra_var.values()})
    var_guid = {name: guid_for("variable", name) for name in var_types}
    vars_el = _sub(root, "Variables")
    for name, typ in var_types.items():
        _sub(vars_el, "Variable", {"guid": var_guid[name], "name": name, "typeOfVariable": typ})

    def value(parent: ET.Element, name: str, v: Any) -> None:
        if v is None or v == "":
            return
        vv = _sub(parent, "VariableValue")
        _sub(vv, "VariableRef", {"targetGUID": var_guid[name]})
        typ = var_types[name]
        if typ == "Integer":
            _sub(vv, "IntegerValue", text=str(int(v)))
        elif typ == "Float":
            _sub(vv, "FloatValue", text=_decimal(v))
        else:
            _sub(vv, "TextValue", text=str(v))

    def background(r: Respondent) -> list[tuple[str, Any]]:
        """A respondent's year and variables (as other tools should see them) in variable order."""
        sv = surveys.get(r.survey_id)
        out: list[tuple[str, Any]] = [(YEAR_VARIABLE, sv.year if sv else None)]
        vals = r.variables or {}
        for v in (defn.variables if defn else []):
            if v.derived:
                out.append((var_name[v.key], defn.group_of(v.key, vals)))
            elif v.type == "number":
                out.append((var_name[v.key], vals.get(v.key)))
            else:
                x = vals.get(v.key)
                out.append((var_name[v.key], v.values.get(str(x), x) if x not in (None, "") else None))
        return out

    by_resp: dict[int, list[Answer]] = defaultdict(list)
    for a in answers:
        by_resp[a.respondent_id].append(a)
    coded_answers = {c.answer_id for c in codings} | {st.answer_id for st in states} | \
        {aid for (t, aid) in memo_refs if t == "answer"}
    exported = [a for r in respondents for a in sorted(by_resp[r.id], key=lambda a: questions[a.question_id].position)
                if a.text or a.id in coded_answers]
    exported_ids = {a.id for a in exported}

    bg = {r.id: background(r) for r in respondents}
    if respondents:
        cases = _sub(root, "Cases")
        for r in respondents:
            ce = _sub(cases, "Case", {"guid": r.uid, "name": r.key})
            score_only = {questions[a.question_id].key: a.uid for a in by_resp[r.id] if a.id not in exported_ids}
            _pi(ce, PI_CASE, {"key": r.key, "answers": score_only, "variables": r.variables or {},
                            "extra": r.extra or {}})
            for name, v in bg[r.id]:
                value(ce, name, v)
            for a in sorted(by_resp[r.id], key=lambda a: questions[a.question_id].position):
                value(ce, f"{questions[a.question_id].key}_score", a.score)
            for k, v in sorted((r.extra or {}).items()):
                value(ce, extra_var[k], v)
            for a in by_resp[r.id]:
                if a.id in exported_ids:
                    _sub(ce, "SourceRef", {"targetGUID": a.uid})

    files: dict[str, bytes] = {}
    codings_by_answer: dict[int, list[Coding]] = defaultdict(list)
    for c in codings:
        codings_by_answer[c.answer_id].append(c)
    resp_by_id = {r.id: r for r in respondents}
    if exported:
        sources = _sub(root, "Sources")
        for a in exported:
            r, q = resp_by_id[a.respondent_id], questions[a.question_id]
            files[f"sources/{a.uid}.txt"] = a.text.encode("utf-8")
            ts = _sub(sources, "TextSource", {"guid": a.uid, "name": f"{r.key} {q.key}",
                                              "plainTextPath": f"internal://{a.uid}.txt"})
            notes = [memo_text[u].strip() for u in memo_refs.get(("answer", a.id), []) if memo_text[u].strip()]
            _sub(ts, "Description", text="\n\n".join([*notes, f"{q.key}: {q.text}" if q.text else q.key]))
            for c in codings_by_answer[a.id]:
                whole = c.start is None
                start, end = (0, len(a.text)) if whole else (c.start, c.end)
                user = coder_uid[c.coder_id]
                sel = _sub(ts, "PlainTextSelection", {
                    "guid": guid_for("selection", c.uid), "name": code_by_id[c.code_id].label,
                    "startPosition": str(start), "endPosition": str(end), "creatingUser": user,
                    "creationDateTime": _dt(c.created_at)})
                _pi(sel, PI_CODING, {"whole": whole, "source": c.source})
                ce = _sub(sel, "Coding", {"guid": c.uid, "creatingUser": user, "creationDateTime": _dt(c.created_at)})
                _sub(ce, "CodeRef", {"targetGUID": code_by_id[c.code_id].uid})
            for ref in memo_refs.get(("answer", a.id), []):
                _sub(ts, "NoteRef", {"targetGUID": ref})
            value(ts, "question", q.key)
            value(ts, "score", a.score)
            value(ts, "band", a.band)
            for name, v in bg[r.id]:
                value(ts, name, v)

    if memos:
        notes = _sub(root, "Notes")
        for m in memos:
            ne = _sub(notes, "Note", {"guid": m.uid, "name": "Memo", "creatingUser": coder_uid.get(m.coder_id),
                                      "creationDateTime": _dt(m.created_at), "modifiedDateTime": _dt(m.updated_at)})
            _pi(ne, PI_NOTE, {"target_type": m.target_type})
            _sub(ne, "PlainTextContent", text=m.text)

    by_set: dict[tuple[str, int], list[str]] = defaultdict(list)
    answer_uid = {a.id: a.uid for a in answers}
    for st in sorted(states, key=lambda st: st.answer_id):
        if st.coded:
            by_set[(SET_CODED, st.coder_id)].append(answer_uid[st.answer_id])
        if st.flagged:
            by_set[(SET_FLAGGED, st.coder_id)].append(answer_uid[st.answer_id])
    if by_set:
        sets = _sub(root, "Sets")
        names = {c.id: c.name for c in coders}
        for (kind, cid), members in sorted(by_set.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            label = "kodet" if kind == SET_CODED else "markeret"
            se = _sub(sets, "Set", {"guid": guid_for("set", kind, coder_uid[cid]),
                                    "name": f"Svar {label} af {names[cid]}"})
            _sub(se, "Description", text=f"{kind}{coder_uid[cid]}")
            for m in members:  # every answer with a state is exported as a source
                _sub(se, "MemberSource", {"targetGUID": m})

    project_notes = [memo_text[r].strip() for r in memo_refs.get(("project", 0), []) if memo_text[r].strip()]
    description = [*project_notes, *([f"{DEFINITION_MARKER}\n{defn.to_yaml()}"] if defn is not None else [])]
    if description:  # QualCoder's project memo: the project's notes, then the survey definition
        _sub(root, "Description", text="\n\n".join(description))
    for ref in memo_refs.get(("project", 0), []):
        _sub(root, "NoteRef", {"targetGUID": ref})

    counts = {"sources": len(exported), "cases": len(respondents), "codes": len(codes), "codings": len(codings),
              "users": len(coders), "notes": len(memos)}
    return _xml_bytes(root), files, counts


def export_qdpx(store, out: str | Path, include_gold: bool = False, coder: Optional[str] = None) -> str:
    qde, files, n = build_qdpx(store, include_gold=include_gold, coder=coder)
    with atomic_path(out) as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as z:
            z.writestr("project.qde", qde)
            for name, data in files.items():
                z.writestr(name, data)
    who = f" (coder {coder} only)" if coder is not None else ""
    return (f"wrote {out}{who}: {n['sources']} sources, {n['cases']} cases, {n['codes']} codes, {n['codings']} codings, "
            f"{n['users']} users, {n['notes']} notes")
