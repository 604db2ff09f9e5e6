#!/usr/bin/env python
"""Train the bundled Danish spaCy pipeline ``da_workbench`` from DaNE / UD Danish-DDT.

Stages:
  1. convert DaNE (``train_dev.jsonl``: lines 1–4383 train, 4384–4947 dev) to spaCy
     DocBins; consecutive sentences are grouped into small documents so that the
     ``senter`` learns sentence boundaries;
  2. two trainings with ``spacy train`` on the train split, each with early stopping and
     its best checkpoint chosen on the dev split (the test split is never read):
     - "tagger": a CNN tok2vec shared by the UPOS tagger and the senter (chosen on dev
       UPOS accuracy);
     - "ner": the NER on a tok2vec shared with an auxiliary tagger and senter
       (multi-task; ``multitask`` 1 = tagger only, 0 = NER alone), chosen on the joint
       dev score;
     optionally (``full_steps``) each part again on train + dev for a fixed number of
     steps chosen from the dev curves; a part's tok2vec may read lexicon features
     (``lexicon``: word frequencies and gazetteers, ``workbench/nlp/lexicon.py``);
  3. assemble the shipped pipeline: tok2vec + tagger + senter, the NER part's tok2vec with
     its NER and auxiliary tagger (the two taggers' probabilities averaged,
     ``workbench/nlp/tag_average.py``), an
     ``attribute_ruler`` that copies the UPOS tag into ``token.pos_``, and
     ``workbench_lemmatizer`` (simplemma + POS rules + a lookup table learned from the UD
     DDT *dev* split);
  4. evaluate on the DDT test split (``scripts/eval_danish.py``), put the scores into
     meta.json and write ``docs/danish-pipeline.md``.

The data are CC BY-SA 4.0, so the trained model is too (see the model's LICENSE).

Usage (one CPU thread per training; four trainings — each part on train, then on train + dev —
about 40–70 minutes on a free core):
    python scripts/train_danish.py                    # both parts, one after the other
    python scripts/train_danish.py --parallel         # both parts side by side
    python scripts/train_danish.py --part ner --work-dir /tmp/x --set ner.width=96
    python scripts/train_danish.py --skip-train --tagger-dir A/model-best --ner-dir B/model-best
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import spacy  # noqa: E402
from spacy.tokens import Doc, DocBin  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench.nlp import lemmatizer as wb_lemmatizer  # noqa: E402  (registers the factory)

DATA = Path("/work/shared/nlp")
MODEL_DIR = ROOT / "workbench" / "nlp" / "model" / "da_workbench"
MODEL_VERSION = "0.2.0"
N_TRAIN = 4383
UPOS = ["ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART",
        "PRON", "PROPN", "PUNCT", "SCONJ", "SYM", "VERB", "X"]

# Two trainings, run one after the other (or side by side with --parallel) and joined in
# ``assemble``: (a) a shared CNN tok2vec with the UPOS tagger and the senter, checkpoint
# chosen on dev UPOS; (b) the NER with its own internal tok2vec (the design of spaCy's
# sm/md/lg pipelines), checkpoint chosen on dev NER F. Each gets the encoder and the
# early stopping that suits it, and neither's gradients disturb the other.
COMMON = """
[paths]
train = null
dev = null
vectors = null
init_tok2vec = null

[system]
gpu_allocator = null
seed = SEED

[corpora]

[corpora.train]
@readers = "spacy.Corpus.v1"
path = ${paths.train}
max_length = 0
gold_preproc = false
limit = 0

[corpora.train.augmenter]
@augmenters = "spacy.lower_case.v1"
level = LOWER

[corpora.dev]
@readers = "spacy.Corpus.v1"
path = ${paths.dev}
max_length = 0
gold_preproc = false
limit = 0
augmenter = null

