"""Survey definitions: any questionnaire, any wave (issue 11).

A definition that does not hold together, a file that does not fit it, SPSS files with their
labels, several waves of one survey, and projects made before definitions existed.
"""
from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from sqlmodel import select

from workbench.coding.definition import (SurveyDefinition, builtin, load_definition, merge_waves)
from workbench.coding.health import check_project
from workbench.coding.models import Answer, Coding, Question, Respondent, Survey
from workbench.coding.store import Store
from workbench.coding.surveys import project_definition, wave_definitions
from workbench.errors import InputError
from workbench.importer.survey import import_survey

DATA = Path(__file__).with_name("data")

BORGER = {
    "survey": "Borgerservice",
    "respondent_id": "Løbenr",
    "year_column": "Aar",
    "questions": [
        {"key": "samlet", "score": "Spm1", "text": "Spm1_uddyb", "question": "Hvor tilfreds er du samlet set?",
         "scale": "0-10", "scale_labels": {0: "Meget utilfreds", 10: "Meget tilfreds"},
         "bands": {"negativ": "0-6", "neutral": "7-8", "positiv": "9-10"}, "dont_know": [99],
         "prompts": {"negativ": "Hvad var ikke godt?", "positiv": "Hvad gjorde det godt?"}},
        {"key": "ventetid", "score": "Spm2", "text": "Spm2_uddyb", "scale": "1-5",
         "bands": {"negativ": "1-2", "neutral": "3", "positiv": "4-5"}},
        {"key": "kommentar", "text": "Kommentar"},
    ],
    "variables": [
        {"key": "afdeling", "column": "Afdeling"},
        {"key": "koen", "column": "Køn", "values": {1: "Kvinde", 2: "Mand"}},
        {"key": "alder", "column": "Alder", "type": "number", "bins": [18, 30, 50, 67]},
        {"key": "omraade", "from": "afdeling", "map": {"Nord": "Land", "Vest": "Land", "Syd": "By", "Centrum": "By"}},
    ],
}
HEADER = ["Løbenr", "Aar", "Afdeling", "Køn", "Alder", "Spm1", "Spm1_uddyb", "Spm2", "Spm2_uddyb", "Kommentar"]


def borger_rows(n: int = 12, year: int = 2024, shift: int = 0) -> list[dict]:
    afd = ["Nord", "Syd", "Vest", "Centrum"]
    rows = []
    for i in range(n):
        score = (i * 3 + shift) % 11
        rows.append({"Løbenr": f"B{i:03d}", "Aar": year, "Afdeling": afd[i % 4], "Køn": 1 + i % 2,
                     "Alder": 17 + i * 5, "Spm1": 99 if i == 5 else score,
                     "Spm1_uddyb": f"Svar {i}: ventetiden var lang" if i % 3 else "",
                     "Spm2": "" if i == 7 else 1 + i % 5, "Spm2_uddyb": f"Personalet var søde {i}",
                     "Kommentar": "Tak for en god oplevelse" if i % 4 == 0 else ""})
    return rows


def write_csv(path: Path, rows: list[dict], header=HEADER, delimiter=";") -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=header, delimiter=delimiter)
        w.writeheader()
        w.writerows(rows)
    return path


