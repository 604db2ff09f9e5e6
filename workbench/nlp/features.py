"""Answer texts as normalised tokens and lemmas, for the matcher and the classifier.

Texts go through the Danish pipeline (``load_pipeline()``) in batches with ``nlp.pipe``.
Results are cached per (pipeline, text hash): in memory for the process and, when a store
is given, in the project's ``NlpCache`` table, so that only new or changed answers are
parsed again when the suggester is refitted while coding goes on.

Normalisation is for matching, not display: lower case, the common Danish abbreviations
of the domain expanded ("sbh." → sagsbehandler, "pga." → på grund af), and a folded form
(æ→ae, ø→oe, å→aa) so that answers typed without Danish letters still match.
"""
from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Optional, Sequence

# Bump when the stored token data changes shape or meaning (the cache key includes it).
FEATURES_VERSION = "2"

# Abbreviations interviewers use in notes (lower case, without the final dot) → words.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "sbh": ("sagsbehandler",), "sagsbeh": ("sagsbehandler",), "sagsb": ("sagsbehandler",),
    "sb": ("sagsbehandler",), "sbh'er": ("sagsbehandler",), "sbh'erne": ("sagsbehandler",),
    "sbh'en": ("sagsbehandler",),
    "pga": ("på", "grund", "af"), "ift": ("i", "forhold", "til"), "mht": ("med", "hensyn", "til"),
    "jc": ("jobcenter",), "jobc": ("jobcenter",), "jobcentret": ("jobcenter",),
    "jobcenteret": ("jobcenter",), "jobcenterets": ("jobcenter",),
    "tlf": ("telefon",), "tlf'en": ("telefon",), "tlf.samtale": ("telefonsamtale",),
    "kth": ("kontanthjælp",), "kontanth": ("kontanthjælp",), "&": ("og",), "+": ("og",),
    "fx": ("for", "eksempel"), "f.eks": ("for", "eksempel"), "bl.a": ("blandt", "andet"),
    "blandt_andet": ("blandt", "andet"), "evt": ("eventuelt",), "ca": ("cirka",),
    "ik": ("ikke",), "ik'": ("ikke",), "ikk": ("ikke",),
}
_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "é": "e", "ü": "u", "ö": "oe", "ä": "ae"})
_PUNCT = re.compile(r"^[\W_]+$")
# Words that end a clause for negation scope ("hun er sød, men lytter ikke").
_NOT_NEEDED = ("ner", "senter", "parser", "entity_ruler")
CLAUSE_BREAKS = frozenset({"men", "og", "så", "selvom", "fordi", "da", "mens", "derudover", "desuden", "plus"})


def fold(s: str) -> str:
    """Lower case without Danish letters or accents: the form used to compare words."""
    return s.lower().translate(_FOLD)


def text_hash(text: str) -> str:
    return hashlib.sha1(unicodedata.normalize("NFC", text).encode("utf-8")).hexdigest()


@dataclass
class TextFeatures:
    """One text's tokens: ``norm`` (lower-case surface), ``lemma``, ``pos`` and whether a
    token is punctuation (``punct``), all of equal length."""

    norm: list[str]
    lemma: list[str]
    pos: list[str]
    punct: list[bool]

    def to_json(self) -> dict:
        return {"n": self.norm, "l": self.lemma, "p": self.pos, "x": [int(b) for b in self.punct]}

    @classmethod
    def from_json(cls, d: dict) -> "TextFeatures":
        return cls(list(d["n"]), list(d["l"]), list(d["p"]), [bool(b) for b in d["x"]])

    @property
    def lemma_text(self) -> str:
        """Lemmas of the words (no punctuation), folded, space-separated: the classifier's input."""
        return " ".join(fold(l) for l, p in zip(self.lemma, self.punct) if not p)

    @property
    def norm_text(self) -> str:
        return " ".join(fold(n) for n, p in zip(self.norm, self.punct) if not p)


def _from_doc(doc) -> TextFeatures:
    norm: list[str] = []
    lemma: list[str] = []
    pos: list[str] = []
    punct: list[bool] = []
    for tok in doc:
        if tok.is_space:
            continue
        low = tok.text.lower()
        key = low.rstrip(".") if len(low) > 1 else low
        exp = ABBREVIATIONS.get(key) or ABBREVIATIONS.get(tok.lemma_.lower().rstrip("."))
        if exp:
            for w in exp:
                norm.append(w); lemma.append(w); pos.append("X"); punct.append(False)
            if low.endswith("..") or (low.endswith(".") and key in ("sbh", "tlf", "sagsbeh")):
                norm.append("."); lemma.append("."); pos.append("PUNCT"); punct.append(True)
            continue
        is_p = bool(tok.is_punct or _PUNCT.match(tok.text))
        lem = (tok.lemma_ or tok.text).lower()
        norm.append(low); lemma.append(lem); pos.append(tok.pos_ or ""); punct.append(is_p)
    return TextFeatures(norm, lemma, pos, punct)


def pipeline_key(nlp) -> str:
    """Identifies the pipeline (and this module's version) in the cache."""
    m = nlp.meta
    return f"{m.get('lang', 'da')}_{m.get('name', '')}@{m.get('version', '')}/{m.get('workbench_source', '')}/f{FEATURES_VERSION}"


