"""The ontology (ontology/parkkg.ttl) and its SHACL shapes (ontology/shapes.ttl).

Checks that both files parse in rdflib and Oxigraph, that the ontology declares exactly
the terms of kg.vocab.KGO with Chinese and English labels, that the shapes are well-formed
SHACL, and that they accept a graph of the shape in docs/graph-shape.md and reject one with
the usual mistakes, each reported on the right node and path.
"""
from __future__ import annotations

import pathlib
import re

import pyoxigraph
import pyshacl
import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS, SH

from kg import vocab
from kg.vocab import KGO

ROOT = pathlib.Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology" / "parkkg.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"
CONTRACT = ROOT.parent / "shared" / "ontology-contract.md"

NS = str(vocab.NS)
KGR = vocab.KGR
PROV = vocab.PROV
SCHEMA = vocab.SCHEMA
SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
KGS = rdflib.Namespace("https://w3id.org/parkkg/shapes#")

#: provenance terms the project added to the contract's vocabulary
PROVENANCE = {"evidence", "confidence", "sourcePath"}
DECLARATIONS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)

# pyshacl calls rdflib APIs that rdflib 7 deprecates, thousands of times per validation
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY, format="turtle")


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(SHAPES, format="turtle")


def vocab_terms() -> list[str]:
    return [name for name in KGO.__annotations__ if not name.startswith("_")]


def kgo_terms_declared(g: rdflib.Graph) -> set[str]:
    return {str(s)[len(NS):] for kind in DECLARATIONS for s in g.subjects(RDF.type, kind)
            if isinstance(s, URIRef) and str(s).startswith(NS)}


def union_members(g: rdflib.Graph, node) -> set:
    """The classes a domain/range stands for: itself, or the members of its owl:unionOf."""
    union = g.value(node, OWL.unionOf)
    return set(Collection(g, union)) if union is not None else {node}


# ---------------------------------------------------------------------------
# parsing
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("path", [ONTOLOGY, SHAPES], ids=["parkkg.ttl", "shapes.ttl"])
def test_parses_the_same_in_rdflib_and_oxigraph(path):
    g = rdflib.Graph().parse(path, format="turtle")
    quads = list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(g) > 0
    assert len(quads) == len(g)
    # and the same triples, read back through N-Triples
    nt = pyoxigraph.serialize(quads, format=pyoxigraph.RdfFormat.N_TRIPLES)
    assert isomorphic(g, rdflib.Graph().parse(data=nt, format="nt"))


def test_ontology_header(ontology):
    onto = URIRef("https://w3id.org/parkkg/ontology")
    assert (onto, RDF.type, OWL.Ontology) in ontology
    assert {l.language for l in ontology.objects(onto, RDFS.label)} >= {"zh", "en"}
    assert ontology.value(onto, RDFS.comment) is not None
    assert ontology.value(onto, OWL.versionInfo) is not None


# ---------------------------------------------------------------------------
# the ontology and kg.vocab name the same terms
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", vocab_terms())
def test_every_vocab_term_is_declared_with_labels(ontology, name):
    term = KGO[name]
    kinds = set(ontology.objects(term, RDF.type)) & set(DECLARATIONS)
    assert len(kinds) == 1, f"{name} is not declared as exactly one of class/object/datatype property"
    labels = {l.language for l in ontology.objects(term, RDFS.label)}
    assert {"zh", "en"} <= labels, f"{name} lacks a @zh or @en label"
    comments = [c for c in ontology.objects(term, RDFS.comment) if c.language == "en"]
    assert comments, f"{name} has no English rdfs:comment"


def test_every_declared_kgo_term_is_in_vocab(ontology):
    assert kgo_terms_declared(ontology) <= set(vocab_terms())


def test_no_undeclared_kgo_iri_is_used(ontology, shapes):
    """A typo such as kgo:host in either file would mint a term nobody declared."""
    declared = kgo_terms_declared(ontology)
    for g in (ontology, shapes):
        used = {str(t)[len(NS):] for triple in g for t in triple
                if isinstance(t, URIRef) and str(t).startswith(NS)}
        assert used <= declared, used - declared


def test_vocab_lists_match_the_ontology(ontology):
    classes = {n for n in kgo_terms_declared(ontology) if (KGO[n], RDF.type, OWL.Class) in ontology}
    assert classes == set(vocab.CLASSES)
    objprops = {n for n in kgo_terms_declared(ontology) if (KGO[n], RDF.type, OWL.ObjectProperty) in ontology}
    assert objprops - PROVENANCE == set(vocab.RELATIONS)
    symmetric = {str(s)[len(NS):] for s in ontology.subjects(RDF.type, OWL.SymmetricProperty)}
    assert symmetric == set(vocab.SYMMETRIC) == {"partnersWith", "cooperatesWith"}
    regions = {str(s)[len(NS):] for s in ontology.subjects(RDFS.subClassOf, KGO.Region)}
    assert regions | {"Region"} == set(vocab.REGION_CLASSES)


