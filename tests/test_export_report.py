"""Report exports checked against independent computations from the generated inputs
(not from the export's own frames): theme frequencies, coded answers, distributions with
their tests, quotes, charts; plus formula safety, PII, small cells and atomic writes."""
from __future__ import annotations

import csv
import random
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest
from sqlmodel import select

from tests.conftest import survey_rows, write_survey
from workbench.demo import jobcenter_spec as spec
from workbench.coding.codings import apply_code
from workbench.importer.codings import import_codings
from workbench.coding.models import Answer, Coding, Coder, PiiFinding, Question, QuoteStar, Respondent
from workbench.errors import InputError
from workbench.export import data as D
from workbench.export.answers import export_answers
from workbench.export.charts import distribution_chart, theme_chart
from workbench.export.distributions import export_distributions
from workbench.export.frequencies import CONTRACT_COLUMNS, export_frequencies
from workbench.export.quotes import export_quotes
from workbench.export.safety import neutralise, pseudonymise
from workbench.importer.survey import import_survey

BAND = {"1": "negativ", "2": "negativ", "3": "neutral", "4": "positiv", "5": "positiv", "9": "ved_ikke"}
INJECT = ['=HYPERLINK("http://x")', "+SUM(A1)", "@cmd", "-2+3"]


def code_ids(store) -> list[str]:
    with store.session() as s:
        return [c.key for c in store.codes(s)]


