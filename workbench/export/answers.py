"""Coded answers as a data file: one row per answer, one 0/1 column per code, so the analysis
can go on in SPSS, Stata or R without the workbench.

Columns: ``respondent_id, year``, then per background variable of the survey definition its
group as the exports show it (``<key>``: the value's label, the bin such as ``18-29``, or the
mapped group of a derived variable) and, for a variable read from the file, the stored value
(``<key>_value``: the code or the number); then ``question, score, score_label, band, text``,
``coded`` (1 the coder has coded the answer, 0 it has a text not coded yet, empty no text) and
one column per code id: 1/0 for a coded answer, empty for one not coded, so that a share
computed in SPSS, Stata or R is a share of coded answers, never of answers nobody has read.

The first row is the variable names (statistics packages read it as such); where the data
come from is in the XLSX's "Om" sheet and the summary line, not in the CSV body. Texts are
made formula-safe and open personal data are replaced by placeholders unless allowed.
An ``--out`` ending in ``.sav`` (SPSS) or ``.dta`` (Stata) writes the same table with
variable labels (the variables' titles, the codes' labels, the question wording as the value
labels of ``question``/``question_no``) and value labels (the variables' values, the scale
labels), via pyreadstat.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd

from workbench.errors import InputError
from workbench.export import data as D
from workbench.export.atomic import atomic_path, atomic_write_bytes
from workbench.export.safety import neutralise, pseudonymise, safe_value, set_text

BASE_COLUMNS = ["respondent_id", "year"]
ANSWER_COLUMNS = ["question", "score", "score_label", "band", "text"]
VALUE_SUFFIX = "_value"
SUFFIXES = (".csv", ".xlsx", ".sav", ".dta")


def variable_columns(defn) -> list[tuple[str, str, Optional[str]]]:
    """(column, variable key, "group" | "value") for every variable of the definition."""
    out = []
    for v in defn.variables:
        out.append((v.key, v.key, "group"))
        if not v.derived:
            out.append((v.key + VALUE_SUFFIX, v.key, "value"))
    return out


def answers_table(data: D.CodedData, allow_pii: bool = False) -> pd.DataFrame:
    """BASE_COLUMNS, the variables' columns, ANSWER_COLUMNS, then one int column per code id
    in codebook order."""
    a = data.answers.copy()
    if not allow_pii and data.pii:
        a["text"] = [pseudonymise(t, data.pii[i]) if i in data.pii else t for i, t in zip(a["answer_id"], a["text"])]
    defn = data.definition
    out = a[BASE_COLUMNS].reset_index(drop=True)
    for col, key, kind in variable_columns(defn):
        src = key if kind == "group" else D.VALUE + key
        out[col] = (a[src] if src in a else pd.Series([None] * len(a))).to_numpy()
    out["question"] = a["question"].to_numpy()
    out["score"] = a["score"].reset_index(drop=True)
    labels: dict[tuple[str, int], str] = {}
    for q, s in zip(a["question"], a["score"]):
        if pd.isna(s) or (q, int(s)) in labels:
            continue
        qd = defn.question(q)
        labels[(q, int(s))] = qd.score_label(int(s)) if qd is not None else str(int(s))
    out["score_label"] = [None if pd.isna(s) else labels[(q, int(s))] for q, s in zip(a["question"], a["score"])]
    out["band"] = a["band"].to_numpy()
    out["text"] = a["text"].to_numpy()
    # coded: 1 coded, 0 has text but not coded yet, empty nothing to code; the code columns
    # are 0/1 for coded answers only, so a share computed in SPSS/Stata/R counts coded answers
    done = data.coded_mask(a["answer_id"])
    has_text = a["has_text"].to_numpy(dtype=bool)
    out["coded"] = pd.array(done.astype(int), dtype="Int64")
    out.loc[~(done | has_text), "coded"] = pd.NA
    m = data.code_matrix().reindex(a["answer_id"]).fillna(0).astype("Int64").reset_index(drop=True)
    m.loc[~done] = pd.NA
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
    from openpyxl.utils import get_column_letter

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
                (set_text if isinstance(v, str) else safe_value)(cell, v)
            else:
                safe_value(cell, v)
    ws.freeze_panes = "B2"
    ws.column_dimensions[get_column_letter(list(df.columns).index("text") + 1)].width = 60
    kb = wb.create_sheet("Koder")
    for j, h in enumerate(["code", "label", "category"], start=1):
        set_text(kb.cell(1, j), h).font = Font(bold=True)
    for i, r in enumerate(data.codes.itertuples(index=False), start=2):
        set_text(kb.cell(i, 1), r.key), set_text(kb.cell(i, 2), r.label), set_text(kb.cell(i, 3), r.category)
    vb = wb.create_sheet("Variable")
    for j, h in enumerate(["column", "label", "values"], start=1):
        set_text(vb.cell(1, j), h).font = Font(bold=True)
    for i, (col, label, values) in enumerate(_codebook_rows(data, df), start=2):
        set_text(vb.cell(i, 1), col), set_text(vb.cell(i, 2), label), set_text(vb.cell(i, 3), values)
    vb.column_dimensions["B"].width = 50
    vb.column_dimensions["C"].width = 80
    D.about_sheet(wb, data, "Kodede svar", [
        ("Rækker", f"{len(df)} svar"),
        ("coded", "1 = koderen har kodet svaret, 0 = svaret har tekst, men er ikke kodet endnu, "
                  "tom = svaret har ingen tekst"),
        ("Kodekolonner", "1 = koderen har givet svaret koden (et sted i teksten), 0 = kodet uden den kode, "
                         "tom = svaret er ikke kodet (endnu)"),
        ("Personoplysninger", "vist som i projektet" if allow_pii else
         "åbne fund er erstattet af [NAVN], [CPR], [TELEFON], [EMAIL], [ADRESSE]")])
    with atomic_path(out) as tmp:
        wb.save(tmp)


# -- SPSS / Stata --------------------------------------------------------------------------
_SPSS_RESERVED = {"ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH"}


def _stat_names(columns: list[str], limit: int) -> dict[str, str]:
    """Column → a name SPSS and Stata accept (letters, digits, _; a letter first; unique)."""
    out, used = {}, set()
    for c in columns:
        n = re.sub(r"[^A-Za-z0-9_]", "_", c.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
                   .replace("Æ", "Ae").replace("Ø", "Oe").replace("Å", "Aa"))
        if not n or not n[0].isalpha():
            n = "v_" + n
        if n.upper() in _SPSS_RESERVED:
            n += "_"
        n = n[:limit]
        base, i = n, 2
        while n.lower() in used:
            tail = f"_{i}"
            n = base[:limit - len(tail)] + tail
            i += 1
        used.add(n.lower())
        out[c] = n
    return out


def _integer_codes(values) -> bool:
    """Every non-blank value is a whole number (codes SPSS/Stata can hold as numbers)."""
    for v in values:
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            continue
        if isinstance(v, bool):
            return False
        if isinstance(v, (int, float)):
            if float(v) != int(v):
                return False
            continue
        if not re.fullmatch(r"-?\d{1,9}", str(v).strip()):
            return False
    return True


def _score_labels(defn) -> dict[int, str]:
    """Value labels of the score column: a score's label where every scored question having
    that score agrees on it (the per-answer label is in score_label)."""
    seen: dict[int, set[str]] = {}
    for q in defn.questions:
        if q.scored:
            for v in q.valid_scores():
                seen.setdefault(v, set()).add(q.score_label(v))
    return {v: next(iter(ls)) for v, ls in seen.items() if len(ls) == 1 and next(iter(ls)) != str(v)}


def _codebook_rows(data: D.CodedData, df: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(column, variable label, value labels as text) for the "Variable" sheet."""
    labels, values = stat_labels(data, df, numeric_codes=set())
    return [(c, labels.get(c, ""), "; ".join(f"{k} = {v}" for k, v in values.get(c, {}).items()))
            for c in df.columns]