[training]
dev_corpus = "corpora.dev"
train_corpus = "corpora.train"
seed = ${system.seed}
gpu_allocator = ${system.gpu_allocator}
dropout = DROPOUT
accumulate_gradient = 1
patience = PATIENCE
max_epochs = 0
max_steps = MAX_STEPS
eval_frequency = 200
frozen_components = []
annotating_components = []
before_to_disk = null
before_update = null

[training.batcher]
@batchers = "spacy.batch_by_words.v1"
discard_oversize = false
tolerance = 0.2
get_length = null

[training.batcher.size]
@schedules = "compounding.v1"
start = 100
stop = 1000
compound = 1.001
t = 0.0

[training.logger]
@loggers = "spacy.ConsoleLogger.v1"
progress_bar = false

[training.optimizer]
@optimizers = "Adam.v1"
beta1 = 0.9
beta2 = 0.999
L2_is_weight_decay = true
L2 = 0.01
grad_clip = 1.0
use_averages = true
eps = 1e-08
learn_rate = 0.001

[initialize]
vectors = ${paths.vectors}
init_tok2vec = ${paths.init_tok2vec}
vocab_data = null
lookups = null
before_init = null
after_init = null

[initialize.components]

[initialize.tokenizer]
"""

TOK2VEC = """
@architectures = "spacy.Tok2Vec.v2"

[SECTION.embed]
EMBED_ARCH
width = WIDTH
attrs = ["NORM", "PREFIX", "SUFFIX", "SHAPE"]
rows = [EMBED_ROWS]

[SECTION.encode]
@architectures = "spacy.MaxoutWindowEncoder.v2"
width = WIDTH
depth = DEPTH
window_size = 1
maxout_pieces = 3
"""

TAGGER_CONFIG = """
[nlp]
lang = "da"
pipeline = ["tok2vec", "tagger", "senter"]
batch_size = 256
disabled = []
before_creation = null
after_creation = null
after_pipeline_creation = null

[components]

[components.tok2vec]
factory = "tok2vec"

[components.tok2vec.model]
TOK2VEC_tok2vec.model

[components.tagger]
factory = "tagger"
label_smoothing = 0.05
overwrite = false
neg_prefix = "!"

[components.tagger.model]
@architectures = "spacy.Tagger.v2"
nO = null
normalize = false

[components.tagger.model.tok2vec]
@architectures = "spacy.Tok2VecListener.v1"
width = WIDTH
upstream = "*"

[components.senter]
factory = "senter"
overwrite = false

[components.senter.model]
@architectures = "spacy.Tagger.v2"
nO = null
normalize = false

[components.senter.model.tok2vec]
@architectures = "spacy.Tok2VecListener.v1"
width = WIDTH
upstream = "*"

[training.score_weights]
tag_acc = 0.9
pos_acc = 0.0
sents_f = 0.1
sents_p = 0.0
sents_r = 0.0
"""

NER_CONFIG = """
[nlp]
lang = "da"
pipeline = ["ner"]
batch_size = 256
disabled = []
before_creation = null
after_creation = null
after_pipeline_creation = null

[components]

[components.ner]
factory = "ner"
moves = null
update_with_oracle_cut_size = 100
incorrect_spans_key = null

[components.ner.model]
@architectures = "spacy.TransitionBasedParser.v2"
state_type = "ner"
extra_state_tokens = false
hidden_width = HIDDEN
maxout_pieces = 2
use_upper = true
nO = null

[components.ner.model.tok2vec]
TOK2VEC_ner.model.tok2vec

[training.score_weights]
ents_f = 1.0
ents_p = 0.0
ents_r = 0.0
ents_per_type = null
"""

# NER trained beside an auxiliary UPOS tagger on one shared tok2vec (multi-task: the tags
# help the entities on 80k tokens); checkpoint still chosen on dev NER F alone, and at
# assembly the NER gets its own copy of that tok2vec (``replace_listeners``).
NER_MT_CONFIG = """
[nlp]
lang = "da"
pipeline = ["tok2vec", "tagger", "ner"]
batch_size = 256
disabled = []
before_creation = null
after_creation = null
after_pipeline_creation = null

[components]

