"""Network analysis of the graph: networkx conversion, hubs, communities, paths, GraphML.

The RDF graph (docs/graph-shape.md) is the record; the questions analysts ask of it
(which parks and firms are hubs, which clusters form, how two firms are connected) are
network questions that networkx answers. Every function returns plain data so the
notebook and the CLI (`kg stats`, `kg path`, `kg show`) share one implementation.

Everything that turns sets or dicts into lists sorts first: rdflib iterates its store in
hash order, and the same graph must give the same tables, communities and paths.
"""
from __future__ import annotations

import difflib
import hashlib
import itertools
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple
from urllib.parse import quote

import networkx as nx
from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef

from .errors import KgError
from .vocab import CLASSES, KGO, KGR, NS, PREFIXES, PROV, RELATIONS, SCHEMA, SYMMETRIC

#: what a park "hosts" in the sense analysts count (sub-parks are not tenants)
HOSTED_CLASSES = frozenset({"Company", "Project", "Institution", "Platform"})
#: member labels shown per community; enough to recognise a cluster
COMMUNITY_MEMBERS = 5
#: candidates named in a lookup error; more would bury the useful ones
CANDIDATES_SHOWN = 10

_RELATION_OF = {NS[name]: name for name in RELATIONS}


class Evidence(NamedTuple):
    """A sentence that states a relation, so an analyst can check it at its source."""

    sentence: str
    document: str              # the document id (its rdfs:label), "" if not recorded
    confidence: float | None


class Hop(NamedTuple):
    """One step of a path: the triple as stated in the graph and which way the path walks it."""

    subject: str
    relation: str
    object: str
    direction: str             # "forward": the path goes subject → object, "backward": the other way
    evidence: list[Evidence]


class EntityLookupError(KgError, LookupError):
    """A name that matches no entity or several; the message names candidates to pick from."""

    def __init__(self, message: str, candidates: list[str]):
        super().__init__(message)
        self.candidates = candidates


@dataclass(frozen=True)
class Stats:
    """The numbers `kg stats` prints, ranked and truncated to `top` where they are rankings."""

    triples: int
    entities: dict[str, int]                        # class → count, most frequent first
    relations: dict[str, int]                       # relation → stated triples, most frequent first
    hubs_by_degree: list[tuple[str, str, int]]      # (label, class, distinct neighbours)
    hubs_by_betweenness: list[tuple[str, str, float]]  # (label, class, normalised betweenness)
    communities: list[tuple[int, list[str]]]        # (size, top member labels by degree)
    parks_by_hosted: list[tuple[str, int]]          # (park label, how many of HOSTED_CLASSES it hosts)
    # currency ("?" where the graph gives none) → (park label, total amount of what it hosts)
    parks_by_investment: dict[str, list[tuple[str, Decimal]]]


def to_networkx(graph: Graph) -> nx.MultiDiGraph:
    """Entities as nodes, the eight kgo relations as edges keyed by relation name.

    Node attributes: label, cls, aliases (sorted list), amount (Decimal, exact for sums of
    money), currency; None where the graph says nothing. Edge attributes: relation,
    evidence (sorted list of `Evidence`), asserted. A symmetric relation appears in both
    directions so that directed neighbourhoods see it; the direction the graph does not
    state has asserted=False, which lets `from_networkx` write back exactly the stated
    triples. Both directions carry the evidence of either.
    """
    stated = sorted(
        (s, name, o)
        for predicate, name in _RELATION_OF.items()
        for s, o in graph.subject_objects(predicate)
        if isinstance(s, URIRef) and isinstance(o, URIRef)
    )
    classes = _classes(graph)
    evidence = _evidence(graph)

    g = nx.MultiDiGraph()
    for node in sorted(set(classes) | {n for s, _, o in stated for n in (s, o)}):
        g.add_node(str(node), **_describe(graph, node, classes.get(node, [])))
    triples = set(stated)
    for s, name, o in stated:
        found = set(evidence[s, name, o])
        if name in SYMMETRIC:
            found |= set(evidence[o, name, s])
        found = sorted(found, key=_evidence_order)
        g.add_edge(str(s), str(o), key=name, relation=name, evidence=found, asserted=True)
        if name in SYMMETRIC and (o, name, s) not in triples:
            g.add_edge(str(o), str(s), key=name, relation=name, evidence=list(found), asserted=False)
    return g


