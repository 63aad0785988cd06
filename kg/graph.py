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
from typing import Callable
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, Namespace, URIRef

from .extract.resolve import match_keys, slug
from .files import Span
from .model import Amount, Document, Entity, Fact
from .vocab import KGR, PREFIXES, REGION_CLASSES, SYMMETRIC, TURTLE_HEADER

GENERIC_NAMES = frozenset({"园区", "科技城", "高新区", "开发区", "公司", "集团", "项目", "基金", "大学"})


@dataclass
class Merged:
    """Entities and facts of a whole build, after cross-document merging, by document."""

    entities: dict[str, Entity] = field(default_factory=dict)            # key → the entity, every name
    names: dict[str, dict[str, set[str]]] = field(default_factory=dict)  # doc id → {key: aliases it uses}
    facts: dict[str, list[Fact]] = field(default_factory=dict)           # doc id → facts, merged keys
    amounts: dict[str, tuple[str, Amount]] = field(default_factory=dict)  # key → (doc id, first amount)


def _compatible(a: str, b: str) -> bool:
    return a == b or (a in REGION_CLASSES and b in REGION_CLASSES) or {a, b} <= {"Park", "Platform"}


def merge(docs: list[Document], keys_of: dict[tuple[str, str], list] | None = None) -> Merged:
    """One entity per real-world thing across documents, keyed by its final label.

    An entity joins the first one (in the documents' order) that shares a name key with it,
    if their classes are compatible. Entities with the same label, aliases and class (the
    same firm, named alike in 500 articles) always end up together, so the union-find runs
    over these kinds of entity, in the order they first occur, and each name's keys are
    computed once (and kept in `keys_of`, which a later build may pass again)."""
    kinds: dict[tuple[str, frozenset[str], str], int] = {}
    first: list[Entity] = []                    # an entity of each kind
    occurs: list[int] = []                      # how many entities are of that kind
    nodes: list[tuple[str, str, int]] = []      # (doc id, entity key, kind)
    for doc in docs:
        for key in sorted(doc.entities):
            e = doc.entities[key]
            kind = kinds.setdefault((e.label, frozenset(e.aliases), e.cls), len(first))
            if kind == len(first):
                first.append(e)
                occurs.append(0)
            occurs[kind] += 1
            nodes.append((doc.id, key, kind))
    parent = list(range(len(first)))

    def find(n: int) -> int:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    by_key: dict[tuple[str, str], int] = {}
    keys_of = {} if keys_of is None else keys_of
    for n, e in enumerate(first):
        keys = set()
        for name in {e.label, *e.aliases}:
            if (name, e.cls) not in keys_of:
                keys_of[name, e.cls] = [k for k in match_keys(name, e.cls)
                                        if k[1] not in GENERIC_NAMES and len(k[1]) >= 2]
            keys.update(keys_of[name, e.cls])
        for key in keys:
            other = by_key.setdefault(key, n)
            if other != n and _compatible(first[other].cls, e.cls):
                a, b = find(other), find(n)
                if a != b:
                    parent[max(a, b)] = min(a, b)

    groups: dict[int, list[int]] = defaultdict(list)
    for n in range(len(first)):
        groups[find(n)].append(n)
    merged = Merged(names={doc.id: {} for doc in docs})
    key_of, used_of = [""] * len(first), [set()] * len(first)
    for members in groups.values():
        classes: dict[str, int] = defaultdict(int)
        for n in members:
            classes[first[n].cls] += occurs[n]
        cls = max(sorted(classes), key=lambda c: classes[c])
        label = max((first[n].label for n in members), key=lambda n: (len(n), n))
        key = f"{cls.lower()}/{slug(label)}"
        entity = merged.entities.setdefault(key, Entity(key, label, cls))
        for n in members:
            key_of[n], used_of[n] = key, {first[n].label, *first[n].aliases} - {label}
            entity.aliases |= used_of[n]
    final_key: dict[tuple[str, str], str] = {}
    for doc_id, local, kind in nodes:
        final_key[doc_id, local] = key_of[kind]
        merged.names[doc_id].setdefault(key_of[kind], set()).update(used_of[kind])
    for doc in docs:
        facts = merged.facts[doc.id] = []
        for fact in doc.facts:
            s, o = final_key[(doc.id, fact.subject)], final_key[(doc.id, fact.object)]
            if fact.relation in SYMMETRIC and o < s:
                s, o = o, s
            facts.append(Fact(s, fact.relation, o, fact.sentence, fact.evidence, fact.confidence, fact.rule))
        for key, amount, _ in doc.amounts:
            merged.amounts.setdefault(final_key[(doc.id, key)], (doc.id, amount))
    return merged


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


_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t",
            **{c: f"\\u{c:04X}" for c in [*range(0x20), 0x7F] if chr(c) not in "\n\r\t"}}


