"""Stage 6, graph: the documents' entities and facts → RDF in the contract's terms.

Documents are extracted alone; here, once, the same entity named in two articles
becomes one node (shared names, compatible class). Every relation keeps its evidence
as a reified `rdf:Statement` (sentence, confidence, source document), and each document
gets its own named graph, so TriG/N-Quads carry provenance that any RDF tool reads.
"""
from __future__ import annotations

import hashlib
from urllib.parse import quote
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import pyoxigraph as ox
from rdflib import RDF, RDFS, SKOS, XSD, Dataset, Graph, Namespace, URIRef

from .extract.resolve import match_keys, slug
from .model import Amount, Document, Entity, Fact
from .vocab import KGO, KGR, PREFIXES, PROV, REGION_CLASSES, SCHEMA, SYMMETRIC

GENERIC_NAMES = frozenset({"园区", "科技城", "高新区", "开发区", "公司", "集团", "项目", "基金", "大学"})


@dataclass
class Merged:
    """Entities and facts of a whole build, after cross-document merging."""

    entities: dict[str, Entity] = field(default_factory=dict)
    facts: list[tuple[str, Fact]] = field(default_factory=list)          # (doc id, fact)
    amounts: list[tuple[str, str, Amount, int]] = field(default_factory=list)  # (doc id, key, amount, sentence)
    entity_docs: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))


def _compatible(a: str, b: str) -> bool:
    return a == b or (a in REGION_CLASSES and b in REGION_CLASSES) or {a, b} <= {"Park", "Platform"}


def merge(docs: list[Document]) -> Merged:
    """One entity per real-world thing across documents, keyed by its final label."""
    nodes = [(doc.id, key) for doc in docs for key in sorted(doc.entities)]
    entity_of = {(doc.id, key): doc.entities[key] for doc in docs for key in doc.entities}
    parent = {n: n for n in nodes}

    def find(n):
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    by_name: dict[tuple[str, str], tuple[str, str]] = {}
    for n in nodes:
        e = entity_of[n]
        keys = {key for name in {e.label, *e.aliases} for key in match_keys(name, e.cls)}
        for key in sorted(keys):
            if key[1] in GENERIC_NAMES or len(key[1]) < 2:
                continue
            other = by_name.setdefault(key, n)
            if other != n and _compatible(entity_of[other].cls, e.cls):
                a, b = find(other), find(n)
                if a != b:
                    parent[max(a, b)] = min(a, b)

    groups: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for n in nodes:
        groups[find(n)].append(n)
    merged = Merged()
    final_key: dict[tuple[str, str], str] = {}
    for members in groups.values():
        ents = [entity_of[n] for n in members]
        names = set().union(*({e.label, *e.aliases} for e in ents))
        cls = _preferred_class(ents)
        label = max((e.label for e in ents), key=lambda n: (len(n), n))
        key = f"{cls.lower()}/{slug(label)}"
        merged.entities[key] = Entity(key, label, cls, names - {label})
        for n in members:
            final_key[n] = key
            merged.entity_docs[key].add(n[0])
    for doc in docs:
        for fact in doc.facts:
            s, o = final_key[(doc.id, fact.subject)], final_key[(doc.id, fact.object)]
            if fact.relation in SYMMETRIC and o < s:
                s, o = o, s
            merged.facts.append((doc.id, Fact(s, fact.relation, o, fact.sentence, fact.evidence,
                                              fact.confidence, fact.rule)))
        for key, amount, sentence in doc.amounts:
            merged.amounts.append((doc.id, final_key[(doc.id, key)], amount, sentence))
    return merged


def _preferred_class(ents: list[Entity]) -> str:
    counts: dict[str, int] = defaultdict(int)
    for e in ents:
        counts[e.cls] += 1
    return max(sorted(counts), key=lambda c: counts[c])


def decimal_lexical(value: float) -> str:
    """One lexical form per value ("500000000.0"), as Turtle's decimal shorthand writes it,
    so that every serialisation of the graph reads back to equal literals."""
    d = Decimal(str(value))
    return f"{d:.1f}" if d == d.to_integral_value() else format(d.normalize(), "f")


