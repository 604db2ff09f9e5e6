"""Export files as colleagues receive them: the umask's mode, A4 Danish Word files."""
from __future__ import annotations

import os
import stat

import pytest

from workbench.export.atomic import atomic_path, atomic_write_bytes, current_umask


@pytest.fixture
def umask():
    old = os.umask(0o022)
    yield lambda m: os.umask(m)
    os.umask(old)


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_exports_respect_the_umask(tmp_path, umask, mask, mode):
    umask(mask)
    assert current_umask() == mask
    target = tmp_path / "out.csv"
    atomic_write_bytes(target, b"a,b\n")
    assert stat.S_IMODE(target.stat().st_mode) == mode
    import openpyxl  # a writer that saves to the temporary path itself

    book = tmp_path / "out.xlsx"
    with atomic_path(book) as tmp:
        openpyxl.Workbook().save(tmp)
    assert stat.S_IMODE(book.stat().st_mode) == mode


def test_replacing_an_export_keeps_its_mode(tmp_path, umask):
    umask(0o022)
    target = tmp_path / "out.csv"
    target.write_bytes(b"old")
    os.chmod(target, 0o640)
    atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new" and stat.S_IMODE(target.stat().st_mode) == 0o640


def test_word_files_are_a4_danish_and_name_no_folder(sqlite_store, tmp_path):
    import re
    import zipfile

    from tests.test_export_report import build
    from workbench.export.quotes import export_quotes

    build(sqlite_store, tmp_path, 5, n=30)
    out = tmp_path / "q.docx"
    export_quotes(sqlite_store, out, coder="anne")
    with zipfile.ZipFile(out) as z:
        document = z.read("word/document.xml").decode()
        styles = z.read("word/styles.xml").decode()
        core = z.read("docProps/core.xml").decode()
    size = re.search(r"<w:pgSz [^>]*>", document).group(0)
    assert 'w:w="11906"' in size and 'w:h="16838"' in size  # A4 in twentieths of a point
    margins = re.search(r"<w:pgMar [^>]*>", document).group(0)
    for side in ("top", "bottom", "left", "right"):
        assert f'w:{side}="1417"' in margins  # 2.5 cm
    defaults = re.search(r"<w:docDefaults>.*?</w:docDefaults>", styles, re.S).group(0)
    assert '<w:lang w:val="da-DK"' in defaults and "en-US" not in defaults
    normal = re.search(r'<w:style [^>]*w:styleId="Normal".*?</w:style>', styles, re.S).group(0)
    assert '<w:lang w:val="da-DK"' in normal
    assert "<dc:language>da-DK</dc:language>" in core
    assert sqlite_store.path.parent == tmp_path
    assert str(tmp_path) not in document and str(tmp_path) not in core
    first = re.search(r"<w:t[^>]*>([^<]*)</w:t>", document).group(1)
    assert "kilde" in first and "(p.db)" in first


def test_table_exports_name_the_project_file_not_its_folder(sqlite_store, tmp_path):
    from openpyxl import load_workbook

    from tests.test_export_report import build
    from workbench.export.frequencies import export_frequencies

    build(sqlite_store, tmp_path, 5, n=30)
    export_frequencies(sqlite_store, tmp_path / "f.csv", coder="anne")
    export_frequencies(sqlite_store, tmp_path / "f.xlsx", coder="anne")
    text = (tmp_path / "f.csv").read_text(encoding="utf-8-sig")
    cells = [str(c.value) for ws in load_workbook(tmp_path / "f.xlsx").worksheets for row in ws.iter_rows()
             for c in row if c.value is not None]
    assert any("p.db" in c for c in cells)  # the CSV is the contract's bare table
    assert str(tmp_path) not in text and not any(str(tmp_path) in c for c in cells)


