"""The cross-document merge of kg.graph.merge, kept from build to build and redone only where
the documents that changed reach.

kg.graph.merge defines the groups: kinds of entity (label, aliases, class) in the order they
first occur; each kind joins the first kind in that order that holds one of its name keys,
when their classes are compatible. So the groups are the connected parts of a graph whose
edges run from each key's first holder to its other compatible holders, and a change reaches
only the keys of the kinds that the added and removed documents hold (their holders, and
the first holder of each, may change) and, through them, the groups those keys touch: only
those groups are formed again. A kind's place in the order is its first document's place and
its rank there; documents that did not change keep their order, so kinds that did not change
keep theirs. `Merge.update` returns which documents and which union entries of the graph
may read differently now (kg.api writes those and copies the rest from the last files).

The state is pickled in the cache beside the extracted documents (kg.cache) and holds no
Document: each document is kept as the kinds of its entities, its facts between them and its
amounts, so that a rebuild loads only the documents whose text must be written again.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .extract.resolve import match_keys, slug
from .files import Span
from .graph import (GENERIC_NAMES, GraphText, Merged, Namespace, Writer, _compatible, _digest, code, document_iri)
from .model import Amount, Document, Entity, Fact
from .vocab import SYMMETRIC, TURTLE_HEADER

#: a document as the merge sees it: (doc id, text sha256, its paths)
Ident = tuple[str, str, tuple[str, ...]]


class Reordered(Exception):
    """The documents that did not change come in another order: merge everything again."""


@dataclass
class Changes:
    """What an update changed: documents (in the build's order) whose pieces must be written
    again, union entries to write again, and union entries gone."""

    documents: list[Ident] = field(default_factory=list)
    union: set[str] = field(default_factory=set)


class Merge:
    """The merged entities of a build, updated document by document (see the module doc)."""

    def __init__(self):
        self.kinds: list[tuple[str, frozenset[str], str] | None] = []   # kind → (label, aliases, class)
        self.kind_ids: dict[tuple[str, frozenset[str], str], int] = {}
        self.kind_keys: list[tuple] = []        # kind → its names' match keys
        self.count: list[int] = []              # kind → entities of that kind
        self.first: list[tuple[Ident, int] | None] = []   # kind → (first document, rank there)
        self.holders: dict[tuple, set[int]] = {}        # match key → kinds
        self.first_holder: dict[tuple, int] = {}        # match key → the first of them
        self.group: list[int | None] = []       # kind → its group (the group's first kind)
        self.members: dict[int, list[int]] = {}
        self.group_names: dict[int, tuple[str, str]] = {}  # group → (label, class)
        self.key_of: list[str] = []             # kind → merged entity key
        self.used_of: list[frozenset[str]] = []  # kind → its names but the group's label
        self.entities: dict[str, tuple[str, str, frozenset[str]]] = {}  # key → label, class, aliases
        self.entity_groups: dict[str, set[int]] = {}
        #: document → (kinds of its entities in the order of their keys, facts as (kind, relation,
        #: kind), amounts as (kind, Amount))
        self.docs: dict[Ident, tuple[tuple[int, ...], tuple, tuple]] = {}
        self.order: list[Ident] = []
        self.amounts: dict[str, tuple[Ident, Amount]] = {}
        self.relations: dict[str, dict[tuple[str, str], int]] = {}    # key → (relation, object) → facts
        self.keys_of: dict[tuple[str, str], list] = {}

    # --- the merge ----------------------------------------------------------------------

    def _kind(self, e: Entity) -> int:
        kind = (e.label, frozenset(e.aliases), e.cls)
        k = self.kind_ids.get(kind)
        if k is None:
            k = self.kind_ids[kind] = len(self.kinds)
            keys = set()
            for name in {e.label, *e.aliases}:
                if (name, e.cls) not in self.keys_of:
                    self.keys_of[name, e.cls] = [key for key in match_keys(name, e.cls)
                                                 if key[1] not in GENERIC_NAMES and len(key[1]) >= 2]
                keys.update(self.keys_of[name, e.cls])
            self.kinds.append(kind)
            self.kind_keys.append(tuple(keys))
            self.count.append(0)
            self.first.append(None)
            self.group.append(None)
            self.key_of.append("")
            self.used_of.append(frozenset())
        return k

    def _record(self, doc: Document) -> tuple:
        local = {key: self._kind(doc.entities[key]) for key in sorted(doc.entities)}
        return (tuple(local.values()), tuple((local[f.subject], f.relation, local[f.object]) for f in doc.facts),
                tuple((local[key], amount) for key, amount, _ in doc.amounts))

    def _relate(self, facts: tuple, key_of, sign: int, changed: set[str]) -> None:
        for ks, relation, ko in facts:
            s, o = key_of(ks), key_of(ko)
            if relation in SYMMETRIC and o < s:
                s, o = o, s
            counts = self.relations.setdefault(s, {})
            n = counts.get((relation, o), 0) + sign
            if n:
                counts[relation, o] = n
            else:
                del counts[relation, o]
                if not counts:
                    del self.relations[s]
            if n == 0 or n == sign:
                changed.add(s)

    def update(self, order: list[Ident], added: dict[Ident, Document]) -> Changes:
        """Merge again for the build of the documents `order`: those not merged before are
        `added`; those merged before and not in `order` are removed. Raises Reordered when the
        documents that stay come in another order than before."""
        old, new = self.docs.keys(), set(order)
        removed = [ident for ident in self.order if ident not in new]
        if [i for i in self.order if i in new] != [i for i in order if i in old]:
            raise Reordered
        pos = {ident: p for p, ident in enumerate(order)}
        touched: set[int] = set()
        relations_changed: set[str] = set()
        for ident in removed:
            kinds, facts, _ = self.docs.pop(ident)
            touched.update(kinds)
            for k in kinds:
                self.count[k] -= 1
            self._relate(facts, self.key_of.__getitem__, -1, relations_changed)
        new_kinds = set()
        for ident in order:
            if ident in added:
                before = len(self.kinds)
                rec = self.docs[ident] = self._record(added[ident])
                new_kinds.update(range(before, len(self.kinds)))
                touched.update(rec[0])
                for k in rec[0]:
                    self.count[k] += 1
        self.order = order

        def okey(k: int) -> tuple[int, int]:
            ident, rank = self.first[k]
            return pos[ident], rank

        # where the touched kinds now first occur
        lost = {k for k in touched if k not in new_kinds and self.first[k][0] not in pos and self.count[k]}
        for ident in order:
            if ident not in added:
                continue
            for rank, k in enumerate(self.docs[ident][0]):
                if k in touched and k not in lost and (self.first[k] is None or self.first[k][0] not in pos
                                                       or okey(k) > (pos[ident], rank)):
                    self.first[k] = (ident, rank)
        if lost:
            need = set(lost)
            for ident in order:
                kinds = self.docs[ident][0]
                if need.isdisjoint(kinds):
                    continue
                for rank, k in enumerate(kinds):
                    if k in need:
                        self.first[k] = (ident, rank)
                        need.discard(k)
                if not need:
                    break

        # the kinds whose groups are formed again, their keys and the holders of these
        keys = {key for k in touched for key in self.kind_keys[k]}
        reach = set(touched)
        for key in keys:
            reach |= self.holders.get(key, set())
        redo = set()
        for k in reach:
            redo.update(self.members[self.group[k]] if self.group[k] is not None else (k,))
        before = {k: (self.key_of[k], self.used_of[k]) for k in redo}
        old_groups = {self.group[k] for k in redo} - {None}
        for k in redo:
            if self.count[k] == 0 and self.kinds[k] is not None:      # gone with the last document naming it
                del self.kind_ids[self.kinds[k]]
                self.kinds[k], self.first[k] = None, None
                for key in self.kind_keys[k]:
                    self.holders[key].discard(k)
            elif k in new_kinds:
                for key in self.kind_keys[k]:
                    self.holders.setdefault(key, set()).add(k)
        for key in keys:
            holders = self.holders.get(key)
            if holders:
                self.first_holder[key] = min(holders, key=okey)
            else:
                self.holders.pop(key, None)
                self.first_holder.pop(key, None)
        live = [k for k in redo if self.kinds[k] is not None]
        parent = {k: k for k in live}

        def find(n: int) -> int:
            while parent[n] != n:
                parent[n] = parent[parent[n]]
                n = parent[n]
            return n

        for n in live:
            cls = self.kinds[n][2]
            for key in self.kind_keys[n]:
                f = self.first_holder[key]
                if f != n and _compatible(self.kinds[f][2], cls):
                    a, b = find(f), find(n)     # KeyError: f outside the kinds merged again, a bug
                    if a != b:
                        parent[a] = b
        components: dict[int, list[int]] = defaultdict(list)
        for n in live:
            components[find(n)].append(n)

        # the groups formed again, and the entities they make
        old_entities = {}
        for g in old_groups:
            key = before[g][0]          # a group's first kind is one of its members
            old_entities.setdefault(key, self.entities.get(key))
            self.entity_groups[key].discard(g)
            del self.members[g], self.group_names[g]
        for k in redo:
            self.group[k] = None
        for members in components.values():
            members.sort(key=okey)
            g = members[0]
            classes: dict[str, int] = defaultdict(int)
            for n in members:
                classes[self.kinds[n][2]] += self.count[n]
            cls = max(sorted(classes), key=lambda c: classes[c])
            label = max((self.kinds[n][0] for n in members), key=lambda n: (len(n), n))
            key = f"{cls.lower()}/{slug(label)}"
            for n in members:
                self.group[n], self.key_of[n] = g, key
                self.used_of[n] = frozenset({self.kinds[n][0], *self.kinds[n][1]} - {label})
            self.members[g], self.group_names[g] = members, (label, cls)
            old_entities.setdefault(key, self.entities.get(key))
            self.entity_groups.setdefault(key, set()).add(g)
        changed_kinds = {k for k in live if before[k] != (self.key_of[k], self.used_of[k])}
        changes = Changes()
        for key, was in old_entities.items():
            groups = self.entity_groups.get(key)
            if not groups:
                self.entity_groups.pop(key, None)
                self.entities.pop(key, None)
                changes.union.add(key)
                continue
            label, cls = self.group_names[min(groups, key=okey)]
            aliases = frozenset().union(*(self.used_of[n] for g in groups for n in self.members[g]))
            now = self.entities[key] = (label, cls, aliases)
            if now != was:
                changes.union.add(key)
                if was is None or was[:2] != now[:2]:
                    changed_kinds.update(n for g in groups for n in self.members[g])

        # amounts: the first document's that gives one, per entity
        amounts: dict[str, tuple[Ident, Amount]] = {}
        for ident in order:
            for k, amount in self.docs[ident][2]:
                amounts.setdefault(self.key_of[k], (ident, amount))
        owners = set()
        for key in self.amounts.keys() | amounts.keys():
            if self.amounts.get(key) != amounts.get(key):
                changes.union.add(key)
                owners.update(a[0] for a in (self.amounts.get(key), amounts.get(key)) if a)
        self.amounts = amounts

        # the documents to write again, and the relations of the entities they speak of
        for ident in order:
            kinds = self.docs[ident][0]
            if ident in added or ident in owners or not changed_kinds.isdisjoint(kinds):
                changes.documents.append(ident)
                if ident not in added:
                    self._relate(self.docs[ident][1], lambda k: before[k][0] if k in before else self.key_of[k],
                                 -1, relations_changed)
                self._relate(self.docs[ident][1], self.key_of.__getitem__, 1, relations_changed)
        changes.union |= relations_changed
        return changes

    # --- what the graph's text is made of --------------------------------------------------

    def document(self, ident: Ident, doc: Document) -> tuple[dict[str, set[str]], list[Fact]]:
        """The document's merged names (key → the aliases it uses) and its facts with merged keys."""
        kinds = self.docs[ident][0]
        names: dict[str, set[str]] = {}
        for k in kinds:
            names.setdefault(self.key_of[k], set()).update(self.used_of[k])
        local = dict(zip(sorted(doc.entities), (self.key_of[k] for k in kinds)))
        facts = []
        for fact in doc.facts:
            s, o = local[fact.subject], local[fact.object]
            if fact.relation in SYMMETRIC and o < s:
                s, o = o, s
            facts.append(Fact(s, fact.relation, o, fact.sentence, fact.evidence, fact.confidence, fact.rule))
        return names, facts

    def amount(self, key: str, ident: Ident) -> Amount | None:
        """The entity's amount, in the graph of the first document that gives one."""
        owner = self.amounts.get(key)
        return owner[1] if owner and owner[0] == ident else None

    def union_relations(self, key: str) -> set[tuple[str, str]]:
        return set(self.relations.get(key, ()))

    def merged(self, docs: list[Document], idents: list[Ident]) -> Merged:
        """The merge as kg.graph.merge gives it, for documents merged here."""
        merged = Merged({key: Entity(key, label, cls, set(aliases)) for key, (label, cls, aliases) in self.entities.items()})
        for doc, ident in zip(docs, idents):
            merged.names[doc.id], merged.facts[doc.id] = self.document(ident, doc)
        merged.amounts = {key: (ident[0], amount) for key, (ident, amount) in self.amounts.items()}
        return merged


# --- the graph's text, copied from the last build's files where it did not change -----------

@dataclass
class Built:
    """What a build wrote, piece by piece (see kg.graph.GraphText), and the merge it was made
    from: the next build merges again from this, writes the pieces its changes reach and copies
    the others out of the files. `files`: the size, modification time and inode of graph.trig
    and graph.ttl as written, by their paths: pieces of other files (replaced, edited, the folder
    copied elsewhere) are not copied, nor pieces that other code of the graph's text wrote."""

    merge: Merge
    base: str
    code: str
    trig: str
    turtle: str
    files: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    #: document → its IRI, spans (start, length) of its metadata and graph in the TriG and of its
    #: metadata and evidence in the Turtle, triples, digest, entities, facts
    pieces: dict[Ident, tuple] = field(default_factory=dict)
    #: union entries, sorted by key, and each one's span in the Turtle and triples
    union_keys: list[str] = field(default_factory=list)
    union: dict[str, tuple[int, int, int]] = field(default_factory=dict)

    def valid(self, trig: Path, turtle: Path, base: str) -> bool:
        try:
            return (self.code == code() and self.base == base
                    and self.files == {str(path.resolve()): identity(path) for path in (trig, turtle)})
        except OSError:
            return False

    def written(self, trig: Path, turtle: Path, staged: dict[Path, Path] | None = None) -> None:
        """The files are `trig` and `turtle`, or will be once `staged` (path → the file staged
        for it) are renamed into place: a rename keeps what identity() compares."""
        staged = staged or {}
        self.trig, self.turtle = (str(path.parent.resolve() / path.name) for path in (trig, turtle))
        self.files = {name: identity(staged.get(path, path)) for name, path in zip((self.trig, self.turtle),
                                                                                   (trig, turtle))}


def identity(path: Path) -> tuple[int, int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns, st.st_ino


def built_anew(merge: Merge, base: str, text: GraphText, idents: list[Ident], docs: list[Document],
               trig_lengths: list[int], turtle_lengths: list[int]) -> Built:
    """The Built of a graph written whole: `text`, its pieces `*_lengths` bytes long."""
    def spans(lengths: list[int]) -> list[tuple[int, int]]:
        out, start = [], 0
        for length in lengths:
            out.append((start, length))
            start += length
        return out

    built = Built(merge, base, code(), "", "")
    n, k = len(idents), len(text.union_keys)
    trig, turtle = spans(trig_lengths), spans(turtle_lengths)
    digests = iter(text.digests.items())
    for i, (ident, doc) in enumerate(zip(idents, docs)):
        iri, digest = next(digests)
        built.pieces[ident] = (iri, *trig[1 + i], *trig[1 + n + i], *turtle[1 + k + i], *turtle[1 + k + n + i],
                               text.document_triples[i], digest, len(doc.entities), len(doc.facts))
    built.union_keys = list(text.union_keys)
    built.union = {key: (*turtle[1 + j], text.union_triples[j]) for j, key in enumerate(text.union_keys)}
    return built


class _Layout:
    """A file's new pieces: runs of the old file's bytes (one Span per run) and new text;
    `copy` and `add` return where the piece starts in the new file."""

    def __init__(self, old: str, header: str):
        self.old, self.pieces, self.offset, self.run = old, [], 0, None
        self.add(header.encode("utf-8"))

    def copy(self, start: int, length: int) -> int:
        at, run = self.offset, self.run
        if run and run[0] + run[1] == start:
            run[1] += length
        else:
            self._flush()
            self.run = [start, length]
        self.offset += length
        return at

    def add(self, data: bytes) -> int:
        self._flush()
        at = self.offset
        self.pieces.append(data)
        self.offset += len(data)
        return at

    def _flush(self) -> None:
        if self.run:
            self.pieces.append(Span(self.old, *self.run))
            self.run = None

    def done(self) -> list:
        self._flush()
        return self.pieces


def updated_text(built: Built, order: list[Ident], added: dict[Ident, Document],
                 load: Callable[[Ident], Document]) -> tuple[GraphText, dict[Ident, Document]]:
    """The graph of the documents `order` as pieces of the last build's files and new text,
    `built` updated to it (its spans hold once the pieces are written: Built.written). `added`:
    the documents not merged before; `load(ident)` gives another whose pieces must be written
    again. Returns the text and the documents it loaded or was given."""
    merge = built.merge
    changes = merge.update(order, added)
    base = Namespace(built.base)
    writer = Writer(base, lambda key: merge.entities[key][:2])
    docs = dict(added)
    new: dict[Ident, tuple] = {}
    text = GraphText([], [], 0, {})
    for ident in changes.documents:
        doc = docs[ident] if ident in docs else docs.setdefault(ident, load(ident))
        names, facts = merge.document(ident, doc)
        m, graph, evidence, triples, _ = writer.document(ident[0], list(ident[2]), facts, names,
                                                         lambda key: merge.amount(key, ident))
        iri = str(document_iri(ident[0], base))
        text.documents[iri] = (m, graph)
        new[ident] = (iri, m.encode("utf-8"), graph.encode("utf-8"), evidence.encode("utf-8"), triples,
                      _digest(m, graph), len(doc.entities), len(doc.facts))

    # the union: entries gone, new, written again
    gone = {key for key in changes.union if key not in merge.entities}
    keys = [key for key in built.union_keys if key not in gone] if gone else built.union_keys
    fresh = sorted(key for key in changes.union if key in merge.entities and key not in built.union)
    if fresh:
        keys = sorted(keys + fresh)
    turtle = _Layout(built.turtle, TURTLE_HEADER)
    union = {}
    for key in keys:
        if key in changes.union:
            label, cls, aliases = merge.entities[key]
            amount = merge.amounts.get(key)
            block, triples = writer.union(key, aliases, amount and amount[1], merge.union_relations(key))
            block = block.encode("utf-8")
            union[key] = (turtle.add(block), len(block), triples)
        else:
            start, length, triples = built.union[key]
            union[key] = (turtle.copy(start, length), length, triples)
        text.triples += triples

    trig, pieces = _Layout(built.trig, TURTLE_HEADER), {}
    for ident in order:         # metadata: in the TriG, then in the Turtle
        if ident in new:
            iri, m, graph, evidence, triples, digest, entities, facts = new[ident]
            at, m_ttl = trig.add(m), turtle.add(m)
        else:
            iri, m_at, m_len, g_at, g_len, t_at, t_len, e_at, e_len, triples, digest, entities, facts = built.pieces[ident]
            at, m_ttl = trig.copy(m_at, m_len), turtle.copy(t_at, t_len)
        pieces[ident] = [iri, at, len(m) if ident in new else m_len, 0, 0, m_ttl, 0, 0, 0, triples, digest, entities, facts]
        pieces[ident][6] = pieces[ident][2]
        text.digests[iri] = digest
        text.triples += triples
    for ident in order:         # graphs in the TriG, evidence in the Turtle
        p = pieces[ident]
        if ident in new:
            graph, evidence = new[ident][2:4]
            p[3:5] = trig.add(graph), len(graph)
            p[7:9] = turtle.add(evidence), len(evidence)
        else:
            old = built.pieces[ident]
            p[3:5] = trig.copy(old[3], old[4]), old[4]
            p[7:9] = turtle.copy(old[7], old[8]), old[8]
    text.trig, text.turtle = trig.done(), turtle.done()
    built.pieces = {ident: tuple(p) for ident, p in pieces.items()}
    built.union_keys, built.union = keys, union
    return text, docs