[components.tok2vec]
factory = "tok2vec"

[components.tok2vec.model]
TOK2VEC_tok2vec.model

[components.tagger]
factory = "tagger"
label_smoothing = 0.05
overwrite = false
neg_prefix = "!"

[components.tagger.model]
@architectures = "spacy.Tagger.v2"
nO = null
normalize = false

[components.tagger.model.tok2vec]
@architectures = "spacy.Tok2VecListener.v1"
width = WIDTH
upstream = "*"

[components.ner]
factory = "ner"
moves = null
update_with_oracle_cut_size = 100
incorrect_spans_key = null

[components.ner.model]
@architectures = "spacy.TransitionBasedParser.v2"
state_type = "ner"
extra_state_tokens = false
hidden_width = HIDDEN
maxout_pieces = 2
use_upper = true
nO = null

[components.ner.model.tok2vec]
@architectures = "spacy.Tok2VecListener.v1"
width = WIDTH
upstream = "*"

[training.score_weights]
tag_acc = 0.0
pos_acc = 0.0
ents_f = 1.0
ents_p = 0.0
ents_r = 0.0
ents_per_type = null
"""

# multitask = 2: the NER on a tok2vec shared with a tagger *and* a senter, checkpoint chosen
# on the joint score (UPOS 0.4, NER F 0.5, sentence F 0.1) — the recipe of da_workbench
# 0.1.0, whose NER scored best on dev of everything tried (74.24 % against 72.5–73.2 % for
# the NER trained on its own or beside a tagger only, 96 or 128 wide).
def _joint_config() -> str:
    body = NER_MT_CONFIG.replace('pipeline = ["tok2vec", "tagger", "ner"]',
                                 'pipeline = ["tok2vec", "tagger", "senter", "ner"]')
    senter = """[components.senter]
factory = "senter"
overwrite = false

[components.senter.model]
@architectures = "spacy.Tagger.v2"
nO = null
normalize = false

[components.senter.model.tok2vec]
@architectures = "spacy.Tok2VecListener.v1"
width = WIDTH
upstream = "*"

[components.ner]
"""
    body = body.replace("[components.ner]\n", senter, 1)
    weights = body[body.index("[training.score_weights]"):]
    return body.replace(weights, """[training.score_weights]
