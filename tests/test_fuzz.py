"""Bad input, systematically: every importer either succeeds with a correct result or raises
InputError naming the file, and on InputError the project is exactly as before (row counts of
every table and the audit log). Bounded hypothesis runs (deadline off, few dozen examples each).
Also: exit 2 without a traceback on the command line, and formula injection end to end."""
from __future__ import annotations

import csv
import io
import itertools
import os
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlmodel import SQLModel, func, select, text

from tests.conftest import SURVEY_HEADER, new_project, survey_rows, write_survey
from workbench.coding.codebook import load_codebook, parse_codebook
from workbench.coding.codings import apply_code
from workbench.importer.codings import import_codings
from workbench.coding.models import Answer, Question, Respondent
from workbench.errors import InputError
from workbench.importer import refi
from workbench.importer.codebook_table import import_codebook, load_codebook_table
from workbench.importer.survey import Mapping, import_survey

_SCALE = int(os.environ.get("WORKBENCH_FUZZ_SCALE", "1"))  # e.g. 20 for a long hunt before a release
FUZZ = settings(max_examples=40 * _SCALE, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])
FEW = settings(FUZZ, max_examples=15 * _SCALE)
_n = itertools.count()


# ------------------------------------------------------------------ the property
def snapshot(store) -> dict:
    """Row count of every table and the last audit id: what "unchanged" means."""
    with store.engine.connect() as conn:
        out = {t.name: conn.execute(text(f'SELECT count(*) FROM "{t.name}"')).scalar()
               for t in SQLModel.metadata.sorted_tables}
        out["_audit_max"] = conn.execute(text("SELECT max(id) FROM auditevent")).scalar()
        out["_answer_text"] = conn.execute(text("SELECT coalesce(sum(length(text)), 0) FROM answer")).scalar()
    return out


def attempt(store, path: Path, fn, also: Path | None = None):
    """Run an importer: its result, or None after checking InputError's message and the project.
    ``also``: another file the message may name instead (the mapping a survey file is read with)."""
    before = snapshot(store) if store is not None else None
    try:
        return fn()
    except InputError as e:
        msg = e.message()
        assert Path(path).name in msg or (also is not None and Path(also).name in msg), \
            f"message does not name the file: {msg!r}"
        if store is not None:
            assert snapshot(store) == before, "InputError but the project changed"
        return None


def put(tmp: Path, suffix: str, data: bytes | str) -> Path:
    p = tmp / f"f{next(_n)}{suffix}"
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return p


def quick(store):
    """No fsync per commit: these tests are about what is written, not about surviving a power cut."""
    from sqlalchemy import event

    event.listen(store.engine, "connect", lambda c, _r: c.execute("PRAGMA synchronous=OFF"))
    store.engine.dispose()
    return store


def quick_project(path: str):
    return quick(new_project(path))


@pytest.fixture
def store(tmp_path):
    s = quick_project(str(tmp_path / "fuzz.db"))
    import_survey(s, write_survey(tmp_path / "base.csv", survey_rows(6, seed=1)))
    yield s
    s.close()


def csv_bytes(rows: list[dict], header=None, encoding="utf-8", delimiter=",") -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=header or SURVEY_HEADER, delimiter=delimiter, extrasaction="ignore",
                       lineterminator="\r\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue().encode(encoding)


def db_text(store, resp: str, q: str) -> str:
    with store.session() as s:
        return s.exec(select(Answer.text).join(Respondent, Respondent.id == Answer.respondent_id)
                      .join(Question, Question.id == Answer.question_id)
                      .where(Respondent.key == resp, Question.key == q)).first()


# ------------------------------------------------------------------ survey CSV
@FUZZ
@given(data=st.binary(max_size=3000))
@example(data=b"")
@example(data=b"\xff\xfe")
@example(data=b"\xfe\xff\x00")
@example(data=b"\xef\xbb\xbf\xff")
@example(data=b"respondent_id\n\x00\x00\x00")
def test_survey_random_bytes(store, tmp_path, data):
    attempt(store, p := put(tmp_path, ".csv", data), lambda: import_survey(store, p))


@FUZZ
@given(cut=st.integers(0, 10_000), seed=st.integers(0, 10))
def test_survey_truncated(store, tmp_path, cut, seed):
    full = csv_bytes(survey_rows(8, seed=seed))
    p = put(tmp_path, ".csv", full[:cut % (len(full) + 1)])
    res = attempt(store, p, lambda: import_survey(store, p))
    if res is not None:  # whatever was accepted is in the project as it stands in the (cut) file
        assert res.respondents <= 8
        with store.session() as s:
            assert s.exec(select(func.count()).select_from(Respondent)).one() >= res.respondents


