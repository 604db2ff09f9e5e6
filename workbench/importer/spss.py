"""Read an SPSS ``.sav`` (or ``.zsav``) file into a Table, keeping its metadata.

SurveyXact and most Danish survey tools export SPSS. Besides the cells (as text, like
``read_table``: integral numbers without ``.0``, missing as ``""``) the file carries what a
survey definition needs: variable labels (often the question wording), value labels
(``1 -> Kvinde``, ``99 -> Ved ikke``), the measurement level and the user-missing codes.
User-missing values are kept as values (``99`` stays ``"99"``): whether they mean "ved ikke"
is the definition's ``dont_know``, not the reader's decision.
"""
from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field
from pathlib import Path

from workbench.errors import InputError
from workbench.importer.tables import Table, existing_file


@dataclass
class SavTable(Table):
    """A Table read from SPSS, with the file's labels. Works wherever a Table does."""

    column_labels: dict[str, str] = field(default_factory=dict)  # column -> variable label
    value_labels: dict[str, dict[str, str]] = field(default_factory=dict)  # column -> code -> label
    measure: dict[str, str] = field(default_factory=dict)  # column -> nominal/ordinal/scale
    missing_values: dict[str, list[str]] = field(default_factory=dict)  # column -> user-missing codes


def code_text(v) -> str:
    """A cell or a value-label code as text: ``7.0 -> "7"``, ``None``/NaN -> ``""``."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if v.__class__.__name__ in ("NaTType", "NAType") or (isinstance(v, float) and v != v):  # NaT, pd.NA, NaN
        return ""
    if isinstance(v, bool):
        return str(int(v))
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        if v.is_integer() and abs(v) < 1e16:
            return str(int(v))
        return repr(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, _dt.datetime):
        return v.isoformat(sep=" ") if (v.hour, v.minute, v.second, v.microsecond) != (0, 0, 0, 0) else v.date().isoformat()
    if isinstance(v, (_dt.date, _dt.time)):
        return v.isoformat()
    try:  # numpy scalars, pandas NA/NaT
        import pandas as pd

        if pd.isna(v):
            return ""
    except (TypeError, ValueError, ImportError):
        pass
    if hasattr(v, "item"):
        return code_text(v.item())
    if hasattr(v, "to_pydatetime"):
        return code_text(v.to_pydatetime())
    return str(v)


def _read(file: str, encoding: str | None):
    import pyreadstat

    return pyreadstat.read_sav(file, user_missing=True, apply_value_formats=False, encoding=encoding)


def read_sav(path: str | Path) -> SavTable:
    """Read an SPSS file. InputError naming the file for anything that is not a readable one."""
    path = existing_file(path)
    file = str(path)
    try:
        size = path.stat().st_size
    except OSError as e:
        raise InputError(f"cannot be read: {e.strerror}", file=file) from None
    if size == 0:
        raise InputError("is empty", file=file)
    try:
        with path.open("rb") as f:
            magic = f.read(4)
    except OSError as e:
        raise InputError(f"cannot be read: {e.strerror}", file=file) from None
    if magic not in (b"$FL2", b"$FL3"):
        raise InputError("is not an SPSS .sav file (it does not start with the SPSS signature)", file=file)
    try:
        import pyreadstat  # noqa: F401
    except ImportError:
        raise InputError("cannot be read: reading SPSS files needs the pyreadstat package", file=file) from None
    try:
        try:
            df, meta = _read(file, None)
        except Exception as e:
            # Old files declare a code page pyreadstat cannot convert; Windows-1252 is the Danish one.
            if "convert" not in str(e).lower() and "encoding" not in str(e).lower():
                raise
            df, meta = _read(file, "cp1252")
    except MemoryError:
        raise InputError("is too large to read into memory", file=file) from None
    except Exception as e:  # ReadstatError, PyreadstatError, and whatever a hostile file provokes
        detail = str(e).strip() or e.__class__.__name__
        raise InputError(f"is not a readable SPSS .sav file ({detail})", file=file) from None

    header = [str(c) for c in meta.column_names] if meta.column_names else [str(c) for c in df.columns]
    expected = getattr(meta, "number_rows", None)
    if expected is not None and expected >= 0 and len(df) < expected:
        raise InputError(f"is truncated: its header promises {expected} rows but only {len(df)} could be read", file=file)
    columns = [df[c].tolist() for c in df.columns]
    rows = [[code_text(col[i]) for col in columns] for i in range(len(df))]
    rows = [(r + [""] * len(header))[: len(header)] for r in rows]

    labels = getattr(meta, "column_names_to_labels", None) or dict(zip(header, meta.column_labels or []))
    column_labels = {str(k): str(v).strip() for k, v in labels.items() if v is not None and str(v).strip()}
    value_labels = {
        str(col): {code_text(code): str(label) for code, label in mapping.items() if code_text(code) != ""}
        for col, mapping in (getattr(meta, "variable_value_labels", None) or {}).items()
    }
    value_labels = {k: v for k, v in value_labels.items() if v}
    measure = {
        str(k): str(v)
        for k, v in (getattr(meta, "variable_measure", None) or {}).items()
        if v and str(v) != "unknown"
    }
    missing_values: dict[str, list[str]] = {}
    for col, ranges in (getattr(meta, "missing_ranges", None) or {}).items():
        codes = []
        for r in ranges or []:
            lo, hi = r.get("lo"), r.get("hi")
            if lo == hi or hi is None:
                codes.append(code_text(lo))
            elif isinstance(lo, (int, float)) and isinstance(hi, (int, float)) and hi - lo <= 1000 and float(lo).is_integer():
                codes.extend(code_text(float(x)) for x in range(int(lo), int(math.floor(hi)) + 1))
        codes = [c for c in codes if c]
        if codes:
            missing_values[str(col)] = codes
    return SavTable(
        file, header, rows, encoding=str(getattr(meta, "file_encoding", "") or "sav"), delimiter="",
        column_labels=column_labels, value_labels=value_labels, measure=measure, missing_values=missing_values,
    )


def is_sav(path: str | Path) -> bool:
    """Whether a file is SPSS by name or by its first bytes (for a reader that dispatches)."""
    path = Path(path)
    if path.suffix.lower() in (".sav", ".zsav"):
        return True
    try:
        with path.open("rb") as f:
            return f.read(4) in (b"$FL2", b"$FL3")
    except OSError:
        return False
