"""The model-replacement gate of scripts/train_danish.py: a new Danish build replaces the
shipped one only if it beats it on dev and test (UPOS and NER F) within the limits."""
import importlib.util
import json
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "train_danish.py"


@pytest.fixture(scope="module")
def train_danish():
    spec = importlib.util.spec_from_file_location("train_danish_for_test", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _shipped(tmp_path: Path) -> Path:
    scores = {"upos_acc": 94.69, "ner_f": 67.35, "dev": {"upos_acc": 94.85, "ner_f": 74.24}}
    (tmp_path / "meta.json").write_text(json.dumps({"workbench_scores": scores}), encoding="utf-8")
    return tmp_path


def _new(**over):
    s = {"upos_acc": 95.2, "ner_f": 72.5, "dev": {"upos_acc": 95.3, "ner_f": 75.0},
         "model_size_mb": 12.0, "words_per_second": 8000, "load_seconds": 0.4}
    s.update(over)
    return s


def test_better_everywhere_passes(train_danish, tmp_path):
    assert train_danish.gate(_new(), _shipped(tmp_path)) == []


def test_worse_test_ner_blocks(train_danish, tmp_path):
    problems = train_danish.gate(_new(ner_f=67.1), _shipped(tmp_path))
    assert len(problems) == 1 and "test NER F" in problems[0]


def test_worse_dev_upos_and_limits_block(train_danish, tmp_path):
    problems = train_danish.gate(
        _new(dev={"upos_acc": 94.8, "ner_f": 75.0}, model_size_mb=15.5, words_per_second=4000,
             load_seconds=1.2), _shipped(tmp_path))
    text = " ".join(problems)
    assert "dev UPOS" in text and "MB" in text and "words/s" in text and "loads in" in text


def test_nothing_shipped_only_limits_count(train_danish, tmp_path):
    assert train_danish.gate(_new(ner_f=1.0), tmp_path) == []


def test_settings_override(train_danish):
    sets = train_danish.parse_sets(["ner.width=128", "tagger.rows=1,2,3,4"])
    assert sets["ner"] == {"width": 128} and sets["tagger"] == {"rows": "1,2,3,4"}
    with pytest.raises(SystemExit):
        train_danish.parse_sets(["ner.nonsense=1"])
    cfg = train_danish.build_config("ner", {**train_danish.PARTS["ner"], "multitask": 2})
    assert 'pipeline = ["tok2vec", "tagger", "senter", "ner"]' in cfg
