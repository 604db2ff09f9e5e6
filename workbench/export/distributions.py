"""Answer distributions of the scale questions as the report shows them, with its tests.

Descriptive shares are whole percents of everyone in the group who answered the question
(ved ikke included, blank excluded), each rounded half up on its own, so a row may add to
99–102 as in the report. Tests leave ved ikke (9) out:
- t-test: Welch's (``scipy.stats.ttest_ind(equal_var=False)``), each subgroup against the rest
  of its main group, the two main groups against each other (other ``--by``: each group
  against everyone else);
- OLS (statsmodels): ``score ~ main_group + gender + ethnicity + unemployment_months``; the
  main-group coefficient is the difference controlled for the background.
Significance: ** p < 0.05, * p < 0.10.
"""
from __future__ import annotations

import csv
import io
import math
import warnings
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd

from workbench.errors import InputError
from workbench.export import data as D
from workbench.export.atomic import atomic_path, atomic_write_bytes
from workbench.export.safety import is_small, neutralise, safe_value, set_text, suppressed

CATEGORIES = (1, 2, 3, 4, 5, 9)
TEST_NAME = "Welch t-test (scipy.stats.ttest_ind, equal_var=False), ved ikke udeladt"
OLS_FORMULA = "score ~ main_group + gender + ethnicity + unemployment_months"
COLUMNS = (["question", "by", "group", "group_label", "level", "n"] + [f"pct_{c}" for c in CATEGORIES]
           + ["positive", "negative", "n_scale", "mean", "compared_with", "mean_other", "diff", "t_p", "t_sig",
              "ols_coef", "ols_p", "ols_sig", "ols_n", "small_cell"])


def whole_percent(k: int, n: int) -> Optional[int]:
    """100·k/n rounded half up, in exact integer arithmetic (no float or banker's rounding)."""
    return (200 * k + n) // (2 * n) if n else None


def sig_mark(p: Optional[float]) -> str:
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return ""
    return "**" if p < 0.05 else "*" if p < 0.10 else ""


def welch(a, b) -> float:
    """Welch's t-test p-value; NaN when a side has fewer than two scores or no variance at all."""
    from scipy import stats

    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if len(a) < 2 or len(b) < 2:
        return float("nan")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(stats.ttest_ind(a, b, equal_var=False).pvalue)


def ols_main_group(frame: pd.DataFrame, group: str) -> tuple[float, float, int]:
    """Coefficient and p of ``main_group == group`` in OLS_FORMULA (scores 1–5 only).

    Covariates with a single level in the data are dropped rather than failing the model.
    """
    import statsmodels.formula.api as smf

    f = frame[frame["score"].between(1, 5)].dropna(subset=["main_group"]).copy()
    f["score"] = f["score"].astype(float)
    terms = [f"C(main_group, Treatment(reference='{_other(f, group)}'))"]
    cols = ["score", "main_group"]
    for c in ("gender", "ethnicity"):
        if f[c].nunique(dropna=True) > 1:
            terms.append(f"C({c})")
            cols.append(c)
    if f["unemployment_months"].notna().sum() > 0:
        f["unemployment_months"] = f["unemployment_months"].astype(float)
        terms.append("unemployment_months")
        cols.append("unemployment_months")
    f = f[cols].dropna()
    if f["main_group"].nunique() < 2 or len(f) <= len(terms) + 1:
        return float("nan"), float("nan"), len(f)
    res = smf.ols("score ~ " + " + ".join(terms), data=f).fit()
    name = next(n for n in res.params.index if n.startswith("C(main_group") and n.endswith(f"[T.{group}]"))
    return float(res.params[name]), float(res.pvalues[name]), int(res.nobs)


def _other(f: pd.DataFrame, group: str) -> str:
    others = sorted(set(f["main_group"].dropna()) - {group})
    return others[0] if others else group


def _describe(scores: pd.Series) -> dict:
    s = scores.dropna().astype(int)
    n = len(s)
    counts = {c: int((s == c).sum()) for c in CATEGORIES}
    scale = s[s != 9]
    out = {"n": n, **{f"pct_{c}": whole_percent(counts[c], n) for c in CATEGORIES},
           "positive": whole_percent(counts[4] + counts[5], n), "negative": whole_percent(counts[1] + counts[2], n),
           "n_scale": len(scale), "mean": float(scale.mean()) if len(scale) else float("nan")}
    return out


