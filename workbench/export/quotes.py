"""Coded quotes for the report as a Word file (python-docx).

Per question and band the themes come in order of frequency with count and share, each with a
few short quotes, as the report cites them: „…“ (group, score – scale label), the group being
the survey definition's finest grouping (its grid group). Quotes are chosen deterministically:
analysts' starred quotes first, then passages of 6–40 words (closest to a dozen words first),
so two exports of the same project give the same document. Quotes from a group smaller than the
minimum cell size are left out (they could identify someone) and open personal data are
replaced by placeholders. The report draft has a chapter per group of the definition's report
grouping (``report.group_by``).
"""
from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Optional

import pandas as pd

from workbench.errors import InputError
from workbench.export import data as D
from workbench.export.atomic import atomic_path
from workbench.export.frequencies import band_order, compute_frequencies

BAND_HEADINGS = {"negativ": "Negative svar", "neutral": "Neutrale svar", "positiv": "Positive svar",
                 "ved_ikke": "Ved ikke", "": "Svar"}
IDEAL_WORDS = 12
NEUTRAL_SHARE = 0.10  # the report shows neutral reasons on their own from 10 % answering in the neutral band
CANDIDATE_COLUMNS = ["coding_id", "answer_id", "code", "quote", "words", "starred", "question", "band", "group",
                     "report_group", "score", "respondent_id"]


def band_heading(data: D.CodedData, question: str, band: str) -> str:
    """"Negative svar (1–2)": the band with its scores in the question's own scale."""
    qd = data.question_def(question)
    title = BAND_HEADINGS.get(band) or data.definition.band_label(band).capitalize()
    if qd is not None and band in qd.bands:
        lo, hi = qd.bands[band]
        return f"{title} ({lo}–{hi})" if lo != hi else f"{title} ({lo})"
    if qd is not None and band == "ved_ikke" and qd.dont_know:
        return f"{title} ({', '.join(map(str, qd.dont_know))})"
    return title


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def quote_candidates(data: D.CodedData, allow_pii: bool = False) -> pd.DataFrame:
    """Every coding as a possible quote: passage text, who said it, and its rank key.

    Passages from target groups with fewer respondents than min_cell are dropped here,
    so no caller can show them by mistake."""
    from workbench.export.safety import pseudonymise

    if data.codings.empty:
        return pd.DataFrame(columns=CANDIDATE_COLUMNS + ["rank"])
    from workbench.export.frequencies import texts_in_bands

    defn = data.definition
    primary = defn.primary_group or D.ALL
    report = defn.default_group or D.ALL
    sizes = D.count_respondents(data, primary)
    cols = list(dict.fromkeys(["answer_id", "text", "band", primary, report, "score", "question", "respondent_id"]))
    answers = texts_in_bands(data)[cols].rename(columns={primary: "group"}).assign(report_group=data.answers[report])
    c = data.codings.merge(answers, on="answer_id", how="inner")
    c = c[c["text"].str.strip() != ""]
    c = c[[sizes.get(g, 0) >= data.min_cell for g in c["group"]]]
    rows = []
    for r in c.to_dict("records"):
        text = r["text"]
        has_span = not pd.isna(r["start"]) and not pd.isna(r["end"])
        s, e = (int(r["start"]), int(r["end"])) if has_span else (0, len(text))
        findings = [] if allow_pii else data.pii.get(r["answer_id"], [])
        quote = pseudonymise(text, findings, s, e).strip()
        if not quote:
            continue
        rows.append(dict(coding_id=int(r["coding_id"]), answer_id=int(r["answer_id"]), code=r["code"], quote=quote,
                         words=_words(quote), starred=bool(r["starred"]), question=r["question"], band=r["band"],
                         group=r["group"], report_group=r["report_group"],
                         score=None if pd.isna(r["score"]) else int(r["score"]), respondent_id=r["respondent_id"]))
    df = pd.DataFrame(rows, columns=CANDIDATE_COLUMNS)
    if df.empty:
        return df.assign(rank=[])
    df["starred"] = df["starred"].astype(bool)
    tier = df["words"].map(lambda w: 0 if 6 <= w <= 40 else 1 if w < 6 else 2)
    df["rank"] = list(zip(~df["starred"], tier, (df["words"] - IDEAL_WORDS).abs(), df["respondent_id"], df["coding_id"]))
    return df.sort_values("rank", kind="stable").reset_index(drop=True)


class QuotePool:
    """Candidates grouped by (question, band, code), best first, so picking is a dict look-up."""

    def __init__(self, cands: pd.DataFrame):
        self.by_key: dict[tuple, list[dict]] = {}
        for r in cands.to_dict("records"):
            self.by_key.setdefault((r["question"], r["band"], r["code"]), []).append(r)

    def pick(self, question: str, band: str, code: str, n: int = 3, within: Optional[str] = None) -> list[dict]:
        """Up to ``n`` quotes for a theme, best first, no passage (or answer) twice; ``within``
        keeps those of one group of the report grouping."""
        out, seen_text, seen_answer = [], set(), set()
        for r in self.by_key.get((question, band, code), []):
            if within is not None and r["report_group"] != within:
                continue
            key = " ".join(r["quote"].lower().split())
            if key in seen_text or r["answer_id"] in seen_answer:
                continue
            seen_text.add(key), seen_answer.add(r["answer_id"])
            out.append(r)
            if len(out) >= n:
                break
        return out


