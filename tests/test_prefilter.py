"""The relation prefilter: a pattern is skipped only where it cannot match."""
from __future__ import annotations

import random
import re
from dataclasses import dataclass

import pytest

from kg.extract import extract
from kg.extract.prefilter import RuleIndex, keyword_search, requirements, satisfied
from kg.extract.relate import compile_pattern, mentions_by_sentence, relation_rules, rule_index, skeleton
from kg.model import Document
from kg.read import read_documents

from conftest import CORPUS, EVAL_DOCS


@dataclass(frozen=True)
class Rule:
    id: str
    pattern: re.Pattern


def test_keywords_and_markers_are_required():
    clauses = requirements(compile_pattern("(?P<o>{HOSTED})[^⟦⟧，。]{0,16}?(?:落户|入驻)(?:到|于)?(?P<s>{PARK})?"))
    assert frozenset({"落户", "入驻"}) in clauses
    assert frozenset({frozenset("CIJLP")}) in clauses
    assert not any("到" in clause or frozenset("P") in clause for clause in clauses)    # optional parts


def test_alternative_markers_are_one_clause():
    clauses = requirements(compile_pattern("由(?P<o>{ORG}|{GOV})负责"))
    assert frozenset({frozenset("CFGIJLP"), frozenset("G")}) in clauses
    assert frozenset({"负责"}) in clauses


def test_a_marker_meets_a_class_only_with_all_its_letters():
    clauses = requirements(compile_pattern("(?P<o>{COMPANY})落户"))
    assert satisfied(clauses, "⟦C#0⟧落户")
    assert not satisfied(clauses, "⟦CJ#0⟧落户")
    assert not satisfied(clauses, "⟦C#0⟧入驻")


def test_a_rule_whose_keyword_is_absent_is_never_tried():
    settle = Rule("settle", compile_pattern("(?P<o>{HOSTED})落户(?P<s>{PARK})"))
    nested = Rule("nested", compile_pattern("(?P<s>{PARK})(?P<o>{HOSTED})"))
    index = RuleIndex([settle, nested])
    assert index.candidates("⟦C#0⟧入驻⟦P#1⟧") == [nested]     # nested needs no keyword
    assert index.candidates("⟦C#0⟧落户⟦R#1⟧") == []           # no park marker
    assert index.candidates("⟦P#0⟧⟦C#1⟧落户") == [settle, nested]


def test_a_keyword_search_finds_every_text_the_pattern_matches():
    leads = re.compile("(?P<a>聚焦(?:于)?)|(?P<b>(?:着力|大力)(?:发展|培育))|(?P<c>以)")
    search = keyword_search(leads)
    for text in ("园区聚焦于芯片", "着力培育生物医药", "以纺织为主导", "大力发展"):
        assert leads.search(text) and search.search(text)
    assert not search.search("园区发展芯片产业")
    assert keyword_search(re.compile(r"[0-9]+[a-z]")).search("园区")     # no keyword: every text


def test_ignorecase_patterns_require_nothing():
    assert requirements(re.compile("abc", re.IGNORECASE)) == ()


def _skeletons(texts: list[str]) -> list[str]:
    found = []
    for text in texts:
        doc = extract(Document(id="t", source="t", text=text))
        by_sentence = mentions_by_sentence(doc)
        found += [skeleton(doc.text, s.start, by_sentence[s.index])[0] for s in doc.sentences
                  if by_sentence.get(s.index)]
    return found


@pytest.fixture(scope="module")
def skeletons() -> list[str]:
    docs = read_documents([CORPUS, *([EVAL_DOCS] if EVAL_DOCS.is_dir() else [])]).documents
    return _skeletons([rule.example for rule in relation_rules()] + [doc.text for doc in docs])


def _matches(rules, text: str) -> list[tuple[str, int, int]]:
    return [(rule.id, *m.span()) for rule in rules for m in rule.pattern.finditer(text)]


def test_prefiltered_matches_equal_all_matches(skeletons):
    index = rule_index()
    assert len(skeletons) > 100
    for text in skeletons:
        assert _matches(index.candidates(text), text) == _matches(relation_rules(), text), text


def test_prefiltered_matches_equal_all_matches_on_mutated_skeletons(skeletons):
    """Skeletons with pieces dropped, duplicated and markers retyped: near misses of every rule."""
    rng = random.Random(6)
    index = rule_index()
    tried = 0
    for text in skeletons:
        for _ in range(5):
            mutated = text
            for _ in range(rng.randint(1, 3)):
                if len(mutated) < 2:
                    break
                i, j = sorted(rng.sample(range(len(mutated) + 1), 2))
                mutated = rng.choice([mutated[:i] + mutated[j:], mutated[:j] + mutated[i:]])
            mutated = re.sub(r"⟦[A-Z]+#", lambda m: f"⟦{''.join(sorted(rng.sample('CFGHIJLNPR', 2)))}#", mutated,
                             count=1) if rng.random() < 0.3 else mutated
            assert _matches(index.candidates(mutated), mutated) == _matches(relation_rules(), mutated), mutated
            tried += 1
    assert tried > 500
