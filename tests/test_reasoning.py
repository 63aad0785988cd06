"""RDFS reasoning over the built graph and the ontology gives the superclass facts.

The build types each entity with one kgo class only (docs/graph-shape.md); the superclasses
and the schema.org / W3C ORG alignments live in ontology/parkkg.ttl. An RDFS closure
(owlrl, a dev dependency) of the two must type every city, district, province and country
as a kgo:Region and every organisation as the schema.org and ORG classes the ontology
aligns it with, so that a consumer with a reasoner can ask for schema:Organization.
"""
from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Namespace, URIRef

from kg.analysis import to_networkx
from kg.vocab import CLASSES, KGO, REGION_CLASSES

from conftest import ROOT

owlrl = pytest.importorskip("owlrl", reason="owlrl is a dev dependency (pip install -e '.[dev]')")

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ONTOLOGY = ROOT / "ontology" / "parkkg.ttl"
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")

#: the alignments of the organisation classes, as the ontology declares them today
ORGANISATIONS = {
    "Company": {SCHEMA.Organization, SCHEMA.Corporation, ORG.Organization},
    "Fund": {SCHEMA.Organization, SCHEMA.InvestmentFund},
    "Institution": {SCHEMA.Organization},
    "Platform": {SCHEMA.Organization},
    "GovernmentBody": {SCHEMA.GovernmentOrganization, ORG.Organization},
}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


@pytest.fixture(scope="module")
def closure(corpus_graph, ontology) -> Graph:
    """graph.ttl + the ontology, closed under the RDFS rules."""
    graph = Graph()
    for triple in corpus_graph:
        graph.add(triple)
    graph += ontology
    owlrl.DeductiveClosure(owlrl.RDFS_Semantics).expand(graph)
    return graph


def instances(graph: Graph, cls: str) -> set:
    return {node for node in graph.subjects(RDF.type, KGO[cls]) if isinstance(node, URIRef)}


def declared_superclasses(ontology: Graph, cls: URIRef) -> set[URIRef]:
    """Every named class above `cls` in the ontology's rdfs:subClassOf (not the anonymous unions)."""
    found = set(ontology.transitive_objects(cls, RDFS.subClassOf)) - {cls}
    return {c for c in found if isinstance(c, URIRef)}


@pytest.mark.parametrize("cls", sorted(REGION_CLASSES - {"Region"}))
def test_every_region_subclass_node_becomes_a_region(corpus_graph, closure, cls):
    nodes = instances(corpus_graph, cls)
    if cls != "Province":     # the corpus names provinces in passing; the others it needs
        assert nodes, f"the corpus has no kgo:{cls}"
    for node in nodes:
        assert (node, RDF.type, KGO.Region) in closure, node
        assert (node, RDF.type, SCHEMA.Place) in closure, node
    assert nodes <= instances(closure, "Region")


def test_the_regions_after_closure_are_exactly_the_regions_and_their_kinds(corpus_graph, closure):
    stated = set().union(*(instances(corpus_graph, cls) for cls in REGION_CLASSES))
    assert instances(closure, "Region") == stated
    # the build does not state the superclass itself: the closure is what adds it
    assert any((node, RDF.type, KGO.Region) not in corpus_graph for node in stated)


@pytest.mark.parametrize("cls", sorted(ORGANISATIONS))
def test_every_organisation_gets_its_alignments(corpus_graph, ontology, closure, cls):
    expected = declared_superclasses(ontology, KGO[cls])
    assert ORGANISATIONS[cls] <= expected, f"the ontology no longer aligns kgo:{cls} as documented"
    nodes = instances(corpus_graph, cls)
    assert nodes, f"the corpus has no kgo:{cls}"
    for node in nodes:
        missing = {c for c in expected if (node, RDF.type, c) not in closure}
        assert not missing, f"{node} lacks {sorted(missing)}"


def test_every_class_gets_every_declared_superclass(corpus_graph, ontology, closure):
    for cls in CLASSES:
        expected = declared_superclasses(ontology, KGO[cls])
        for node in instances(corpus_graph, cls):
            assert expected <= set(closure.objects(node, RDF.type)), (cls, node)


def test_schema_organization_finds_the_organisations(corpus_graph, closure):
    """What a reasoning consumer gets for `?x a schema:Organization`."""
    organisations = set(closure.subjects(RDF.type, SCHEMA.Organization))
    for cls, alignments in ORGANISATIONS.items():
        if SCHEMA.Organization in alignments:
            assert instances(corpus_graph, cls) <= organisations, cls
    for cls in ("Park", "Project", "Industry", *REGION_CLASSES):
        assert not instances(corpus_graph, cls) & organisations, cls


def test_the_ontology_classes_are_owl_classes(ontology):
    for cls in CLASSES:
        assert (KGO[cls], RDF.type, OWL.Class) in ontology, cls


def test_analysis_reads_a_closed_graph_as_the_built_one(corpus_graph, closure):
    """With kgo:Region and rdfs:Resource added, each entity keeps its most specific class."""
    built = {node: attrs["cls"] for node, attrs in to_networkx(corpus_graph).nodes(data=True)}
    closed = {node: attrs["cls"] for node, attrs in to_networkx(closure).nodes(data=True)}
    assert {node: closed[node] for node in built} == built
