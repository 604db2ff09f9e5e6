"""SPSS .sav reading (labels, values, missing) and the guessed survey definition."""
from __future__ import annotations

import random

import pytest
import yaml

pyreadstat = pytest.importorskip("pyreadstat")
pd = pytest.importorskip("pandas")

from workbench.errors import InputError  # noqa: E402
from workbench.importer.infer import (  # noqa: E402
    BAND_PRESETS,
    bands_for,
    guess_columns,
    infer_definition,
    slug,
    write_definition_yaml,
)
from workbench.importer.spss import SavTable, read_sav  # noqa: E402
from workbench.importer.tables import Table, read_table  # noqa: E402

N = 60


def _survey_frame(n: int = N, seed: int = 7) -> "pd.DataFrame":
    rnd = random.Random(seed)
    spm1 = [float(rnd.choice(list(range(11)) + [99])) for _ in range(n)]
    spm1[0], spm1[1], spm1[2] = 0.0, 10.0, 99.0
    spm1[3] = float("nan")  # a blank score
    spm2 = [float(rnd.choice([1, 2, 3, 4, 5])) for _ in range(n)]
    spm2[0], spm2[1] = 1.0, 5.0
    return pd.DataFrame({
        "Løbenr": [float(5000 + i) for i in range(n)],
        "Afdeling": [rnd.choice(["Nord", "Syd", "Vest", "Centrum"]) for _ in range(n)],
        "Spm1": spm1,
        "Spm1_uddyb": [rnd.choice(["Det var en rigtig god oplevelse", "Lang ventetid i telefonen", ""])
                       + (f" (svar {i})" if i % 3 else "") for i in range(n)],
        "Spm2": spm2,
        "Hvorfor": [f"Fordi medarbejderen tog sig god tid til mig, svar {i}" for i in range(n)],
        "Kommentar": [rnd.choice(["Tak for en god service i dag", "", "Mere information på hjemmesiden ønskes",
                                  "Åbningstiderne passer dårligt til folk med arbejde"]) for _ in range(n)],
        "Køn": [float(rnd.choice([1, 2])) for _ in range(n)],
        "Alder": [float(rnd.randint(18, 88)) for _ in range(n)],
        "Vægt": [round(rnd.uniform(0.5, 1.5), 3) for _ in range(n)],
    })


@pytest.fixture()
def survey_sav(tmp_path):
    path = tmp_path / "borgerservice.sav"
    df = _survey_frame()
    df.loc[5, "Alder"] = float("nan")
    pyreadstat.write_sav(
        df, str(path),
        column_labels={"Spm1": "Hvor tilfreds er du samlet set med dit besøg?", "Køn": "Respondentens køn",
                       "Kommentar": "Har du andre kommentarer?", "Alder": "Alder i år"},
        variable_value_labels={"Spm1": {0: "Meget utilfreds", 10: "Meget tilfreds", 99: "Ved ikke"},
                               "Køn": {1: "Kvinde", 2: "Mand"}},
        missing_ranges={"Spm1": [99]},
        variable_measure={"Køn": "nominal", "Alder": "scale"},
    )
    return path, df


# -- read_sav --------------------------------------------------------------------------
def test_read_sav_values_and_missing(survey_sav):
    path, df = survey_sav
    t = read_sav(path)
    assert isinstance(t, Table) and isinstance(t, SavTable)
    assert t.file == str(path)
    assert t.header == list(df.columns)
    assert len(t.rows) == N and all(len(r) == len(t.header) for r in t.rows)
    assert all(isinstance(c, str) for r in t.rows for c in r)
    col = {h: [r[i] for r in t.rows] for i, h in enumerate(t.header)}
    # integral numbers without ".0", blanks as "", fractions kept
    assert col["Løbenr"][:3] == ["5000", "5001", "5002"]
    assert col["Spm1"][:4] == ["0", "10", "99", ""]  # 99 is user-missing in SPSS but kept as a value
    assert col["Alder"][5] == ""
    assert col["Vægt"][0] == repr(float(df["Vægt"][0])) and "." in col["Vægt"][0]
    assert col["Spm1_uddyb"] == list(df["Spm1_uddyb"])
    assert "Åbningstiderne passer dårligt til folk med arbejde" in col["Kommentar"] or \
        "Mere information på hjemmesiden ønskes" in col["Kommentar"]
    assert "" in col["Kommentar"]


