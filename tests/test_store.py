"""kg.store on a small per-document TriG in the shape of docs/graph-shape.md, for both kinds.

Two documents; the park, 北京经纬恒润 and 南通市 are described in both, and one hosts triple
is stated by both, so the union differs from the sum of the graphs. Document metadata is in
the default graph, as kg.graph.to_dataset writes it. test_query and test_serve reuse it.
"""
from decimal import Decimal
from urllib.parse import quote

import pytest
from rdflib import RDF, RDFS, SKOS, XSD, Dataset, Graph, Literal

from kg.errors import GraphNotFound, KgError, QueryError
from kg.store import STORES, open_store, write_store
from kg.vocab import KGO, KGR, PROV, SCHEMA


def iri(key: str):
    cls, label = key.split("/", 1)
    return KGR[f"{cls}/{quote(label)}"]


PARK_A = iri("park/上海市北高新（南通）科技城")
PARK_B = iri("park/苏锡通科技产业园区")
JWHR = iri("company/北京经纬恒润")
CHIP = iri("company/上海芯片公司")
PROJECT = iri("project/汽车电子产业项目")
INSTITUTE = iri("institution/南通研究院")
INCUBATOR = iri("platform/市北孵化器")
FUND = iri("fund/江苏省战新产业专项母基金")
NANTONG = iri("city/南通市")
SHANGHAI = iri("city/上海市")
JIANGSU = iri("province/江苏省")
AUTO = iri("industry/汽车电子")
GOV = iri("governmentbody/南通市人民政府")

ENTITIES = {  # iri: (class, label, aliases, amount, currency)
    PARK_A: ("Park", "上海市北高新（南通）科技城", ["市北科技城"], None, None),
    PARK_B: ("Park", "苏锡通科技产业园区", [], None, None),
    JWHR: ("Company", "北京经纬恒润", ["经纬恒润"], "1000000000", "CNY"),
    CHIP: ("Company", "上海芯片公司", [], None, None),
    PROJECT: ("Project", "汽车电子产业项目", [], "2000000000", "CNY"),
    INSTITUTE: ("Institution", "南通研究院", [], None, None),
    INCUBATOR: ("Platform", "市北孵化器", [], None, None),
    FUND: ("Fund", "江苏省战新产业专项母基金", [], None, None),
    NANTONG: ("City", "南通市", ["南通"], None, None),
    SHANGHAI: ("City", "上海市", [], None, None),
    JIANGSU: ("Province", "江苏省", [], None, None),
    AUTO: ("Industry", "汽车电子", [], None, None),
    GOV: ("GovernmentBody", "南通市人民政府", [], None, None),
}

DOCUMENTS = {  # document id: relations stated in it
    "000_a": [(PARK_A, "hosts", JWHR), (PARK_A, "hosts", CHIP), (PARK_A, "hosts", PROJECT),
              (PARK_A, "hosts", INCUBATOR), (PARK_A, "locatedIn", NANTONG), (PARK_A, "focusesOn", AUTO),
              (FUND, "investsIn", PROJECT), (NANTONG, "partnersWith", SHANGHAI), (NANTONG, "locatedIn", JIANGSU)],
    "001_b": [(PARK_B, "hosts", INSTITUTE), (PARK_B, "locatedIn", NANTONG), (PARK_A, "hosts", JWHR),
              (GOV, "partnersWith", PARK_B)],
}


def sample_dataset() -> Dataset:
    ds = Dataset()
    for n, (doc_id, relations) in enumerate(DOCUMENTS.items()):
        doc = KGR[f"doc/{doc_id}"]
        ds.add((doc, RDF.type, PROV.Entity))
        ds.add((doc, RDF.type, SCHEMA.Article))
        ds.add((doc, RDFS.label, Literal(doc_id)))
        ds.add((doc, KGO.sourcePath, Literal(f"data/corpus/{doc_id}.txt")))
        g = ds.graph(doc)
        for s, p, o in relations:
            for entity in (s, o):
                cls, label, aliases, amount, currency = ENTITIES[entity]
                g.add((entity, RDF.type, KGO[cls]))
                g.add((entity, RDFS.label, Literal(label, lang="zh")))
                for alias in aliases:
                    g.add((entity, SKOS.altLabel, Literal(alias, lang="zh")))
                if amount:
                    g.add((entity, KGO.investmentAmount, Literal(amount, datatype=XSD.decimal)))
                    g.add((entity, KGO.currency, Literal(currency)))
            g.add((s, KGO[p], o))
            fact = KGR[f"fact/{doc_id}-{len(g)}"]
            g.add((fact, RDF.type, RDF.Statement))
            g.add((fact, RDF.subject, s))
            g.add((fact, RDF.predicate, KGO[p]))
            g.add((fact, RDF.object, o))
            g.add((fact, KGO.evidence, Literal(f"{ENTITIES[s][1]}与{ENTITIES[o][1]}", lang="zh")))
            g.add((fact, KGO.confidence, Literal(Decimal("0.8"))))
            g.add((fact, PROV.wasDerivedFrom, doc))
    return ds


def sample_counts() -> tuple[int, int]:
    """(quads, distinct triples) of the sample: what it stores, what queries without GRAPH see."""
    quads = list(sample_dataset().quads((None, None, None, None)))
    return len(quads), len({(s, p, o) for s, p, o, _ in quads})


def write_sample_trig(folder) -> tuple:
    """Write graph.trig into `folder`; returns (path, quads, distinct triples)."""
    path = folder / "graph.trig"
    path.write_text(sample_dataset().serialize(format="trig"), encoding="utf-8")
    return (path, *sample_counts())


