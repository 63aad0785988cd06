"""Facts an analyst would check in the corpus graph, asked in SPARQL (rdflib) of graph.ttl.

Each test names the article sentence it rests on; a failure means the extractor missed
(or mangled) a fact that the corpus states plainly.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from kg.vocab import PREFIXES, RELATIONS

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

PROLOGUE = "\n".join(f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items()) + "\n"


def ask(graph, body: str) -> bool:
    return bool(graph.query(PROLOGUE + "ASK {" + body + "}").askAnswer)


def select(graph, query: str) -> list[tuple]:
    return [tuple(row) for row in graph.query(PROLOGUE + query)]


def test_nantong_science_city_hosts_jingwei_hirain(corpus_graph):
    """000: 2017年，经纬恒润在市北科技城成立全资子公司江苏涵润 … 北京经纬恒润的入驻"""
    assert ask(corpus_graph, """
        ?park a kgo:Park ; rdfs:label "上海市北高新（南通）科技城"@zh ; kgo:hosts ?firm .
        { ?firm rdfs:label ?name } UNION { ?firm skos:altLabel ?name }
        FILTER(CONTAINS(STR(?name), "经纬恒润"))
    """)


def test_shanghai_and_nantong_partner(corpus_graph):
    """000: 携手沪通两地 … 促进沪通两地在“品牌、项目、资金、资源、人才”等方面合作"""
    assert ask(corpus_graph, """
        ?sh rdfs:label "上海市"@zh . ?nt rdfs:label "南通市"@zh .
        { ?sh kgo:partnersWith ?nt } UNION { ?nt kgo:partnersWith ?sh }
    """)


def test_jingan_is_in_shanghai(corpus_graph):
    """000: 上海市闸北区（现静安区）"""
    assert ask(corpus_graph, """
        ?d rdfs:label "静安区"@zh ; kgo:locatedIn ?sh . ?sh rdfs:label "上海市"@zh .
    """)


def test_suxitong_park_focuses_on_electronic_information(corpus_graph):
    """001: 苏锡通科技产业园区 … 电子信息"""
    assert ask(corpus_graph, """
        ?park a kgo:Park ; rdfs:label "苏锡通科技产业园区"@zh ; kgo:focusesOn ?i .
        ?i a kgo:Industry ; rdfs:label "电子信息"@zh .
    """)


@pytest.mark.parametrize("relation", RELATIONS)
def test_every_relation_occurs(corpus_graph, relation):
    count = select(corpus_graph, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s kgo:{relation} ?o }}")[0][0]
    assert int(count) >= 1, f"no kgo:{relation} triple in the corpus graph"


def test_baiyouda_amount(corpus_graph):
    """000: 总投资5亿元的百优达生命科技"""
    found = select(corpus_graph, """
        SELECT ?amount ?currency WHERE {
            ?firm rdfs:label "百优达生命科技"@zh ; kgo:investmentAmount ?amount ; kgo:currency ?currency .
        }""")
    assert len(found) == 1, found
    amount, currency = found[0]
    assert amount.toPython() == Decimal(500000000)
    assert str(currency) == "CNY"

