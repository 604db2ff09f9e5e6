"""Find personal data (GDPR) in short Danish survey answers, and pseudonymise it.

Types: ``CPR`` (Danish civil registration number), ``PHONE`` (Danish 8-digit numbers),
``EMAIL``, ``ADDRESS`` (street + house number, optional floor/side and postcode + city)
and ``PERSON`` (names: the spaCy pipeline's PER entities when a pipeline is given, plus
rules built on bundled lists of common first names and surnames, see ``pii_data/``).

Offsets are code points (Python ``str`` indices), end exclusive. :func:`detect` returns
non-overlapping entities sorted by start; where rules overlap, the more specific type wins
(CPR > EMAIL > PHONE > ADDRESS > PERSON), then the longer span.

The rules are tuned for precision on hard negatives that occur in interviewers' notes:
amounts ("12.000 kr"), dates, years, case numbers, roles ("sagsbehandleren"), institutions
("Jobcenter København") and sentence-initial words that are also names ("Hans kone ...",
"Per måned ..."). Known limits: names not capitalised, names outside the bundled lists
without a cue word ("hedder", "fru", "sagsbehandleren ..."), streets without a house number.

:func:`synthetic_dataset` builds the seeded synthetic evaluation set used by
``scripts/pii_eval.py`` and the tests; :func:`evaluate` scores a detector on it.
"""
from __future__ import annotations

import bisect
import calendar
import csv
import io
import json
import os
import random
import re
import tempfile
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, Sequence

from workbench.errors import InputError, Problem

__all__ = [
    "Entity", "PLACEHOLDERS", "TYPES", "detect", "detect_many", "pseudonymise", "pii_csv",
    "load_default_nlp", "Sample", "synthetic_dataset", "evaluate",
]

TYPES = ("CPR", "PHONE", "EMAIL", "ADDRESS", "PERSON")
PLACEHOLDERS = {
    "PERSON": "[NAVN]",
    "CPR": "[CPR]",
    "PHONE": "[TELEFON]",
    "EMAIL": "[EMAIL]",
    "ADDRESS": "[ADRESSE]",
}
# Lower number wins an overlap.
_PRIORITY = {"CPR": 0, "EMAIL": 1, "PHONE": 2, "ADDRESS": 3, "PERSON": 4}

DATA_DIR = Path(__file__).with_name("pii_data")


@dataclass(frozen=True)
class Entity:
    """One piece of personal data: ``text[start:end]`` (code points, end exclusive)."""

    start: int
    end: int
    type: str
    text: str
    source: str = "rule"  # "rule" or "ner"

    def to_json(self) -> dict:
        """The contract's form: start, end and type only (no personal data in the output)."""
        return {"start": self.start, "end": self.end, "type": self.type}


# --------------------------------------------------------------------------- word lists
def _read_list(name: str) -> list[str]:
    path = DATA_DIR / name
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out.append(line)
    return out


@lru_cache(maxsize=1)
def _name_lists() -> tuple[frozenset, frozenset, frozenset]:
    """(first names, ambiguous first names, surnames), all lower-cased."""
    first, ambiguous = set(), set()
    for raw in _read_list("first_names.txt"):
        if raw.endswith("*"):
            raw = raw[:-1]
            ambiguous.add(_fold(raw))
        first.add(_fold(raw))
    surnames = {_fold(s) for s in _read_list("surnames.txt")}
    return frozenset(first), frozenset(ambiguous), frozenset(surnames)


# Capitalised words that follow cue words but are not names.
_NOT_NAMES = frozenset(w.lower() for w in """
    Jobcenter Jobcentret Jobcentre Kommune Kommunen Københavns København Frederiksberg Aarhus Odense
    Aalborg Danmark Region Regionen Hospital Hospitalet Rigshospitalet Hvidovre Bispebjerg Herlev
    Borgerservice Udbetaling Ydelsesservice Ydelseskontoret Socialforvaltningen Beskæftigelsesforvaltningen
    Fagforening Fagforeningen A-kasse A-kassen Sundhedshuset Lægehuset Sygehus Sygehuset Psykiatrien
    Mandag Tirsdag Onsdag Torsdag Fredag Lørdag Søndag Januar Februar Marts April Juni Juli
    September Oktober November December Jul Påske Corona Covid Ukraine Syrien Tyrkiet Somalia
    Irak Iran Polen Pakistan Libanon Afghanistan Jeg Du Han Hun Vi De Den Det Der Og Men Som Hvis
    Når Så For Til Fra Med Ved Om Efter Før Ikke Også Alle Hele Nogle Mit Min Mine Hendes Deres
    Borgeren Borger Sagsbehandler Sagsbehandleren Kontaktperson Kontaktpersonen Mentor Mentoren
    Læge Lægen Ja Nej Tak Ok Okay Dansk Danske Engelsk Arabisk Tyrkisk Somalisk Polsk Herre Dame
    Kontanthjælp Dagpenge Sygedagpenge Ressourceforløb Fleksjob Førtidspension Integrationsydelse
    Mail E-mail Email Mobil Mobilnr Tlf Telefon Telefonnr Adresse Hjemmeside Kontakt
""".split())
_INSTITUTION_SUFFIX = re.compile(
    r"(?:center|centret|centeret|kommune|hospital|hospitalet|service|klinik|klinikken|huset|"
    r"skolen|forvaltning|forvaltningen|kontor|kontoret|afdeling|afdelingen|sygehus|sygehuset)$",
    re.IGNORECASE)

# Cue words before a name (lower-cased previous word).
_STRONG_CUES = frozenset("hedder hed kaldet kaldes navn navnet hr fru frk".split())
_ROLE_CUES = frozenset("""
    sagsbehandler sagsbehandleren socialrådgiver socialrådgiveren rådgiver rådgiveren
    kontaktperson kontaktpersonen mentor mentoren læge lægen psykolog psykologen konsulent
    konsulenten jobkonsulent jobkonsulenten virksomhedskonsulent virksomhedskonsulenten terapeut
    terapeuten fysioterapeut fysioterapeuten sygeplejerske sygeplejersken hjemmehjælper
    hjemmehjælperen pædagog pædagogen lærer læreren chef chefen leder lederen mand manden kone
    konen hustru hustruen datter datteren søn sønnen bror broren søster søsteren mor moren far
    faren ven vennen veninde veninden kæreste kæresten nabo naboen kollega kollegaen advokat
    advokaten bisidder bisidderen praktikvejleder praktikvejlederen tolk tolken sekretær
    sekretæren værge værgen
""".split())
# Verbs that make a sentence-initial ambiguous name ("Per ringede ...") a name.
_VERB_CUES = frozenset("""
    ringede ringer sagde siger skrev skriver har havde er var mener mente kom kommer hjalp
    hjælper fra sendte sender lovede lover spurgte spørger fortalte fortæller
""".split())
# Abbreviations whose dot does not end a sentence.
_ABBREVIATIONS = frozenset("hr fru frk dr d ca bl.a nr kl tlf mv pga evt jf st mht vedr ang f.eks fx".split())
_SURNAME_SUFFIX = re.compile(
    r"(?:sen|søn|gaard|gård|holm|berg|bjerg|bæk|dal|lund|skov|feldt|strøm|mann|ski|ska|ić|ovic|"
    r"ova|ian|yan|oğlu|oglu)$", re.IGNORECASE)

