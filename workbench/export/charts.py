"""Report figures with matplotlib (Agg, no Qt): answer distributions as stacked bars like the
report's figures, and the most frequent themes of a band per group.

Both take the same frames as the tables (``data.load``), so a figure never disagrees with the
numbers beside it; groups below the project's minimum cell size are left out and named.
"""
from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Optional

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from workbench.errors import InputError  # noqa: E402
from workbench.export import data as D  # noqa: E402
from workbench.export.atomic import atomic_path  # noqa: E402
from workbench.export.distributions import whole_percent  # noqa: E402
from workbench.export.safety import is_small  # noqa: E402

DONT_KNOW_COLOUR = "#bdbdbd"
GROUP_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999",
                 "#332288", "#88CCEE", "#44AA99", "#117733"]
BAND_TITLES = {"negativ": "negative svar", "neutral": "neutrale svar", "positiv": "positive svar",
               "ved_ikke": "ved ikke-svar", "": "svarene"}
FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}


def scale_colours(n: int) -> list[str]:
    """``n`` colours from red (the scale's low end) through yellow to green (its high end)."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    cmap = colormaps["RdYlGn"]
    if n <= 1:
        return [to_hex(cmap(0.85))]
    return [to_hex(cmap(0.05 + 0.9 * i / (n - 1))) for i in range(n)]


def _dark(colour: str) -> bool:
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(colour)
    return 0.299 * r + 0.587 * g + 0.114 * b < 0.45


def band_title(qd, band: str) -> str:
    """"negative svar (1–2)": the band and its scores in the question's own scale."""
    title = BAND_TITLES.get(band, band)
    if qd is None:
        return title
    if band in qd.bands:
        lo, hi = qd.bands[band]
        return f"{title} ({lo}–{hi})" if lo != hi else f"{title} ({lo})"
    if band == "ved_ikke" and qd.dont_know:
        return f"{title} ({', '.join(map(str, qd.dont_know))})"
    return title


def question_heading(data: D.CodedData, question: str) -> tuple[str, str]:
    """(short title such as "Q1. Tilfredshed", the question's wording) for a chart or a heading;
    a question without a topic has its wording in the title and "" as the second part."""
    qd = data.question_def(question)
    info = data.question_info(question)
    topic = qd.topic if qd is not None else str(info.get("topic") or "")
    wording = (qd.question if qd is not None else "") or str(info.get("text") or "")
    key = question.upper() if len(question) <= 4 else question
    if not topic or topic == wording:
        return (f"{key}. {wording}" if wording else key), ""
    return f"{key}. {topic}", wording


def _format(out: Path) -> str:
    fmt = FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise InputError("a chart must end in .png, .svg or .pdf", file=str(out))
    return fmt


# SVG and PDF keep their words as text (a report writer edits a title in Word, Illustrator or
# Inkscape, and screen readers read it), not as outlines; fonts the reader lacks fall back
_TEXT_AS_TEXT = {"svg.fonttype": "none", "pdf.fonttype": 42}


def _footnote(fig, ax, lines: list[str]) -> None:
    """Small lines under everything the axes draw (tick labels, the legend below them): where
    the numbers come from and what is not shown. A figure pasted into a report without its
    table still says its source, coder, coverage and date."""
    from matplotlib.text import Annotation

    lines = [x for x in lines if x]
    if not lines:
        return
    text = "\n".join(_wrap(x, 150) for x in lines)
    fig.add_artist(Annotation(text, xy=(0, 0), xycoords=lambda r: ax.get_tightbbox(r), xytext=(0, -6),
                              textcoords="offset points", ha="left", va="top", fontsize=6.5, color="#444444"))


def _notes(data: D.CodedData, what: str, hidden: list[str]) -> list[str]:
    """The footnote of a chart: the groups left out, the export header, unfinished coding."""
    return [f"Ikke vist (færre end {data.min_cell} svar): {', '.join(hidden)}" if hidden else "",
            data.header(what), data.coverage_note()]


def _save(fig, out: Path) -> None:
    fmt = _format(out)
    try:
        with matplotlib.rc_context(_TEXT_AS_TEXT), atomic_path(out) as tmp:
            fig.savefig(tmp, format=fmt, dpi=150, bbox_inches="tight")
    finally:
        plt.close(fig)