def from_networkx(g: nx.MultiDiGraph) -> Graph:
    """Back to RDF in the shape of docs/graph-shape.md, so a graph edited in networkx can be stored.

    Evidence becomes one rdf:Statement per (triple, sentence) with its document; the
    documents' source paths are not carried by `to_networkx` and so are not written.
    """
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    for node, attrs in g.nodes(data=True):
        iri = URIRef(node)
        if attrs.get("cls"):
            graph.add((iri, RDF.type, KGO[attrs["cls"]]))
        if attrs.get("label", node) != node:   # to_networkx labels an unlabelled node with its IRI
            graph.add((iri, RDFS.label, Literal(attrs["label"], lang="zh")))
        for alias in attrs.get("aliases", ()):
            graph.add((iri, SKOS.altLabel, Literal(alias, lang="zh")))
        if attrs.get("amount") is not None:
            graph.add((iri, KGO.investmentAmount, Literal(Decimal(str(attrs["amount"])))))
        if attrs.get("currency"):
            graph.add((iri, KGO.currency, Literal(attrs["currency"])))
    evidenced = set()
    for s, o, name, attrs in g.edges(keys=True, data=True):
        if not attrs.get("asserted", True):
            continue
        relation = attrs.get("relation", name)
        triple = (URIRef(s), KGO[relation], URIRef(o))
        graph.add(triple)
        # a symmetric relation stated both ways shares one evidence list: write it once
        pair = (frozenset((s, o)) if relation in SYMMETRIC else (s, o), relation)
        if pair not in evidenced:
            evidenced.add(pair)
            for item in attrs.get("evidence", ()):
                _add_statement(graph, triple, Evidence(*item))
    return graph


def stats(graph: Graph, top: int = 10) -> Stats:
    """Counts, hubs, communities and park rankings of the graph.

    Degree, betweenness and communities use the undirected simple view: they ask whether
    two entities are related at all, not how or which way round.
    """
    g = to_networkx(graph)
    simple = _undirected(g)
    nodes = g.nodes
    degree = dict(simple.degree())
    betweenness = nx.betweenness_centrality(simple)

    def ranking(scores):
        """Sort key: highest score first, ties by label, then IRI."""
        return lambda node: (-scores[node], nodes[node]["label"], node)

    def best(scores):
        return sorted(scores, key=ranking(scores))[:top]

    communities = sorted(
        (sorted(members, key=ranking(degree))
         for members in nx.community.louvain_communities(simple, seed=0)),
        key=lambda members: (-len(members), ranking(degree)(members[0])),
    )
    hosted = defaultdict(int)
    invested = defaultdict(lambda: defaultdict(Decimal))   # currency → park → total
    for park, guest, relation in g.edges(keys=True):       # one edge per (park, guest)
        if relation != "hosts" or nodes[park]["cls"] != "Park":
            continue
        if nodes[guest]["cls"] in HOSTED_CLASSES:
            hosted[park] += 1
        if nodes[guest]["amount"] is not None:
            invested[nodes[guest]["currency"] or "?"][park] += nodes[guest]["amount"]
    hubs = {node: value for node, value in degree.items() if value}
    central = {node: value for node, value in betweenness.items() if value}

    return Stats(
        triples=len(graph),
        entities=_ranked(Counter(attrs["cls"] for _, attrs in g.nodes(data=True) if attrs["cls"])),
        relations=_ranked(Counter(attrs["relation"] for *_, attrs in g.edges(data=True)
                                  if attrs["asserted"])),
        hubs_by_degree=[(nodes[n]["label"], nodes[n]["cls"], hubs[n]) for n in best(hubs)],
        hubs_by_betweenness=[(nodes[n]["label"], nodes[n]["cls"], central[n]) for n in best(central)],
        communities=[(len(members), [nodes[n]["label"] for n in members[:COMMUNITY_MEMBERS]])
                     for members in communities[:top]],
        parks_by_hosted=[(nodes[p]["label"], hosted[p]) for p in best(hosted)],
        parks_by_investment={currency: [(nodes[p]["label"], totals[p]) for p in best(totals)]
                             for currency, totals in sorted(invested.items())},
    )


