"""kg.incremental: a merge updated document by document gives exactly kg.graph.merge's groups."""
from __future__ import annotations

import pickle
import random

import pytest

from kg.graph import merge
from kg.incremental import Merge, Reordered
from kg.model import Amount, Document, Entity, Fact

#: names that merge across documents by their keys (a firm's short name, a park's core, a
#: place with and without its suffix), and some that never do
NAMES = [
    ("星辰科技有限公司", "Company", {"星辰科技"}), ("星辰科技", "Company", set()),
    ("南通星辰科技有限公司", "Company", set()), ("星辰", "Company", {"星辰科技有限公司"}),
    ("苏锡通科技产业园区", "Park", {"苏锡通园区"}), ("苏锡通园区", "Park", set()),
    ("苏锡通园区", "Platform", set()), ("苏锡通科技产业园", "Park", set()),
    ("南通市", "City", {"南通"}), ("南通", "City", set()), ("南通", "District", set()),
    ("星辰项目", "Project", set()), ("星辰科技", "Project", set()), ("宁德时代", "Company", {"宁德时代新能源科技股份有限公司"}),
    ("宁德时代新能源科技股份有限公司", "Company", set()), ("新能源", "Industry", set()),
    ("江苏省", "Province", {"江苏"}), ("江苏", "Province", set()), ("长三角基金", "Fund", set()),
]
RELATIONS = ["locatedIn", "investsIn", "partnersWith", "hosts", "cooperatesWith"]


def document(rng: random.Random, n: int) -> Document:
    entities = {}
    for i, (label, cls, aliases) in enumerate(rng.sample(NAMES, rng.randint(1, 7))):
        entities[f"{cls.lower()}/{i}"] = Entity(f"{cls.lower()}/{i}", label, cls, set(aliases))
    keys = sorted(entities)
    facts = [Fact(rng.choice(keys), rng.choice(RELATIONS), rng.choice(keys), s, f"句子{s}", 0.8, "r")
             for s in range(rng.randint(0, 4))]
    amounts = [(rng.choice(keys), Amount(rng.choice([1e8, 5e8]), "CNY", "1亿元"), 0)
               for _ in range(rng.randint(0, 2))]
    return Document(f"d{n}", f"/in/d{n}.txt", "", f"sha{n}-{rng.random()}", entities=entities, facts=facts,
                    amounts=amounts)


def ident(doc: Document):
    return doc.id, doc.sha256, (doc.source,)


def flat(merged, docs):
    entities = {k: (e.label, e.cls, frozenset(e.aliases)) for k, e in merged.entities.items()}
    return (entities, {d.id: merged.names[d.id] for d in docs}, {d.id: merged.facts[d.id] for d in docs},
            {k: (doc_id, a) for k, (doc_id, a) in merged.amounts.items()})


def check(engine: Merge, docs: list[Document]) -> None:
    assert flat(engine.merged(docs, [ident(d) for d in docs]), docs) == flat(merge(docs), docs)
    relations: dict = {}
    for facts in merge(docs).facts.values():
        for f in facts:
            relations.setdefault(f.subject, set()).add((f.relation, f.object))
    assert {k: engine.union_relations(k) for k in engine.relations} == relations


@pytest.mark.parametrize("seed", range(12))
def test_an_updated_merge_equals_a_merge_of_the_new_documents(seed):
    rng = random.Random(seed)
    docs = sorted((document(rng, n) for n in range(rng.randint(3, 12))), key=lambda d: d.id)
    engine = Merge()
    engine.update([ident(d) for d in docs], {ident(d): d for d in docs})
    check(engine, docs)
    made = len(docs)
    for _ in range(8):
        engine = pickle.loads(pickle.dumps(engine))          # as the cache keeps it between builds
        before = {ident(d) for d in docs}
        for _ in range(rng.randint(1, 3)):
            action = rng.choice(["add", "remove", "modify"])
            if action == "add" or not docs:
                docs.append(document(rng, made := made + 1))
            elif action == "remove" and len(docs) > 1:
                docs.pop(rng.randrange(len(docs)))
            else:
                i = rng.randrange(len(docs))
                new = document(rng, 0)
                docs[i] = Document(docs[i].id, docs[i].source, "", new.sha256, entities=new.entities,
                                   facts=new.facts, amounts=new.amounts)
        docs.sort(key=lambda d: (int(d.id[1:]) % 7, d.id))       # new documents anywhere in the order
        docs_order = [ident(d) for d in docs]
        kept = [i for i in docs_order if i in before]
        try:
            changes = engine.update(docs_order, {ident(d): d for d in docs if ident(d) not in before})
        except Reordered:
            assert kept != [i for i in engine.order if i in set(kept)]
            engine = Merge()
            engine.update(docs_order, {ident(d): d for d in docs})
            check(engine, docs)
            continue
        check(engine, docs)
        assert set(changes.documents) >= {i for i in docs_order if i not in before}


def test_a_removed_document_with_the_only_long_form_splits_the_entity():
    long = Document("a", "/a", "", "1", entities={"c/0": Entity("c/0", "星辰科技有限公司", "Company", {"星辰科技"})})
    short1 = Document("b", "/b", "", "2", entities={"c/0": Entity("c/0", "星辰科技", "Company")})
    short2 = Document("c", "/c", "", "3", entities={"c/0": Entity("c/0", "星辰", "Company", {"星辰科技有限公司"})})
    engine = Merge()
    docs = [long, short1, short2]
    engine.update([ident(d) for d in docs], {ident(d): d for d in docs})
    check(engine, docs)
    assert len(engine.entities) == 1
    changes = engine.update([ident(short1), ident(short2)], {})
    check(engine, [short1, short2])
    assert ident(short1) in changes.documents
    changes = engine.update([ident(d) for d in docs], {ident(long): long})
    check(engine, docs)
