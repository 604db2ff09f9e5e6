"""Cold-start suggestions from the codebook alone: keywords, examples, bands and questions.

Before anyone has coded, the codebook is all there is. Each code's keywords (lemmas, words
or phrases) are matched against the answer's lemmas and surface forms, tolerating what
interviewers' notes look like: misspellings (rapidfuzz), abbreviations ("sagsbeh."),
text typed without æøå, and Danish compounds ("sagsbehandlerskift" holds "skift"). A
negation close by ("lytter ikke", "ingen hjælp", "aldrig") suppresses a keyword and lends
its weight to the code's counterpart named in the codebook ("Den negative modpart er …").
The answer's similarity to each code's examples (TF-IDF over lemmas and character n-grams)
is a second signal. The answer's band and question are context: a code typical of negative
answers is pushed far down in a positive one, and codes made for the question get a boost.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional, Sequence

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from workbench.coding.codebook import CodebookSpec
from workbench.nlp.features import CLAUSE_BREAKS, TextFeatures, analyse, fold

NEGATORS = frozenset({"ikke", "ingen", "intet", "aldrig", "ingenting", "hverken", "uden", "ik", "ej", "nej"})
# "ikke kun", "ikke bare": not a negation of what follows.
_NOT_NEGATING_NEXT = frozenset({"kun", "bare", "blot", "alene", "altid", "mindst", "mindre"})
# Words too common to be a keyword on their own or a compound part.
_STOP = frozenset(fold(w) for w in (
    "i på af til med om for at og en et den det de der som er var have være blive få gøre kunne "
    "skulle ville man jeg hun han mig min sig sin hans hendes vi os så men når hvad hvor alt alle "
    "noget nogen meget mere selv kun bare også nu her ud op ned fra over under ind god").split())

NEG_WINDOW_BEFORE = 3
NEG_WINDOW_AFTER = 2
MIN_PART = 4          # shortest keyword that counts as part of a compound
_ENDINGS = ("erne", "ende", "ede", "ene", "et", "en", "er", "te", "es", "e", "t", "s")
BAND_OPPOSITE = 0.12  # a code of the opposite band (negativ vs positiv)
BAND_OTHER = 0.25     # a code whose bands exclude a positive/negative answer's band
BAND_MIXED = 0.5      # a code whose bands exclude a neutral or "ved ikke" answer
QUESTION_BOOST = 1.15
QUESTION_OTHER = 0.85

_COUNTERPART_RE = re.compile(r"modpart(?:er)?\s+er\s+([^.]*)", re.IGNORECASE)


@dataclass
class Pattern:
    code: str
    words: tuple[frozenset, ...]   # accepted folded forms of each content word, in order
    negated: bool                  # the keyword itself carries a negation ("ikke lytte")
    weight: float
    text: str


@dataclass
class Hit:
    code: str
    score: float
    why: list[str] = field(default_factory=list)


@dataclass
class MatchResult:
    """Per code: the matcher's score in 0..1 and the words that triggered it."""

    scores: np.ndarray            # one per code of the codebook, in codebook order
    why: list[list[str]]          # the words behind each code's score
    example: list[Optional[str]]  # the most similar example, when similarity counted


def _polarity(bands: Sequence[str]) -> str:
    b = set(bands)
    if "positiv" in b and "negativ" not in b:
        return "pos"
    if "negativ" in b and "positiv" not in b:
        return "neg"
    return "mid"


def band_factor(code_bands: Sequence[str], band: Optional[str]) -> float:
    """How far a code fits the answer's band: 1 inside it; strongly less when the code's
    bands exclude a positive or negative answer's band (least for the opposite extreme);
    mildly less for neutral and "ved ikke" answers, which often mix praise and complaint."""
    if not band or not code_bands or band in code_bands:
        return 1.0
    if band in ("neutral", "ved_ikke"):
        return BAND_MIXED
    opposite = {"positiv": "negativ", "negativ": "positiv"}[band] if band in ("positiv", "negativ") else None
    if opposite in code_bands and "neutral" not in code_bands:
        return BAND_OPPOSITE
    return BAND_OTHER


