"""Every rule table row carries an example sentence of the genre; each must do what the row says."""
from __future__ import annotations

import pytest

from kg import rules
from kg.extract import extract
from kg.extract.relate import relation_rules, skeleton
from kg.model import Document


def run(text: str) -> Document:
    return extract(Document(id="example", source="example", text=text))


def labels(doc: Document, key: str) -> set[str]:
    entity = doc.entities[key]
    return {entity.label, *entity.aliases}


@pytest.mark.parametrize("rule", relation_rules(), ids=lambda r: r.id)
def test_relation_pattern_matches_its_example(rule):
    """The pattern matches the example's skeleton, and the relation is extracted from it
    (by this rule or an earlier one: the first rule to state a fact keeps it)."""
    doc = run(rule.example)
    sentence = doc.sentences[0]
    text, _ = skeleton(doc.text, sentence.start, sorted(doc.mentions, key=lambda m: m.start))
    assert rule.pattern.search(text), f"{rule.id} does not match: {text}"
    assert any(f.relation == rule.relation for f in doc.facts), doc.facts


@pytest.mark.parametrize("row", rules.load_table("name_cues"), ids=lambda r: r["cue"])
def test_name_cue_finds_a_name(row):
    doc = run(row["example"])
    assert any(m.cue == "cued" and m.cls == row["class"] for m in doc.mentions), doc.mentions


@pytest.mark.parametrize("row", rules.load_table("industry_frames"), ids=lambda r: r["cue"][:12])
def test_industry_frame_finds_sectors_the_lexicon_may_not_know(row):
    """Every industry of the example's frame is found, and the frame's owner focuses on it."""
    doc = run(row["example"])
    framed = [m for m in doc.mentions if m.cue == "framed"]
    assert framed, [(m.surface, m.cls, m.cue) for m in doc.mentions]
    focused = {doc.entities[f.object].label for f in doc.facts if f.relation == "focusesOn"}
    assert {m.surface for m in framed} <= focused, (focused, doc.facts)


@pytest.mark.parametrize("row", [r for r in rules.load_table("entity_suffixes") if not r["example"].startswith("某某")],
                         ids=lambda r: r["suffix"])
def test_suffix_example_is_one_entity_of_its_class(row):
    doc = run(f"据介绍，{row['example']}今年发展良好。")
    found = {e.label: e.cls for e in doc.entities.values()}
    assert found.get(row["example"]) == row["class"], found


@pytest.mark.parametrize("table", ["entity_suffixes", "boundary_words", "generic_words", "industries",
                                   "person_titles", "list_heads", "region_abbreviations", "relations",
                                   "name_cues", "currencies", "word_tags", "industry_frames", "foreign_legal_forms"])
def test_tables_have_a_documented_header(table):
    rows = rules.load_table(table)
    assert rows and all(None not in row and all(v is not None for v in row.values()) for row in rows)


def test_relation_rule_ids_are_unique():
    """A fact keeps the id of the rule that made it: two rows under one id could not be told apart."""
    ids = [rule.id for rule in relation_rules()]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
