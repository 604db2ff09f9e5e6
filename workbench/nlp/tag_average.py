"""Averaged UPOS tags of two taggers (``da_workbench``'s tagger ensemble).

``da_workbench`` has two CNN encoders: the tagger part's tok2vec (tagger + senter) and the
NER part's (trained with an auxiliary tagger and senter, multi-task). The auxiliary tagger
costs 17 × 96 weights, and averaging its tag probabilities with the main tagger's is
more accurate than either alone (dev UPOS: see docs/danish-pipeline.md).

At prediction time a listener-based tagger reads ``doc.tensor``, the output of the last
tok2vec that ran, so each tagger's probabilities are taken right after its own tok2vec:

    tok2vec, tagger, senter, workbench_tag_average (taggers ["tagger"]),
    tok2vec_ner, tagger_ner, ner, workbench_tag_average (taggers ["tagger_ner"], final),
    attribute_ruler, workbench_lemmatizer

The non-final instance adds the softmax of its taggers' scores to ``doc.user_data``; the
final one adds its own, writes the argmax into ``token.tag_`` and removes the sum.
"""
from __future__ import annotations

from typing import Iterable, Iterator, List

import numpy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

_KEY = "_workbench_tag_probs"


def _softmax(x: numpy.ndarray) -> numpy.ndarray:
    x = x - x.max(axis=1, keepdims=True)
    e = numpy.exp(x)
    return e / e.sum(axis=1, keepdims=True)


class TagAverage:
    def __init__(self, nlp: Language, taggers: List[str], final: bool):
        self.nlp = nlp
        self.taggers = list(taggers)
        self.final = final

    def _add(self, docs: List[Doc]) -> None:
        docs = [d for d in docs if len(d) and d.tensor is not None and d.tensor.size]
        if not docs:
            return
        for name in self.taggers:
            if name not in self.nlp.component_names or name in self.nlp.disabled:
                continue
            tagger = self.nlp.get_pipe(name)
            out = tagger.model.get_ref("output_layer")
            # one matrix product for the whole batch
            scores = out.predict(out.ops.xp.vstack([d.tensor for d in docs]))
            probs = _softmax(numpy.asarray(scores, dtype="float32"))
            labels = list(tagger.labels)
            start = 0
            for doc in docs:
                p = probs[start:start + len(doc)]
                start += len(doc)
                total = doc.user_data.get(_KEY)
                if total is None:
                    doc.user_data[_KEY] = {"labels": labels, "probs": p, "tensors": [doc.tensor]}
                elif any(doc.tensor is t for t in total["tensors"]):
                    # this tagger's tok2vec did not run (e.g. nlp.pipe(disable=[...])): the
                    # tensor is the one an earlier tagger already read, not this tagger's input
                    continue
                else:
                    order = [labels.index(lab) for lab in total["labels"]]
                    total["probs"] = total["probs"] + p[:, order]
                    total["tensors"].append(doc.tensor)

    def _finish(self, doc: Doc) -> Doc:
        total = doc.user_data.pop(_KEY, None)
        if total is not None and len(doc):
            labels = total["labels"]
            for token, i in zip(doc, total["probs"].argmax(axis=1).tolist()):
                token.tag_ = labels[i]
        return doc

    def __call__(self, doc: Doc) -> Doc:
        self._add([doc])
        return self._finish(doc) if self.final else doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        for batch in minibatch(docs, size=batch_size):
            self._add(batch)
            for doc in batch:
                yield self._finish(doc) if self.final else doc


@Language.factory("workbench_tag_average",
                  default_config={"taggers": ["tagger"], "final": False})
def make_tag_average(nlp: Language, name: str, taggers: List[str], final: bool) -> TagAverage:
    return TagAverage(nlp, taggers, final)
