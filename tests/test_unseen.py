"""Accuracy on articles other than the three keyed corpus articles, as floors that a change
must not push the scores under (the README reports the current figures).

tests/unseen/ is held out: articles written for the project about other parks, never used
to write rules. data/devset/ is where rules are developed for the genre at large; its floor
keeps a fix for one article from undoing what works for the others."""
from __future__ import annotations

from pathlib import Path

import pytest

from kg import api
from kg.evaluate import evaluate

ROOT = Path(__file__).resolve().parent.parent
SETS = {
    "held-out": (ROOT / "tests" / "unseen", {"precision": 0.65, "f1": 0.53, "entities": 0.75}),
    "devset": (ROOT / "data" / "devset", {"precision": 0.80, "f1": 0.68, "entities": 0.82}),
}


@pytest.mark.parametrize("name", SETS)
def test_articles_score_above_the_floor(name, tmp_path):
    folder, floor = SETS[name]
    result = api.build([folder / "docs"], tmp_path, store="memory")
    score = evaluate(result.files["graph"], [folder / "gold"])
    assert score.total.precision >= floor["precision"], score.total
    assert score.total.f1 >= floor["f1"], score.total
    assert score.entity_f1 >= floor["entities"], score.entity_f1
