"""One entry point for every export, plus previews, for the GUI's export dialog (no Qt here).

The dialog and the command line must produce the same files from the same choices, so both
go through ``run_export``/``export_chart``; the preview tables are the very frames the
exports write (``compute_frequencies``, ``compute_distributions``, ``answers_table``), cut to
the first rows, so what the user previews is what the file will hold.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

import pandas as pd

from workbench.coding.definition import DONT_KNOW
from workbench.errors import Cancelled, InputError
from workbench.export import data as D


@dataclass(frozen=True)
class ExportKind:
    key: str
    label: str  # English source string; the UI translates it
    suffixes: tuple[str, ...]
    options: frozenset = field(default_factory=frozenset)  # which choices apply: coder, by, year, ...

    @property
    def has_table_preview(self) -> bool:
        return self.key in TABLE_PREVIEWS


def _k(key, label, suffixes, *opts) -> ExportKind:
    return ExportKind(key, label, tuple(suffixes), frozenset(opts))


KINDS: dict[str, ExportKind] = {k.key: k for k in (
    _k("frequencies", "Theme frequencies", (".xlsx", ".csv"), "coder", "by", "year"),
    _k("distributions", "Answer distributions", (".xlsx", ".csv"), "by", "year"),
    _k("answers", "Coded answers", (".xlsx", ".csv", ".sav", ".dta"), "coder", "allow_pii", "year"),
    _k("quotes", "Quotes (Word)", (".docx",), "coder", "allow_pii", "n_quotes", "year"),
    _k("report", "Report draft (Word)", (".docx",), "coder", "allow_pii", "n_quotes", "year"),
    _k("qdpx", "REFI-QDA project (.qdpx)", (".qdpx",)),
    _k("qdc", "Codebook (.qdc)", (".qdc",)),
    _k("chart", "Chart", (".png", ".svg", ".pdf"), "coder", "by", "year", "question", "band"),
)}
TABLE_PREVIEWS = ("frequencies", "distributions", "answers")


@dataclass
class ExportOptions:
    """The user's choices. ``year`` None leaves each export's own default (newest survey;
    every year for coded answers); ``band`` None makes a chart the answer distribution."""

    by: Optional[str] = None  # a variable of the survey; None: the definition's report grouping
    coder: Optional[str] = None
    year: object = None
    allow_pii: bool = False
    n_quotes: int = 3
    question: Optional[str] = None
    band: Optional[str] = None
    min_cell: Optional[int] = None


def _year_kw(opts: ExportOptions) -> dict:
    return {} if opts.year is None else {"year": opts.year}


def _by(data: D.CodedData, by: Optional[str]) -> str:
    return D.check_by(by or data.definition.default_group or D.ALL, data.definition)


def _definition(store):
    from workbench.coding.surveys import project_definition

    with store.session() as s:
        return project_definition(s)


def preview_frame(store, kind: str, opts: ExportOptions, limit: int = 50) -> Optional[pd.DataFrame]:
    """The first ``limit`` rows of the table the export would write, or None when the export
    is not a table (Word, REFI-QDA, charts)."""
    if kind == "frequencies":
        from workbench.export.frequencies import COLUMNS, compute_frequencies

        data = D.load(store, opts.coder, **_year_kw(opts))
        df = compute_frequencies(data, _by(data, opts.by))[COLUMNS]
    elif kind == "distributions":
        from workbench.export.distributions import compute_distributions

        data = D.load(store, with_codings=False, **_year_kw(opts))
        df = compute_distributions(data, _by(data, opts.by))
    elif kind == "answers":
        from workbench.export.answers import answers_table

        data = D.load(store, opts.coder, year=opts.year if opts.year is not None else "all")
        df = answers_table(data, allow_pii=opts.allow_pii)
    else:
        return None
    out = df.head(limit).reset_index(drop=True)
    if data.coder:  # (coder, coded, with text): the dialog says so while coding is unfinished
        out.attrs["coverage"] = (data.coder, *data.coverage())
    return out


def export_chart(store, out, question: str, band: Optional[str] = None, by: Optional[str] = None,
                 coder: Optional[str] = None, year=None) -> str:
    """The distribution chart of a question, or with ``band`` its theme chart (.png/.svg/.pdf);
    an open question (no score) always gets its theme chart."""
    from workbench.export.charts import distribution_chart, theme_chart

    if not question:
        raise InputError("a chart needs a question (--question KEY)")
    defn = _definition(store)
    if defn is None:
        raise InputError("the project holds no survey yet")
    by = D.check_by(by or defn.default_group or D.ALL, defn)
    qd = defn.question(question)
    if qd is None:
        raise InputError(f"--question {question!r} is not a question of the survey "
                         f"(questions: {', '.join(defn.question_keys)})")
    if band or not qd.scored:
        bands = list(qd.bands) + ([DONT_KNOW] if qd.dont_know else []) if qd.scored else [""]
        band = band or ""
        if band not in bands:
            raise InputError(f"--band {band!r} is not a band of {question} ({', '.join(bands) or 'none'})")
        theme_chart(store, question, band, coder, out, by=by, year=year)
        return f"wrote the theme chart of {question}" + (f", band {band}" if band else "") + f", by {by} to {out}"
    distribution_chart(store, question, by, out, year=year)
    return f"wrote the answer distribution chart of {question}, by {by} to {out}"


def chart_png(store, folder, question: str, band: Optional[str] = None, by: Optional[str] = None,
              coder: Optional[str] = None, year=None) -> Path:
    """Render a chart to a PNG in ``folder`` for on-screen viewing; returns its path."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in f"{question}-{band or 'dist'}-{by or 'std'}")
    name = f"chart-{safe}-{os.getpid()}-{id(object())}.png"
    out = Path(folder) / name
    export_chart(store, out, question, band, by, coder, year)
    return out


