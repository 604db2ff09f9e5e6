"""REFI-QDA exchange: QDPX/QDC export validates and round-trips; codebook tables; hostile files."""
from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import xmlschema
from sqlmodel import select

from tests.conftest import new_project, survey_rows, write_survey
from workbench.cli import main
from workbench.coding import codings
from workbench.coding.codebook import CodeSpec, CodebookSpec
from workbench.coding.models import (Answer, AnswerState, Code, Coder, Coding, Memo, Question, Respondent,
                                     Survey)
from workbench.errors import InputError
from workbench.export.refi import NS_CODEBOOK, NS_PROJECT, export_qdc, export_qdpx
from workbench.importer import refi as refi_import
from workbench.importer.codebook_table import import_codebook, load_codebook_table
from workbench.importer.refi import import_qdpx, read_qdc, slugify
from workbench.importer.survey import import_survey

PROJECT_XSD = Path("/work/shared/refi/Project.xsd")
if not PROJECT_XSD.exists():  # a clone elsewhere keeps the shared folder beside the repository
    PROJECT_XSD = Path(__file__).resolve().parents[2] / "shared" / "refi" / "Project.xsd"

# Codebook.xsd as printed in REFI-QDA 1.5, section 5.2 (MIT licence, REFI).
CODEBOOK_XSD = """<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns="urn:QDA-XML:codebook:1.0" xmlns:xsd="http://www.w3.org/2001/XMLSchema"
 targetNamespace="urn:QDA-XML:codebook:1.0" elementFormDefault="qualified" attributeFormDefault="unqualified" version="1.0">
 <xsd:element name="CodeBook" type="CodeBookType"/>
 <xsd:complexType name="CodeBookType">
  <xsd:sequence>
   <xsd:element name="Codes" type="CodesType"/>
   <xsd:element name="Sets" type="SetsType" minOccurs="0"/>
  </xsd:sequence>
  <xsd:attribute name="origin" type="xsd:string"/>
 </xsd:complexType>
 <xsd:complexType name="CodesType">
  <xsd:sequence><xsd:element name="Code" type="CodeType" maxOccurs="unbounded"/></xsd:sequence>
 </xsd:complexType>
 <xsd:complexType name="SetsType">
  <xsd:sequence><xsd:element name="Set" type="SetType" maxOccurs="unbounded"/></xsd:sequence>
 </xsd:complexType>
 <xsd:complexType name="CodeType">
  <xsd:sequence>
   <xsd:element name="Description" type="xsd:string" minOccurs="0"/>
   <xsd:element name="Code" type="CodeType" minOccurs="0" maxOccurs="unbounded"/>
  </xsd:sequence>
  <xsd:attribute name="guid" type="GUIDType" use="required"/>
  <xsd:attribute name="name" type="xsd:string" use="required"/>
  <xsd:attribute name="isCodable" type="xsd:boolean" use="required"/>
  <xsd:attribute name="color" type="RGBType"/>
 </xsd:complexType>
 <xsd:complexType name="SetType">
  <xsd:sequence>
   <xsd:element name="Description" type="xsd:string" minOccurs="0"/>
   <xsd:element name="MemberCode" type="MemberCodeType" minOccurs="0" maxOccurs="unbounded"/>
  </xsd:sequence>
  <xsd:attribute name="guid" type="GUIDType" use="required"/>
  <xsd:attribute name="name" type="xsd:string" use="required"/>
 </xsd:complexType>
 <xsd:complexType name="MemberCodeType"><xsd:attribute name="guid" type="GUIDType" use="required"/></xsd:complexType>
 <xsd:simpleType name="GUIDType">
  <xsd:restriction base="xsd:token">
   <xsd:pattern value="([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})|(\\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\})"/>
  </xsd:restriction>
 </xsd:simpleType>
 <xsd:simpleType name="RGBType">
  <xsd:restriction base="xsd:token"><xsd:pattern value="#([A-Fa-f0-9]{6}|[A-Fa-f0-9]{3})"/></xsd:restriction>
 </xsd:simpleType>
</xsd:schema>
"""


# -- helpers -------------------------------------------------------------------------------------

@pytest.fixture
def coded(tmp_path):
    """Two coders with spans and whole-answer codings, a reconciled answer, memos on an answer,
    a code and the project, a "coded, no code applies" answer, a flag, and a nested code."""
    store = new_project(str(tmp_path / "src.db"))
    rows = survey_rows(12, seed=7)
    rows[0]["q1_text"] = "Æblet på bordet 👍 var fint"  # non-BMP: positions are code points
    rows[0]["extra_note"] = "x"
    import_survey(store, write_survey(tmp_path / "s.csv", rows, header=list(rows[0])))
    with store.transaction() as s:
        codes = store.codes(s)
        codes[1].parent_id = codes[0].id  # hierarchy below the category
        s.add(codes[1])
    with store.session() as s:
        ans = [a for a in s.exec(select(Answer).order_by(Answer.id)) if a.text]
        codes = store.codes(s)
    emoji = ans[0]
    assert "👍" in emoji.text
    codings.apply_code(store, "anna", emoji.id, codes[0].id)
    codings.apply_code(store, "anna", emoji.id, codes[1].id, 15, 17)
    codings.apply_code(store, "bo", emoji.id, codes[1].id, 0, 5)
    codings.apply_code(store, "bo", ans[3].id, codes[2].id, 1, len(ans[3].text))
    codings.apply_code(store, "final", emoji.id, codes[0].id)
    codings.set_coded(store, "bo", ans[1].id)  # coded, no code applies
    codings.set_flag(store, "anna", ans[2].id, True)
    codings.save_memo(store, "anna", "answer", emoji.id, "Svært svar <&> \"citat\"")
    codings.save_memo(store, "bo", "code", codes[0].id, "Koden overlapper med en anden")
    codings.save_memo(store, None, "project", 1, "Projektnote")
    yield store
    store.close()