tag_acc = 0.4
pos_acc = 0.0
sents_f = 0.1
sents_p = 0.0
sents_r = 0.0
ents_f = 0.5
ents_p = 0.0
ents_r = 0.0
ents_per_type = null
""")


# The defaults of each part, chosen on the dev split within the limits (model ≤ 15 MB,
# ≥ 5,000 words/s on one core); figures are dev UPOS / dev NER F of the checkpoint kept.
# Tagger: 128 wide (rows 5000/1000/3000/1000) 95.22; 128 wide depth 5 95.17; 112 wide 95.22,
# with lexicon features 95.21; 96 wide 95.19 (kept: as good within noise, and faster; 95.52
# averaged with the NER part's tagger); 96 wide with dropout 0.2 94.6; the old shared 96-wide
# tok2vec 94.85. NER: joint recipe (multitask 2)
# 74.24; with lexicon features 74.84 (seed 0) and 76.70 (seed 1, kept); beside a tagger
# only, 96 wide with a 128 hidden layer 73.15 / 72.46, 128 wide 69.8 (stopped at 1,600
# steps); alone, 128 wide 72.80; joint, 128 wide 70.45 (stopped at 2,200 steps). The
# tagger peaked on dev at 2,200 steps, the NER part at 3,600; ``full_steps`` (the train +
# dev reruns) is about 1.1 × that for 1.13 × the data.
PARTS = {
    "tagger": {"width": 96, "depth": 4, "rows": "5000,500,3000,500", "dropout": 0.1,
               "lower": 0.1, "max_steps": 3000, "patience": 800, "seed": 0, "hidden": 64,
               "multitask": 0, "lexicon": 0, "lexicon_width": 16, "full_steps": 2500},
    "ner": {"width": 96, "depth": 4, "rows": "5000,2500,2500,2500", "dropout": 0.1,
            "lower": 0.1, "max_steps": 6000, "patience": 1600, "seed": 1, "hidden": 64,
            "multitask": 2, "lexicon": 1, "lexicon_width": 16, "full_steps": 4000},
}


def build_config(part: str, p: dict) -> str:
    if part == "tagger":
        body = TAGGER_CONFIG
    else:
        body = {0: NER_CONFIG, 1: NER_MT_CONFIG, 2: _joint_config()}[int(p.get("multitask", 0))]
    for key in ("TOK2VEC_tok2vec.model", "TOK2VEC_ner.model.tok2vec"):
        if key in body:
            section = "components." + key.split("_", 1)[1]
            body = body.replace(key, TOK2VEC.strip().replace("SECTION", section))
    cfg = COMMON + body
    if int(p.get("lexicon", 0)):  # lexicon features (workbench/nlp/lexicon.py)
        embed = ('@architectures = "workbench.LexiconMultiHashEmbed.v1"\n'
                 'lexicon = "da_lexicon.tsv"\n'
                 f'lexicon_width = {int(p.get("lexicon_width", 16))}\n'
                 'lexicon_rows = 64')
    else:
        embed = '@architectures = "spacy.MultiHashEmbed.v2"\ninclude_static_vectors = false'
    cfg = cfg.replace("EMBED_ARCH", embed)
    for key, val in (("EMBED_ROWS", ", ".join(p["rows"].split(","))), ("WIDTH", p["width"]),
                     ("DEPTH", p["depth"]), ("MAX_STEPS", p["max_steps"]),
                     ("PATIENCE", p["patience"]), ("DROPOUT", p["dropout"]),
                     ("LOWER", p["lower"]), ("SEED", p["seed"]), ("HIDDEN", p["hidden"])):
        cfg = cfg.replace(key, str(val))
    return cfg


_NO_SPACE_BEFORE = set(".,;:!?)]}%…»")
_NO_SPACE_AFTER = set("([{«")


def spaces_for(tokens: list[str]) -> list[bool]:
    """Guess ``SpaceAfter``: a space between tokens except before closing punctuation."""
    spaces = []
    for i, tok in enumerate(tokens):
        if i + 1 == len(tokens):
            spaces.append(False)
            continue
        nxt = tokens[i + 1]
        space = not (nxt and all(c in _NO_SPACE_BEFORE for c in nxt))
        if tok in _NO_SPACE_AFTER:
            space = False
        spaces.append(space)
    return spaces


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def make_doc(vocab, sents: list[dict]) -> Doc:
    """One Doc from consecutive sentences, with tags, NER and sentence starts."""
    words, tags, ents, starts = [], [], [], []
    for s in sents:
        toks = s["tokens"]
        words.extend(toks)
        tags.extend(s["pos_tags"])
        ents.extend(s["ner_tags"])
        starts.extend([True] + [False] * (len(toks) - 1))
    spaces = []
    for s in sents:
        sp = spaces_for(s["tokens"])
        sp[-1] = True
        spaces.extend(sp)
    spaces[-1] = False
    return Doc(vocab, words=words, spaces=spaces, tags=tags, ents=ents,
               sent_starts=starts)


def group_docs(vocab, sents: list[dict], rng: random.Random, lo: int = 1, hi: int = 8) -> list[Doc]:
    docs, i = [], 0
    while i < len(sents):
        n = rng.randint(lo, hi)
        docs.append(make_doc(vocab, sents[i:i + n]))
        i += n
    return docs


def convert(work: Path) -> tuple[Path, Path]:
    rows = read_jsonl(DATA / "dane" / "train_dev.jsonl")
    train, dev = rows[:N_TRAIN], rows[N_TRAIN:]
    nlp = spacy.blank("da")
    rng = random.Random(0)
    paths, all_docs = [], []
    for name, sents in (("train", train), ("dev", dev)):
        docs = group_docs(nlp.vocab, sents, rng)
        all_docs.extend(docs)
        p = work / f"{name}.spacy"
        DocBin(docs=docs, store_user_data=False).to_disk(p)
        paths.append(p)
        print(f"{name}: {len(sents)} sentences, {sum(len(d) for d in docs)} tokens, {len(docs)} docs")
    # train + dev, for the final runs of a recipe whose settings and number of steps were
    # chosen on dev (``full_steps``)
    DocBin(docs=all_docs, store_user_data=False).to_disk(work / "traindev.spacy")
    return paths[0], paths[1]


def train_part(work: Path, part: str, params: dict, full: bool = False) -> Path:
    """Train one part ("tagger" or "ner") into WORK/PART/ on the train split, checkpoint
    chosen on dev; returns its model-best. ``full``: into WORK/PART_full/ on train + dev for
    exactly ``full_steps`` steps (a number chosen from the dev curves of the first kind of
    run), returning its model-last."""
    from spacy.cli.train import train as spacy_train

    train_path, dev_path = work / "train.spacy", work / "dev.spacy"
    out = work / part
    if full:
        train_path = work / "traindev.spacy"
        params = {**params, "patience": 0, "max_steps": int(params["full_steps"])}
        out = work / f"{part}_full"
    out.mkdir(parents=True, exist_ok=True)
    cfg_path = out / "config.cfg"
    cfg = build_config(part, params)
    result = out / "output" / ("model-last" if full else "model-best")
    if (result / "meta.json").exists() and cfg_path.exists() and cfg_path.read_text(encoding="utf-8") == cfg:
        print(f"{part}: reusing {result} (same config)")
        return result
    cfg_path.write_text(cfg, encoding="utf-8")
    t0 = time.time()
    spacy_train(cfg_path, out / "output", use_gpu=-1,
                overrides={"paths.train": str(train_path), "paths.dev": str(dev_path)})
    print(f"{part}: training took {time.time() - t0:.0f} s")
    return out / "output" / ("model-last" if full else "model-best")


def assemble(tagger_best: Path, ner_best: Path, lemma_table: dict, out_dir: Path,
             params: dict | None = None, tag_ensemble: bool = True,
             dev_perf: dict | None = None) -> spacy.Language:
    """Join the parts. With ``tag_ensemble`` (and a multi-task NER part) the NER part's
    tok2vec stays a component of its own (``tok2vec_ner``) that the NER and the NER part's
    auxiliary tagger (``tagger_ner``) listen to, and ``workbench_tag_average`` averages the
    two taggers' probabilities (workbench/nlp/tag_average.py); otherwise the NER gets its
    own copy of its tok2vec and the auxiliary components are dropped."""
    nlp = spacy.load(tagger_best)
    ner_nlp = spacy.load(ner_best)
    tag_ensemble = tag_ensemble and "tagger" in ner_nlp.pipe_names
    if tag_ensemble:
        nlp.add_pipe("workbench_tag_average", name="tag_average_a",
                     config={"taggers": ["tagger"], "final": False})
        nlp.add_pipe("tok2vec", name="tok2vec_ner", source=ner_nlp)
        nlp.add_pipe("tagger", name="tagger_ner", source=ner_nlp)
        nlp.add_pipe("ner", source=ner_nlp)
        nlp.add_pipe("workbench_tag_average", name="tag_average",
                     config={"taggers": ["tagger_ner"], "final": True})
        ruler = nlp.add_pipe("attribute_ruler")
    else:
        if "tok2vec" in ner_nlp.pipe_names:  # multi-task run: give the NER its own tok2vec copy
            ner_nlp.replace_listeners("tok2vec", "ner", ["model.tok2vec"])
        nlp.add_pipe("ner", source=ner_nlp)
        ruler = nlp.add_pipe("attribute_ruler", after="tagger")
    for tag in nlp.get_pipe("tagger").labels:
        ruler.add(patterns=[[{"TAG": tag}]], attrs={"POS": tag})
    lem = nlp.add_pipe("workbench_lemmatizer", after="attribute_ruler")
    lem.set_table(lemma_table)
    # the dev-split figures of the two checkpoints, as spaCy's own meta would carry them
    perf = dict(nlp.meta.get("performance") or {})
    perf.update({k: v for k, v in (ner_nlp.meta.get("performance") or {}).items()
                 if k.startswith("ents")})
    perf.update(dev_perf or {})  # parts trained on train + dev: their train-only twins
    nlp.meta["performance"] = perf
    if params:
        nlp.meta["workbench_training"] = params
    nlp.meta.update({
        "name": "da_workbench",
        "lang": "da",
        "version": MODEL_VERSION,
        "description": (
            "Small Danish pipeline of the qualitative coding workbench: two CNN tok2vecs "
            "(optionally with word-frequency and gazetteer features), UPOS tagger (two "
            "taggers averaged), sentence splitter, NER (PER/LOC/ORG/MISC) and a "
            "simplemma-based lemmatizer. Trained on DaNE / UD Danish-DDT."),
        "license": "CC BY-SA 4.0",
        "author": "Workbench project",
        "sources": [
            {"name": "DaNE (Hvingelby et al., LREC 2020)", "license": "CC BY-SA 4.0"},
            {"name": "UD Danish-DDT (Johannsen, Martínez Alonso and Plank, TLT14 2015)",
             "license": "CC BY-SA 4.0"},
            {"name": "simplemma (lemmatizer data)", "license": "MIT"},
            {"name": "wordfreq (word frequencies, lexicon features)", "license": "CC BY-SA 4.0"},
            {"name": "Faker (names and places, lexicon features)", "license": "MIT"},
            {"name": "Unicode CLDR via Babel (places, languages, lexicon features)",
             "license": "Unicode License v3"},
        ],
    })
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out_dir)
    return nlp


LICENSE_TEXT = """\
The Danish pipeline in this folder (da_workbench) was trained on the Danish Dependency
Treebank as annotated by DaNE (Hvingelby et al., LREC 2020) and by Universal Dependencies
Danish-DDT (Johannsen, Martínez Alonso and Plank, TLT14, 2015). Those data are licensed
under the Creative Commons Attribution-ShareAlike 4.0 International License (CC BY-SA 4.0),
and the trained model is a derived work distributed under the same license:

    Creative Commons Attribution-ShareAlike 4.0 International
    https://creativecommons.org/licenses/by-sa/4.0/legalcode

