"""The audit trail as a CSV for a supervisor's records (``workbench log --csv``, Projektlog →
Eksportér CSV): one row per event, its sentence in Danish or English and its raw payload.

Written atomically, UTF-8 with BOM so Excel opens it right; cells a spreadsheet would run as
a formula are neutralised, as in every export.
"""
from __future__ import annotations

import csv
import io
import json
from typing import Any, Iterable, Optional

from workbench.coding.history import CSV_COLUMNS, HistoryEntry, events, local_time
from workbench.export.atomic import atomic_write_bytes
from workbench.export.safety import neutralise


def history_csv_bytes(entries: Iterable[HistoryEntry], lang: str = "da") -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(CSV_COLUMNS)
    for e in entries:
        w.writerow([local_time(e.at), neutralise(e.actor), neutralise(e.action),
                    "" if e.answer_id is None else e.answer_id, neutralise(e.describe(lang)),
                    neutralise(json.dumps(e.payload, ensure_ascii=False, sort_keys=True, default=str))])
    return buf.getvalue().encode("utf-8-sig")


def export_history_csv(store, out, *, lang: str = "da", entries: Optional[list[HistoryEntry]] = None,
                       **filters: Any) -> int:
    """Write the events matching ``filters`` (as ``events`` takes them), or ``entries``
    already read, as a UTF-8 CSV with BOM (Excel opens it right), atomically; cells that a
    spreadsheet would run as a formula are neutralised. Returns how many events."""
    if entries is None:
        entries = events(store, **filters)
    atomic_write_bytes(out, history_csv_bytes(entries, lang))
    return len(entries)