def snapshot(store) -> dict:
    """Everything a round trip must keep, keyed by uid (internal ids differ between projects)."""
    with store.session() as s:
        years = {sv.id: sv.year for sv in s.exec(select(Survey))}
        qkey = {q.id: q.key for q in s.exec(select(Question))}
        resp = {r.id: r for r in s.exec(select(Respondent))}
        answers = {a.id: a for a in s.exec(select(Answer))}
        coders = {c.id: c for c in s.exec(select(Coder))}
        cb = store.active_codebook(s)
        codes = {c.id: c for c in store.codes(s)}
        memo_target = {"answer": {i: a.uid for i, a in answers.items()}, "code": {i: c.uid for i, c in codes.items()}}
        return {
            "codebook": (cb.key, cb.name, cb.version, cb.description),
            "respondents": {r.uid: (r.key, years[r.survey_id], r.variables, r.extra) for r in resp.values()},
            # the definitions, with the order of their questions, variables and values
            "definitions": {sv.year: json.dumps({k: sv.definition[k] for k in sorted(sv.definition)})
                            for sv in s.exec(select(Survey))},
            "answers": {a.uid: (resp[a.respondent_id].uid, qkey[a.question_id], a.score, a.band, a.text)
                        for a in answers.values()},
            "codes": {c.uid: (c.key, c.label, c.colour.lower(), c.category, codes[c.parent_id].key if c.parent_id else None,
                              c.description, c.inclusion, c.exclusion, c.examples, c.keywords, c.bands, c.questions,
                              c.shortcut, c.retired, c.position) for c in codes.values()},
            "coders": {c.uid: (c.name, c.role) for c in coders.values()},
            "codings": {c.uid: (answers[c.answer_id].uid, coders[c.coder_id].uid, codes[c.code_id].uid, c.start, c.end,
                                c.source) for c in s.exec(select(Coding))},
            "states": {(answers[st.answer_id].uid, coders[st.coder_id].uid): (st.coded, st.flagged)
                       for st in s.exec(select(AnswerState)) if st.coded or st.flagged},
            "memos": {m.uid: (m.target_type, memo_target.get(m.target_type, {}).get(m.target_id),
                              coders[m.coder_id].uid if m.coder_id else None, m.text) for m in s.exec(select(Memo))},
        }


def qdpx_with(path: Path, qde: str | bytes, files: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("project.qde", qde)
        for name, data in (files or {}).items():
            z.writestr(name, data)
    return path


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "workbench.cli", *args], capture_output=True, text=True, timeout=120)


# -- export --------------------------------------------------------------------------------------

def test_qdpx_validates_and_maps_the_project(coded, tmp_path):
    out = tmp_path / "p.qdpx"
    summary = export_qdpx(coded, out)
    assert "3 users" in summary and "5 codings" in summary
    z = zipfile.ZipFile(out)
    qde = z.read("project.qde")
    schema = xmlschema.XMLSchema(str(PROJECT_XSD))
    errors = list(schema.iter_errors(io.BytesIO(qde)))
    assert not errors, errors[0]

    from xml.etree import ElementTree as ET
    ns = {"q": NS_PROJECT}
    root = ET.fromstring(qde)
    assert {u.get("name") for u in root.iterfind("q:Users/q:User", ns)} == {"anna", "bo", "final"}
    # categories are non-codable parents; the nested code sits under its parent code
    top = root.findall("q:CodeBook/q:Codes/q:Code", ns)
    assert top and all(c.get("isCodable") == "false" for c in top)
    with coded.session() as s:
        codes = coded.codes(s)
        ans = {a.uid: a for a in s.exec(select(Answer))}
        emoji = next(a for a in ans.values() if "👍" in a.text)
    parent = root.find(f".//q:Code[@guid='{codes[0].uid}']", ns)
    assert parent.find(f"q:Code[@guid='{codes[1].uid}']", ns) is not None
    assert parent.get("color") == codes[0].colour
    # the code's description carries what other tools show as its memo: notes, examples, memos
    desc = parent.findtext("q:Description", namespaces=ns)
    assert desc.startswith(codes[0].description + "\n\nMedtag: " + codes[0].inclusion)
    assert f"Udelad: {codes[0].exclusion}" in desc and f"- {codes[0].examples[0]}" in desc
    assert desc.endswith("Memo: Koden overlapper med en anden")
    # categories travel under their labels (the id stays in our metadata)
    assert "Sagsbehandleren" in {c.get("name") for c in top} and "sagsbehandler" not in {c.get("name") for c in top}
    # QualCoder's project memo: the project's notes, then the survey definition
    assert root.findtext("q:Description", namespaces=ns).startswith("Projektnote\n\nworkbench survey definition")
    # the answer's text is a UTF-8 file; positions are code points, whole answers select 0..len
    src = root.find(f"q:Sources/q:TextSource[@guid='{emoji.uid}']", ns)
    assert src.get("plainTextPath") == f"internal://{emoji.uid}.txt"
    assert src.findtext("q:Description", namespaces=ns).startswith('Svært svar <&> "citat"\n\nq1: ')
    text = z.read(f"sources/{emoji.uid}.txt").decode("utf-8")
    assert text == emoji.text
    spans = sorted((int(x.get("startPosition")), int(x.get("endPosition"))) for x in src.iterfind("q:PlainTextSelection", ns))
    assert spans == sorted([(0, len(text)), (15, 17), (0, 5), (0, len(text))])
    assert text[15:17] == emoji.text[15:17] and len(text) < len(text.encode("utf-16-le")) // 2 + 1
    # case membership and typed variables
    variables = {v.get("name"): v.get("typeOfVariable") for v in root.iterfind("q:Variables/q:Variable", ns)}
    assert variables["age"] == "Integer" and variables["subgroup"] == "Text" and variables["q1_score"] == "Integer"
    case = next(c for c in root.iterfind("q:Cases/q:Case", ns)
                if emoji.uid in {r.get("targetGUID") for r in c.iterfind("q:SourceRef", ns)})
    assert case.get("name") == "R0000"
    # "coded, no code" travels as a set of sources
    sets = {s.findtext("q:Description", namespaces=ns): [m.get("targetGUID") for m in s.iterfind("q:MemberSource", ns)]
            for s in root.iterfind("q:Sets/q:Set", ns)}
    assert any(k.startswith("workbench:coded:") and len(v) >= 1 for k, v in sets.items())
    assert len(root.findall("q:Notes/q:Note", ns)) == 3


