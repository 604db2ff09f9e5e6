"""The Danish NLP pipeline: the bundled da_workbench model, the lemmatizer and the fallback."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import spacy

from workbench.nlp import lemmatizer as wb_lemmatizer
from workbench.nlp import pipeline as wb_pipeline

SHARED = Path("/work/shared/nlp")
HAS_MODEL = (wb_pipeline.MODEL_DIR / "meta.json").exists()
needs_model = pytest.mark.skipif(not HAS_MODEL, reason="bundled da_workbench model not built")


@pytest.fixture()
def bundled(monkeypatch):
    monkeypatch.setenv("WORKBENCH_NLP", "bundled")
    return wb_pipeline.load_pipeline()


@needs_model
def test_bundled_pipeline_loads_fast_and_reports_itself(monkeypatch):
    monkeypatch.setenv("WORKBENCH_NLP", "bundled")
    wb_pipeline.clear_cache()
    t0 = time.perf_counter()
    nlp = wb_pipeline.load_pipeline()
    assert time.perf_counter() - t0 < 5  # < 2 s on a normal machine; leave room for slow CI
    assert wb_pipeline.load_pipeline() is nlp  # cached
    info = wb_pipeline.pipeline_info()
    assert info["source"] == "bundled da_workbench"
    assert info["name"] == "da_workbench"
    assert info["license"] == "CC BY-SA 4.0"
    for comp in ("tok2vec", "tagger", "senter", "ner", "workbench_lemmatizer"):
        assert comp in info["components"]
    assert info["scores"]["upos_acc"] > 90
    assert info["scores"]["lemma_acc"] > 95.4


@needs_model
def test_upos_tags_are_plausible(bundled):
    doc = bundled("Borgerne var meget tilfredse med den nye sagsbehandler i kommunen.")
    pos = {t.text: t.pos_ for t in doc}
    assert pos["Borgerne"] == "NOUN"
    assert pos["var"] in ("AUX", "VERB")
    assert pos["tilfredse"] == "ADJ"
    assert pos["med"] == "ADP"
    assert pos["den"] == "DET"
    assert pos["kommunen"] == "NOUN"
    assert pos["."] == "PUNCT"
    assert all(t.tag_ == t.pos_ for t in doc)


@needs_model
def test_finds_a_person(bundled):
    doc = bundled("Jeg talte med Mette Frederiksen i går.")
    assert [(e.text, e.label_) for e in doc.ents if e.label_ == "PER"] == [("Mette Frederiksen", "PER")]


@needs_model
def test_sentences(bundled):
    doc = bundled("Jeg er glad for hjælpen. Men ventetiden var alt for lang. Tak!")
    assert len(list(doc.sents)) >= 2


@needs_model
@pytest.mark.parametrize("text,word,lemma", [
    ("Sagsbehandlerne var søde.", "Sagsbehandlerne", "sagsbehandler"),
    ("Jeg havde ventet længe.", "havde", "have"),
    ("Samtalerne hjalp mig meget.", "Samtalerne", "samtale"),
    ("Hun kan ikke komme.", "kan", "kunne"),
])
def test_lemmas_in_the_bundled_pipeline(bundled, text, word, lemma):
    doc = bundled(text)
    assert {t.text: t.lemma_ for t in doc}[word] == lemma


@needs_model
def test_pipe_and_serialised_table(bundled):
    docs = list(bundled.pipe(["Tak for en god samtale.", "Kommunen svarede aldrig."]))
    assert [t.lemma_ for t in docs[1]] == ["kommune", "svare", "aldrig", "."]
    table = bundled.get_pipe("workbench_lemmatizer").table
    assert table  # learned from UD dev and stored in the model folder


def test_lemmatizer_rules_without_table():
    lem = wb_lemmatizer.WorkbenchLemmatizer(None)
    assert lem.lemmatize("sagsbehandlerne", "NOUN") == "sagsbehandler"
    assert lem.lemmatize("havde", "AUX") == "have"
    assert lem.lemmatize("samtalerne", "NOUN") == "samtale"
    assert lem.lemmatize(",", "PUNCT") == ","
    assert lem.lemmatize("2024", "NUM") == "2024"
    assert lem.lemmatize("Mette", "PROPN") == "Mette"
    assert lem.lemmatize("Københavns", "PROPN", next_pos="NOUN") == "København"
    assert lem.lemmatize("FDB's", "PROPN") == "FDB"
    assert lem.lemmatize("Hans", "PROPN", next_pos="VERB") == "Hans"
    assert lem.lemmatize("godt", "ADV") == "godt"
    assert lem.lemmatize("leder", "VERB") == "lede"
    assert lem.lemmatize("skabes", "VERB") == "skabe"


def test_lemmatizer_table_round_trip(tmp_path):
    nlp = spacy.blank("da")
    lem = nlp.add_pipe("workbench_lemmatizer")
    lem.set_table({"kan": {"": "kunne"}, "det": {"DET": "den"}})
    nlp.to_disk(tmp_path / "m")
    nlp2 = spacy.load(tmp_path / "m")
    assert nlp2.get_pipe("workbench_lemmatizer").table == lem.table
    assert [t.lemma_ for t in nlp2("Hun kan")] == ["hun", "kunne"]


def test_fallback_pipeline_works():
    nlp = wb_pipeline.load_pipeline("fallback")
    info = wb_pipeline.pipeline_info(nlp)
    assert info["source"] == "fallback: rules only"
    assert "workbench_lemmatizer" in info["components"]
    doc = nlp("Samtalerne var gode. Sagsbehandlerne hjalp.")
    assert len(list(doc.sents)) == 2
    assert {t.text: t.lemma_ for t in doc}["Samtalerne"] == "samtale"


def test_missing_bundled_model_falls_back(monkeypatch, tmp_path):
    monkeypatch.setattr(wb_pipeline, "MODEL_DIR", tmp_path / "nope")
    wb_pipeline.clear_cache()
    try:
        nlp = wb_pipeline.load_pipeline("bundled")
        assert wb_pipeline.pipeline_info(nlp)["source"] == "fallback: rules only"
    finally:
        wb_pipeline.clear_cache()


def test_unknown_choice_is_an_error():
    with pytest.raises(ValueError):
        wb_pipeline.load_pipeline("klingon")


@needs_model
def test_model_folder_carries_the_license():
    meta = json.loads((wb_pipeline.MODEL_DIR / "meta.json").read_text(encoding="utf-8"))
    assert meta["license"] == "CC BY-SA 4.0"
    assert "CC BY-SA 4.0" in (wb_pipeline.MODEL_DIR / "LICENSE").read_text(encoding="utf-8")
    assert "CC BY-SA 4.0" in (wb_pipeline.MODEL_DIR.parent / "LICENSE").read_text(encoding="utf-8")


@needs_model
@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "dane" / "test.jsonl").exists(), reason="DDT test data not present")
def test_scores_on_ddt_test_sample(bundled):
    """UPOS on the first 100 DDT test sentences with gold tokens (reads /work/shared)."""
    from spacy.tokens import Doc

    rows = [json.loads(l) for l in (SHARED / "dane" / "test.jsonl").open(encoding="utf-8")][:100]
    n = ok = 0
    for r in rows:
        doc = Doc(bundled.vocab, words=r["tokens"])
        for _, proc in bundled.pipeline:
            doc = proc(doc)
        n += len(doc)
        ok += sum(t.pos_ == g for t, g in zip(doc, r["pos_tags"]))
    assert ok / n > 0.9