def write_def(path: Path, d: dict) -> Path:
    path.write_text(yaml.safe_dump(d, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def counts(store) -> tuple[int, int, int]:
    with store.session() as s:
        return (len(s.exec(select(Respondent.id)).all()), len(s.exec(select(Answer.id)).all()),
                len(s.exec(select(Survey.id)).all()))


# -- a definition that holds together ---------------------------------------------------------
def test_definition_reads_and_round_trips():
    d = SurveyDefinition.from_dict(BORGER, file="borger.yaml")
    q = d.question("samlet")
    assert [q.band_of(s) for s in (0, 6, 7, 8, 9, 10, 99, None)] == [
        "negativ", "negativ", "neutral", "neutral", "positiv", "positiv", "ved_ikke", None]
    with pytest.raises(ValueError):
        q.band_of(11)
    assert d.question("kommentar").band_of(None) is None and not d.question("kommentar").scored
    assert d.bands == ["negativ", "neutral", "positiv", "ved_ikke"]
    assert d.variable("alder").bin_names() == ["under-18", "18-29", "30-49", "50-66", "67+"]
    assert [d.group_of("alder", {"alder": a}) for a in (12, 18, 29, 30, 66, 67, 90)] == [
        "under-18", "18-29", "18-29", "30-49", "50-66", "67+", "67+"]
    assert d.group_of("omraade", {"afdeling": "Vest"}) == "Land"
    assert d.group_of("koen", {"koen": "2"}) == "Mand"
    assert d.parents("afdeling") == ["omraade"]
    again = SurveyDefinition.from_dict(yaml.safe_load(d.to_yaml()))
    assert again.to_dict() == d.to_dict()


def test_builtin_jobcentre_definition_is_the_survey_of_survey_md():
    d = builtin()
    assert d.question_keys == [f"q{i}" for i in range(1, 8)]
    assert [d.question("q1").band_of(s) for s in (1, 2, 3, 4, 5, 9)] == [
        "negativ", "negativ", "neutral", "positiv", "positiv", "ved_ikke"]
    assert d.default_group == "main_group" and d.parents("subgroup") == ["main_group"]
    assert len(d.group_order("subgroup")) == 11 and d.group_order("main_group") == ["udsatte", "jobparate"]


def test_a_definition_with_every_kind_of_mistake_lists_them_all(tmp_path):
    bad = {
        "survey": "",
        "respondent_id": "ID",
        "colour": "blue",                                                     # unknown entry
        "questions": [
            {"key": "a", "score": "A", "text": "A_t", "scale": "1-5",
             "bands": {"negativ": "1-3", "positiv": "3-5"}},                  # 3 in two bands
            {"key": "b", "score": "B", "text": "B_t", "scale": "0-10",
             "bands": {"negativ": "0-4", "positiv": "6-10"}},                  # 5 in no band
            {"key": "c", "score": "C", "scale": "1-5", "dont_know": [3],       # dont_know inside
             "bands": {"negativ": "1-2", "neutral": "3", "positiv": "4-7"}},  # 6, 7 outside scale
            {"key": "d", "score": "D", "bands": {"negativ": "1-2"}},          # no scale
            {"key": "a", "text": "E"},                                        # duplicate key
            {"key": "f"},                                                     # no column
            {"key": "g", "text": "A_t"},                                      # column read twice
        ],
        "variables": [
            {"key": "x", "from": "nothing", "map": {"a": "b"}},               # from names no variable
            {"key": "y", "column": "Y", "bins": [30, 18]},                    # bins on a category, not increasing
            {"key": "z"},                                                     # no column
            {"key": "p", "from": "q", "map": {"a": "b"}}, {"key": "q", "from": "p", "map": {"b": "a"}},  # cycle
        ],
        "report": {"group_by": "nope"},
    }
    path = write_def(tmp_path / "bad.yaml", bad)
    with pytest.raises(InputError) as e:
        load_definition(path)
    msg = e.value.message()
    problems = e.value.problems
    assert all(p.file == str(path) for p in problems)
    expected = [("survey", "needs a name"), ("colour", "unknown entry"), ("questions[1] (a).bands", "score 3 is in both"),
                ("questions[2] (b).bands", "scores in no band: 5"), ("questions[3] (c).dont_know", "inside the scale"),
                ("questions[3] (c).bands.positiv", "outside the scale"), ("questions[4] (d).scale", "not an integer range"),
                ("questions[5] (a).key", "used by another question"), ("questions[6] (f)", "name the score column"),
                ("questions (g).text", "already read by"), ("variables (x).from", "names no variable"),
                ("variables[2] (y).bins", "need type: number"), ("variables[2] (y).bins", "not an increasing list"),
                ("variables[3] (z).column", "name the column"), ("derived variables form a cycle"),
                ("report.group_by", "names no variable")]
    for want in expected:
        if isinstance(want, str):
            assert want in msg, want
            continue
        entry, words = want
        assert any(p.entry == entry and words in p.problem for p in problems), (entry, words, msg)


def test_bad_definition_on_the_command_line_exits_2_and_writes_nothing(tmp_path):
    proj = tmp_path / "p.db"
    wb = [sys.executable, "-m", "workbench.cli"]
    assert subprocess.run(wb + ["init", str(proj)], capture_output=True).returncode == 0
    bad = dict(BORGER, questions=[dict(BORGER["questions"][0], bands={"negativ": "0-5", "positiv": "5-10"})])
    r = subprocess.run(wb + ["import", str(proj), str(write_csv(tmp_path / "b.csv", borger_rows())),
                             "--survey", str(write_def(tmp_path / "bad.yaml", bad))], capture_output=True, text=True)
    assert r.returncode == 2, r.stderr
    assert "bad.yaml" in r.stderr and "questions[1] (samlet).bands" in r.stderr and "score 5 is in both" in r.stderr
    assert "Traceback" not in r.stderr
    assert counts(Store.open(str(proj))) == (0, 0, 0)


def test_file_that_does_not_fit_the_definition_lists_every_problem(sqlite_store, tmp_path):
    rows = borger_rows()
    rows[2]["Spm1"] = 11          # outside 0-10 and not a don't know
    rows[4]["Spm2"] = "x"
    rows[6]["Alder"] = "fyrre"
    header = [h for h in HEADER if h != "Kommentar"]
    for r in rows:
        del r["Kommentar"]
    f = write_csv(tmp_path / "b.csv", rows, header=header)
    d = write_def(tmp_path / "d.yaml", BORGER)
    with pytest.raises(InputError) as e:
        import_survey(sqlite_store, f, definition=d)
    msg = e.value.message()
    assert "b.csv, row 1, column Kommentar: required column is missing" in msg
    assert counts(sqlite_store) == (0, 0, 0)
    write_csv(f, [dict(r, Kommentar="") for r in rows])
    with pytest.raises(InputError) as e:
        import_survey(sqlite_store, f, definition=d)
    msg = e.value.message()
    assert "b.csv, row 4, column Spm1: score '11' is not 0–10, 99 or blank" in msg
    assert "b.csv, row 6, column Spm2: score 'x' is not 1–5 or blank" in msg
    assert "b.csv, row 8, column Alder: alder 'fyrre' is not a number" in msg
    assert counts(sqlite_store) == (0, 0, 0)


# -- importing any questionnaire -----------------------------------------------------------------
def test_a_0_to_10_survey_with_a_comment_field_and_derived_groups(any_store, tmp_path):
    rows = borger_rows(12)
    res = import_survey(any_store, write_csv(tmp_path / "b.csv", rows), definition=write_def(tmp_path / "d.yaml", BORGER))
    n_text = sum(bool(r["Spm1_uddyb"]) + bool(r["Spm2_uddyb"]) + bool(r["Kommentar"]) for r in rows)
    assert (res.respondents, res.answers) == (12, n_text)
    with any_store.session() as s:
        defn = project_definition(s)
        assert defn.name == "Borgerservice" and defn.question_keys == ["samlet", "ventetid", "kommentar"]
        got = {(rk, qk): (sc, b, t) for rk, qk, sc, b, t in s.exec(
            select(Respondent.key, Question.key, Answer.score, Answer.band, Answer.text)
            .join(Answer, Answer.respondent_id == Respondent.id).join(Question, Question.id == Answer.question_id))}
        r3 = s.exec(select(Respondent).where(Respondent.key == "B003")).one()
    assert got[("B005", "samlet")][:2] == (99, "ved_ikke")
    assert got[("B003", "samlet")][:2] == (9, "positiv")
    assert got[("B000", "kommentar")] == (None, None, "Tak for en god oplevelse")
    assert ("B001", "kommentar") not in got  # no score, no text: no answer
    assert r3.variables == {"afdeling": "Centrum", "koen": "2", "alder": 32}
    assert defn.group_of("omraade", r3.variables) == "By" and defn.group_of("koen", r3.variables) == "Mand"
    assert check_project(any_store).healthy


def test_labels_or_codes_in_either_form(sqlite_store, tmp_path):
    rows = borger_rows(4)
    rows[0]["Køn"], rows[1]["Køn"] = "Kvinde", "mand"  # labels instead of codes, any case
    import_survey(sqlite_store, write_csv(tmp_path / "b.csv", rows), definition=write_def(tmp_path / "d.yaml", BORGER))
    with sqlite_store.session() as s:
        got = dict(s.exec(select(Respondent.key, Respondent.variables)).all())
    assert [got[f"B00{i}"]["koen"] for i in range(4)] == ["1", "2", "1", "2"]


def test_spss_file_with_value_labels(sqlite_store, tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    import pandas as pd

    rows = borger_rows(10)
    df = pd.DataFrame({"Løbenr": [r["Løbenr"] for r in rows], "Afdeling": [float(1 + i % 4) for i in range(10)],
                       "Køn": [float(r["Køn"]) for r in rows], "Alder": [float(r["Alder"]) for r in rows],
                       "Spm1": [float(r["Spm1"]) for r in rows], "Spm1_uddyb": [r["Spm1_uddyb"] for r in rows],
                       "Spm2": [float(r["Spm2"]) if r["Spm2"] != "" else float("nan") for r in rows],
                       "Spm2_uddyb": [r["Spm2_uddyb"] for r in rows], "Kommentar": [r["Kommentar"] for r in rows]})
    sav = tmp_path / "borger.sav"
    pyreadstat.write_sav(df, str(sav), column_labels=["Løbenummer", "Afdeling", "Køn", "Alder",
                                                      "Hvor tilfreds er du samlet set?", "Uddyb", "Ventetid", "Uddyb",
                                                      "Kommentar"],
                         variable_value_labels={"Afdeling": {1: "Nord", 2: "Syd", 3: "Vest", 4: "Centrum"},
                                                "Køn": {1: "Kvinde", 2: "Mand"},
                                                "Spm1": {0: "Meget utilfreds", 10: "Meget tilfreds", 99: "Ved ikke"}})
    d = dict(BORGER, year=2024)
    d.pop("year_column")
    d["variables"] = [dict(v) for v in BORGER["variables"]]
    del d["variables"][1]["values"]  # the SPSS labels serve
    res = import_survey(sqlite_store, sav, definition=write_def(tmp_path / "d.yaml", d))
    assert res.respondents == 10
    with sqlite_store.session() as s:
        defn = project_definition(s)
        got = dict(s.exec(select(Respondent.key, Respondent.variables)).all())
    assert got["B002"]["afdeling"] == "3" and got["B002"]["koen"] == "1"
    assert defn.group_of("afdeling", got["B002"]) == "Vest"           # SPSS value label
    assert defn.group_of("omraade", got["B002"]) == "Land"            # map keyed by the label
    assert defn.group_of("koen", got["B001"]) == "Mand"
    assert defn.question("samlet").score_label(99) == "Ved ikke"      # scale labels from SPSS too
    assert defn.question("samlet").score_label(0) == "Meget utilfreds"
    assert defn.question("ventetid").question == "Ventetid"            # SPSS variable label as wording
    assert defn.variable("alder").title == "Alder"


def test_infer_then_import_from_the_command_line(tmp_path):
    wb = [sys.executable, "-m", "workbench.cli"]
    f = write_csv(tmp_path / "b.csv", borger_rows(30))
    out = tmp_path / "draft.yaml"
    r = subprocess.run(wb + ["survey", "infer", str(f), "--out", str(out)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    draft = load_definition(out)
    assert draft.respondent_id == "Løbenr"
    scored = {q.score: q for q in draft.questions if q.scored}
    assert scored["Spm1"].text == "Spm1_uddyb" and scored["Spm1"].scale == (0, 10) and 99 in scored["Spm1"].dont_know
    assert any(q.text == "Kommentar" and not q.scored for q in draft.questions)
    proj = tmp_path / "p.db"
    subprocess.run(wb + ["init", str(proj)], check=True, capture_output=True)
    r = subprocess.run(wb + ["import", str(proj), str(f), "--survey", str(out), "--year", "2024"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("imported 30 respondents")
    r = subprocess.run(wb + ["survey", "show", str(proj)], capture_output=True, text=True)
    assert r.returncode == 0 and "Spm1_uddyb" in r.stdout


# -- waves ---------------------------------------------------------------------------------
def test_two_waves_in_one_project_match_questions_by_key(any_store, tmp_path):
    d23 = write_def(tmp_path / "d23.yaml", BORGER)
    import_survey(any_store, write_csv(tmp_path / "b23.csv", borger_rows(8, 2023)), definition=d23)
    # next year: a new question, the comment field renamed in the file
    later = dict(BORGER, questions=[dict(q) for q in BORGER["questions"]])
    later["questions"][2]["text"] = "Kommentarer"
    later["questions"].append({"key": "digital", "score": "Spm3", "text": "Spm3_uddyb", "scale": "1-5",
                               "bands": {"negativ": "1-2", "neutral": "3", "positiv": "4-5"}})
    rows = borger_rows(9, 2024, shift=2)
    for r in rows:
        r["Kommentarer"] = r.pop("Kommentar")
        r["Spm3"], r["Spm3_uddyb"] = 4, "Nemt at bruge"
    header = [h if h != "Kommentar" else "Kommentarer" for h in HEADER] + ["Spm3", "Spm3_uddyb"]
    import_survey(any_store, write_csv(tmp_path / "b24.csv", rows, header=header),
                  definition=write_def(tmp_path / "d24.yaml", later))
    with any_store.session() as s:
        waves = wave_definitions(s)
        defn = project_definition(s)
        per_year = s.exec(select(Survey.year, Question.key).join(Question, Question.survey_id == Survey.id)).all()
        n = {y: len(s.exec(select(Respondent.id).join(Survey, Survey.id == Respondent.survey_id)
                           .where(Survey.year == y)).all()) for y in (2023, 2024)}
    assert len(waves) == 2 and n == {2023: 8, 2024: 9}
    assert defn.question_keys == ["samlet", "ventetid", "kommentar", "digital"]
    assert {k for y, k in per_year if y == 2023} == {"samlet", "ventetid", "kommentar"}
    assert {k for y, k in per_year if y == 2024} == {"samlet", "ventetid", "kommentar", "digital"}
    # the next wave without --survey reads with the project's own definition
    rows25 = borger_rows(3, 2025)
    for r in rows25:
        r["Kommentarer"] = r.pop("Kommentar")
        r["Spm3"], r["Spm3_uddyb"] = 2, "Svært"
    res = import_survey(any_store, write_csv(tmp_path / "b25.csv", rows25, header=header))
    assert res.respondents == 3

    from workbench.coding.grid import Grid, GridFilter
    any_store.coder_named = None
    g = Grid(any_store, "anne")
    assert len(g.filter(GridFilter(year=2023))) == sum(
        bool(r["Spm1_uddyb"]) + bool(r["Spm2_uddyb"]) + bool(r["Kommentar"]) for r in borger_rows(8, 2023))
    assert len(g.filter(GridFilter(question="digital"))) == 12


def test_merge_waves_keeps_older_questions_and_labels():
    a = SurveyDefinition.from_dict(BORGER)
    b_raw = dict(BORGER, questions=BORGER["questions"][:1],
                 variables=[{"key": "koen", "column": "Køn", "values": {3: "Andet"}}])
    merged = merge_waves([a, SurveyDefinition.from_dict(b_raw)])
    assert merged.question_keys == ["samlet", "ventetid", "kommentar"]
    assert merged.variable("koen").values == {"3": "Andet", "1": "Kvinde", "2": "Mand"}
    assert [v.key for v in merged.variables] == ["koen", "afdeling", "alder", "omraade"]


# -- projects made before survey definitions -------------------------------------------------------
def test_project_made_by_the_previous_version_is_carried_over_unchanged(tmp_path):
    """tests/data/project_0003.db was made by the workbench before survey definitions (schema
    0003: `workbench init`, `import` of project_0003_survey.csv, a codings import)."""
    path = tmp_path / "old.db"
    shutil.copy(DATA / "project_0003.db", path)
    store = Store.open(str(path))
    assert store.schema_revision() == "0004_survey_definitions" or store.schema_revision() > "0004"
    assert check_project(store).healthy
    with open(DATA / "project_0003_survey.csv", encoding="utf-8") as f:
        rows = {r["respondent_id"]: r for r in csv.DictReader(f)}
    with store.session() as s:
        defn = project_definition(s)
        resp = dict(s.exec(select(Respondent.key, Respondent.variables)).all())
        n_codings = len(s.exec(select(Coding.id)).all())
        answers = s.exec(select(Respondent.key, Question.key, Answer.score, Answer.band, Answer.text)
                         .join(Answer, Answer.respondent_id == Respondent.id)
                         .join(Question, Question.id == Answer.question_id)).all()
    assert defn.name == builtin().name and defn.question_keys == builtin().question_keys
    assert defn.question("q1").prompt("negativ") == builtin().question("q1").prompt("negativ")
    assert len(resp) == len(rows) and n_codings == 8
    for key, r in rows.items():
        v = resp[key]
        want = {k: r[k] for k in ("subgroup", "gender", "ethnicity", "unit") if r[k]}
        want.update({k: int(r[k]) for k in ("age", "unemployment_months") if r[k]})
        assert v == want, key
        assert defn.group_of("main_group", v) == builtin().group_of("main_group", want)
    for rk, qk, score, band, text in answers:
        assert (str(score) if score is not None else "") == rows[rk][f"{qk}_score"]
        assert text == rows[rk][f"{qk}_text"] and band == builtin().question(qk).band_of(score)
    # an export still groups as before
    from workbench.export.data import load
    data = load(store, coder="anne")
    assert set(data.groups("main_group")) <= {"udsatte", "jobparate"} and data.groups("main_group")
    store.close()


def test_migration_on_postgresql(pg_url):
    """The same carry-over on PostgreSQL: schema 0003 with old-style rows, then upgrade."""
    import sqlalchemy as sa
    from alembic import command

    from workbench.coding.store import alembic_config, make_engine

    engine = make_engine(pg_url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0003_drop_prefix_indexes")
        conn.execute(sa.text("INSERT INTO project (name, created_at, settings) VALUES ('old', now(), '{}')"))
        conn.execute(sa.text("INSERT INTO survey (name, year, created_at) VALUES ('Borgeroplevelser i Jobcenter "
                             "København', 2020, now())"))
        sid = conn.execute(sa.text("SELECT id FROM survey")).scalar()
        conn.execute(sa.text("INSERT INTO question (survey_id, key, position, topic, text, scale_labels, "
                             "prompt_negative, prompt_positive) VALUES (:s, 'q1', 1, 'Samtalen', 'Hvor tilfreds?', "
                             "'[\"a\",\"b\",\"c\",\"d\",\"e\",\"Ved ikke\"]', 'Hvorfor ikke?', 'Hvad var godt?')"),
                     {"s": sid})
        conn.execute(sa.text("INSERT INTO subgroup (survey_id, key, label, main_group, unit) VALUES "
                             "(:s, 'integration', 'Borgere i integrationsprogrammet', 'jobparate', 'CBSI')"), {"s": sid})
        conn.execute(sa.text("INSERT INTO respondent (uid, survey_id, key, subgroup, main_group, gender, age, "
                             "unemployment_months, ethnicity, unit, extra) VALUES ('u1', :s, 'R1', 'integration', "
                             "'jobparate', 'kvinde', 40, 12, 'anden', 'CBSI', '{}')"), {"s": sid})
    engine.dispose()
    store = Store.open(pg_url)
    with store.session() as s:
        r = s.exec(select(Respondent)).one()
        defn = project_definition(s)
    assert r.variables == {"subgroup": "integration", "gender": "kvinde", "age": 40, "unemployment_months": 12,
                           "ethnicity": "anden", "unit": "CBSI"}
    assert defn.question("q1").prompt("negativ") == "Hvorfor ikke?" and defn.question("q1").topic == "Samtalen"
    assert defn.group_of("main_group", r.variables) == "jobparate"
    store.close()


def test_the_window_filters_by_wave(qtbot, tmp_path, monkeypatch):
    """Two waves: the filter bar offers their years (one wave: no year combo) and filters by them."""
    from tests.conftest import new_project, open_main_window

    monkeypatch.setenv("HOME", str(tmp_path))
    store = new_project(str(tmp_path / "w.db"))
    d = write_def(tmp_path / "d.yaml", BORGER)
    import_survey(store, write_csv(tmp_path / "b23.csv", borger_rows(8, 2023)), definition=d)
    import_survey(store, write_csv(tmp_path / "b24.csv", borger_rows(6, 2024)), definition=d)
    store.close()
    w = open_main_window(qtbot, tmp_path / "w.db")
    bar = w.filter_bar
    assert not bar.year.isHidden()
    assert [bar.year.itemData(i) for i in range(bar.year.count())] == [None, 2024, 2023]
    total = w.model.rowCount()
    bar.year.setCurrentIndex(bar.year.findData(2023))
    qtbot.waitUntil(lambda: w.model.rowCount() < total)
    n23 = sum(bool(r["Spm1_uddyb"]) + bool(r["Spm2_uddyb"]) + bool(r["Kommentar"]) for r in borger_rows(8, 2023))
    assert w.model.rowCount() == n23
    assert {w.grid.row(int(i)).year for i in w.model.visible} == {2023}