def test_gold_coder_only_on_request(coded, tmp_path):
    with coded.transaction() as s:
        coded.coder(s, "facit", role="gold")
    with coded.session() as s:
        ans = next(a for a in s.exec(select(Answer)) if a.text)
        code = coded.codes(s)[3]
    codings.apply_code(coded, "facit", ans.id, code.id)
    export_qdpx(coded, tmp_path / "a.qdpx")
    export_qdpx(coded, tmp_path / "b.qdpx", include_gold=True)
    assert b'name="facit"' not in zipfile.ZipFile(tmp_path / "a.qdpx").read("project.qde")
    assert b'name="facit"' in zipfile.ZipFile(tmp_path / "b.qdpx").read("project.qde")


def test_qdc_is_a_valid_nested_codebook(coded, tmp_path):
    out = tmp_path / "c.qdc"
    export_qdc(coded, out)
    from xml.etree import ElementTree as ET
    root = ET.parse(out).getroot()
    assert root.tag == f"{{{NS_CODEBOOK}}}CodeBook"
    codes_el = root.find(f"{{{NS_CODEBOOK}}}Codes")
    all_codes = list(codes_el.iter(f"{{{NS_CODEBOOK}}}Code"))
    with coded.session() as s:
        codes = coded.codes(s, include_retired=False)
    codable = [c for c in all_codes if c.get("isCodable") == "true"]
    assert {c.get("guid") for c in codable} == {c.uid for c in codes}
    assert all(c.get("color", "").startswith("#") and len(c.get("color")) == 7 for c in codable)
    cats = [c for c in codes_el.findall(f"{{{NS_CODEBOOK}}}Code")]
    from workbench.coding.codebook import DEFAULT_CODEBOOK, load_codebook
    labels = {k: v["label"] for k, v in load_codebook(DEFAULT_CODEBOOK).categories.items()}
    assert {c.get("name") for c in cats} == {labels[c.category] for c in codes}
    errors = list(xmlschema.XMLSchema(CODEBOOK_XSD).iter_errors(str(out)))
    assert not errors, errors[0]


# -- round trips ---------------------------------------------------------------------------------

def test_qdpx_round_trip_gives_identical_data(coded, tmp_path):
    export_qdpx(coded, tmp_path / "p.qdpx")
    target = new_project(str(tmp_path / "dst.db"))  # "empty": it holds only the default codebook
    res = import_qdpx(target, tmp_path / "p.qdpx")
    assert not res.foreign and res.codings == 5 and res.memos == 3
    a, b = snapshot(coded), snapshot(target)
    for part in a:
        assert a[part] == b[part], part
    assert (None, None) in {(v[3], v[4]) for v in b["codings"].values()}  # whole-answer codings stay whole
    assert any(v == (True, False) for k, v in b["states"].items()
               if not any(c[0] == k[0] and c[1] == k[1] for c in b["codings"].values()))  # coded, no code
    assert not target.integrity_problems()
    # and a second export of the imported project is the same document
    export_qdpx(target, tmp_path / "q.qdpx")
    strip = lambda b: b.split(b"\n", 2)[2].replace(b'name="dst"', b'name="src"')  # noqa: E731
    x = zipfile.ZipFile(tmp_path / "p.qdpx").read("project.qde")
    y = zipfile.ZipFile(tmp_path / "q.qdpx").read("project.qde")
    assert strip(x) == strip(y)
    target.close()


@pytest.mark.postgres
def test_qdpx_round_trip_into_postgres(coded, tmp_path, pg_url):
    export_qdpx(coded, tmp_path / "p.qdpx")
    target = new_project(pg_url)
    import_qdpx(target, tmp_path / "p.qdpx")
    a, b = snapshot(coded), snapshot(target)
    assert all(a[k] == b[k] for k in a)
    target.close()


def test_qdpx_import_refuses_a_project_with_data(coded, tmp_path):
    export_qdpx(coded, tmp_path / "p.qdpx")
    before = snapshot(coded)
    with pytest.raises(InputError, match="new or empty project"):
        import_qdpx(coded, tmp_path / "p.qdpx")
    assert snapshot(coded) == before


def test_qdc_round_trip_into_a_fresh_project(coded, tmp_path):
    export_qdc(coded, tmp_path / "c.qdc")
    other = new_project(str(tmp_path / "o.db"), codebook=CodebookSpec(key="tom", name="Tom", codes=[
        CodeSpec(id="gammel", label="Gammel", colour="#000000")]))
    msg = import_codebook(other, tmp_path / "c.qdc")
    assert "35 codes" in msg
    a = snapshot(coded)["codes"]
    b = {k: v for k, v in snapshot(other)["codes"].items() if not v[13]}
    assert a == b  # same guids, ids, labels, colours, hierarchy, notes and order
    with other.session() as s:
        old = s.exec(select(Code).where(Code.key == "gammel")).one()
        assert old.retired  # a code missing from the file is retired, not deleted
    other.close()


def test_foreign_qdc_gets_slug_ids_and_categories(tmp_path):
    p = tmp_path / "atlas.qdc"
    p.write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<CodeBook xmlns="{NS_CODEBOOK}"><Codes>
 <Code guid="{{5215CC69-B628-4E02-AFB9-9BEEAEE55808}}" name="Følelser" isCodable="false">
  <Code guid="{{D7AA29DA-519B-4946-9B90-253B6DB8FD0A}}" name="Glæde &amp; ro" isCodable="true" color="#ff0">
   <Description>Når borgeren er glad</Description>
   <Code guid="0dcef2f5-e55c-49da-8c33-9b0803c7aeb4" name="Glæde &amp; ro" isCodable="true"/>
  </Code>
 </Code>
 <Code guid="7c108712-b650-4892-ac0b-fc9a10190c3b" name="Året på Østerbro" isCodable="true" color="#FF0000"/>
