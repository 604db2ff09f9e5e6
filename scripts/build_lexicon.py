#!/usr/bin/env python
"""Extract the small lexicon that ``da_workbench``'s tok2vec reads as extra token features.

Writes ``workbench/nlp/lexicon_data/da_lexicon.tsv`` (committed, so ``make model`` does not
need the source packages): one lower-cased word a line, tab-separated

    word    da_zipf    en_zipf    flags

- ``da_zipf`` / ``en_zipf``: the word's Zipf frequency in Danish / English, rounded to
  half units and stored as an integer 2 × zipf (0: not in the list). Source: ``wordfreq``
  3.x (data CC BY-SA 4.0, code Apache 2.0), its "small" Danish and English lists.
- ``flags``: letters for gazetteer membership of the word as a token of a name:
  ``F`` first name, ``L`` last name (Faker's person providers, MIT, for Danish and the
  locales below), ``P`` place (Danish towns from Faker's da_DK address provider; Danish
  names of countries and territories and the exemplar cities of time zones from CLDR via
  Babel, Unicode License), ``S`` Danish name of a language from CLDR (``dansk``,
  ``engelsk`` …).

Usage (needs ``pip install wordfreq faker babel``):
    python scripts/build_lexicon.py
"""
from __future__ import annotations

import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "workbench" / "nlp" / "lexicon_data" / "da_lexicon.tsv"

# Faker locales whose person names are in Latin script: Danish first, then the languages and
# countries a Danish news text names most often.
NAME_LOCALES = ["da_DK", "nb_NO", "no_NO", "sv_SE", "fi_FI", "de_DE", "nl_NL", "en_US", "en_GB",
                "fr_FR", "es_ES", "it_IT", "pl_PL", "pt_PT", "cs_CZ", "hu_HU", "tr_TR", "et_EE",
                "lv_LV", "lt_LT", "sk_SK", "sl_SI", "hr_HR", "ro_RO", "is_IS", "en_IE", "de_AT"]
_WORD = re.compile(r"[^\W\d_][\w'’.-]*", re.UNICODE)
_LETTER_START = re.compile(r"^[^\W\d_]", re.UNICODE)


def name_tokens(name: str) -> list[str]:
    """The capitalised tokens of a name (``Saudi-Arabien`` → itself; ``Ans by`` → ``Ans``)."""
    return [t for t in _WORD.findall(name) if len(t) >= 2 and t[0].isupper()]


def _faker_attr(locale: str, module: str, attrs: list[str]) -> list[str]:
    try:
        mod = importlib.import_module(f"faker.providers.{module}.{locale}")
    except ImportError:
        return []
    out: list[str] = []
    for attr in attrs:
        val = getattr(mod.Provider, attr, None)
        if isinstance(val, dict):
            val = list(val)
        if isinstance(val, (list, tuple)):
            out.extend(v for v in val if isinstance(v, str))
    return out


def gazetteers() -> dict[str, set[str]]:
    from babel import Locale

    first, last, place, lang = set(), set(), set(), set()
    for loc in NAME_LOCALES:
        for n in _faker_attr(loc, "person", ["first_names", "first_names_male",
                                             "first_names_female"]):
            first.update(t.lower() for t in name_tokens(n))
        for n in _faker_attr(loc, "person", ["last_names", "last_names_male",
                                             "last_names_female"]):
            last.update(t.lower() for t in name_tokens(n))
    for n in _faker_attr("da_DK", "address", ["cities", "countries"]):
        place.update(t.lower() for t in name_tokens(n))
    da = Locale("da")
    for n in da.territories.values():
        place.update(t.lower() for t in name_tokens(n))
    for zone in da.time_zones.values():
        city = zone.get("city")
        if isinstance(city, str):
            place.update(t.lower() for t in name_tokens(city))
    for n in da.languages.values():
        if _LETTER_START.match(n) and " " not in n:
            lang.add(n.lower())
    return {"F": first, "L": last, "P": place, "S": lang}


def main() -> int:
    from wordfreq import get_frequency_dict, zipf_frequency  # noqa: F401

    def buckets(lang: str) -> dict[str, int]:
        out = {}
        for word, freq in get_frequency_dict(lang, wordlist="small").items():
            if not _LETTER_START.match(word):
                continue
            z = zipf_frequency(word, lang, wordlist="small")
            if z > 0:
                out[word.lower()] = max(1, min(31, int(round(z * 2))))
        return out

    da, en = buckets("da"), buckets("en")
    gaz = gazetteers()
    words = set(da) | {w for s in gaz.values() for w in s}
    # English words only where they are frequent (titles, foreign names, loan words)
    words |= {w for w, b in en.items() if b >= 8}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as fh:
        for w in sorted(words):
            flags = "".join(k for k in "FLPS" if w in gaz[k])
            fh.write(f"{w}\t{da.get(w, 0)}\t{en.get(w, 0)}\t{flags}\n")
    print(f"{OUT}: {len(words)} words; " + ", ".join(f"{k} {len(v)}" for k, v in gaz.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