def _coded_state(store, coder: str) -> dict[tuple[str, str], bool]:
    """(respondent, question) → marked coded, for every answer with text, from the database."""
    from sqlmodel import select

    from workbench.coding.models import Answer, AnswerState, Coder, Question, Respondent

    with store.session() as s:
        cid = s.exec(select(Coder.id).where(Coder.name == coder)).one()
        done = set(s.exec(select(AnswerState.answer_id).where(AnswerState.coder_id == cid,
                                                              AnswerState.coded == True)).all())  # noqa: E712
        rows = s.exec(select(Answer.id, Respondent.key, Question.key, Answer.text)
                      .join(Respondent, Respondent.id == Answer.respondent_id)
                      .join(Question, Question.id == Answer.question_id)).all()
    return {(rk, qk): (aid in done) for aid, rk, qk, text in rows if text and text.strip()}


@pytest.mark.parametrize("suffix", [".csv", ".sav", ".dta", ".xlsx"])
def test_answers_export_tells_not_coded_from_coded_without_the_code(sqlite_store, tmp_path, suffix):
    """Issue 13: an answer nobody has coded yet must not read as "coded, theme absent"."""
    import pandas as pd
    import pyreadstat

    from tests.test_export_report import build
    from workbench.export.answers import export_answers

    _rows, truth = build(sqlite_store, tmp_path, 7, n=40)
    state = _coded_state(sqlite_store, "anne")
    assert 0 < sum(state.values()) < len(state)  # some answers with text are not coded
    out = tmp_path / f"a{suffix}"
    export_answers(sqlite_store, out, coder="anne")
    if suffix == ".csv":
        df = pd.read_csv(out, dtype={"respondent_id": str})
    elif suffix == ".xlsx":
        df = pd.read_excel(out, sheet_name="Svar", dtype={"respondent_id": str})
    else:
        df, meta = (pyreadstat.read_sav if suffix == ".sav" else pyreadstat.read_dta)(str(out))
        if suffix == ".sav":
            assert meta.variable_value_labels["coded"] == {0.0: "ikke kodet endnu", 1.0: "kodet"}
    codes = list(df.columns[df.columns.get_loc("coded") + 1:])
    assert codes and "text" in df.columns
    seen = 0
    for r in df.itertuples(index=False):
        rec = r._asdict()
        key = (str(rec["respondent_id"]), rec["question"])
        cells = [rec[c] for c in codes]
        if key not in state:  # no text: nothing to code
            assert pd.isna(rec["coded"]) and all(pd.isna(v) for v in cells), key
        elif state[key] or truth.get(key):
            assert rec["coded"] == 1, key
            assert {c for c, v in zip(codes, cells) if v == 1} == truth.get(key, set()) | _manual(sqlite_store, key)
            assert all(v in (0, 1) for v in cells)
            seen += 1
        else:
            assert rec["coded"] == 0 and all(pd.isna(v) for v in cells), key
    assert seen == sum(1 for k, v in state.items() if v or truth.get(k))
    # the share a statistician computes is over coded answers only
    coded = df[df["coded"] == 1]
    assert df[codes[0]].mean() == pytest.approx(coded[codes[0]].mean())


def _manual(store, key) -> set[str]:
    """Codes anne holds on the answer ``key`` (the build's manual codings included)."""
    from sqlmodel import select

    from workbench.coding.models import Answer, Code, Coder, Coding, Question, Respondent

    with store.session() as s:
        return set(s.exec(select(Code.key).join(Coding, Coding.code_id == Code.id)
                          .join(Coder, Coder.id == Coding.coder_id).join(Answer, Answer.id == Coding.answer_id)
                          .join(Respondent, Respondent.id == Answer.respondent_id)
                          .join(Question, Question.id == Answer.question_id)
                          .where(Coder.name == "anne", Respondent.key == key[0], Question.key == key[1])).all())