@pytest.mark.skipif(not CONTRACT.exists(), reason="the shared contract is not next to the project")
def test_every_contract_term_is_declared(ontology):
    named = set(re.findall(r"`kgo:(\w+)`", CONTRACT.read_text(encoding="utf-8")))
    assert named, "no kgo: terms found in the contract"
    assert named <= kgo_terms_declared(ontology)


def test_properties_have_domain_and_range(ontology):
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for prop in ontology.subjects(RDF.type, kind):
            assert ontology.value(prop, RDFS.domain) is not None, prop
            assert ontology.value(prop, RDFS.range) is not None, prop


def test_domains_and_ranges_follow_the_contract(ontology):
    def dom(p):
        return union_members(ontology, ontology.value(KGO[p], RDFS.domain))

    def rng(p):
        return union_members(ontology, ontology.value(KGO[p], RDFS.range))

    assert dom("hosts") == {KGO.Park}
    assert rng("hosts") == {KGO.Company, KGO.Institution, KGO.Platform, KGO.Project, KGO.Park}
    assert rng("focusesOn") == {KGO.Industry}
    assert rng("locatedIn") == {KGO.Region}
    assert dom("subsidiaryOf") == rng("subsidiaryOf") == {KGO.Company}
    assert rng("developedBy") == {KGO.Company, KGO.GovernmentBody}
    assert rng("investsIn") == {KGO.Project, KGO.Company, KGO.Fund}
    assert dom("investmentAmount") == dom("currency") == {KGO.Project, KGO.Company, KGO.Fund}
    assert rng("investmentAmount") == {rdflib.XSD.decimal}
    assert rng("currency") == {rdflib.XSD.string}
    assert rng("confidence") == {rdflib.XSD.decimal}
    assert rng("evidence") == {RDF.langString}
    for p in vocab.SYMMETRIC:
        assert dom(p) == rng(p)


def test_locatedIn_is_not_transitive(ontology):
    assert (KGO.locatedIn, RDF.type, OWL.TransitiveProperty) not in ontology


def test_alignment(ontology):
    def supers(c):
        return set(ontology.objects(KGO[c], RDFS.subClassOf))

    for c in ("Country", "Province", "City", "District"):
        assert KGO.Region in supers(c)
    assert {SCHEMA.Place, SCHEMA.AdministrativeArea} <= supers("Region")
    assert {SCHEMA.Organization, SCHEMA.Corporation, vocab.ORG.Organization} <= supers("Company")
    assert SCHEMA.GovernmentOrganization in supers("GovernmentBody")
    assert SCHEMA.Place in supers("Park")
    assert SCHEMA.Person in supers("Person")
    assert SCHEMA.Project in supers("Project")


def test_provenance_terms_are_marked_as_additions(ontology):
    for name in PROVENANCE:
        notes = " ".join(ontology.objects(KGO[name], SKOS.editorialNote))
        assert "not a term of the ontology contract" in notes, name


# ---------------------------------------------------------------------------
# the shapes
# ---------------------------------------------------------------------------

def test_shapes_are_well_formed_shacl(shapes):
    """Validate the shapes graph against the W3C SHACL-SHACL meta shapes."""
    conforms, _, text = pyshacl.entrypoints.meta_validate(shapes)
    assert conforms, text


def test_shapes_target_every_kgo_class(shapes):
    targets = {str(c)[len(NS):] for c in shapes.objects(KGS.EntityShape, SH.targetClass)}
    assert targets == set(vocab.CLASSES)
    relations = {str(p)[len(NS):] for p in shapes.objects(None, SH.targetSubjectsOf)}
    assert set(vocab.RELATIONS) <= relations


def test_every_property_shape_has_a_name_and_message(shapes):
    prop_shapes = set(shapes.objects(None, SH.property))
    assert prop_shapes
    for ps in prop_shapes:
        assert shapes.value(ps, SH.name) is not None, ps
        # the message is on the shape, or on its SPARQL constraint
        own = shapes.value(ps, SH.message)
        sparql = [shapes.value(c, SH.message) for c in shapes.objects(ps, SH.sparql)]
        assert (own is not None) != bool(sparql), ps
        assert all(m is not None for m in sparql), ps