def compute_distributions(data: D.CodedData, by: str = "main_group") -> pd.DataFrame:
    """One row per question × group (COLUMNS). With ``by=subgroup`` the main groups and
    ``alle`` follow the subgroups, so every test of the report is in one table."""
    D.check_by(by)
    a = data.answers[data.answers["score"].notna()]
    rows = []
    levels = [by] + (["main_group"] if by == "subgroup" else []) + [D.ALL]
    for q in data.questions["key"]:
        aq = a[a["question"] == q]
        if aq.empty:
            continue
        scale = aq[aq["score"] != 9]
        ols_cache: dict[str, tuple[float, float, int]] = {}
        for level in levels:
            groups = [D.ALL] if level == D.ALL else data.groups(level)
            for g in groups:
                mine = aq[aq[level] == g]
                if mine.empty:
                    continue
                r = dict(question=q, by=by, group=g, group_label=data.group_label(level, g) if level != D.ALL else "Alle",
                         level=level, **_describe(mine["score"]))
                r.update(compared_with="", mean_other=float("nan"), diff=float("nan"), t_p=float("nan"),
                         ols_coef=float("nan"), ols_p=float("nan"), ols_n=0)
                ms = scale[scale[level] == g]["score"]
                if level == "subgroup":
                    main = mine["main_group"].dropna()
                    main = main.iloc[0] if len(main) else None
                    rest = scale[(scale["main_group"] == main) & (scale["subgroup"] != g)]["score"]
                    r["compared_with"] = f"resten af {main}"
                elif level == "main_group":
                    rest = scale[scale["main_group"].notna() & (scale["main_group"] != g)]["score"]
                    others = sorted(set(scale["main_group"].dropna()) - {g})
                    r["compared_with"] = " + ".join(others)
                    if others:
                        if g not in ols_cache:
                            ols_cache[g] = ols_main_group(aq, g)
                        r["ols_coef"], r["ols_p"], r["ols_n"] = ols_cache[g]
                elif level == D.ALL:
                    rest = None
                else:
                    rest = scale[scale[level].notna() & (scale[level] != g)]["score"]
                    r["compared_with"] = "de øvrige"
                if rest is not None:
                    r["mean_other"] = float(rest.mean()) if len(rest) else float("nan")
                    r["diff"] = r["mean"] - r["mean_other"]
                    r["t_p"] = welch(ms.astype(float), rest.astype(float))
                r["t_sig"], r["ols_sig"] = sig_mark(r["t_p"]), sig_mark(r["ols_p"])
                r["small_cell"] = int(is_small(r["n"], data.min_cell))
                rows.append(r)
    return pd.DataFrame(rows, columns=COLUMNS)


def _fmt(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, float):
        return repr(round(v, 6)) if not v.is_integer() else repr(v)
    return neutralise(v) if isinstance(v, str) else v


def distributions_csv_bytes(df: pd.DataFrame) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(COLUMNS)
    for row in df.itertuples(index=False, name=None):
        w.writerow([_fmt(v.item() if hasattr(v, "item") else v) for v in row])
    return buf.getvalue().encode("utf-8-sig")


def write_distributions_xlsx(data: D.CodedData, df: pd.DataFrame, by: str, out) -> None:
    """A sheet per question laid out like the report's tables; small groups' shares hidden."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    wb.remove(wb.active)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDDDDD")
    small = suppressed(data.min_cell)
    for q in df["question"].unique():
        info = data.question_info(q)
        labels = list(info.get("scale_labels") or [])
        labels = (labels + [""] * 6)[:6]
        ws = wb.create_sheet(str(q)[:31])
        set_text(ws.cell(1, 1), f"{q} — {info.get('topic', '')}: {info.get('text', '')}").font = Font(bold=True, size=13)
        set_text(ws.cell(2, 1), data.header("Svarfordelinger"))
        set_text(ws.cell(3, 1), f"Procent af alle i gruppen, der har svaret (hele procent). Test: {TEST_NAME}; "
                                f"OLS: {OLS_FORMULA}. ** p < 0,05, * p < 0,10.")
        hdr = ["Gruppe", "n"] + [f"{c} {lbl}".strip() for c, lbl in zip(CATEGORIES, labels)] + [
            "Positive (4+5)", "Negative (1+2)", "Gns. (1–5)", "Sammenlignet med", "Forskel", "p (t-test)", "",
            "OLS-koef.", "p (OLS)", ""]
        for j, h in enumerate(hdr, start=1):
            c = set_text(ws.cell(5, j), h)
            c.font, c.fill = bold, fill
        ws.freeze_panes = "C6"
        for i, r in enumerate(df[df["question"] == q].to_dict("records"), start=6):
            set_text(ws.cell(i, 1), r["group_label"]).font = bold if r["level"] != by else Font()
            safe_value(ws.cell(i, 2), r["n"])
            hide = bool(r["small_cell"])
            vals = [r[f"pct_{c}"] for c in CATEGORIES] + [r["positive"], r["negative"]]
            for j, v in enumerate(vals, start=3):
                if hide:
                    ws.cell(i, j, small)
                else:
                    safe_value(ws.cell(i, j), v)
            safe_value(ws.cell(i, 11), None if hide else r["mean"]).number_format = "0.00"
            set_text(ws.cell(i, 12), r["compared_with"])
            safe_value(ws.cell(i, 13), None if hide else r["diff"]).number_format = "0.00"
            safe_value(ws.cell(i, 14), None if hide else r["t_p"]).number_format = "0.000"
            set_text(ws.cell(i, 15), "" if hide else r["t_sig"])
            safe_value(ws.cell(i, 16), r["ols_coef"]).number_format = "0.00"
            safe_value(ws.cell(i, 17), r["ols_p"]).number_format = "0.000"
            set_text(ws.cell(i, 18), r["ols_sig"])
        ws.column_dimensions["A"].width = 46
    D.about_sheet(wb, data, "Svarfordelinger", [("Grupper", by), ("Mindste celle", data.min_cell),
                                                ("t-test", TEST_NAME), ("OLS", OLS_FORMULA),
                                                ("Signifikans", "** p < 0,05; * p < 0,10")])
    with atomic_path(out) as tmp:
        wb.save(tmp)


def export_distributions(store, out, by: str = "main_group", year=None) -> str:
    """Write answer distributions and tests (.csv long format, or .xlsx report tables)."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise InputError("the output must end in .csv or .xlsx", file=str(out))
    data = D.load(store, with_codings=False, year=year)
    df = compute_distributions(data, by)
    if suffix == ".csv":
        atomic_write_bytes(out, distributions_csv_bytes(df))
    else:
        write_distributions_xlsx(data, df, by, out)
    return f"wrote answer distributions ({len(df)} rows, by {by}; {TEST_NAME}) to {out}"