@FUZZ
@given(enc=st.sampled_from(["utf-16", "utf-16-le", "utf-16-be", "latin-1", "cp1252", "utf-8-sig", "utf-8"]),
       odd=st.binary(min_size=0, max_size=4), seed=st.integers(0, 5))
def test_survey_encodings(store, tmp_path, enc, odd, seed):
    rows = survey_rows(6, seed=seed)
    rows[0]["q1_text"] = "Rådgiveren på jobcentret er sød, ærlig og øh god"
    data = csv_bytes(rows, encoding=enc) + odd  # odd trailing bytes: Latin-1 undefined, half UTF-16 units
    p = put(tmp_path, ".csv", data)
    res = attempt(store, p, lambda: import_survey(store, p))
    if res is not None and not odd and enc in ("utf-16", "latin-1", "cp1252", "utf-8-sig", "utf-8"):
        assert db_text(store, rows[0]["respondent_id"], "q1") == rows[0]["q1_text"]


@FEW
@given(size=st.sampled_from([1, 1000, 200_000, 1_000_000]), where=st.sampled_from(["q1_text", "respondent_id",
                                                                                   "subgroup", "header"]))
def test_survey_huge_fields(store, tmp_path, size, where):
    rows = survey_rows(3, seed=2)
    header = list(SURVEY_HEADER)
    big = "æ" * size
    if where == "header":
        header[-1] = big
    else:
        rows[1][where] = big
    p = put(tmp_path, ".csv", csv_bytes(rows, header=header))
    res = attempt(store, p, lambda: import_survey(store, p))
    if res is not None and where == "q1_text":
        assert db_text(store, rows[1]["respondent_id"], "q1") == big
    if res is None:  # refused: the message quotes the value, but shortened to something readable
        with pytest.raises(InputError) as e:
            import_survey(store, p)
        assert all(len(str(pr)) < 1500 for pr in e.value.problems)


_CONTROL = st.characters(min_codepoint=0, max_codepoint=0x1f) | st.sampled_from(["\x7f", "\u2028", "\ufeff", "\u200b"])
_CHARS = st.characters(blacklist_categories=("Cs",))  # lone surrogates cannot be written to a file at all


@FUZZ
@given(txt=st.text(_CONTROL | _CHARS, max_size=60), field=st.sampled_from(["q1_text", "gender", "q1_score"]))
def test_survey_control_characters(store, tmp_path, txt, field):
    rows = survey_rows(3, seed=4)
    rows[0][field] = txt
    p = put(tmp_path, ".csv", csv_bytes(rows))
    res = attempt(store, p, lambda: import_survey(store, p))
    if res is not None and field == "q1_text":
        got = db_text(store, rows[0]["respondent_id"], "q1") or ""
        assert not any(ord(c) < 32 and c not in "\t\n\r" for c in got)


@FUZZ
@given(perm=st.permutations(SURVEY_HEADER), drop=st.integers(0, len(SURVEY_HEADER)), dup=st.booleans(),
       delim=st.sampled_from([",", ";", "\t"]))
def test_survey_header_permutations(store, tmp_path, perm, drop, dup, delim):
    rows = survey_rows(4, seed=7)
    rows[2]["q3_text"] = "Permuteret kolonne"
    header = list(perm)
    if drop < len(header) and header[drop] != "q3_text":
        del header[drop]  # a missing column: required ones must be reported, others are optional
    data = csv_bytes(rows, header=header, delimiter=delim)
    if dup:
        first, rest = data.split(b"\r\n", 1)
        data = first + delim.encode() + header[0].encode() + b"\r\n" + rest
    p = put(tmp_path, ".csv", data)
    res = attempt(store, p, lambda: import_survey(store, p))
    if res is not None:
        assert db_text(store, rows[2]["respondent_id"], "q3") == "Permuteret kolonne"


INJECT = ['=HYPERLINK("http://x","klik")', "+SUM(A1)", "-2+3", "@cmd", "=1+1", "\t=cmd|' /C calc'!A0",
          "\r=2", "-", "+", "=", "@"]


