"""Read a CSV or XLSX file into a header and rows of text: every row the file has, or a refusal.

Danish Excel exports are semicolon-separated Windows-1252; other tools write UTF-8 with or
without a byte-order mark and commas. Row numbers follow the spreadsheet: the header is
row 1, the first data row is row 2.

Decoding is strict: UTF-8 (with or without BOM) or UTF-16 with a BOM; Windows-1252 only for a
file that is not UTF-8 at all (no valid multi-byte UTF-8 sequence, or invalid bytes
outnumbering them ten to one). A UTF-8 file with a stray byte is refused with the row and
column of that byte — never read as Windows-1252, which would garble every æ, ø and å.

Limits (each refused with an InputError naming file, row and column): ``MAX_COLUMNS``
columns, ``MAX_CELL`` characters in a cell, ``MAX_ROWS`` data rows, ``MAX_XLSX_UNPACKED``
bytes unpacked for a workbook, and no NUL characters.

The rows are streamed: ``Table.rows`` reads the file again on each iteration and keeps
nothing, so a 200 MB file costs a few MB here; a limit broken further down the file is
raised (InputError) by the iteration when it reaches that row.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Optional

from workbench.errors import InputError, Msg, Problem

MAX_COLUMNS = 2_000
MAX_CELL = 100_000  # characters; a longer cell is a broken file, not an answer
MAX_ROWS = 2_000_000  # data rows
MAX_XLSX_UNPACKED = 500 * 1024 * 1024  # bytes, all members of the workbook unpacked
CHUNK = 1 << 20
_CSV_LIMIT = 10 * MAX_CELL  # the csv module's own guard; cells between the two are named by us
csv.field_size_limit(_CSV_LIMIT)
_SENTINEL = "\ue000"  # a private-use character marking a byte's place when locating it


class Rows:
    """The data rows of a table, read afresh from the file on each iteration (nothing kept).

    Each row is a list of text padded to the header's width (longer rows are kept whole).
    ``len()`` and indexing work but read the file; iterate instead."""

    def __init__(self, produce: Callable[[], Iterator[list[str]]]):
        self._produce = produce
        self._len: Optional[int] = None

    def __iter__(self) -> Iterator[list[str]]:
        return self._produce()

    def __len__(self) -> int:
        if self._len is None:
            self._len = sum(1 for _ in self)
        return self._len

    def __getitem__(self, index):
        if isinstance(index, slice):
            return list(self)[index]
        if index < 0:
            index += len(self)
        for i, row in enumerate(self):
            if i == index:
                return row
        raise IndexError(index)

    def __bool__(self) -> bool:
        return next(iter(self), None) is not None

    def __eq__(self, other) -> bool:
        return list(self) == list(other)


@dataclass
class Table:
    file: str
    header: list[str]
    rows: "Rows | list[list[str]]"  # every row padded to the header's width
    encoding: str = ""
    delimiter: str = ""

    def row_number(self, index: int) -> int:
        """The spreadsheet row of data row ``index`` (0-based)."""
        return index + 2


def column_name(header: list[str], index: int) -> str:
    """How a message names column ``index`` (0-based): its header, else its number."""
    if 0 <= index < len(header) and header[index].strip():
        return header[index].strip()
    return f"{index + 1} ({_letters(index)})"


def _letters(index: int) -> str:
    s = ""
    index += 1
    while index:
        index, r = divmod(index - 1, 26)
        s = chr(65 + r) + s
    return s


# ------------------------------------------------------------------ decoding
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _first_error(path: Path, encoding: str, skip: int) -> Optional[tuple[int, str]]:
    """(byte offset, reason) of the first byte ``encoding`` cannot decode, or None."""
    dec = codecs.getincrementaldecoder(encoding)("strict")
    pos = skip
    with open(path, "rb") as f:
        f.seek(skip)
        while True:
            chunk = f.read(CHUNK)
            pending = len(dec.getstate()[0])
            try:
                dec.decode(chunk, final=not chunk)
            except UnicodeDecodeError as e:
                return pos - pending + e.start, e.reason
            if not chunk:
                return None
            pos += len(chunk)


def _utf8_evidence(path: Path, skip: int) -> tuple[int, int]:
    """(valid multi-byte UTF-8 sequences, undecodable bytes) in the file."""
    valid = invalid = 0
    dec = codecs.getincrementaldecoder("utf-8")("replace")
    with open(path, "rb") as f:
        f.seek(skip)
        while True:
            chunk = f.read(CHUNK)
            text = dec.decode(chunk, final=not chunk)
            bad = text.count("\ufffd")
            invalid += bad
            valid += len(_NON_ASCII.findall(text)) - bad
            if not chunk:
                return valid, invalid


def detect_encoding(path: Path, file: str) -> tuple[str, int]:
    """(Python codec, bytes of BOM to skip) for a CSV file; InputError naming the row and
    column of a byte that does not decode."""
    with open(path, "rb") as f:
        head = f.read(4)
    if head.startswith(b"\xef\xbb\xbf"):
        candidates = [("utf-8", 3)]
    elif head.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = [("utf-16", 0)]
    else:
        candidates = [("utf-8", 0)]
    enc, skip = candidates[0]
    err = _first_error(path, enc, skip)
    if err is None:
        return enc, skip
    if enc == "utf-8" and skip == 0:
        valid, invalid = _utf8_evidence(path, skip)
        if valid == 0 or invalid >= 10 * valid:  # not UTF-8 at all: Danish Excel's Windows-1252
            err1252 = _first_error(path, "cp1252", 0)
            if err1252 is None:
                return "cp1252", 0
            raise _byte_error(path, file, "cp1252", 0, err1252[0],
                              "is neither UTF-8 nor Windows-1252 text: byte 0x{b:02X} is undefined in Windows-1252")
        raise _byte_error(path, file, enc, skip, err[0],
                          "is UTF-8 text with an invalid byte 0x{b:02X} (a stray character from another encoding); "
                          "correct that character or save the file as UTF-8 again")
    what = "UTF-8 (it starts with a UTF-8 byte-order mark)" if enc == "utf-8" else "UTF-16 (it starts with a UTF-16 byte-order mark)"
    raise _byte_error(path, file, enc, skip, err[0], f"is not valid {what}: byte 0x{{b:02X}} does not decode")


def _byte_error(path: Path, file: str, encoding: str, skip: int, offset: int, message: str) -> InputError:
    """An InputError for the byte at ``offset``, naming its row and column."""
    with open(path, "rb") as f:
        f.seek(skip)
        prefix = f.read(max(0, offset - skip))
        bad = f.read(1)
    text = prefix.decode(encoding, errors="replace")
    first = text.split("\n", 1)[0]
    delim = sniff_delimiter(first[:65536])
    row, col = _locate(text + _SENTINEL, delim)
    header = next(csv.reader(io.StringIO(first, newline=""), delimiter=delim), []) if row > 1 else []
    msg = message.format(b=bad[0] if bad else 0) + f" (byte {offset} of the file)"
    return InputError(Problem(file, msg, row=row, column=column_name([h.strip() for h in header], col)))


def _locate(text: str, delim: str) -> tuple[int, int]:
    """(1-based record, 0-based field) holding the sentinel at the end of ``text``."""
    records = 0
    last: list[str] = []
    for rec in csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=False):
        records += 1
        last = rec
    for i, cell in enumerate(last):
        if _SENTINEL in cell:
            return records, i
    return max(records, 1), max(len(last) - 1, 0)


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


def _stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


def _unchanged(path: Path, file: str, stamp: tuple[int, int]) -> None:
    try:
        now = _stamp(path)
    except OSError as e:
        raise InputError(Msg("cannot be read any more: {0}", e.strerror), file=file) from None
    if now != stamp:
        raise InputError(Msg("changed while it was being read; import it again"), file=file)


# ------------------------------------------------------------------ reading
def read_table(path: str | Path) -> Table:
    """Read a CSV or XLSX (first sheet). Raises InputError for unreadable files; the rows are
    read (and checked against the limits) as they are iterated."""
    path = existing_file(path)
    file = str(path)
    try:
        with open(path, "rb") as f:
            sample = f.read(4096)
        stamp = _stamp(path)
    except OSError as e:
        raise InputError(f"cannot be read: {e.strerror}", file=file) from None
    if path.suffix.lower() in (".xlsx", ".xlsm") or sample[:2] == b"PK":
        return _read_xlsx(path, file, stamp)
    return _read_csv(path, file, sample, stamp)


def _read_csv(path: Path, file: str, sample: bytes, stamp) -> Table:
    utf16 = sample.startswith((b"\xff\xfe", b"\xfe\xff"))
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13))
    if controls > max(2, len(sample) // 20) and not utf16:
        raise InputError("is a binary file, not CSV text", file=file)
    try:
        enc, skip = detect_encoding(path, file)
    except OSError as e:
        raise InputError(f"cannot be read: {e.strerror}", file=file) from None
    with _open_text(path, enc, skip) as t:
        head = t.read(65536)
    if not head.strip():
        raise InputError("is empty", file=file)
    delim = sniff_delimiter(head.split("\n", 1)[0])
    header: list[str] = []

    def records(check_header: bool = False) -> Iterator[tuple[int, list[str]]]:
        """(record number, cells) with every limit checked; record 1 is the header."""
        _unchanged(path, file, stamp)
        with _open_text(path, enc, skip) as t:
            pending: list[str] = []

            def lines():
                for line in t:
                    pending.append(line)
                    yield line

            reader = csv.reader(lines(), delimiter=delim, strict=False)
            n = 0
            while True:
                pending.clear()
                try:
                    rec = next(reader)
                except StopIteration:
                    return
                except csv.Error as e:
                    if "field larger" in str(e):
                        col = _long_field("".join(pending), delim)
                        raise InputError(Problem(file, f"a cell is longer than {MAX_CELL:,} characters (the limit)",
                                                 row=n + 1, column=column_name(header, col))) from None
                    raise InputError(Problem(file, f"is not valid CSV: {e}", row=n + 1)) from None
                n += 1
                if n > MAX_ROWS + 1:
                    raise InputError(Problem(file, f"has more than {MAX_ROWS:,} data rows (the limit)", row=n))
                _check_cells(file, rec, n, header if n > 1 else [])
                yield n, rec

    it = records()
    try:
        _n, first = next(it)
    except StopIteration:
        raise InputError("is empty", file=file) from None
    finally:
        it.close()
    header = [h.strip() for h in first]
    width = len(header)

    def rows() -> Iterator[list[str]]:
        body = records()
        next(body, None)
        for _n, r in body:
            if len(r) != width:
                r = r + [""] * (width - len(r)) if len(r) < width else r
            yield r

    encoding = "utf-8-sig" if enc == "utf-8" and skip == 3 else enc
    return Table(file, header, Rows(rows), encoding, delim)


def _open_text(path: Path, enc: str, skip: int):
    f = open(path, "rb")
    f.seek(skip)
    return io.TextIOWrapper(f, encoding=enc, errors="strict", newline="")


def _check_cells(file: str, cells, row: int, header: list[str]) -> None:
    if len(cells) > MAX_COLUMNS:
        raise InputError(Problem(file, f"has {len(cells):,} columns; the limit is {MAX_COLUMNS:,}", row=row,
                                 column=column_name(header, MAX_COLUMNS)))
    for i, c in enumerate(cells):
        if len(c) > MAX_CELL:
            raise InputError(Problem(file, f"the cell has {len(c):,} characters; the limit is {MAX_CELL:,}",
                                     row=row, column=column_name(header, i)))
        if "\x00" in c:
            raise InputError(Problem(file, "the cell holds a NUL character (byte 0), which no text has; "
                                           "the file is damaged or not a text table", row=row, column=column_name(header, i)))


def _long_field(record: str, delim: str) -> int:
    """Index of the first field longer than MAX_CELL in one raw CSV record."""
    field_ix = length = 0
    quoted = False
    i, n = 0, len(record)
    while i < n:
        ch = record[i]
        if quoted:
            if ch == '"':
                if i + 1 < n and record[i + 1] == '"':
                    i += 1
                else:
                    quoted = False
                    i += 1
                    continue
        elif ch == '"' and length == 0:
            quoted = True
            i += 1
            continue
        elif ch == delim:
            field_ix += 1
            length = 0
            i += 1
            continue
        length += 1
        if length > MAX_CELL:
            return field_ix
        i += 1
    return field_ix


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def check_zip_size(path: Path, file: str, limit: Optional[int] = None) -> None:
    """Refuse a ZIP (XLSX) whose members unpack to more than ``limit`` bytes — before any is
    opened. Each member's reader stops at its declared size, so the declaration binds."""
    limit = MAX_XLSX_UNPACKED if limit is None else limit
    try:
        with zipfile.ZipFile(path) as z:
            total = 0
            for info in z.infolist():
                total += info.file_size
                if total > limit:
                    mb = max(1, limit // (1024 * 1024))
                    raise InputError(f"unpacks to more than {mb:,} MB, the limit for a workbook "
                                     f"({info.filename} alone is {info.file_size / (1024 * 1024):,.1f} MB)", file=file)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        raise InputError(f"is not a readable XLSX workbook ({e.__class__.__name__}: {e})", file=file) from None


def _open_xlsx(path: Path, file: str):
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        raise InputError(f"is not a readable XLSX workbook ({e.__class__.__name__}: {e})", file=file) from None
    except Exception as e:  # openpyxl raises many kinds for corrupt files
        raise InputError(f"is not a readable XLSX workbook ({e.__class__.__name__})", file=file) from None
    if not wb.worksheets:
        wb.close()
        raise InputError("the workbook has no sheet", file=file)
    return wb


def _read_xlsx(path: Path, file: str, stamp) -> Table:
    check_zip_size(path, file)

    def records() -> Iterator[list[str]]:
        _unchanged(path, file, stamp)
        wb = _open_xlsx(path, file)
        n = 0
        try:
            ws = wb.worksheets[0]
            ws.reset_dimensions()  # a stale <dimension> tag must not hide rows: read what the sheet holds
            for r in ws.iter_rows(values_only=True):
                n += 1
                if n > MAX_ROWS + 1:
                    raise InputError(Problem(file, f"has more than {MAX_ROWS:,} data rows (the limit)", row=n))
                if len(r) > MAX_COLUMNS:
                    raise InputError(Problem(file, f"has {len(r):,} columns; the limit is {MAX_COLUMNS:,}",
                                             row=n, column=column_name(header if n > 1 else [], MAX_COLUMNS)))
                cells = [_cell(v) for v in r]
                _check_cells(file, cells, n, header if n > 1 else [])
                yield cells
        except InputError:
            raise
        except GeneratorExit:
            raise
        except Exception as e:  # a corrupt sheet fails while it is read
            raise InputError(Problem(file, f"is not a readable XLSX workbook ({e.__class__.__name__}: {e})",
                                     row=n + 1 if n else None)) from None
        finally:
            wb.close()

    header: list[str] = []
    it = records()
    try:
        header = [c.strip() for c in next(it)]
    except StopIteration:
        raise InputError("the first sheet is empty", file=file) from None
    finally:
        it.close()
    while header and not header[-1]:
        header.pop()
    width = len(header)

    def rows() -> Iterator[list[str]]:
        body = records()
        next(body, None)
        blank: list[list[str]] = []  # blank rows are held back: trailing ones are not rows
        for cells in body:
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            if not any(x.strip() for x in cells):
                blank.append(cells)
                continue
            yield from blank
            blank.clear()
            yield cells

    return Table(file, header, Rows(rows), "xlsx", "")


def require_columns(table: Table, needed: list[str]) -> list[Problem]:
    return [Problem(table.file, "required column is missing", row=1, column=c) for c in needed if c not in table.header]
