"""Answer distributions of the scored questions as the report shows them, with its tests, and
the year-on-year comparison of two waves.

Everything is read from the survey definition: the scores of each question's scale and its
"don't know" codes, its bands, the groups of ``--by`` and the OLS controls.

Descriptive shares are whole percents of everyone in the group who answered the question
(don't know included, blank excluded), each rounded half up on its own, so a row may add to
99–102 as in the report. Tests use the scores inside the scale only:
- t-test: Welch's (``scipy.stats.ttest_ind(equal_var=False)``). A group of a variable that
  another variable is derived from (a target group of a main group) is tested against the rest
  of its group in the derived variable; any other group against everyone else;
- OLS (statsmodels), when the definition names controls (``report.controls``):
  ``score ~ [in the group] + controls`` over the same people as the t-test; category controls
  enter as dummies, number controls as numbers. The coefficient is the difference controlled
  for the background.
Significance: ** p < 0.05, * p < 0.10.

Year on year (contract "Year on year (CSV)"): per scored question (matched by key across
waves) and group, the mean of the in-scale scores in each year, their difference and Welch's
p; the XLSX adds the themes' shares in both years.
"""
from __future__ import annotations

import csv
import io
import math
import warnings
from dataclasses import replace
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd

from workbench.coding.definition import DONT_KNOW, STANDARD_BANDS, SurveyDefinition, builtin
from workbench.errors import InputError
from workbench.export import data as D
from workbench.export.atomic import atomic_path, atomic_write_bytes
from workbench.export.safety import header_row, is_small, print_setup, neutralise, safe_value, set_text, suppressed

TEST_NAME = "Welch t-test (scipy.stats.ttest_ind, equal_var=False), kun scorer inden for skalaen (ved ikke udeladt)"
SHARE_BANDS = {"positive": "positiv", "negative": "negativ"}  # column -> band whose share it holds
HEAD = ["question", "by", "group", "group_label", "level", "n"]
TAIL = ["n_scale", "mean", "compared_with", "mean_other", "diff", "t_p", "t_sig", "ols_coef", "ols_p", "ols_sig",
        "ols_n", "small_cell"]


def score_columns(defn: SurveyDefinition) -> list[int]:
    """Every score of the survey's scales (in-scale first, then the don't-know codes)."""
    scale, dk = set(), set()
    for q in defn.questions:
        if q.scored and q.scale:
            scale.update(range(q.scale[0], q.scale[1] + 1))
            dk.update(d for d in q.dont_know if d not in scale)
    return sorted(scale) + sorted(dk - scale)


def extra_bands(defn: SurveyDefinition) -> list[str]:
    """Bands beyond the standard ones; each gets a ``band_<name>`` share column."""
    return [b for b in defn.bands if b not in STANDARD_BANDS]


def columns_for(defn: SurveyDefinition) -> list[str]:
    return (HEAD + [f"pct_{c}" for c in score_columns(defn)] + list(SHARE_BANDS)
            + [f"band_{b}" for b in extra_bands(defn)] + TAIL)


COLUMNS = columns_for(builtin())  # the built-in survey's columns; other surveys: columns_for(defn)


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


# -- OLS -----------------------------------------------------------------------------------
def controls_for(defn: SurveyDefinition, level: str) -> list[str]:
    """The definition's controls usable beside ``level`` (not the variable itself, nor one it is
    derived from or that is derived from it: they would say the same thing)."""
    v = defn.variable(level)
    related = {level, v.source if v else None} | set(defn.parents(level))
    return [c for c in (defn.report.get("controls") or []) if defn.variable(c) is not None and c not in related]


def ols_formula(defn: SurveyDefinition, level: str) -> str:
    ctl = controls_for(defn, level)
    return f"score ~ [{level} = gruppen] + " + " + ".join(ctl) if ctl else ""


def control_design(frame: pd.DataFrame, defn: SurveyDefinition, controls: list[str]) -> pd.DataFrame:
    """The controls as model columns over ``frame``: number variables as numbers (their stored
    value), the others as one dummy per group (``ols_group`` leaves one out per control);
    NaN where a control is missing."""
    parts = []
    for c in controls:
        v = defn.variable(c)
        if v.type == "number" and not v.derived and D.VALUE + c in frame:
            parts.append(pd.to_numeric(frame[D.VALUE + c], errors="coerce").astype(float).rename(c))
        else:
            x = frame[c]
            d = pd.get_dummies(x, prefix=c, prefix_sep="\x00", dtype=float)
            d[x.isna().to_numpy()] = np.nan
            parts.append(d)
    return pd.concat(parts, axis=1) if parts else pd.DataFrame(index=frame.index)


