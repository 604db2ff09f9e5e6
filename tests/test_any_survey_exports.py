"""Every export reads the survey definition: a 0–10 questionnaire with a comment field, a
value-labelled category, a binned age and a derived grouping, in two waves — its theme
frequencies, distributions with their tests, coded answers (CSV, XLSX, SPSS, Stata), charts,
quotes, the report draft and the year-on-year comparison, each checked against an independent
computation from the generated raw data."""
from __future__ import annotations

import csv
import random
import re
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest

from workbench.cli import main
from workbench.export import data as D
from workbench.importer.codings import import_codings
from workbench.importer.survey import import_survey

DEFINITION = """\
survey: Borgerservice
respondent_id: Løbenr
questions:
  - key: samlet
    score: Spm1
    text: Spm1_uddyb
    topic: Samlet tilfredshed
    question: Hvor tilfreds er du samlet set med dit besøg?
    scale: 0-10
    scale_labels: {0: Meget utilfreds, 10: Meget tilfreds}
    bands: {negativ: 0-6, neutral: 7-8, positiv: 9-10}
    dont_know: [99]
    prompts: {negativ: "Hvad var ikke godt?", positiv: "Hvad gjorde det godt?"}
  - key: venlig
    score: Spm2
    question: Blev du mødt venligt?
    scale: 1-5
    scale_labels: [Slet ikke, I lav grad, Nogenlunde, I høj grad, I meget høj grad]
    bands: {negativ: 1-2, neutral: 3, positiv: 4-5}
  - key: kommentar
    text: Kommentar
    question: Har du andre kommentarer?
variables:
  - key: afdeling
    column: Afdeling
    label: Afdeling
  - key: koen
    column: Køn
    label: Køn
    values: {1: Kvinde, 2: Mand}
  - key: alder
    column: Alder
    label: Alder
    type: number
    bins: [18, 30, 50, 67]
  - key: omraade
    label: Område
    from: afdeling
    map: {Nord: Land, Vest: Land, Syd: By, Centrum: By}
report:
  group_by: omraade
  controls: [koen, alder]
"""
HEADER = ["Løbenr", "Afdeling", "Køn", "Alder", "Spm1", "Spm1_uddyb", "Spm2", "Kommentar"]
TEXTS = ["Lang ventetid ved skranken", "Venlig og hjælpsom medarbejder", "Svært at finde vej i systemet",
         "Det gik hurtigt", "Ingen forstod mit spørgsmål", ""]
COMMENTS = ["Fin service", "Parkeringen er for dyr", "", ""]
AREA = {"Nord": "Land", "Vest": "Land", "Syd": "By", "Centrum": "By"}
KOEN = {"1": "Kvinde", "2": "Mand"}
CODES = ["ventetid", "god_kommunikation", "tilgaengelig", "utilgaengelig"]


def band(score: str):
    if score == "":
        return None
    s = int(score)
    return "ved_ikke" if s == 99 else "negativ" if s <= 6 else "neutral" if s <= 8 else "positiv"


def age_bin(a: int) -> str:
    return "under-18" if a < 18 else "18-29" if a < 30 else "30-49" if a < 50 else "50-66" if a < 67 else "67+"


def make_rows(year: int, n: int, seed: int, shift: int = 0) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        s = rng.choice([str(x) for x in range(0, 11)] + ["99", ""])
        if s not in ("", "99") and shift:
            s = str(min(10, int(s) + rng.choice([0, shift])))
        rows.append({"Løbenr": f"{year}-{i:03d}", "Afdeling": rng.choice(list(AREA)), "Køn": rng.choice(["1", "2"]),
                     "Alder": str(rng.choice([17, 19, 25, 29, 30, 44, 50, 61, 66, 67, 80])), "Spm1": s,
                     "Spm1_uddyb": rng.choice(TEXTS), "Spm2": rng.choice(["1", "2", "3", "4", "5", ""]),
                     "Kommentar": rng.choice(COMMENTS)})
    return rows


def write_rows(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=HEADER)
        w.writeheader()
        w.writerows(rows)
    return path


def codes_for(rng: random.Random, text: str) -> list[str]:
    if not text:
        return []
    return rng.sample(CODES, rng.randint(0, 2))