</Codes></CodeBook>""", encoding="utf-8")
    codes = read_qdc(p)
    spec = codes.spec
    assert spec.ids == ["glaede_ro", "glaede_ro_2", "aaret_paa_oesterbro"]
    g = spec.code("glaede_ro")
    assert (g.category, g.colour, g.description) == ("foelelser", "#ffff00", "Når borgeren er glad")
    assert spec.code("glaede_ro_2").parent == "glaede_ro"
    assert codes.uid_of["glaede_ro"] == "d7aa29da-519b-4946-9b90-253b6db8fd0a"
    assert slugify("Æ Ø Å é") == "ae_oe_aa_e"


def test_foreign_qdpx_becomes_a_generic_survey(tmp_path):
    u, c1, c2, case, s1, s2, s3, var, note = (f"00000000-0000-4000-8000-00000000000{i}" for i in range(1, 10))
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{NS_PROJECT}" name="Interviews" origin="QualCoder">
 <Users><User guid="{u.upper()}" name="Maja"/></Users>
 <CodeBook><Codes>
  <Code guid="{c1}" name="Tema" isCodable="false"><Code guid="{c2}" name="Tillid" isCodable="true" color="#00ff00"/></Code>
 </Codes></CodeBook>
 <Variables><Variable guid="{var}" name="Alder" typeOfVariable="Integer"/></Variables>
 <Cases><Case guid="{case}" name="Person A">
  <VariableValue><VariableRef targetGUID="{var}"/><IntegerValue>44</IntegerValue></VariableValue>
  <SourceRef targetGUID="{s1}"/><SourceRef targetGUID="{s2}"/></Case></Cases>
 <Sources>
  <TextSource guid="{s1}" name="Interview 1" plainTextPath="internal://{s1}.txt">
   <PlainTextSelection guid="{c1[:-1]}a" startPosition="4" endPosition="99" creatingUser="{u}">
    <Coding guid="{c1[:-1]}b" creatingUser="{u}"><CodeRef targetGUID="{c2}"/></Coding>
   </PlainTextSelection>
   <NoteRef targetGUID="{note}"/>
  </TextSource>
  <TextSource guid="{s2}" name="Interview 2"><PlainTextContent>Anden samtale</PlainTextContent>
   <Coding guid="{c1[:-1]}c"><CodeRef targetGUID="{c2}"/></Coding></TextSource>
  <TextSource guid="{s3}" name="Løst dokument"><PlainTextContent>Uden case</PlainTextContent></TextSource>
  <PictureSource guid="{c1[:-1]}d" name="foto" path="internal://x.jpg"/>
 </Sources>
 <Notes><Note guid="{note}" creatingUser="{u}"><PlainTextContent>Husk opfølgning</PlainTextContent></Note></Notes>
</Project>"""
    f = qdpx_with(tmp_path / "f.qdpx", qde, {f"sources/{s1}.txt": "Jeg stoler på min rådgiver".encode()})
    store = new_project(str(tmp_path / "f.db"))
    res = import_qdpx(store, f)
    assert res.foreign and "PictureSource" in res.summary()
    snap = snapshot(store)
    assert {v[0] for v in snap["respondents"].values()} == {"Person A", "Løst dokument"}
    person = next(v for v in snap["respondents"].values() if v[0] == "Person A")
    assert person[2] == {"age": 44}  # "Alder", the built-in definition's label of age
    assert sorted(v[1] for v in snap["answers"].values()) == ["doc", "doc", "doc_2"]
    assert {v[0] for v in snap["codes"].values()} == {"tillid"}
    assert next(iter(snap["codes"].values()))[3] == "tema"  # the folder became the category
    spans = sorted(((v[3], v[4]) for v in snap["codings"].values()), key=str)
    assert spans == [(4, len("Jeg stoler på min rådgiver")), (None, None)]  # end past the text is clamped
    maja = next(k for k, v in snap["coders"].items() if v[0] == "Maja")
    assert maja == u
    assert all(v == (True, False) for v in snap["states"].values()) and len(snap["states"]) == 2
    (memo,) = snap["memos"].values()
    assert memo[0] == "answer" and memo[1] == s1 and memo[3] == "Husk opfølgning"
    store.close()


# -- codebook tables -----------------------------------------------------------------------------

def test_codebook_csv_imports(tmp_path, sqlite_store):
    p = tmp_path / "kb.csv"
    p.write_text("id,label,category,description,parent,colour,keywords,bands\n"
                 'ventetid,Lang ventetid,system,Venter længe,,#aa0000,"vente|kø; tid","negativ, neutral"\n'
                 "kø,Kø i skranken,system,,ventetid,,,\n", encoding="utf-8")
    spec = load_codebook_table(p)
    assert spec.code("ventetid").keywords == ["vente", "kø", "tid"]
    assert spec.code("ventetid").bands == ["negativ", "neutral"]
    assert spec.code("kø").parent == "ventetid"
    msg = import_codebook(sqlite_store, p)
    assert "2 codes" in msg
    with sqlite_store.session() as s:
        cb = sqlite_store.active_codebook(s)
        active = {c.key: c for c in sqlite_store.codes(s, include_retired=False)}
        assert cb.key == "jobcenter" and cb.version == "2020.1"  # the table updated the project's codebook
        assert set(active) == {"ventetid", "kø"} and active["kø"].parent_id == active["ventetid"].id


def test_codebook_xlsx_imports(tmp_path, sqlite_store):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["id", "label", "category", "description", "examples"])
    ws.append(["hjaelp", "Hjælp", "sagsbehandler", "Fik hjælp", "Hun hjalp mig; Godt råd"])
    wb.save(tmp_path / "kb.xlsx")
    import_codebook(sqlite_store, tmp_path / "kb.xlsx", key="nyt")
    with sqlite_store.session() as s:
        assert sqlite_store.active_codebook(s).key == "nyt"
        (c,) = sqlite_store.codes(s)
        assert c.examples == ["Hun hjalp mig", "Godt råd"]


