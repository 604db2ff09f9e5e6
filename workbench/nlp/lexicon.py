"""Lexicon features for ``da_workbench``'s tok2vec: word frequencies and gazetteers.

Registers the architecture ``workbench.LexiconMultiHashEmbed.v1``: spaCy's MultiHashEmbed
(hash embeddings of NORM, PREFIX, SUFFIX, SHAPE) plus four small embeddings of features
looked up by the lower-cased word in a lexicon:

- its Zipf frequency in Danish and in English (wordfreq, half-unit buckets; 0 = unknown) —
  a capitalised word whose lower-cased form is frequent is probably not a name;
- gazetteer flags: first name, last name, place, language name (Faker, CLDR).

The lexicon (``lexicon_data/da_lexicon.tsv``, built by ``scripts/build_lexicon.py``; see
``lexicon_data/LICENSE`` for sources and licences) is read when the model is initialised
for training and is then stored *inside* the model's weights file (as two arrays of the
feature layer's attrs), so a trained pipeline needs nothing outside its folder. Import this
module (``workbench.nlp.lemmatizer`` and ``workbench.nlp.pipeline`` do) before
``spacy.load`` of such a pipeline.
"""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import numpy
from spacy.attrs import IDS
from spacy.strings import hash_string
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import (HashEmbed, Maxout, Model, chain, concatenate, list2ragged,
                       ragged2list, with_array)
from thinc.types import Floats2d, Ints2d

DATA_DIR = Path(__file__).resolve().parent / "lexicon_data"
FLAGS = "FLPS"
N_LEX_COLUMNS = 4  # da_zipf, en_zipf, flags, capitalised-and-flagged


def read_lexicon(path: Path) -> tuple[numpy.ndarray, numpy.ndarray]:
    """(keys, codes): sorted uint64 hashes of the lower-cased words, and int32 codes
    (da_zipf | en_zipf << 5 | flags << 10)."""
    table = {}
    with Path(path).open(encoding="utf-8") as fh:
        for line in fh:
            word, da, en, flags = line.rstrip("\n").split("\t")
            bits = sum(1 << i for i, k in enumerate(FLAGS) if k in flags)
            table[hash_string(word)] = int(da) | (int(en) << 5) | (bits << 10)
    keys = numpy.array(sorted(table), dtype=numpy.uint64)
    codes = numpy.array([table[k] for k in keys.tolist()], dtype=numpy.int32)
    return keys, codes


def lookup(keys: numpy.ndarray, codes: numpy.ndarray, lower: numpy.ndarray) -> numpy.ndarray:
    if not len(keys):
        return numpy.zeros(len(lower), dtype=numpy.int64)
    idx = numpy.searchsorted(keys, lower)
    idx[idx >= len(keys)] = 0
    hit = keys[idx] == lower
    return numpy.where(hit, codes[idx], 0).astype(numpy.int64)


def LexiconFeatures(columns: List[str], lexicon: str) -> Model[List[Doc], List[Ints2d]]:
    """Like spaCy's FeatureExtractor (the attrs in ``columns``), plus N_LEX_COLUMNS
    lexicon columns."""
    attr_ids = [IDS[c.upper()] for c in columns] + [IDS["LOWER"], IDS["IS_TITLE"]]
    return Model("lexicon_features", _features_forward, init=_features_init,
                 attrs={"columns": attr_ids, "lexicon": lexicon,
                        "lex_keys": numpy.zeros((0,), dtype=numpy.uint64),
                        "lex_codes": numpy.zeros((0,), dtype=numpy.int32)})


def _lexicon_path(name: str) -> Path:
    p = Path(name)
    return p if p.is_absolute() or p.exists() else DATA_DIR / name


def _features_init(model, X=None, Y=None):
    if not len(model.attrs["lex_keys"]) and model.attrs["lexicon"]:
        keys, codes = read_lexicon(_lexicon_path(model.attrs["lexicon"]))
        model.attrs["lex_keys"] = keys
        model.attrs["lex_codes"] = codes
    return model


def _features_forward(model, docs: List[Doc], is_train: bool):
    keys, codes = model.attrs["lex_keys"], model.attrs["lex_codes"]
    cols = model.attrs["columns"]
    out = []
    for doc in docs:
        arr = doc.to_array(cols).astype(numpy.uint64).reshape((len(doc), len(cols)))
        code = lookup(keys, codes, arr[:, -2])
        flags = code >> 10
        title = arr[:, -1].astype(numpy.int64)
        lex = numpy.stack([code & 31, (code >> 5) & 31, flags, flags * 2 + title], axis=1)
        feats = numpy.hstack([arr[:, :-2], lex.astype(numpy.uint64)])
        out.append(model.ops.asarray2i(feats, dtype="uint64"))
    return out, lambda dY: []


@registry.architectures("workbench.LexiconMultiHashEmbed.v1")
def LexiconMultiHashEmbed(width: int, attrs: List[str], rows: List[int],
                          lexicon: str = "da_lexicon.tsv", lexicon_width: int = 16,
                          lexicon_rows: int = 64) -> Model[List[Doc], List[Floats2d]]:
    """spaCy's MultiHashEmbed.v2 without static vectors, plus lexicon features."""
    seed = 7
    embeds = []
    for i, n in enumerate(rows):
        seed += 1
        embeds.append(HashEmbed(width, n, column=i, seed=seed, dropout=0.0))
    for j in range(N_LEX_COLUMNS):
        seed += 1
        embeds.append(HashEmbed(lexicon_width, lexicon_rows, column=len(rows) + j, seed=seed,
                                dropout=0.0))
    concat_size = width * len(rows) + lexicon_width * N_LEX_COLUMNS
    max_out = Maxout(width, concat_size, nP=3, dropout=0.0, normalize=True)
    model = chain(LexiconFeatures(list(attrs), lexicon), list2ragged(),
                  with_array(concatenate(*embeds)), with_array(max_out), ragged2list())
    model.set_dim("nO", width)
    model.attrs["rows"] = list(rows)
    return model