def test_frequency_workbook_has_a_tidy_data_sheet_and_prints_on_a4(sqlite_store, tmp_path):
    """Issue 13: a sheet R or a pivot table reads as it is (one heading row, numbers only in
    number columns, small cells empty and flagged) and report sheets one page wide on A4."""
    import pandas as pd
    from openpyxl import load_workbook

    from tests.test_export_report import build
    from workbench.export.frequencies import export_frequencies

    build(sqlite_store, tmp_path, 5, n=30)
    export_frequencies(sqlite_store, tmp_path / "f.csv", coder="anne")
    export_frequencies(sqlite_store, tmp_path / "f.xlsx", coder="anne")
    csv_rows = pd.read_csv(tmp_path / "f.csv", encoding="utf-8-sig", keep_default_na=False,
                           dtype={"group": str, "band": str})
    tidy = pd.read_excel(tmp_path / "f.xlsx", sheet_name="Data", keep_default_na=False, na_values=[""],
                         dtype={"group": str, "band": str})
    assert list(tidy.columns) == ["question", "band", "group", "group_label", "code", "code_label", "n_coded",
                                  "n_answers", "pct", "small_cell"]
    for col in ("n_coded", "n_answers", "pct", "small_cell"):
        assert pd.api.types.is_numeric_dtype(tidy[col]), col
    # the rows of the CSV whose code the coder used somewhere in that question and band
    used = csv_rows.groupby(["question", "band", "code"])["n_coded"].transform("sum") > 0
    assert (~used).any()
    csv_rows = csv_rows[used].reset_index(drop=True)
    assert tidy[["question", "group", "code"]].astype(str).values.tolist() == \
        csv_rows[["question", "group", "code"]].astype(str).values.tolist()
    small = tidy["small_cell"] == 1
    assert small.any() and (~small).any()
    assert tidy.loc[small, ["n_coded", "n_answers", "pct"]].isna().all().all()
    keep = csv_rows["small_cell"] == 0
    for col in ("n_coded", "n_answers"):
        assert tidy.loc[~small, col].astype(int).tolist() == csv_rows.loc[keep, col].astype(int).tolist()
    assert tidy.loc[~small, "pct"].tolist() == pytest.approx(csv_rows.loc[keep, "pct"].astype(float).tolist())
    assert tidy["band"].fillna("").tolist() == csv_rows["band"].tolist()
    book = load_workbook(tmp_path / "f.xlsx")
    questions = [ws for ws in book.worksheets if ws.title not in ("Data", "Om")]
    assert questions
    for ws in questions + [book["Data"]]:
        ps = ws.page_setup
        assert int(ps.paperSize) == 9 and ps.orientation == "landscape", ws.title  # 9: A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ps.fitToWidth == 1 and ps.fitToHeight == 0
        assert ws.print_title_rows == ("$1:$1" if ws.title == "Data" else "$5:$5")


def test_charts_keep_text_editable_and_say_their_source(sqlite_store, tmp_path):
    """Issue 13: SVG text stays text (not outlines), and every chart carries its source, coder,
    date and, while coding is unfinished, its coverage."""
    import re

    from tests.test_export_report import build
    from workbench.export.charts import distribution_chart, theme_chart

    build(sqlite_store, tmp_path, 5, n=30)
    theme_chart(sqlite_store, "q1", "negativ", coder="anne", out=tmp_path / "t.svg")
    distribution_chart(sqlite_store, "q1", out=tmp_path / "d.svg")
    svg = (tmp_path / "t.svg").read_text(encoding="utf-8")
    texts = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg))
    assert "hyppigste temaer" in texts and "Andel af svar med tekst i båndet" in texts
    assert "kilde: p (p.db)" in texts and "koder: anne" in texts and "eksporteret" in texts
    assert "har kodet" in texts  # build leaves some answers uncoded: the share is of all answers
    d = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", (tmp_path / "d.svg").read_text(encoding="utf-8")))
    assert "Svarfordeling — kilde: p (p.db)" in d and "koder:" not in d
    theme_chart(sqlite_store, "q1", "negativ", coder="anne", out=tmp_path / "t.png")
    assert (tmp_path / "t.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