def _literal(text: str, suffix: str = "") -> str:
    return f'"{text.translate(_ESCAPES)}"{suffix}'


def _decimal(lexical: str) -> str:
    return f'"{lexical}"^^xsd:decimal'


def _block(subject: str, pairs: list[tuple[str, list[str]]]) -> str:
    """`subject p1 o1 , o2 ; p2 o3 .`, one predicate a line: the same text in Turtle and
    in a TriG graph, so a statement's text serves both files."""
    lines = " ;\n\t".join(f"{p} {' , '.join(objects)}" for p, objects in pairs if objects)
    return f"{subject} {lines} .\n"


@dataclass
class GraphText:
    """A build's graph as text, in pieces to write one after the other (joined, at 10,000
    articles they would be several hundred megabytes more): `trig` has one named graph per
    document and the documents' metadata and evidence in the default graph; `turtle` is the union of all
    of it, each triple once; `triples` counts the union. `documents`: the pieces of the TriG
    (metadata, named graph) of each document written anew, by the document's IRI, for a store
    to update only what changed; `digests`: every document's _digest of them.

    trig: header, each document's metadata, each document's evidence and named graph; turtle: header, each
    entity's union entry (by key), each document's metadata, each document's evidence. A piece
    is text, or a Span of the last build's file that is copied as it is (kg.incremental)."""

    trig: list[Piece]
    turtle: list[Piece]
    triples: int
    documents: dict[str, tuple[Piece, Piece]]
    digests: dict[str, str] = field(default_factory=dict)
    #: triples of each document's pieces, in order, and of each union entry
    document_triples: list[int] = field(default_factory=list)
    union_triples: list[int] = field(default_factory=list)
    union_keys: list[str] = field(default_factory=list)


Piece = str | bytes | Span


class Writer:
    """The text of a document's pieces and of union entries; `entity(key)` → (label, class)."""

    def __init__(self, base: Namespace, entity: Callable[[str], tuple[str, str]]):
        self.base, self.entity = base, entity

    def iri(self, key: str) -> str:
        return f"<{self.base}{key}>"

    def description(self, key: str, aliases: set[str], amount: Amount | None, relations) -> list:
        label, cls = self.entity(key)
        pairs = [("a", [f"kgo:{cls}"]), ("rdfs:label", [_literal(label, "@zh")]),
                 ("skos:altLabel", [_literal(alias, "@zh") for alias in sorted(aliases)])]
        if amount:
            pairs += [("kgo:investmentAmount", [_decimal(decimal_lexical(amount.value))]),
                      ("kgo:currency", [_literal(amount.currency)])]
        by_relation: dict[str, set[str]] = defaultdict(set)
        for relation, obj in relations:
            by_relation[relation].add(obj)
        return pairs + [(f"kgo:{r}", [self.iri(o) for o in sorted(by_relation[r])]) for r in sorted(by_relation)]

    def union(self, key: str, aliases: set[str], amount: Amount | None, relations) -> tuple[str, int]:
        """The entity's entry in the union, and its triples."""
        return (_block(self.iri(key), self.description(key, aliases, amount, relations)),
                2 + len(aliases) + 2 * bool(amount) + len(relations))

    def document(self, doc_id: str, paths: list[str], facts: list[Fact], names: dict[str, set[str]],
                 amount: Callable[[str], Amount | None]) -> tuple[str, str, str, int, dict]:
        """The document's metadata, graph and evidence, how many triples they have, and its
        relations (subject → {(relation, object)}). The graph is the evidence (in the default
        graph) followed by the named graph, so that it starts with the evidence. `facts` and
        `names` (key → the aliases it uses) are merged; `amount(key)`: the amount this document
        gives the entity, if any."""
        g = f"<{document_iri(doc_id, self.base)}>"
        relations = defaultdict(set)
        for fact in facts:
            relations[fact.subject].add((fact.relation, fact.object))
        metadata = _block(g, [("a", ["prov:Entity", "schema:Article"]), ("rdfs:label", [_literal(doc_id)]),
                              ("kgo:sourcePath", [_literal(p) for p in paths])])
        statements: dict[str, tuple[Fact, set[str], set[str]]] = {}
        for fact in facts:
            st = statements.setdefault(f"<{statement_iri(doc_id, fact, self.base)}>", (fact, set(), set()))
            st[1].add(_literal(fact.evidence or "(from the names)", "@zh"))
            st[2].add(_decimal(str(Decimal(str(round(fact.confidence, 2))))))
        entities = "".join(_block(self.iri(key), self.description(key, names[key], amount(key), relations[key]))
                           for key in sorted(names))
        evidence = "".join(_block(st, [("a", ["rdf:Statement"]), ("rdf:subject", [self.iri(f.subject)]),
                                       ("rdf:predicate", [f"kgo:{f.relation}"]), ("rdf:object", [self.iri(f.object)]),
                                       ("kgo:evidence", sorted(ev)), ("kgo:confidence", sorted(conf)),
                                       ("prov:wasDerivedFrom", [g])])
                           for st, (f, ev, conf) in statements.items())
        triples = 3 + len(paths) + sum(5 + len(ev) + len(conf) for _, ev, conf in statements.values())
        # the evidence in the default graph, before the named graph (see graph_text)
        graph = evidence + (f"{g} {{\n{entities}}}\n" if entities else "")
        return metadata, graph, evidence, triples, relations