# A word: letters, optionally hyphen-joined ("Møller-Jensen").
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


# --------------------------------------------------------------------------- CPR
_CPR = re.compile(
    r"(?<![\w])(?<!\d[-./])(\d{2})(\d{2})(\d{2})( ?- ?| ?)(\d{4})(?!\w)(?![-./]\d)")
_CPR_NEGATIVE_CUES = re.compile(
    r"(?:sags?\.?\s*nr|sagsnummer|j\.?\s*nr|journalnr|journalnummer|kontonr|kontonummer|reg\.?\s*nr|"
    r"ordrenr|ordrenummer|faktura(?:nr|nummer)?|cvr|ean|p-nr)\.?\s*:?\s*$", re.IGNORECASE)


def _cpr_century(yy: int, seventh: int) -> int:
    """The century of a CPR birth year from the 7th digit (CPR-kontoret's table)."""
    if seventh <= 3:
        return 1900
    if seventh in (4, 9):
        return 2000 if yy <= 36 else 1900
    return 2000 if yy <= 57 else 1800


def _valid_cpr_date(dd: int, mm: int, yy: int, seventh: int) -> bool:
    if not 1 <= mm <= 12 or dd < 1:
        return False
    year = _cpr_century(yy, seventh) + yy
    return dd <= calendar.monthrange(year, mm)[1]


def _find_cpr(text: str) -> Iterator[Entity]:
    for m in _CPR.finditer(text):
        dd, mm, yy, sep, tail = m.groups()
        if not _valid_cpr_date(int(dd), int(mm), int(yy), int(tail[0])):
            continue
        # An undashed ten-digit number after "sagsnr." / "kontonr." is that number, not a CPR.
        if "-" not in sep and _CPR_NEGATIVE_CUES.search(text[max(0, m.start() - 20):m.start()]):
            continue
        yield Entity(m.start(), m.end(), "CPR", m.group(), "rule")


# --------------------------------------------------------------------------- phone
_PHONE = re.compile(
    r"(?<![\w+])(?<!\d[.,/-])"
    r"(?P<prefix>(?:\(\s*(?:\+|00)45\s*\)|(?:\+|00)45)[ \-]?)?"
    r"(?P<number>[1-9]\d{7}"
    r"|[1-9]\d(?P<sep>[ .\-])\d{2}(?P=sep)\d{2}(?P=sep)\d{2}"
    r"|[1-9]\d{3}[ \-]\d{4})"
    r"(?!\w)(?![.,/-]\d)(?! \d{2}(?!\d))")
_PHONE_CUES = re.compile(
    r"(?:tlf|telefon|telefonnummer|telefonnr|mobil|mobilnummer|mobilnr|nummer|nr|ring|ringes|sms|fax|"
    r"kontakt|kontaktes|tlf\.?\s*nr|tlf-nr)\.?\s*:?\s*(?:på|til|er)?\s*$", re.IGNORECASE)
_MONEY_BEFORE = re.compile(r"(?:kr|kroner|dkk|beløb|løn|sum)\.?\s*:?\s*$", re.IGNORECASE)
_MONEY_AFTER = re.compile(r"^\s*(?:kr\b|kroner|dkk|,-|euro|€|%)", re.IGNORECASE)
_PHONE_NEGATIVE_CUES = re.compile(
    r"(?:sags?\.?\s*nr|sagsnummer|j\.?\s*nr|journalnr|journalnummer|kontonr|kontonummer|reg\.?\s*nr|"
    r"ordrenr|ordrenummer|faktura(?:nr|nummer)?|cvr|cvr-nr|ean|p-nr|id)\.?\s*:?\s*$", re.IGNORECASE)


def _is_year(s: str) -> bool:
    return len(s) == 4 and s.isdigit() and 1900 <= int(s) <= 2099


def _is_ddmmyyyy(digits: str) -> bool:
    dd, mm, yyyy = int(digits[:2]), int(digits[2:4]), int(digits[4:])
    return 1900 <= yyyy <= 2099 and 1 <= mm <= 12 and 1 <= dd <= calendar.monthrange(yyyy, mm)[1]


def _find_phone(text: str) -> Iterator[Entity]:
    for m in _PHONE.finditer(text):
        number = m.group("number")
        digits = re.sub(r"\D", "", number)
        if not m.group("prefix"):
            before = text[max(0, m.start() - 20):m.start()]
            if digits[0] == "1" and not _PHONE_CUES.search(before):
                continue  # subscriber numbers start with 2-9; "1..." only after "tlf." etc.
            if _MONEY_BEFORE.search(before) or _PHONE_NEGATIVE_CUES.search(before):
                continue
            if _MONEY_AFTER.match(text[m.end():m.end() + 8]):
                continue
            if re.fullmatch(r"\d{4}[ \-]\d{4}", number) and _is_year(digits[:4]) and _is_year(digits[4:]):
                continue  # "2019 2020", "2015-2019"
            if len(number) == 8 and _is_ddmmyyyy(digits):
                continue  # "25122023"
            if m.group("sep") == ".":
                continue  # "12.34.56.78" without +45 is too close to dates/versions
        yield Entity(m.start(), m.end(), "PHONE", m.group(), "rule")


# --------------------------------------------------------------------------- e-mail
_EMAIL = re.compile(
    r"(?<![\w.%+\-])"
    r"[A-Za-z0-9æøåÆØÅ_%+\-]+(?:\.[A-Za-z0-9æøåÆØÅ_%+\-]+)*"
    r"@(?:[A-Za-z0-9æøåÆØÅ](?:[A-Za-z0-9æøåÆØÅ\-]{0,61}[A-Za-z0-9æøåÆØÅ])?\.)+[A-Za-z]{2,24}"
    r"(?![\w\-@])")


def _find_email(text: str) -> Iterator[Entity]:
    for m in _EMAIL.finditer(text):
        yield Entity(m.start(), m.end(), "EMAIL", m.group(), "rule")


# --------------------------------------------------------------------------- address
_STREET_SUFFIXES = (
    "vej", "vejen", "gade", "gaden", "allé", "alle", "vænge", "vænget", "stræde", "strædet",
    "plads", "pladsen", "boulevard", "boulevarden", "torv", "torvet", "parken", "haven",
    "vangen", "bakken", "toften", "engen", "stien", "sti", "lunden", "højen", "kajen", "kaj",
    "hegnet", "marken", "løkken", "krogen", "ringen", "dalen", "passagen", "promenaden",
    "kvarteret", "have", "park", "lund", "høj", "vang", "agre", "ager", "tofte",
)
_STREET_WORDS = ("Vej", "Gade", "Allé", "Alle", "Boulevard", "Plads", "Torv", "Stræde", "Vænge",
                 "Park", "Have", "Kaj", "Passage")
_UC = "A-ZÆØÅÄÖÜÉ"
_LC = "a-zæøåäöüéèáíóúç"
_SUFFIX_ALT = "|".join(sorted(_STREET_SUFFIXES, key=len, reverse=True))
_STREET_CORE = (
    rf"(?:[{_UC}][{_LC}]*(?:-[{_UC}]?[{_LC}]+)*(?:{_SUFFIX_ALT})"
    rf"|(?:{'|'.join(_STREET_WORDS)}))")