def build(store, tmp_path: Path, seed: int, n: int = 66, coder: str = "anne", rows=None):
    """Import a random survey and random codings (spans, repeated codes, manual codes).
    Returns the survey rows and {(respondent, question): set(codes)} as the truth."""
    rng = random.Random(seed)
    rows = rows or survey_rows(n, seed=seed)
    import_survey(store, write_survey(tmp_path / f"s{seed}.csv", rows))
    codes = code_ids(store)[:12]
    truth: dict[tuple[str, str], set[str]] = defaultdict(set)
    lines = []
    for r in rows:
        for q in range(1, 8):
            text = r[f"q{q}_text"].strip()
            if not text or rng.random() < 0.15:
                continue
            key = (r["respondent_id"], f"q{q}")
            picked = rng.sample(codes, rng.randint(0, 3))
            if not picked:
                lines.append([*key, "", "", ""])
            for c in picked:
                if rng.random() < 0.4 and len(text) > 4:
                    a = rng.randrange(0, len(text) - 2)
                    b = rng.randrange(a + 1, len(text) + 1)
                    lines.append([*key, c, a, b])
                    if rng.random() < 0.5:  # the same code twice in one answer counts once
                        lines.append([*key, c, 0, min(len(text), 3)])
                else:
                    lines.append([*key, c, "", ""])
                truth[key].add(c)
    with open(tmp_path / f"c{seed}.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["respondent_id", "question", "code", "start", "end"])
        w.writerows(lines)
    import_codings(store, coder, tmp_path / f"c{seed}.csv")
    # a few manual codings on top, through the GUI's own action
    with store.session() as s:
        ans = s.exec(select(Answer.id, Respondent.key, Question.key).join(Respondent, Respondent.id == Answer.respondent_id)
                     .join(Question, Question.id == Answer.question_id).where(Answer.text != "")
                     .order_by(Answer.id)).all()
        cid = {c.key: c.id for c in store.codes(s)}
    for aid, rk, qk in rng.sample(ans, min(5, len(ans))):
        c = rng.choice(codes)
        apply_code(store, coder, aid, cid[c])
        truth[(rk, qk)].add(c)
    return rows, truth


def expected_frequencies(rows, truth, by):
    den, num = defaultdict(int), defaultdict(int)
    for r in rows:
        g = r["subgroup"] if by == "subgroup" else spec.SUBGROUP_MAIN[r["subgroup"]]
        for q in range(1, 8):
            b = BAND.get(r[f"q{q}_score"])
            if not b or not r[f"q{q}_text"].strip():
                continue
            for grp in (g, "alle"):
                den[(f"q{q}", b, grp)] += 1
                for c in truth.get((r["respondent_id"], f"q{q}"), ()):
                    num[(f"q{q}", b, grp, c)] += 1
    return {k: (n, den[k[:3]], round(100 * n / den[k[:3]], 1)) for k, n in num.items()}, den


def read_freq(path):
    df = pd.read_csv(path, encoding="utf-8-sig", dtype={"group": str})
    assert list(df.columns[:7]) == CONTRACT_COLUMNS
    return df


def check_frequencies(store, tmp_path, rows, truth, by):
    out = tmp_path / f"f_{by}.csv"
    msg = export_frequencies(store, out, by=by, coder="anne")
    assert "anne" in msg and str(out) in msg
    df = read_freq(out)
    want, den = expected_frequencies(rows, truth, by)
    got = {(r.question, r.band, r.group, r.code): (r.n_coded, r.n_answers, r.pct) for r in df.itertuples()}
    for k, v in want.items():
        assert got.get(k) == v, (k, got.get(k), v)
    for k, (n, d, p) in got.items():  # nothing extra: zero rows are zero, denominators right
        assert d == den[k[:3]]
        if n:
            assert k in want
    assert {g for (_q, _b, g, _c) in got} >= {"alle"}
    small = df[df["n_answers"] < 5]
    assert (small["small_cell"] == 1).all() and (df[df["n_answers"] >= 5]["small_cell"] == 0).all()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_frequencies_match_independent_computation(sqlite_store, tmp_path, seed):
    rows, truth = build(sqlite_store, tmp_path, seed)
    for by in ("main_group", "subgroup"):
        check_frequencies(sqlite_store, tmp_path, rows, truth, by)


def test_frequencies_on_both_backends(any_store, tmp_path):
    rows, truth = build(any_store, tmp_path, 7, n=33)
    check_frequencies(any_store, tmp_path, rows, truth, "main_group")


def test_frequencies_xlsx(sqlite_store, tmp_path):
    import openpyxl

    build(sqlite_store, tmp_path, 4, n=44)
    sqlite_store.update_settings(min_cell=3)
    export_frequencies(sqlite_store, tmp_path / "f.csv", coder="anne")
    export_frequencies(sqlite_store, tmp_path / "f.xlsx", coder="anne")
    df = read_freq(tmp_path / "f.csv")
    wb = openpyxl.load_workbook(tmp_path / "f.xlsx")
    assert wb.sheetnames[:7] == [f"q{i}" for i in range(1, 8)] and "Om" in wb.sheetnames
    ws = wb["q1"]
    assert ws.freeze_panes == "D6"
    assert "Her og nu-tilfredshed" in ws["A1"].value
    assert "anne" in ws["A2"].value and "kilde" in ws["A2"].value
    header = [c.value for c in ws[5]]
    col = header.index("Udsatte borgere %") + 1
    checked = small_seen = 0
    for row in ws.iter_rows(min_row=6):
        code = row[2].value
        if not code:
            continue
        band = {"Negativ": "negativ", "Neutral": "neutral", "Positiv": "positiv", "Ved ikke": "ved_ikke"}[row[0].value]
        ref = df[(df.question == "q1") & (df.band == band) & (df.group == "udsatte") & (df.code == code)].iloc[0]
        cell = row[col - 1]
        if ref.n_answers < 3:
            assert cell.value == "<3" and row[col].value == "<3"
            small_seen += 1
        else:
            assert cell.value == pytest.approx(ref.pct / 100) and cell.number_format == "0.0%"
            assert row[col].value == ref.n_coded
            checked += 1
    assert checked > 0
    about = {r[0].value: r[1].value for r in wb["Om"].iter_rows(min_row=3) if r[0].value}
    assert about["Koder"] == "anne" and "p.db" in about["Kilde"] and about["Eksporteret"]


def test_answers_export_codes_injection_and_pii(sqlite_store, tmp_path):
    import openpyxl

    rows = survey_rows(22, seed=5)
    for i, t in enumerate(INJECT):
        rows[i]["q1_text"] = t
    rows[5]["q2_text"] = "Min sagsbehandler Mette Hansen ringede"
    rows, truth = build(sqlite_store, tmp_path, 5, rows=rows)
    with sqlite_store.transaction() as s:
        aid = s.exec(select(Answer.id).join(Respondent, Respondent.id == Answer.respondent_id)
                     .join(Question, Question.id == Answer.question_id)
                     .where(Respondent.key == rows[5]["respondent_id"], Question.key == "q2")).one()
        a = rows[5]["q2_text"].index("Mette")
        s.add(PiiFinding(answer_id=aid, start=a, end=a + len("Mette Hansen"), type="PERSON", status="open"))
    export_answers(sqlite_store, tmp_path / "a.csv", coder="anne")
    df = pd.read_csv(tmp_path / "a.csv", encoding="utf-8-sig", dtype={"text": str}, keep_default_na=False)
    n_answers = sum(1 for r in rows for q in range(1, 8) if r[f"q{q}_score"] or r[f"q{q}_text"].strip())
    codes = code_ids(sqlite_store)
    assert len(df) == n_answers and list(df.columns[-len(codes):]) == codes
    for r in df.itertuples():
        have = {c for c in codes if getattr(r, c) == "1"}
        assert have == truth.get((r.respondent_id, r.question), set())
        # 0/1 for a coded answer, empty for one not coded (yet)
        assert set(df.loc[r.Index, codes].unique()) <= ({"0", "1"} if r.coded == "1" else {""})
    texts = df["text"].tolist()
    assert not any(t.startswith(("=", "+", "-", "@", "\t", "\r")) for t in texts)
    for t in INJECT:
        assert "'" + t in texts
    assert "Min sagsbehandler [NAVN] ringede" in texts and not any("Mette" in t for t in texts)
    export_answers(sqlite_store, tmp_path / "raw.csv", coder="anne", allow_pii=True)
    assert "Mette Hansen" in (tmp_path / "raw.csv").read_text(encoding="utf-8-sig")

    export_answers(sqlite_store, tmp_path / "a.xlsx", coder="anne")
    wb = openpyxl.load_workbook(tmp_path / "a.xlsx")
    ws = wb["Svar"]
    head = [c.value for c in ws[1]]
    tcol = head.index("text")
    assert ws.max_row - 1 == n_answers and ws.freeze_panes == "B2"
    for row in ws.iter_rows(min_row=2):
        cell = row[tcol]
        assert cell.data_type != "f"
        if isinstance(cell.value, str):
            assert not cell.value.startswith(("=", "+", "-", "@"))
    xl_texts = {row[tcol].value for row in ws.iter_rows(min_row=2)}
    assert "'=HYPERLINK(\"http://x\")" in xl_texts
    about = {r[0].value: r[1].value for r in wb["Om"].iter_rows(min_row=3) if r[0].value}
    assert about["Koder"] == "anne"


def whole(k, n):
    """Whole percent rounded half up, via Decimal (independent of the export's integer trick)."""
    from decimal import ROUND_HALF_UP, Decimal

    return int((Decimal(100 * int(k)) / Decimal(int(n))).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def test_distributions_match_pandas_scipy_statsmodels(sqlite_store, tmp_path):
    import statsmodels.formula.api as smf
    from scipy import stats

    rows = survey_rows(154, seed=11)
    import_survey(sqlite_store, write_survey(tmp_path / "s.csv", rows))
    export_distributions(sqlite_store, tmp_path / "d.csv", by="subgroup")
    got = pd.read_csv(tmp_path / "d.csv", encoding="utf-8-sig", keep_default_na=False, na_values=[""])
    long = pd.DataFrame([dict(rid=r["respondent_id"], sub=r["subgroup"], main=spec.SUBGROUP_MAIN[r["subgroup"]],
                              gender=r["gender"], eth=r["ethnicity"], months=int(r["unemployment_months"]),
                              q=f"q{q}", score=int(r[f"q{q}_score"]))
                         for r in rows for q in range(1, 8) if r[f"q{q}_score"]])
    for q in ("q1", "q4", "q7"):
        lq = long[long.q == q]
        for sub in ("aktiv_o30", "integration"):
            mine = lq[lq["sub"] == sub]
            row = got[(got.question == q) & (got.group == sub)].iloc[0]
            counts = mine.score.value_counts()
            for c in (1, 2, 3, 4, 5, 9):
                assert row[f"pct_{c}"] == whole(counts.get(c, 0), len(mine)), (q, sub, c)
            assert row["n"] == len(mine)
            assert row["positive"] == whole(counts.get(4, 0) + counts.get(5, 0), len(mine))
            main = mine["main"].iloc[0]
            rest = lq[(lq["main"] == main) & (lq["sub"] != sub) & (lq.score != 9)].score
            p = stats.ttest_ind(mine[mine.score != 9].score.astype(float), rest.astype(float), equal_var=False).pvalue
            assert row["t_p"] == pytest.approx(p, rel=1e-5)
        scale = lq[lq.score != 9]
        row = got[(got.question == q) & (got.group == "jobparate")].iloc[0]
        p = stats.ttest_ind(scale[scale["main"] == "jobparate"].score.astype(float),
                            scale[scale["main"] == "udsatte"].score.astype(float), equal_var=False).pvalue
        assert row["t_p"] == pytest.approx(p, rel=1e-5)
        sig = row["t_sig"] if isinstance(row["t_sig"], str) else ""
        assert sig == ("**" if p < 0.05 else "*" if p < 0.1 else "")
        fit = smf.ols("score ~ C(main, Treatment('udsatte')) + C(gender) + C(eth) + months",
                      data=scale.assign(score=scale.score.astype(float))).fit()
        name = "C(main, Treatment('udsatte'))[T.jobparate]"
        assert row["ols_coef"] == pytest.approx(fit.params[name], rel=1e-5)
        assert row["ols_p"] == pytest.approx(fit.pvalues[name], rel=1e-4)
        other = got[(got.question == q) & (got.group == "udsatte")].iloc[0]
        assert other["ols_coef"] == pytest.approx(-fit.params[name], rel=1e-5)


def test_distributions_xlsx_hides_small_groups(sqlite_store, tmp_path):
    import openpyxl

    import_survey(sqlite_store, write_survey(tmp_path / "s.csv", survey_rows(33, seed=2)))
    sqlite_store.update_settings(min_cell=4)  # 3 respondents per subgroup: all small
    export_distributions(sqlite_store, tmp_path / "d.xlsx", by="subgroup")
    ws = openpyxl.load_workbook(tmp_path / "d.xlsx")["q1"]
    labels = {r[0].value: r for r in ws.iter_rows(min_row=6)}
    assert labels["Borgere i integrationsprogrammet"][2].value == "<4"
    assert isinstance(labels["Alle"][2].value, int)
    assert ws.freeze_panes == "C6"


def test_quotes_docx(sqlite_store, tmp_path):
    import docx

    rows = survey_rows(66, seed=9)
    secret = "Integrationsborgeren fortalte om noget helt særligt i dag"
    integ = [r for r in rows if r["subgroup"] == "integration"]
    for r in integ[2:]:
        rows.remove(r)
    for r in integ[:2]:
        for q in range(1, 8):
            r[f"q{q}_text"], r[f"q{q}_score"] = secret, "1"
    rows[0]["q1_score"], rows[0]["q1_text"] = "5", "Hun ringede til Mette Hansen og lavede en god plan for mig"
    rows, truth = build(sqlite_store, tmp_path, 9, rows=rows)
    code = code_ids(sqlite_store)[0]
    with sqlite_store.transaction() as s:
        aid = s.exec(select(Answer.id).join(Respondent, Respondent.id == Answer.respondent_id)
                     .join(Question, Question.id == Answer.question_id)
                     .where(Respondent.key == rows[0]["respondent_id"], Question.key == "q1")).one()
        a = rows[0]["q1_text"].index("Mette")
        s.add(PiiFinding(answer_id=aid, start=a, end=a + len("Mette Hansen"), type="PERSON"))
        cid = s.exec(select(Coder.id).where(Coder.name == "anne")).one()
    for r in integ[:2]:  # the small group's answers are coded too
        with sqlite_store.session() as s:
            ids = s.exec(select(Answer.id).join(Respondent, Respondent.id == Answer.respondent_id)
                         .where(Respondent.key == r["respondent_id"])).all()
            code_id = {c.key: c.id for c in sqlite_store.codes(s)}[code]
        for a in ids:
            apply_code(sqlite_store, "anne", a, code_id)
    span_id = apply_code(sqlite_store, "anne", aid, code_id, 0, 14)  # "Hun ringede ti"
    with sqlite_store.transaction() as s:
        s.add(QuoteStar(coding_id=span_id, starred_by=cid))
    out = tmp_path / "q.docx"
    msg = export_quotes(sqlite_store, out, coder="anne")
    assert "anne" in msg
    doc = docx.Document(str(out))
    paras = doc.paragraphs
    assert "kilde" in paras[0].text and "anne" in paras[0].text and "eksporteret" in paras[0].text
    assert doc.core_properties.comments == paras[0].text
    heads = [p.text for p in paras if p.style.name == "Heading 1"]
    assert heads[0].startswith("Q1. Her og nu-tilfredshed")
    assert any(p.style.name == "Heading 2" and p.text.startswith("Positive svar") for p in paras)
    quotes = [p.text for p in paras if p.style.name == "Quote"]
    assert quotes
    answers = [r[f"q{q}_text"] for r in rows for q in range(1, 8)]
    for t in quotes:
        assert t.startswith("„") and t.rstrip().endswith(")"), t
        body = t[1:t.index("“")].replace("[NAVN]", "Mette Hansen")
        assert any(body in a for a in answers), t
    assert not any(secret in t for t in quotes)  # integration has 2 respondents < min_cell 5
    assert not any("Mette" in p.text for p in paras)
    # the starred span of q1 leads its theme in the positive band
    idx = next(i for i, p in enumerate(paras) if p.style.name == "List Bullet" and
               p.text.startswith(D.load(sqlite_store, "anne").code_label(code)) and
               any(h.text.startswith("Positive") for h in paras[:i] if h.style.name == "Heading 2"))
    assert paras[idx + 1].text.startswith("„Hun ringede ti“")
    # deterministic
    export_quotes(sqlite_store, tmp_path / "q2.docx", coder="anne")
    assert [p.text for p in docx.Document(str(tmp_path / "q2.docx")).paragraphs][1:] == [p.text for p in paras][1:]


def test_report_draft_has_chapters_and_charts(sqlite_store, tmp_path):
    import docx

    build(sqlite_store, tmp_path, 12, n=66)
    export_quotes(sqlite_store, tmp_path / "r.docx", coder="anne", report_draft=True)
    doc = docx.Document(str(tmp_path / "r.docx"))
    h1 = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert h1 == ["Udsatte borgere", "Job- og uddannelsesparate borgere"]
    assert len(doc.inline_shapes) == 14


def test_charts_png_and_svg(sqlite_store, tmp_path):
    build(sqlite_store, tmp_path, 13, n=66)
    p = distribution_chart(sqlite_store, "q1", "main_group", tmp_path / "d.png")
    assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and p.stat().st_size > 10000
    s = distribution_chart(sqlite_store, "q1", "subgroup", tmp_path / "d.svg", within=("main_group", "udsatte"))
    assert "<svg" in s.read_text(encoding="utf-8")[:500]
    t = theme_chart(sqlite_store, "q1", "positiv", "anne", tmp_path / "t.png", top=5)
    assert t.stat().st_size > 10000
    with pytest.raises(InputError):
        distribution_chart(sqlite_store, "q1", "main_group", tmp_path / "d.gif")
    assert sorted(x.name for x in tmp_path.glob("*.part")) == []


def test_resolve_coder(sqlite_store, tmp_path):
    build(sqlite_store, tmp_path, 14, n=22, coder="anne")
    assert D.resolve_coder(sqlite_store) == "anne"
    build(sqlite_store, tmp_path, 15, n=22, coder="facit")
    with sqlite_store.transaction() as s:
        s.exec(select(Coder).where(Coder.name == "facit")).one().role = "gold"
    assert D.resolve_coder(sqlite_store) == "anne"  # gold is never the default
    build(sqlite_store, tmp_path, 16, n=22, coder="bo")
    with pytest.raises(InputError) as e:
        D.resolve_coder(sqlite_store)
    assert "anne" in str(e.value) and "bo" in str(e.value)
    with sqlite_store.session() as s:
        a = s.exec(select(Coding).order_by(Coding.id)).first()
    apply_code(sqlite_store, "final", a.answer_id, a.code_id)
    assert D.resolve_coder(sqlite_store) == "final"
    assert D.resolve_coder(sqlite_store, "bo") == "bo"
    with pytest.raises(InputError):
        D.resolve_coder(sqlite_store, "nobody")


def _fail_midway(monkeypatch, target, attr):
    def boom(self, path, *a, **k):
        Path(path).write_bytes(b"half an export")
        raise OSError("disk full")
    monkeypatch.setattr(target, attr, boom)


@pytest.mark.parametrize("kind", ["csv", "xlsx", "docx", "png"])
def test_failed_export_leaves_old_file_intact(sqlite_store, tmp_path, monkeypatch, kind):
    import docx.document
    import matplotlib.figure
    import openpyxl.workbook.workbook

    build(sqlite_store, tmp_path, 17, n=22)
    out = tmp_path / f"out.{kind}"
    out.write_bytes(b"the previous export")
    if kind == "csv":
        def half(self, data):
            open(self, "wb").write(data[:10])
            raise OSError("disk full")
        monkeypatch.setattr(Path, "write_bytes", half)
        call = lambda: export_frequencies(sqlite_store, out, coder="anne")  # noqa: E731
    elif kind == "xlsx":
        _fail_midway(monkeypatch, openpyxl.workbook.workbook.Workbook, "save")
        call = lambda: export_answers(sqlite_store, out, coder="anne")  # noqa: E731
    elif kind == "docx":
        _fail_midway(monkeypatch, docx.document.Document, "save")
        call = lambda: export_quotes(sqlite_store, out, coder="anne")  # noqa: E731
    else:
        _fail_midway(monkeypatch, matplotlib.figure.Figure, "savefig")
        call = lambda: distribution_chart(sqlite_store, "q1", "main_group", out)  # noqa: E731
    with pytest.raises(OSError):
        call()
    assert out.read_bytes() == b"the previous export"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")] == []
    fresh = tmp_path / f"new.{kind}"
    with pytest.raises(OSError):
        (export_frequencies(sqlite_store, fresh, coder="anne") if kind == "csv" else
         export_answers(sqlite_store, fresh, coder="anne") if kind == "xlsx" else
         export_quotes(sqlite_store, fresh, coder="anne") if kind == "docx" else
         distribution_chart(sqlite_store, "q1", "main_group", fresh))
    assert not fresh.exists()


def test_safety_helpers():
    for t in INJECT + ["\tx", "\rx"]:
        assert neutralise(t) == "'" + t
    assert neutralise("Hun lytter") == "Hun lytter" and neutralise(5) == 5
    text = "Ring til Mette på 12345678 i dag"
    f = [(9, 14, "PERSON"), (18, 26, "PHONE")]
    assert pseudonymise(text, f) == "Ring til [NAVN] på [TELEFON] i dag"
    assert pseudonymise(text, f, 11, 20) == "[NAVN] på [TELEFON]"  # a partly covered name is still hidden
    assert pseudonymise(text, []) == text


def test_unknown_by_and_suffix_are_input_errors(sqlite_store, tmp_path):
    build(sqlite_store, tmp_path, 18, n=22)
    with pytest.raises(InputError):
        export_frequencies(sqlite_store, tmp_path / "f.txt", coder="anne")
    with pytest.raises(InputError):
        export_frequencies(sqlite_store, tmp_path / "f.csv", by="colour", coder="anne")
    with pytest.raises(InputError):
        export_quotes(sqlite_store, tmp_path / "q.pdf", coder="anne")
    defn = D.load(sqlite_store, with_codings=False).definition
    for by in ("gender", "ethnicity", "age", "unemployment_months"):
        export_distributions(sqlite_store, tmp_path / f"d_{by}.csv", by=by)
        df = pd.read_csv(tmp_path / f"d_{by}.csv", encoding="utf-8-sig")
        assert set(df["group"]) - {"alle"} <= set(defn.group_order(by))


def test_exports_say_when_coding_is_unfinished(sqlite_store, survey_file, tmp_path):
    """A coder who has coded some of the answers: the XLSX sheets, the "Om" sheet and the Word
    draft say how many, so nobody reports shares of a half-coded survey unawares."""
    import docx
    import openpyxl
    from sqlmodel import select

    from workbench.coding.codings import apply_code
    from workbench.coding.models import Answer, Code
    from workbench.export.frequencies import export_frequencies
    from workbench.export.quotes import export_quotes
    from workbench.importer.survey import import_survey

    import_survey(sqlite_store, survey_file)
    with sqlite_store.session() as s:
        aids = list(s.exec(select(Answer.id).where(Answer.text != "").order_by(Answer.id)).all())
        code = s.exec(select(Code.id).order_by(Code.id)).first()
    for aid in aids[:5]:
        apply_code(sqlite_store, "anne", aid, code)
    export_frequencies(sqlite_store, tmp_path / "f.xlsx", coder="anne", year="all")
    wb = openpyxl.load_workbook(tmp_path / "f.xlsx")
    first = wb.worksheets[0]
    assert f"har kodet 5 af {len(aids)} svar" in first.cell(4, 1).value
    about = {r[0].value: r[1].value for r in wb["Om"].iter_rows()}
    assert about["Kodede svar"].startswith(f"5 af {len(aids)} svar med tekst")
    export_quotes(sqlite_store, tmp_path / "q.docx", coder="anne", year="all")
    text = "\n".join(p.text for p in docx.Document(str(tmp_path / "q.docx")).paragraphs[:4])
    assert f"har kodet 5 af {len(aids)} svar" in text
    # finished coding: no note
    for aid in aids[5:]:
        apply_code(sqlite_store, "anne", aid, code)
    export_frequencies(sqlite_store, tmp_path / "g.xlsx", coder="anne", year="all")
    assert not (openpyxl.load_workbook(tmp_path / "g.xlsx").worksheets[0].cell(4, 1).value or "")