def entity_iri(key: str, base: Namespace = KGR) -> URIRef:
    return base[key]


def document_iri(doc_id: str, base: Namespace = KGR) -> URIRef:
    """The document's IRI: its id percent-encoded as it is (no normalising, so that
    "a copy" and "acopy" stay two documents)."""
    return base[f"doc/{quote(doc_id, safe='-_.~')}"]


def statement_iri(doc_id: str, fact: Fact, base: Namespace = KGR) -> URIRef:
    digest = hashlib.sha1(f"{fact.subject}|{fact.relation}|{fact.object}|{doc_id}|{fact.sentence}"
                          .encode("utf-8")).hexdigest()[:12]
    return base[f"fact/{digest}"]


XSD_DECIMAL = ox.NamedNode(str(XSD.decimal))
_RDF_TYPE, _LABEL, _ALT = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(RDFS.label)), ox.NamedNode(str(SKOS.altLabel))


def to_quads(docs: list[Document], base: str | Namespace = KGR,
             extra_paths: dict[str, list[str]] | None = None) -> list[ox.Quad]:
    """The graph of a build as Oxigraph quads: one named graph per document (named by the
    document's IRI) with the facts it states and the entities it names, and document
    metadata in the default graph. Built directly as Oxigraph terms: at 10,000 articles an
    rdflib Dataset takes minutes and gigabytes for the same work.

    `extra_paths` adds sourcePaths for a document found under several paths.
    """
    base = Namespace(str(base))
    merged = merge(docs)
    quads: list[ox.Quad] = []
    default = ox.DefaultGraph()

    def node(iri) -> ox.NamedNode:
        return ox.NamedNode(str(iri))

    graphs = {doc.id: node(document_iri(doc.id, base)) for doc in docs}
    for doc in docs:
        iri = graphs[doc.id]
        quads += [ox.Quad(iri, _RDF_TYPE, node(PROV.Entity), default),
                  ox.Quad(iri, _RDF_TYPE, node(SCHEMA.Article), default),
                  ox.Quad(iri, _LABEL, ox.Literal(doc.id), default)]
        for path in [doc.source, *(extra_paths or {}).get(doc.id, [])]:
            quads.append(ox.Quad(iri, node(KGO.sourcePath), ox.Literal(path), default))
    for key, entity in merged.entities.items():
        iri = node(entity_iri(key, base))
        description = [(_RDF_TYPE, node(KGO[entity.cls])), (_LABEL, ox.Literal(entity.label, language="zh"))]
        description += [(_ALT, ox.Literal(alias, language="zh")) for alias in sorted(entity.aliases)]
        for doc_id in sorted(merged.entity_docs[key]):
            quads += [ox.Quad(iri, p, o, graphs[doc_id]) for p, o in description]
    best_amount: dict[str, tuple[str, Amount]] = {}
    for doc_id, key, amount, _ in merged.amounts:
        best_amount.setdefault(key, (doc_id, amount))
    for key, (doc_id, amount) in best_amount.items():
        iri = node(entity_iri(key, base))
        quads += [ox.Quad(iri, node(KGO.investmentAmount), ox.Literal(decimal_lexical(amount.value),
                                                                      datatype=XSD_DECIMAL), graphs[doc_id]),
                  ox.Quad(iri, node(KGO.currency), ox.Literal(amount.currency), graphs[doc_id])]
    for doc_id, fact in merged.facts:
        g = graphs[doc_id]
        s, p, o = node(entity_iri(fact.subject, base)), node(KGO[fact.relation]), node(entity_iri(fact.object, base))
        st = node(statement_iri(doc_id, fact, base))
        quads += [ox.Quad(s, p, o, g),
                  ox.Quad(st, _RDF_TYPE, node(RDF.Statement), g),
                  ox.Quad(st, node(RDF.subject), s, g),
                  ox.Quad(st, node(RDF.predicate), p, g),
                  ox.Quad(st, node(RDF.object), o, g),
                  ox.Quad(st, node(KGO.evidence), ox.Literal(fact.evidence or "(from the names)", language="zh"), g),
                  ox.Quad(st, node(KGO.confidence), ox.Literal(str(Decimal(str(round(fact.confidence, 2)))),
                                                               datatype=XSD_DECIMAL), g),
                  ox.Quad(st, node(PROV.wasDerivedFrom), g, g)]
    return quads


