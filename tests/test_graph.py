"""The graph `kg build` writes (docs/graph-shape.md), checked on the corpus build and on hostile names."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote

import pyoxigraph
import pytest
import rdflib
from rdflib import RDF, RDFS, SKOS, XSD, Literal, URIRef

from conftest import CORPUS, ROOT
from kg import api
from kg.extract.resolve import normal_form
from kg.graph import to_dataset, union_graph
from kg.model import Amount, Document, Entity, Fact
from kg.vocab import CLASSES, KGO, KGR, NS, PROV, REGION_CLASSES, RELATIONS

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

UNSAFE_IRI = re.compile(r"[\s\"'<>\\^`{|}]")


def kgo_classes(g: rdflib.Graph, node) -> list[str]:
    return [str(t)[len(NS):] for t in g.objects(node, RDF.type) if str(t).startswith(str(NS))]


def entities(g: rdflib.Graph) -> set:
    return {s for s, t in g.subject_objects(RDF.type) if str(t).startswith(str(NS))}


def relation_triples(g: rdflib.Graph) -> list[tuple]:
    return [(s, KGO[rel], o) for rel in RELATIONS for s, o in g.subject_objects(KGO[rel])]


def oxigraph_triples(path: Path, fmt=pyoxigraph.RdfFormat.TURTLE) -> list:
    return list(pyoxigraph.parse(path=str(path), format=fmt))


def ox_iris(quads) -> set[str]:
    found = set()
    for q in quads:
        for term in (q.subject, q.predicate, q.object):
            if isinstance(term, pyoxigraph.NamedNode):
                found.add(term.value)
    return found


def ox_literals(quads, predicate: str) -> set[str]:
    return {q.object.value for q in quads if q.predicate.value == predicate}


def has_class(g: rdflib.Graph, node, *classes: str) -> bool:
    return bool(set(kgo_classes(g, node)) & set(classes))


# ---------------------------------------------------------------------------------------------
# the corpus build


def test_build_reads_every_corpus_article(corpus_build):
    assert len(corpus_build.documents) == len(list(CORPUS.glob("*.txt")))
    assert corpus_build.skipped == []
    assert corpus_build.ok
    for name in ("graph", "evidence", "report"):
        assert corpus_build.files[name].is_file()


def test_triple_count_is_what_was_written(corpus_build, corpus_graph):
    assert corpus_build.triples == len(corpus_graph)


def test_every_entity_has_one_zh_label_and_one_kgo_class(corpus_graph):
    g = corpus_graph
    ents = entities(g)
    assert len(ents) > 100
    problems = []
    for node in ents:
        labels = list(g.objects(node, RDFS.label))
        classes = kgo_classes(g, node)
        if len(labels) != 1 or labels[0].language != "zh" or not str(labels[0]).strip():
            problems.append((str(node), "labels", labels))
        if len(classes) != 1 or classes[0] not in CLASSES:
            problems.append((str(node), "classes", classes))
        for alias in g.objects(node, SKOS.altLabel):
            if alias.language != "zh":
                problems.append((str(node), "altLabel", alias))
    assert problems == []


def test_region_entities_are_typed_with_region_or_its_subclasses(corpus_graph):
    g = corpus_graph
    regions = [n for n in entities(g) if set(kgo_classes(g, n)) & REGION_CLASSES]
    assert regions
    for node in regions:
        assert set(kgo_classes(g, node)) <= REGION_CLASSES


def test_every_node_of_a_relation_is_an_entity(corpus_graph):
    g = corpus_graph
    ents = entities(g)
    for s, p, o in relation_triples(g):
        assert s in ents and o in ents, (s, p, o)


def test_every_relation_has_evidence(corpus_graph):
    g = corpus_graph
    statements = defaultdict(list)
    for st in g.subjects(RDF.type, RDF.Statement):
        statements[g.value(st, RDF.subject), g.value(st, RDF.predicate), g.value(st, RDF.object)].append(st)
    documents = set(g.subjects(KGO.sourcePath, None))
    missing, bad = [], []
    for triple in relation_triples(g):
        if not statements.get(triple):
            missing.append(triple)
            continue
        for st in statements[triple]:
            evidence = list(g.objects(st, KGO.evidence))
            confidence = list(g.objects(st, KGO.confidence))
            sources = list(g.objects(st, PROV.wasDerivedFrom))
            ok = (len(evidence) == 1 and evidence[0].language == "zh" and str(evidence[0]).strip()
                  and len(confidence) == 1 and confidence[0].datatype == XSD.decimal
                  and 0 <= confidence[0].toPython() <= 1
                  and len(sources) == 1 and sources[0] in documents)
            if not ok:
                bad.append((st, evidence, confidence, sources))
    assert missing == []
    assert bad == []


def test_every_statement_is_of_an_asserted_relation(corpus_graph):
    g = corpus_graph
    for st in g.subjects(RDF.type, RDF.Statement):
        s, p, o = g.value(st, RDF.subject), g.value(st, RDF.predicate), g.value(st, RDF.object)
        assert str(p)[len(NS):] in RELATIONS
        assert (s, p, o) in g


def test_documents_are_the_articles_read(corpus_build, corpus_graph):
    g = corpus_graph
    paths = {str(p) for p in g.objects(None, KGO.sourcePath)}
    assert paths == {d.source for d in corpus_build.documents}
    for doc in g.subjects(KGO.sourcePath, None):
        assert (doc, RDF.type, PROV.Entity) in g


def test_entity_iris_are_safe_and_parse_in_rdflib_and_oxigraph(corpus_build, corpus_graph):
    ox = oxigraph_triples(corpus_build.files["graph"])
    assert len(ox) == len(corpus_graph)
    ox_nodes = ox_iris(ox)
    for node in entities(corpus_graph):
        iri = str(node)
        assert iri in ox_nodes
        assert iri.startswith(str(KGR))
        assert not UNSAFE_IRI.search(iri), iri
        assert "#" not in iri
        rdflib.URIRef(iri)  # no warning-worthy characters
        cls, _, local = iri[len(str(KGR)):].partition("/")
        assert cls == kgo_classes(corpus_graph, node)[0].lower()
        assert "/" not in local and local


def test_entity_iri_is_made_from_the_label(corpus_graph):
    g = corpus_graph
    for node in entities(g):
        local = str(node).rsplit("/", 1)[1]
        assert unquote(local) == normal_form(str(g.value(node, RDFS.label))), node


def test_turtle_parses_the_same_in_rdflib_and_oxigraph(corpus_build, corpus_graph):
    ox = oxigraph_triples(corpus_build.files["graph"])
    rd_labels = {str(o) for o in corpus_graph.objects(None, RDFS.label)}
    assert ox_literals(ox, str(RDFS.label)) == rd_labels
    rd_evidence = {str(o) for o in corpus_graph.objects(None, KGO.evidence)}
    assert ox_literals(ox, str(KGO.evidence)) == rd_evidence


def test_trig_parses_in_oxigraph_with_every_triple(corpus_build, corpus_graph):
    quads = list(pyoxigraph.parse(path=str(corpus_build.files["evidence"]), format=pyoxigraph.RdfFormat.TRIG))
    triples = {(q.subject, q.predicate, q.object) for q in quads}
    assert len(triples) == len(corpus_graph)


def test_trig_has_one_named_graph_per_document(corpus_build, corpus_dataset, corpus_graph):
    named = {q[3] for q in corpus_dataset.quads((None, None, None, None))
             if q[3] is not None and q[3] != rdflib.graph.DATASET_DEFAULT_GRAPH_ID}
    documents = set(corpus_graph.subjects(KGO.sourcePath, None))
    assert named == documents
    assert len(named) == len(corpus_build.documents)
    # the union of the named graphs and the default graph is graph.ttl
    union = {(s, p, o) for s, p, o, _ in corpus_dataset.quads((None, None, None, None))}
    assert union == set(corpus_graph)


def test_evidence_is_in_the_default_graph_and_its_relation_in_the_graph_of_its_document(corpus_dataset):
    default = rdflib.graph.DATASET_DEFAULT_GRAPH_ID
    statements = list(corpus_dataset.quads((None, PROV.wasDerivedFrom, None, None)))
    assert statements
    for st, _, doc, ctx in statements:
        assert ctx == default, (st, ctx)
        assert {q[3] for q in corpus_dataset.quads((st, None, None, None))} == {default}
        s, p, o = (corpus_dataset.value(st, RDF[term]) for term in ("subject", "predicate", "object"))
        assert (s, p, o, doc) in corpus_dataset or (o, p, s, doc) in corpus_dataset, st


def test_amounts_are_decimals_with_a_currency(corpus_graph):
    g = corpus_graph
    amounts = list(g.subject_objects(KGO.investmentAmount))
    assert amounts
    for node, amount in amounts:
        assert isinstance(amount, Literal) and amount.datatype == XSD.decimal, amount
        assert isinstance(amount.toPython(), Decimal) and amount.toPython() >= 0
        currencies = list(g.objects(node, KGO.currency))
        assert len(currencies) == 1 and re.fullmatch(r"[A-Z]{3}", str(currencies[0])), (node, currencies)
        assert currencies[0].datatype in (None, XSD.string) and currencies[0].language is None
        assert len(list(g.objects(node, KGO.investmentAmount))) == 1
    for node in g.subjects(KGO.currency, None):
        assert g.value(node, KGO.investmentAmount) is not None


def test_amounts_are_on_projects_companies_and_funds(corpus_graph):
    """docs/graph-shape.md and ontology/shapes.ttl: investmentAmount only on Project, Company, Fund."""
    g = corpus_graph
    wrong = [(str(g.value(n, RDFS.label)), kgo_classes(g, n), str(a))
             for n, a in g.subject_objects(KGO.investmentAmount)
             if not has_class(g, n, "Project", "Company", "Fund")]
    assert wrong == []


def _compatible_group(cls: str) -> str:
    return "Region" if cls in REGION_CLASSES else "Park" if cls in ("Park", "Platform") else cls


def test_no_two_entities_of_compatible_classes_share_a_name(corpus_graph):
    g = corpus_graph
    by_name = defaultdict(set)
    for node in entities(g):
        group = _compatible_group(kgo_classes(g, node)[0])
        for prop in (RDFS.label, SKOS.altLabel):
            for name in g.objects(node, prop):
                by_name[group, normal_form(str(name))].add(node)
    shared = {name: sorted(map(str, nodes)) for name, nodes in by_name.items() if len(nodes) > 1}
    assert shared == {}


def test_a_city_named_in_several_articles_is_one_node(corpus_graph, corpus_dataset):
    g = corpus_graph
    nodes = set(g.subjects(RDFS.label, Literal("南通市", lang="zh")))
    assert len(nodes) == 1
    nantong = nodes.pop()
    assert has_class(g, nantong, *REGION_CLASSES)
    # described (typed and labelled) in the named graph of each article that names it
    described_in = {ctx for _, _, _, ctx in corpus_dataset.quads((nantong, RDF.type, None, None))}
    assert len(described_in) >= 2, described_in
    for ctx in described_in:
        text = Path(str(g.value(ctx, KGO.sourcePath))).read_text(encoding="utf-8")
        assert "南通" in text
    # and relations stated in different articles meet at that one IRI
    with_relations = set()
    for rel in RELATIONS:
        for quad in [*corpus_dataset.quads((nantong, KGO[rel], None, None)),
                     *corpus_dataset.quads((None, KGO[rel], nantong, None))]:
            with_relations.add(quad[3])
    assert len(with_relations) >= 2, with_relations


def _build_in_subprocess(out: Path, seed: str) -> None:
    code = "import sys; from kg.api import build; build([sys.argv[1]], sys.argv[2])"
    env = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run([sys.executable, "-c", code, str(CORPUS), str(out)], check=True, env=env, cwd=ROOT,
                   capture_output=True, timeout=120)


def test_building_twice_gives_byte_identical_files(tmp_path):
    """Two processes with different hash seeds: set and dict order must not reach the files."""
    _build_in_subprocess(tmp_path / "a", "1")
    _build_in_subprocess(tmp_path / "b", "2")
    for name in (api.GRAPH_FILE, api.EVIDENCE_FILE, api.REPORT_FILE):
        a = (tmp_path / "a" / name).read_bytes()
        b = (tmp_path / "b" / name).read_bytes()
        assert a == b, f"{name} differs between two builds of the same corpus"


def test_building_twice_in_one_process_gives_the_same_turtle(tmp_path, corpus_build):
    again = api.build([CORPUS], tmp_path / "again")
    assert again.files["graph"].read_bytes() == corpus_build.files["graph"].read_bytes()
    assert again.files["evidence"].read_bytes() == corpus_build.files["evidence"].read_bytes()


# ---------------------------------------------------------------------------------------------
# hostile names

IMG = "<img src=x onerror=alert(1)>科技有限公司"
QUOTED = '"引号"与\\反斜杠#井号🚀科技有限公司'
HOSTILE = (IMG, QUOTED)


def _parse_both(ttl: Path, trig: Path):
    g = rdflib.Graph().parse(ttl, format="turtle")
    ds = rdflib.Dataset()
    ds.parse(trig, format="trig")
    ox = oxigraph_triples(ttl)
    ox_quads = list(pyoxigraph.parse(path=str(trig), format=pyoxigraph.RdfFormat.TRIG))
    assert len(ox) == len(g)
    assert len({(q.subject, q.predicate, q.object) for q in ox_quads}) == len(g)
    return g, ox


def test_hostile_names_in_articles_build_and_parse(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(f"2023年5月，{IMG}落户苏州工业园区。\n", encoding="utf-8")
    (src / "b.txt").write_text(f"同月，{QUOTED}落户苏州工业园区，总投资5亿元。\n", encoding="utf-8")
    result = api.build([src], tmp_path / "out")
    assert len(result.documents) == 2 and result.skipped == []
    g, ox = _parse_both(result.files["graph"], result.files["evidence"])
    # whatever was recognised, texts survive exactly in both parsers
    rd_text = {str(o) for p in (RDFS.label, SKOS.altLabel, KGO.evidence) for o in g.objects(None, p)}
    ox_text = set().union(*(ox_literals(ox, str(p)) for p in (RDFS.label, SKOS.altLabel, KGO.evidence)))
    assert rd_text == ox_text
    for node in entities(g):
        assert not UNSAFE_IRI.search(str(node)), node
    # a company label that holds part of a hostile name must hold all of it
    for label in (str(g.value(n, RDFS.label)) for n in entities(g)):
        for name in HOSTILE:
            if label != name and ("onerror" in label or "反斜杠" in label):
                pytest.fail(f"hostile name cut or altered: {label!r} (expected {name!r})")


def _document(doc_id: str, labels: dict[str, tuple[str, str]], facts, amounts=()) -> Document:
    doc = Document(id=doc_id, source=f"{doc_id}.txt", text="……", sha256=doc_id)
    doc.entities = {key: Entity(key, label, cls) for key, (label, cls) in labels.items()}
    doc.facts = [Fact(s, rel, o, 0, evidence, 0.8, "test") for s, rel, o, evidence in facts]
    doc.amounts = [(key, Amount(value, currency, text), 0) for key, value, currency, text in amounts]
    return doc


def test_hostile_labels_and_evidence_survive_the_graph_writer(tmp_path):
    """The graph stage alone, with names the extractor would not produce: nothing may break the files."""
    newline_evidence = f'他说："{QUOTED}"\n第二行\t制表符 """三引号""" 结尾引号"'
    doc = _document("hostile", {
        "c1": (IMG, "Company"),
        "c2": (QUOTED, "Company"),
        "p": ("苏州工业园区", "Park"),
        "c3": ("</script><script>alert(1)</script>集团", "Company"),
        "c4": ("名称 带空格\u3000与{花括号}|竖线^`反引号`", "Company"),
    }, [("p", "hosts", "c1", f"{IMG}落户苏州工业园区"),
        ("p", "hosts", "c2", newline_evidence),
        ("p", "hosts", "c3", "'单引号'与\\\\双反斜杠"),
        ("c4", "partnersWith", "c1", "……")],
        [("c2", 5e8, "CNY", "5亿元")])
    ds = to_dataset([doc])
    ttl, trig = tmp_path / "g.ttl", tmp_path / "g.trig"
    ttl.write_text(union_graph(ds).serialize(format="turtle"), encoding="utf-8")
    trig.write_text(ds.serialize(format="trig"), encoding="utf-8")
    g, ox = _parse_both(ttl, trig)
    labels = {str(g.value(n, RDFS.label)) for n in entities(g)}
    given = {e.label for e in doc.entities.values()}
    assert given <= labels
    assert ox_literals(ox, str(RDFS.label)) >= given
    evidence = {str(o) for o in g.objects(None, KGO.evidence)}
    assert newline_evidence in evidence and "'单引号'与\\\\双反斜杠" in evidence
    assert ox_literals(ox, str(KGO.evidence)) == evidence
    for node in entities(g):
        assert not UNSAFE_IRI.search(str(node)), node
        assert str(node).count("#") == 0
    company = next(n for n in entities(g) if str(g.value(n, RDFS.label)) == QUOTED)
    amount = g.value(company, KGO.investmentAmount)
    assert amount.datatype == XSD.decimal and amount.toPython() == Decimal("500000000")
    assert str(g.value(company, KGO.currency)) == "CNY"


def test_hostile_and_very_long_names_survive_the_build_writers(tmp_path):
    """Through kg.graph.serialize, as kg build writes its files, and read back by three parsers."""
    from kg.graph import serialize
    from test_rapper import rapper_count

    names = {
        "c1": ('换行\n名称"引号"<尖括号>科技有限公司', "Company"),
        "c2": ("反斜杠\\结尾\\", "Company"),
        "c3": ("井号#与空格 \t制表符🚀🏭有限公司", "Company"),
        "c4": ("很长的名称" * 600 + "有限公司", "Company"),       # 3,004 characters
        "p": ("苏州工业园区", "Park"),
    }
    doc = _document("hostile-long", names, [("p", "hosts", key, f"{label}落户苏州工业园区")
                                            for key, (label, cls) in names.items() if cls == "Company"])
    ds = to_dataset([doc])
    ttl, trig = tmp_path / "g.ttl", tmp_path / "g.trig"
    ttl.write_text(serialize(union_graph(ds), "turtle"), encoding="utf-8")
    trig.write_text(serialize(ds, "trig"), encoding="utf-8")
    g, ox = _parse_both(ttl, trig)
    assert rapper_count("turtle", ttl) == len(g)
    assert rapper_count("trig", trig) == sum(1 for _ in ds.quads((None, None, None, None)))
    given = {label for label, _ in names.values()}
    assert {str(g.value(n, RDFS.label)) for n in entities(g)} == given
    assert ox_literals(ox, str(RDFS.label)) == given | {doc.id}     # and the document's own label
    for node in entities(g):
        assert not UNSAFE_IRI.search(str(node)) and "#" not in str(node), node
        assert unquote(str(node).rsplit("/", 1)[1]) in {normal_form(label) for label in given}
