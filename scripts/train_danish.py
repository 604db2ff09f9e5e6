#!/usr/bin/env python
"""Train the bundled Danish spaCy pipeline ``da_workbench`` from DaNE / UD Danish-DDT.

Stages:
  1. convert DaNE (``train_dev.jsonl``: lines 1–4383 train, 4384–4947 dev) to spaCy
     DocBins; consecutive sentences are grouped into small documents so that the
     ``senter`` learns sentence boundaries;
  2. train tok2vec (small CNN) + tagger (UPOS) + senter + ner with ``spacy train``
     (early stopping on the dev split, best model kept);
  3. assemble the shipped pipeline: the trained model, an ``attribute_ruler`` that
     copies the UPOS tag into ``token.pos_``, and ``workbench_lemmatizer`` (simplemma +
     POS rules + a lookup table learned from the UD DDT *dev* split);
  4. evaluate on the DDT test split (``scripts/eval_danish.py``), put the scores into
     meta.json and write ``docs/danish-pipeline.md``.

The data are CC BY-SA 4.0, so the trained model is too (see the model's LICENSE).

Usage (2 CPU threads, ~10–20 minutes):
    OMP_NUM_THREADS=2 python scripts/train_danish.py
    python scripts/train_danish.py --skip-train      # re-assemble from an earlier run
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

os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")
os.environ.setdefault("MKL_NUM_THREADS", "2")

import spacy  # noqa: E402
from spacy.tokens import Doc, DocBin  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench.nlp import lemmatizer as wb_lemmatizer  # noqa: E402  (registers the factory)

DATA = Path("/work/shared/nlp")
MODEL_DIR = ROOT / "workbench" / "nlp" / "model" / "da_workbench"
MODEL_VERSION = "0.1.0"
N_TRAIN = 4383
UPOS = ["ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART",
        "PRON", "PROPN", "PUNCT", "SCONJ", "SYM", "VERB", "X"]

CONFIG = """
[paths]
train = null
dev = null
vectors = null
init_tok2vec = null

[system]
gpu_allocator = null
seed = 0

[nlp]
lang = "da"
pipeline = ["tok2vec", "tagger", "senter", "ner"]
batch_size = 256
disabled = []
before_creation = null
after_creation = null
after_pipeline_creation = null

[components]

[components.tok2vec]
factory = "tok2vec"

[components.tok2vec.model]
@architectures = "spacy.Tok2Vec.v2"

[components.tok2vec.model.embed]
@architectures = "spacy.MultiHashEmbed.v2"
width = ${components.tok2vec.model.encode.width}
attrs = ["NORM", "PREFIX", "SUFFIX", "SHAPE"]
rows = [EMBED_ROWS]
include_static_vectors = false

[components.tok2vec.model.encode]
@architectures = "spacy.MaxoutWindowEncoder.v2"
width = WIDTH
depth = 4
window_size = 1
maxout_pieces = 3

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
width = ${components.tok2vec.model.encode.width}
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
width = ${components.tok2vec.model.encode.width}
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
hidden_width = 64
maxout_pieces = 2
use_upper = true
nO = null

[components.ner.model.tok2vec]
@architectures = "spacy.Tok2VecListener.v1"
width = ${components.tok2vec.model.encode.width}
upstream = "*"

[corpora]

[corpora.train]
@readers = "spacy.Corpus.v1"
path = ${paths.train}
max_length = 0
gold_preproc = false
limit = 0

[corpora.train.augmenter]
@augmenters = "spacy.lower_case.v1"
level = 0.1

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
dropout = 0.1
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

[training.score_weights]
tag_acc = 0.4
pos_acc = 0.0
sents_f = 0.1
sents_p = 0.0
sents_r = 0.0
ents_f = 0.5
ents_p = 0.0
ents_r = 0.0
ents_per_type = null

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
    paths = []
    for name, sents in (("train", train), ("dev", dev)):
        docs = group_docs(nlp.vocab, sents, rng)
        p = work / f"{name}.spacy"
        DocBin(docs=docs, store_user_data=False).to_disk(p)
        paths.append(p)
        print(f"{name}: {len(sents)} sentences, {sum(len(d) for d in docs)} tokens, {len(docs)} docs")
    return paths[0], paths[1]


def train(work: Path, width: int, rows: list[int], max_steps: int, patience: int) -> Path:
    from spacy.cli.train import train as spacy_train

    train_path, dev_path = convert(work)
    cfg = (CONFIG.replace("EMBED_ROWS", ", ".join(map(str, rows)))
           .replace("WIDTH", str(width))
           .replace("MAX_STEPS", str(max_steps))
           .replace("PATIENCE", str(patience)))
    cfg_path = work / "config.cfg"
    cfg_path.write_text(cfg, encoding="utf-8")
    out = work / "output"
    t0 = time.time()
    spacy_train(cfg_path, out, use_gpu=-1,
                overrides={"paths.train": str(train_path), "paths.dev": str(dev_path)})
    print(f"training took {time.time() - t0:.0f} s")
    return out / "model-best"


