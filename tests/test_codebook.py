"""Codebook YAML: validation names every problem; installing updates and retires codes."""
from __future__ import annotations

import pytest
import yaml
from sqlmodel import select

from workbench.coding.codebook import dump_codebook, install_codebook, load_codebook, parse_codebook, spec_from_store
from workbench.coding.models import Code
from workbench.errors import InputError


def test_validation_lists_every_problem(tmp_path):
    raw = {"codes": [
        {"id": "ok", "label": "Fin"},
        {"id": "ok", "label": "Igen"},
        {"id": "Bad Id", "label": "x"},
        {"id": "c", "label": "", "colour": "red", "shortcut": "10"},
        {"id": "d", "label": "D", "parent": "nowhere", "bands": ["sur"]},
        {"id": "e", "label": "E", "keywords": ["true", True]},
        {"id": "f", "label": "F", "shortcut": "a"}, {"id": "g", "label": "G", "shortcut": "A"},
    ]}
    with pytest.raises(InputError) as e:
        parse_codebook(raw, "cb.yaml")
    msg = e.value.message()
    for want in ("codes[1].id: duplicate id 'ok'", "codes[2].id", "codes[3].label", "codes[3].colour",
                 "codes[3].shortcut", "codes[4].parent", "codes[4].bands", "codes[5].keywords", "codes[7].shortcut"):
        assert want in msg, want


def test_parent_cycle_detected():
    with pytest.raises(InputError, match="loops"):
        parse_codebook({"codes": [{"id": "a", "label": "A", "parent": "b"}, {"id": "b", "label": "B", "parent": "a"}]})


def test_yaml_syntax_error_names_line(tmp_path):
    f = tmp_path / "cb.yaml"
    f.write_text("codes:\n  - id: a\n    label: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError, match="row"):
        load_codebook(f)


def test_round_trip_through_yaml(tmp_path):
    spec = load_codebook()
    f = tmp_path / "again.yaml"
    f.write_text(dump_codebook(spec), encoding="utf-8")
    again = load_codebook(f)
    assert again.ids == spec.ids
    assert [c.keywords for c in again.codes] == [c.keywords for c in spec.codes]


def test_reinstall_updates_and_retires(sqlite_store, default_codebook):
    raw = yaml.safe_load(open("codebooks/jobcenter.yaml", encoding="utf-8"))
    raw["codes"] = raw["codes"][1:]
    raw["codes"][0]["label"] = "Nyt navn"
    with sqlite_store.transaction() as s:
        install_codebook(sqlite_store, s, parse_codebook(raw))
    with sqlite_store.session() as s:
        first = s.exec(select(Code).where(Code.key == default_codebook.ids[0])).one()
        second = s.exec(select(Code).where(Code.key == default_codebook.ids[1])).one()
        assert first.retired and second.label == "Nyt navn" and not second.retired
        assert default_codebook.ids[0] not in spec_from_store(sqlite_store, s).ids