def test_codebook_csv_error_names_row_and_column(tmp_path, sqlite_store):
    p = tmp_path / "bad.csv"
    p.write_text("id,label,category,description,colour\n"
                 "ok,Fin,a,,#112233\n"
                 "\n"
                 "Dårlig Id,Label,a,,#112233\n"
                 "to,To,a,,rød\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_codebook_table(p)
    problems = {(x.row, x.column) for x in e.value.problems}
    assert (4, "id") in problems and (5, "colour") in problems
    assert str(p) in e.value.message()
    before = snapshot(sqlite_store)
    rc = main(["import-codebook", str(sqlite_store.path), str(p)])
    assert rc == 2 and snapshot(sqlite_store) == before


def test_codebook_csv_unknown_column(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("id,label,colur\nx,X,#000000\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_codebook_table(p)
    assert [(x.row, x.column) for x in e.value.problems] == [(1, "colur")]


# -- hostile files -------------------------------------------------------------------------------

BILLION_LAUGHS = f"""<?xml version="1.0"?>
<!DOCTYPE Project [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Project xmlns="{NS_PROJECT}" name="&lol4;"/>"""

XXE = f"""<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Project xmlns="{NS_PROJECT}" name="x"><Description>&xxe;</Description></Project>"""


@pytest.mark.parametrize("qde", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "external-entity"])
def test_entity_attacks_are_rejected(tmp_path, qde):
    f = qdpx_with(tmp_path / "evil.qdpx", qde)
    with pytest.raises(InputError, match="DTD"):
        refi_import.read_qdpx(f)
    project = tmp_path / "new.db"
    r = run_cli("import-qdpx", str(project), str(f))
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr and "evil.qdpx" in r.stderr
    assert not project.exists()  # nothing created


def test_entity_attack_in_qdc_is_rejected(tmp_path, sqlite_store):
    p = tmp_path / "evil.qdc"
    p.write_text(XXE.replace(NS_PROJECT, NS_CODEBOOK).replace("Project", "CodeBook"), encoding="utf-8")
    assert main(["import-codebook", str(sqlite_store.path), str(p)]) == 2


def test_member_escaping_the_archive_is_rejected(coded, tmp_path):
    export_qdpx(coded, tmp_path / "p.qdpx")
    evil = tmp_path / "evil.qdpx"
    with zipfile.ZipFile(tmp_path / "p.qdpx") as src, zipfile.ZipFile(evil, "w") as z:
        for i in src.infolist():
            z.writestr(i, src.read(i))
        z.writestr("../evil", b"owned")
    with pytest.raises(InputError, match="escapes the archive") as e:
        refi_import.read_qdpx(evil)
    assert "../evil" in e.value.message()
    target = new_project(str(tmp_path / "t.db"))
    assert main(["import-qdpx", str(target.path), str(evil)]) == 2
    assert snapshot(target)["respondents"] == {}


def test_zip_bomb_and_oversized_members_are_rejected(tmp_path, monkeypatch):
    bomb = tmp_path / "bomb.qdpx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("project.qde", f'<Project xmlns="{NS_PROJECT}" name="x"/>')
        z.writestr("sources/a.txt", b"\0" * (20 * 1024 * 1024))
    with pytest.raises(InputError, match="200:1"):
        refi_import.read_qdpx(bomb)
    small = qdpx_with(tmp_path / "big.qdpx", f'<Project xmlns="{NS_PROJECT}" name="{"x" * 5000}"/>')
    monkeypatch.setattr(refi_import, "MAX_QDE_BYTES", 1000)
    with pytest.raises(InputError, match="limit 1000"):
        refi_import.read_qdpx(small)


def test_not_a_zip_and_broken_references(tmp_path):
    p = tmp_path / "x.qdpx"
    p.write_text("hello", encoding="utf-8")
    with pytest.raises(InputError, match="not a QDPX"):
        refi_import.read_qdpx(p)
    qde = f"""<Project xmlns="{NS_PROJECT}" name="x"><Sources>
      <TextSource guid="00000000-0000-4000-8000-000000000001" name="a"><PlainTextContent>abc</PlainTextContent>
       <PlainTextSelection guid="00000000-0000-4000-8000-000000000002" startPosition="1" endPosition="2">
        <Coding guid="00000000-0000-4000-8000-000000000003"><CodeRef targetGUID="00000000-0000-4000-8000-000000000009"/></Coding>
       </PlainTextSelection></TextSource></Sources></Project>"""
    with pytest.raises(InputError) as e:
        refi_import.read_qdpx(qdpx_with(tmp_path / "b.qdpx", qde))
    msg = e.value.message()
    assert "TextSource 'a'" in msg and "names no codable code" in msg


# -- command line --------------------------------------------------------------------------------

def test_cli_export_then_import_into_new_project(coded, tmp_path, capsys):
    src = str(coded.path)
    assert main(["export", "qdpx", src, "--out", str(tmp_path / "p.qdpx")]) == 0
    assert main(["export", "qdc", src, "--out", str(tmp_path / "c.qdc")]) == 0
    new = tmp_path / "new.db"
    assert main(["import-qdpx", str(new), str(tmp_path / "p.qdpx")]) == 0
    assert "imported 12 respondents" in capsys.readouterr().out
    from workbench.coding.store import Store

    st = Store.open(str(new))
    assert snapshot(st)["codings"] == snapshot(coded)["codings"]
    assert main(["import-qdpx", str(new), str(tmp_path / "p.qdpx")]) == 2  # no longer empty
    assert main(["import-codebook", str(new), str(tmp_path / "c.qdc")]) == 0
    st.close()


# -- issue 13: --coder, memos where other tools read them, category labels, what is not imported --

def test_export_qdpx_for_one_coder(coded, tmp_path, capsys):
    out = tmp_path / "final.qdpx"
    assert main(["export", "qdpx", str(coded.path), "--out", str(out), "--coder", "final"]) == 0
    assert "coder final only" in capsys.readouterr().out
    from xml.etree import ElementTree as ET
    ns = {"q": NS_PROJECT}
    root = ET.fromstring(zipfile.ZipFile(out).read("project.qde"))
    users = root.findall("q:Users/q:User", ns)
    assert [u.get("name") for u in users] == ["final"]
    sels = root.findall(".//q:PlainTextSelection", ns)
    assert len(sels) == 1 and all(x.get("creatingUser") == users[0].get("guid") for x in sels)
    notes = [n.findtext("q:PlainTextContent", namespaces=ns) for n in root.findall("q:Notes/q:Note", ns)]
    assert notes == ["Projektnote"]  # anna's and bo's memos stay home
    target = new_project(str(tmp_path / "dst.db"))
    res = import_qdpx(target, out)
    assert res.codings == 1 and res.coders == 1
    target.close()
    assert main(["export", "qdpx", str(coded.path), "--out", str(tmp_path / "x.qdpx"), "--coder", "nobody"]) == 2
    assert "unknown coder 'nobody'" in capsys.readouterr().err


def test_category_labels_are_kept_in_the_project(tmp_path):
    from workbench.coding.codebook import category_labels, spec_from_store

    src = new_project(str(tmp_path / "a.db"))  # the default codebook, with its category labels
    with src.session() as s:
        labels = category_labels(s, "jobcenter")
        assert labels["forloeb"]["label"] == "Forløbet"
    export_qdc(src, tmp_path / "c.qdc")
    assert b'name="Forl\xc3\xb8bet"' in (tmp_path / "c.qdc").read_bytes()
    assert b'name="forloeb"' not in (tmp_path / "c.qdc").read_bytes()
    codes = read_qdc(tmp_path / "c.qdc")
    assert codes.spec.categories["forloeb"]["label"] == "Forløbet"  # the id comes back from our metadata
    dst = new_project(str(tmp_path / "b.db"), codebook=CodebookSpec(key="tom", name="Tom", codes=[
        CodeSpec(id="x", label="X")]))
    from workbench.coding.codebook import install_codebook
    with dst.transaction() as s:
        install_codebook(dst, s, codes.spec)
    with dst.session() as s:
        assert category_labels(s, codes.spec.key)["forloeb"]["label"] == "Forløbet"
        assert spec_from_store(dst, s).categories["forloeb"]["label"] == "Forløbet"
    src.close()
    dst.close()


def test_foreign_descriptions_become_memos_and_the_summary_says_so(tmp_path):
    u, cat, c2, case, s1, sel, note, rich = (f"00000000-0000-4000-8000-0000000000{i:02d}" for i in range(1, 9))
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{NS_PROJECT}" name="QC" origin="QualCoder 3.6">
 <Users><User guid="{u}" name="Maja"/></Users>
 <CodeBook><Codes>
  <Code guid="{cat}" name="Relationer" isCodable="false"><Description>Alt om mødet med andre</Description>
   <Code guid="{c2}" name="Tillid" isCodable="true"><Description>Borgeren stoler på rådgiveren</Description></Code>
  </Code>
 </Codes></CodeBook>
 <Cases><Case guid="{case}" name="Person A"><Description>Interviewet i hjemmet</Description>
  <SourceRef targetGUID="{s1}"/></Case></Cases>
 <Sources>
  <TextSource guid="{s1}" name="Interview 1" creatingUser="{u}"><Description>Lydfil dårlig i starten</Description>
   <PlainTextContent>Jeg stoler på min rådgiver</PlainTextContent>
   <PlainTextSelection guid="{sel}" startPosition="4" endPosition="10" creatingUser="{u}">
    <Description>Tydeligt udsagn</Description>
    <Coding guid="{sel[:-2]}99" creatingUser="{u}"><CodeRef targetGUID="{c2}"/></Coding>
   </PlainTextSelection>
   <NoteRef targetGUID="{note}"/>
  </TextSource>
 </Sources>
 <Notes>
  <Note guid="{note}" creatingUser="{u}"><PlainTextContent>Husk opfølgning</PlainTextContent></Note>
  <Note guid="{rich}" name="Dagbog" richTextPath="internal://{rich}.docx"/>
 </Notes>
 <Description>Projekt om tillid</Description>
</Project>"""
    f = qdpx_with(tmp_path / "qc.qdpx", qde)
    store = new_project(str(tmp_path / "f.db"))
    res = import_qdpx(store, f)
    summary = res.summary()
    assert "1 source description(s) as memos" in summary and "1 coding memo(s)" in summary
    assert "1 case description(s) as project memos" in summary and "project description as a project memo" in summary
    assert "not imported:" in summary and "Dagbog" in summary and "rich text only" in summary
    memos = {m[3]: m for m in snapshot(store)["memos"].values()}
    assert memos["Lydfil dårlig i starten"][:2] == ("answer", s1)
    assert memos["Lydfil dårlig i starten"][2] == u
    assert memos["Memo til kodningen 'Tillid' af „stoler“: Tydeligt udsagn"][:2] == ("answer", s1)
    assert memos["Husk opfølgning"][:2] == ("answer", s1)
    assert memos["Projekt om tillid"][0] == "project" and memos["Case 'Person A': Interviewet i hjemmet"][0] == "project"
    from workbench.coding.codebook import category_labels
    with store.session() as s:
        code = next(c for c in store.codes(s) if c.key == "tillid")
        assert code.description == "Borgeren stoler på rådgiveren" and code.category == "relationer"
        assert category_labels(s, store.active_codebook(s).key)["relationer"] == {
            "label": "Relationer", "description": "Alt om mødet med andre"}
    store.close()


# -- any questionnaire ---------------------------------------------------------------------------

BORGERSERVICE = """
survey: Borgerservice
respondent_id: Løbenr
year_column: Aar
questions:
  - key: samlet
    score: Spm1
    text: Spm1_uddyb
    question: Hvor tilfreds er du samlet set med dit besøg?
    scale: 0-10
    scale_labels: {0: Meget utilfreds, 10: Meget tilfreds}
    bands: {negativ: 0-6, neutral: 7-8, positiv: 9-10}
    dont_know: [99]
  - key: kommentar
    text: Kommentar
variables:
  - key: afdeling
    column: Afdeling
  - key: koen
    column: Køn
    label: Køn
    values: {1: Kvinde, 2: Mand}
  - key: alder
    column: Alder
    type: number
    bins: [18, 30, 50, 67]
  - key: timer
    column: Timer
    type: number
  - key: omraade
    from: afdeling
    map: {Nord: Land, Vest: Land, Syd: By, Centrum: By}
"""


@pytest.fixture
def borgerservice(tmp_path):
    """Two waves of a 0–10 survey with a comment field, codes with labels, a decimal number
    and a derived grouping; one coding."""
    from workbench.coding.definition import load_definition

    (tmp_path / "bs.yaml").write_text(BORGERSERVICE, encoding="utf-8")
    defn = load_definition(tmp_path / "bs.yaml")
    store = new_project(str(tmp_path / "bs.db"))
    rows = ["Løbenr,Aar,Afdeling,Køn,Alder,Timer,Spm1,Spm1_uddyb,Kommentar",
            "A1,2023,Nord,1,34,1.5,9,Hurtig og venlig betjening,",
            "A2,2023,Syd,2,71,2,3,Lang ventetid,Skriv til mig",
            "A3,2023,Centrum,Mand,,,99,,Intet at tilføje",
            "A1,2024,Vest,Kvinde,35,0.25,7,Det gik fint,"]
    (tmp_path / "bs.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    import_survey(store, tmp_path / "bs.csv", definition=defn)
    with store.session() as s:
        ans = next(a for a in s.exec(select(Answer)) if a.text == "Lang ventetid")
        code = store.codes(s)[0]
    codings.apply_code(store, "anna", ans.id, code.id, 5, 13)
    yield store
    store.close()


def _values(el, ns, guid_name) -> dict:
    out = {}
    for vv in el.iterfind("q:VariableValue", ns):
        name = guid_name[vv.find("q:VariableRef", ns).get("targetGUID")]
        val = next(iter(c for c in vv if c.tag != f"{{{NS_PROJECT}}}VariableRef"))
        out[name] = (val.tag.split("}")[1], val.text)
    return out


def test_qdpx_variables_come_from_the_definition(borgerservice, tmp_path):
    from xml.etree import ElementTree as ET
    out = tmp_path / "bs.qdpx"
    export_qdpx(borgerservice, out)
    qde = zipfile.ZipFile(out).read("project.qde")
    assert not list(xmlschema.XMLSchema(str(PROJECT_XSD)).iter_errors(io.BytesIO(qde)))
    ns = {"q": NS_PROJECT}
    root = ET.fromstring(qde)
    types = {v.get("name"): v.get("typeOfVariable") for v in root.iterfind("q:Variables/q:Variable", ns)}
    assert {k: types[k] for k in ("year", "afdeling", "koen", "alder", "timer", "omraade", "samlet_score")} == {
        "year": "Integer", "afdeling": "Text", "koen": "Text", "alder": "Integer", "timer": "Float",
        "omraade": "Text", "samlet_score": "Integer"}
    assert not {"subgroup", "main_group", "gender", "age", "q1_score"} & set(types)
    guid_name = {v.get("guid"): v.get("name") for v in root.iterfind("q:Variables/q:Variable", ns)}
    a1 = next(c for c in root.iterfind("q:Cases/q:Case", ns)
              if c.get("name") == "A1" and _values(c, ns, guid_name)["year"] == ("IntegerValue", "2023"))
    want = {"year": ("IntegerValue", "2023"), "afdeling": ("TextValue", "Nord"), "koen": ("TextValue", "Kvinde"),
            "alder": ("IntegerValue", "34"), "timer": ("FloatValue", "1.5"), "omraade": ("TextValue", "Land"),
            "samlet_score": ("IntegerValue", "9")}
    assert _values(a1, ns, guid_name) == want
    # the same background on the answer's text source (QualCoder keeps only those)
    (ref,) = [r.get("targetGUID") for r in a1.iterfind("q:SourceRef", ns)]
    src = _values(root.find(f"q:Sources/q:TextSource[@guid='{ref}']", ns), ns, guid_name)
    assert src["question"] == ("TextValue", "samlet") and src["band"] == ("TextValue", "positiv")
    assert {k: v for k, v in src.items() if k in want} == {k: v for k, v in want.items() if k != "samlet_score"}
    # the definition travels in the project's description too
    desc = root.findtext("q:Description", namespaces=ns)
    assert desc.startswith("workbench survey definition (YAML):") and "key: samlet" in desc


def test_qdpx_round_trip_of_another_survey_restores_its_definition(borgerservice, tmp_path):
    from workbench.coding.surveys import project_definition
    export_qdpx(borgerservice, tmp_path / "bs.qdpx")
    target = new_project(str(tmp_path / "dst.db"))
    import_qdpx(target, tmp_path / "bs.qdpx")
    a, b = snapshot(borgerservice), snapshot(target)
    for part in a:
        assert a[part] == b[part], part
    with target.session() as s:
        defn = project_definition(s)
        years = sorted(sv.year for sv in s.exec(select(Survey)))
    assert years == [2023, 2024] and defn.name == "Borgerservice"
    assert defn.question_keys == ["samlet", "kommentar"] and defn.question("samlet").band_of(8) == "neutral"
    assert defn.question("kommentar").score is None and defn.group_of("omraade", {"afdeling": "Syd"}) == "By"
    assert sorted(v[2].get("koen") for v in b["respondents"].values()) == ["1", "1", "2", "2"]
    target.close()


def test_foreign_qdpx_reads_variables_by_the_definition_in_its_description(borgerservice, tmp_path):
    """A file another tool re-exported keeps our description but drops our metadata: the
    definition comes from the description, variables by key or label, the rest to extra."""
    export_qdpx(borgerservice, tmp_path / "bs.qdpx")
    import re as _re
    qde = zipfile.ZipFile(tmp_path / "bs.qdpx").read("project.qde").decode("utf-8")
    desc = _re.search(r"<Description>workbench survey definition.*?</Description>", qde, _re.S).group(0)
    var = "00000000-0000-4000-8000-0000000000"
    foreign = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{NS_PROJECT}" name="Genbrug" origin="QualCoder">
 <Variables>
  <Variable guid="{var}01" name="KØN" typeOfVariable="Text"/>
  <Variable guid="{var}02" name="alder" typeOfVariable="Integer"/>
  <Variable guid="{var}03" name="Postnummer" typeOfVariable="Text"/>
  <Variable guid="{var}04" name="year" typeOfVariable="Integer"/>
  <Variable guid="{var}05" name="afdeling" typeOfVariable="Text"/>
  <Variable guid="{var}06" name="question" typeOfVariable="Text"/>
  <Variable guid="{var}07" name="score" typeOfVariable="Integer"/>
 </Variables>
 <Cases><Case guid="{var}11" name="B7">
  <VariableValue><VariableRef targetGUID="{var}01"/><TextValue>Mand</TextValue></VariableValue>
  <VariableValue><VariableRef targetGUID="{var}03"/><TextValue>2200</TextValue></VariableValue>
  <VariableValue><VariableRef targetGUID="{var}04"/><IntegerValue>2024</IntegerValue></VariableValue>
  <SourceRef targetGUID="{var}21"/></Case></Cases>
 <Sources>
  <TextSource guid="{var}21" name="B7 samlet"><PlainTextContent>Fint nok</PlainTextContent>
   <VariableValue><VariableRef targetGUID="{var}06"/><TextValue>samlet</TextValue></VariableValue>
   <VariableValue><VariableRef targetGUID="{var}07"/><IntegerValue>8</IntegerValue></VariableValue>
   <VariableValue><VariableRef targetGUID="{var}02"/><IntegerValue>52</IntegerValue></VariableValue>
   <VariableValue><VariableRef targetGUID="{var}05"/><TextValue>Vest</TextValue></VariableValue>
  </TextSource>
  <TextSource guid="{var}22" name="Løst"><PlainTextContent>Uden case</PlainTextContent>
   <VariableValue><VariableRef targetGUID="{var}02"/><TextValue>ukendt</TextValue></VariableValue>
  </TextSource>
 </Sources>
 {desc}
</Project>"""
    target = new_project(str(tmp_path / "f.db"))
    res = import_qdpx(target, qdpx_with(tmp_path / "f.qdpx", foreign.encode("utf-8")))
    assert res.foreign
    snap = snapshot(target)
    b7 = next(v for v in snap["respondents"].values() if v[0] == "B7")
    assert b7[1:] == (2024, {"koen": "2", "alder": 52, "afdeling": "Vest"}, {"Postnummer": "2200"})
    (ans,) = [v for v in snap["answers"].values() if v[4] == "Fint nok"]
    assert ans[1:4] == ("samlet", 8, "neutral")
    with target.session() as s:
        from workbench.coding.surveys import project_definition
        defn = project_definition(s)
    loose = next(v for v in snap["respondents"].values() if v[0] == "Løst")
    assert loose[2:] == ({}, {"alder": "ukendt"})  # a value the definition refuses stays, in extra
    assert defn.name == "Borgerservice" and defn.question("doc") is not None  # the loose source's question
    target.close()


def test_foreign_qdpx_without_definition_uses_the_builtin_one(tmp_path):
    from workbench.coding.definition import builtin
    from workbench.coding.surveys import project_definition
    s1 = "00000000-0000-4000-8000-000000000001"
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{NS_PROJECT}" name="X"><Sources>
 <TextSource guid="{s1}" name="Et svar"><PlainTextContent>Tekst</PlainTextContent></TextSource></Sources></Project>"""
    target = new_project(str(tmp_path / "f.db"))
    import_qdpx(target, qdpx_with(tmp_path / "f.qdpx", qde))
    with target.session() as s:
        defn = project_definition(s)
    assert defn.name == builtin().name and defn.question_keys == builtin().question_keys + ["doc"]
    target.close()


def test_refi_code_names_no_survey():
    root = Path(__file__).resolve().parents[1] / "workbench"
    for f in ("export/refi.py", "importer/refi.py"):
        text = (root / f).read_text(encoding="utf-8")
        for word in ("main_group", "unemployment", "q7", "subgroup", "gender", "ethnicity"):
            assert word not in text, (f, word)


def test_codings_csv_names_the_wave_of_a_respondent_in_several(borgerservice, tmp_path):
    """(Codings import, on the two-wave survey above.) A1 is in 2023 and 2024: a row without a
    year is an error naming row and column; with a year it codes that wave's answer."""
    from workbench.importer.codings import import_codings
    code = "ventetid"
    p = tmp_path / "c.csv"
    p.write_text(f"respondent_id,question,code\nA2,samlet,{code}\nA1,samlet,{code}\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        import_codings(borgerservice, "bo", p)
    assert [(x.row, x.column) for x in e.value.problems] == [(3, "respondent_id")]
    assert "respondent 'A1' is in 2023 and 2024: add a year column" in e.value.message()
    p.write_text(f"respondent_id,question,code,year\nA2,samlet,{code},\nA1,samlet,{code},\n"
                 f"A1,samlet,{code},2024\nA2,samlet,{code},2024\nA3,samlet,{code},2019\nA1,samlet,{code},x\n",
                 encoding="utf-8")
    with pytest.raises(InputError) as e:
        import_codings(borgerservice, "bo", p)
    assert [(x.row, x.column) for x in e.value.problems] == [(3, "year"), (5, "respondent_id"), (6, "year"),
                                                            (7, "year")]
    p.write_text(f"respondent_id,question,code,year\nA2,samlet,{code},\nA1,samlet,{code},2024\n", encoding="utf-8")
    assert import_codings(borgerservice, "bo", p).codings == 2
    with borgerservice.session() as s:
        coded = s.exec(select(Survey.year, Respondent.key).join(Respondent, Respondent.survey_id == Survey.id)
                       .join(Answer, Answer.respondent_id == Respondent.id)
                       .join(Coding, Coding.answer_id == Answer.id)
                       .join(Coder, Coder.id == Coding.coder_id).where(Coder.name == "bo")).all()
    assert sorted(coded) == [(2023, "A2"), (2024, "A1")]


def test_project_memo_and_definition_share_the_description(borgerservice, tmp_path):
    """QualCoder shows the project's <Description> as its memo: our project notes open it and
    the survey definition follows; a file re-exported by another tool (our metadata gone)
    gives back both, the note as a memo without the YAML."""
    import re as _re
    codings.save_memo(borgerservice, None, "project", 1, "Bølge 2 er kodet af to")
    export_qdpx(borgerservice, tmp_path / "bs.qdpx")
    qde = zipfile.ZipFile(tmp_path / "bs.qdpx").read("project.qde").decode("utf-8")
    desc = _re.search(r"<Description>Bølge 2 er kodet af to\n\nworkbench survey definition.*?</Description>", qde,
                      _re.S).group(0)
    s1 = "00000000-0000-4000-8000-000000000001"
    foreign = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{NS_PROJECT}" name="Genbrug" origin="QualCoder"><Sources>
 <TextSource guid="{s1}" name="B7 samlet"><PlainTextContent>Fint nok</PlainTextContent></TextSource></Sources>
 {desc}
</Project>"""
    target = new_project(str(tmp_path / "f.db"))
    res = import_qdpx(target, qdpx_with(tmp_path / "f.qdpx", foreign.encode("utf-8")))
    assert "project description as a project memo" in res.summary()
    from workbench.coding.surveys import project_definition
    with target.session() as s:
        assert project_definition(s).name == "Borgerservice"
    assert [m[3] for m in snapshot(target)["memos"].values()] == ["Bølge 2 er kodet af to"]
    target.close()
