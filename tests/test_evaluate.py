"""kg.evaluate scores as ../shared/eval/score.py does, and exactly on a hand-made case."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, RDFS, SKOS, XSD, Literal

from conftest import SCORE_PY
from kg.evaluate import evaluate, score_text
from kg.vocab import KGO, KGR, PROV, RELATIONS

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ROW = re.compile(r"^(\w+)\s+(\d+)\s+(\d+)\s+([0-9.]+)\s+([0-9.]+)\s+([0-9.]+)$")


def run_score_py(graph: Path, gold: Path | list[Path]) -> str:
    if not SCORE_PY.is_file():
        pytest.skip(f"{SCORE_PY} is absent")
    golds = [str(g) for g in (gold if isinstance(gold, list) else [gold])]
    done = subprocess.run([sys.executable, str(SCORE_PY), "--graph", str(graph), "--gold", *golds],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def rows(text: str) -> dict[str, tuple]:
    found = {}
    for line in text.splitlines():
        m = ROW.match(line)
        if m:
            found[m.group(1)] = tuple(m.groups()[1:])
    return found


def line_starting(text: str, prefix: str) -> str:
    matches = [line for line in text.splitlines() if line.startswith(prefix)]
    assert len(matches) == 1, (prefix, text)
    return matches[0]


@pytest.mark.parametrize("which", ["graph", "evidence"])
def test_agrees_with_score_py_on_the_eval_build(eval_build, gold_dir, which):
    graph = eval_build.files[which]
    theirs = run_score_py(graph, gold_dir)
    ours = score_text(evaluate(graph, [gold_dir]))
    assert line_starting(ours, "SCORE ") == line_starting(theirs, "SCORE ")
    assert rows(ours) == rows(theirs)
    assert set(rows(ours)) == {*RELATIONS, "ALL"}
    assert line_starting(ours, "entities:") == line_starting(theirs, "entities:")
    assert line_starting(ours, "amounts:") == line_starting(theirs, "amounts:")


def test_score_of_the_eval_build_is_not_trivial(eval_build, gold_dir):
    s = evaluate(eval_build.files["graph"], [gold_dir])
    assert s.total.gold > 50
    assert 0 < s.total.precision <= 1 and 0 < s.total.recall <= 1
    assert s.entities_matched > 0


# ---------------------------------------------------------------------------------------------
# a tiny case worked out by hand
#
# gold, two articles; 南通市 is in both and is one gold entity:
#   d1: P 苏通园区 (Park), C 星辰科技 (Company, alias 星辰), A 上海市 (City), B 南通市 (City),
#       I 电子信息 (Industry)
#       P hosts C · A partnersWith B · P locatedIn B · C focusesOn I
#       C investmentAmount 5e8 CNY · C investmentAmount 1e8 USD
#   d2: B 南通市 (City), R 如皋高新区 (Park)
#       R locatedIn B
#   → 6 gold entities, 5 gold triples, 2 gold amounts
#
# predicted graph:
#   entities P, C, C2 (label 星辰: a duplicate of C), A, B (label 南通: matches 南通市 without 市),
#            R, X 未知公司 (not in gold)                                     → 7 entities
#   P hosts C (TP) · B partnersWith A (TP: symmetric, written the other way round)
#   P hosts X (FP) · C2 locatedIn B (FP) · R locatedIn B (TP)                → 5 predicted, 3 right
#   C: 500000000 CNY (found); no USD amount (missed)
#
#   hosts        gold 1 pred 2  P 1/2 R 1   F1 2/3
#   partnersWith gold 1 pred 1  P 1   R 1   F1 1
#   locatedIn    gold 2 pred 2  P 1/2 R 1/2 F1 1/2
#   focusesOn    gold 1 pred 0  P 0   R 0   F1 0
#   ALL          gold 5 pred 5  P 3/5 R 3/5 F1 3/5
#   entities: matched 5 (P, C, A, B, R), duplicates 1, unmatched 1; P 5/7, R 5/6, F1 10/13
#   amounts 1/2

GOLD_D1 = {
    "doc": "d1.txt",
    "entities": [
        {"id": "p", "type": "Park", "label": "苏通园区", "aliases": []},
        {"id": "c", "type": "Company", "label": "星辰科技", "aliases": ["星辰"]},
        {"id": "a", "type": "City", "label": "上海市", "aliases": ["沪"]},
        {"id": "b", "type": "City", "label": "南通市", "aliases": []},
        {"id": "i", "type": "Industry", "label": "电子信息", "aliases": []},
    ],
    "triples": [
        {"s": "p", "p": "hosts", "o": "c", "evidence": "星辰科技落户苏通园区"},
        {"s": "a", "p": "partnersWith", "o": "b", "evidence": "沪通合作"},
        {"s": "p", "p": "locatedIn", "o": "b", "evidence": "苏通园区位于南通"},
        {"s": "c", "p": "focusesOn", "o": "i", "evidence": "星辰科技专注电子信息"},
    ],
    "values": [
        {"s": "c", "p": "investmentAmount", "value": 500000000, "currency": "CNY"},
        {"s": "c", "p": "investmentAmount", "value": 100000000, "currency": "USD"},
    ],
}
GOLD_D2 = {
    "doc": "d2.txt",
    "entities": [
        {"id": "nt", "type": "City", "label": "南通市", "aliases": ["南通"]},
        {"id": "r", "type": "Park", "label": "如皋高新区", "aliases": []},
    ],
    "triples": [{"s": "r", "p": "locatedIn", "o": "nt", "evidence": "如皋高新区位于南通"}],
}


def _entity(g, key, cls, label, *aliases):
    node = KGR[key]
    g.add((node, RDF.type, KGO[cls]))
    g.add((node, RDFS.label, Literal(label, lang="zh")))
    for alias in aliases:
        g.add((node, SKOS.altLabel, Literal(alias, lang="zh")))
    return node


def _relate(g, s, rel, o, n=[0]):
    g.add((s, KGO[rel], o))
    n[0] += 1
    st = KGR[f"fact/{n[0]}"]
    g.add((st, RDF.type, RDF.Statement))
    g.add((st, RDF.subject, s))
    g.add((st, RDF.predicate, KGO[rel]))
    g.add((st, RDF.object, o))
    g.add((st, KGO.evidence, Literal("……", lang="zh")))
    g.add((st, PROV.wasDerivedFrom, KGR["doc/d1"]))


@pytest.fixture
def tiny(tmp_path) -> tuple[Path, Path]:
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "d1.json").write_text(json.dumps(GOLD_D1, ensure_ascii=False), encoding="utf-8")
    (gold / "d2.json").write_text(json.dumps(GOLD_D2, ensure_ascii=False), encoding="utf-8")
    g = rdflib.Graph()
    p = _entity(g, "park/苏通园区", "Park", "苏通园区")
    c = _entity(g, "company/星辰科技", "Company", "星辰科技")
    c2 = _entity(g, "company/星辰", "Company", "星辰")
    a = _entity(g, "city/上海市", "City", "上海市")
    b = _entity(g, "city/南通", "City", "南通")
    r = _entity(g, "park/如皋高新区", "Park", "如皋高新区")
    x = _entity(g, "company/未知公司", "Company", "未知公司")
    _relate(g, p, "hosts", c)
    _relate(g, b, "partnersWith", a)
    _relate(g, p, "hosts", x)
    _relate(g, c2, "locatedIn", b)
    _relate(g, r, "locatedIn", b)
    g.add((c, KGO.investmentAmount, Literal("500000000", datatype=XSD.decimal)))
    g.add((c, KGO.currency, Literal("CNY")))
    path = tmp_path / "graph.ttl"
    g.serialize(path, format="turtle")
    return path, gold


def test_hand_made_case_relations(tiny):
    graph, gold = tiny
    s = evaluate(graph, [gold])
    expected = {  # relation: (gold, predicted, P, R, F1)
        "hosts": (1, 2, 1 / 2, 1, 2 / 3),
        "partnersWith": (1, 1, 1, 1, 1),
        "locatedIn": (2, 2, 1 / 2, 1 / 2, 1 / 2),
        "focusesOn": (1, 0, 0, 0, 0),
        "investsIn": (0, 0, 0, 0, 0),
        "developedBy": (0, 0, 0, 0, 0),
        "subsidiaryOf": (0, 0, 0, 0, 0),
        "cooperatesWith": (0, 0, 0, 0, 0),
    }
    assert set(s.relations) == set(RELATIONS)
    for rel, (n_gold, n_pred, p, r, f) in expected.items():
        got = s.relations[rel]
        assert (got.gold, got.predicted) == (n_gold, n_pred), rel
        assert (got.precision, got.recall, got.f1) == pytest.approx((p, r, f)), rel
    assert (s.total.gold, s.total.predicted) == (5, 5)
    assert (s.total.precision, s.total.recall, s.total.f1) == pytest.approx((3 / 5, 3 / 5, 3 / 5))


def test_hand_made_case_entities_and_amounts(tiny):
    graph, gold = tiny
    s = evaluate(graph, [gold])
    assert (s.entities_gold, s.entities_predicted, s.entities_matched) == (6, 7, 5)
    assert s.duplicates == 1
    assert s.unmatched_entities == [("未知公司", "Company")]
    assert (s.entity_precision, s.entity_recall, s.entity_f1) == pytest.approx((5 / 7, 5 / 6, 10 / 13))
    assert (s.amounts_found, s.amounts_gold) == (1, 2)


def test_hand_made_case_errors(tiny):
    graph, gold = tiny
    s = evaluate(graph, [gold])
    assert sorted((subj, rel, obj) for subj, rel, obj, _ in s.missed) == [
        ("星辰科技", "focusesOn", "电子信息"), ("苏通园区", "locatedIn", "南通市")]
    assert sorted(s.false_positives) == [("星辰", "locatedIn", "南通"), ("苏通园区", "hosts", "未知公司")]
    text = score_text(s, show_errors=True)
    assert "MISS 星辰科技 focusesOn 电子信息" in text
    assert text.splitlines()[-1] == "SCORE triples F1 0.600 P 0.600 R 0.600 | entities F1 0.769 | amounts 1/2"


def test_hand_made_case_agrees_with_score_py(tiny):
    graph, gold = tiny
    theirs = run_score_py(graph, gold)
    ours = score_text(evaluate(graph, [gold]))
    assert ours == theirs.rstrip("\n")


def test_symmetric_relation_either_way_scores_the_same(tiny, tmp_path):
    graph, gold = tiny
    g = rdflib.Graph().parse(graph)
    a, b = KGR["city/上海市"], KGR["city/南通"]
    g.remove((b, KGO.partnersWith, a))
    g.add((a, KGO.partnersWith, b))
    flipped = tmp_path / "flipped.ttl"
    g.serialize(flipped, format="turtle")
    assert score_text(evaluate(flipped, [gold])) == score_text(evaluate(graph, [gold]))


def test_gold_file_and_folder_give_the_same_score(tiny):
    graph, gold = tiny
    by_files = evaluate(graph, sorted(gold.glob("*.json")))
    by_folder = evaluate(graph, [gold])
    assert score_text(by_files) == score_text(by_folder)


def test_empty_graph_scores_zero(tiny, tmp_path):
    _, gold = tiny
    empty = tmp_path / "empty.ttl"
    empty.write_text("", encoding="utf-8")
    s = evaluate(empty, [gold])
    assert s.total.predicted == 0 and s.total.f1 == 0
    assert s.entities_predicted == 0 and s.entity_f1 == 0