You may share and adapt the model, also commercially, provided that you give appropriate
credit (cite DaNE and UD Danish-DDT), indicate if changes were made, and distribute your
contributions under the same license. The lemmatizer uses simplemma's data (MIT license)
at run time; its lookup table was learned from the UD Danish-DDT dev split.

The tok2vec models of a build with lexicon features contain a copy of the workbench's
lexicon (workbench/nlp/lexicon_data/da_lexicon.tsv, built by scripts/build_lexicon.py):
- word frequencies from wordfreq by Robyn Speer (data CC BY-SA 4.0; rounded to half Zipf
  units here), https://github.com/rspeer/wordfreq;
- first names, last names, Danish towns and country names from Faker
  (MIT License, Copyright (c) 2012 Daniele Faraglia), https://github.com/joke2k/faker;
- Danish names of countries, territories, exemplar cities and languages from the Unicode
  CLDR via Babel (Unicode License v3, Copyright (c) 1991-2024 Unicode, Inc.).

The code of the workbench itself is MIT-licensed; this license covers only the model files.
"""


def write_model_docs(model_root: Path, scores: dict) -> None:
    cfg = (model_root / "da_workbench" / "config.cfg").read_text(encoding="utf-8")
    line = next((l for l in cfg.splitlines() if l.startswith("pipeline = ")), "pipeline = []")
    nlp_components = json.loads(line.split("=", 1)[1])
    (model_root / "LICENSE").write_text(LICENSE_TEXT, encoding="utf-8")
    (model_root / "da_workbench" / "LICENSE").write_text(LICENSE_TEXT, encoding="utf-8")
    readme = [
        "# da_workbench — bundled Danish spaCy pipeline",
        "",
        "License: **CC BY-SA 4.0** (derived from DaNE / UD Danish-DDT; see LICENSE).",
        "",
        "Components: " + ", ".join(nlp_components) + ".",
        "",
        "Load it with `workbench.nlp.pipeline.load_pipeline()`; to load it with "
        "`spacy.load()` directly, first `import workbench.nlp.lemmatizer` (registers the "
        "`workbench_lemmatizer` factory, and with it the lexicon features and the tag "
        "average).",
        "",
        "Rebuild: `python scripts/train_danish.py` (see docs/danish-pipeline.md).",
        "",
        "Scores on the DDT test split: " + ", ".join(f"{k} {v}" for k, v in scores.items()
                                                    if isinstance(v, (int, float))),
        "",
    ]
    (model_root / "README.md").write_text("\n".join(readme), encoding="utf-8")


def parse_sets(items: list[str]) -> dict:
    """``--set ner.width=96`` → {"ner": {"width": 96}} (numbers parsed, rows kept as text)."""
    out: dict = {"tagger": {}, "ner": {}}
    for item in items:
        key, _, val = item.partition("=")
        part, _, name = key.partition(".")
        if part not in out or name not in PARTS[part]:
            raise SystemExit(f"--set {item}: expected tagger.NAME=VALUE or ner.NAME=VALUE "
                             f"with NAME one of {', '.join(PARTS['tagger'])}")
        default = PARTS[part][name]
        out[part][name] = type(default)(val) if not isinstance(default, str) else val
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work-dir", type=Path, default=Path("/tmp/da_workbench_train"))
    ap.add_argument("--part", choices=("all", "tagger", "ner"), default="all",
                    help="train only one part (no assembly), e.g. for experiments")
    ap.add_argument("--parallel", action="store_true",
                    help="train the two parts as two processes side by side (one thread each)")
    ap.add_argument("--skip-train", action="store_true",
                    help="reuse WORK/tagger and WORK/ner (or --tagger-dir/--ner-dir)")
    ap.add_argument("--tagger-dir", type=Path, help="model-best of an earlier tagger run")
    ap.add_argument("--ner-dir", type=Path, help="model-best of an earlier NER run")
    ap.add_argument("--set", action="append", default=[], metavar="PART.NAME=VALUE",
                    help="override a training setting, e.g. ner.width=96 (see PARTS)")
    ap.add_argument("--out", type=Path, default=MODEL_DIR,
                    help="default: the shipped folder, replaced only through the gate (see gate())")
    ap.add_argument("--force", action="store_true",
                    help="replace the shipped model even if it does not beat it on dev and test")
    ap.add_argument("--no-docs", action="store_true",
                    help="do not rewrite docs/danish-pipeline.md and the model README")
    args = ap.parse_args(argv)

    spacy.util.fix_random_seed(0)
    work: Path = args.work_dir
    work.mkdir(parents=True, exist_ok=True)
    sets = parse_sets(args.set)
    params = {part: {**PARTS[part], **sets[part]} for part in PARTS}
    parts = ["tagger", "ner"] if args.part == "all" else [args.part]
    if not args.skip_train:
        if not all((work / f"{n}.spacy").exists() for n in ("train", "dev", "traindev")):
            convert(work)
        if args.parallel and len(parts) > 1:
            import subprocess
            procs = [subprocess.Popen(
                [sys.executable, __file__, "--work-dir", str(work), "--part", part,
                 *sum((["--set", x] for x in args.set), [])],
                stdout=(work / f"{part}.log").open("w"), stderr=subprocess.STDOUT)
                for part in parts]
            if any(proc.wait() for proc in procs):
                raise SystemExit(f"a training failed; see {work}/tagger.log and ner.log")
        else:
            for part in parts:
                train_part(work, part, params[part])
                if int(params[part]["full_steps"]):
                    train_part(work, part, params[part], full=True)
    if args.part != "all":
        return 0

    def final(part: str) -> Path:  # the train+dev run if the recipe has one
        if int(params[part]["full_steps"]):
            return work / f"{part}_full" / "output" / "model-last"
        return work / part / "output" / "model-best"

    tagger_best = args.tagger_dir or final("tagger")
    ner_best = args.ner_dir or final("ner")
    dev_perf = {}  # dev figures of the train-only checkpoints (a train+dev run has none)
    for part, key in (("tagger", "tag_acc"), ("ner", "ents_f")):
        meta = work / part / "output" / "model-best" / "meta.json"
        if int(params[part]["full_steps"]) and meta.exists():
            perf = json.loads(meta.read_text(encoding="utf-8")).get("performance") or {}
            dev_perf.update({k: v for k, v in perf.items()
                             if k.startswith("ents" if part == "ner" else ("tag", "sents"))})
    table = wb_lemmatizer.learn_table(DATA / "ud_ddt" / "da_ddt-ud-dev.conllu")
    print(f"lemma table: {sum(len(v) for v in table.values())} entries")
    # Build into a staging folder; replace the shipped model only if the new one is better.
    staging = work / "da_workbench" if args.out == MODEL_DIR else args.out
    assemble(tagger_best, ner_best, table, staging, params, dev_perf=dev_perf)

    sys.path.insert(0, str(ROOT / "scripts"))
    import eval_danish

    scores = eval_danish.evaluate(staging)
    eval_danish.print_table(scores)
    meta_path = staging / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["workbench_scores"] = scores
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")
    if staging == args.out:
        return 0
    problems = gate(scores, MODEL_DIR)
    if problems and not args.force:
        print("NOT replacing the shipped model (--force to replace it anyway):")
        for line in problems:
            print("  - " + line)
        print(f"the new model stays in {staging}")
        return 1
    if MODEL_DIR.exists():
        shutil.rmtree(MODEL_DIR)
    shutil.copytree(staging, MODEL_DIR)
    if not args.no_docs:
        write_model_docs(MODEL_DIR.parent, scores)
        eval_danish.write_doc(scores, ROOT / "docs" / "danish-pipeline.md")
    print(f"replaced {MODEL_DIR}")
    return 0


LIMITS = {"model_size_mb": 15.0, "words_per_second": 5000, "load_seconds": 1.0}


def gate(new: dict, shipped_dir: Path) -> list[str]:
    """Why the new model must not replace the shipped one: it has to beat it on UPOS and
    NER F on the dev split *and* on the test split, and stay within the size, speed and
    load-time limits. Empty list: replace."""
    problems = []
    if new.get("model_size_mb", 0) > LIMITS["model_size_mb"]:
        problems.append(f"size {new['model_size_mb']} MB > {LIMITS['model_size_mb']} MB")
    if new.get("words_per_second", 0) < LIMITS["words_per_second"]:
        problems.append(f"{new.get('words_per_second')} words/s < {LIMITS['words_per_second']} "
                        "(measured on this machine now; re-measure when it is idle)")
    if new.get("load_seconds", 0) >= LIMITS["load_seconds"]:
        problems.append(f"loads in {new['load_seconds']} s")
    try:
        old = json.loads((shipped_dir / "meta.json").read_text(encoding="utf-8"))["workbench_scores"]
    except (OSError, KeyError, ValueError):
        return problems  # nothing shipped to beat
    for split, n, o in (("dev", new.get("dev") or {}, old.get("dev") or {}), ("test", new, old)):
        for key, name in (("upos_acc", "UPOS"), ("ner_f", "NER F")):
            if key in o and n.get(key, 0) <= o[key]:
                problems.append(f"{split} {name} {n.get(key)} is not above the shipped {o[key]}")
    return problems


if __name__ == "__main__":
    raise SystemExit(main())