def _wrap(s: str, width: int) -> str:
    return "\n".join(textwrap.wrap(s, width)) or s


def _within(data: D.CodedData, within) -> tuple[Optional[str], Optional[str]]:
    """``within`` as (variable, group): a (variable, group) pair, or a group of the definition's
    report grouping."""
    if not within:
        return None, None
    if isinstance(within, (tuple, list)):
        var, grp = within
    else:
        var, grp = data.definition.default_group, within
    D.check_by(var, data.definition)
    return var, grp


def distribution_chart(store, question: str, by: Optional[str] = None, out=None, *, within=None,
                       data: Optional[D.CodedData] = None, year=None) -> Path:
    """Stacked 100 % bars, one per group of ``by`` (``within=(variable, group)`` keeps only the
    people of that group, as in the report's chapters), segments in the question's own scale
    from red to green, its "don't know" grey, labelled with the scale's labels; whole-percent
    labels on segments of 5 % or more."""
    if out is None:
        raise InputError("no output file given for the chart")
    out = Path(out)
    _format(out)
    data = data or D.load(store, with_codings=False, year=year)
    by = D.check_by(by or data.definition.default_group or D.ALL, data.definition)
    qd = data.question_def(question)
    if qd is None or not qd.scored:
        raise InputError(f"{question} is not a scored question of the survey")
    wvar, wgrp = _within(data, within)
    a = data.answers[(data.answers["question"] == question) & data.answers["score"].notna()]
    if wvar:
        a = a[a[wvar] == wgrp]
    if a.empty:
        raise InputError(f"no scores for {question}" + (f" in {wgrp}" if wvar else ""))
    groups = [g for g in data.groups(by) if g in set(a[by].dropna())] if by != D.ALL else []
    scores = qd.valid_scores()
    in_scale = [v for v in scores if qd.in_scale(v)]
    colours = scale_colours(len(in_scale)) + [DONT_KNOW_COLOUR] * (len(scores) - len(in_scale))
    bars, hidden = [], []
    for g in groups + ([D.ALL] if len(groups) > 1 or not groups else []):
        s = a[a[by] == g]["score"] if g != D.ALL else a["score"]
        n = len(s)
        label = data.group_label(by, g) if g != D.ALL else (data.group_label(wvar, wgrp) if wvar else "Alle")
        if is_small(n, data.min_cell):
            hidden.append(label)
            continue
        counts = s.astype(int).value_counts().to_dict()
        bars.append((f"{label} (n={n})", [int(counts.get(v, 0)) for v in scores], n))
    labels = [f"{v} {qd.score_label(v)}" if qd.score_label(v) != str(v) and qd.in_scale(v) else qd.score_label(v)
              for v in scores]
    height = 1.2 + 0.48 * max(len(bars), 1)
    fig, ax = plt.subplots(figsize=(9, height + 1.3))
    for i, (lbl, counts, n) in enumerate(bars):
        y = len(bars) - 1 - i
        left = 0.0
        for j, k in enumerate(counts):
            w = 100 * k / n
            if w <= 0:
                continue
            ax.barh(y, w, left=left, color=colours[j], edgecolor="white", linewidth=0.6, height=0.7)
            if w >= 5:
                ax.text(left + w / 2, y, f"{whole_percent(k, n)}%", ha="center", va="center", fontsize=8,
                        color="white" if _dark(colours[j]) else "black")
            left += w
    ax.set_yticks(range(len(bars)))
    ax.set_yticklabels([_wrap(b[0], 38) for b in reversed(bars)], fontsize=9)
    ax.set_xlim(0, 100)
    ax.set_xticks(range(0, 101, 20))
    ax.set_xticklabels([f"{x}%" for x in range(0, 101, 20)], fontsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    title, wording = question_heading(data, question)
    if wvar:
        title += f" — {data.group_label(wvar, wgrp)}"
    ax.set_title(title + "\n" + _wrap(wording, 95), fontsize=10, loc="left")
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in colours]
    ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.45, -0.1), ncol=min(len(labels), 6),
              fontsize=7.5, frameon=False, handlelength=1.2, columnspacing=1.0)
    _footnote(fig, ax, _notes(data, "Svarfordeling", hidden))
    _save(fig, out)
    return out


