"""Theme frequencies per question × band × group × code: the tables behind the report's
"dominant explanations" (contract CSV; formatted XLSX with small cells suppressed).

n_answers counts answers with text in the band and group, whether coded yet or not, so a
share never looks larger because coding is unfinished; n_coded counts an answer once per code
however many spans carry it. pct uses Python's round(x, 1) exactly as the contract's checker.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd

from workbench.bulk import gc_paused
from workbench.errors import InputError
from workbench.export import data as D
from workbench.export.atomic import atomic_path, atomic_write_bytes
from workbench.export.safety import header_row, is_small, neutralise, suppressed

CONTRACT_COLUMNS = ["question", "band", "group", "code", "n_coded", "n_answers", "pct"]
COLUMNS = CONTRACT_COLUMNS + ["small_cell"]


def pct(n: int, den: int) -> Optional[float]:
    return round(100 * n / den, 1) if den else None


def band_order(data: D.CodedData) -> list[str]:
    """The survey's bands in report order, then "" (the answers of open questions)."""
    return list(data.bands) + [""]


def band_title(data: D.CodedData, band: str) -> str:
    return data.definition.band_label(band) if band else "Åbent spørgsmål"


def _open_questions(data: D.CodedData) -> set[str]:
    """Questions without a score: their answers have no band, yet their themes count."""
    return {q.key for q in data.definition.questions if not q.scored}


def texts_in_bands(data: D.CodedData) -> pd.DataFrame:
    """The answers a frequency counts: with text, and in a band (any answer of an open question,
    its band then "")."""
    a = data.answers
    opened = a["question"].isin(_open_questions(data))
    a = a[a["has_text"] & (a["band"].notna() | opened)]
    if opened.any():
        a = a.assign(band=a["band"].where(a["band"].notna(), ""))
    return a


def compute_frequencies(data: D.CodedData, by: Optional[str] = None, include_all: bool = True) -> pd.DataFrame:
    """The long table (COLUMNS), every code for every question/band/group with answers.
    ``by`` is any variable of the survey (default: the definition's report grouping); the
    group column holds the group as exported (label, bin, mapped value).

    Counted with integer keys: each answer's (question, band, group) cell numbered once, the
    denominators a ``bincount`` of the cells, the numerators one of (cell, code) over the
    coder's distinct (answer, code) pairs (100,000 answers in a few milliseconds, where a
    groupby over string columns per code took a fifth of a second)."""
    by = D.check_by(by or data.definition.default_group or D.ALL, data.definition)
    a = texts_in_bands(data)
    keys = list(data.codes["key"])
    rows, cols = _coded_pairs(data, a, keys)
    q_codes, q_uniq = pd.factorize(a["question"].to_numpy())
    b_codes, b_uniq = pd.factorize(a["band"].to_numpy())
    parts = []
    for col in dict.fromkeys([by, D.ALL] if include_all else [by]):
        g_codes, g_uniq = pd.factorize(a[col].to_numpy())  # missing group: -1
        if not keys or not len(g_uniq):
            continue
        ng, nb = len(g_uniq), len(b_uniq)
        cell = np.where(g_codes >= 0, (q_codes * nb + b_codes) * ng + g_codes, -1)
        n_cells = len(q_uniq) * nb * ng
        dens = np.bincount(cell[cell >= 0], minlength=n_cells)
        pc = cell[rows]
        keep = pc >= 0
        nums = np.bincount(pc[keep] * len(keys) + cols[keep], minlength=n_cells * len(keys)).reshape(n_cells, len(keys))
        present = np.flatnonzero(dens)
        qi, rest = np.divmod(present, nb * ng)
        bi, gi = np.divmod(rest, ng)
        k = len(keys)
        parts.append(pd.DataFrame({
            "question": np.repeat(q_uniq[qi], k), "band": np.repeat(b_uniq[bi], k),
            "group": np.repeat(g_uniq[gi], k), "code": np.tile(np.asarray(keys, dtype=object), len(present)),
            "n_coded": nums[present].ravel(), "n_answers": np.repeat(dens[present], k)}))
    if parts:
        df = pd.concat(parts, ignore_index=True)
        n_coded = [int(x) for x in df["n_coded"]]
        n_ans = [int(x) for x in df["n_answers"]]
        df["n_coded"], df["n_answers"] = n_coded, n_ans
        df["pct"] = [pct(n, d) for n, d in zip(n_coded, n_ans)]  # Python round(), as the contract
        df["small_cell"] = [int(is_small(d, data.min_cell)) for d in n_ans]
        df = df[COLUMNS]
    else:
        df = pd.DataFrame(columns=COLUMNS)
    if not df.empty:
        qpos = dict(zip(data.questions["key"], data.questions["position"]))
        gpos = {g: i for i, g in enumerate(data.groups(by) + ([D.ALL] if include_all else []))}
        bpos = {b: i for i, b in enumerate(band_order(data))}
        cpos = {k: i for i, k in enumerate(keys)}
        df = df.assign(_q=df["question"].map(lambda q: (qpos.get(q, 99), q)),
                       _b=df["band"].map(lambda b: bpos.get(b, len(bpos))),
                       _g=df["group"].map(lambda g: gpos.get(g, len(gpos))), _c=df["code"].map(cpos))
        df = df.sort_values(["_q", "_b", "_g", "_c"], kind="stable").drop(columns=["_q", "_b", "_g", "_c"])
    return df.reset_index(drop=True)