def stat_labels(data: D.CodedData, df: pd.DataFrame, numeric_codes: set[str]) -> tuple[dict, dict]:
    """Variable labels and value labels by column: the variables' titles and values, the
    question wording, the scale labels, the codes' labels."""
    defn = data.definition
    labels = {"respondent_id": "Respondent", "year": "År", "question": "Spørgsmål", "score": "Score",
              "score_label": "Skalaetiket", "band": "Bånd", "text": "Svar (tekst)",
              "question_no": "Spørgsmål (nummer)", "coded": "Kodet"}
    values: dict[str, dict] = {"coded": {0: "ikke kodet endnu", 1: "kodet"}}
    for col, key, kind in variable_columns(defn):
        v = defn.variable(key)
        labels[col] = v.title if kind == "group" else f"{v.title} (kode)" if v.type != "number" else f"{v.title} (værdi)"
        if kind == "value" and v.values:
            if col in numeric_codes:
                values[col] = {int(k): lab for k, lab in v.values.items() if re.fullmatch(r"-?\d{1,9}", k)}
            else:
                values[col] = dict(v.values)
    qtexts = {}
    for q in data.questions["key"]:
        qd = defn.question(q)
        qtexts[q] = (qd.question or qd.title) if qd is not None else q
    values["question"] = qtexts
    values["question_no"] = {i: f"{q}: {t}" for i, (q, t) in enumerate(qtexts.items(), start=1)}
    sl = _score_labels(defn)
    if sl:
        values["score"] = sl
    for k, lab in zip(data.codes["key"], data.codes["label"]):
        if k in df.columns:
            labels[k] = str(lab)
    return labels, values