_STREET_PREFIX = rf"(?:(?:[{_UC}]\.)+\s?|[{_UC}][{_LC}]+s?\s|[{_UC}][{_LC}]*\.\s|(?:\d{{1,2}}\.\s|Sankt\s|Skt\.\s))"
_ADDRESS_TAIL = (
    r"\s+(?P<number>[1-9]\d{0,2}(?:[A-Za-z](?![\w])|\s?[A-Z](?![\w]))?)(?![\w])(?![.,]\d)"
    r"(?P<floor>,?\s*(?:"
    r"(?:st|kld|kl)\.?(?:\s*,?\s*(?:th|tv|mf)\.?)?(?![\w])"
    r"|stuen(?:\s*,?\s*(?:th|tv|mf)\.?)?(?![\w])"
    r"|\d{1,2}\.\s*(?:,?\s*(?:th|tv|mf)\b\.?|sal\b\.?)"
    r"|\d{1,2}\.?\s*(?:th|tv|mf)\b\.?"
    r"|\d{1,2}\.(?=\s*,?\s*[1-9]\d{3}\s)"
    r"))?"
    rf"(?P<postcode>,?\s*[1-9]\d{{3}}\s+(?:Kongens\s+Lyngby|[{_UC}][{_LC}]+(?:[\s-](?:Strand|By|Sø|Havn|Mølle|Bad|Lyngby))?)"
    r"(?:\s(?:NV|SV|NØ|SØ|K|V|S|N|Ø|C)(?![\w]))?)?"
)
# A street whose name ends like a street ("-vej", "-gade", " Allé", ...) and a house number.
_ADDRESS = re.compile(rf"(?<![\w.])(?P<street>(?:{_STREET_PREFIX}){{0,3}}{_STREET_CORE}){_ADDRESS_TAIL}")
# Any capitalised name and a house number ("Hørgården 28B"): an address only with a floor,
# a postcode or a cue before it ("bor på", "Adresse:").
_ADDRESS_GENERIC = re.compile(
    rf"(?<![\w.])(?P<street>(?:{_STREET_PREFIX}){{0,2}}[{_UC}][{_LC}]+(?:-[{_UC}]?[{_LC}]+)*){_ADDRESS_TAIL}")
_ADDRESS_CUE = re.compile(
    r"(?:\bbor\s+på|\bbosat\s+på|\bbor\s+nu\s+på|\bflytte[rt]?\s+til|\bflyttede\s+til|\badresse(?:n)?(?:\s+er)?|"
    r"\badr\.?|\bpostadresse)\s*:?\s*$|\badresse\b[^\n!?]{0,30}:\s*$", re.IGNORECASE)
# A number followed by these is a quantity, not a house number ("bor på Amager 3 år").
_NOT_HOUSE_NUMBER = re.compile(
    r"\s*(?:år|måned|uge|dag|gang|time|minut|kr\b|kroner|børn|procent|%|stk|styk|point|x\b|personer|mennesker)",
    re.IGNORECASE)
# Leading capitalised words that are sentence words, not part of a street name.
_ADDRESS_TRIM = frozenset(
    "på i hun han hen de det den vi jeg bor borgeren adresse adressen fra til og mod "
    "flyttet flytter nu er var kontakt ring send mail tlf hos".split())
_NOT_STREETS = frozenset({"danmark", "bornholm", "jylland", "sjælland", "fyn"})


def _address_matches(text: str, pattern: re.Pattern, generic: bool) -> Iterator[Entity]:
    for m in pattern.finditer(text):
        start, end = m.start(), m.end()
        # Drop sentence words swept in as "prefix" words ("På Nørrebrogade 12").
        while True:
            w = re.match(r"(\S+)\s+", text[start:m.start("number")])
            if not w or w.group(1).lower().rstrip(".:") not in _ADDRESS_TRIM:
                break
            start += w.end()
        street = text[start:m.end("street")].strip()
        if not street or street.lower() in _NOT_STREETS:
            continue
        if m.group("floor") is None and m.group("postcode") is None \
                and _NOT_HOUSE_NUMBER.match(text[m.end("number"):]):
            continue
        if generic:
            words = street.split()
            if words[-1].lower() in _NOT_NAMES or _INSTITUTION_SUFFIX.search(words[-1]):
                continue
            if not (m.group("floor") or m.group("postcode") or
                    _ADDRESS_CUE.search(text[max(0, start - 50):start])):
                continue
        while end > start and text[end - 1] in " ,":
            end -= 1
        yield Entity(start, end, "ADDRESS", text[start:end], "rule")


def _find_address(text: str) -> Iterator[Entity]:
    yield from _address_matches(text, _ADDRESS, generic=False)
    yield from _address_matches(text, _ADDRESS_GENERIC, generic=True)


# --------------------------------------------------------------------------- names
def _is_capitalised(word: str) -> bool:
    parts = word.split("-")
    return all(p[:1].isupper() and (len(p) == 1 or not p[1:].isupper()) for p in parts if p)


def _sentence_initial(text: str, start: int) -> bool:
    """True when the word at ``start`` opens a sentence (or follows a label like 'Borger:')."""
    before = text[max(0, start - 80):start].rstrip(" \t")
    if not before:
        return True
    last = before[-1]
    if last == ".":
        w = re.search(r"([^\W\d_]+(?:\.[^\W\d_]+)*)\.$", before)
        if w and (w.group(1).lower() in _ABBREVIATIONS or len(w.group(1)) == 1):
            return False
        if re.search(r"\d\.$", before):
            return False  # "d. 3. Maj" — an ordinal, not a sentence end
        return True
    if last in "!?:;\n\r\"'(“”«»•*–-":
        return True
    if last.isalnum() or last in ",)":
        return False
    return True  # emoji, other symbols: be conservative


def _previous_word(text: str, start: int) -> str:
    """The word right before ``start`` (across spaces and a '.' or ':'), lower-cased."""
    m = re.search(r"([^\W\d_]+)[.:]?\s+$", text[max(0, start - 40):start])
    return m.group(1).lower() if m else ""


def _previous_two(text: str, start: int) -> str:
    m = re.search(r"([^\W\d_]+)\s+([^\W\d_]+)[.:]?\s+$", text[max(0, start - 60):start])
    return f"{m.group(1).lower()} {m.group(2).lower()}" if m else ""


def _fold(word: str) -> str:
    return word.lower().replace("ı", "i")


def _base_name(word: str, first: frozenset, ambiguous: frozenset) -> Optional[str]:
    """The listed first name ``word`` is, or its genitive ("Lenes" -> "lene"); else None."""
    low = _fold(word)
    if low in first:
        return low
    if low.endswith("s") and low[:-1] in first and low[:-1] not in ambiguous:
        return low[:-1]
    return None