PREFIXES = """
@prefix kgo:    <https://w3id.org/parkkg/ontology#> .
@prefix kgr:    <https://w3id.org/parkkg/resource/> .
@prefix rdf:    <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs:   <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos:   <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd:    <http://www.w3.org/2001/XMLSchema#> .
@prefix prov:   <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
""" + "".join(f"@prefix {p}: <https://w3id.org/parkkg/resource/{p}/> .\n" for p in (
    "park", "company", "region", "country", "province", "city", "district", "fund", "project",
    "institution", "platform", "gov", "industry", "person", "fact", "doc", "x"))

# A small graph in the shape of docs/graph-shape.md, using all eight relations.
GOOD = PREFIXES + """
park:市北科技城 a kgo:Park ;
    rdfs:label "上海市北高新（南通）科技城"@zh ;
    skos:altLabel "市北科技城"@zh , "科技城"@zh ;
    kgo:hosts company:北京经纬恒润 ;
    kgo:developedBy company:上海市北高新集团 ;
    kgo:locatedIn district:港闸区 ;
    kgo:cooperatesWith institution:同济大学 ;
    kgo:focusesOn industry:汽车电子 .
company:北京经纬恒润 a kgo:Company ;
    rdfs:label "北京经纬恒润"@zh ;
    skos:altLabel "经纬恒润"@zh ;
    kgo:investmentAmount "1000000000"^^xsd:decimal ;
    kgo:currency "CNY" .
company:江苏涵润 a kgo:Company ;
    rdfs:label "江苏涵润汽车电子有限公司"@zh ;
    kgo:subsidiaryOf company:北京经纬恒润 .
company:上海市北高新集团 a kgo:Company ; rdfs:label "上海市北高新集团"@zh .
institution:同济大学 a kgo:Institution ; rdfs:label "同济大学"@zh .
industry:汽车电子 a kgo:Industry ; rdfs:label "汽车电子"@zh .
fund:母基金 a kgo:Fund ;
    rdfs:label "江苏省战新产业专项母基金"@zh ;
    kgo:investsIn project:云院 .
project:云院 a kgo:Project ;
    rdfs:label "市北高新云院"@zh ;
    kgo:investmentAmount "500000000"^^xsd:decimal ;
    kgo:currency "CNY" .
district:港闸区 a kgo:District ; rdfs:label "港闸区"@zh ; kgo:locatedIn city:南通 .
city:南通 a kgo:City ; rdfs:label "南通市"@zh ; skos:altLabel "南通"@zh .
city:上海 a kgo:City ; rdfs:label "上海市"@zh ; kgo:partnersWith city:南通 .
# Region with one of its subclasses is allowed
province:江苏 a kgo:Region , kgo:Province ; rdfs:label "江苏省"@zh .
person:罗岚 a kgo:Person ; rdfs:label "罗岚"@zh .

fact:0001 a rdf:Statement ;
    rdf:subject park:市北科技城 ; rdf:predicate kgo:hosts ; rdf:object company:北京经纬恒润 ;
    kgo:evidence "北京经纬恒润的入驻，为市北科技城汽车电子产业发展注入动力。"@zh ;
    kgo:confidence "0.8"^^xsd:decimal ;
    prov:wasDerivedFrom doc:000 .
# a symmetric relation reified the other way round
fact:0002 a rdf:Statement ;
    rdf:subject city:南通 ; rdf:predicate kgo:partnersWith ; rdf:object city:上海 ;
    kgo:evidence "上海与南通签署合作协议。"@zh ;
    kgo:confidence "1.0"^^xsd:decimal ;
    prov:wasDerivedFrom doc:000 .
doc:000 a prov:Entity , schema:Article ;
    rdfs:label "000" ;
    kgo:sourcePath "data/corpus/000.txt" .
"""

# The same kinds of nodes, each with one mistake (and a couple more).
BROKEN = PREFIXES + """
company:两个名字 a kgo:Company ;
    rdfs:label "两个名字有限公司"@zh , "两个名字"@zh .
project:字符串金额 a kgo:Project ;
    rdfs:label "字符串金额项目"@zh ;
    kgo:investmentAmount "5亿元" ;
    kgo:currency "CNY" .
park:无语言标签 a kgo:Park ;
    rdfs:label "无语言标签园区" ;
    kgo:focusesOn company:两个名字 .
fact:0003 a rdf:Statement ;
    rdf:subject park:无语言标签 ; rdf:predicate kgo:focusesOn ; rdf:object company:两个名字 ;
    kgo:confidence "0.5"^^xsd:decimal ;
    prov:wasDerivedFrom doc:001 .
doc:001 a prov:Entity ; kgo:sourcePath "data/corpus/001.txt" .
"""