def quads_text(quads: list[ox.Quad], fmt: str) -> str:
    """TriG or N-Quads of the quads, or Turtle or N-Triples of their union, sorted so that
    the same graph is always the same text. No kgr: prefix: its percent-encoded local
    names would need escapes that not every parser reads."""
    prefixes = {p: iri for p, iri in PREFIXES.items() if p != "kgr"}
    if fmt in ("trig", "nquads"):
        items = sorted(set(quads), key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))
        target = ox.RdfFormat.TRIG if fmt == "trig" else ox.RdfFormat.N_QUADS
    else:
        items = sorted({q.triple for q in quads}, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
        target = ox.RdfFormat.TURTLE if fmt == "turtle" else ox.RdfFormat.N_TRIPLES
    kwargs = {"prefixes": prefixes} if target in (ox.RdfFormat.TRIG, ox.RdfFormat.TURTLE) else {}
    return ox.serialize(items, format=target, **kwargs).decode("utf-8")


def to_dataset(docs: list[Document], base: str | Namespace = KGR) -> Dataset:
    """The same graph as an rdflib Dataset, for notebooks and the tests."""
    ds = Dataset()
    for prefix, iri in PREFIXES.items():
        ds.bind(prefix, iri)
    ds.parse(data=quads_text(to_quads(docs, base), "nquads"), format="nquads")
    return ds


def union_graph(ds: Dataset) -> Graph:
    """All triples of all named graphs and the default graph, as one plain graph."""
    g = Graph()
    for prefix, iri in ds.namespaces():
        g.bind(prefix, iri)
    for s, p, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    return g


def serialize(data: Graph | Dataset, fmt: str) -> str:
    """Text in `fmt` that is the same for the same triples, whatever the hash seed.

    rdflib's Turtle is already stable; N-Triples, N-Quads and TriG go through Oxigraph with
    the quads sorted (graph first, so TriG keeps one block per document); JSON-LD nodes are
    sorted by @id.
    """
    if fmt == "turtle":
        return data.serialize(format="turtle")
    if fmt == "json-ld":
        import json

        nodes = json.loads(data.serialize(format="json-ld"))
        return json.dumps(sorted(nodes, key=lambda n: json.dumps(n, sort_keys=True, ensure_ascii=False)),
                          ensure_ascii=False, indent=2, sort_keys=True)
    if fmt == "pretty-xml":
        return data.serialize(format="pretty-xml")
    import pyoxigraph as ox

    quads = list(ox.parse(data.serialize(format="nquads" if isinstance(data, Dataset) else "nt").encode("utf-8"),
                          format=ox.RdfFormat.N_QUADS if isinstance(data, Dataset) else ox.RdfFormat.N_TRIPLES))
    quads.sort(key=lambda q: (str(q.graph_name) if hasattr(q, "graph_name") else "", str(q.subject),
                              str(q.predicate), str(q.object)))
    target = {"nt": ox.RdfFormat.N_TRIPLES, "nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}[fmt]
    if target is ox.RdfFormat.N_TRIPLES:
        quads = [q.triple if hasattr(q, "triple") else q for q in quads]
    # no kgr: prefix, since percent-encoded local names would need escapes that not every parser reads
    prefixes = {p: iri for p, iri in PREFIXES.items() if p != "kgr"} if target is ox.RdfFormat.TRIG else None
    return ox.serialize(quads, format=target, **({"prefixes": prefixes} if prefixes else {})).decode("utf-8")