def _find_person_rules(text: str) -> Iterator[Entity]:
    first, ambiguous, surnames = _name_lists()
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    n = len(words)

    def adjacent(i: int) -> bool:
        """Word i+1 follows word i after exactly one space (same sentence, same name)."""
        return i + 1 < n and text[words[i][1]:words[i + 1][0]] == " "

    def name_part(word: str) -> bool:
        low = _fold(word)
        parts = low.split("-")
        return _is_capitalised(word) and low not in _NOT_NAMES and (
            all(p in surnames or p in first or _SURNAME_SUFFIX.search(p) for p in parts))

    i = 0
    while i < n:
        s, e, word = words[i]
        if not _is_capitalised(word) or word.lower() in _NOT_NAMES:
            i += 1
            continue
        initial = _sentence_initial(text, s)
        prev = _previous_word(text, s)
        prev2 = _previous_two(text, s)
        strong = prev in _STRONG_CUES or prev2 in ("ved navn", "navn er", "som hedder", "der hedder")
        role = prev in _ROLE_CUES and not initial
        base = _base_name(word, first, ambiguous)
        followed = adjacent(i) and name_part(words[i + 1][2])
        accept = False
        free_extend = False
        if base is not None and base not in ambiguous:
            accept = True
        elif base is not None:  # ambiguous: "Bo", "Per", "Hans", "Maj", ...
            nxt = words[i + 1][2].lower() if adjacent(i) else ""
            if base in ("maj", "august") and (re.search(r"\d\.?\s*$", text[max(0, s - 10):s])
                                              or re.match(r"\s*\d", text[e:e + 5]) or prev in _MONTH_CUES):
                accept = False  # "3. Maj", "August 2023": months
            elif followed or strong or role or not initial:
                accept = True
            elif nxt in _VERB_CUES:
                accept = True
            elif nxt == "og" and i + 2 < n and _base_name(words[i + 2][2], first, ambiguous) \
                    and _is_capitalised(words[i + 2][2]):
                accept = True  # "Per og Lene ..."
        elif strong and not _INSTITUTION_SUFFIX.search(word):
            accept, free_extend = True, True
        elif role and not _INSTITUTION_SUFFIX.search(word):
            accept = True
        elif word.lower() in surnames and (strong or role):
            accept = True
        if not accept:
            i += 1
            continue
        j = i
        while adjacent(j) and j - i < 3:
            w2 = words[j + 1][2]
            plain = (_is_capitalised(w2) and w2.lower() not in _NOT_NAMES
                     and not _INSTITUTION_SUFFIX.search(w2))
            if name_part(w2) or (free_extend and plain):
                j += 1
            elif plain and adjacent(j + 1) and name_part(words[j + 2][2]):
                j += 2  # an unlisted middle name: "Anders Fogh Rasmussen"
            else:
                break
        end = words[j][1]
        if prev in _PLACE_PREFIXES or _PLACE_AFTER_NAME.match(text[end:]):
            i = j + 1  # "Dronning Louises Bro", "Peter Bangs Vej", "Sankt Hans": places, days
            continue
        yield Entity(s, end, "PERSON", text[s:end], "rule")
        i = j + 1


_MONTH_CUES = frozenset("i siden indtil primo medio ultimo sidste næste hele".split())
_PLACE_PREFIXES = frozenset("dronning kong sankt skt prins prinsesse kronprins kronprinsesse".split())
_PLACE_AFTER_NAME = re.compile(
    rf"(?:s)?(?:\s+[{_UC}][{_LC}]*s)?\s+(?:Vej|Gade|Allé|Alle|Boulevard|Plads|Torv|Bro|Stræde|Vænge|Park|"
    r"Skole|Skolen|Kirke|Kollegium|Kollegiet|Hospital|Gymnasium|Centret|Center|Hus|Huset|Have|Kaserne)\b")


_NER_ROLES = _ROLE_CUES | {"borgeren", "borger", "jeg", "hun", "han"}


def _ner_persons(doc) -> Iterator[Entity]:
    text = doc.text
    for ent in doc.ents:
        if ent.label_ not in ("PER", "PERSON"):
            continue
        s, e = ent.start_char, ent.end_char
        # Trim leading role words the model may include ("sagsbehandler Lene").
        while True:
            m = re.match(r"([^\W\d_]+)\s+", text[s:e])
            if m and m.group(1).lower() in _NER_ROLES:
                s += m.end()
            else:
                break
        while e > s and not text[e - 1].isalnum():
            e -= 1
        span = text[s:e]
        if not span or not span[0].isupper():
            continue
        words = _WORD.findall(span)
        if not words or all(w.lower() in _NOT_NAMES or w.lower() in _NER_ROLES for w in words):
            continue
        if _INSTITUTION_SUFFIX.search(words[-1]) or _not_a_person(text, s, e, words):
            continue
        yield Entity(s, e, "PERSON", span, "ner")


# Shops, chains and employers that answers name as workplaces ("praktik i Netto"): an NER
# trained on news tags them PER often enough to matter.
_WORKPLACES = frozenset(w.lower() for w in """
    Netto Føtex Bilka Rema Lidl Aldi Irma Brugsen Superbrugsen Dagli'Brugsen Kvickly Meny Spar
    Salling Coop Matas Elgiganten Jysk Ikea Bauhaus Silvan Stark Lauritz Fakta Fætter BR
    McDonald's McDonalds Burger Sunset 7-Eleven Q8 Shell Circle DSB Movia Arriva PostNord Falck
    ISS Novo Mærsk Maersk Carlsberg Nordea Lego Arla Vestas Ørsted Telia Telenor TDC YouSee
    Zalando Normal Tiger Søstrene Wolt Foodora
""".split())
_STREET_WORDS = frozenset("vej gade allé alle boulevard plads torv bro stræde vænge park".split())


_WEB_ADDRESS = re.compile(r"(?:[a-z][a-z0-9+.-]*://|www\.)?[^\W_](?:[\w-]*[^\W_])?(?:\.[^\W_](?:[\w-]*[^\W_])?)*"
                          r"\.(?:dk|com|org|net|eu|nu|se|no|de|uk|info|io|gov|edu|biz)(?:[/:?#]\S*)?", re.IGNORECASE)


def _in_web_address(text: str, s: int, e: int) -> bool:
    """The span is (part of) a web address or e-mail ("Jobnet.dk", "www.borger.dk/x")."""
    a, b = s, e
    while a > 0 and not text[a - 1].isspace():
        a -= 1
    while b < len(text) and not text[b].isspace():
        b += 1
    token = text[a:b].strip("()[]{}<>\"'„“”,;!?").rstrip(".:")
    return "@" in token or bool(_WEB_ADDRESS.fullmatch(token))


def _not_a_person(text: str, s: int, e: int, words: list[str]) -> bool:
    """An NER "person" that the context shows is something else: a field label ("Mail:",
    "Mobil:"), a workplace, a street or square ("Peter Bangs Vej"), or an ambiguous first name
    that is an ordinary word at the start of a sentence ("Tom for energi …") with no verb after
    it that makes it a name ("Per ringede")."""
    first, ambiguous, _surnames = _name_lists()
    if _in_web_address(text, s, e):
        return True
    low = [w.lower() for w in words]
    after = text[e:].lstrip()
    if len(words) == 1 and after.startswith(":") and _fold(words[0]) not in first:
        return True
    if low[0] in _WORKPLACES:
        return True
    if low[-1] in _STREET_WORDS or _PLACE_AFTER_NAME.match(text[e:]):
        return True
    if len(words) == 1 and _fold(words[0]) in ambiguous and _sentence_initial(text, s):
        nxt = _WORD.match(after)
        return not (nxt and nxt.group(0).lower() in _VERB_CUES)
    return False


