"""The default codebook (codebooks/jobcenter.yaml) matches the survey's themes and is usable."""
from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import pytest

from workbench.coding.definition import STANDARD_BANDS as BANDS
from workbench.coding.codebook import DEFAULT_CODEBOOK, load_codebook

REPO = Path(__file__).resolve().parents[1]
THEMES_CANDIDATES = [
    Path(os.environ["WORKBENCH_THEMES_CSV"]) if os.environ.get("WORKBENCH_THEMES_CSV") else None,
    REPO / "docs" / "domain" / "themes.csv",
    REPO.parent / "shared" / "domain" / "themes.csv",
    Path("/work/shared/domain/themes.csv"),
]
RESERVED_KEYS = set("npfmuzy")  # navigation: next/previous/flag/memo/uncoded/undo/redo
CATEGORIES = ["sagsbehandler", "system", "jobcenter", "forloeb", "borger", "kontekst"]


@pytest.fixture(scope="module")
def cb():
    return load_codebook(DEFAULT_CODEBOOK)


@pytest.fixture(scope="module")
def themes() -> list[dict[str, str]]:
    path = next((p for p in THEMES_CANDIDATES if p is not None and p.is_file()), None)
    if path is None:
        pytest.skip("themes.csv not found")
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_header(cb):
    assert cb.key == "jobcenter"
    assert cb.name == "Borgeroplevelser i Jobcenter København"
    assert cb.version == "2020.1"
    assert len(cb.description) > 50


def test_ids_match_themes_in_order(cb, themes):
    assert cb.ids == [t["id"] for t in themes]


def test_fields_match_themes(cb, themes):
    for t in themes:
        c = cb.code(t["id"])
        assert c.category == t["category"], c.id
        assert c.label == t["label"], c.id
        assert c.bands == t["bands"].split(), c.id
        assert c.questions == t["questions"].split(), c.id


def test_categories(cb, themes):
    assert list(cb.categories) == CATEGORIES
    assert {t["category"] for t in themes} == set(CATEGORIES)
    colours = [v["colour"].lower() for v in cb.categories.values()]
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in colours)
    assert len(set(colours)) == len(colours)
    assert all(v["label"] and v["label"] != k for k, v in cb.categories.items())


def test_every_code_is_documented(cb):
    for c in cb.codes:
        assert c.description and c.include and c.exclude, c.id
        assert len(c.examples) >= 4, c.id
        assert 10 <= len(c.keywords) <= 25, c.id
        assert all(isinstance(k, str) and k == k.lower() and k.strip() == k and k for k in c.keywords), c.id
        assert len(set(c.keywords)) == len(c.keywords), c.id
        assert all(b in BANDS for b in c.bands) and c.bands, c.id
        assert all(re.fullmatch(r"q[1-7]", q) for q in c.questions) and c.questions, c.id


def test_exclude_notes_name_existing_codes(cb):
    ids = set(cb.ids)
    for c in cb.codes:
        named = set(re.findall(r"\b[a-z0-9_]+_[a-z0-9_]+\b|\b(?:ventetid|helbred|mistillid|sprogbarriere|"
                               r"kassetaenkning|tilgaengelig|utilgaengelig|sagsbehandlerskift|motiverende|"
                               r"covid19)\b", c.exclude))
        assert named & ids, f"{c.id}: exclude names no neighbouring code"
        assert named <= ids, f"{c.id}: exclude names unknown ids {named - ids}"


def test_keywords_are_discriminative(cb):
    owner: dict[str, str] = {}
    for c in cb.codes:
        for k in c.keywords:
            assert k not in owner, f"keyword {k!r} in both {owner[k]} and {c.id}"
            owner[k] = c.id
    for generic in ("jobcenter", "jobcentret", "god", "godt", "samtale", "sagsbehandler", "borger"):
        assert generic not in owner, generic


def test_shortcuts(cb):
    keys = [c.shortcut for c in cb.codes if c.shortcut]
    assert len(keys) == len(set(k.lower() for k in keys))
    assert len(keys) >= 25
    assert set("123456789") <= set(keys)
    assert not RESERVED_KEYS & {k.lower() for k in keys}
    assert cb.code("lyttende_forstaaende").shortcut == "1"


def test_code_colours(cb):
    colours = [c.colour.lower() for c in cb.codes]
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in colours)
    assert len(set(colours)) == len(colours)


def test_real_danish_text():
    text = DEFAULT_CODEBOOK.read_text(encoding="utf-8")
    assert all(ch in text for ch in "æøå")