@pytest.fixture
def sample(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    trig, quads, triples = write_sample_trig(out)
    return out, trig, quads, triples


KINDS = sorted(STORES)


@pytest.mark.parametrize("kind", KINDS)
def test_write_then_query_the_union(sample, kind):
    out, trig, quads, triples = sample
    written = write_store(trig, out, kind)
    assert written == (out / "store" if kind == "oxigraph" else trig)
    store = open_store(out, kind=kind)
    try:
        assert len(store) == quads > triples
        hosted = store.query("SELECT DISTINCT ?t WHERE { ?p kgo:hosts ?t }")
        assert {row[0] for row in hosted.rows} == {
            "kgr:company/北京经纬恒润", "kgr:company/上海芯片公司", "kgr:project/汽车电子产业项目",
            "kgr:platform/市北孵化器", "kgr:institution/南通研究院"}
        assert store.query("ASK { ?doc a prov:Entity ; kgo:sourcePath ?path }").boolean   # default graph
        count = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert count.rows == [(str(triples),)]              # a set: a triple of two documents counts once
        hosts = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?park kgo:hosts ?tenant }")
        assert hosts.rows == [("5",)]
        graphs = store.query("SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert graphs.rows == [("2",)]
    finally:
        store.close()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("fmt", ["trig", "nq", "ttl", "nt"])
def test_dump_round_trip(sample, tmp_path, kind, fmt):
    out, trig, quads, triples = sample
    write_store(trig, out, kind)
    store = open_store(out, kind=kind)
    dumped = tmp_path / f"dump.{fmt}"
    dumped.write_bytes(store.dump(fmt))
    store.close()
    again = open_store(graph=dumped, kind=kind)
    assert len(again) == (quads if fmt in ("trig", "nq") else triples)
    assert again.query("ASK { ?c skos:altLabel '经纬恒润'@zh }").boolean


@pytest.mark.parametrize("kind", KINDS)
def test_graph_files_by_suffix(sample, tmp_path, kind):
    _, _, _, triples = sample
    union = Graph()
    for s, p, o, _ in sample_dataset().quads((None, None, None, None)):
        union.add((s, p, o))
    for suffix, fmt in [(".ttl", "turtle"), (".jsonld", "json-ld"), (".rdf", "xml")]:
        path = tmp_path / f"graph{suffix}"
        path.write_text(union.serialize(format=fmt), encoding="utf-8")
        assert len(open_store(graph=path, kind=kind)) == triples


def test_unknown_dump_format(sample):
    out, trig, _, _ = sample
    with pytest.raises(KgError, match="ttl, nt, trig, nq"):
        open_store(out).dump("xml")


@pytest.mark.parametrize("kind", KINDS)
def test_update_in_memory(sample, kind):
    _, trig, quads, _ = sample
    store = open_store(graph=trig, kind=kind)
    store.update("INSERT DATA { <https://w3id.org/parkkg/resource/company/新公司> a kgo:Company }")
    assert len(store) == quads + 1
    with pytest.raises(QueryError, match="line 1"):
        store.update("INSERT DATA { kgr:x a }")


def test_the_built_store_is_read_only(sample):
    out, trig, _, _ = sample
    write_store(trig, out)
    with pytest.raises(KgError, match="read-only"):
        open_store(out).update("INSERT DATA { kgr:a kgo:hosts kgr:b }")


def test_store_is_preferred_and_enough(sample):
    out, trig, quads, _ = sample
    write_store(trig, out)
    trig.unlink()
    assert len(open_store(out)) == quads


def test_nothing_built(tmp_path):
    with pytest.raises(GraphNotFound) as info:
        open_store(tmp_path / "empty")
    message = str(info.value)
    assert f"no graph in {tmp_path / 'empty'}/" in message and "kg build" in message
    with pytest.raises(GraphNotFound, match="no such graph file"):
        open_store(graph=tmp_path / "missing.ttl")
    with pytest.raises(GraphNotFound, match="run `kg build`"):
        write_store(tmp_path / "graph.trig", tmp_path)


def test_unknown_kind_and_suffix(sample, tmp_path):
    out, trig, _, _ = sample
    with pytest.raises(KgError, match="oxigraph, memory|memory, oxigraph"):
        open_store(out, kind="sqlite")
    with pytest.raises(KgError, match="oxigraph, memory|memory, oxigraph"):
        write_store(trig, out, kind="sqlite")
    odd = tmp_path / "graph.txt"
    odd.write_text("")
    with pytest.raises(KgError, match=".ttl"):
        open_store(graph=odd)


def test_failed_build_leaves_the_previous_store(sample, tmp_path):
    out, trig, quads, _ = sample
    write_store(trig, out)
    (out / "store.tmp-killed").mkdir()            # what a killed build leaves behind
    broken = tmp_path / "broken.trig"
    broken.write_text("<a> <b> { this is not TriG", encoding="utf-8")
    with pytest.raises(KgError, match="cannot load"):
        write_store(broken, out)
    assert len(open_store(out)) == quads
    assert not list(out.glob("store.tmp-*"))


def test_rebuild_keeps_readers_of_the_previous_store(sample, tmp_path):
    out, trig, quads, _ = sample
    write_store(trig, out)
    first = (out / "store").resolve()
    reader = open_store(out)
    smaller = tmp_path / "smaller.trig"
    smaller.write_text("<https://w3id.org/parkkg/resource/doc/x> { <urn:a> <urn:b> <urn:c> . }", encoding="utf-8")
    write_store(smaller, out)
    assert len(open_store(out)) == 1
    assert len(reader) == quads and first.exists()      # the previous generation is kept
    reader.close()
    write_store(trig, out)
    assert not first.exists()                            # the one before that is not
    assert len(open_store(out)) == quads
    assert len([p for p in out.glob("store.*") if p.is_dir()]) == 2
