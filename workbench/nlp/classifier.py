"""Learning from the coders: a multi-label classifier over the project's coded answers.

One-vs-rest logistic regression (scikit-learn, liblinear) on
- TF-IDF of the lemmas (word 1–2-grams), which generalises over inflection,
- TF-IDF of character n-grams (char_wb 2–5) of the folded surface text, which absorbs
  misspellings, abbreviations and compounds the lemmatizer does not know,
- one-hot band and question (the same words mean different codes after a low and a high
  score): the survey definition's bands and question keys, and any others seen in training,
- the cold-start matcher's score per code (so the model learns how far to trust the
  codebook's keywords for each code; stacking rather than a fixed blend).

A code is learned once it has ``min_positive`` positive and as many negative examples;
refitting on ~2,500 answers takes about a second, so it can run in the background.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np
from scipy import sparse

from workbench.nlp.features import TextFeatures

MIN_POSITIVE = 2


@dataclass
class ClassifierConfig:
    C: float = 4.0
    class_weight: Optional[str] = None  # None or "balanced" (measured in docs/suggestions.md)
    use_matcher: bool = True
    matcher_scale: float = 3.0
    min_positive: int = MIN_POSITIVE
    dual: bool = True             # liblinear's dual solver: fast when features outnumber answers
    max_char_features: Optional[int] = 40_000


class CodeClassifier:
    """Multi-label: ``fit`` on features and label matrix, ``predict_proba`` → (n, codes),
    NaN in the columns of codes not learned (too few examples)."""

    def __init__(self, code_ids: Sequence[str], config: Optional[ClassifierConfig] = None,
                 bands: Sequence[str] = (), questions: Sequence[str] = ()):
        """``bands`` and ``questions``: the survey definition's bands and question keys (the
        context columns; bands and questions seen in training are added)."""
        self.code_ids = list(code_ids)
        self.bands = list(bands)
        self.question_keys = list(questions)
        self.config = config or ClassifierConfig()
        self.models: list = [None] * len(self.code_ids)
        self.n_positive = np.zeros(len(self.code_ids), dtype=int)
        self.n_train = 0
        self._bands: list[str] = list(self.bands)
        self._questions: list[str] = list(self.question_keys)
        self._names = None
        self._W = self._b = None

    # -- features -------------------------------------------------------------------------
    def _context(self, bands: Sequence[Optional[str]], questions: Sequence[Optional[str]]) -> sparse.csr_matrix:
        bix = {b: i for i, b in enumerate(self._bands)}
        noband = len(self._bands)
        qix = {q: noband + 1 + i for i, q in enumerate(self._questions)}
        rows, cidx = [], []
        for r, (b, q) in enumerate(zip(bands, questions)):
            rows.append(r); cidx.append(bix.get(b, noband) if b else noband)
            if q in qix:
                rows.append(r); cidx.append(qix[q])
        return sparse.csr_matrix((np.ones(len(rows)), (rows, cidx)), shape=(len(bands), noband + 1 + len(qix)))

    def _matrix(self, feats: Sequence[TextFeatures], bands, questions, matcher_scores) -> sparse.csr_matrix:
        parts = [self._word.transform([f.lemma_text for f in feats]),
                 self._char.transform([f.norm_text for f in feats]),
                 self._context(bands, questions)]
        if self.config.use_matcher and matcher_scores is not None:
            parts.append(sparse.csr_matrix(np.asarray(matcher_scores) * self.config.matcher_scale))
        return sparse.hstack(parts, format="csr")

    # -- fit / predict -------------------------------------------------------------------
    def fit(self, feats: Sequence[TextFeatures], bands: Sequence[Optional[str]], questions: Sequence[Optional[str]],
            Y: np.ndarray, matcher_scores: Optional[np.ndarray] = None) -> "CodeClassifier":
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        Y = np.asarray(Y, dtype=bool)
        self.n_train = len(feats)
        self._bands = list(dict.fromkeys([*self.bands, *sorted({b for b in bands if b} - set(self.bands))]))
        self._questions = list(dict.fromkeys([*self.question_keys,
                                              *sorted({q for q in questions if q} - set(self.question_keys))]))
        self._word = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                                     token_pattern=r"(?u)\b\w+\b", min_df=1)
        self._char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                                     min_df=2 if len(feats) >= 50 else 1,
                                     max_features=self.config.max_char_features)
        Xw = self._word.fit_transform([f.lemma_text for f in feats])
        Xc = self._char.fit_transform([f.norm_text for f in feats])
        self._names = None
        self._W = self._b = None
        parts = [Xw, Xc, self._context(bands, questions)]
        if self.config.use_matcher and matcher_scores is not None:
            parts.append(sparse.csr_matrix(np.asarray(matcher_scores) * self.config.matcher_scale))
        X = sparse.hstack(parts, format="csr")
        self.n_positive = Y.sum(axis=0).astype(int)
        m = self.config.min_positive

        def one(j: int):
            y = Y[:, j]
            if y.sum() < m or (~y).sum() < m:
                return None
            clf = LogisticRegression(C=self.config.C, class_weight=self.config.class_weight, solver="liblinear",
                                     dual=self.config.dual, max_iter=300, tol=1e-3)
            return clf.fit(X, y)

        # liblinear releases the GIL: fit the codes on a few threads
        workers = max(1, min(4, os.cpu_count() or 1))
        if workers > 1 and len(self.code_ids) > 1:
            with ThreadPoolExecutor(workers) as ex:
                self.models = list(ex.map(one, range(len(self.code_ids))))
        else:
            self.models = [one(j) for j in range(len(self.code_ids))]
        return self

    @property
    def trained(self) -> np.ndarray:
        return np.array([m is not None for m in self.models], dtype=bool)

    def predict_proba(self, feats: Sequence[TextFeatures], bands, questions,
                      matcher_scores: Optional[np.ndarray] = None) -> np.ndarray:
        out = np.full((len(feats), len(self.code_ids)), np.nan)
        if not len(feats) or not self.trained.any():
            return out
        X = self._matrix(feats, bands, questions, matcher_scores)
        cols = np.nonzero(self.trained)[0]
        if self._W is None:  # all codes' weights as one matrix: one sparse product per call
            self._W = np.column_stack([self.models[j].coef_.ravel() for j in cols])
            self._b = np.array([self.models[j].intercept_[0] for j in cols])
        z = np.asarray(X @ self._W) + self._b
        out[:, cols] = 1.0 / (1.0 + np.exp(-np.clip(z, -35, 35)))
        return out

    def top_terms(self, code: str, k: int = 10) -> list[str]:
        """The lemma n-grams that most raise a code's probability (for "why" and for the codebook)."""
        j = self.code_ids.index(code)
        clf = self.models[j]
        if clf is None:
            return []
        nw = len(self._word.vocabulary_)
        coef = clf.coef_.ravel()[:nw]
        if self._names is None:
            self._names = self._word.get_feature_names_out()
        return [str(self._names[i]) for i in np.argsort(-coef)[:k] if coef[i] > 0]

    def word_vector(self, f: TextFeatures):
        return self._word.transform([f.lemma_text])

    def evidence(self, code: str, f: Optional[TextFeatures] = None, k: int = 4, vector=None) -> list[str]:
        """The answer's own lemma n-grams that push this code up most (pass ``vector`` from
        ``word_vector`` to explain several codes of one answer cheaply)."""
        j = self.code_ids.index(code)
        clf = self.models[j]
        if clf is None:
            return []
        v = vector if vector is not None else self.word_vector(f)
        coef = clf.coef_.ravel()[: v.shape[1]]
        contrib = v.multiply(coef).tocsr()
        idx, vals = contrib.indices, contrib.data
        if self._names is None:
            self._names = self._word.get_feature_names_out()
        order = np.argsort(-vals)
        out: list[str] = []
        for i in order:  # function words carry weight in the model but explain nothing to a coder
            term = str(self._names[idx[i]])
            if vals[i] <= 0 or len(out) >= k:
                break
            if not all(w in _STOP for w in term.split()):
                out.append(term)
        return out


from spacy.lang.da.stop_words import STOP_WORDS as _STOP  # noqa: E402

__all__ = ["CodeClassifier", "ClassifierConfig", "MIN_POSITIVE"]