# --------------------------------------------------------------------------- detection
_RULES: tuple[Callable[[str], Iterable[Entity]], ...] = (
    _find_cpr, _find_email, _find_phone, _find_address, _find_person_rules)


def _resolve(candidates: Iterable[Entity]) -> list[Entity]:
    """Greedy non-overlapping selection: priority of type, then length, then position."""
    ordered = sorted(candidates, key=lambda x: (_PRIORITY[x.type], -(x.end - x.start), x.start,
                                                 x.source != "rule"))
    starts: list[int] = []  # chosen spans, kept sorted by start (they never overlap)
    chosen: list[Entity] = []
    for cand in ordered:
        if cand.end <= cand.start:
            continue
        k = bisect.bisect_left(starts, cand.start)
        if k < len(chosen) and chosen[k].start < cand.end:
            continue  # overlaps the next chosen span
        if k > 0 and chosen[k - 1].end > cand.start:
            continue  # overlaps the previous one
        starts.insert(k, cand.start)
        chosen.insert(k, cand)
    return chosen


def _detect_text(text: str, doc=None) -> list[Entity]:
    cands: list[Entity] = []
    for rule in _RULES:
        cands.extend(rule(text))
    if doc is not None:
        cands.extend(_ner_persons(doc))
    return _resolve(cands)


def detect(text: str, nlp=None) -> list[Entity]:
    """Personal data in ``text``: non-overlapping entities sorted by start.

    With ``nlp`` (a spaCy pipeline with an ``ner`` producing PER), its person entities are
    added to the rule-based ones. ``nlp=None`` uses the rules only; see :func:`load_default_nlp`.
    """
    if not text:
        return []
    doc = nlp(text) if nlp is not None else None
    return _detect_text(text, doc)


def detect_many(texts: Iterable[str], batch_size: int = 256, nlp=None) -> list[list[Entity]]:
    """:func:`detect` for many texts; uses ``nlp.pipe`` in batches when a pipeline is given."""
    texts = [t or "" for t in texts]
    if nlp is None:
        return [_detect_text(t) if t else [] for t in texts]
    out = []
    for text, doc in zip(texts, nlp.pipe(texts, batch_size=batch_size)):
        out.append(_detect_text(text, doc) if text else [])
    return out


def load_default_nlp():
    """The project's Danish pipeline (``workbench.nlp.pipeline.load_pipeline``) if it loads
    and has an NER, else None (rules only)."""
    try:
        from workbench.nlp.pipeline import load_pipeline  # lazy: optional, may be heavy

        nlp = load_pipeline()
    except Exception:  # noqa: BLE001 - no pipeline is a supported configuration
        return None
    if nlp is None or "ner" not in getattr(nlp, "pipe_names", ()):
        return None
    return nlp


def pseudonymise(text: str, entities: Sequence[Entity]) -> str:
    """``text`` with each entity replaced by its placeholder (``[NAVN]``, ``[CPR]``, ...)."""
    out = []
    pos = 0
    for ent in sorted(entities, key=lambda x: x.start):
        if ent.start < pos:
            continue  # overlapping input: the earlier entity already covers it
        out.append(text[pos:ent.start])
        out.append(PLACEHOLDERS.get(ent.type, f"[{ent.type}]"))
        pos = ent.end
    out.append(text[pos:])
    return "".join(out)