def validate(data: str, **kwargs) -> tuple[bool, rdflib.Graph]:
    g = rdflib.Graph().parse(data=data, format="turtle")
    conforms, results, _ = pyshacl.validate(g, shacl_graph=str(SHAPES), shacl_graph_format="turtle",
                                            **kwargs)
    return conforms, results


def reported(results: rdflib.Graph) -> set[tuple]:
    """(focus node, result path or None, constraint component) of every result."""
    out = set()
    for r in results.subjects(RDF.type, SH.ValidationResult):
        out.add((results.value(r, SH.focusNode), results.value(r, SH.resultPath),
                 results.value(r, SH.sourceConstraintComponent)))
    return out


def messages(results: rdflib.Graph) -> list[str]:
    """The message of every result; each result has exactly one."""
    out = []
    for r in results.subjects(RDF.type, SH.ValidationResult):
        found = list(results.objects(r, SH.resultMessage))
        assert len(found) == 1, found
        out += found
    return [str(m) for m in out]


def test_a_graph_of_the_documented_shape_conforms():
    conforms, results = validate(GOOD)
    assert conforms, reported(results)


def test_the_ontology_and_the_shapes_agree_under_rdfs_inference(ontology):
    """With the ontology merged and RDFS inference (kgo:City also a kgo:Region) it still conforms."""
    conforms, results = validate(GOOD, ont_graph=ontology, inference="rdfs")
    assert conforms, reported(results)


def test_each_mistake_is_reported_where_it_is():
    conforms, results = validate(BROKEN)
    assert not conforms
    found = reported(results)
    two_names = KGR["company/两个名字"]
    string_amount = KGR["project/字符串金额"]
    no_lang = KGR["park/无语言标签"]
    statement = KGR["fact/0003"]
    expected = {
        # two rdfs:labels
        (two_names, RDFS.label, SH.MaxCountConstraintComponent),
        # an amount as a string
        (string_amount, KGO.investmentAmount, SH.DatatypeConstraintComponent),
        # a label without @zh
        (no_lang, RDFS.label, SH.LanguageInConstraintComponent),
        # focusesOn pointing to a Company
        (no_lang, KGO.focusesOn, SH.ClassConstraintComponent),
        # a statement without evidence
        (statement, KGO.evidence, SH.MinCountConstraintComponent),
    }
    assert expected <= found, expected - found
    # the focusesOn result names the wrong object
    values = {results.value(r, SH.value) for r in results.subjects(SH.resultPath, KGO.focusesOn)}
    assert values == {two_names}
    # messages read as English sentences, not as constraint-component names
    assert all(re.search(r"[a-z]+ [a-z]+", m) for m in messages(results))


def test_two_kgo_classes_on_one_node_are_reported():
    data = PREFIXES + """
    x:两栖 a kgo:Park , kgo:Company ; rdfs:label "两栖"@zh .
    x:城区 a kgo:City , kgo:District ; rdfs:label "城区"@zh .
    x:国家 a kgo:Region , kgo:Country ; rdfs:label "中国"@zh .
    """
    conforms, results = validate(data)
    assert not conforms
    focus = {f for f, _, c in reported(results) if c == SH.SPARQLConstraintComponent}
    assert focus == {KGR["x/两栖"], KGR["x/城区"]}
    assert any("is both a" in m for m in messages(results))


@pytest.mark.parametrize("snippet, focus, path", [
    # locatedIn must point to a region
    ('park:a a kgo:Park ; rdfs:label "甲园"@zh ; kgo:locatedIn park:b .'
     'park:b a kgo:Park ; rdfs:label "乙园"@zh .', "park/a", KGO.locatedIn),
    # subsidiaryOf is between companies
    ('company:a a kgo:Company ; rdfs:label "甲公司"@zh ; kgo:subsidiaryOf gov:b .'
     'gov:b a kgo:GovernmentBody ; rdfs:label "乙局"@zh .', "company/a", KGO.subsidiaryOf),
    # cooperatesWith needs an institution at one end
    ('company:a a kgo:Company ; rdfs:label "甲公司"@zh ; kgo:cooperatesWith company:b .'
     'company:b a kgo:Company ; rdfs:label "乙公司"@zh .', "company/a", KGO.cooperatesWith),
    # an untyped object
    ('park:a a kgo:Park ; rdfs:label "甲园"@zh ; kgo:hosts company:nothing .', "park/a", KGO.hosts),
    # an alias in English
    ('company:a a kgo:Company ; rdfs:label "甲公司"@zh ; skos:altLabel "Jia"@en .', "company/a", SKOS.altLabel),
    # currency not an ISO code
    ('company:a a kgo:Company ; rdfs:label "甲公司"@zh ; kgo:investmentAmount 5.0 ; kgo:currency "元" .',
     "company/a", KGO.currency),
    # a negative amount
    ('company:a a kgo:Company ; rdfs:label "甲公司"@zh ; kgo:investmentAmount -5.0 ; kgo:currency "CNY" .',
     "company/a", KGO.investmentAmount),
    # an amount on an industry
    ('industry:a a kgo:Industry ; rdfs:label "新能源"@zh ; kgo:investmentAmount 5.0 ; kgo:currency "CNY" .',
     "industry/a", None),
    # an entity without a label
    ('company:a a kgo:Company .', "company/a", RDFS.label),
])
def test_other_mistakes_are_reported(snippet, focus, path):
    conforms, results = validate(PREFIXES + snippet)
    assert not conforms
    assert (KGR[focus], path) in {(f, p) for f, p, _ in reported(results)}, reported(results)
    messages(results)


