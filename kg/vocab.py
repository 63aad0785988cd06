"""The vocabulary of the ontology contract (../shared/ontology-contract.md) as Python terms.

`KGO` is a closed namespace: a mistyped term such as ``KGO.host`` raises at once
instead of silently minting a new IRI.

The shape of the graph that `kg build` writes with these terms (entities, relations,
evidence statements, documents) is described in docs/graph-shape.md (GRAPHSHAPE).
"""
from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

KGR = Namespace("https://w3id.org/parkkg/resource/")
PROV = Namespace("http://www.w3.org/ns/prov#")
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")


class KGO(DefinedNamespace):
    """Classes and properties of the parkkg ontology (ontology/parkkg.ttl)."""

    _fail = True
    _NS = Namespace("https://w3id.org/parkkg/ontology#")

    # classes
    Park: URIRef
    Company: URIRef
    Region: URIRef
    Country: URIRef
    Province: URIRef
    City: URIRef
    District: URIRef
    Fund: URIRef
    Project: URIRef
    Institution: URIRef
    Platform: URIRef
    GovernmentBody: URIRef
    Industry: URIRef
    Person: URIRef
    # relations
    hosts: URIRef
    partnersWith: URIRef
    investsIn: URIRef
    locatedIn: URIRef
    developedBy: URIRef
    subsidiaryOf: URIRef
    cooperatesWith: URIRef
    focusesOn: URIRef
    # values
    investmentAmount: URIRef
    currency: URIRef
    # provenance (added by the project; see ontology/parkkg.ttl)
    confidence: URIRef
    evidence: URIRef
    sourcePath: URIRef


NS = KGO._NS

#: entity classes, by local name, as used throughout the pipeline
CLASSES = ("Park", "Company", "Region", "Country", "Province", "City", "District", "Fund",
           "Project", "Institution", "Platform", "GovernmentBody", "Industry", "Person")
REGION_CLASSES = frozenset({"Region", "Country", "Province", "City", "District"})

#: the eight relations of the contract, by local name
RELATIONS = ("hosts", "partnersWith", "investsIn", "locatedIn", "developedBy",
             "subsidiaryOf", "cooperatesWith", "focusesOn")
SYMMETRIC = frozenset({"partnersWith", "cooperatesWith"})

#: prefixes predeclared for every query and used when writing Turtle
PREFIXES = {
    "kgo": str(NS),
    "kgr": str(KGR),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "prov": str(PROV),
    "schema": str(SCHEMA),
}
#: the prefixes of the Turtle and TriG the project writes: not kgr, whose percent-encoded local
#: names ("city/%E5…") would need escapes (kgr:city\/\%E5…) that not every parser reads; full
#: IRIs read better and are what rdflib writes too
TURTLE_PREFIXES = {prefix: iri for prefix, iri in PREFIXES.items() if prefix != "kgr"}
TURTLE_HEADER = "".join(f"@prefix {prefix}: <{iri}> .\n" for prefix, iri in TURTLE_PREFIXES.items())