def test_read_sav_labels(survey_sav):
    path, _ = survey_sav
    t = read_sav(path)
    assert t.column_labels["Spm1"] == "Hvor tilfreds er du samlet set med dit besøg?"
    assert t.column_labels["Køn"] == "Respondentens køn"
    assert "Afdeling" not in t.column_labels  # no label, no entry
    assert t.value_labels["Køn"] == {"1": "Kvinde", "2": "Mand"}
    assert t.value_labels["Spm1"] == {"0": "Meget utilfreds", "10": "Meget tilfreds", "99": "Ved ikke"}
    assert "Alder" not in t.value_labels
    assert t.measure.get("Køn") == "nominal" and t.measure.get("Alder") == "scale"
    assert t.missing_values == {"Spm1": ["99"]}
    assert t.row_number(0) == 2  # still a Table for existing code


def test_read_sav_string_value_labels_and_compressed(tmp_path):
    path = tmp_path / "region.zsav"
    df = pd.DataFrame({"id": [1.0, 2.0, 3.0], "reg": ["H", "S", "H"]})
    pyreadstat.write_sav(df, str(path), compress=True, variable_value_labels={"reg": {"H": "Hovedstaden", "S": "Sjælland"}})
    t = read_sav(path)
    assert [r[1] for r in t.rows] == ["H", "S", "H"]
    assert t.value_labels["reg"] == {"H": "Hovedstaden", "S": "Sjælland"}


# -- hostile files ---------------------------------------------------------------------
def _assert_input_error(path, *words):
    with pytest.raises(InputError) as e:
        read_sav(path)
    msg = str(e.value)
    assert str(path) in msg
    assert "Traceback" not in msg
    for w in words:
        assert w in msg
    return msg


def test_random_bytes_named_sav(tmp_path):
    path = tmp_path / "støj.sav"
    path.write_bytes(random.Random(3).randbytes(4000))
    _assert_input_error(path, "SPSS")


def test_random_bytes_behind_spss_signature(tmp_path):
    path = tmp_path / "fake.sav"
    path.write_bytes(b"$FL2" + random.Random(4).randbytes(4000))
    _assert_input_error(path, "SPSS")


def test_empty_sav(tmp_path):
    path = tmp_path / "tom.sav"
    path.write_bytes(b"")
    _assert_input_error(path, "empty")


def test_csv_named_sav(tmp_path):
    path = tmp_path / "data.sav"
    path.write_text("id;score\n1;4\n", encoding="utf-8")
    _assert_input_error(path, "not an SPSS")


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.97])
def test_truncated_sav(tmp_path, survey_sav, fraction):
    path, _ = survey_sav
    data = path.read_bytes()
    cut = tmp_path / f"cut{int(fraction * 100)}.sav"
    cut.write_bytes(data[: int(len(data) * fraction)])
    _assert_input_error(cut)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InputError, match="not found"):
        read_sav(tmp_path / "findes_ikke.sav")
    with pytest.raises(InputError, match="folder"):
        read_sav(tmp_path)


# -- infer: SPSS -----------------------------------------------------------------------
def _q(defn, key):
    found = [q for q in defn["questions"] if q["key"] == key]
    assert len(found) == 1, (key, [q["key"] for q in defn["questions"]])
    return found[0]


def _v(defn, key):
    found = [v for v in defn["variables"] if v["key"] == key]
    assert len(found) == 1, (key, [v["key"] for v in defn["variables"]])
    return found[0]


def test_infer_from_sav(survey_sav):
    path, _ = survey_sav
    d = infer_definition(read_sav(path))
    assert d["survey"] == "borgerservice"
    assert d["respondent_id"] == "Løbenr"
    assert "year_column" not in d

    spm1 = _q(d, "spm1")  # 0-10 from the labels, 99 "Ved ikke" is a don't-know
    assert spm1["score"] == "Spm1" and spm1["text"] == "Spm1_uddyb"
    assert spm1["question"] == "Hvor tilfreds er du samlet set med dit besøg?"
    assert spm1["scale"] == "0-10"
    assert spm1["scale_labels"] == {0: "Meget utilfreds", 10: "Meget tilfreds"}
    assert spm1["bands"] == {"negativ": "0-6", "neutral": "7-8", "positiv": "9-10"}
    assert spm1["dont_know"] == [99]

    spm2 = _q(d, "spm2")  # paired by position: the free-text column right after it
    assert spm2["score"] == "Spm2" and spm2["text"] == "Hvorfor"
    assert spm2["scale"] == "1-5"
    assert spm2["bands"] == {"negativ": "1-2", "neutral": 3, "positiv": "4-5"}
    assert "dont_know" not in spm2

    kommentar = _q(d, "kommentar")  # open question: text only, wording from the variable label
    assert kommentar == {"key": "kommentar", "text": "Kommentar", "question": "Har du andre kommentarer?"}
    assert [q["key"] for q in d["questions"]] == ["spm1", "spm2", "kommentar"]

    koen = _v(d, "koen")
    assert koen["column"] == "Køn" and koen["values"] == {1: "Kvinde", 2: "Mand"}
    assert koen["label"] == "Respondentens køn"
    assert "type" not in koen
    alder = _v(d, "alder")
    assert alder["type"] == "number" and alder["bins"] == [18, 30, 50, 67]
    assert _v(d, "afdeling") == {"key": "afdeling", "column": "Afdeling"}
    vaegt = _v(d, "vaegt")
    assert vaegt["type"] == "number" and "bins" not in vaegt
    # every column is read once at most
    cols = [d["respondent_id"]] + [q.get(k) for q in d["questions"] for k in ("score", "text") if q.get(k)] \
        + [v["column"] for v in d["variables"]]
    assert len(cols) == len(set(cols)) == 10


