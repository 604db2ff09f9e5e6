"""Lexicon features of the Danish tok2vec and the averaged tagger of da_workbench."""
from __future__ import annotations

import numpy
import pytest
import spacy

from workbench.nlp import lexicon
from workbench.nlp import pipeline as wb_pipeline

HAS_MODEL = (wb_pipeline.MODEL_DIR / "meta.json").exists()


def _features(path) -> "spacy.Language":
    return lexicon.LexiconFeatures(["NORM", "SHAPE"], str(path))


def test_lexicon_lookup_and_round_trip(tmp_path):
    path = tmp_path / "lex.tsv"
    path.write_text("københavn\t12\t0\tP\nlars\t10\t7\tF\nog\t15\t7\t\n", encoding="utf-8")
    nlp = spacy.blank("da")
    doc = nlp("Lars bor i København og Xyzzy")
    model = _features(path)
    model.initialize()
    (feats,) = model.predict([doc])
    assert feats.shape == (len(doc), 2 + lexicon.N_LEX_COLUMNS)
    lex = feats[:, 2:].tolist()
    f_bit, p_bit = 1 << lexicon.FLAGS.index("F"), 1 << lexicon.FLAGS.index("P")
    assert lex[0] == [10, 7, f_bit, f_bit * 2 + 1]     # Lars: first name, title-case
    assert lex[3] == [12, 0, p_bit, p_bit * 2 + 1]     # København: place
    assert lex[4] == [15, 7, 0, 0]                     # og: frequent, no flag
    assert lex[5] == [0, 0, 0, 1]                      # unknown word
    # the lexicon travels inside the model's bytes: a copy built without the file agrees
    other = _features("")
    other.initialize()
    assert not len(other.attrs["lex_keys"])
    other.from_bytes(model.to_bytes())
    assert numpy.array_equal(other.predict([doc])[0], feats)


def test_shipped_lexicon_file_is_well_formed():
    path = lexicon.DATA_DIR / "da_lexicon.tsv"
    keys, codes = lexicon.read_lexicon(path)
    assert len(keys) > 10000 and len(keys) == len(codes)
    assert (lexicon.DATA_DIR / "LICENSE").exists()


@pytest.mark.skipif(not HAS_MODEL, reason="bundled da_workbench model not built")
def test_bundled_tags_are_averaged(monkeypatch):
    monkeypatch.setenv("WORKBENCH_NLP", "bundled")
    nlp = wb_pipeline.load_pipeline()
    if "tag_average" not in nlp.pipe_names:
        pytest.skip("bundled model without the tagger ensemble")
    texts = ["Mette Frederiksen besøgte Aarhus i går.", "", "Vi var meget glade for maden."]
    docs = list(nlp.pipe(texts))
    for doc in docs:
        assert "_workbench_tag_probs" not in doc.user_data
        assert all(t.pos_ == t.tag_ for t in doc)
    assert [t.pos_ for t in docs[0]][:2] == ["PROPN", "PROPN"]
    assert docs[2][0].pos_ == "PRON"
    # one at a time (__call__) and batched (pipe) agree
    assert [t.tag_ for t in nlp(texts[2])] == [t.tag_ for t in docs[2]]
    # without the NER part's tok2vec the average falls back to the first tagger alone
    alone = nlp.pipe([texts[2]], disable=["tok2vec_ner", "tagger_ner", "ner"])
    first = next(alone)
    assert "_workbench_tag_probs" not in first.user_data
    assert first[0].pos_ == "PRON"
