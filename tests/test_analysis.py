"""kg.analysis over a small hand-built graph in the shape of docs/graph-shape.md.

Two parks in 南通, companies with amounts in CNY and one in USD, a fund, cities with
locatedIn, a partnership between cities, evidence statements with their documents.
"""
from decimal import Decimal

import networkx as nx
import pytest
from rdflib import RDF, RDFS, SKOS, BNode, Graph, Literal
from rdflib.compare import isomorphic

from kg.analysis import (Evidence, Hop, find_entity, from_networkx, shortest_paths, stats,
                         to_networkx, write_graphml)
from kg.vocab import KGO, KGR, PROV, SCHEMA

PARK_A = KGR["park/上海市北高新（南通）科技城"]
PARK_B = KGR["park/苏锡通科技产业园区"]
JWHR = KGR["company/北京经纬恒润"]
CHIP = KGR["company/上海芯片公司"]
HANRUN = KGR["company/江苏涵润"]
SHIBEI_GROUP = KGR["company/上海市北高新集团"]
PROJECT = KGR["project/汽车电子产业项目"]
INCUBATOR = KGR["platform/市北孵化器"]
NT_INSTITUTE = KGR["institution/南通研究院"]
TONGJI = KGR["institution/同济大学"]
FUND = KGR["fund/江苏省战新产业专项母基金"]
SHANGHAI = KGR["city/上海"]
NANTONG = KGR["city/南通"]
JIANGSU = KGR["province/江苏"]
AUTO = KGR["industry/汽车电子"]

ENTITIES = [  # (iri, class, label, aliases, amount, currency)
    (PARK_A, "Park", "上海市北高新（南通）科技城", ["市北科技城"], None, None),
    (PARK_B, "Park", "苏锡通科技产业园区", ["苏锡通园区"], None, None),
    (JWHR, "Company", "北京经纬恒润", ["经纬恒润"], "1000000000", "CNY"),
    (CHIP, "Company", "上海芯片公司", [], "100000000", "USD"),
    (HANRUN, "Company", "江苏涵润", [], "5000000000", "CNY"),
    (SHIBEI_GROUP, "Company", "上海市北高新集团", [], None, None),
    (PROJECT, "Project", "汽车电子产业项目", [], "2000000000", "CNY"),
    (INCUBATOR, "Platform", "市北孵化器", [], None, None),
    (NT_INSTITUTE, "Institution", "南通研究院", [], None, None),
    (TONGJI, "Institution", "同济大学", [], None, None),
    (FUND, "Fund", "江苏省战新产业专项母基金", [], "10000000000", "CNY"),
    (SHANGHAI, "City", "上海", [], None, None),
    (NANTONG, "City", "南通", [], None, None),
    (JIANGSU, "Province", "江苏", [], None, None),
    (AUTO, "Industry", "汽车电子", [], None, None),
]

RELATIONS = [
    (PARK_A, "hosts", JWHR),
    (PARK_A, "hosts", CHIP),
    (PARK_A, "hosts", PROJECT),
    (PARK_A, "hosts", INCUBATOR),
    (PARK_B, "hosts", HANRUN),
    (PARK_B, "hosts", NT_INSTITUTE),
    (FUND, "investsIn", PROJECT),
    (HANRUN, "subsidiaryOf", JWHR),
    (PARK_A, "locatedIn", NANTONG),
    (PARK_B, "locatedIn", NANTONG),
    (NANTONG, "locatedIn", JIANGSU),
    (SHANGHAI, "partnersWith", NANTONG),
    (PARK_A, "cooperatesWith", TONGJI),
    (PARK_A, "focusesOn", AUTO),
    (PARK_A, "developedBy", SHIBEI_GROUP),
]

