"""Danish lemmatizer component ``workbench_lemmatizer``: simplemma + POS rules + a lookup table.

Order of decisions for one token (the first that applies wins):

1. punctuation, symbols, numbers, ``X`` and tokens without letters keep their form;
2. a lookup table learned from the UD Danish-DDT *dev* split: (form, UPOS) → lemma, and
   form → lemma when the form has one lemma there whatever its POS (closed-class words
   and the treebank's conventions: ``kan`` → ``kunne``, ``det`` (DET) → ``den`` …);
3. proper nouns keep their form, minus a genitive ``'s`` / ``s`` when a lower-case noun,
   adjective or number follows (``Københavns borgmester`` → ``København``; not for
   ``Aarhus Kommune`` or a short list of names such as ``Hans``, ``Lars``, ``Aarhus``);
4. adverbs keep their (lower-cased) form (``godt``, ``langt``, ``senere``);
5. simplemma (Danish data), lower-cased; for verbs whose simplemma lemma does not look
   like an infinitive, ``-er`` / ``-es`` / ``-ede`` / ``-te`` endings are undone when the
   resulting infinitive is a known word (``leder`` → ``lede``, ``skabes`` → ``skabe``).

The table travels with the pipeline (``to_disk`` / ``from_disk`` of the component), so no
data are read from outside the package at run time. Lemmas are lower-case except for
proper nouns.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import srsly
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import ensure_path

from . import lexicon as _lexicon  # noqa: F401  (registers the tok2vec's lexicon features)
from . import tag_average as _tag_average  # noqa: F401  (registers the tagger ensemble)

try:  # simplemma is a declared dependency, but stay usable without it
    import simplemma as _simplemma
except Exception:  # pragma: no cover - exercised only without simplemma
    _simplemma = None

KEEP_POS = frozenset({"PUNCT", "SYM", "NUM", "X"})
ANY_POS = ""  # key of the POS-independent entry in the table

TABLE_FILE = "table.json"


@lru_cache(maxsize=200_000)
def simplemma_lemma(word: str) -> str:
    """simplemma's Danish lemma of ``word`` (the word itself if simplemma is missing)."""
    if _simplemma is None:
        return word
    try:
        return _simplemma.lemmatize(word, lang="da")
    except Exception:  # pragma: no cover - defensive
        return word


def read_conllu(path: str | Path) -> Iterable[list[tuple[str, str, str]]]:
    """Sentences of a CoNLL-U file as lists of (form, lemma, upos); skips multiword ranges."""
    sent: list[tuple[str, str, str]] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line:
                if sent:
                    yield sent
                    sent = []
                continue
            if line.startswith("#"):
                continue
            cols = line.split("\t")
            if "-" in cols[0] or "." in cols[0]:
                continue
            sent.append((cols[1], cols[2], cols[3]))
    if sent:
        yield sent


def learn_table(conllu_path: str | Path, min_count: int = 1) -> dict[str, dict[str, str]]:
    """Learn {form_lower: {upos: lemma, "": lemma}} from a CoNLL-U file.

    An entry is kept only where the treebank lemma differs from what the rules would give
    anyway (simplemma / unchanged form), so the table stays small. The ``""`` entry (POS
    unknown) is stored when one lemma covers all occurrences of the form.
    """
    by_pos: dict[tuple[str, str], Counter] = defaultdict(Counter)
    by_form: dict[str, Counter] = defaultdict(Counter)
    for sent in read_conllu(conllu_path):
        for form, lemma, upos in sent:
            low, lem = form.lower(), lemma.lower()
            by_pos[(low, upos)][lem] += 1
            by_form[low][lem] += 1
    table: dict[str, dict[str, str]] = defaultdict(dict)
    cased: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for sent in read_conllu(conllu_path):
        for form, lemma, upos in sent:
            cased[(form.lower(), lemma.lower())][lemma] += 1
    for (low, upos), counts in by_pos.items():
        lem, n = counts.most_common(1)[0]
        if n < min_count:
            continue
        if upos == "PROPN":
            # proper nouns whose lemma differs from the form (genitives); keep the case
            if low != lem:
                table[low][upos] = cased[(low, lem)].most_common(1)[0][0]
            continue
        if rule_lemma(low, upos).lower() != lem:
            table[low][upos] = lem
    for low, counts in by_form.items():
        lem, n = counts.most_common(1)[0]
        if n == sum(counts.values()) and n >= min_count and rule_lemma(low, ANY_POS).lower() != lem:
            table[low][ANY_POS] = lem
    return {k: dict(v) for k, v in sorted(table.items())}


def _has_letter(text: str) -> bool:
    return any(c.isalpha() for c in text)


@lru_cache(maxsize=50_000)
def _is_known(word: str) -> bool:
    if _simplemma is None:
        return False
    try:
        return bool(_simplemma.is_known(word, lang="da"))
    except Exception:  # pragma: no cover - defensive
        return False