def test_guess_roles_for_wizard(survey_sav):
    path, _ = survey_sav
    roles = {g.column: (g.role, g.partner) for g in guess_columns(read_sav(path))}
    assert roles["Løbenr"] == ("id", None)
    assert roles["Spm1"] == ("score", "Spm1_uddyb") and roles["Spm1_uddyb"] == ("text", "Spm1")
    assert roles["Kommentar"] == ("text", None)
    assert roles["Køn"][0] == roles["Afdeling"][0] == "variable"


def test_write_yaml_round_trip(survey_sav, tmp_path):
    path, _ = survey_sav
    d = infer_definition(read_sav(path), name="Borgerservice")
    out = tmp_path / "def" / "borgerservice.yaml"
    out.parent.mkdir()
    write_definition_yaml(d, out)
    text = out.read_text(encoding="utf-8")
    assert "Løbenr" in text and "Køn" in text  # UTF-8 letters, not \xf8 escapes
    assert "\\x" not in text and "\\u" not in text
    assert text.index("survey:") < text.index("respondent_id:") < text.index("questions:") < text.index("variables:")
    assert yaml.safe_load(text) == d
    assert [p.name for p in out.parent.iterdir()] == ["borgerservice.yaml"]  # no temp file left
    # overwriting keeps one file with the new content
    d["survey"] = "Anden"
    write_definition_yaml(d, out)
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["survey"] == "Anden"
    assert len(list(out.parent.iterdir())) == 1


def test_write_yaml_to_folder_or_missing_dir(tmp_path):
    with pytest.raises(InputError):
        write_definition_yaml({"survey": "x"}, tmp_path)
    with pytest.raises(InputError, match="findes_ikke"):
        write_definition_yaml({"survey": "x"}, tmp_path / "findes_ikke" / "d.yaml")


def test_inferred_definition_is_valid(survey_sav):
    definition = pytest.importorskip("workbench.coding.definition")
    path, _ = survey_sav
    d = infer_definition(read_sav(path), name="Borgerservice")
    parsed = definition.SurveyDefinition.from_dict(d, file="infer")
    q = parsed.question("spm1")
    assert q.band_of(99) == definition.DONT_KNOW and q.band_of(6) == "negativ" and q.band_of(7) == "neutral"


# -- infer: CSV ------------------------------------------------------------------------
def test_infer_from_csv(tmp_path):
    rnd = random.Random(11)
    lines = ["Respondent;Aar;q1_score;q1_text;q2_score;q2_text;Region;Antal_besoeg;Bemærkninger"]
    for i in range(50):
        q1 = rnd.choice(["1", "2", "3", "4", "5", "9", ""])
        q2 = rnd.choice(["1", "2", "3", "4", "5", "6", "7", "98"])
        lines.append(";".join([
            f"R{i:03d}", "2025", q1, rnd.choice(["", "Sagsbehandleren lyttede ikke til mig", "God og venlig hjælp"]),
            q2, "" if i % 4 else "Det tog alt for lang tid at få svar",
            rnd.choice(["Hovedstaden", "Sjælland", "Syddanmark", "Midtjylland", "Nordjylland"]),
            str(rnd.randint(1, 40)), "Ingen yderligere bemærkninger til skemaet" if i % 5 == 0 else "",
        ]))
    path = tmp_path / "jobcenter 2025.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("cp1252"))
    d = infer_definition(read_table(path), name="Jobcenter")
    assert d["survey"] == "Jobcenter"
    assert d["respondent_id"] == "Respondent" and d["year_column"] == "Aar"
    q1, q2 = _q(d, "q1"), _q(d, "q2")
    assert (q1["score"], q1["text"], q2["score"], q2["text"]) == ("q1_score", "q1_text", "q2_score", "q2_text")
    assert q1["scale"] == "1-5" and q1["dont_know"] == [9]       # 9 isolated above 1-5
    assert q2["scale"] == "1-7" and q2["dont_know"] == [98]
    assert q2["bands"] == {"negativ": "1-3", "neutral": 4, "positiv": "5-7"}
    assert _q(d, "bemaerkninger")["text"] == "Bemærkninger"
    assert _v(d, "region") == {"key": "region", "column": "Region"}
    besoeg = _v(d, "antal_besoeg")
    assert besoeg["type"] == "number" and "bins" not in besoeg
    assert {v["key"] for v in d["variables"]} == {"region", "antal_besoeg"}


