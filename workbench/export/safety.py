"""What every report export must do before a cell leaves the project: neutralise spreadsheet
formulas, hide cells too small to be anonymous, and pseudonymise open personal data.

Formula injection (OWASP "CSV injection"): a cell that starts with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return is run as a formula by Excel/LibreOffice; a leading single quote
makes it plain text. Interviewers' texts do start with "-" or "+" now and then.
"""
from __future__ import annotations

import math
from typing import Any, Iterable, Optional

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
DEFAULT_MIN_CELL = 5

# PII finding type -> placeholder shown instead of the span.
PLACEHOLDERS = {"PERSON": "[NAVN]", "NAME": "[NAVN]", "CPR": "[CPR]", "PHONE": "[TELEFON]",
                "EMAIL": "[EMAIL]", "ADDRESS": "[ADRESSE]"}


def neutralise(value: Any) -> Any:
    """A text value that a spreadsheet will never evaluate; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def min_cell(store) -> int:
    """The project's minimum cell size (settings["min_cell"], default 5)."""
    try:
        v = int(store.settings().get("min_cell", DEFAULT_MIN_CELL))
    except (TypeError, ValueError):
        v = DEFAULT_MIN_CELL
    return max(v, 0)


def is_small(n: Optional[int], limit: int) -> bool:
    """A cell counts as small (not shown) when fewer than ``limit`` people are behind it."""
    return n is not None and n < limit


def suppressed(limit: int) -> str:
    return f"<{limit}"


def pseudonymise(text: str, findings: Iterable[tuple[int, int, str]], start: int = 0,
                 end: Optional[int] = None) -> str:
    """``text[start:end]`` with every finding's span replaced by its placeholder.

    Offsets of findings are into the whole ``text``; a finding that overlaps the window only
    partly still hides the part inside it, so a quote cut from an answer never shows half a name.
    """
    end = len(text) if end is None else end
    spans = sorted((max(a, start), min(b, end), t) for a, b, t in findings if a < end and b > start)
    out, pos = [], start
    for a, b, t in spans:
        if b <= pos:
            continue
        a = max(a, pos)
        out.append(text[pos:a])
        out.append(PLACEHOLDERS.get(str(t).upper(), "[SKJULT]"))
        pos = b
    out.append(text[pos:end])
    return "".join(out)


def inert_text(value: Any) -> str:
    """A value as XLSX text that no spreadsheet runs: characters XML cannot hold removed,
    a formula trigger neutralised (so openpyxl, too, stores it as a string)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return neutralise("" if value is None else ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def set_text(cell, value: Any):
    """Write a value as an inert XLSX text cell (data type 's', never a formula)."""
    cell.value = inert_text(value)
    cell.data_type = "s"
    return cell


def header_row(ws, row: int, labels, font, fill) -> list:
    """A sheet's column headings on ``row`` as inert text cells in ``font`` on ``fill``."""
    cells = []
    for j, label in enumerate(labels, start=1):
        c = set_text(ws.cell(row, j), label)
        c.font, c.fill = font, fill
        cells.append(c)
    return cells


def _wrap_notes(ws, last_row: int) -> None:
    """The title and note lines above a table wrap within the table's width (merged across
    it, rows as tall as their lines), instead of running on to the right: a spreadsheet
    scaled to fit the page would otherwise shrink the table to fit the longest note."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    n = max(ws.max_column, 1)
    if n < 2:
        return
    width = sum((ws.column_dimensions[get_column_letter(j)].width or 13) for j in range(1, n + 1))
    for r in range(1, last_row + 1):
        cell = ws.cell(r, 1)
        if not isinstance(cell.value, str) or any(ws.cell(r, j).value is not None for j in range(2, n + 1)):
            continue
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=n)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        size = (cell.font.sz or 11) if cell.font else 11
        lines = math.ceil(len(cell.value) * size / 11 / max(width * 0.95, 1))
        ws.row_dimensions[r].height = max(1, lines) * size * 1.35


def print_setup(ws, title_rows: Optional[str] = None, landscape: bool = True) -> None:
    """Print settings a report writer expects: A4, every column on one page's width (as many
    pages down as it takes), the heading rows ``title_rows`` ("5:5") repeated on every page,
    the sheet's name and page number in the footer."""
    from openpyxl.utils import get_column_letter

    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    if title_rows:
        ws.print_title_rows = title_rows
        _wrap_notes(ws, int(title_rows.split(":")[0]) - 1)
    ws.print_area = f"A1:{get_column_letter(max(ws.max_column, 1))}{max(ws.max_row, 1)}"
    ws.oddFooter.left.text = "&A"
    ws.oddFooter.right.text = "Side &P af &N"


def safe_value(cell, value: Any):
    """Numbers as numbers, everything else through ``set_text``; missing stays empty."""
    try:
        import pandas as pd

        if value is None or (not isinstance(value, str) and pd.isna(value)):
            cell.value = None
            return cell
    except (TypeError, ValueError):
        pass
    if isinstance(value, bool):
        cell.value = int(value)
    elif isinstance(value, (int, float)) or type(value).__module__ == "numpy":
        cell.value = value.item() if hasattr(value, "item") else value
    else:
        return set_text(cell, value)
    return cell
