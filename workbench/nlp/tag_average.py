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

from typing import List

import numpy
from spacy.language import Language
from spacy.tokens import Doc

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

    def _add(self, doc: Doc) -> None:
        total = doc.user_data.get(_KEY)
        for name in self.taggers:
            if name not in self.nlp.component_names or name in self.nlp.disabled:
                continue
            tagger = self.nlp.get_pipe(name)
            if not len(doc) or doc.tensor is None or doc.tensor.size == 0:
                continue
            out = tagger.model.get_ref("output_layer")
            probs = _softmax(numpy.asarray(out.predict(doc.tensor), dtype="float32"))
            labels = list(tagger.labels)
            if total is None:
                total = {"labels": labels, "probs": probs}
            else:
                order = [labels.index(lab) for lab in total["labels"]]
                total["probs"] = total["probs"] + probs[:, order]
        if total is not None:
            doc.user_data[_KEY] = total

    def __call__(self, doc: Doc) -> Doc:
        self._add(doc)
        if self.final:
            total = doc.user_data.pop(_KEY, None)
            if total is not None and len(doc):
                labels = total["labels"]
                for token, i in zip(doc, total["probs"].argmax(axis=1)):
                    token.tag_ = labels[int(i)]
        return doc


@Language.factory("workbench_tag_average",
                  default_config={"taggers": ["tagger"], "final": False})
def make_tag_average(nlp: Language, name: str, taggers: List[str], final: bool) -> TagAverage:
    return TagAverage(nlp, taggers, final)
