"""The Danish spaCy pipeline of the workbench: da_core_news_sm if installed, else our own.

``load_pipeline()`` returns a cached ``spacy.Language``:

- ``auto`` (default): spaCy's ``da_core_news_sm`` when that package is installed,
  otherwise the bundled ``da_workbench`` (``workbench/nlp/model/da_workbench``, trained on
  DaNE / UD Danish-DDT, CC BY-SA 4.0), otherwise a rules-only fallback;
- ``spacy``: like ``auto`` (``da_core_news_sm``, falling back to ours if missing);
- ``bundled``: ``da_workbench`` (falling back to rules if its folder is missing);
- ``fallback``: ``spacy.blank("da")`` + ``sentencizer`` + ``workbench_lemmatizer``.

The choice comes from the ``prefer`` argument, else the environment variable
``WORKBENCH_NLP``, else ``auto``. ``pipeline_info()`` describes the loaded pipeline.
"""
from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language

from . import lemmatizer as _lemmatizer  # noqa: F401  (registers "workbench_lemmatizer")
from . import lexicon as _lexicon  # noqa: F401  (registers the tok2vec's lexicon features)
from . import tag_average as _tag_average  # noqa: F401  (registers "workbench_tag_average")

log = logging.getLogger(__name__)

MODEL_DIR = Path(__file__).resolve().parent / "model" / "da_workbench"
SPACY_MODEL = "da_core_news_sm"
ENV_VAR = "WORKBENCH_NLP"

SOURCE_SPACY = "da_core_news_sm (spaCy)"
SOURCE_BUNDLED = "bundled da_workbench"
SOURCE_FALLBACK = "fallback: rules only"

_CHOICES = {
    None: "auto", "": "auto", "auto": "auto",
    "spacy": "spacy", "da_core_news_sm": "spacy", "sm": "spacy",
    "bundled": "bundled", "da_workbench": "bundled", "workbench": "bundled", "ours": "bundled",
    "fallback": "fallback", "rules": "fallback", "blank": "fallback",
}

_lock = threading.RLock()
_cache: dict[str, Language] = {}
_last: Language | None = None


def _resolve(prefer: str | None) -> str:
    if prefer is None:
        prefer = os.environ.get(ENV_VAR)
    key = prefer.strip().lower() if isinstance(prefer, str) else prefer
    if key not in _CHOICES:
        raise ValueError(f"unknown pipeline choice {prefer!r}; use auto, spacy, bundled or fallback")
    return _CHOICES[key]


def _mark(nlp: Language, source: str) -> Language:
    nlp.meta["workbench_source"] = source
    return nlp


def _load_spacy_model() -> Language | None:
    try:
        nlp = spacy.load(SPACY_MODEL)
    except (OSError, ImportError) as exc:
        log.debug("%s not available: %s", SPACY_MODEL, exc)
        return None
    return _mark(nlp, SOURCE_SPACY)


def _load_bundled() -> Language | None:
    if not (MODEL_DIR / "meta.json").exists():
        log.warning("bundled Danish model missing at %s; using the rules-only fallback", MODEL_DIR)
        return None
    try:
        nlp = spacy.load(MODEL_DIR)
    except Exception as exc:  # a damaged model folder must not stop the app
        log.warning("could not load the bundled Danish model (%s); using the fallback", exc)
        return None
    return _mark(nlp, SOURCE_BUNDLED)


def _load_fallback() -> Language:
    nlp = spacy.blank("da")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("workbench_lemmatizer")
    nlp.meta.update({"name": "fallback", "version": "0.0.0",
                     "license": "MIT (rules; simplemma data MIT)"})
    return _mark(nlp, SOURCE_FALLBACK)


def load_pipeline(prefer: str | None = None) -> Language:
    """The Danish pipeline (cached per choice; see the module docstring for ``prefer``)."""
    global _last
    choice = _resolve(prefer)
    with _lock:
        nlp = _cache.get(choice)
        if nlp is None:
            nlp = None
            if choice in ("auto", "spacy"):
                nlp = _load_spacy_model()
            if nlp is None and choice != "fallback":
                nlp = _load_bundled()
            if nlp is None:
                nlp = _load_fallback()
            _cache[choice] = nlp
        _last = nlp
        return nlp


def clear_cache() -> None:
    """Forget loaded pipelines (tests; after installing da_core_news_sm)."""
    global _last
    with _lock:
        _cache.clear()
        _last = None


def _scores(meta: dict[str, Any]) -> dict[str, Any]:
    if "workbench_scores" in meta:
        return dict(meta["workbench_scores"])
    perf = meta.get("performance") or {}
    pick = {"pos_acc": "upos_acc", "tag_acc": "tag_acc", "ents_p": "ner_p", "ents_r": "ner_r",
            "ents_f": "ner_f", "sents_f": "sents_f", "lemma_acc": "lemma_acc"}
    out = {}
    for src, dst in pick.items():
        v = perf.get(src)
        if isinstance(v, (int, float)):
            out[dst] = round(v * 100, 2) if v <= 1 else v
    return out


def pipeline_info(nlp: Language | None = None) -> dict[str, Any]:
    """name, version, source, license, components and scores of a pipeline.

    Without ``nlp``: the pipeline most recently returned by ``load_pipeline()`` (loading
    the default one if none was loaded yet).
    """
    if nlp is None:
        nlp = _last if _last is not None else load_pipeline()
    meta = nlp.meta
    name = meta.get("name", "")
    lang = meta.get("lang", "da")
    full_name = name if name.startswith(f"{lang}_") or meta.get("workbench_source") == SOURCE_FALLBACK \
        else f"{lang}_{name}"
    return {
        "name": full_name,
        "version": meta.get("version", ""),
        "source": meta.get("workbench_source", "unknown"),
        "license": meta.get("license", ""),
        "components": list(nlp.pipe_names),
        "scores": _scores(meta),
        "spacy_version": spacy.__version__,
    }


__all__ = ["load_pipeline", "pipeline_info", "clear_cache", "MODEL_DIR",
           "SOURCE_SPACY", "SOURCE_BUNDLED", "SOURCE_FALLBACK"]