@FEW
@given(t=st.sampled_from(INJECT), field=st.sampled_from(["q1_text", "gender", "unit", "respondent_id"]))
def test_survey_formula_texts_are_data(store, tmp_path, t, field):
    rows = survey_rows(3, seed=8)
    rows[0][field] = t
    p = put(tmp_path, ".csv", csv_bytes(rows))
    res = attempt(store, p, lambda: import_survey(store, p))
    if res is not None and field == "q1_text":
        assert db_text(store, rows[0]["respondent_id"], "q1") == t.strip()


# ------------------------------------------------------------------ survey XLSX
def xlsx_bytes(rows, header=None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    header = header or SURVEY_HEADER
    ws.append(header)
    for r in rows:
        ws.append([r.get(h, "") for h in header])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def good_xlsx() -> bytes:
    return xlsx_bytes(survey_rows(5, seed=3))


@FUZZ
@given(cut=st.integers(0, 100_000), flips=st.lists(st.tuples(st.integers(0, 100_000), st.integers(0, 255)),
                                                 max_size=6))
def test_survey_xlsx_corrupt_and_truncated(store, tmp_path, good_xlsx, cut, flips):
    data = bytearray(good_xlsx)
    for pos, val in flips:
        data[pos % len(data)] = val
    data = bytes(data[:cut % (len(data) + 1)] if cut % 3 else data)
    p = put(tmp_path, ".xlsx", data)
    attempt(store, p, lambda: import_survey(store, p))


@FEW
@given(members=st.dictionaries(st.sampled_from(["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml",
                                               "_rels/.rels", "xl/_rels/workbook.xml.rels", "junk"]),
                               st.binary(max_size=200) | st.just(b"<?xml version='1.0'?><x/>"), max_size=6))
def test_survey_xlsx_random_zip(store, tmp_path, members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    p = put(tmp_path, ".xlsx", buf.getvalue())
    attempt(store, p, lambda: import_survey(store, p))


def test_survey_xlsx_formula_cells_are_values_not_run(store, tmp_path):
    rows = survey_rows(3, seed=9)
    rows[0]["q1_text"] = '=HYPERLINK("http://x","klik")'
    p = put(tmp_path, ".xlsx", xlsx_bytes(rows))  # openpyxl stores a leading '=' as a formula
    res = attempt(store, p, lambda: import_survey(store, p))
    assert res is not None
    # read data-only: a formula without a cached value is empty, never evaluated or kept as code
    assert db_text(store, rows[0]["respondent_id"], "q1") in ("", None, rows[0]["q1_text"])


# ------------------------------------------------------------------ mapping YAML
_scalars = st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False) | st.text(max_size=12)
_yamlish = st.recursive(_scalars, lambda kids: st.lists(kids, max_size=4) |
                        st.dictionaries(st.text(max_size=10) | st.sampled_from(
                            ["columns", "values", "defaults", "unemployment", "codes", "codebook", "id", "label",
                             "year", "subgroup", "gender", "q1_score", "years", "months"]), kids, max_size=4),
                        max_leaves=20)
_mapping_like = st.fixed_dictionaries({}, optional={
    "columns": st.dictionaries(st.sampled_from(["respondent_id", "subgroup", "gender", "q1_score", "q1_text", "year"]),
                               st.sampled_from(SURVEY_HEADER) | _scalars, max_size=4) | _yamlish,
    "values": st.dictionaries(st.sampled_from(["subgroup", "gender", "ethnicity"]), _yamlish, max_size=3) | _yamlish,
    "defaults": st.dictionaries(st.sampled_from(["year", "unit", "subgroup", "age"]), _scalars, max_size=3) | _yamlish,
    "unemployment": st.dictionaries(st.sampled_from(["years", "months", "x"]), _scalars, max_size=2) | _yamlish,
})


@FUZZ
@given(raw=_yamlish | _mapping_like, garbage=st.binary(max_size=300), use_garbage=st.booleans())
def test_mapping_yaml(store, tmp_path, raw, garbage, use_garbage):
    data = garbage if use_garbage else yaml.safe_dump(raw, allow_unicode=True).encode()
    p = put(tmp_path, ".yaml", data)
    m = attempt(None, p, lambda: Mapping.load(p))
    if m is None:
        return
    assert isinstance(m, Mapping)
    s = put(tmp_path, ".csv", csv_bytes(survey_rows(3, seed=5)))
    # a loaded mapping applied to a file: a clean import or an InputError naming the survey file
    # (or the mapping, where the mapping itself does not fit the survey's definition)
    attempt(store, s, lambda: import_survey(store, s, mapping=m), also=p)


# ------------------------------------------------------------------ codebook YAML / CSV / XLSX
@FUZZ
@given(raw=_yamlish | st.fixed_dictionaries({"codes": st.lists(st.dictionaries(st.sampled_from(
    ["id", "label", "category", "parent", "colour", "shortcut", "bands", "questions", "keywords", "examples"]),
    _yamlish, max_size=6), max_size=4)}, optional={"codebook": _yamlish}), garbage=st.binary(max_size=200),
    use_garbage=st.booleans())
def test_codebook_yaml(store, tmp_path, raw, garbage, use_garbage):
    data = garbage if use_garbage else yaml.safe_dump(raw, allow_unicode=True).encode()
    p = put(tmp_path, ".yaml", data)
    spec = attempt(None, p, lambda: load_codebook(p))
    if spec is not None:
        assert spec.codes and all(c.id for c in spec.codes)
        attempt(store, p, lambda: import_codebook(store, p))
    # the structure straight into the parser
    try:
        parse_codebook(raw, name="cb.yaml")
    except InputError as e:
        assert "cb.yaml" in e.message()


_cb_cols = ["id", "label", "category", "description", "include", "exclude", "parent", "colour", "color", "shortcut",
            "keywords", "examples", "bands", "questions", "junk", ""]


@FUZZ
@given(header=st.lists(st.sampled_from(_cb_cols), max_size=8),
       cells=st.lists(st.lists(st.text(max_size=8) | st.sampled_from(["a", "b", "#ff0000", "negativ", "q1", "Ctrl+1"]),
                               max_size=8), max_size=6),
       kind=st.sampled_from([".csv", ".xlsx"]))
def test_codebook_table(store, tmp_path, header, cells, kind):
    if kind == ".csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(header)
        w.writerows(cells)
        data = buf.getvalue().encode("utf-8")
    else:
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(header)
        for r in cells:
            ws.append([ILLEGAL_CHARACTERS_RE.sub("", c).lstrip("=") for c in r])  # what a spreadsheet can hold
        b = io.BytesIO()
        wb.save(b)
        data = b.getvalue()
    p = put(tmp_path, kind, data)
    spec = attempt(None, p, lambda: load_codebook_table(p))
    if spec is not None:
        ids = [c.id for c in spec.codes]
        assert len(ids) == len(set(ids)) and ids
        attempt(store, p, lambda: import_codebook(store, p))


@FEW
@given(data=st.binary(max_size=500), kind=st.sampled_from([".csv", ".xlsx", ".yaml", ".qdc", ".txt", ".bin"]))
def test_codebook_random_bytes(store, tmp_path, data, kind):
    p = put(tmp_path, kind, data)
    attempt(store, p, lambda: import_codebook(store, p))


# ------------------------------------------------------------------ codings CSV
@FUZZ
@given(header=st.permutations(["respondent_id", "question", "code", "start", "end"]),
       rows=st.lists(st.tuples(st.sampled_from(["R0000", "R0001", "R9999", "", " R0002 "]),
                               st.sampled_from(["q1", "q2", "q7", "q8", "Q1", ""]),
                               st.sampled_from(["", "x", "nope"]) | st.text(max_size=6),
                               st.sampled_from(["", "0", "1", "3", "-1", "9999", "1.5", "x"]),
                               st.sampled_from(["", "1", "4", "0", "9999", "2.0", "ø"])), max_size=8),
       drop=st.booleans(), data=st.binary(max_size=200), use_data=st.booleans())
def test_codings_csv(store, tmp_path, header, rows, drop, data, use_data):
    with store.session() as s:
        keys = [c.key for c in store.codes(s)][:3]
    if use_data:
        body = data
    else:
        hdr = list(header)[:-1] if drop else list(header)
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(hdr)
        order = ["respondent_id", "question", "code", "start", "end"]
        for r in rows:
            d = dict(zip(order, r))
            if d["code"] == "x":
                d["code"] = keys[0]
            w.writerow([d[h] for h in hdr])
        body = buf.getvalue().encode()
    p = put(tmp_path, ".csv", body)
    res = attempt(store, p, lambda: import_codings(store, "fuzzer", p))
    if res is not None:
        with store.session() as s:  # every span stored lies inside its answer
            bad = s.exec(text("SELECT count(*) FROM coding c JOIN answer a ON a.id = c.answer_id WHERE c.start IS NOT NULL "
                              "AND (c.start < 0 OR c.\"end\" > length(a.text) OR c.start >= c.\"end\")")).one()[0]
        assert bad == 0


# ------------------------------------------------------------------ QDPX / QDC
BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&lol3;"/>"""
XXE = """<?xml version="1.0"?>
<!DOCTYPE p [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&xxe;"/>"""
XXE_QDC = XXE.replace("Project", "CodeBook").replace("project:1.0", "codebook:1.0")


def zip_bytes(members: dict[str, bytes | str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            if name.split("\x00")[0]:  # zipfile itself cannot write a member without a name
                z.writestr(name, data)
    return buf.getvalue()


@pytest.fixture(scope="module")
def good_qdpx(tmp_path_factory) -> bytes:
    from workbench.export.refi import export_qdpx

    d = tmp_path_factory.mktemp("qdpx")
    s = new_project(str(d / "src.db"))
    import_survey(s, write_survey(d / "s.csv", survey_rows(4, seed=11)))
    with s.session() as ss:
        code = s.codes(ss)[0].id
        aid = ss.exec(select(Answer.id).where(Answer.text != "")).first()
    apply_code(s, "anne", aid, code, 0, 3)
    export_qdpx(s, d / "x.qdpx")
    s.close()
    return (d / "x.qdpx").read_bytes()


class Fresh:
    """An empty project for QDPX imports; replaced (by copying a migrated template, which is
    much faster than migrating again) after a successful import."""

    def __init__(self, tmp: Path):
        import shutil

        self.tmp = tmp
        self.template = tmp / "template.db"
        new_project(str(self.template)).close()  # closed: the WAL is checkpointed into the file
        self._copy = shutil.copyfile
        self.store = self._new()

    def _new(self):
        from workbench.coding.store import Store

        p = self.tmp / f"q{next(_n)}.db"
        self._copy(self.template, p)
        return quick(Store.open(str(p)))

    def import_(self, p: Path):
        res = attempt(self.store, p, lambda: refi.import_qdpx(self.store, p))
        if res is not None:
            with self.store.session() as s:
                assert s.exec(select(func.count()).select_from(Respondent)).one() >= 0
            self.store.close()
            self.store = self._new()
        return res


@pytest.fixture
def fresh(tmp_path):
    f = Fresh(tmp_path)
    yield f
    f.store.close()


@FEW
@given(data=st.binary(max_size=2000))
@example(data=b"PK\x03\x04")
@example(data=b"PK\x05\x06" + b"\x00" * 18)
def test_qdpx_random_bytes(fresh, tmp_path, data):
    fresh.import_(put(tmp_path, ".qdpx", data))


@FUZZ
@given(members=st.dictionaries(
    st.sampled_from(["project.qde", "sources/a.txt", "../evil.txt", "/etc/x", "a/../../b", "sources/../../c.txt",
                     "PROJECT.QDE", "x.qde"]) | st.text(max_size=12),
    st.binary(max_size=300) | st.sampled_from([BILLION_LAUGHS, XXE, "<Project/>", "<?xml version='1.0'?><Project "
                                               "xmlns='urn:QDA-XML:project:1.0' name='x'/>"]), max_size=5))
def test_qdpx_random_zips(fresh, tmp_path, members):
    fresh.import_(put(tmp_path, ".qdpx", zip_bytes(members)))


@FUZZ
@given(pos=st.integers(0, 10**6), length=st.integers(0, 40), insert=st.text(max_size=20) | st.sampled_from(
    ['"', "<", ">", "&", "guid=\"x\"", "startPosition=\"-5\"", "endPosition=\"99999\"", "</Sources>", "<!--",
     "]]>", "\x00", "targetGUID=\"00000000-0000-4000-8000-000000000000\""]))
def test_qdpx_mutated_document(fresh, tmp_path, good_qdpx, pos, length, insert):
    with zipfile.ZipFile(io.BytesIO(good_qdpx)) as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
    qde = members["project.qde"].decode("utf-8")
    at = pos % (len(qde) + 1)
    members["project.qde"] = qde[:at] + insert + qde[at + length:]
    fresh.import_(put(tmp_path, ".qdpx", zip_bytes(members)))


@pytest.mark.parametrize("doc", [BILLION_LAUGHS, XXE])
def test_qdpx_entity_attacks(fresh, tmp_path, doc):
    p = put(tmp_path, ".qdpx", zip_bytes({"project.qde": doc}))
    assert fresh.import_(p) is None


def test_qdpx_zip_slip_refused_and_nothing_written(fresh, tmp_path, good_qdpx):
    with zipfile.ZipFile(io.BytesIO(good_qdpx)) as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
    members["../../escaped.txt"] = b"x"
    p = put(tmp_path, ".qdpx", zip_bytes(members))
    assert fresh.import_(p) is None
    assert not (tmp_path.parent / "escaped.txt").exists()


@FEW
@given(data=st.binary(max_size=500) | st.sampled_from([XXE_QDC, BILLION_LAUGHS.replace("Project", "CodeBook")]).map(
    str.encode), pos=st.integers(0, 2000))
def test_qdc_random(store, tmp_path, data, pos):
    p = put(tmp_path, ".qdc", data)
    attempt(store, p, lambda: import_codebook(store, p))


# ------------------------------------------------------------------ the command line
def _cli(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]), WORKBENCH_USER="pytest")
    return subprocess.run([sys.executable, "-m", "workbench.cli", *args], capture_output=True, text=True, env=env,
                          timeout=120)


def test_cli_bad_inputs_exit_2_without_traceback(tmp_path):
    proj = str(tmp_path / "cli.db")
    new_project(proj).close()
    rnd = random.Random(5)
    junk = put(tmp_path, ".csv", bytes(rnd.randrange(256) for _ in range(3000)))
    bomb = put(tmp_path, ".qdpx", zip_bytes({"project.qde": BILLION_LAUGHS}))
    badmap = put(tmp_path, ".yaml", "values: {gender: [1, 2]}\n")
    badcb = put(tmp_path, ".yaml", "codes: [{id: 3, label: [x]}]\n")
    for args in (["import", proj, str(junk)], ["import-qdpx", str(tmp_path / "new1.db"), str(bomb)],
                 ["import", proj, str(put(tmp_path, ".csv", csv_bytes(survey_rows(2)))), "--mapping", str(badmap)],
                 ["import-codebook", proj, str(badcb)]):
        r = _cli(*args)
        assert r.returncode == 2, (args, r.stderr)
        assert "Traceback" not in r.stderr and r.stderr.strip(), (args, r.stderr)


# ------------------------------------------------------------------ formula injection, end to end
def test_formula_injection_end_to_end(tmp_path):
    import docx

    from workbench.export.answers import export_answers
    from workbench.export.frequencies import export_frequencies
    from workbench.export.quotes import export_quotes

    store = quick_project(str(tmp_path / "inj.db"))
    rows = survey_rows(25, seed=12)
    evil = ['=HYPERLINK("http://x","klik")', "+SUM(A1)", "-2+3", "@cmd"]
    for i, t in enumerate(evil * 3):
        rows[i]["q1_text"], rows[i]["q1_score"] = t, "5"
        rows[i]["unit"] = t  # background columns too
    import_survey(store, write_survey(tmp_path / "s.csv", rows))
    with store.session() as s:
        code = store.codes(s)[0].id
        aids = s.exec(select(Answer.id).where(Answer.text != "")).all()
    assert {db_text(store, rows[i]["respondent_id"], "q1") for i in range(4)} == set(evil)
    for a in aids:
        apply_code(store, "anne", a, code)
    export_answers(store, tmp_path / "a.csv", coder="anne")
    export_answers(store, tmp_path / "a.xlsx", coder="anne")
    export_frequencies(store, tmp_path / "f.csv", coder="anne")
    export_frequencies(store, tmp_path / "f.xlsx", coder="anne")
    export_quotes(store, tmp_path / "q.docx", coder="anne")
    triggers = ("=", "+", "-", "@", "\t", "\r")
    for name in ("a.csv", "f.csv"):
        with open(tmp_path / name, encoding="utf-8-sig", newline="") as f:
            cells = [c for row in csv.reader(f) for c in row]
        assert cells and not [c for c in cells if c.startswith(triggers)], name
    texts = set()
    for name in ("a.xlsx", "f.xlsx"):
        wb = openpyxl.load_workbook(tmp_path / name)
        for ws in wb:
            for row in ws.iter_rows():
                for c in row:
                    assert c.data_type != "f", (name, c.coordinate, c.value)
                    if isinstance(c.value, str):
                        assert not c.value.startswith(triggers), (name, c.coordinate, c.value)
                        texts.add(c.value)
    assert "'+SUM(A1)" in texts and "'@cmd" in texts  # kept as visible text, made inert
    paras = [p.text for p in docx.Document(str(tmp_path / "q.docx")).paragraphs]
    assert not [p for p in paras if p.startswith(triggers)]
    store.close()