def shortest_paths(graph: Graph, a: str, b: str, limit: int = 3) -> list[list[Hop]]:
    """Up to `limit` shortest ways two named entities are connected, shortest first.

    Paths run over the undirected view (a park hosting two firms connects them), and each
    hop reports the triple as stated with its evidence. Two entities related in more than
    one way between the same pair give one path per way.
    """
    g = to_networkx(graph)
    source, target = _resolve(g.nodes, a), _resolve(g.nodes, b)
    return [list(hops) for hops in itertools.islice(_walks(g, source, target), limit)]


def find_entity(graph: Graph, name: str) -> URIRef:
    """The entity a user means by `name`: exact label or alias first, else a unique substring.

    Raises `EntityLookupError` (a `LookupError`) naming the candidates when the name is
    ambiguous, or the nearest names when nothing matches.
    """
    described = {str(node): _describe(graph, node, found) for node, found in _classes(graph).items()}
    return URIRef(_resolve(described, name))


def write_graphml(graph: Graph, path) -> None:
    """Write GraphML for Gephi or Cytoscape: one edge per stated triple, only scalar attributes.

    GraphML cannot hold lists, so aliases are joined with '|' and evidence is left out
    (`kg path` and `kg show` give it); mirrored symmetric edges are left out so that
    each partnership is drawn once.
    """
    g = to_networkx(graph)
    out = nx.MultiDiGraph()
    for node, attrs in g.nodes(data=True):
        values = {
            "label": attrs["label"],
            "cls": attrs["cls"],
            "aliases": "|".join(attrs["aliases"]),
            "amount": None if attrs["amount"] is None else float(attrs["amount"]),
            "currency": attrs["currency"],
        }
        out.add_node(node, **{key: value for key, value in values.items() if value is not None})
    for s, o, relation, attrs in g.edges(keys=True, data=True):
        if attrs["asserted"]:
            out.add_edge(s, o, key=relation, relation=relation)
    nx.write_graphml(out, path)


def _classes(graph: Graph) -> dict[URIRef, list[str]]:
    """The kgo classes of each entity IRI."""
    found = defaultdict(list)
    for name in CLASSES:
        for node in graph.subjects(RDF.type, KGO[name]):
            if isinstance(node, URIRef):
                found[node].append(name)
    return found


def _describe(graph: Graph, node: URIRef, classes: list[str]) -> dict:
    """Node attributes of an entity; where the contract allows one value, extras are settled in order."""
    labels = sorted(graph.objects(node, RDFS.label),
                    key=lambda label: (getattr(label, "language", None) != "zh", label))
    amounts = [Decimal(str(amount)) for amount in graph.objects(node, KGO.investmentAmount)]
    return {
        "label": str(labels[0]) if labels else str(node),
        # a reasoner may add the superclass kgo:Region next to kgo:City; the subclass says more
        "cls": min(classes, key=lambda cls: (cls == "Region", CLASSES.index(cls))) if classes else None,
        "aliases": sorted({str(alias) for alias in graph.objects(node, SKOS.altLabel)}),
        "amount": max(amounts, default=None),
        "currency": min((str(currency) for currency in graph.objects(node, KGO.currency)), default=None),
    }


def _evidence(graph: Graph) -> defaultdict[tuple, list[Evidence]]:
    """Evidence per stated (subject, relation, object), read from the reified rdf:Statement nodes."""
    found = defaultdict(list)
    for statement in graph.subjects(RDF.type, RDF.Statement):
        relation = _RELATION_OF.get(graph.value(statement, RDF.predicate))
        if relation is None:
            continue
        document = graph.value(statement, PROV.wasDerivedFrom)
        confidence = graph.value(statement, KGO.confidence)
        key = (graph.value(statement, RDF.subject), relation, graph.value(statement, RDF.object))
        found[key].append(Evidence(
            sentence=str(graph.value(statement, KGO.evidence) or ""),
            document="" if document is None else str(graph.value(document, RDFS.label) or document),
            confidence=None if confidence is None else float(confidence),
        ))
    return found