def _write(store, kind: str, out: Path, opts: ExportOptions) -> str:
    y = _year_kw(opts)
    if kind == "frequencies":
        from workbench.export.frequencies import export_frequencies

        return export_frequencies(store, out, by=opts.by, coder=opts.coder, **y)
    if kind == "distributions":
        from workbench.export.distributions import export_distributions

        return export_distributions(store, out, by=opts.by, **y)
    if kind == "answers":
        from workbench.export.answers import export_answers

        return export_answers(store, out, coder=opts.coder, allow_pii=opts.allow_pii, **y)
    if kind in ("quotes", "report"):
        from workbench.export.quotes import export_quotes

        return export_quotes(store, out, coder=opts.coder, n_quotes=opts.n_quotes, report_draft=kind == "report",
                             allow_pii=opts.allow_pii, **y)
    if kind == "qdpx":
        from workbench.export.refi import export_qdpx

        return export_qdpx(store, out)
    if kind == "qdc":
        from workbench.export.refi import export_qdc

        return export_qdc(store, out)
    if kind == "chart":
        return export_chart(store, out, opts.question or "", opts.band, opts.by, opts.coder, opts.year)
    raise InputError(f"unknown export {kind!r}")


def run_export(store, kind: str, out, opts: ExportOptions,
               progress: Optional[Callable[[int, int], bool]] = None) -> str:
    """Write one export to ``out`` and return its summary line.

    The file is first written beside the target under a hidden name and only moved into
    place when the user has not cancelled meanwhile, so a cancel never leaves a new file
    nor destroys an old one. A changed minimum cell size is saved to the project settings
    first (every export reads it from there, and it is a decision worth an audit entry).
    """
    if kind not in KINDS:
        raise InputError(f"unknown export {kind!r}")
    out = Path(out)
    if out.suffix.lower() not in KINDS[kind].suffixes:
        raise InputError(f"the output must end in {' or '.join(KINDS[kind].suffixes)}", file=str(out))
    report = progress or (lambda _d, _t: True)
    if not report(0, 3):
        raise Cancelled()
    from workbench.export.safety import min_cell

    if opts.min_cell is not None and int(opts.min_cell) != min_cell(store):
        store.update_settings(min_cell=int(opts.min_cell))
    tmp = out.with_name(f".{out.stem}.export-{os.getpid()}{out.suffix}")
    try:
        if not report(1, 3):
            raise Cancelled()
        summary = _write(store, kind, tmp, opts)
        if not report(2, 3):
            raise Cancelled()
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    report(3, 3)
    return summary.replace(str(tmp), str(out))


__all__ = ["KINDS", "ExportKind", "ExportOptions", "Cancelled", "preview_frame", "export_chart", "chart_png",
           "run_export"]