DOC_0, DOC_1, DOC_2 = "000_6c2b800013318e83", "001_fcb1b967e6373516", "002_f100a908ba4f1a9c"
S_JWHR_0 = "北京经纬恒润的入驻，为市北科技城汽车电子产业集聚注入动力。"
S_JWHR_1 = "经纬恒润已在市北科技城落户。"
S_CHIP = "上海芯片公司入驻市北科技城。"
S_PARTNER = "上海与南通签署合作协议。"
STATEMENTS = [  # (fact id, triple, sentence, document, confidence)
    ("3f2a9c01b2d4", (PARK_A, "hosts", JWHR), S_JWHR_0, DOC_0, "0.8"),
    ("8d01c2e5a7f3", (PARK_A, "hosts", JWHR), S_JWHR_1, DOC_1, "0.6"),
    ("51be0f9c1d22", (PARK_A, "hosts", CHIP), S_CHIP, DOC_1, "0.9"),
    ("a0c4e7d2b119", (SHANGHAI, "partnersWith", NANTONG), S_PARTNER, DOC_2, "0.7"),
]


def entity_part() -> Graph:
    graph = Graph()
    for iri, cls, label, aliases, amount, currency in ENTITIES:
        graph.add((iri, RDF.type, KGO[cls]))
        graph.add((iri, RDFS.label, Literal(label, lang="zh")))
        for alias in aliases:
            graph.add((iri, SKOS.altLabel, Literal(alias, lang="zh")))
        if amount:
            graph.add((iri, KGO.investmentAmount, Literal(Decimal(amount))))
            graph.add((iri, KGO.currency, Literal(currency)))
    for s, relation, o in RELATIONS:
        graph.add((s, KGO[relation], o))
    return graph


def evidence_part(fact=lambda fact_id: KGR[f"fact/{fact_id}"], with_paths=True) -> Graph:
    graph = Graph()
    for fact_id, (s, relation, o), sentence, doc_id, confidence in STATEMENTS:
        statement, doc = fact(fact_id), KGR[f"doc/{doc_id}"]
        graph.add((statement, RDF.type, RDF.Statement))
        graph.add((statement, RDF.subject, s))
        graph.add((statement, RDF.predicate, KGO[relation]))
        graph.add((statement, RDF.object, o))
        graph.add((statement, KGO.evidence, Literal(sentence, lang="zh")))
        graph.add((statement, KGO.confidence, Literal(Decimal(confidence))))
        graph.add((statement, PROV.wasDerivedFrom, doc))
        graph.add((doc, RDF.type, PROV.Entity))
        graph.add((doc, RDF.type, SCHEMA.Article))
        graph.add((doc, RDFS.label, Literal(doc_id)))
        if with_paths:
            graph.add((doc, KGO.sourcePath, Literal(f"data/corpus/{doc_id}.txt")))
    return graph


@pytest.fixture
def graph() -> Graph:
    return entity_part() + evidence_part()


# to_networkx


def test_nodes_are_the_entities_with_their_attributes(graph):
    g = to_networkx(graph)
    assert g.number_of_nodes() == len(ENTITIES)
    assert g.nodes[str(PARK_A)] == {"label": "上海市北高新（南通）科技城", "cls": "Park",
                                    "aliases": ["市北科技城"], "amount": None, "currency": None}
    assert g.nodes[str(CHIP)]["amount"] == Decimal("100000000")
    assert g.nodes[str(CHIP)]["currency"] == "USD"
    assert g.nodes[str(NANTONG)]["cls"] == "City"
    assert str(KGR[f"doc/{DOC_0}"]) not in g   # documents and statements are not entities


def test_edges_are_the_relations_with_evidence(graph):
    g = to_networkx(graph)
    assert g.number_of_edges() == len(RELATIONS) + 2   # the two symmetric relations mirrored
    edge = g.edges[str(PARK_A), str(JWHR), "hosts"]
    assert edge["relation"] == "hosts"
    assert edge["asserted"] is True
    assert edge["evidence"] == [Evidence(S_JWHR_0, DOC_0, 0.8), Evidence(S_JWHR_1, DOC_1, 0.6)]
    assert g.edges[str(FUND), str(PROJECT), "investsIn"]["evidence"] == []


def test_symmetric_relations_appear_both_ways(graph):
    g = to_networkx(graph)
    forward = g.edges[str(SHANGHAI), str(NANTONG), "partnersWith"]
    backward = g.edges[str(NANTONG), str(SHANGHAI), "partnersWith"]
    assert (forward["asserted"], backward["asserted"]) == (True, False)
    assert forward["evidence"] == backward["evidence"] == [Evidence(S_PARTNER, DOC_2, 0.7)]
    assert g.has_edge(str(TONGJI), str(PARK_A), "cooperatesWith")
    assert not g.has_edge(str(NANTONG), str(PARK_A), "locatedIn")   # not symmetric