class CodebookMatcher:
    """Scores every code of a codebook for an answer, with the words that explain the score."""

    def __init__(self, codebook: CodebookSpec, nlp=None):
        self.codebook = codebook
        self.ids = codebook.ids
        self.index = {c: i for i, c in enumerate(self.ids)}
        self.nlp = nlp
        self.polarity = {c.id: _polarity(c.bands) for c in codebook.codes}
        self.counterparts = self._counterparts()
        self._compile_patterns()
        self._compile_examples()

    # -- building ---------------------------------------------------------------------
    def _counterparts(self) -> dict[str, list[str]]:
        """Codes of the opposite polarity a code points to: "Den negative modpart er X", or
        an alternative of the opposite polarity named in its exclusion note ("Brug i stedet
        fast_sagsbehandler, hvis ..."). Symmetric."""
        ids = set(self.ids)
        out: dict[str, list[str]] = {c: [] for c in self.ids}

        def link(a: str, b: str) -> None:
            if b not in out[a]:
                out[a].append(b)
            if a not in out[b]:
                out[b].append(a)

        for c in self.codebook.codes:
            for m in _COUNTERPART_RE.finditer(" ".join((c.exclude, c.include, c.description))):
                for w in re.findall(r"[a-z0-9_æøå]+", m.group(1)):
                    if w in ids and w != c.id:
                        link(c.id, w)
            for w in re.findall(r"[a-z0-9_æøå]+", c.exclude):
                if w in ids and w != c.id and {self.polarity[c.id], self.polarity[w]} == {"pos", "neg"}:
                    link(c.id, w)
        return out

    def _compile_patterns(self) -> None:
        kws = [(c.id, k) for c in self.codebook.codes for k in dict.fromkeys(k.strip() for k in c.keywords) if k]
        feats = analyse([k for _c, k in kws], nlp=self.nlp)
        raw: list[tuple[str, list[frozenset], bool, str, int]] = []
        for (cid, k), f in zip(kws, feats):
            words: list[frozenset] = []
            negated = False
            content = 0
            for n, l, p in zip(f.norm, f.lemma, f.punct):
                if p:
                    continue
                fn, fl = fold(n), fold(l)
                if fn in NEGATORS or fl in NEGATORS:
                    negated = True
                    continue
                words.append(frozenset({fn, fl}))
                if fn not in _STOP and len(fn) > 2:
                    content += 1
            if not words:
                continue
            if len(words) == 1 and not negated and (next(iter(words[0])) in _STOP):
                continue
            raw.append((cid, words, negated, k, max(content, 1)))
        # A single word that is a keyword of several codes says less about each.
        single_codes: dict[frozenset, set[str]] = {}
        for cid, words, negated, _k, _n in raw:
            if len(words) == 1 and not negated:
                single_codes.setdefault(words[0], set()).add(cid)
        self.patterns: list[Pattern] = []
        for cid, words, negated, k, content in raw:
            w = 0.6 + 0.4 * content + (0.3 if negated else 0.0)
            if len(words) == 1 and not negated:
                w /= math.sqrt(len(single_codes.get(words[0], {cid})))
            self.patterns.append(Pattern(cid, tuple(words), negated, w, k))
        self.by_first: dict[str, list[int]] = {}
        vocab: set[str] = set()
        for i, p in enumerate(self.patterns):
            for form in p.words[0]:
                self.by_first.setdefault(form, []).append(i)
            for wf in p.words:
                vocab |= wf
        self.vocab = vocab
        self._long_vocab = sorted(w for w in vocab if len(w) >= 5)
        self._part_vocab = sorted((w for w in vocab if len(w) >= MIN_PART and w not in _STOP), key=len, reverse=True)

    def _compile_examples(self) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        docs: list[str] = []
        owner: list[int] = []
        for c in self.codebook.codes:
            for e in c.examples:
                docs.append(e); owner.append(self.index[c.id])
        self._ex_text = docs
        self._ex_owner = np.array(owner, dtype=int)
        if not docs:
            self._ex_word = self._ex_char = None
            return
        feats = analyse(docs, nlp=self.nlp)
        self._ex_word = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                                        token_pattern=r"(?u)\b\w+\b")
        self._ex_char = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
        self._ex_wm = self._ex_word.fit_transform([f.lemma_text for f in feats])
        self._ex_cm = self._ex_char.fit_transform([f.norm_text for f in feats])

    # -- token candidates ---------------------------------------------------------------
    @lru_cache(maxsize=50_000)
    def _candidates(self, norm: str, lemma: str, before_dot: bool) -> tuple[tuple[tuple[tuple[str, float], ...], ...], str]:
        """The keyword words a token may stand for, with a quality in 0..1, as one or more
        slots (a split compound gives two), and how it matched (for explanations)."""
        exact = {w: 1.0 for w in (norm, lemma) if w in self.vocab}
        if exact:
            return (tuple(exact.items()),), "exact"
        if len(norm) >= 5 and self._long_vocab:
            hit = self._fuzzy(norm, lemma)
            if hit is not None:
                return (((hit, 0.85),),), "fuzzy"
        if before_dot and len(norm) >= 3:  # "sagsbeh." for sagsbehandler
            full = [w for w in self._long_vocab if w.startswith(norm) and len(w) >= len(norm) + 2]
            if full:
                return (((min(full, key=len), 0.75),),), "abbrev"
        if len(norm) >= MIN_PART + 3:
            return self._compound(norm, lemma)
        return (), ""

    def _fuzzy(self, norm: str, lemma: str) -> Optional[str]:
        """A keyword word within one edit (two for long words) of the token, or of the token
        without an inflectional ending; the first letter must agree."""
        forms = dict.fromkeys([norm, lemma] + [norm[:-len(s)] for s in _ENDINGS
                                               if norm.endswith(s) and len(norm) - len(s) >= 4])
        best: Optional[tuple[int, str]] = None
        for w in forms:
            allowed = 1 if len(w) <= 6 else 2
            r = process.extractOne(w, self._long_vocab, scorer=Levenshtein.distance, score_cutoff=allowed)
            if r is not None and r[0][0] == w[0] and (best is None or r[1] < best[0]):
                best = (r[1], r[0])
        return best[1] if best else None

    def _compound(self, norm: str, lemma: str) -> tuple[tuple[tuple[tuple[str, float], ...], ...], str]:
        """Danish compounds: a keyword as head (suffix), modifier (prefix) or, if long, infix."""
        for word in (lemma, norm):
            # split into two known words, with an optional linking s or e
            for cut in range(MIN_PART, len(word) - MIN_PART + 1):
                left, right = word[:cut], word[cut:]
                for l in (left, left[:-1] if left[-1:] in ("s", "e") else None):
                    if l and l in self.vocab and l not in _STOP and right in self.vocab and right not in _STOP:
                        return (((l, 0.8),), ((right, 0.8),)), "compound"
        heads: list[tuple[str, float]] = []
        mods: list[tuple[str, float]] = []
        for w in self._part_vocab:
            for word in (lemma, norm):
                if len(word) - len(w) < 2:
                    continue
                if word.endswith(w):
                    heads.append((w, 0.7)); break
                if word.startswith(w):
                    mods.append((w, 0.6)); break
                if len(w) >= 6 and w in word:
                    mods.append((w, 0.5)); break
            if len(heads) + len(mods) >= 3:
                break
        if heads or mods:
            slots = []
            if mods:
                slots.append(tuple(dict(mods[:2]).items()))
            if heads:
                slots.append(tuple(dict(heads[:1]).items()))
            return tuple(slots), "compound"
        return (), ""

    # -- matching -----------------------------------------------------------------------
    def match(self, f: TextFeatures, band: Optional[str] = None, question: Optional[str] = None,
              _sim: Optional[tuple[np.ndarray, list[Optional[str]]]] = None) -> MatchResult:
        n_codes = len(self.ids)
        tokens = [(i, fold(n), fold(l)) for i, (n, l, p) in enumerate(zip(f.norm, f.lemma, f.punct)) if not p]
        clause = []
        cl = 0
        for i, (n, p) in enumerate(zip(f.norm, f.punct)):
            if p or fold(n) in CLAUSE_BREAKS:
                cl += 1
            clause.append(cl)
        # slots: (token index, {form: quality})
        slots: list[tuple[int, dict[str, float]]] = []
        for k, (i, n, l) in enumerate(tokens):
            before_dot = i + 1 < len(f.norm) and f.punct[i + 1] and f.norm[i + 1].startswith(".")
            cands, _how = self._candidates(n, l, before_dot)
            for sl in cands:
                slots.append((i, dict(sl)))
            if not cands:
                slots.append((i, {}))
        neg_at = [i for k, (i, n, l) in enumerate(tokens) if (n in NEGATORS or l in NEGATORS)
                  and not (k + 1 < len(tokens) and tokens[k + 1][1] in _NOT_NEGATING_NEXT)]

        def negation_near(s: int, e: int) -> Optional[int]:
            """A free negation inside the match, just before it or just after it (same clause)."""
            for j in neg_at:
                if s <= j <= e:
                    return j
                if s - NEG_WINDOW_BEFORE <= j < s and clause[j] == clause[s]:
                    return j
                if e < j <= e + NEG_WINDOW_AFTER and clause[j] == clause[e]:
                    return j
            return None

        found: list[tuple[Pattern, int, int, float]] = []  # pattern, start token, end token, quality
        for k, (ti, forms) in enumerate(slots):
            for form, q0 in forms.items():
                for pi in self.by_first.get(form, ()):
                    p = self.patterns[pi]
                    q, end_k, ok = q0, k, True
                    for w in p.words[1:]:
                        nxt = None
                        for step in (1, 2, 3):  # allow one or two words between
                            kk = end_k + step
                            if kk >= len(slots):
                                break
                            hit = [forms2 for f2, forms2 in slots[kk][1].items() if f2 in w]
                            if hit:
                                nxt = (kk, max(hit))
                                break
                        if nxt is None:
                            ok = False
                            break
                        end_k, qq = nxt
                        q = min(q, qq)
                    if ok:
                        found.append((p, ti, slots[end_k][0], q))
        evidence = np.zeros(n_codes)
        why: list[list[str]] = [[] for _ in range(n_codes)]
        best: dict[tuple[str, str], tuple[float, int, int]] = {}
        spans: dict[str, list[tuple[int, int, float]]] = {}

        def words(s: int, e: int) -> str:
            return " ".join(f.norm[x] for x in range(s, e + 1) if not f.punct[x])

        for p, s, e, q in sorted(found, key=lambda x: (not x[0].negated, -(x[2] - x[1]))):
            if p.negated:
                j = negation_near(s, e)
                if j is None:
                    continue
                s2, e2 = min(s, j), max(e, j)
                self._credit(best, spans, p.code, p.text, p.weight * q, s2, e2, words(s2, e2))
                continue
            j = negation_near(s, e)
            if j is not None:
                s2, e2 = min(s, j), max(e, j)
                for cp in self.counterparts.get(p.code, ()):
                    self._credit(best, spans, cp, "¬" + p.text, 0.7 * p.weight * q, s2, e2, words(s2, e2))
                if self.polarity[p.code] == "neg":
                    # complaints are often phrased by negating a good word ("ingen fleksibilitet",
                    # "ikke tillid"): a negated keyword of a negative code still half counts
                    self._credit(best, spans, p.code, "¬" + p.text, 0.5 * p.weight * q, s2, e2, words(s2, e2))
                continue
            self._credit(best, spans, p.code, p.text, p.weight * q, s, e, words(s, e))
        for (code, _kw), (w, _s, _e, text) in sorted(best.items(), key=lambda x: -x[1][0]):
            ci = self.index[code]
            evidence[ci] += w
            if text not in why[ci]:
                why[ci].append(text)
        kw = 1.0 - np.exp(-0.9 * evidence)
        sim, ex = _sim if _sim is not None else self._similarity([f])[0]
        raw = 1.0 - (1.0 - kw) * (1.0 - 0.55 * sim)
        example: list[Optional[str]] = [None] * n_codes
        for c in self.codebook.codes:
            ci = self.index[c.id]
            raw[ci] *= band_factor(c.bands, band)
            if question and c.questions:
                raw[ci] *= QUESTION_BOOST if question in c.questions else QUESTION_OTHER
            if sim[ci] >= 0.35 and ex[ci] is not None:
                example[ci] = ex[ci]
        return MatchResult(np.clip(raw, 0.0, 1.0), why, example)

    @staticmethod
    def _credit(best, spans, code, kw, w, s, e, text) -> None:
        """Keep the strongest occurrence per keyword; a keyword inside a longer matched
        keyword of the same code adds nothing (the longer phrase carries the weight)."""
        for (s0, e0, w0) in spans.get(code, []):
            if s0 <= s and e <= e0 and (s0, e0) != (s, e) and w0 >= w:
                return
        key = (code, kw)
        if key not in best or best[key][0] < w:
            best[key] = (w, s, e, text)
            spans.setdefault(code, []).append((s, e, w))

    def _similarity(self, feats: Sequence[TextFeatures]) -> list[tuple[np.ndarray, list[Optional[str]]]]:
        """Per answer and code: the best cosine similarity to one of the code's examples
        (mean of the lemma and character TF-IDF cosines), scaled to 0..1, and that example."""
        n = len(self.ids)
        if self._ex_word is None or not feats:
            return [(np.zeros(n), [None] * n) for _ in feats]
        wv = self._ex_word.transform([f.lemma_text for f in feats])
        cv = self._ex_char.transform([f.norm_text for f in feats])
        cos = (0.5 * (wv @ self._ex_wm.T) + 0.5 * (cv @ self._ex_cm.T)).toarray()  # answers × examples
        out = []
        for row in cos:
            sim = np.zeros(n)
            arg = np.full(n, -1)
            for j in np.nonzero(row > 0)[0]:
                o = self._ex_owner[j]
                if row[j] > sim[o]:
                    sim[o] = row[j]; arg[o] = j
            out.append((np.clip((sim - 0.12) / 0.45, 0.0, 1.0),
                        [self._ex_text[a] if a >= 0 else None for a in arg]))
        return out

    def match_many(self, feats: Sequence[TextFeatures], bands: Sequence[Optional[str]],
                   questions: Sequence[Optional[str]]) -> list[MatchResult]:
        out: list[MatchResult] = []
        for i in range(0, len(feats), 512):
            chunk = feats[i:i + 512]
            sims = self._similarity(chunk)
            out += [self.match(f, b, q, s) for f, b, q, s in zip(chunk, bands[i:i + 512], questions[i:i + 512], sims)]
        return out

    def top(self, text: str, band: Optional[str] = None, question: Optional[str] = None, k: int = 5) -> list[Hit]:
        """The best k codes for one text (convenience for tests and the command line)."""
        r = self.match(analyse([text], nlp=self.nlp)[0], band, question)
        order = np.argsort(-r.scores, kind="stable")[:k]
        return [Hit(self.ids[i], float(r.scores[i]), r.why[i]) for i in order if r.scores[i] > 0]


__all__ = ["CodebookMatcher", "MatchResult", "Hit", "Pattern", "NEGATORS", "band_factor"]
