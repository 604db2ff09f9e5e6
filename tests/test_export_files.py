"""Export files as colleagues receive them: the umask's mode, A4 Danish Word files."""
from __future__ import annotations

import os
import stat

import pytest

from workbench.export.atomic import atomic_path, atomic_write_bytes, current_umask


@pytest.fixture
def umask():
    old = os.umask(0o022)
    yield lambda m: os.umask(m)
    os.umask(old)


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_exports_respect_the_umask(tmp_path, umask, mask, mode):
    umask(mask)
    assert current_umask() == mask
    target = tmp_path / "out.csv"
    atomic_write_bytes(target, b"a,b\n")
    assert stat.S_IMODE(target.stat().st_mode) == mode
    import openpyxl  # a writer that saves to the temporary path itself

    book = tmp_path / "out.xlsx"
    with atomic_path(book) as tmp:
        openpyxl.Workbook().save(tmp)
    assert stat.S_IMODE(book.stat().st_mode) == mode


def test_replacing_an_export_keeps_its_mode(tmp_path, umask):
    umask(0o022)
    target = tmp_path / "out.csv"
    target.write_bytes(b"old")
    os.chmod(target, 0o640)
    atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new" and stat.S_IMODE(target.stat().st_mode) == 0o640


def test_word_files_are_a4_danish_and_name_no_folder(sqlite_store, tmp_path):
    import re
    import zipfile

    from tests.test_export_report import build
    from workbench.export.quotes import export_quotes

    build(sqlite_store, tmp_path, 5, n=30)
    out = tmp_path / "q.docx"
    export_quotes(sqlite_store, out, coder="anne")
    with zipfile.ZipFile(out) as z:
        document = z.read("word/document.xml").decode()
        styles = z.read("word/styles.xml").decode()
        core = z.read("docProps/core.xml").decode()
    size = re.search(r"<w:pgSz [^>]*>", document).group(0)
    assert 'w:w="11906"' in size and 'w:h="16838"' in size  # A4 in twentieths of a point
    margins = re.search(r"<w:pgMar [^>]*>", document).group(0)
    for side in ("top", "bottom", "left", "right"):
        assert f'w:{side}="1417"' in margins  # 2.5 cm
    defaults = re.search(r"<w:docDefaults>.*?</w:docDefaults>", styles, re.S).group(0)
    assert '<w:lang w:val="da-DK"' in defaults and "en-US" not in defaults
    normal = re.search(r'<w:style [^>]*w:styleId="Normal".*?</w:style>', styles, re.S).group(0)
    assert '<w:lang w:val="da-DK"' in normal
    assert "<dc:language>da-DK</dc:language>" in core
    assert sqlite_store.path.parent == tmp_path
    assert str(tmp_path) not in document and str(tmp_path) not in core
    first = re.search(r"<w:t[^>]*>([^<]*)</w:t>", document).group(1)
    assert "kilde" in first and "(p.db)" in first


def test_table_exports_name_the_project_file_not_its_folder(sqlite_store, tmp_path):
    from openpyxl import load_workbook

    from tests.test_export_report import build
    from workbench.export.frequencies import export_frequencies

    build(sqlite_store, tmp_path, 5, n=30)
    export_frequencies(sqlite_store, tmp_path / "f.csv", coder="anne")
    export_frequencies(sqlite_store, tmp_path / "f.xlsx", coder="anne")
    text = (tmp_path / "f.csv").read_text(encoding="utf-8-sig")
    cells = [str(c.value) for ws in load_workbook(tmp_path / "f.xlsx").worksheets for row in ws.iter_rows()
             for c in row if c.value is not None]
    assert any("p.db" in c for c in cells)  # the CSV is the contract's bare table
    assert str(tmp_path) not in text and not any(str(tmp_path) in c for c in cells)