def ols_group(frame: pd.DataFrame, defn: SurveyDefinition, level: str, group: str,
              design: Optional[pd.DataFrame] = None) -> tuple[float, float, int]:
    """Coefficient and p of "in ``group``" against the rest of ``frame`` (in-scale scores of the
    compared people), controlled for the definition's controls; NaN when it cannot be fitted.
    A control with one level among these people is left out, as is each category's first level."""
    import statsmodels.api as sm

    controls = controls_for(defn, level)
    if not controls:
        return float("nan"), float("nan"), 0
    ctl = (design if design is not None else control_design(frame, defn, controls)).loc[frame.index]
    y = frame["score"].astype(float).to_numpy()
    g = (frame[level] == group).to_numpy(dtype=float)
    ok = ~np.isnan(ctl.to_numpy()).any(axis=1) if ctl.shape[1] else np.ones(len(frame), dtype=bool)
    y, g, ctl = y[ok], g[ok], ctl[ok]
    if len(np.unique(g)) < 2:
        return float("nan"), float("nan"), int(ok.sum())
    cols = [np.ones(len(y)), g]
    seen_first: set[str] = set()
    for name in ctl.columns:
        x = ctl[name].to_numpy()
        if np.all(x == x[0]):
            continue  # constant here: a level nobody has, or a number everybody shares
        var = name.split("\x00")[0]
        if "\x00" in name and var not in seen_first:
            seen_first.add(var)  # the first level present is the reference
            continue
        cols.append(x)
    X = np.column_stack(cols)
    if len(y) <= X.shape[1]:
        return float("nan"), float("nan"), len(y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sm.OLS(y, X).fit()
    return float(res.params[1]), float(res.pvalues[1]), int(res.nobs)


# -- distributions -------------------------------------------------------------------------
def _describe(scores: pd.Series, bands: pd.Series, qd, score_cols: list[int], band_cols: list[str]) -> dict:
    s = scores.astype(int)
    n = len(s)
    valid = set(qd.valid_scores())
    counts = s.value_counts().to_dict()
    out = {"n": n}
    for c in score_cols:
        out[f"pct_{c}"] = whole_percent(int(counts.get(c, 0)), n) if c in valid else None
    bc = bands.value_counts().to_dict()
    for col, b in SHARE_BANDS.items():
        out[col] = whole_percent(int(bc.get(b, 0)), n) if b in qd.bands else None
    for b in band_cols:
        out[f"band_{b}"] = whole_percent(int(bc.get(b, 0)), n) if b in qd.bands else None
    scale = s[s.between(*qd.scale)] if n else s
    out["n_scale"] = len(scale)
    out["mean"] = float(scale.mean()) if len(scale) else float("nan")
    return out


def _levels(defn: SurveyDefinition, by: str) -> list[str]:
    """``by``, the variables derived from it (its groups' parents), then everyone."""
    if by == D.ALL:
        return [D.ALL]
    return list(dict.fromkeys([by] + defn.parents(by) + [D.ALL]))


def _others_label(data: D.CodedData, level: str, others: list[str]) -> str:
    if 0 < len(others) <= 3:
        return " + ".join(str(o) for o in others)
    return "de øvrige"


def _scored_questions(data: D.CodedData, answers: pd.DataFrame):
    """(key, definition, its answers) of every scored question with answers, in questionnaire order."""
    for q in data.questions["key"]:
        qd = data.definition.question(q)
        if qd is None or not qd.scored:
            continue
        aq = answers[answers["question"] == q]
        if not aq.empty:
            yield q, qd, aq


def compute_distributions(data: D.CodedData, by: Optional[str] = None) -> pd.DataFrame:
    """One row per scored question × group (``columns_for(definition)``). The groups of the
    variables derived from ``by`` and ``alle`` follow ``by``'s groups, so every test of the
    report is in one table."""
    defn = data.definition
    by = D.check_by(by or defn.default_group or D.ALL, defn)
    score_cols, band_cols = score_columns(defn), extra_bands(defn)
    levels = _levels(defn, by)
    parents = defn.parents(by) if by != D.ALL else []
    # only the columns the tests read: every filter below copies the columns it keeps
    need = ["question", "score", "band", D.ALL] + levels
    for lvl in levels:
        for c in controls_for(defn, lvl) if lvl != D.ALL else []:
            need += [c, D.VALUE + c]
    ans = data.answers
    a = ans.loc[ans["score"].notna(), [c for c in dict.fromkeys(need) if c in ans]]
    a = a.assign(score=a["score"].astype(int))
    rows = []
    for q, qd, aq in _scored_questions(data, a):
        lo, hi = qd.scale
        scale = aq[aq["band"].notna() & (aq["band"] != DONT_KNOW) & aq["score"].between(lo, hi)]
        designs = {lvl: control_design(scale, defn, controls_for(defn, lvl)) for lvl in levels
                   if lvl != D.ALL and controls_for(defn, lvl)}
        for level in levels:
            groups = [D.ALL] if level == D.ALL else data.groups(level)
            for g in groups:
                mine = aq[aq[level] == g]
                if mine.empty:
                    continue
                r = dict(question=q, by=by, group=g, group_label=data.group_label(level, g), level=level,
                         **_describe(mine["score"], mine["band"], qd, score_cols, band_cols))
                r.update(compared_with="", mean_other=float("nan"), diff=float("nan"), t_p=float("nan"),
                         ols_coef=float("nan"), ols_p=float("nan"), ols_n=0)
                ms = scale[scale[level] == g]["score"]
                pool = None
                if level == D.ALL:
                    pass
                elif level == by and parents:
                    parent = parents[0]
                    up = mine[parent].dropna()
                    up = up.iloc[0] if len(up) else None
                    if up is not None:
                        pool = scale[scale[parent] == up]
                        r["compared_with"] = f"resten af {up}"
                if level != D.ALL and pool is None:
                    pool = scale[scale[level].notna()]
                    r["compared_with"] = _others_label(data, level, sorted(set(pool[level]) - {g}, key=str))
                if pool is not None:
                    rest = pool[pool[level] != g]["score"]
                    r["mean_other"] = float(rest.mean()) if len(rest) else float("nan")
                    r["diff"] = r["mean"] - r["mean_other"]
                    r["t_p"] = welch(ms.astype(float), rest.astype(float))
                    if len(rest):
                        r["ols_coef"], r["ols_p"], r["ols_n"] = ols_group(pool, defn, level, g, designs.get(level))
                r["t_sig"], r["ols_sig"] = sig_mark(r["t_p"]), sig_mark(r["ols_p"])
                r["small_cell"] = int(is_small(r["n"], data.min_cell))
                rows.append(r)
    return pd.DataFrame(rows, columns=columns_for(defn))


def _fmt(v, digits: int = 6):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, float):
        return repr(round(v, digits)) if not v.is_integer() else repr(v)
    return neutralise(v) if isinstance(v, str) else v


