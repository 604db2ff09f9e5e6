"""Coded answers as a data file: one row per answer, one 0/1 column per code, so the analysis
can go on in SPSS, Stata or R without the workbench.

The first row is the variable names (statistics packages read it as such); where the data
come from is in the XLSX's "Om" sheet and the summary line, not in the CSV body. Texts are
made formula-safe and open personal data are replaced by placeholders unless allowed.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Optional

import pandas as pd

from workbench.errors import InputError
from workbench.export import data as D
from workbench.export.atomic import atomic_path, atomic_write_bytes
from workbench.export.safety import neutralise, pseudonymise, safe_value, set_text

BASE_COLUMNS = ["respondent_id", "year", "subgroup", "main_group", "gender", "age", "unemployment_months",
                "ethnicity", "unit", "question", "score", "band", "text"]


def answers_table(data: D.CodedData, allow_pii: bool = False) -> pd.DataFrame:
    """BASE_COLUMNS plus one int column per code id, in codebook order."""
    a = data.answers.copy()
    if not allow_pii and data.pii:
        a["text"] = [pseudonymise(t, data.pii[i]) if i in data.pii else t for i, t in zip(a["answer_id"], a["text"])]
    m = data.code_matrix().reindex(a["answer_id"]).fillna(0).astype(int)
    out = a[BASE_COLUMNS].reset_index(drop=True)
    m = m.reset_index(drop=True)
    return pd.concat([out, m], axis=1)


def _csv_cell(v):
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return ""
    return neutralise(v) if isinstance(v, str) else v


def answers_csv_bytes(df: pd.DataFrame) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([neutralise(c) for c in df.columns])
    for row in df.itertuples(index=False, name=None):
        w.writerow([_csv_cell(v) for v in row])
    return buf.getvalue().encode("utf-8-sig")


def write_answers_xlsx(data: D.CodedData, df: pd.DataFrame, out, allow_pii: bool) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = "Svar"
    for j, c in enumerate(df.columns, start=1):
        set_text(ws.cell(1, j), c).font = Font(bold=True)
    text_cols = {j for j, c in enumerate(df.columns) if df[c].dtype == object}
    for i, row in enumerate(df.itertuples(index=False, name=None), start=2):
        for j, v in enumerate(row):
            cell = ws.cell(i, j + 1)
            if j in text_cols:
                if v is None or (not isinstance(v, str) and pd.isna(v)):
                    continue
                set_text(cell, v)
            else:
                safe_value(cell, v)
    ws.freeze_panes = "B2"
    ws.column_dimensions["M"].width = 60
    kb = wb.create_sheet("Koder")
    for j, h in enumerate(["code", "label", "category"], start=1):
        set_text(kb.cell(1, j), h).font = Font(bold=True)
    for i, r in enumerate(data.codes.itertuples(index=False), start=2):
        set_text(kb.cell(i, 1), r.key), set_text(kb.cell(i, 2), r.label), set_text(kb.cell(i, 3), r.category)
    D.about_sheet(wb, data, "Kodede svar", [
        ("Rækker", f"{len(df)} svar"),
        ("Kodekolonner", "1 = koderen har givet svaret koden (et sted i teksten), 0 = ikke"),
        ("Personoplysninger", "vist som i projektet" if allow_pii else
         "åbne fund er erstattet af [NAVN], [CPR], [TELEFON], [EMAIL], [ADRESSE]")])
    with atomic_path(out) as tmp:
        wb.save(tmp)


def export_answers(store, out, coder: Optional[str] = None, allow_pii: bool = False, year="all") -> str:
    """Write every answer (all survey years by default) with its 0/1 code columns to .csv or .xlsx."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise InputError("the output must end in .csv or .xlsx", file=str(out))
    data = D.load(store, coder, year=year)
    df = answers_table(data, allow_pii=allow_pii)
    if suffix == ".csv":
        atomic_write_bytes(out, answers_csv_bytes(df))
    else:
        write_answers_xlsx(data, df, out, allow_pii)
    return f"wrote {len(df)} answers with {len(data.codes)} code columns (coder {data.coder}) to {out}"