STATEMENT = """
park:a a kgo:Park ; rdfs:label "甲园"@zh ; kgo:hosts company:b .
company:b a kgo:Company ; rdfs:label "乙公司"@zh .
doc:1 a prov:Entity ; kgo:sourcePath "1.txt" .
fact:1 a rdf:Statement ;
    rdf:subject park:a ; rdf:predicate kgo:hosts ; rdf:object company:b ;
    kgo:evidence "乙公司入驻甲园。"@zh ; kgo:confidence 0.9 ;
    prov:wasDerivedFrom doc:1 .
"""


@pytest.mark.parametrize("old, new, path, component", [
    ("kgo:confidence 0.9", "kgo:confidence 1.5", KGO.confidence, SH.MaxInclusiveConstraintComponent),
    ("kgo:confidence 0.9", 'kgo:confidence "0.9"', KGO.confidence, SH.DatatypeConstraintComponent),
    ('kgo:evidence "乙公司入驻甲园。"@zh ;', "", KGO.evidence, SH.MinCountConstraintComponent),
    ('"乙公司入驻甲园。"@zh', '"乙公司入驻甲园。"@zh , "又一句"@zh', KGO.evidence, SH.MaxCountConstraintComponent),
    ('"乙公司入驻甲园。"@zh', '"乙公司入驻甲园。"', KGO.evidence, SH.DatatypeConstraintComponent),
    ("kgo:confidence 0.9 ;\n    prov:wasDerivedFrom doc:1 .", "kgo:confidence 0.9 .",
     PROV.wasDerivedFrom, SH.MinCountConstraintComponent),
    ("rdf:predicate kgo:hosts", "rdf:predicate rdfs:label", RDF.predicate, SH.InConstraintComponent),
    ("rdf:object company:b ;", "rdf:object company:b , park:a ;", RDF.object, SH.MaxCountConstraintComponent),
    ("rdf:subject park:a ;", "", RDF.subject, SH.MinCountConstraintComponent),
    # the reified triple is not in the graph
    ("; kgo:hosts company:b .", ".", None, SH.SPARQLConstraintComponent),
])
def test_statement_mistakes_are_reported(old, new, path, component):
    assert validate(PREFIXES + STATEMENT)[0]
    broken = STATEMENT.replace(old, new, 1)
    assert broken != STATEMENT
    conforms, results = validate(PREFIXES + broken)
    assert not conforms
    assert (KGR["fact/1"], path, component) in reported(results), reported(results)
    messages(results)


def test_a_document_needs_a_source_path():
    conforms, results = validate(PREFIXES + STATEMENT.replace('kgo:sourcePath "1.txt"', "rdfs:label \"1\""))
    assert not conforms
    assert (KGR["doc/1"], KGO.sourcePath, SH.MinCountConstraintComponent) in reported(results)


# ---------------------------------------------------------------------------
# inference
# ---------------------------------------------------------------------------

def test_rdfs_inference_makes_a_city_a_region(ontology):
    owlrl = pytest.importorskip("owlrl")
    g = rdflib.Graph()
    g += ontology
    city = KGR["city/南通"]
    g.add((city, RDF.type, KGO.City))
    g.add((city, RDFS.label, Literal("南通市", lang="zh")))
    g.add((KGR["park/市北科技城"], KGO.locatedIn, city))
    owlrl.DeductiveClosure(owlrl.RDFS_Semantics).expand(g)
    assert (city, RDF.type, KGO.Region) in g
    assert (city, RDF.type, SCHEMA.Place) in g
    # a domain that is a union says nothing about a single class: no kgo:Park is made up
    assert (KGR["park/市北科技城"], RDF.type, KGO.Park) not in g