_mem_lock = threading.Lock()
_mem: dict[tuple[str, str], TextFeatures] = {}
_MEM_MAX = 200_000


def clear_memory_cache() -> None:
    with _mem_lock:
        _mem.clear()


def analyse(texts: Sequence[str], store=None, nlp=None, batch_size: int = 256,
            use_memory: bool = True) -> list[TextFeatures]:
    """Features of each text, in order. Only texts not cached (memory, then the store's
    NlpCache when ``store`` is given) are parsed, in batches; new results are written back
    to the store in one transaction."""
    if nlp is None:
        from workbench.nlp.pipeline import load_pipeline
        nlp = load_pipeline()
    pkey = pipeline_key(nlp)
    hashes = [text_hash(t) for t in texts]
    found: dict[str, TextFeatures] = {}
    if use_memory:
        with _mem_lock:
            for h in hashes:
                f = _mem.get((pkey, h))
                if f is not None:
                    found[h] = f
    missing = list(dict.fromkeys(h for h in hashes if h not in found))
    if missing and store is not None:
        found.update(_load_cached(store, pkey, missing))
        missing = [h for h in missing if h not in found]
    new: dict[str, TextFeatures] = {}
    if missing:
        want = set(missing)
        todo: dict[str, str] = {}
        for t, h in zip(texts, hashes):
            if h in want and h not in todo:
                todo[h] = t
        hs = list(todo)
        names = getattr(nlp, "pipe_names", ())
        off = [p for p in _NOT_NEEDED if p in names]  # entities and sentences are not used here
        kw = {"disable": off} if off else {}
        for h, doc in zip(hs, nlp.pipe([todo[h] for h in hs], batch_size=batch_size, **kw)):
            new[h] = _from_doc(doc)
        found.update(new)
        if store is not None:
            _save_cached(store, pkey, new)
    if use_memory and (new or found):
        with _mem_lock:
            if len(_mem) > _MEM_MAX:
                _mem.clear()
            for h, f in found.items():
                _mem[(pkey, h)] = f
    return [found[h] for h in hashes]


def _load_cached(store, pkey: str, hashes: list[str]) -> dict[str, TextFeatures]:
    from sqlmodel import select

    from workbench.coding.models import NlpCache

    out: dict[str, TextFeatures] = {}
    with store.session() as s:
        for i in range(0, len(hashes), 500):
            chunk = hashes[i:i + 500]
            for h, data in s.exec(select(NlpCache.text_hash, NlpCache.data).where(
                    NlpCache.pipeline == pkey, NlpCache.text_hash.in_(chunk))):
                try:
                    out[h] = TextFeatures.from_json(data)
                except (KeyError, TypeError):
                    pass  # an older or damaged entry: parse again
    return out


def _save_cached(store, pkey: str, new: dict[str, TextFeatures]) -> None:
    """Insert new cache rows; a row another client wrote meanwhile is left as it is."""
    if not new:
        return
    from sqlalchemy import select as sa_select

    from workbench.coding.models import NlpCache

    rows = [{"pipeline": pkey, "text_hash": h, "data": f.to_json()} for h, f in new.items()]
    if not _may_write_cache(store):  # a coder on a team server: the cache is the staff's to write
        return
    try:
        with store.transaction() as s:
            conn = s.connection()
            existing: set[str] = set()
            hs = list(new)
            for i in range(0, len(hs), 500):
                existing.update(conn.execute(sa_select(NlpCache.text_hash).where(
                    NlpCache.pipeline == pkey, NlpCache.text_hash.in_(hs[i:i + 500]))).scalars())
            rows = [r for r in rows if r["text_hash"] not in existing]
            if rows:
                conn.execute(NlpCache.__table__.insert(), rows)
    except Exception:  # noqa: BLE001 — a cache that cannot be written must not stop suggestions
        import logging
        logging.getLogger(__name__).warning("could not write the NLP cache", exc_info=True)


def _may_write_cache(store) -> bool:
    """Whether this login may write the shared NLP cache (on a team server only staff may: a
    coder's rows would feed everyone's suggestions). Asked once per store."""
    if getattr(store, "is_sqlite", True):
        return True
    known = getattr(store, "_nlpcache_writable", None)
    if known is None:
        from sqlalchemy import text

        try:
            with store.engine.connect() as conn:
                known = bool(conn.execute(text("SELECT has_table_privilege('nlpcache', 'INSERT')")).scalar())
        except Exception:  # noqa: BLE001 — then try, as before, and log if it fails
            known = True
        store._nlpcache_writable = known
    return known


def iter_words(f: TextFeatures) -> Iterable[tuple[int, str, str]]:
    """(index, folded norm, folded lemma) of the non-punctuation tokens."""
    for i, (n, l, p) in enumerate(zip(f.norm, f.lemma, f.punct)):
        if not p:
            yield i, fold(n), fold(l)


__all__ = ["TextFeatures", "analyse", "fold", "text_hash", "pipeline_key", "clear_memory_cache",
           "ABBREVIATIONS", "CLAUSE_BREAKS", "FEATURES_VERSION"]
