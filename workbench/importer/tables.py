"""Read a CSV or XLSX file into a header and rows of text, whatever its encoding or delimiter.

Danish Excel exports are semicolon-separated Windows-1252; other tools write UTF-8 with or
without a byte-order mark and commas. Row numbers follow the spreadsheet: the header is
row 1, the first data row is row 2.
"""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import InputError, Problem

MAX_FIELD = 1_000_000  # characters; a longer field is a broken file, not an answer
csv.field_size_limit(MAX_FIELD)


@dataclass
class Table:
    file: str
    header: list[str]
    rows: list[list[str]]  # every row padded/cut to the header's width
    encoding: str = ""
    delimiter: str = ""

    def row_number(self, index: int) -> int:
        """The spreadsheet row of data row ``index`` (0-based)."""
        return index + 2


def decode(data: bytes, file: str) -> tuple[str, str]:
    """Text and encoding: UTF-8 (BOM or not) if it decodes, else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as e:
            raise InputError(f"has a UTF-8 byte-order mark but invalid UTF-8 at byte {e.start + 3}", file=file) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise InputError("is not valid UTF-16 text", file=file) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as e:
        raise InputError(f"is neither UTF-8 nor Windows-1252 text (byte {e.start})", file=file) from None


def sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def existing_file(path: str | Path) -> Path:
    """The path of an input file that exists and is not a folder; InputError otherwise."""
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", file=str(path))
    if path.is_dir():
        raise InputError("is a folder, not a file", file=str(path))
    return path


def read_table(path: str | Path) -> Table:
    """Read a CSV or XLSX (first sheet). Raises InputError for unreadable files."""
    path = existing_file(path)
    file = str(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputError(f"cannot be read: {e.strerror}", file=file) from None
    if path.suffix.lower() in (".xlsx", ".xlsm") or data[:2] == b"PK":
        return _read_xlsx(data, file)
    sample = data[:4096]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13))
    if controls > max(2, len(sample) // 20) and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("is a binary file, not CSV text", file=file)
    text, encoding = decode(data, file)
    if not text.strip():
        raise InputError("is empty", file=file)
    first = text.split("\n", 1)[0]
    delim = sniff_delimiter(first)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=False))
    except csv.Error as e:
        raise InputError(f"is not valid CSV: {e}", file=file) from None
    header = [h.strip() for h in records[0]]
    width = len(header)
    rows = []
    for r in records[1:]:
        if not (r and r[0].strip()) and not any(x.strip() for x in r):  # first cell set: not blank
            rows.append([""] * width)  # keep numbering; blank rows are skipped later
            continue
        rows.append(r if len(r) == width else (r + [""] * width)[: max(width, len(r))])
    return Table(file, header, rows, encoding, delim)


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _read_xlsx(data: bytes, file: str) -> Table:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        raise InputError(f"is not a readable XLSX workbook ({e.__class__.__name__}: {e})", file=file) from None
    except Exception as e:  # openpyxl raises many kinds for corrupt files
        raise InputError(f"is not a readable XLSX workbook ({e.__class__.__name__})", file=file) from None
    try:
        ws = wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        try:
            header = [_cell(v).strip() for v in next(it)]
        except StopIteration:
            raise InputError("the first sheet is empty", file=file) from None
        while header and not header[-1]:
            header.pop()
        rows = []
        for r in it:
            cells = [_cell(v) for v in r]
            rows.append((cells + [""] * len(header))[: max(len(header), len(cells))])
        while rows and not any(x.strip() for x in rows[-1]):
            rows.pop()
    finally:
        wb.close()
    return Table(file, header, rows, "xlsx", "")


def require_columns(table: Table, needed: list[str]) -> list[Problem]:
    return [Problem(table.file, "required column is missing", row=1, column=c) for c in needed if c not in table.header]
