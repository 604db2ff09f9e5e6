"""Survey import: formats, encodings, delimiters, every error class, atomicity, re-import."""
from __future__ import annotations

import csv

import openpyxl
import pytest
from sqlmodel import func, select

from tests.conftest import SURVEY_HEADER, survey_rows, write_survey
from workbench.demo.generate import band_of
from workbench.coding.models import Answer, AuditEvent, Question, Respondent
from workbench.errors import InputError
from workbench.coding.surveys import project_definition
from workbench.importer.survey import import_survey


def counts(store):
    with store.session() as s:
        return (s.exec(select(func.count()).select_from(Respondent)).one(),
                s.exec(select(func.count()).select_from(Answer)).one())


def n_text(rows):
    return sum(1 for r in rows for q in range(1, 8) if r[f"q{q}_text"])


@pytest.mark.parametrize("delimiter", [",", ";"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_encodings_and_delimiters(sqlite_store, tmp_path, delimiter, encoding):
    rows = survey_rows(15)
    rows[0]["q1_text"] = "Sagsbehandleren var sød og forstående – så jeg føler mig tryg. Æblet faldt."
    f = write_survey(tmp_path / "s.csv", rows, delimiter=delimiter, encoding=encoding)
    res = import_survey(sqlite_store, f)
    assert (res.respondents, res.answers) == (15, n_text(rows))
    with sqlite_store.session() as s:
        t = s.exec(select(Answer.text).join(Respondent).join(Question).where(
            Respondent.key == "R0000", Question.key == "q1")).one()
    assert t == rows[0]["q1_text"]


def test_xlsx_first_sheet(sqlite_store, tmp_path):
    rows = survey_rows(12)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(SURVEY_HEADER)
    for r in rows:  # numbers as numbers, like Excel keeps them
        ws.append([int(r[h]) if h.endswith("score") and r[h] or h in ("age", "year") else r[h] for h in SURVEY_HEADER])
    wb.create_sheet("other").append(["junk"])
    wb.save(tmp_path / "s.xlsx")
    res = import_survey(sqlite_store, tmp_path / "s.xlsx")
    assert res.respondents == 12 and res.answers == n_text(rows)


def test_bands_follow_scores(any_store, survey_file):
    import_survey(any_store, survey_file)
    with any_store.session() as s:
        for score, band in s.exec(select(Answer.score, Answer.band)):
            assert band == band_of(score)
        assert set(s.exec(select(Answer.band)).all()) <= {"negativ", "neutral", "positiv", "ved_ikke", None}


def test_reimport_updates_without_duplicates(any_store, tmp_path):
    rows = survey_rows(10)
    f = write_survey(tmp_path / "s.csv", rows)
    import_survey(any_store, f)
    first = counts(any_store)
    rows[3]["q2_text"] = "Ny tekst efter rettelse"
    rows[3]["q2_score"] = "5"
    import_survey(any_store, write_survey(tmp_path / "s.csv", rows))
    assert counts(any_store) == first
    with any_store.session() as s:
        a = s.exec(select(Answer).join(Respondent).join(Question).where(
            Respondent.key == "R0003", Question.key == "q2")).one()
        assert (a.text, a.score, a.band) == ("Ny tekst efter rettelse", 5, "positiv")


def bad_file(tmp_path, mutate, header=None):
    rows = survey_rows(6)
    mutate(rows)
    return write_survey(tmp_path / "bad.csv", rows, header=header)


@pytest.mark.parametrize("mutate,row,column,words", [
    (lambda r: r[2].update(subgroup="marsmænd"), 4, "subgroup", "unknown subgroup"),
    (lambda r: r[0].update(q3_score="6"), 2, "q3_score", "not 1–5, 9"),
    (lambda r: r[1].update(q7_score="x"), 3, "q7_score", "not 1–5, 9"),
    (lambda r: r[4].update(respondent_id="R0001"), 6, "respondent_id", "duplicate respondent id"),
    (lambda r: r[3].update(age="fyrre"), 5, "age", "not a number"),
    (lambda r: r[5].update(unemployment_months="lang tid"), 7, "unemployment_months", "not a number"),
    (lambda r: r[0].update(gender="x"), 2, "gender", "not kvinde or mand"),
    (lambda r: r[0].update(respondent_id=""), 2, "respondent_id", "empty"),
])
def test_each_error_class_names_row_and_column_and_writes_nothing(any_store, tmp_path, mutate, row, column, words):
    before = counts(any_store)
    with pytest.raises(InputError) as e:
        import_survey(any_store, bad_file(tmp_path, mutate))
    msg = e.value.message()
    assert f"row {row}" in msg and f"column {column}" in msg and words in msg and "bad.csv" in msg
    assert counts(any_store) == before
    with any_store.session() as s:
        assert not s.exec(select(AuditEvent).where(AuditEvent.action == "survey.import")).first()


def test_all_errors_reported_at_once(sqlite_store, tmp_path):
    def mutate(r):
        r[0]["q1_score"] = "7"
        r[2]["subgroup"] = "x"
        r[5]["age"] = "?"
    with pytest.raises(InputError) as e:
        import_survey(sqlite_store, bad_file(tmp_path, mutate))
    assert len(e.value.problems) == 3


def test_missing_column(sqlite_store, tmp_path):
    header = [h for h in SURVEY_HEADER if h != "q4_text"]
    with pytest.raises(InputError) as e:
        import_survey(sqlite_store, write_survey(tmp_path / "m.csv", survey_rows(3), header=header))
    assert "column q4_text" in e.value.message() and "missing" in e.value.message()


@pytest.mark.parametrize("content,words", [
    (b"", "empty"),
    (b"\x00\x01\x02\x03binary", "binary"),
    (b"PK\x03\x04 not really a zip", "not a readable XLSX"),
])
def test_unreadable_files(sqlite_store, tmp_path, content, words):
    f = tmp_path / "u.csv"
    f.write_bytes(content)
    with pytest.raises(InputError, match=words):
        import_survey(sqlite_store, f)


def test_missing_file(sqlite_store, tmp_path):
    with pytest.raises(InputError, match="file not found"):
        import_survey(sqlite_store, tmp_path / "nope.csv")


def test_mapping_yaml_for_other_layouts(sqlite_store, tmp_path):
    header = ["ID", "Gruppe", "Køn", "Alder", "LedAar", "LedMdr", "Etnicitet"] + [
        f"Spm{q}{k}" for q in range(1, 8) for k in ("", "_hvorfor")]
    with open(tmp_path / "other.csv", "w", encoding="cp1252", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(header)
        w.writerow(["A1", "Integration", "K", "34", "1", "6", "Anden etnisk baggrund end dansk"] + ["4", "God samtale"] * 7)
        w.writerow(["A2", "Sygedagpenge", "M", "51", "0", "3", "Dansk"] + ["2", "Dårlig"] * 7)
    mapping = tmp_path / "map.yaml"
    cols = {"respondent_id": "ID", "subgroup": "Gruppe", "gender": "Køn", "age": "Alder", "ethnicity": "Etnicitet"}
    cols.update({f"q{q}_score": f"Spm{q}" for q in range(1, 8)})
    cols.update({f"q{q}_text": f"Spm{q}_hvorfor" for q in range(1, 8)})
    import yaml
    mapping.write_text(yaml.safe_dump({
        "columns": cols, "defaults": {"year": 2021},
        "values": {"subgroup": {"Integration": "integration", "Sygedagpenge": "sygedagpenge"},
                   "ethnicity": {"Dansk": "dansk", "Anden etnisk baggrund end dansk": "anden"}},
        "unemployment": {"years": "LedAar", "months": "LedMdr"}}, allow_unicode=True), encoding="utf-8")
    res = import_survey(sqlite_store, tmp_path / "other.csv", mapping=mapping)
    assert (res.respondents, res.answers) == (2, 14)
    with sqlite_store.session() as s:
        r = s.exec(select(Respondent).where(Respondent.key == "A1")).one()
        assert r.variables == {"subgroup": "integration", "gender": "kvinde", "age": 34, "unemployment_months": 18,
                               "ethnicity": "anden"}
        defn = project_definition(s)
    assert defn.group_of("main_group", r.variables) == "jobparate"
    assert defn.group_of("unemployment_months", r.variables) == "12–23"


def test_year_option_and_extra_columns(sqlite_store, tmp_path):
    rows = survey_rows(3)
    for r in rows:
        r["year"] = ""
        r["interviewer"] = "IW7"
    f = write_survey(tmp_path / "y.csv", rows, header=SURVEY_HEADER + ["interviewer"])
    with pytest.raises(InputError, match="no survey year"):
        import_survey(sqlite_store, f)
    import_survey(sqlite_store, f, year=2019)
    with sqlite_store.session() as s:
        r = s.exec(select(Respondent)).first()
        assert r.extra == {"interviewer": "IW7"}


def test_control_characters_are_stripped(sqlite_store, tmp_path):
    rows = survey_rows(2)
    rows[0]["q1_text"] = "God\x01 samtale\x07\r\nmed  sagsbeh."  # NUL is refused: tests/test_readers.py
    import_survey(sqlite_store, write_survey(tmp_path / "c.csv", rows))
    with sqlite_store.session() as s:
        texts = s.exec(select(Answer.text)).all()
    assert "God samtale\nmed  sagsbeh." in texts


def test_codings_import_and_reimport(any_store, survey_file, tmp_path):
    """The bulk path of the codings import stores what the ORM would: uids, time stamps that
    read back as aware datetimes, answer states; a second import replaces and bumps versions."""
    from workbench.importer.codings import import_codings
    from workbench.coding.models import AnswerState, Coder, Code, Coding

    import_survey(any_store, survey_file)
    with any_store.session() as s:
        pairs = s.exec(select(Respondent.key, Question.key).join(Answer, Answer.respondent_id == Respondent.id)
                       .join(Question, Question.id == Answer.question_id).where(Answer.text != "")).all()[:6]
        keys = [c.key for c in s.exec(select(Code)).all()][:3]

    def write(rows):
        p = tmp_path / "c.csv"
        with open(p, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["respondent_id", "question", "code"])
            w.writerows(rows)
        return p

    first = [(rk, qk, keys[i % 3]) for i, (rk, qk) in enumerate(pairs)] + [(pairs[0][0], pairs[0][1], keys[1])]
    res = import_codings(any_store, "anne", write(first))
    assert (res.answers, res.codings) == (6, 7)
    with any_store.session() as s:
        cid = s.exec(select(Coder.id).where(Coder.name == "anne")).one()
        cods = s.exec(select(Coding).where(Coding.coder_id == cid)).all()
        states = s.exec(select(AnswerState).where(AnswerState.coder_id == cid)).all()
    assert len(cods) == 7 and len({c.uid for c in cods}) == 7
    assert all(c.created_at.tzinfo is not None and c.source == "import" for c in cods)
    assert len(states) == 6 and all(st.coded and st.version == 1 for st in states)

    second = [(pairs[0][0], pairs[0][1], keys[2]), (pairs[1][0], pairs[1][1], "")]
    res = import_codings(any_store, "anne", write(second))
    assert (res.answers, res.codings) == (2, 1)
    with any_store.session() as s:
        by_answer = {}
        for c in s.exec(select(Coding).where(Coding.coder_id == cid)).all():
            by_answer.setdefault(c.answer_id, []).append(c.code_id)
        versions = sorted(st.version for st in s.exec(select(AnswerState).where(AnswerState.coder_id == cid)).all())
        code_id = {c.key: c.id for c in s.exec(select(Code)).all()}
    assert sum(len(v) for v in by_answer.values()) == 1 + 4  # answer 1 replaced, answer 2 emptied, 4 untouched
    assert [code_id[keys[2]]] in by_answer.values()
    assert versions == [1, 1, 1, 1, 2, 2]