def assemble(best: Path, lemma_table: dict, out_dir: Path) -> spacy.Language:
    nlp = spacy.load(best)
    ruler = nlp.add_pipe("attribute_ruler", after="tagger")
    for tag in nlp.get_pipe("tagger").labels:
        ruler.add(patterns=[[{"TAG": tag}]], attrs={"POS": tag})
    lem = nlp.add_pipe("workbench_lemmatizer", after="attribute_ruler")
    lem.set_table(lemma_table)
    nlp.meta.update({
        "name": "da_workbench",
        "lang": "da",
        "version": MODEL_VERSION,
        "description": (
            "Small Danish pipeline of the qualitative coding workbench: CNN tok2vec, "
            "UPOS tagger, sentence splitter, NER (PER/LOC/ORG/MISC) and a "
            "simplemma-based lemmatizer. Trained on DaNE / UD Danish-DDT."),
        "license": "CC BY-SA 4.0",
        "author": "Workbench project",
        "sources": [
            {"name": "DaNE (Hvingelby et al., LREC 2020)", "license": "CC BY-SA 4.0"},
            {"name": "UD Danish-DDT (Johannsen, Martínez Alonso and Plank, TLT14 2015)",
             "license": "CC BY-SA 4.0"},
            {"name": "simplemma (lemmatizer data)", "license": "MIT"},
        ],
    })
    if out_dir.exists():
        shutil.rmtree(out_dir)
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

The code of the workbench itself is MIT-licensed; this license covers only the model files.
"""


def write_model_docs(model_root: Path, scores: dict) -> None:
    (model_root / "LICENSE").write_text(LICENSE_TEXT, encoding="utf-8")
    (model_root / "da_workbench" / "LICENSE").write_text(LICENSE_TEXT, encoding="utf-8")
    readme = [
        "# da_workbench — bundled Danish spaCy pipeline",
        "",
        "License: **CC BY-SA 4.0** (derived from DaNE / UD Danish-DDT; see LICENSE).",
        "",
        "Components: tok2vec (CNN), tagger (UPOS) + attribute_ruler (tag → pos), senter, "
        "ner (PER, LOC, ORG, MISC), workbench_lemmatizer.",
        "",
        "Load it with `workbench.nlp.pipeline.load_pipeline()`; to load it with "
        "`spacy.load()` directly, first `import workbench.nlp.lemmatizer` (registers the "
        "`workbench_lemmatizer` factory).",
        "",
        "Rebuild: `python scripts/train_danish.py` (see docs/danish-pipeline.md).",
        "",
        "Scores on the DDT test split: " + ", ".join(f"{k} {v}" for k, v in scores.items()
                                                    if isinstance(v, (int, float))),
        "",
    ]
    (model_root / "README.md").write_text("\n".join(readme), encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work-dir", type=Path, default=Path("/tmp/da_workbench_train"))
    ap.add_argument("--skip-train", action="store_true", help="reuse WORK/output/model-best")
    ap.add_argument("--width", type=int, default=96)
    ap.add_argument("--rows", default="5000,2500,2500,2500", help="hash rows NORM,PREFIX,SUFFIX,SHAPE")
    ap.add_argument("--max-steps", type=int, default=6000)
    ap.add_argument("--patience", type=int, default=1600)
    ap.add_argument("--out", type=Path, default=MODEL_DIR)
    args = ap.parse_args(argv)

    spacy.util.fix_random_seed(0)
    work: Path = args.work_dir
    work.mkdir(parents=True, exist_ok=True)
    best = work / "output" / "model-best"
    if not args.skip_train:
        best = train(work, args.width, [int(r) for r in args.rows.split(",")],
                     args.max_steps, args.patience)

    table = wb_lemmatizer.learn_table(DATA / "ud_ddt" / "da_ddt-ud-dev.conllu")
    print(f"lemma table: {sum(len(v) for v in table.values())} entries")
    assemble(best, table, args.out)

    sys.path.insert(0, str(ROOT / "scripts"))
    import eval_danish

    scores = eval_danish.evaluate(args.out)
    eval_danish.print_table(scores)
    meta_path = args.out / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["workbench_scores"] = scores
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")
    write_model_docs(args.out.parent, scores)
    eval_danish.write_doc(scores, ROOT / "docs" / "danish-pipeline.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
