"""The reader layer (workbench/importer/tables.py): every row the file has, or a refusal that
names file, row and column — each defect with the file that shows it."""
from __future__ import annotations

import csv
import io
import re
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.conftest import SURVEY_HEADER, survey_rows, write_survey
from workbench.errors import InputError
from workbench.importer import tables
from workbench.importer.tables import read_table


def xlsx(path: Path, rows: list[list], dimension: str | None = None, replace: dict | None = None) -> Path:
    """An XLSX written by openpyxl; ``dimension`` rewrites the sheet's <dimension> tag as some
    tools leave it (stale); ``replace`` rewrites bytes of the sheet (openpyxl itself cuts cells
    to Excel's 32,767 characters, other writers do not)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    if dimension is None and not replace:
        path.write_bytes(buf.getvalue())
        return path
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                if dimension is not None:
                    data, n = re.subn(rb'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{dimension}"/>'.encode(), data)
                    assert n == 1
                for old, new in (replace or {}).items():
                    assert old in data
                    data = data.replace(old, new)
            zout.writestr(info, data)
    return path


def problem(e: pytest.ExceptionInfo) -> tuple[int | None, str | None, str]:
    p = e.value.problems[0]
    return p.row, p.column, p.problem


# ------------------------------------------------------------------ XLSX: stale dimension
def test_xlsx_with_stale_dimension_reads_every_row(tmp_path):
    rows = [["a", "b"], ["1", "x"], ["2", "y"], ["3", "z"], ["4", "æøå"]]
    p = xlsx(tmp_path / "stale.xlsx", rows, dimension="A1:B2")
    with zipfile.ZipFile(p) as z:
        assert b'<dimension ref="A1:B2"/>' in z.read("xl/worksheets/sheet1.xml")
    t = read_table(p)
    assert t.header == ["a", "b"]
    assert list(t.rows) == [["1", "x"], ["2", "y"], ["3", "z"], ["4", "æøå"]]


def test_survey_xlsx_with_stale_dimension_imports_every_respondent(sqlite_store, tmp_path):
    from workbench.importer.survey import import_survey

    data = survey_rows(5)
    rows = [SURVEY_HEADER] + [[r.get(h, "") for h in SURVEY_HEADER] for r in data]
    p = xlsx(tmp_path / "survey.xlsx", rows, dimension="A1:B2")
    res = import_survey(sqlite_store, p)
    assert res.respondents == 5


def test_xlsx_trailing_blank_rows_are_not_rows_but_inner_ones_keep_numbering(tmp_path):
    p = xlsx(tmp_path / "b.xlsx", [["a", "b"], ["1", "x"], [None, None], ["2", "y"], [None, None], [None, None]])
    t = read_table(p)
    assert list(t.rows) == [["1", "x"], ["", ""], ["2", "y"]]


# ------------------------------------------------------------------ decoding
def test_utf8_with_one_stray_byte_is_refused_naming_row_and_column(tmp_path):
    p = write_survey(tmp_path / "s.csv", survey_rows(6))
    data = p.read_bytes()
    lines = data.split(b"\n")
    assert "ø".encode() in data  # the file is UTF-8 with Danish letters elsewhere
    header = lines[0].decode().split(",")
    cells = lines[4].split(b",")
    col = header.index("q2_text")
    cells[col] = b"God r\xe5dgiver"  # one Windows-1252 'å' pasted into a UTF-8 file
    lines[4] = b",".join(cells)
    p.write_bytes(b"\n".join(lines))
    with pytest.raises(InputError) as e:
        read_table(p)
    row, column, msg = problem(e)
    assert (row, column) == (5, "q2_text")
    assert "0xE5" in msg and "UTF-8" in msg


def test_utf8_bom_with_stray_byte_is_refused_naming_row_and_column(tmp_path):
    p = tmp_path / "bom.csv"
    p.write_bytes("\ufeffid;tekst\n1;fin\n2;".encode() + b"d\xe5rlig\n")
    with pytest.raises(InputError) as e:
        read_table(p)
    assert problem(e)[:2] == (3, "tekst")


def test_windows_1252_file_is_read_as_such(tmp_path):
    p = tmp_path / "excel.csv"
    p.write_bytes("id;tekst\n1;Rådgiveren er sød og ærlig\n2;Øv\n".encode("cp1252"))
    t = read_table(p)
    assert t.encoding == "cp1252" and t.delimiter == ";"
    assert list(t.rows) == [["1", "Rådgiveren er sød og ærlig"], ["2", "Øv"]]


def test_windows_1252_with_undefined_byte_is_refused_with_its_place(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_bytes("id;tekst\n1;sød\n".encode("cp1252") + b"2;x\x81y\n")
    with pytest.raises(InputError) as e:
        read_table(p)
    assert problem(e)[:2] == (3, "tekst")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_unicode_files_read_exactly(tmp_path, encoding):
    p = tmp_path / "u.csv"
    p.write_text("id,tekst\n1,\"æ, ø og å\nny linje\"\n2,😀\n", encoding=encoding, newline="")
    assert list(read_table(p).rows) == [["1", "æ, ø og å\nny linje"], ["2", "😀"]]


# ------------------------------------------------------------------ limits
def test_a_million_columns_are_refused_quickly(tmp_path):
    p = tmp_path / "wide.csv"
    p.write_text(",".join(f"c{i}" for i in range(1_000_000)) + "\n1\n")
    t0 = time.perf_counter()
    with pytest.raises(InputError) as e:
        list(read_table(p).rows)
    assert time.perf_counter() - t0 < 20
    row, column, msg = problem(e)
    assert row == 1 and column.startswith("2001") and "2,000" in msg


def test_too_many_columns_in_a_data_row(tmp_path):
    p = tmp_path / "wide2.csv"
    p.write_text("a,b\n1,2\n" + ",".join("x" * 3000) + "\n")
    with pytest.raises(InputError) as e:
        list(read_table(p).rows)
    assert problem(e)[0] == 3


@pytest.mark.parametrize("size", [tables.MAX_CELL + 1, 1_200_000])
def test_long_csv_cell_is_refused_naming_row_and_column(tmp_path, size):
    p = tmp_path / "long.csv"
    p.write_text("id,tekst,x\n1,kort,y\n2,\"" + "æ" * size + "\",z\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        list(read_table(p).rows)
    row, column, msg = problem(e)
    assert (row, column) == (3, "tekst") and "100,000" in msg
    assert len(str(e.value)) < 1500


def test_long_xlsx_cell_is_refused_naming_row_and_column(tmp_path):
    p = xlsx(tmp_path / "long.xlsx", [["id", "tekst"], ["1", "kort"], ["2", "LONG"]],
             replace={b"LONG": b"a" * (tables.MAX_CELL + 5)})
    with pytest.raises(InputError) as e:
        list(read_table(p).rows)
    assert problem(e)[:2] == (3, "tekst")


def test_xlsx_unpacking_beyond_the_limit_is_refused_before_opening(tmp_path, monkeypatch):
    p = xlsx(tmp_path / "big.xlsx", [["id", "tekst"]] + [[str(i), "x" * 200] for i in range(3000)])
    with zipfile.ZipFile(p) as z:
        total = sum(i.file_size for i in z.infolist())
    monkeypatch.setattr(tables, "MAX_XLSX_UNPACKED", total - 1)
    opened = []
    monkeypatch.setattr(tables, "_open_xlsx", lambda *a: opened.append(a))
    with pytest.raises(InputError) as e:
        read_table(p)
    assert "unpacks to more than" in str(e.value) and not opened


def test_zip_bomb_sheet_is_refused(tmp_path):
    """A sheet of 600 MB of spaces (a few hundred KB packed) is refused by its declared size."""
    p = tmp_path / "bomb.xlsx"
    src = xlsx(tmp_path / "src.xlsx", [["id"], ["1"]])
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        for info in zin.infolist():
            if info.filename == "xl/sharedStrings.xml" or info.filename.endswith("sheet1.xml"):
                with zout.open(info.filename, "w", force_zip64=True) as w:
                    w.write(zin.read(info.filename)[:-1])
                    block = b" " * (1 << 20)
                    for _ in range(600):
                        w.write(block)
            else:
                zout.writestr(info, zin.read(info.filename))
    t0 = time.perf_counter()
    with pytest.raises(InputError) as e:
        read_table(p)
    assert time.perf_counter() - t0 < 5
    assert "MB" in str(e.value)


def test_too_many_rows_are_refused_naming_the_row(tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "MAX_ROWS", 5)
    p = tmp_path / "many.csv"
    p.write_text("id\n" + "".join(f"{i}\n" for i in range(10)))
    with pytest.raises(InputError) as e:
        list(read_table(p).rows)
    assert problem(e)[0] == 7
    q = xlsx(tmp_path / "many.xlsx", [["id"]] + [[i] for i in range(10)])
    with pytest.raises(InputError) as e:
        list(read_table(q).rows)
    assert problem(e)[0] == 7


def test_nul_byte_is_refused_naming_row_and_column(tmp_path):
    p = tmp_path / "nul.csv"
    p.write_bytes(b"id,tekst\n1,god\n2,d\x00rlig\n")
    with pytest.raises(InputError) as e:
        list(read_table(p).rows)
    row, column, msg = problem(e)
    assert (row, column) == (3, "tekst") and "NUL" in msg


def test_survey_import_refuses_nul_with_exit_2(tmp_path):
    from workbench.cli import main

    rows = survey_rows(3)
    rows[1]["q3_text"] = "før\x00efter"
    p = write_survey(tmp_path / "s.csv", rows)
    proj = tmp_path / "p.db"
    assert main(["init", str(proj)]) == 0
    assert main(["import", str(proj), str(p)]) == 2


# ------------------------------------------------------------------ streaming
def test_rows_are_streamed_and_reiterable(tmp_path):
    p = tmp_path / "big.csv"
    line = "R{},2020,tekst med æøå og lidt mere tekst for at fylde rækken ud,{}\n"
    with open(p, "w", encoding="utf-8") as f:
        f.write("id,year,text,n\n")
        for i in range(200_000):
            f.write(line.format(i, i))
    size = p.stat().st_size
    t = read_table(p)
    tracemalloc.start()
    n = 0
    for row in t.rows:
        n += 1
    _cur, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert n == 200_000 and len(t.rows) == 200_000
    assert peak < size / 5, (peak, size)  # nothing of the file is kept while iterating
    assert t.rows[199_999][0] == "R199999"
    assert sum(1 for _ in t.rows) == n  # read again from the file


def test_file_changed_between_passes_is_refused(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text("id\n1\n2\n")
    t = read_table(p)
    p.write_text("id\n1\n2\n3\n")
    with pytest.raises(InputError, match="changed"):
        list(t.rows)


# ------------------------------------------------------------------ fuzz
_FUZZ = settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))


def _read_all(p: Path):
    try:
        t = read_table(p)
        return t.header, list(t.rows)
    except InputError as e:
        assert e.problems and all(len(str(x)) < 1500 for x in e.problems)
        return None


@_FUZZ
@given(data=st.binary(max_size=2000))
def test_random_bytes_read_or_refused(tmp_path_factory, data):
    p = tmp_path_factory.mktemp("f") / "x.csv"
    p.write_bytes(data)
    _read_all(p)


@_FUZZ
@given(text=st.text(max_size=300), enc=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_valid_unicode_is_never_refused_for_its_encoding(tmp_path_factory, text, enc):
    text = text.replace("\x00", "")
    p = tmp_path_factory.mktemp("f") / "x.csv"
    p.write_bytes(("h\n" + text).encode(enc))
    got = _read_all(p)
    if got is not None:  # refusals may only be for structure or controls, never the encoding
        header, rows = got
        expect = list(csv.reader(io.StringIO("h\n" + text, newline=""), delimiter=tables.sniff_delimiter("h")))
        assert [header] + rows == [[c.strip() for c in expect[0]]] + [r + [""] * (1 - len(r)) for r in expect[1:]]


@_FUZZ
@given(pos=st.integers(0, 10_000), byte=st.integers(0, 255))
def test_mutated_xlsx_read_or_refused(tmp_path_factory, pos, byte):
    d = tmp_path_factory.mktemp("x")
    src = xlsx(d / "s.xlsx", [["id", "tekst"], ["1", "æ"], ["2", "ø"]])
    data = bytearray(src.read_bytes())
    data[pos % len(data)] = byte
    p = d / "m.xlsx"
    p.write_bytes(bytes(data))
    _read_all(p)