# --------------------------------------------------------------------------- CSV -> JSONL
def _read_csv(path: Path) -> list[tuple[int, str, str]]:
    """(row number, id, text) for each data row; header is row 1."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(Problem(file=name, problem=f"cannot read file: {exc.strerror or exc}")) from exc
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise InputError(Problem(file=name, row=line, problem="not UTF-8 text (save the file as CSV UTF-8)")) from exc
    if not content.strip():
        raise InputError(Problem(file=name, problem="file is empty (expected a header with columns id, text)"))
    first_line = content.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except csv.Error as exc:
        raise InputError(Problem(file=name, row=1, problem=f"malformed CSV header: {exc}")) from exc
    problems = [Problem(file=name, row=1, column=col,
                        problem=f"missing required column '{col}' (found: {', '.join(header) or 'none'})")
                for col in ("id", "text") if col not in header]
    if problems:
        raise InputError(problems)
    i_id, i_text = header.index("id"), header.index("text")
    rows: list[tuple[int, str, str]] = []
    seen: dict[str, int] = {}
    rowno = 1
    try:
        for record in reader:
            rowno += 1
            if not record or all(not c.strip() for c in record):
                continue  # blank line
            if len(record) <= max(i_id, i_text):
                missing = "text" if len(record) <= i_text else "id"
                problems.append(Problem(file=name, row=rowno, column=missing,
                                        problem=f"row has {len(record)} fields; column '{missing}' is missing"))
                continue
            rid = record[i_id].strip()
            if not rid:
                problems.append(Problem(file=name, row=rowno, column="id", problem="empty id"))
                continue
            if rid in seen:
                problems.append(Problem(file=name, row=rowno, column="id",
                                        problem=f"duplicate id {rid!r} (first in row {seen[rid]})"))
                continue
            seen[rid] = rowno
            rows.append((rowno, rid, record[i_text]))
    except csv.Error as exc:
        problems.append(Problem(file=name, row=rowno + 1, problem=f"malformed CSV: {exc}"))
    if problems:
        raise InputError(problems)
    return rows


def _write_atomic(path: Path, lines: Iterable[str]) -> None:
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            for line in lines:
                f.write(line)
                f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def pii_csv(input_path, output_path, nlp="auto", batch_size: int = 256) -> int:
    """Detect personal data in a CSV (columns ``id``, ``text``; UTF-8 with or without BOM;
    comma or semicolon) and write JSONL, one ``{"id", "entities"}`` object per row, atomically.

    ``nlp="auto"`` uses the project's Danish pipeline when it loads (rules only otherwise);
    ``None`` forces rules only; or pass a spaCy pipeline. Returns the number of rows.
    Raises :class:`~workbench.errors.InputError` naming file, row and column.
    """
    input_path, output_path = Path(input_path), Path(output_path)
    rows = _read_csv(input_path)
    out_dir = output_path.parent if str(output_path.parent) else Path(".")
    if not out_dir.is_dir():
        raise InputError(Problem(file=str(output_path), problem="output folder does not exist"))
    if nlp == "auto":
        nlp = load_default_nlp()
    found = detect_many([r[2] for r in rows], batch_size=batch_size, nlp=nlp)
    _write_atomic(output_path, (
        json.dumps({"id": rid, "entities": [e.to_json() for e in ents]}, ensure_ascii=False)
        for (_, rid, _), ents in zip(rows, found)))
    return len(rows)


# --------------------------------------------------------------------------- synthetic set
@dataclass
class Sample:
    """A synthetic answer with gold spans ``(start, end, type)``."""

    text: str
    gold: list[tuple[int, int, str]]

    def as_dict(self) -> dict:
        return asdict(self)


# Names for the synthetic set that are NOT in the bundled lists (measures honest recall).
_HELDOUT_FIRST = ["Zainab", "Bashir", "Gülsen", "Henrike", "Oskar", "Alva", "Tristan", "Naja",
                  "Dragan", "Halima", "Kamal", "Vilma", "Milas", "Idun", "Ejnar"]
_HELDOUT_SURNAMES = ["Kjeldgaard", "Bundgaard", "Fogh", "Wulff", "Mehmedović", "Hviid", "Ipsen",
                     "Dalsgaard", "Rosenkrantz", "Abdullahi"]
_STREETS = ["Nørrebrogade", "Vesterbrogade", "Amagerbrogade", "Tagensvej", "Jagtvej", "Gammel Kongevej",
            "Frederiksberg Allé", "Nørre Allé", "H.C. Andersens Boulevard", "Peter Bangs Vej",
            "Rådhuspladsen", "Strandvejen", "Valby Langgade", "Roskildevej", "Søndre Fasanvej",
            "Folehaven", "Bellahøjvej", "Tingbjerg Allé", "Mjølnerparken", "Gadelandet",
            "Degnestavnen", "Hørgården", "Urbanplanen", "Sundholmsvej", "Lundtoftegade",
            "Rosenvænget", "Store Kongensgade", "Ravnsborggade", "Kongens Nytorv", "Stengade",
            "Blågårds Plads", "Gothersgade", "Englandsvej", "Lyngbyvej", "Hvidovrevej",
            "Rødovre Parkvej", "Ishøj Strandvej", "Brøndby Strandvej", "Albertslundvej", "Skovlunde Byvej"]
# A few real estate-style street names without the suffixes the rules know: honest misses.
_STREETS_HARD = ["Hørgården", "Gadelandet", "Degnestavnen", "Urbanplanen"]
_POSTCODES = ["2200 København N", "1620 København V", "2300 København S", "2100 København Ø",
              "1150 København K", "2000 Frederiksberg", "2400 København NV", "2450 København SV",
              "2500 Valby", "2650 Hvidovre", "2605 Brøndby", "2620 Albertslund", "2700 Brønshøj",
              "2610 Rødovre", "2800 Kongens Lyngby", "2635 Ishøj", "2660 Brøndby Strand", "8000 Aarhus C"]
_DOMAINS = ["gmail.com", "hotmail.com", "kk.dk", "live.dk", "outlook.dk", "yahoo.dk", "mail.tele.dk",
            "jobcenter.kk.dk", "sol.dk", "email.dk"]
_ROLES = ["sagsbehandler", "sagsbehandleren", "min sagsbehandler", "kontaktpersonen", "mentoren",
          "lægen", "min kontaktperson", "jobkonsulenten", "hendes datter", "hans søn"]
_FILLERS_POS = [
    "Borgeren er glad for forløbet", "Hun synes samtalerne hjælper", "Han oplever at der bliver lyttet",
    "Borgeren siger at praktikken går godt", "Det går bedre med ryggen nu", "Hun føler sig mødt",
]
_NEGATIVE_TEXTS = [
    "Borgeren får {amount} om måneden i kontanthjælp.",
    "Hun har skyldt {amount} siden {year}.",
    "Samtalen var d. {date} kl. 10.",
    "Han var ledig fra {year} til {year2}.",
    "Sagsbehandleren har ikke ringet tilbage.",
    "Sagsbehandleren ringede {weekday} og aflyste.",
    "Hun har været til møde på Jobcenter København tre gange.",
    "Jobcenter Amager har lovet en praktik i {month}.",
    "Hans kone er syg og han passer børnene.",
    "Per måned får hun {amount} udbetalt.",
    "{Weekday} er der altid kø i Borgerservice.",
    "Han har sagsnr. {caseno} i Ydelsesservice.",
    "Journalnummer {caseno2} blev nævnt i brevet.",
    "Borgeren har været syg i {n} uger og er sygemeldt.",
    "Hun arbejder {n} timer om ugen i Netto.",
    "Han fik {pct} % af sine dagpenge.",
    "Hun skal møde på Rigshospitalet {weekday} d. {date}.",
    "Borgeren har {n} børn og bor i {city}.",
    "Mark og skov er hans store interesse, siger han.",
    "Maj {year} startede hun i fleksjob.",
    "Han bor på Nørrebro og vil gerne flytte til Vesterbro.",
    "Hun siger at sagsbehandleren er sød men travl.",
    "Beløbet på kr. {bigamount} er tilbagebetalt.",
    "Borgeren har kontonr. {account} i banken.",
    "Hun var indlagt fra {date} til {date2}.",
    "Ydelsen er steget med {amount} siden {month}.",
    "Han har søgt {n} job siden {year} uden svar.",
    "I {month} {year} fik hun afslag på ressourceforløb.",
    "Hun har haft {n} sagsbehandlere på to år.",
    "Bo alene er svært for ham, siger han.",
    "Borgeren ønsker ikke at svare.",
    "Ved ikke.",
    "Intet at tilføje.",
    "Alt i alt en god oplevelse med jobcentret.",
    "Hun har fået bevilget {bigamount} kr. i enkeltydelse.",
    "Mødet blev flyttet til {weekday} den {day}. {month}.",
    "Liv og helbred betyder mest for hende nu.",
    "Tom for energi efter {n} måneder på sygedagpenge.",
    "Hans mor hjælper med børnene om {weekday}en.",
    "Per {day}. {month} overgår hun til fleksjob.",
    "Storm og regn gør at hun ikke kommer ud.",
    "Han var i praktik hos Netto på Amagerbrogade men det gik ikke.",
    "Hun går til danskundervisning ved Dronning Louises Bro.",
    "Mødet foregik i huset på Peter Bangs Vej.",
    "Hun bor i Valby og har boet på Amager {n} år før.",
    "Firmaets CVR {cvr} står på lønsedlen.",
    "Ordrenr. {cvr} fra apoteket.",
    "Sagsnr. {cprlike} er oprettet i systemet.",
    "Født {date}, kom til Danmark for {n} år siden.",
    "Telefontid mandag kl. 9-12 og torsdag kl. 13-15.",
    "Han var ledig i perioden {year}-{year2}.",
    "Hun fik {amount} + {amount2} i boligstøtte.",
    "Mødet er i lokale {n}.14 på Sundhedshuset.",
    "Københavns Kommune har sendt et brev om {amount}.",
    "Hun ringede til Borgerservice på deres hovednummer.",
    "Han skriver til jobcentret via Digital Post, ikke mail.",
    "Hun har {n} sagsbehandlere og ingen kontaktperson.",
    "Sankt Hans var hun på ferie med børnene.",
    "Han siger at uge {n} og {n2} er booket.",
    "Hun har tre børn på {n}, {n2} og 12 år.",
    "Kontoret på Vesterbrogade holder lukket i {month}.",
]
_MONTHS = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
           "oktober", "november", "december"]
_WEEKDAYS = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag"]
_CITIES = ["Valby", "Hvidovre", "Brønshøj", "Tingbjerg", "Amager", "Nordvest", "Sydhavnen", "Ishøj"]


def _rand_cpr(rng: random.Random) -> str:
    while True:
        yy = rng.randint(0, 99)
        seventh = rng.randint(0, 9)
        year = _cpr_century(yy, seventh) + yy
        if not 1930 <= year <= 2008:
            continue
        mm = rng.randint(1, 12)
        dd = rng.randint(1, calendar.monthrange(year, mm)[1])
        tail = f"{seventh}{rng.randint(0, 999):03d}"
        sep = rng.choice(["-", "-", ""])
        return f"{dd:02d}{mm:02d}{yy:02d}{sep}{tail}"


def _rand_phone(rng: random.Random) -> str:
    d = f"{rng.randint(2, 9)}{rng.randint(0, 9_999_999):07d}"
    fmt = rng.choice(["plain", "pairs", "quads", "plus", "plus_pairs", "00", "plus_quads", "dash_pairs"])
    pairs = " ".join(d[i:i + 2] for i in range(0, 8, 2))
    return {
        "plain": d, "pairs": pairs, "quads": f"{d[:4]} {d[4:]}", "plus": f"+45 {d}",
        "plus_pairs": f"+45 {pairs}", "00": f"0045 {d}", "plus_quads": f"+45{d[:4]} {d[4:]}",
        "dash_pairs": "-".join(d[i:i + 2] for i in range(0, 8, 2)),
    }[fmt]


def _rand_date(rng: random.Random) -> str:
    y = rng.randint(2015, 2024)
    m = rng.randint(1, 12)
    d = rng.randint(1, 28)
    return rng.choice([f"{d}.{m}.{y}", f"{d:02d}.{m:02d}.{y}", f"{d}/{m}-{y}", f"{d:02d}-{m:02d}-{y}",
                       f"{d}. {_MONTHS[m - 1]} {y}", f"{d:02d}{m:02d}{y}"])


def _rand_amount(rng: random.Random) -> str:
    v = rng.choice([rng.randint(1, 40) * 500, rng.randint(1000, 30000)])
    s = f"{v:,}".replace(",", ".")
    return rng.choice([f"{s} kr", f"{s} kr.", f"kr. {s}", f"{s},-", f"{v} kroner"])


def synthetic_dataset(n: int = 400, seed: int = 20240611) -> list[Sample]:
    """A seeded synthetic set of short Danish interviewer notes with gold PII spans.

    About 45 % of the texts contain personal data (names in several positions and with
    cues, CPR with/without dash, phones in eight formats, e-mails, addresses with and
    without floor/postcode); the rest are hard negatives (amounts, dates, years, case and
    account numbers, roles, institutions, weekdays/months, sentence-initial "Hans"/"Per"/"Bo").
    Some names come from outside the bundled lists and some are lower-case, so PERSON recall
    is not flattered by the lists.
    """
    first_all, ambiguous, surnames_set = _name_lists()
    firsts = sorted(_read_list_clean("first_names.txt"))
    firsts_plain = [f for f in firsts if f.lower() not in ambiguous]
    firsts_amb = [f for f in firsts if f.lower() in ambiguous]
    surnames = sorted(_read_list("surnames.txt"))
    rng = random.Random(seed)
    samples: list[Sample] = []

    def build(parts: list) -> Sample:
        text, gold = "", []
        for p in parts:
            if isinstance(p, tuple):
                s = len(text)
                text += p[0]
                gold.append((s, len(text), p[1]))
            else:
                text += p
        return Sample(text, gold)

    def person(kind: Optional[str] = None) -> str:
        kind = kind or rng.choices(["first", "full", "heldout", "heldout_full", "double"],
                                   [45, 30, 8, 10, 7])[0]
        if kind == "first":
            return rng.choice(firsts_plain)
        if kind == "full":
            return f"{rng.choice(firsts)} {rng.choice(surnames)}"
        if kind == "heldout":
            return rng.choice(_HELDOUT_FIRST)
        if kind == "heldout_full":
            return f"{rng.choice(firsts_plain + _HELDOUT_FIRST)} {rng.choice(_HELDOUT_SURNAMES + surnames)}"
        return f"{rng.choice(firsts_plain)} {rng.choice(firsts_plain)} {rng.choice(surnames)}"

    def address() -> str:
        street = rng.choice(_STREETS)
        num = str(rng.randint(1, 180)) + rng.choice(["", "", "", "", "A", "B"])
        floor = rng.choice(["", "", f", {rng.randint(1, 5)}. th.", f", {rng.randint(1, 5)}. tv.", ", st. tv.",
                            f" {rng.randint(1, 4)}. mf.", f", {rng.randint(1, 4)}. sal"])
        post = rng.choice(["", "", f", {rng.choice(_POSTCODES)}", f" {rng.choice(_POSTCODES)}"])
        return f"{street} {num}{floor}{post}"

    def email() -> str:
        f = rng.choice(firsts_plain).lower()
        s = rng.choice(surnames).lower()
        local = rng.choice([f"{f}.{s}", f"{f}{rng.randint(1, 99)}", f"{f[:2]}{s[:2]}", f"{f}_{s}", f"{f}-{s}"])
        local = local.translate(str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ç": "c", "ş": "s",
                                               "ö": "o", "ü": "u", "ı": "i", "ś": "s", "é": "e"}))
        return f"{local}@{rng.choice(_DOMAINS)}"

    def neg_fill(template: str) -> str:
        y = rng.randint(2012, 2023)
        return template.format(
            amount=_rand_amount(rng), year=y, year2=y + rng.randint(1, 4), date=_rand_date(rng),
            date2=_rand_date(rng), weekday=rng.choice(_WEEKDAYS), Weekday=rng.choice(_WEEKDAYS).capitalize(),
            month=rng.choice(_MONTHS), caseno=f"{rng.randint(2015, 2024)}-{rng.randint(1000, 99999):05d}",
            caseno2=f"{rng.randint(10, 24)}/{rng.randint(1000, 99999)}", n=rng.randint(2, 40),
            pct=rng.randint(5, 95), city=rng.choice(_CITIES), bigamount=f"{rng.randint(10, 250)}.{rng.randint(0, 999):03d}",
            account=f"{rng.randint(10, 99)}{rng.randint(0, 99_999_999):08d}", day=rng.randint(1, 28),
            amount2=_rand_amount(rng), cvr=f"{rng.randint(10_000_000, 99_999_999)}", n2=rng.randint(2, 40),
            cprlike=_rand_cpr(rng).replace("-", ""))

    pii_templates: list[Callable[[], list]] = [
        lambda: ["Borgeren siger at ", (person(), "PERSON"), " fra jobcentret ringede i går."],
        lambda: [(person(), "PERSON"), " har hjulpet hende meget med ansøgningerne."],
        lambda: ["Hun er rigtig glad for ", rng.choice(_ROLES), " ", (person(), "PERSON"), "."],
        lambda: ["Min sagsbehandler hedder ", (person(rng.choice(["first", "heldout", "heldout_full"])), "PERSON"),
                 " og hun er god."],
        lambda: ["Han taler med ", (rng.choice(firsts_amb) + " " + rng.choice(surnames), "PERSON"),
                 " hver uge."],
        lambda: ["Vi snakkede med ", (rng.choice(firsts_amb), "PERSON"), " om praktikken."],
        lambda: ["Kontakt ", (person("full"), "PERSON"), " på ", (_rand_phone(rng), "PHONE"), "."],
        lambda: ["Borgerens cpr: ", (_rand_cpr(rng), "CPR")],
        lambda: ["Hun oplyste sit cpr-nr. ", (_rand_cpr(rng), "CPR"), " under samtalen."],
        lambda: [(_rand_cpr(rng), "CPR"), " ønsker at klage over afgørelsen."],
        lambda: ["Ring til mig på ", (_rand_phone(rng), "PHONE"), " efter kl. 12."],
        lambda: ["Tlf. ", (_rand_phone(rng), "PHONE")],
        lambda: ["Han kan kontaktes på ", (_rand_phone(rng), "PHONE"), " eller ", (email(), "EMAIL"), "."],
        lambda: ["Send svar til ", (email(), "EMAIL")],
        lambda: ["Hun skriver fra ", (email(), "EMAIL"), " hvis hun har spørgsmål."],
        lambda: ["Borgeren bor på ", (address(), "ADDRESS"), " sammen med sin mor."],
        lambda: ["Adresse: ", (address(), "ADDRESS")],
        lambda: ["Han er flyttet til ", (address(), "ADDRESS"), " og vil have post dertil."],
        lambda: [(person("full"), "PERSON"), ", ", (address(), "ADDRESS"), ", tlf. ", (_rand_phone(rng), "PHONE")],
        lambda: ["Lægen ", (person("full"), "PERSON"), " har skrevet en attest d. ", _rand_date(rng), "."],
        lambda: ["Hun siger at ", (person("first"), "PERSON"), " og ", (person("first"), "PERSON"),
                 " fra kommunen var til mødet."],
        lambda: ["Fru ", (rng.choice(surnames), "PERSON"), " fra Ydelsesservice har lovet at ringe."],
        lambda: ["Hendes søn ", (person("first"), "PERSON"), " hjælper med at læse brevene."],
        lambda: ["Hun siger at ", (rng.choice(firsts_plain).lower(), "PERSON"), " fra kommunen ikke svarer."],
        lambda: ["😀 ", (person("first"), "PERSON"), " var sød, siger borgeren. ", rng.choice(_FILLERS_POS), "."],
        lambda: [rng.choice(_FILLERS_POS), ", men ", (person(), "PERSON"), " ringer aldrig tilbage."],
        lambda: ["Han fik ", _rand_amount(rng), " tilbage efter ", (person("full"), "PERSON"),
                 " så på sagen."],
        lambda: ["Ny adresse fra d. ", _rand_date(rng), ": ", (address(), "ADDRESS")],
        lambda: ["Mail: ", (email(), "EMAIL"), ", mobil ", (_rand_phone(rng), "PHONE")],
        lambda: ["Cpr ", (_rand_cpr(rng), "CPR"), ", ", (person("full"), "PERSON"), "."],
        lambda: ["CPR-nr.: ", (_rand_cpr(rng), "CPR"), " (borgeren ønsker ikke at blive ringet op)"],
        lambda: ["Hun ringede til ", (person("full"), "PERSON"), " om ", _rand_amount(rng), " i efterbetaling."],
        lambda: ["Det var ", (person("first"), "PERSON"), ", ", (person("first"), "PERSON"), " og ",
                 (person("first"), "PERSON"), " fra holdet der hjalp."],
        lambda: ["Alt går gennem ", (rng.choice(firsts_plain) + "s", "PERSON"), " kontor nu."],
        lambda: ["Han synes det var rart at tale med hr. ", (rng.choice(surnames), "PERSON"), "."],
        lambda: ["Hendes mentor ", (rng.choice(_HELDOUT_FIRST), "PERSON"), " har været en stor hjælp."],
        lambda: ["Mobil: ", ("(+45) " + re.sub(r"^(?:\+45|0045) ?", "", _rand_phone(rng)), "PHONE"),
                 ", hverdage efter kl. 16."],
        lambda: ["Sygemeldt siden ", _rand_date(rng), ", ring ", (_rand_phone(rng), "PHONE"), "."],
        lambda: ["Hun har skiftet nummer til ", (_rand_phone(rng), "PHONE")],
        lambda: ["Hun ønsker post til ", (address(), "ADDRESS"), " fremover."],
        lambda: ["Borgeren var vred. ", rng.choice(_FILLERS_POS), ", siger ", (person(), "PERSON"), "."],
        lambda: ["Mail ", (email(), "EMAIL"), " (privat)"],
        lambda: ["Har fået nyt cpr ", (_rand_cpr(rng), "CPR"), " efter kønsskifte."],
    ]
    n_pii = int(n * 0.45)
    for _ in range(n_pii):
        samples.append(build(rng.choice(pii_templates)()))
    while len(samples) < n:
        samples.append(Sample(neg_fill(rng.choice(_NEGATIVE_TEXTS)), []))
    rng.shuffle(samples)
    return samples


def _read_list_clean(name: str) -> list[str]:
    return [w[:-1] if w.endswith("*") else w for w in _read_list(name)]


# --------------------------------------------------------------------------- evaluation
def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "fp": fp, "fn": fn}


def evaluate(samples: Sequence[Sample], predictions: Sequence[Sequence[Entity]]) -> dict:
    """Per-type and overall precision/recall/F1, for exact span match and for overlap match
    (same type, spans overlap; one-to-one). Returns ``{"exact": {type: prf}, "overlap": {...}}``
    with an ``"ALL"`` entry in each, plus ``"errors"`` (a few false positives/negatives)."""
    result: dict = {"exact": {}, "overlap": {}, "errors": {"fp": [], "fn": []}}
    counts = {mode: {t: [0, 0, 0] for t in TYPES} for mode in ("exact", "overlap")}
    for sample, preds in zip(samples, predictions):
        gold = [tuple(g) for g in sample.gold]
        pred = [(e.start, e.end, e.type) for e in preds]
        # exact
        gs, ps = set(gold), set(pred)
        for t in TYPES:
            c = counts["exact"][t]
            c[0] += len({g for g in gs & ps if g[2] == t})
            c[1] += len({p for p in ps - gs if p[2] == t})
            c[2] += len({g for g in gs - ps if g[2] == t})
        # overlap, one-to-one
        used: set[int] = set()
        matched_gold: set[int] = set()
        for gi, g in enumerate(gold):
            for pi, p in enumerate(pred):
                if pi in used or p[2] != g[2] or not (p[0] < g[1] and g[0] < p[1]):
                    continue
                used.add(pi)
                matched_gold.add(gi)
                counts["overlap"][g[2]][0] += 1
                break
        for gi, g in enumerate(gold):
            if gi not in matched_gold:
                counts["overlap"][g[2]][2] += 1
                if len(result["errors"]["fn"]) < 40:
                    result["errors"]["fn"].append((sample.text, sample.text[g[0]:g[1]], g[2]))
        for pi, p in enumerate(pred):
            if pi not in used:
                counts["overlap"][p[2]][1] += 1
                if len(result["errors"]["fp"]) < 40:
                    result["errors"]["fp"].append((sample.text, sample.text[p[0]:p[1]], p[2]))
    for mode in ("exact", "overlap"):
        tot = [0, 0, 0]
        for t in TYPES:
            c = counts[mode][t]
            result[mode][t] = _prf(*c)
            tot = [a + b for a, b in zip(tot, c)]
        result[mode]["ALL"] = _prf(*tot)
    return result