def code() -> str:
    """A hash of the code that writes the graph's text: pieces that other code wrote are not
    copied (the cache's fingerprint covers the extractor, not this)."""
    return _code()


@lru_cache(maxsize=1)
def _code() -> str:
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in ("graph.py", "incremental.py", "vocab.py", "files.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:16]


def graph_text(docs: list[Document], base: str | Namespace = KGR, extra_paths: dict[str, list[str]] | None = None,
               sink: Callable[[ox.RdfFormat, str], None] | None = None, merged: Merged | None = None) -> GraphText:
    """The graph of a build, written directly as text (TriG and Turtle).

    A document's named graph (named by its IRI) states what that document says: the entities
    it names (class, merged label, the aliases it uses; an amount if it is the first document
    to give one) and the relations it states. Their evidence, whose statements name the
    document (prov:wasDerivedFrom), is in the default graph, right before the named graph: a
    statement is made once, in one document, so a named graph would only repeat the union's
    triples, and a store would index them twice (they were two thirds of its per-document
    quads). The union describes each entity once with every alias. The text is written without building RDF terms: at 10,000 articles
    two million terms and a sort of them took most of a build. Entities come sorted by IRI,
    documents in their order, so the same input is the same text.
    `extra_paths` adds sourcePaths for a document found under several paths. `sink` is given
    every piece of the TriG and of the Turtle (but their headers; the evidence once, as Turtle)
    as soon as it is made, for a store to load while the rest is made (kg.store.StoreLoad). `merged`: merge(docs), if made.
    """
    base = Namespace(ox.NamedNode(str(base)).value)     # raises ValueError for a base that is no IRI
    merged = merged or merge(docs)
    writer = Writer(base, lambda key: (merged.entities[key].label, merged.entities[key].cls))
    text = GraphText([TURTLE_HEADER], [TURTLE_HEADER], 0, {})
    graphs, sections, all_relations = [], [], defaultdict(set)
    for doc in docs:
        paths = list(dict.fromkeys([doc.source, *(extra_paths or {}).get(doc.id, [])]))
        m, graph, evidence, triples, relations = writer.document(doc.id, paths, merged.facts[doc.id],
                                                                 merged.names[doc.id],
                                                                 lambda key: _amount(merged, key, doc.id))
        for subject, rels in relations.items():
            all_relations[subject] |= rels
        text.trig.append(m)
        graphs.append(graph)
        sections.append(evidence)
        text.triples += triples
        iri = str(document_iri(doc.id, base))
        text.documents[iri], text.digests[iri] = (m, graph), _digest(m, graph)
        text.document_triples.append(triples)
        if sink:
            for fmt, piece in ((ox.RdfFormat.TRIG, m), (ox.RdfFormat.TRIG, graph[len(evidence):]),
                               (ox.RdfFormat.TURTLE, evidence)):
                sink(fmt, piece)
    for key in sorted(merged.entities):
        entity, amount = merged.entities[key], merged.amounts.get(key)
        block, triples = writer.union(key, entity.aliases, amount and amount[1], all_relations[key])
        text.turtle.append(block)
        text.triples += triples
        text.union_triples.append(triples)
        text.union_keys.append(key)
        if sink:
            sink(ox.RdfFormat.TURTLE, block)
    text.trig += graphs
    text.turtle += text.trig[1:1 + len(docs)] + sections
    return text


def _digest(*pieces: str) -> str:
    """A digest of a document's text in the store (see kg.store's MANIFEST)."""
    digest = hashlib.blake2b(digest_size=16)
    for piece in pieces:
        digest.update(piece.encode("utf-8"))
    return digest.hexdigest()


def _amount(merged: Merged, key: str, doc_id: str) -> Amount | None:
    """The entity's amount, in the graph of the first document that gives one."""
    owner = merged.amounts.get(key)
    return owner[1] if owner and owner[0] == doc_id else None


def to_dataset(docs: list[Document], base: str | Namespace = KGR) -> Dataset:
    """The same graph as an rdflib Dataset, for notebooks and the tests."""
    ds = Dataset()
    for prefix, iri in PREFIXES.items():
        ds.bind(prefix, iri)
    ds.parse(data="".join(graph_text(docs, base).trig), format="trig")
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