def _csv_bytes(df: pd.DataFrame, digits: int = 6) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(list(df.columns))
    for row in df.itertuples(index=False, name=None):
        w.writerow([_fmt(v.item() if hasattr(v, "item") else v, digits) for v in row])
    return buf.getvalue().encode("utf-8-sig")


def distributions_csv_bytes(df: pd.DataFrame) -> bytes:
    return _csv_bytes(df)


def _range_text(lo: int, hi: int) -> str:
    return str(lo) if lo == hi else f"{lo}–{hi}"


def write_distributions_xlsx(data: D.CodedData, df: pd.DataFrame, by: str, out) -> None:
    """A sheet per question laid out like the report's tables, in the question's own scale;
    small groups' shares hidden."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from workbench.export.frequencies import question_title

    defn = data.definition
    wb = Workbook()
    wb.remove(wb.active)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDDDDD")
    small = suppressed(data.min_cell)
    formulas = {lvl: ols_formula(defn, lvl) for lvl in _levels(defn, by) if lvl != D.ALL}
    formula_text = "; ".join(f for f in dict.fromkeys(formulas.values()) if f) or "ingen kontrolvariable i definitionen"
    for q in df["question"].unique():
        qd = defn.question(q)
        scores = qd.valid_scores()
        shares = [(col, b) for col, b in SHARE_BANDS.items() if b in qd.bands] + \
                 [(f"band_{b}", b) for b in extra_bands(defn) if b in qd.bands]
        ws = wb.create_sheet(str(q)[:31])
        set_text(ws.cell(1, 1), question_title(data, q)).font = Font(bold=True, size=13)
        set_text(ws.cell(2, 1), data.header("Svarfordelinger"))
        set_text(ws.cell(3, 1), f"Procent af alle i gruppen, der har svaret (hele procent). Test: {TEST_NAME}; "
                                f"OLS: {formula_text}. ** p < 0,05, * p < 0,10.")
        lo, hi = qd.scale
        hdr = ["Gruppe", "n"] + [f"{v} {qd.score_label(v)}" if qd.score_label(v) != str(v) else str(v)
                                 for v in scores]
        hdr += [f"{defn.band_label(b)} ({_range_text(*qd.bands[b])})" for _c, b in shares]
        hdr += [f"Gns. ({lo}–{hi})", "Sammenlignet med", "Forskel", "p (t-test)", "", "OLS-koef.", "p (OLS)", ""]
        for c in header_row(ws, 5, hdr, bold, fill):
            c.alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[5].height = 60
        for j in range(2, len(hdr) + 1):  # numbers: narrow columns, the headings wrap
            ws.column_dimensions[get_column_letter(j)].width = 9
        ws.freeze_panes = "C6"
        for i, r in enumerate(df[df["question"] == q].to_dict("records"), start=6):
            set_text(ws.cell(i, 1), r["group_label"]).font = bold if r["level"] != by else Font()
            safe_value(ws.cell(i, 2), r["n"])
            hide = bool(r["small_cell"])
            vals = [r[f"pct_{v}"] for v in scores] + [r[c] for c, _b in shares]
            for j, v in enumerate(vals, start=3):
                if hide:
                    ws.cell(i, j, small)
                else:
                    safe_value(ws.cell(i, j), None if v is None or (isinstance(v, float) and math.isnan(v)) else v)
            j = 3 + len(vals)
            safe_value(ws.cell(i, j), None if hide else r["mean"]).number_format = "0.00"
            set_text(ws.cell(i, j + 1), r["compared_with"])
            safe_value(ws.cell(i, j + 2), None if hide else r["diff"]).number_format = "0.00"
            safe_value(ws.cell(i, j + 3), None if hide else r["t_p"]).number_format = "0.000"
            set_text(ws.cell(i, j + 4), "" if hide else r["t_sig"])
            safe_value(ws.cell(i, j + 5), r["ols_coef"]).number_format = "0.00"
            safe_value(ws.cell(i, j + 6), r["ols_p"]).number_format = "0.000"
            set_text(ws.cell(i, j + 7), r["ols_sig"])
        ws.column_dimensions["A"].width = 40
        ws.column_dimensions[get_column_letter(hdr.index("Sammenlignet med") + 1)].width = 16  # a group's name
        print_setup(ws, title_rows="5:5")
    D.about_sheet(wb, data, "Svarfordelinger", [("Grupper", f"{data.variable_title(by)} ({by})"),
                                                ("Mindste celle", data.min_cell),
                                                ("t-test", TEST_NAME), ("OLS", formula_text),
                                                ("Signifikans", "** p < 0,05; * p < 0,10")])
    with atomic_path(out) as tmp:
        wb.save(tmp)


def _suffix(out: Path) -> str:
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise InputError("the output must end in .csv or .xlsx", file=str(out))
    return suffix


def export_distributions(store, out, by: Optional[str] = None, year=None) -> str:
    """Write answer distributions and tests (.csv long format, or .xlsx report tables)."""
    out = Path(out)
    suffix = _suffix(out)
    data = D.load(store, with_codings=False, year=year)
    by = D.check_by(by or data.definition.default_group or D.ALL, data.definition)
    df = compute_distributions(data, by)
    if suffix == ".csv":
        atomic_write_bytes(out, distributions_csv_bytes(df))
    else:
        write_distributions_xlsx(data, df, by, out)
    return f"wrote answer distributions ({len(df)} rows, by {by}; {TEST_NAME}) to {out}"


# -- year on year --------------------------------------------------------------------------
YEAR_COLUMNS = ["question", "group", "year_a", "year_b", "n_a", "n_b", "mean_a", "mean_b", "diff", "p_value", "sig"]
THEME_COLUMNS = ["question", "band", "code", "year_a", "year_b", "n_answers_a", "n_coded_a", "pct_a",
                 "n_answers_b", "n_coded_b", "pct_b", "change_pp", "small_cell"]


def _two_years(data: D.CodedData, year_a: int, year_b: int) -> None:
    for y in (year_a, year_b):
        if y not in data.years:
            have = ", ".join(map(str, data.years)) or "none"
            raise InputError(f"the project holds no survey of {y} (years: {have})")
    if year_a == year_b:
        raise InputError(f"--compare-years needs two different years (got {year_a} twice)")


def compute_year_comparison(data: D.CodedData, year_a: int, year_b: int, by: Optional[str] = None) -> pd.DataFrame:
    """YEAR_COLUMNS: per scored question and group of ``by`` (and ``alle``), the means of the
    in-scale scores of both years (don't know and blank left out), diff = mean_b − mean_a,
    Welch's p (NaN where a year has fewer than two scores) and its marks."""
    defn = data.definition
    by = D.check_by(by or defn.default_group or D.ALL, defn)
    _two_years(data, year_a, year_b)
    a = data.answers[data.answers["score"].notna() & data.answers["band"].notna()
                     & (data.answers["band"] != DONT_KNOW) & data.answers["year"].isin([year_a, year_b])]
    groups = ([] if by == D.ALL else data.groups(by)) + [D.ALL]
    rows = []
    for q, qd, aq in _scored_questions(data, a):
        for g in groups:
            mine = aq if g == D.ALL else aq[aq[by] == g]
            xa = mine.loc[mine["year"] == year_a, "score"].astype(float).to_numpy()
            xb = mine.loc[mine["year"] == year_b, "score"].astype(float).to_numpy()
            if len(xa) == 0 and len(xb) == 0:
                continue
            ma = float(xa.mean()) if len(xa) else float("nan")
            mb = float(xb.mean()) if len(xb) else float("nan")
            p = welch(xa, xb)
            rows.append(dict(question=q, group=g, year_a=year_a, year_b=year_b, n_a=len(xa), n_b=len(xb),
                             mean_a=ma, mean_b=mb, diff=mb - ma, p_value=p, sig=sig_mark(p)))
    return pd.DataFrame(rows, columns=YEAR_COLUMNS)


def _year_slice(data: D.CodedData, year: int) -> D.CodedData:
    keep = data.answers["year"] == year
    ids = set(data.answers.loc[keep, "answer_id"])
    cod = data.codings[data.codings["answer_id"].isin(ids)] if len(data.codings) else data.codings
    return replace(data, answers=data.answers[keep], codings=cod, years=[year])


def compute_theme_comparison(data: D.CodedData, year_a: int, year_b: int) -> pd.DataFrame:
    """THEME_COLUMNS: per question, band and code, the share of the answers with text in the
    band carrying the code in each year (as the theme frequencies count it) and the change in
    percentage points; codes nobody gave in either year are left out."""
    from workbench.export.frequencies import band_order, compute_frequencies

    _two_years(data, year_a, year_b)
    keys = ["question", "band", "code"]
    fa = compute_frequencies(_year_slice(data, year_a), D.ALL, include_all=False)[keys + ["n_answers", "n_coded", "pct"]]
    fb = compute_frequencies(_year_slice(data, year_b), D.ALL, include_all=False)[keys + ["n_answers", "n_coded", "pct"]]
    m = fa.merge(fb, on=keys, how="outer", suffixes=("_a", "_b"))
    if m.empty:
        return pd.DataFrame(columns=THEME_COLUMNS)
    m = m[(m["n_coded_a"].fillna(0) > 0) | (m["n_coded_b"].fillna(0) > 0)].copy()
    # an answer-less band in one year still has its denominator there (0 coded of n)
    dens = {}
    for f, s in ((fa, "a"), (fb, "b")):
        dens[s] = f.drop_duplicates(["question", "band"]).set_index(["question", "band"])["n_answers"].to_dict()
    for s in ("a", "b"):
        m[f"n_answers_{s}"] = [int(dens[s].get((q, b), 0)) for q, b in zip(m["question"], m["band"])]
        m[f"n_coded_{s}"] = m[f"n_coded_{s}"].fillna(0).astype(int)
        m[f"pct_{s}"] = [round(100 * n / d, 1) if d else float("nan")
                         for n, d in zip(m[f"n_coded_{s}"], m[f"n_answers_{s}"])]
    m["change_pp"] = [round(b - a, 1) if not (math.isnan(a) or math.isnan(b)) else float("nan")
                      for a, b in zip(m["pct_a"], m["pct_b"])]
    m["year_a"], m["year_b"] = year_a, year_b
    m["small_cell"] = [int(is_small(x, data.min_cell) or is_small(y, data.min_cell))
                       for x, y in zip(m["n_answers_a"], m["n_answers_b"])]
    qpos = {k: i for i, k in enumerate(data.questions["key"])}
    bpos = {b: i for i, b in enumerate(band_order(data))}
    m = m.assign(_q=m["question"].map(lambda q: qpos.get(q, len(qpos))),
                 _b=m["band"].map(lambda b: bpos.get(b, len(bpos))), _c=-m[["n_coded_a", "n_coded_b"]].max(axis=1))
    m = m.sort_values(["_q", "_b", "_c", "code"], kind="stable")
    return m[THEME_COLUMNS].reset_index(drop=True)


def _load_themes(store, coder: Optional[str]) -> tuple[Optional[D.CodedData], str]:
    """All years with a coder's codings, or (None, why not) when the project has none to show."""
    try:
        return D.load(store, coder, year="all", with_text=False), ""
    except InputError as e:
        if coder:
            raise
        return None, str(e)


def write_year_xlsx(data: D.CodedData, df: pd.DataFrame, themes: Optional[pd.DataFrame], by: str,
                    year_a: int, year_b: int, out, note: str = "") -> None:
    """Sheet "År til år" (means, difference and marks), sheet "Temaer år til år" (theme shares
    of both years, change in percentage points) and "Om"."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    defn = data.definition
    wb = Workbook()
    ws = wb.active
    ws.title = "År til år"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDDDDD")
    up, down = PatternFill("solid", fgColor="C6EFCE"), PatternFill("solid", fgColor="FFC7CE")
    set_text(ws.cell(1, 1), f"Gennemsnit {year_a} og {year_b}").font = Font(bold=True, size=13)
    set_text(ws.cell(2, 1), data.header("Udvikling fra år til år"))
    set_text(ws.cell(3, 1), f"Gennemsnit af scorer inden for skalaen (ved ikke og blanke udeladt). Forskel = {year_b} − "
                            f"{year_a}. Welch t-test; ** p < 0,05, * p < 0,10.")
    hdr = ["Spørgsmål", "Gruppe", f"n {year_a}", f"n {year_b}", f"Gns. {year_a}", f"Gns. {year_b}", "Forskel",
           "p", "Signifikans", "Spørgsmål-id", "Gruppe-id"]
    header_row(ws, 5, hdr, bold, fill)
    ws.freeze_panes = "C6"
    for i, r in enumerate(df.to_dict("records"), start=6):
        qd = defn.question(r["question"])
        set_text(ws.cell(i, 1), qd.title if qd else r["question"])
        set_text(ws.cell(i, 2), data.group_label(by if r["group"] != D.ALL else D.ALL, r["group"]))
        safe_value(ws.cell(i, 3), r["n_a"]), safe_value(ws.cell(i, 4), r["n_b"])
        for j, k in ((5, "mean_a"), (6, "mean_b"), (7, "diff")):
            v = r[k]
            safe_value(ws.cell(i, j), None if math.isnan(v) else v).number_format = "0.00"
        safe_value(ws.cell(i, 8), None if math.isnan(r["p_value"]) else r["p_value"]).number_format = "0.000"
        mark = set_text(ws.cell(i, 9), r["sig"])
        if r["sig"]:
            mark.font = bold
            ws.cell(i, 7).fill = up if r["diff"] > 0 else down
            ws.cell(i, 7).number_format = '0.00"' + r["sig"] + '"'
        set_text(ws.cell(i, 10), r["question"]), set_text(ws.cell(i, 11), r["group"])
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 36
    print_setup(ws, title_rows="5:5")
    if themes is not None:
        wt = wb.create_sheet("Temaer år til år")
        small = suppressed(data.min_cell)
        set_text(wt.cell(1, 1), f"Temaer {year_a} og {year_b}").font = Font(bold=True, size=13)
        set_text(wt.cell(2, 1), data.header("Temaer fra år til år"))
        set_text(wt.cell(3, 1), f"Andel af svar med tekst i båndet, der har temaet, i hvert år; ændring i "
                                f"procentpoint. Bånd med under {data.min_cell} svar i et af årene vises som {small}.")
        hdr = ["Spørgsmål", "Bånd", "Tema", f"Svar {year_a}", f"% {year_a}", f"Svar {year_b}", f"% {year_b}",
               "Ændring (pp)", "Kode-id"]
        header_row(wt, 5, hdr, bold, fill)
        wt.freeze_panes = "D6"
        from workbench.export.frequencies import band_title

        for i, r in enumerate(themes.to_dict("records"), start=6):
            qd = defn.question(r["question"])
            set_text(wt.cell(i, 1), qd.title if qd else r["question"])
            set_text(wt.cell(i, 2), band_title(data, r["band"]))
            set_text(wt.cell(i, 3), data.code_label(r["code"]))
            safe_value(wt.cell(i, 4), r["n_answers_a"]), safe_value(wt.cell(i, 6), r["n_answers_b"])
            if r["small_cell"]:
                for j in (5, 7, 8):
                    wt.cell(i, j, small)
            else:
                for j, k in ((5, "pct_a"), (7, "pct_b")):
                    v = r[k]
                    safe_value(wt.cell(i, j), None if math.isnan(v) else v / 100).number_format = "0.0%"
                v = r["change_pp"]
                safe_value(wt.cell(i, 8), None if math.isnan(v) else v).number_format = "+0.0;-0.0;0.0"
            set_text(wt.cell(i, 9), r["code"])
        wt.column_dimensions["A"].width = 36
        wt.column_dimensions["C"].width = 40
        print_setup(wt, title_rows="5:5")
    extra = [("Grupper", f"{data.variable_title(by)} ({by})"), ("År", f"{year_a} → {year_b}"),
             ("Test", "Welch t-test (scipy.stats.ttest_ind, equal_var=False) af scorer inden for skalaen"),
             ("Signifikans", "** p < 0,05; * p < 0,10"),
             ("Spørgsmål", "matchet på nøgle (key) på tværs af årene")]
    if note:
        extra.append(("Temaer", note))
    D.about_sheet(wb, data, "Udvikling fra år til år", extra)
    with atomic_path(out) as tmp:
        wb.save(tmp)


def export_year_comparison(store, out, year_a: int, year_b: int, by: Optional[str] = None,
                           coder: Optional[str] = None) -> str:
    """Write the year-on-year comparison (contract "Year on year (CSV)"); an .xlsx adds the
    themes' shares in both years (when the project has codings) and an "Om" sheet."""
    out = Path(out)
    suffix = _suffix(out)
    year_a, year_b = int(year_a), int(year_b)
    data = D.load(store, with_codings=False, year="all", with_text=False)
    by = D.check_by(by or data.definition.default_group or D.ALL, data.definition)
    df = compute_year_comparison(data, year_a, year_b, by)
    if suffix == ".csv":
        atomic_write_bytes(out, _csv_bytes(df, digits=12))
    else:
        coded, why = _load_themes(store, coder)
        themes = compute_theme_comparison(coded, year_a, year_b) if coded is not None else None
        if coded is not None:
            data = replace(data, coder=coded.coder, n_coded=coded.n_coded)
        write_year_xlsx(data, df, themes, by, year_a, year_b, out, note=why)
    n_sig = int((df["sig"] != "").sum()) if len(df) else 0
    return (f"wrote year-on-year comparison {year_a}→{year_b} ({len(df)} rows, by {by}, {n_sig} marked "
            f"significant) to {out}")


def export_theme_comparison(store, out, year_a: int, year_b: int, coder: Optional[str] = None) -> str:
    """Write the themes' shares of two years and their change (THEME_COLUMNS) to a .csv."""
    out = Path(out)
    if out.suffix.lower() != ".csv":
        raise InputError("the output must end in .csv", file=str(out))
    data = D.load(store, coder, year="all", with_text=False)
    df = compute_theme_comparison(data, int(year_a), int(year_b))
    atomic_write_bytes(out, _csv_bytes(df))
    return f"wrote theme comparison {year_a}→{year_b} ({len(df)} rows, coder {data.coder}) to {out}"