def test_symmetric_relation_stated_both_ways_keeps_both_triples(graph):
    graph.add((NANTONG, KGO.partnersWith, SHANGHAI))
    g = to_networkx(graph)
    assert g.edges[str(NANTONG), str(SHANGHAI), "partnersWith"]["asserted"] is True
    back = from_networkx(g)
    assert (SHANGHAI, KGO.partnersWith, NANTONG) in back
    assert (NANTONG, KGO.partnersWith, SHANGHAI) in back
    assert len(list(back.subjects(RDF.predicate, KGO.partnersWith))) == 1   # evidence written once


# from_networkx


def test_round_trip_gives_back_the_entities_and_relations(graph):
    back = from_networkx(to_networkx(graph))
    entities = Graph()
    for triple in back:
        if triple[0] in {iri for iri, *_ in ENTITIES}:
            entities.add(triple)
    assert isomorphic(entities, entity_part())


def test_round_trip_gives_back_the_evidence(graph):
    back = from_networkx(to_networkx(graph))
    # statement IRIs are hashes minted anew and source paths are not carried: compare the rest
    facts = {fact_id: BNode() for fact_id, *_ in STATEMENTS}
    expected = entity_part() + evidence_part(fact=facts.__getitem__, with_paths=False)
    renamed = {s: BNode() for s in back.subjects(RDF.type, RDF.Statement)}
    actual = Graph()
    for s, p, o in back:
        actual.add((renamed.get(s, s), p, o))
    assert isomorphic(actual, expected)
    assert to_networkx(back).edges[str(PARK_A), str(JWHR), "hosts"]["evidence"] == \
        to_networkx(graph).edges[str(PARK_A), str(JWHR), "hosts"]["evidence"]


# stats


def test_stats_counts(graph):
    result = stats(graph)
    assert result.triples == len(graph)
    assert result.entities == {"Company": 4, "City": 2, "Institution": 2, "Park": 2, "Fund": 1,
                               "Industry": 1, "Platform": 1, "Project": 1, "Province": 1}
    assert list(result.entities) == ["Company", "City", "Institution", "Park", "Fund",
                                     "Industry", "Platform", "Project", "Province"]
    assert result.relations == {"hosts": 6, "locatedIn": 3, "cooperatesWith": 1, "developedBy": 1,
                                "focusesOn": 1, "investsIn": 1, "partnersWith": 1, "subsidiaryOf": 1}
    assert list(result.relations)[:2] == ["hosts", "locatedIn"]


def test_stats_hubs(graph):
    result = stats(graph, top=6)
    assert result.hubs_by_degree == [
        ("上海市北高新（南通）科技城", "Park", 8),
        ("南通", "City", 4),
        ("苏锡通科技产业园区", "Park", 3),
        ("北京经纬恒润", "Company", 2),
        ("江苏涵润", "Company", 2),
        ("汽车电子产业项目", "Project", 2),
    ]
    labels = [label for label, _, _ in result.hubs_by_betweenness]
    assert labels[:2] == ["上海市北高新（南通）科技城", "南通"]
    assert "上海芯片公司" not in labels   # a leaf lies on no shortest path
    values = [value for *_, value in result.hubs_by_betweenness]
    assert values == sorted(values, reverse=True)


def test_stats_park_rankings(graph):
    result = stats(graph)
    assert result.parks_by_hosted == [("上海市北高新（南通）科技城", 4), ("苏锡通科技产业园区", 2)]
    assert result.parks_by_investment == {   # the fund invests but is hosted by no park
        "CNY": [("苏锡通科技产业园区", Decimal("5000000000")),
                ("上海市北高新（南通）科技城", Decimal("3000000000"))],
        "USD": [("上海市北高新（南通）科技城", Decimal("100000000"))],
    }
    assert stats(graph, top=1).parks_by_hosted == [("上海市北高新（南通）科技城", 4)]