def build(store, tmp_path: Path, waves=((2024, 80, 3, 0),)):
    """Import the waves with the definition and code their texts; returns the raw rows per year
    and the truth {(respondent, question): set(codes)}."""
    defn = tmp_path / "def.yaml"
    defn.write_text(DEFINITION, encoding="utf-8")
    rng = random.Random(99)
    raw, truth, lines = {}, defaultdict(set), []
    for year, n, seed, shift in waves:
        rows = make_rows(year, n, seed, shift)
        raw[year] = rows
        import_survey(store, write_rows(tmp_path / f"w{year}.csv", rows), year=year, definition=defn)
        for r in rows:
            for q, col in (("samlet", "Spm1_uddyb"), ("kommentar", "Kommentar")):
                if not r[col]:
                    continue
                picked = codes_for(rng, r[col])
                if not picked:
                    lines.append([r["Løbenr"], q, ""])
                for c in picked:
                    lines.append([r["Løbenr"], q, c])
                    truth[(r["Løbenr"], q)].add(c)
    with open(tmp_path / "codings.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["respondent_id", "question", "code"])
        w.writerows(lines)
    import_codings(store, "anne", tmp_path / "codings.csv")
    return raw, truth


def group_of(r: dict, by: str):
    return {"omraade": AREA[r["Afdeling"]], "afdeling": r["Afdeling"], "koen": KOEN[r["Køn"]],
            "alder": age_bin(int(r["Alder"])), "alle": "alle"}[by]


def expected_frequencies(rows, truth, by):
    den, num = defaultdict(int), defaultdict(int)
    for r in rows:
        for q, col, b in (("samlet", "Spm1_uddyb", band(r["Spm1"])), ("kommentar", "Kommentar", "")):
            if b is None or not r[col].strip():
                continue
            for g in (group_of(r, by), "alle"):
                den[(q, b, g)] += 1
                for c in truth.get((r["Løbenr"], q), ()):
                    num[(q, b, g, c)] += 1
    return {k: (n, den[k[:3]], round(100 * n / den[k[:3]], 1)) for k, n in num.items()}, den


def whole(k, n):
    """Whole percent rounded half up, via Decimal."""
    from decimal import ROUND_HALF_UP, Decimal

    return int((Decimal(100 * int(k)) / Decimal(int(n))).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def read_csv(path, **kw):
    return pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False, dtype=str, **kw)


@pytest.mark.parametrize("by", ["omraade", "alder", "koen", "afdeling"])
def test_frequencies_by_any_variable(sqlite_store, tmp_path, by):
    from workbench.export.frequencies import export_frequencies

    raw, truth = build(sqlite_store, tmp_path)
    rows = raw[2024]
    out = tmp_path / f"f_{by}.csv"
    export_frequencies(sqlite_store, out, by=by, coder="anne")
    df = read_csv(out)
    got = {(r.question, r.band, r.group, r.code): (int(r.n_coded), int(r.n_answers), float(r.pct))
           for r in df.itertuples()}
    want, den = expected_frequencies(rows, truth, by)
    assert want
    for k, v in want.items():
        assert got.get(k) == v, (k, got.get(k), v)
    for k, (n, d, _p) in got.items():
        assert d == den[k[:3]], k
        if n:
            assert k in want, k
    groups = set(df["group"]) - {"alle"}
    assert groups == {group_of(r, by) for r in rows if r["Spm1_uddyb"] or r["Kommentar"]}
    if by == "alder":
        assert {"18-29", "67+", "under-18"} <= groups
    if by == "omraade":
        assert groups == {"Land", "By"}
    # the open question has no band; the scored one only the definition's bands
    assert set(df.loc[df.question == "kommentar", "band"]) == {""}
    assert set(df.loc[df.question == "samlet", "band"]) <= {"negativ", "neutral", "positiv", "ved_ikke"}
    assert "venlig" not in set(df["question"])  # no text, nothing to count


def test_frequencies_xlsx_and_default_grouping(sqlite_store, tmp_path):
    import openpyxl

    from workbench.export.frequencies import export_frequencies

    build(sqlite_store, tmp_path)
    assert D.default_by(sqlite_store) == "omraade"
    msg = export_frequencies(sqlite_store, tmp_path / "f.xlsx", coder="anne")
    assert "by omraade" in msg
    wb = openpyxl.load_workbook(tmp_path / "f.xlsx")
    assert wb.sheetnames == ["samlet", "kommentar", "Data", "Om"]
    ws = wb["samlet"]
    assert "Samlet tilfredshed" in ws["A1"].value and "Hvor tilfreds" in ws["A1"].value
    header = [c.value for c in ws[5]]
    assert "Land %" in header and "By %" in header and "Alle %" in header
    bands = {r[0].value for r in ws.iter_rows(min_row=6) if r[0].value}
    assert bands <= {"Negativ", "Neutral", "Positiv", "Ved ikke"} and "Negativ" in bands
    assert {r[0].value for r in wb["kommentar"].iter_rows(min_row=6) if r[0].value} == {"Åbent spørgsmål"}


def test_distributions_tests_against_scipy_and_statsmodels(sqlite_store, tmp_path):
    import statsmodels.formula.api as smf
    from scipy import stats

    from workbench.export.distributions import export_distributions

    raw, _truth = build(sqlite_store, tmp_path, waves=((2024, 160, 5, 0),))
    rows = raw[2024]
    export_distributions(sqlite_store, tmp_path / "d.csv", by="afdeling")
    got = pd.read_csv(tmp_path / "d.csv", encoding="utf-8-sig", keep_default_na=False, na_values=[""])
    assert [f"pct_{v}" for v in range(0, 11)] + ["pct_99"] == [c for c in got.columns if c.startswith("pct_")]
    long = pd.DataFrame([dict(afd=r["Afdeling"], area=AREA[r["Afdeling"]], koen=KOEN[r["Køn"]], alder=int(r["Alder"]),
                              score=int(r["Spm1"])) for r in rows if r["Spm1"] != ""])
    scale = long[long.score <= 10]
    # levels: the departments, then the areas derived from them, then everyone
    assert list(dict.fromkeys(got[got.question == "samlet"]["level"])) == ["afdeling", "omraade", "alle"]
    for afd in AREA:
        row = got[(got.question == "samlet") & (got.group == afd)].iloc[0]
        mine = long[long.afd == afd]
        assert row["n"] == len(mine)
        assert row["pct_99"] == whole((mine.score == 99).sum(), len(mine))
        assert row["pct_0"] == whole((mine.score == 0).sum(), len(mine))
        assert row["positive"] == whole(mine.score.between(9, 10).sum(), len(mine))
        assert row["negative"] == whole(mine.score.between(0, 6).sum(), len(mine))
        ms = scale[scale.afd == afd].score.astype(float)
        assert row["mean"] == pytest.approx(ms.mean(), abs=1e-6)
        # against the rest of its area
        pool = scale[scale.area == AREA[afd]]
        rest = pool[pool.afd != afd].score.astype(float)
        p = stats.ttest_ind(ms, rest, equal_var=False).pvalue
        assert row["t_p"] == pytest.approx(p, abs=1e-6)  # the CSV holds 6 decimals
        assert row["compared_with"] == f"resten af {AREA[afd]}"
        fit = smf.ols("score ~ mine + C(koen) + alder",
                      data=pool.assign(score=pool.score.astype(float), mine=(pool.afd == afd).astype(float))).fit()
        assert row["ols_coef"] == pytest.approx(fit.params["mine"], abs=1e-6)
        assert row["ols_p"] == pytest.approx(fit.pvalues["mine"], abs=1e-6)
        assert row["ols_n"] == len(pool)
    land = got[(got.question == "samlet") & (got.group == "Land")].iloc[0]
    p = stats.ttest_ind(scale[scale.area == "Land"].score.astype(float), scale[scale.area == "By"].score.astype(float),
                        equal_var=False).pvalue
    assert land["t_p"] == pytest.approx(p, abs=1e-6)
    # a 1–5 question in the same table: its own scale, no 0 or 99
    v = got[(got.question == "venlig") & (got.group == "alle")].iloc[0]
    assert pd.isna(v["pct_0"]) and pd.isna(v["pct_99"]) and not pd.isna(v["pct_5"])
    assert set(got["question"]) == {"samlet", "venlig"}  # the open question has no distribution


def test_distributions_without_controls_have_no_ols(sqlite_store, tmp_path):
    from workbench.export.distributions import compute_distributions

    (tmp_path / "def.yaml").write_text(DEFINITION.replace("  controls: [koen, alder]\n", ""), encoding="utf-8")
    import_survey(sqlite_store, write_rows(tmp_path / "w.csv", make_rows(2024, 60, 4)), year=2024,
                  definition=tmp_path / "def.yaml")
    df = compute_distributions(D.load(sqlite_store, with_codings=False), "koen")
    assert df["t_p"].notna().any() and df["ols_coef"].isna().all()
    assert set(df["group"]) == {"Kvinde", "Mand", "alle"}


def test_distributions_xlsx_in_the_questions_scale(sqlite_store, tmp_path):
    import openpyxl

    from workbench.export.distributions import export_distributions

    build(sqlite_store, tmp_path)
    export_distributions(sqlite_store, tmp_path / "d.xlsx", by="alder")
    wb = openpyxl.load_workbook(tmp_path / "d.xlsx")
    head = [c.value for c in wb["samlet"][5]]
    assert head[2] == "0 Meget utilfreds" and head[12] == "10 Meget tilfreds" and head[13] == "99 Ved ikke"
    assert "Gns. (0–10)" in head
    head2 = [c.value for c in wb["venlig"][5]]
    assert head2[2:7] == ["1 Slet ikke", "2 I lav grad", "3 Nogenlunde", "4 I høj grad", "5 I meget høj grad"]
    groups = [r[0].value for r in wb["samlet"].iter_rows(min_row=6)]
    assert "67+" in groups and "18-29" in groups and groups[-1] == "Alle"
    about = {r[0].value: r[1].value for r in wb["Om"].iter_rows(min_row=3) if r[0].value}
    assert "koen" in about["OLS"] and "alder" in about["OLS"]


def test_answers_csv_xlsx_sav_dta(sqlite_store, tmp_path):
    import openpyxl
    import pyreadstat

    from workbench.export.answers import export_answers

    raw, truth = build(sqlite_store, tmp_path)
    rows = {r["Løbenr"]: r for r in raw[2024]}
    export_answers(sqlite_store, tmp_path / "a.csv", coder="anne")
    df = read_csv(tmp_path / "a.csv")
    assert list(df.columns[:12]) == ["respondent_id", "year", "afdeling", "afdeling_value", "koen", "koen_value",
                                     "alder", "alder_value", "omraade", "question", "score", "score_label"]
    n = sum(1 for r in raw[2024] for c in ("Spm1", "Spm1_uddyb", "Spm2", "Kommentar") if r[c]
            ) - sum(1 for r in raw[2024] if r["Spm1"] and r["Spm1_uddyb"])
    assert len(df) == n
    for r in df.itertuples():
        src = rows[r.respondent_id]
        assert r.koen == KOEN[src["Køn"]] and r.koen_value == src["Køn"]
        assert r.alder == age_bin(int(src["Alder"])) and int(r.alder_value) == int(src["Alder"])
        assert r.omraade == AREA[src["Afdeling"]]
        if r.question == "samlet" and r.score:
            assert r.band == band(src["Spm1"])
            assert r.score_label == {"0": "Meget utilfreds", "10": "Meget tilfreds", "99": "Ved ikke"}.get(r.score, r.score)
        if r.question == "kommentar":
            assert r.score == "" and r.band == ""
        have = {c for c in df.columns[df.columns.get_loc("coded") + 1:] if getattr(r, c, "0") == "1"}
        assert have == truth.get((r.respondent_id, r.question), set())

    export_answers(sqlite_store, tmp_path / "a.xlsx", coder="anne")
    wb = openpyxl.load_workbook(tmp_path / "a.xlsx")
    assert wb.sheetnames == ["Svar", "Koder", "Variable", "Om"]
    assert wb["Svar"].max_row - 1 == n
    var = {r[0].value: (r[1].value, r[2].value) for r in wb["Variable"].iter_rows(min_row=2)}
    assert var["koen_value"][1] == "1 = Kvinde; 2 = Mand" and var["alder"][0] == "Alder"

    for fmt, reader in (("sav", pyreadstat.read_sav), ("dta", pyreadstat.read_dta)):
        out = tmp_path / f"a.{fmt}"
        msg = export_answers(sqlite_store, out, coder="anne")
        assert str(out) in msg
        data, meta = reader(str(out))
        assert len(data) == n
        labels = meta.column_names_to_labels
        assert labels["koen"] == "Køn" and labels["alder_value"] == "Alder (værdi)"
        vl = meta.variable_value_labels
        assert {int(k): v for k, v in vl["koen_value"].items()} == {1: "Kvinde", 2: "Mand"}
        assert {int(k): v for k, v in vl["question_no"].items()}[1].startswith("samlet: Hvor tilfreds")
        assert {int(k): v for k, v in vl["score"].items()}.get(99) == "Ved ikke"
        score_labels = {int(k): v for k, v in vl["score"].items()}
        assert score_labels[0] == "Meget utilfreds"  # only the 0–10 scale has a 0
        assert 1 not in score_labels  # "1" on the 0–10 scale, "Slet ikke" on the 1–5: no common label
        if fmt == "sav":
            assert vl["question"]["kommentar"] == "Har du andre kommentarer?"
        pdf = pd.read_stata(out) if fmt == "dta" else pd.read_spss(out)
        assert set(pdf["koen_value"].astype(str)) <= {"Kvinde", "Mand"}  # read with labels applied
        code_cols = [c for c in CODES if c in data.columns]
        coded = data["coded"] == 1
        assert code_cols and set(data.loc[coded, code_cols].stack().unique()) <= {0, 1}
        assert data.loc[~coded, code_cols].isna().all().all()  # not coded: missing, not 0


def test_charts_quotes_and_report_draft(sqlite_store, tmp_path):
    import docx

    from workbench.export.charts import distribution_chart
    from workbench.export.preview import export_chart
    from workbench.export.quotes import export_quotes

    build(sqlite_store, tmp_path, waves=((2024, 120, 3, 0),))
    sqlite_store.update_settings(min_cell=3)
    for by in ("alder", "omraade"):
        p = distribution_chart(sqlite_store, "samlet", by, tmp_path / f"d_{by}.png")
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and p.stat().st_size > 10000
    within = distribution_chart(sqlite_store, "samlet", "afdeling", tmp_path / "w.png", within=("omraade", "Land"))
    assert within.stat().st_size > 10000
    assert "theme chart of kommentar" in export_chart(sqlite_store, tmp_path / "k.png", "kommentar", coder="anne")
    assert "band negativ" in export_chart(sqlite_store, tmp_path / "n.png", "samlet", "negativ", by="koen", coder="anne")
    from workbench.errors import InputError

    with pytest.raises(InputError):
        export_chart(sqlite_store, tmp_path / "x.png", "samlet", "meget", coder="anne")

    export_quotes(sqlite_store, tmp_path / "q.docx", coder="anne")
    doc = docx.Document(str(tmp_path / "q.docx"))
    heads1 = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert heads1[0].startswith("samlet. Samlet tilfredshed") and len(heads1) == 2
    heads2 = {p.text for p in doc.paragraphs if p.style.name == "Heading 2"}
    assert "Negative svar (0–6)" in heads2 and "Svar" in heads2
    quotes = [p.text for p in doc.paragraphs if p.style.name == "Quote"]
    assert quotes
    # attributed to the department (the finest grouping) and the score with its scale label
    assert all(re.search(r"“ \((Nord|Syd|Vest|Centrum)(, (\d+|\d+ – Meget u?tilfreds|99 – Ved ikke))?\)$", q)
               for q in quotes), quotes
    assert any(q.endswith(" – Meget tilfreds)") or q.endswith(" – Meget utilfreds)") for q in quotes)
    assert any(re.search(r"\((Nord|Syd|Vest|Centrum)\)$", q) for q in quotes)  # the comment: no score

    export_quotes(sqlite_store, tmp_path / "r.docx", coder="anne", report_draft=True)
    doc = docx.Document(str(tmp_path / "r.docx"))
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == ["Land", "By"]
    assert len(doc.inline_shapes) == 4  # two scored questions per chapter


def test_year_on_year_against_scipy(sqlite_store, tmp_path, capsys):
    import openpyxl
    from scipy import stats

    from workbench.export.distributions import export_theme_comparison, export_year_comparison

    raw, truth = build(sqlite_store, tmp_path, waves=((2023, 90, 11, 0), (2024, 90, 12, 2)))
    out = tmp_path / "y.csv"
    assert main(["export", "distributions", str(sqlite_store.path), "--out", str(out), "--compare-years", "2023,2024",
                 "--by", "omraade"]) == 0
    assert "year-on-year" in capsys.readouterr().out
    got = pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False, dtype=str)
    assert list(got.columns) == ["question", "group", "year_a", "year_b", "n_a", "n_b", "mean_a", "mean_b", "diff",
                                 "p_value", "sig"]
    assert set(got["question"]) == {"samlet", "venlig"}
    assert {g for g in got["group"]} == {"Land", "By", "alle"}
    for (q, col, hi) in (("samlet", "Spm1", 10), ("venlig", "Spm2", 5)):
        for grp in ("Land", "By", "alle"):
            xs = [[float(r[col]) for r in raw[y] if r[col] != "" and int(r[col]) <= hi
                   and (grp == "alle" or AREA[r["Afdeling"]] == grp)] for y in (2023, 2024)]
            r = got[(got.question == q) & (got.group == grp)].iloc[0]
            assert (int(r.n_a), int(r.n_b)) == (len(xs[0]), len(xs[1]))
            ma, mb = sum(xs[0]) / len(xs[0]), sum(xs[1]) / len(xs[1])
            assert float(r.mean_a) == pytest.approx(ma, abs=1e-9) and float(r.mean_b) == pytest.approx(mb, abs=1e-9)
            assert float(r["diff"]) == pytest.approx(mb - ma, abs=1e-9)
            p = stats.ttest_ind(xs[0], xs[1], equal_var=False).pvalue
            assert float(r.p_value) == pytest.approx(p, rel=1e-9, abs=1e-12)
            assert r.sig == ("**" if p < 0.05 else "*" if p < 0.10 else "")
            assert (r.year_a, r.year_b) == ("2023", "2024")
    assert (got["sig"] == "**").any()  # the 2024 wave was shifted upwards

    # XLSX: marked sheet, the themes of both years, "Om"
    msg = export_year_comparison(sqlite_store, tmp_path / "y.xlsx", 2023, 2024, by="koen", coder="anne")
    assert "by koen" in msg
    wb = openpyxl.load_workbook(tmp_path / "y.xlsx")
    assert wb.sheetnames == ["År til år", "Temaer år til år", "Om"]
    ws = wb["År til år"]
    rows = list(ws.iter_rows(min_row=6, values_only=True))
    assert {r[1] for r in rows} == {"Kvinde", "Mand", "Alle"}
    assert any(r[8] == "**" for r in rows)
    themes = list(wb["Temaer år til år"].iter_rows(min_row=6, values_only=True))
    assert themes and {r[1] for r in themes} <= {"Negativ", "Neutral", "Positiv", "Ved ikke", "Åbent spørgsmål"}

    # theme comparison CSV against the raw data
    export_theme_comparison(sqlite_store, tmp_path / "t.csv", 2023, 2024, coder="anne")
    t = pd.read_csv(tmp_path / "t.csv", encoding="utf-8-sig", keep_default_na=False, dtype=str)
    checked = 0
    for r in t.itertuples():
        pcts = []
        for y in (2023, 2024):
            if r.question == "samlet":
                base = [x for x in raw[y] if x["Spm1_uddyb"] and band(x["Spm1"]) == (r.band or None)]
            else:
                base = [x for x in raw[y] if x["Kommentar"]] if r.band == "" else []
            k = sum(1 for x in base if r.code in truth.get((x["Løbenr"], r.question), ()))
            pcts.append(round(100 * k / len(base), 1) if base else None)
        assert float(r.pct_a) == pcts[0] and float(r.pct_b) == pcts[1], r
        assert float(r.change_pp) == pytest.approx(pcts[1] - pcts[0], abs=0.051)
        checked += 1
    assert checked > 4 and "" in set(t["band"])

    # a year the project lacks, or one year twice: usage errors
    assert main(["export", "distributions", str(sqlite_store.path), "--out", str(out), "--compare-years",
                 "2023,2030"]) == 2
    assert main(["export", "distributions", str(sqlite_store.path), "--out", str(out), "--compare-years",
                 "2024,2024"]) == 2


def test_year_on_year_p_empty_with_fewer_than_two_scores(sqlite_store, tmp_path):
    from workbench.export.distributions import compute_year_comparison

    (tmp_path / "def.yaml").write_text(DEFINITION, encoding="utf-8")
    rows_a = make_rows(2023, 30, 1)
    rows_b = make_rows(2024, 30, 2)
    for r in rows_b:  # one in-scale score left in 2024
        r["Spm1"] = "99"
    rows_b[0]["Spm1"] = "7"
    for y, rows in ((2023, rows_a), (2024, rows_b)):
        import_survey(sqlite_store, write_rows(tmp_path / f"w{y}.csv", rows), year=y, definition=tmp_path / "def.yaml")
    df = compute_year_comparison(D.load(sqlite_store, with_codings=False, year="all"), 2023, 2024, "alle")
    r = df[(df.question == "samlet") & (df.group == "alle")].iloc[0]
    assert r.n_b == 1 and r.mean_b == 7 and pd.isna(r.p_value) and r.sig == ""
    from workbench.export.distributions import _csv_bytes

    line = [x for x in _csv_bytes(df).decode("utf-8-sig").splitlines() if x.startswith("samlet,alle")][0]
    assert line.split(",")[9] == "" and line.split(",")[10] == ""