def test_scale_snaps_to_presets_and_thirds(tmp_path):
    rows = ["id,a,a_tekst,b,b_tekst,c,c_tekst"]
    for i in range(30):
        rows.append(f"{i},{2 + i % 3},svar nummer {i} her,{3 + i % 6},hvorfor nu det {i},{10 + i % 5},tekst til c {i}")
    path = tmp_path / "s.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    d = infer_definition(read_table(path))
    assert _q(d, "a")["scale"] == "1-5"           # 2..4 observed
    assert _q(d, "b")["scale"] == "1-10"          # 3..8 observed
    assert _q(d, "b")["bands"] == {"negativ": "1-6", "neutral": "7-8", "positiv": "9-10"}
    c = _q(d, "c")                                # 10..14 fits no preset: its own range in thirds
    assert c["scale"] == "10-14"
    assert c["bands"] == {"negativ": "10-11", "neutral": "12-13", "positiv": 14}


def test_bands_cover_every_score_once():
    for lo, hi in [(1, 5), (0, 10), (1, 7), (1, 10), (1, 4), (0, 5), (1, 6), (2, 3), (3, 3), (1, 9)]:
        bands = bands_for(lo, hi)
        covered = []
        for r in bands.values():
            a, _, b = str(r).partition("-")
            covered += list(range(int(a), int(b or a) + 1))
        assert sorted(covered) == list(range(lo, hi + 1)), (lo, hi, bands)
    assert set(BAND_PRESETS) == {"1-5", "0-10", "1-7", "1-10"}


def test_slug_and_unique_keys(tmp_path):
    assert slug("Køn") == "koen" and slug("Område/Afd.") == "omraade_afd" and slug("Årsag (åben)") == "aarsag_aaben"
    assert slug("Ærø") == "aeroe" and slug("***") == "kolonne"
    path = tmp_path / "k.csv"
    rows = ["ID;Køn;koen;Kommune"] + [f"{i};{'MK'[i % 2]};{'ab'[i % 2]};{['Aarhus', 'Odense', 'Esbjerg'][i % 3]}" for i in range(12)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    d = infer_definition(read_table(path))
    keys = [v["key"] for v in d["variables"]]
    assert keys == ["koen", "koen_2", "kommune"]
    assert d["respondent_id"] == "ID"


def test_id_without_id_name_and_with_duplicates(tmp_path):
    path = tmp_path / "x.csv"
    rows = ["gruppe;ref;score;begrundelse"]
    for i in range(20):
        rows.append(f"{'AB'[i % 2]};K{i};{1 + i % 5};det er en lang begrundelse nummer {i}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    d = infer_definition(read_table(path))
    assert d["respondent_id"] == "ref"  # the only column with a different value in every row
    q = d["questions"][0]
    assert q["score"] == "score" and q["text"] == "begrundelse"


def test_no_column_read_twice_when_nothing_is_unique():
    t = Table("dup.csv", ["a", "b"], [["1", "x"], ["1", "x"], ["2", "y"]])
    d = infer_definition(t)
    assert d["respondent_id"] == "a"  # the first column, for a person to fix
    assert [v["column"] for v in d["variables"]] == ["b"]


def test_read_sav_dates_and_blank_dates(tmp_path):
    import datetime as dt

    path = tmp_path / "dates.sav"
    df = pd.DataFrame({"id": [1.0, 2.0], "dag": [dt.date(2024, 3, 1), None],
                       "tid": [dt.datetime(2024, 3, 1, 12, 30), None]})
    pyreadstat.write_sav(df, str(path))
    t = read_sav(path)
    assert t.rows == [["1", "2024-03-01", "2024-03-01 12:30:00"], ["2", "", ""]]