def theme_chart(store, question: str, band: str, coder: Optional[str] = None, out=None, top: int = 10, *,
                by: Optional[str] = None, within=None, data: Optional[D.CodedData] = None,
                year=None) -> Path:
    """The ``top`` themes of a band (by share of all answers with text in the band), one bar
    per group, share labels at the bar ends."""
    from workbench.export.frequencies import compute_frequencies

    if out is None:
        raise InputError("no output file given for the chart")
    out = Path(out)
    _format(out)
    data = data or D.load(store, coder, year=year)
    by = D.check_by(by or data.definition.default_group or D.ALL, data.definition)
    wvar, wgrp = _within(data, within)
    if wvar:
        data = _only_group(data, wvar, wgrp)
    qd = data.question_def(question)
    band = band or ""
    f = compute_frequencies(data, by)
    f = f[(f["question"] == question) & (f["band"] == band)]
    if f.empty:
        raise InputError(f"no answers with text in band {band} of {question}" if band else
                         f"no answers with text to {question}")
    alle = f[f["group"] == D.ALL].set_index("code")
    ranked = alle[alle["n_coded"] > 0].sort_values(["pct", "n_coded"], ascending=False, kind="stable").index.tolist()
    ranked = ranked[:top]
    dens = f.drop_duplicates("group").set_index("group")["n_answers"].to_dict()
    groups = [g for g in data.groups(by) if g in dens] if by != D.ALL else []
    shown = [g for g in groups if not is_small(dens[g], data.min_cell)]
    hidden = [data.group_label(by, g) for g in groups if g not in shown]
    if len(shown) <= 1:
        shown = [D.ALL] if not is_small(dens.get(D.ALL, 0), data.min_cell) else []
    cells = f.set_index(["code", "group"])
    n_rows = max(len(ranked), 1)
    fig, ax = plt.subplots(figsize=(9, 1.6 + n_rows * (0.22 + 0.2 * len(shown))))
    bar_h = 0.8 / max(len(shown), 1)
    for gi, g in enumerate(shown):
        ys, vals = [], []
        for ci, k in enumerate(ranked):
            y = (n_rows - 1 - ci) + 0.4 - bar_h * (gi + 0.5)
            v = float(cells.loc[(k, g), "pct"]) if (k, g) in cells.index else 0.0
            ys.append(y), vals.append(v)
        label = "Alle" if g == D.ALL else data.group_label(by, g)
        ax.barh(ys, vals, height=bar_h * 0.92, color=GROUP_COLOURS[gi % len(GROUP_COLOURS)],
                label=f"{label} (n={dens[g]})")
        for y, v in zip(ys, vals):
            ax.text(v + 0.6, y, f"{v:.0f}%", va="center", fontsize=7)
    ax.set_yticks(range(n_rows))
    ax.set_yticklabels([_wrap(data.code_label(k), 34) for k in reversed(ranked)] or [""], fontsize=9)
    xmax = max([float(cells.loc[(k, g), "pct"]) for k in ranked for g in shown if (k, g) in cells.index] + [10])
    ax.set_xlim(0, min(100, xmax * 1.15 + 5))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _p: f"{x:.0f}%"))
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    sub = f" — {data.group_label(wvar, wgrp)}" if wvar else ""
    head, _wording = question_heading(data, question)
    ax.set_title(f"{head}{sub}: hyppigste temaer i {band_title(qd, band)}\n"
                 f"Andel af svar med tekst i båndet, der nævner temaet (koder: {data.coder})",
                 fontsize=10, loc="left")
    if shown:
        ax.legend(loc="upper center", bbox_to_anchor=(0.4, -0.05), ncol=min(len(shown), 3), fontsize=8, frameon=False)
    if not ranked:
        ax.text(0.5, 0.5, "Ingen kodede temaer", transform=ax.transAxes, ha="center")
    _footnote(fig, ax, _notes(data, "Temaer", hidden))
    _save(fig, out)
    return out


def _only_group(data: D.CodedData, var: str, group: str) -> D.CodedData:
    from dataclasses import replace

    keep = data.answers[var] == group
    ids = set(data.answers.loc[keep, "answer_id"])
    return replace(data, answers=data.answers[keep], codings=data.codings[data.codings["answer_id"].isin(ids)])


__all__ = ["distribution_chart", "theme_chart", "scale_colours", "band_title", "question_heading"]