def test_stats_communities_are_deterministic_and_cover_the_graph(graph):
    first, second = stats(graph), stats(graph)
    assert first.communities == second.communities
    assert sum(size for size, _ in first.communities) == len(ENTITIES)
    sizes = [size for size, _ in first.communities]
    assert sizes == sorted(sizes, reverse=True)
    park_community = next(members for _, members in first.communities if "上海市北高新（南通）科技城" in members)
    assert park_community[0] == "上海市北高新（南通）科技城"   # members ranked by degree


# find_entity and shortest_paths


def test_find_entity_by_label_alias_or_unique_substring(graph):
    assert find_entity(graph, "北京经纬恒润") == JWHR
    assert find_entity(graph, "经纬恒润") == JWHR          # alias
    assert find_entity(graph, "南通") == NANTONG            # exact wins over 南通研究院
    assert find_entity(graph, "芯片") == CHIP               # unique substring
    assert find_entity(graph, " 苏锡通园区 ") == PARK_B


def test_ambiguous_name_lists_candidates(graph):
    with pytest.raises(LookupError) as raised:
        find_entity(graph, "润")
    assert "北京经纬恒润 (Company)" in str(raised.value)
    assert "江苏涵润 (Company)" in str(raised.value)
    assert raised.value.candidates == ["北京经纬恒润 (Company)", "江苏涵润 (Company)"]


def test_unknown_name_suggests_near_names(graph):
    with pytest.raises(LookupError) as raised:
        find_entity(graph, "经纬恒达")
    assert "no entity named '经纬恒达'" in str(raised.value)
    assert "北京经纬恒润 (Company)" in str(raised.value)
    with pytest.raises(LookupError, match="no entity named 'ABB'"):
        shortest_paths(graph, "ABB", "南通")


def test_shortest_path_between_companies_runs_through_their_park(graph):
    paths = shortest_paths(graph, "上海芯片公司", "经纬恒润", limit=1)
    assert paths == [[
        Hop("上海市北高新（南通）科技城", "hosts", "上海芯片公司", "backward", [Evidence(S_CHIP, DOC_1, 0.9)]),
        Hop("上海市北高新（南通）科技城", "hosts", "北京经纬恒润", "forward",
            [Evidence(S_JWHR_0, DOC_0, 0.8), Evidence(S_JWHR_1, DOC_1, 0.6)]),
    ]]


def test_shortest_paths_come_shortest_first(graph):
    paths = shortest_paths(graph, "上海芯片公司", "经纬恒润")
    assert [len(path) for path in paths] == [2, 5]   # only these two simple paths exist
    # 芯片 ← 市北科技城 → 南通 ← 苏锡通园区 → 江苏涵润 → 经纬恒润
    assert [(hop.relation, hop.direction) for hop in paths[1]] == [
        ("hosts", "backward"), ("locatedIn", "forward"), ("locatedIn", "backward"),
        ("hosts", "forward"), ("subsidiaryOf", "forward")]


def test_shortest_path_over_a_symmetric_relation(graph):
    [path] = shortest_paths(graph, "南通", "上海")
    assert path == [Hop("上海", "partnersWith", "南通", "backward", [Evidence(S_PARTNER, DOC_2, 0.7)])]


def test_no_path_gives_no_paths(graph):
    graph.add((KGR["company/孤立公司"], RDF.type, KGO.Company))
    graph.add((KGR["company/孤立公司"], RDFS.label, Literal("孤立公司", lang="zh")))
    assert shortest_paths(graph, "孤立公司", "南通") == []


# GraphML


def test_graphml_reads_back_with_scalar_attributes(graph, tmp_path):
    path = tmp_path / "graph.graphml"
    write_graphml(graph, path)
    g = nx.read_graphml(path)
    assert g.number_of_nodes() == len(ENTITIES)
    assert g.number_of_edges() == len(RELATIONS)   # one edge per stated triple
    park = g.nodes[str(PARK_A)]
    assert (park["label"], park["cls"], park["aliases"]) == ("上海市北高新（南通）科技城", "Park", "市北科技城")
    assert g.nodes[str(CHIP)]["amount"] == 100000000.0
    assert g.nodes[str(CHIP)]["currency"] == "USD"
    assert {g.nodes[n]["cls"] for n in g} >= {"Park", "Company", "City", "Fund"}
    relations = sorted(data["relation"] for *_, data in g.edges(data=True))
    assert relations.count("hosts") == 6 and relations.count("partnersWith") == 1