def _evidence_order(item: Evidence) -> tuple:
    return (item.document, item.sentence, -1.0 if item.confidence is None else item.confidence)


def _add_statement(graph: Graph, triple: tuple, item: Evidence) -> None:
    """One rdf:Statement per (triple, sentence); its IRI is a hash, so writing twice gives one node."""
    s, p, o = triple
    digest = hashlib.sha1("\n".join((s, p, o, item.sentence, item.document)).encode()).hexdigest()[:12]
    statement = KGR[f"fact/{digest}"]
    graph.add((statement, RDF.type, RDF.Statement))
    graph.add((statement, RDF.subject, s))
    graph.add((statement, RDF.predicate, p))
    graph.add((statement, RDF.object, o))
    if item.sentence:
        graph.add((statement, KGO.evidence, Literal(item.sentence, lang="zh")))
    if item.confidence is not None:
        graph.add((statement, KGO.confidence, Literal(Decimal(str(item.confidence)))))
    if item.document:
        # IRI-unsafe ASCII is percent-encoded, other characters stay (docs/graph-shape.md)
        segment = "".join(ch if ord(ch) > 127 else quote(ch, safe="") for ch in item.document)
        document = KGR[f"doc/{segment}"]
        graph.add((statement, PROV.wasDerivedFrom, document))
        graph.add((document, RDF.type, PROV.Entity))
        graph.add((document, RDF.type, SCHEMA.Article))
        graph.add((document, RDFS.label, Literal(item.document)))


def _ranked(counts: Counter) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _undirected(g: nx.MultiDiGraph) -> nx.Graph:
    simple = nx.Graph()
    simple.add_nodes_from(g)
    simple.add_edges_from(g.edges())
    return simple


def _walks(g: nx.MultiDiGraph, source: str, target: str) -> Iterator[tuple[Hop, ...]]:
    try:
        for nodes in nx.shortest_simple_paths(_undirected(g), source, target):
            yield from itertools.product(*(_hops(g, u, v) for u, v in itertools.pairwise(nodes)))
    except nx.NetworkXNoPath:
        return


def _hops(g: nx.MultiDiGraph, u: str, v: str) -> list[Hop]:
    """Every stated relation between u and v, as hops walked from u to v."""
    hops, seen = [], set()
    for s, o, direction in ((u, v, "forward"), (v, u, "backward")):
        for relation, attrs in sorted(g.get_edge_data(s, o, default={}).items()):
            # mirrored edges are not stated; a symmetric relation stated both ways is one hop
            if attrs["asserted"] and not (relation in SYMMETRIC and relation in seen):
                seen.add(relation)
                hops.append(Hop(g.nodes[s]["label"], relation, g.nodes[o]["label"], direction,
                                attrs["evidence"]))
    return hops


def _resolve(nodes: Mapping[str, dict], name: str) -> str:
    """The node id `name` refers to, among nodes that are entities (have a class)."""
    wanted = name.strip()
    names = {node: [attrs["label"], *attrs["aliases"]] for node, attrs in nodes.items() if attrs["cls"]}

    def shown(found):
        return sorted(f"{nodes[node]['label']} ({nodes[node]['cls']})" for node in found)

    exact = [node for node, known in names.items() if wanted in known]
    partial = [node for node, known in names.items()
               if any(wanted.casefold() in k.casefold() for k in known)]
    for matches in (exact, partial):
        if len(matches) == 1:
            return matches[0]
        if matches:
            candidates = shown(matches)
            listed = ", ".join(candidates[:CANDIDATES_SHOWN])
            if len(candidates) > CANDIDATES_SHOWN:
                listed += f", and {len(candidates) - CANDIDATES_SHOWN} more"
            raise EntityLookupError(f"{name!r} matches {len(candidates)} entities: {listed}", candidates)
    every_name = sorted({k for known in names.values() for k in known})
    close = set(difflib.get_close_matches(wanted, every_name, n=CANDIDATES_SHOWN))
    candidates = shown(node for node, known in names.items() if close.intersection(known))
    candidates = candidates[:CANDIDATES_SHOWN]
    hint = f"; did you mean: {', '.join(candidates)}" if candidates else ""
    raise EntityLookupError(f"no entity named {name!r}{hint}", candidates)