def pick_quotes(cands: pd.DataFrame, question: str, band: str, code: str, n: int = 3,
                within: Optional[str] = None) -> list[dict]:
    return QuotePool(cands).pick(question, band, code, n, within)


_STYLE_IDS: dict = {}


def _para(doc, style_name: str):
    """A new paragraph in a named style, setting the style id directly: python-docx scans
    every style for each assignment by name or object, which made long documents slow."""
    sid = _STYLE_IDS.get(style_name)
    if sid is None:
        sid = _STYLE_IDS[style_name] = doc.styles[style_name].style_id
    p = doc.add_paragraph()
    p._p.get_or_add_pPr().style = sid
    return p


def attribution(data: D.CodedData, q: dict) -> str:
    """Who said it, as the report writes it: the group's label and the score with its scale
    label ("Kvinde, 9 – Meget tilfreds"); the score alone where the scale names it not."""
    parts = []
    primary = data.definition.primary_group
    g = q.get("group")
    if primary and g is not None and not (isinstance(g, float) and pd.isna(g)):
        parts.append(data.group_label(primary, g))
    score = q.get("score")
    if score is not None and not pd.isna(score):
        qd = data.question_def(q["question"])
        label = qd.score_label(int(score)) if qd is not None else str(score)
        parts.append(f"{int(score)} – {label}" if label != str(int(score)) else str(int(score)))
    return ", ".join(parts)


def _quote_paragraph(doc, data: D.CodedData, q: dict):
    p = _para(doc, "Quote")
    p.add_run(f"„{q['quote']}“")
    who = attribution(data, q)
    if who:
        p.add_run(f" ({who})").italic = False
    return p


def _theme_block(doc, data: D.CodedData, cands, question, band, rows: pd.DataFrame, n_quotes: int,
                 within: Optional[str] = None) -> None:
    for r in rows.itertuples(index=False):
        p = _para(doc, "List Bullet")
        p.add_run(data.code_label(r.code)).bold = True
        p.add_run(f": {r.n_coded} af {r.n_answers} svar ({r.pct:.1f} %)".replace(".", ","))
        for qt in cands.pick(question, band, r.code, n_quotes, within):
            _quote_paragraph(doc, data, qt)


def _ranked(freq: pd.DataFrame, question: str, band: str, group: str, limit: Optional[int]) -> pd.DataFrame:
    f = freq[(freq["question"] == question) & (freq["band"] == band) & (freq["group"] == group) & (freq["n_coded"] > 0)]
    f = f.sort_values(["n_coded"], ascending=False, kind="stable")
    return f.head(limit) if limit else f


def _without_folders(source: str) -> str:
    """"name (/home/x/projekter/p.db)" → "name (p.db)": a header names the file, not the disk."""
    return re.sub(r"\(([^()]*[/\\])([^/\\()]*)\)$", r"(\2)", source)


def _danish_a4(doc) -> None:
    """A4 with 2.5 cm margins, and Danish (da-DK) as the language of every style, so Word
    checks the spelling in Danish instead of marking every word."""
    from docx.oxml.ns import qn
    from docx.shared import Cm, Mm

    for sec in doc.sections:
        sec.page_width, sec.page_height = Mm(210), Mm(297)
        sec.top_margin = sec.bottom_margin = sec.left_margin = sec.right_margin = Cm(2.5)
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    targets = [defaults.find(qn("w:rPrDefault"))] if defaults is not None else []
    targets += [st for st in styles.findall(qn("w:style")) if st.get(qn("w:styleId")) == "Normal"]
    for el in targets:
        if el is None:
            continue
        rpr = el.find(qn("w:rPr"))
        if rpr is None:
            rpr = el.makeelement(qn("w:rPr"), {})
            el.append(rpr)
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = rpr.makeelement(qn("w:lang"), {})
            rpr.append(lang)
        lang.set(qn("w:val"), "da-DK")
        lang.set(qn("w:eastAsia"), "da-DK")


def _new_document(data: D.CodedData, title: str):
    import docx

    doc = docx.Document()
    _danish_a4(doc)
    source = _without_folders(data.source)  # the project's name and file name, not where it lies
    header = data.header(title).replace(data.source, source)
    cp = doc.core_properties
    cp.title = title
    cp.subject = f"Kodede citater, koder {data.coder}"
    cp.author = "workbench"
    cp.comments = header
    cp.keywords = f"kilde={source}; koder={data.coder}"
    cp.language = "da-DK"
    doc.add_paragraph(header)
    doc.add_heading(title, level=0)
    note = data.coverage_note()
    if note:  # a draft built on unfinished coding says so before anything else
        doc.add_paragraph().add_run(note).bold = True
    return doc