def _coded_pairs(data: D.CodedData, a: pd.DataFrame, keys: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(row of ``a``, position in ``keys``) of every answer × code the coder applied, each pair
    once however often the code occurs in the answer."""
    cod = data.codings
    if cod.empty or not keys or not len(a):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    row = pd.Index(a["answer_id"]).get_indexer(cod["answer_id"])
    col = pd.Index(keys).get_indexer(cod["code"])
    ok = (row >= 0) & (col >= 0)
    pairs = np.unique(row[ok].astype(np.int64) * len(keys) + col[ok])
    return np.divmod(pairs, len(keys))


def frequencies_csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 with BOM so Excel reads æøå; the body holds data only (no header lines)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(COLUMNS)
    for r in df.itertuples(index=False):
        w.writerow([neutralise(r.question), r.band, neutralise(str(r.group)), neutralise(r.code), r.n_coded,
                    r.n_answers, "" if r.pct is None or pd.isna(r.pct) else repr(float(r.pct)), r.small_cell])
    return buf.getvalue().encode("utf-8-sig")


def write_frequencies_xlsx(data: D.CodedData, df: pd.DataFrame, by: str, out) -> None:
    """One sheet per question: a block per band, a row per code (most frequent first), per group
    the share and the count; groups with fewer answers than min_cell show "<min_cell"."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    from workbench.export.data import about_sheet
    from workbench.export.safety import print_setup, set_text

    wb = Workbook()
    wb.remove(wb.active)
    present_groups, present_qs = set(df["group"]), set(df["question"])  # once, not per element
    groups = [g for g in data.groups(by) + [D.ALL] if g in present_groups]
    bold, head_fill = Font(bold=True), PatternFill("solid", fgColor="DDDDDD")
    small = suppressed(data.min_cell)
    note = data.coverage_note()
    labels: dict[str, str] = {}  # data.code_label, looked up once instead of per row
    for key, label in zip(data.codes["key"], data.codes["label"]):
        labels.setdefault(key, str(label))
    for q in [k for k in data.questions["key"] if k in present_qs] or []:
        ws = wb.create_sheet(q[:31])
        set_text(ws.cell(1, 1), question_title(data, q)).font = Font(bold=True, size=13)
        set_text(ws.cell(2, 1), data.header("Temafrekvenser"))
        set_text(ws.cell(3, 1), f"Andel af svar med tekst i båndet og gruppen, der har temaet (n = antal svar). "
                                f"Celler med under {data.min_cell} svar vises som {small}.")
        if note:
            set_text(ws.cell(4, 1), note).font = Font(bold=True, color="9C0006")
        hdr = ["Bånd", "Tema", "Kode-id"]
        for g in groups:
            hdr += [f"{data.group_label(by, g)} %", f"{data.group_label(by, g)} n"]
        for c in header_row(ws, 5, hdr, bold, head_fill):
            c.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "D6"
        r = 6
        dq = df[df["question"] == q]
        for b in band_order(data):
            db = dq[dq["band"] == b]
            if db.empty:
                continue
            dens = db.drop_duplicates("group").set_index("group")["n_answers"].to_dict()
            set_text(ws.cell(r, 1), band_title(data, b)).font = bold
            set_text(ws.cell(r, 2), "Svar med tekst (n)").font = bold
            for i, g in enumerate(groups):
                n = dens.get(g)
                if n is not None:
                    ws.cell(r, 5 + 2 * i, n if not is_small(n, data.min_cell) else small)
            r += 1
            cells = {(k, g): (p, n, sm) for k, g, p, n, sm in
                     zip(db["code"], db["group"], db["pct"], db["n_coded"], db["small_cell"])}
            total = db.groupby("code")["n_coded"].sum().to_dict()
            alle = {k: n for (k, g), (_p, n, _s) in cells.items() if g == D.ALL}
            codes = sorted(total, key=lambda k: (-int(alle.get(k, total[k])), k))
            for k in codes:
                if int(total[k]) == 0:
                    continue
                set_text(ws.cell(r, 1), band_title(data, b))
                set_text(ws.cell(r, 2), labels.get(k, k))
                set_text(ws.cell(r, 3), k)
                for i, g in enumerate(groups):
                    if (k, g) not in cells:
                        continue
                    p, n, sm = cells[(k, g)]
                    if sm:
                        ws.cell(r, 4 + 2 * i, small)
                        ws.cell(r, 5 + 2 * i, small)
                    else:
                        ws.cell(r, 4 + 2 * i, float(p) / 100).number_format = "0.0%"
                        ws.cell(r, 5 + 2 * i, int(n))
                r += 1
        ws.column_dimensions["A"].width = 10
        ws.column_dimensions["B"].width = 42
        ws.column_dimensions["C"].width = 26
        print_setup(ws, title_rows="5:5")
    write_tidy_sheet(wb.create_sheet("Data"), data, df, by, labels)
    about_sheet(wb, data, "Temafrekvenser", [
        ("Grupper", f"{data.variable_title(by)} ({by})"), ("Mindste celle", data.min_cell),
        ("Definition", "n_answers: svar med tekst i båndet og gruppen; n_coded: de af dem, der har temaet "
                       "(et svar tælles én gang pr. tema); pct = 100·n_coded/n_answers med én decimal.")])
    with atomic_path(out) as tmp:
        wb.save(tmp)


TIDY_COLUMNS = ["question", "band", "group", "group_label", "code", "code_label", "n_coded", "n_answers", "pct",
                "small_cell"]


def write_tidy_sheet(ws, data: D.CodedData, df: pd.DataFrame, by: str, labels: dict[str, str]) -> None:
    """The table as data, for pivot tables, R or pandas (``read_excel(sheet_name="Data")``):
    one heading row, a row per question × band × group × code, numbers only in the number
    columns. As on the formatted sheets, a code the coder did not use anywhere in a question's
    band is left out (the CSV has every code); its groups' zeros stay. A cell under the
    small-cell rule has its counts and share left empty and ``small_cell`` = 1, as the
    formatted sheets show "<min_cell"."""
    from openpyxl.styles import Font, PatternFill

    from workbench.export.safety import header_row, inert_text, print_setup

    header_row(ws, 1, TIDY_COLUMNS, Font(bold=True), PatternFill("solid", fgColor="DDDDDD"))
    ws.freeze_panes = "A2"
    used = df.groupby(["question", "band", "code"], sort=False)["n_coded"].transform("sum") > 0
    df = df[used.to_numpy()]
    text = {v: inert_text(v) for col in ("question", "band", "code") for v in set(df[col])}  # each once
    groups = {g: (inert_text(g), inert_text(data.group_label(by, g))) for g in set(df["group"])}
    codes = {k: (text[k], inert_text(labels.get(k, k))) for k in set(df["code"])}
    for q, b, g, k, n, d, p, small in zip(df["question"], df["band"], df["group"], df["code"], df["n_coded"],
                                         df["n_answers"], df["pct"], df["small_cell"]):
        shown = () if small else (int(n), int(d), None if p is None or pd.isna(p) else float(p))
        ws.append((text[q], text[b], *groups[g], *codes[k], *(shown or (None, None, None)), int(small)))
    for col, width in zip("ABCDEFGHIJ", (10, 10, 14, 30, 26, 42, 9, 10, 7, 10)):
        ws.column_dimensions[col].width = width
    ws.auto_filter.ref = f"A1:J{max(1, len(df) + 1)}"
    print_setup(ws, title_rows="1:1")


def question_title(data: D.CodedData, q: str) -> str:
    """"key — topic: wording" for a sheet or a heading."""
    qd = data.question_def(q)
    info = data.question_info(q)
    topic = (qd.topic if qd else "") or info.get("topic", "") or ""
    wording = (qd.question if qd else "") or info.get("text", "") or ""
    return f"{q} — {topic}: {wording}" if topic and topic != wording else f"{q} — {wording or topic}"


@gc_paused()  # tens of thousands of cells: no cyclic collection over the whole heap meanwhile
def export_frequencies(store, out, by: Optional[str] = None, coder: Optional[str] = None, year=None) -> str:
    """Write theme frequencies to ``out`` (.csv or .xlsx); returns a one-line summary."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise InputError("the output must end in .csv or .xlsx", file=str(out))
    data = D.load(store, coder, year=year, with_text=False, spans=False,
                  variables=lambda defn: [D.check_by(by or defn.default_group or D.ALL, defn)])
    by = by or data.definition.default_group or D.ALL
    df = compute_frequencies(data, by)
    if suffix == ".csv":
        atomic_write_bytes(out, frequencies_csv_bytes(df))
    else:
        write_frequencies_xlsx(data, df, by, out)
    n_q = df["question"].nunique() if not df.empty else 0
    return (f"wrote theme frequencies ({len(df)} rows, {n_q} questions, by {by}, coder {data.coder}) to {out}")