def write_answers_stat(data: D.CodedData, df: pd.DataFrame, out: Path, fmt: str) -> None:
    """The table as SPSS .sav or Stata .dta with variable and value labels."""
    import pyreadstat

    t = df.copy()
    qpos = {q: i for i, q in enumerate(data.questions["key"], start=1)}
    t.insert(t.columns.get_loc("question") + 1, "question_no", t["question"].map(qpos).astype(float))
    numeric_codes = set()
    for col, _key, kind in variable_columns(data.definition):
        if kind != "value":
            continue
        v = data.definition.variable(_key)
        if v.type == "number" or _integer_codes(t[col]):
            t[col] = pd.to_numeric(t[col], errors="coerce").astype(float)
            if v.type != "number":
                numeric_codes.add(col)
    labels, values = stat_labels(data, t, numeric_codes)
    for c in t.columns:
        if c in ("score", "year", "coded") or c in set(data.codes["key"]):
            t[c] = pd.to_numeric(t[c], errors="coerce").astype(float)
        elif t[c].dtype == object or str(t[c].dtype).startswith("string"):
            t[c] = ["" if x is None or (not isinstance(x, str) and pd.isna(x)) else str(x) for x in t[c]]
    names = _stat_names(list(t.columns), 32 if fmt == "dta" else 64)
    t = t.rename(columns=names)
    col_labels = {names[c]: labels.get(c) for c in names}
    vv = {}
    for c, lab in values.items():
        if c not in names or not lab:
            continue
        if fmt == "dta" and not all(isinstance(k, int) for k in lab):
            continue  # Stata labels numbers only; the group column beside it carries the label
        vv[names[c]] = {(float(k) if fmt == "sav" and isinstance(k, int) else k): str(x) for k, x in lab.items()}
    with atomic_path(out) as tmp:
        if fmt == "sav":
            pyreadstat.write_sav(t, str(tmp), column_labels=col_labels, variable_value_labels=vv,
                                 file_label=data.definition.name[:64])
        else:
            vv = {c: {int(k): x for k, x in lab.items()} for c, lab in vv.items()}
            pyreadstat.write_dta(t, str(tmp), column_labels=col_labels, variable_value_labels=vv, version=15,
                                 file_label=data.definition.name[:80])


def export_answers(store, out, coder: Optional[str] = None, allow_pii: bool = False, year="all") -> str:
    """Write every answer (all survey years by default) with its 0/1 code columns to .csv,
    .xlsx, .sav (SPSS) or .dta (Stata)."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError("the output must end in .csv, .xlsx, .sav or .dta", file=str(out))
    data = D.load(store, coder, year=year)
    df = answers_table(data, allow_pii=allow_pii)
    if suffix == ".csv":
        atomic_write_bytes(out, answers_csv_bytes(df))
    elif suffix == ".xlsx":
        write_answers_xlsx(data, df, out, allow_pii)
    else:
        write_answers_stat(data, df, out, suffix[1:])
    return f"wrote {len(df)} answers with {len(data.codes)} code columns (coder {data.coder}) to {out}"