def build_quotes_doc(data: D.CodedData, n_quotes: int = 3, max_themes: Optional[int] = None,
                     allow_pii: bool = False):
    """Per question (heading with the question) and band: themes by frequency, each with quotes."""
    from workbench.export.charts import question_heading

    doc = _new_document(data, "Temaer og citater")
    freq = compute_frequencies(data, D.ALL)
    cands = QuotePool(quote_candidates(data, allow_pii))
    doc.add_paragraph(f"Andel = svar med temaet af alle svar med tekst i båndet. Citater fra grupper med færre "
                      f"end {data.min_cell} respondenter er udeladt; personoplysninger er erstattet af pladsholdere.")
    for q in data.questions["key"]:
        if not (freq["question"] == q).any():
            continue
        head, wording = question_heading(data, q)
        doc.add_heading(head, level=1)
        if wording:
            doc.add_paragraph().add_run(wording).italic = True
        for b in band_order(data):
            rows = _ranked(freq, q, b, D.ALL, max_themes)
            if rows.empty:
                continue
            doc.add_heading(band_heading(data, q, b), level=2)
            _theme_block(doc, data, cands, q, b, rows, n_quotes)
    return doc


def build_report_draft(store, data: D.CodedData, n_quotes: int = 3, max_themes: int = 5,
                       allow_pii: bool = False, workdir: Optional[Path] = None):
    """A chapter per group of the definition's report grouping (``report.group_by``) in the
    report's structure: per question the distribution figure of the chapter's finer groups
    (the variable the grouping is derived from), then the dominant themes per band with quotes
    (the neutral band only where 10 % or more answered in it, as the report does); an open
    question shows its themes alone."""
    from docx.shared import Cm

    from workbench.export.charts import distribution_chart, question_heading

    defn = data.definition
    chapter_by = defn.default_group or D.ALL
    cv = defn.variable(chapter_by)
    chart_by = cv.source if cv is not None and cv.derived else chapter_by
    doc = _new_document(data, "Udkast til rapport: " + (defn.name or "resultater"))
    freq = compute_frequencies(data, chapter_by)
    cands = QuotePool(quote_candidates(data, allow_pii))
    a = data.answers
    chapters = data.groups(chapter_by) if chapter_by != D.ALL else [D.ALL]
    for ci, g in enumerate(chapters):
        doc.add_heading(data.group_label(chapter_by, g), level=1)
        mine = a if g == D.ALL else a[a[chapter_by] == g]
        for q in data.questions["key"]:
            qd = defn.question(q)
            if qd is None:
                continue
            head, wording = question_heading(data, q)
            if not qd.scored:
                rows = _ranked(freq, q, "", g, max_themes)
                if rows.empty:
                    continue
                doc.add_heading(head, level=2)
                if wording:
                    doc.add_paragraph().add_run(wording).italic = True
                _theme_block(doc, data, cands, q, "", rows, n_quotes, within=None if g == D.ALL else g)
                continue
            scored = mine[(mine["question"] == q) & mine["score"].notna()]
            if scored.empty:
                continue
            doc.add_heading(head, level=2)
            if wording:
                doc.add_paragraph().add_run(wording).italic = True
            img = Path(workdir) / f"dist_{ci}_{len(doc.paragraphs)}.png"
            distribution_chart(store, q, chart_by, img, within=None if g == D.ALL else (chapter_by, g), data=data)
            doc.add_picture(str(img), width=Cm(16))
            for b in qd.bands:
                if b == "neutral" and float((scored["band"] == b).mean()) < NEUTRAL_SHARE:
                    continue
                rows = _ranked(freq, q, b, g, max_themes)
                if rows.empty:
                    continue
                doc.add_heading(band_heading(data, q, b), level=3)
                _theme_block(doc, data, cands, q, b, rows, n_quotes, within=None if g == D.ALL else g)
    return doc


def export_quotes(store, out, coder: Optional[str] = None, n_quotes: int = 3, report_draft: bool = False,
                  allow_pii: bool = False, max_themes: Optional[int] = None, year=None) -> str:
    """Write the quotes document (.docx); ``report_draft`` writes the chapter-per-group draft."""
    out = Path(out)
    if out.suffix.lower() != ".docx":
        raise InputError("the output must end in .docx", file=str(out))
    data = D.load(store, coder, year=year)
    if report_draft:
        with tempfile.TemporaryDirectory(prefix="wb-charts-") as tmpdir:
            doc = build_report_draft(store, data, n_quotes, max_themes or 5, allow_pii, Path(tmpdir))
    else:
        doc = build_quotes_doc(data, n_quotes, max_themes, allow_pii)
    with atomic_path(out) as tmp:
        doc.save(str(tmp))
    kind = "report draft" if report_draft else "quotes"
    return f"wrote {kind} (coder {data.coder}, up to {n_quotes} quotes per theme) to {out}"
