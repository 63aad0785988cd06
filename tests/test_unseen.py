"""Held-out accuracy: articles written for the project about other parks (tests/unseen/),
never used to write rules. The floors guard against a change that helps the development
articles by over-fitting them; the README reports the current figures."""
from __future__ import annotations

from pathlib import Path

from kg import api
from kg.evaluate import evaluate

UNSEEN = Path(__file__).resolve().parent / "unseen"


def test_unseen_articles_score_above_the_floor(tmp_path):
    result = api.build([UNSEEN / "docs"], tmp_path, store="memory")
    score = evaluate(result.files["graph"], [UNSEEN / "gold"])
    assert score.total.precision >= 0.55, score.total
    assert score.total.f1 >= 0.20, score.total
    assert score.entity_f1 >= 0.60, score.entity_f1