def _verb_lemma(text: str, lemma: str) -> str:
    """Undo present/passive/past endings that simplemma left on a verb."""
    low = text.lower()
    if lemma.endswith("e") or len(low) < 4:
        return lemma
    candidates = []
    if low.endswith(("er", "es")):
        candidates.append(low[:-1])
    if low.endswith("ede"):
        candidates.append(low[:-2])
    if low.endswith(("te", "et")):
        candidates.append(low[:-2] + "e")
    for cand in candidates:
        if _is_known(cand):
            return cand
    return lemma


_GENITIVE_HEADS = frozenset({"NOUN", "ADJ", "NUM"})
# names and places whose nominative ends in -s (their genitive is "Lars'", "Aarhus'")
_NOMINATIVE_S = frozenset("""
    aarhus anders andreas agnes claus doris elias gus hans iris jacobs jens jonas klaus lars
    las lucas lukas mads marcus markus matthias mathias niels nicolas paris rasmus regitzes
    tobias thomas texas tunis vegas venus zeus
""".split())


def _propn_lemma(text: str, next_pos: str = "", next_text: str = "") -> str:
    """A proper noun's form minus a genitive ending when a common noun phrase follows."""
    if text.endswith(("'s", "’s")) and len(text) > 2:
        return text[:-2]
    if (next_pos in _GENITIVE_HEADS and len(text) > 3 and text.endswith("s")
            and not text.endswith("ss") and text[-2].isalpha()
            and text.lower() not in _NOMINATIVE_S
            and (not next_text or not next_text[:1].isupper())):
        return text[:-1]
    return text


def rule_lemma(text: str, pos: str, next_pos: str = "", next_text: str = "") -> str:
    """Lemma without the lookup table (steps 1 and 3–5 of the module docstring)."""
    if pos in KEEP_POS or not _has_letter(text):
        return text
    if pos == "PROPN":
        return _propn_lemma(text, next_pos, next_text)
    if pos == "ADV":
        return text.lower()
    lemma = simplemma_lemma(text).lower()
    if pos == "VERB":
        lemma = _verb_lemma(text, lemma)
    return lemma


class WorkbenchLemmatizer:
    """spaCy component setting ``token.lemma_`` (see the module docstring)."""

    def __init__(self, nlp: Language, name: str = "workbench_lemmatizer", overwrite: bool = True):
        self.name = name
        self.overwrite = overwrite
        self.table: dict[str, dict[str, str]] = {}

    # -- the lemma of one token ----------------------------------------------------------
    def lemmatize(self, text: str, pos: str = "", next_pos: str = "", next_text: str = "") -> str:
        """The lemma of ``text`` tagged ``pos`` (UPOS or ""); the next token has ``next_pos``/``next_text``."""
        if pos in KEEP_POS or not _has_letter(text):
            return text
        entry = self.table.get(text.lower())
        if entry:
            if pos in entry:
                return entry[pos]
            if ANY_POS in entry and pos != "PROPN":
                return entry[ANY_POS]
        return rule_lemma(text, pos, next_pos, next_text)

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        for i, token in enumerate(doc):
            if not self.overwrite and token.lemma != 0:
                continue
            nxt = doc[i + 1] if i + 1 < n else None
            token.lemma_ = self.lemmatize(token.text, token.pos_,
                                          nxt.pos_ if nxt is not None else "",
                                          nxt.text if nxt is not None else "")
        return doc

    def pipe(self, stream, batch_size: int = 128):
        for doc in stream:
            yield self(doc)

    def initialize(self, get_examples=None, *, nlp=None, table=None):
        if table is not None:
            self.set_table(table)

    def set_table(self, table: dict[str, dict[str, str]]) -> None:
        self.table = {str(k): {str(p): str(l) for p, l in v.items()} for k, v in table.items()}

    # -- serialization (the table lives inside the pipeline folder) ------------------------
    def to_bytes(self, *, exclude=tuple()) -> bytes:
        return srsly.msgpack_dumps({"table": self.table, "overwrite": self.overwrite})

    def from_bytes(self, data: bytes, *, exclude=tuple()):
        msg = srsly.msgpack_loads(data)
        self.set_table(msg.get("table", {}))
        self.overwrite = bool(msg.get("overwrite", True))
        return self

    def to_disk(self, path, *, exclude=tuple()) -> None:
        path = ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / TABLE_FILE, self.table, indent=0)

    def from_disk(self, path, *, exclude=tuple()):
        path = ensure_path(path)
        table_path = path / TABLE_FILE
        if table_path.exists():
            self.set_table(srsly.read_json(table_path))
        return self


@Language.factory(
    "workbench_lemmatizer",
    default_config={"overwrite": True},
    assigns=["token.lemma"],
    requires=["token.pos"],
)
def make_workbench_lemmatizer(nlp: Language, name: str, overwrite: bool) -> WorkbenchLemmatizer:
    return WorkbenchLemmatizer(nlp, name, overwrite=overwrite)
