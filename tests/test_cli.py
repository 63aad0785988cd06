"""The `kg` command through click's CliRunner; results are checked in the files it writes."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import networkx as nx
import pytest
import rdflib
from rdflib import RDF, RDFS
from rdflib.compare import isomorphic

from conftest import CORPUS, EVAL_DOCS, make_runner
from kg import api
from kg.analysis import find_entity, shortest_paths
from kg.cli import main
from kg.evaluate import evaluate as score, score_text
from kg.vocab import KGO, NS, RELATIONS

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def run(*args: str):
    result = make_runner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The corpus built by `kg build`; the other commands read this folder."""
    out = tmp_path_factory.mktemp("cli-build")
    result = run("build", CORPUS, "--out", out)
    assert result.exit_code == 0, result.stderr
    return out


def entity_count(g: rdflib.Graph) -> int:
    return len({s for s, t in g.subject_objects(RDF.type) if str(t).startswith(str(NS))})


def relation_count(g: rdflib.Graph) -> int:
    return sum(1 for rel in RELATIONS for _ in g.subject_objects(KGO[rel]))


def test_build_writes_the_files(built):
    for name in (api.GRAPH_FILE, api.EVIDENCE_FILE, api.REPORT_FILE):
        assert (built / name).is_file()
    g = rdflib.Graph().parse(built / api.GRAPH_FILE)
    report = json.loads((built / api.REPORT_FILE).read_text(encoding="utf-8"))
    assert report["triples"] == len(g)
    assert len(report["documents"]) == len(list(CORPUS.glob("*.txt")))
    assert report["skipped"] == []


def test_build_quiet_prints_nothing(tmp_path):
    result = run("build", CORPUS, "--out", tmp_path, "--quiet")
    assert result.exit_code == 0
    assert result.stdout == "" and result.stderr == ""


def test_build_missing_path_exits_2_without_traceback(tmp_path):
    missing = tmp_path / "nowhere"
    result = run("build", missing, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert f"kg: no such file or folder: {missing}" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "out" / api.GRAPH_FILE).exists()


def test_build_folder_with_nothing_readable_exits_2(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "empty.txt").write_bytes(b"")
    result = run("build", src, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr.startswith("kg: no readable articles")
    assert "Traceback" not in result.stderr


def test_build_with_one_bad_file_exits_1_and_still_writes(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    good = sorted(CORPUS.glob("*.txt"))[0]
    shutil.copy(good, src / good.name)
    bad = src / "scan.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50)
    out = tmp_path / "out"
    result = run("build", src, "--out", out)
    assert result.exit_code == 1
    assert f"kg: failed to read {bad}: not text (binary data)" in result.stderr
    assert "Traceback" not in result.stderr
    g = rdflib.Graph().parse(out / api.GRAPH_FILE)
    assert relation_count(g) > 0
    report = json.loads((out / api.REPORT_FILE).read_text(encoding="utf-8"))
    assert report["failed"] == [{"path": str(bad), "stage": "read", "reason": "not text (binary data)"}]
    assert [d["source"] for d in report["documents"]] == [str(src / good.name)]


def test_build_forced_encoding(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    good = sorted(CORPUS.glob("*.txt"))[0]
    (src / "gbk.txt").write_bytes(good.read_text(encoding="utf-8").encode("gb18030"))
    result = run("build", src, "--out", tmp_path / "out", "--encoding", "gb18030", "-q")
    assert result.exit_code == 0, result.stderr
    utf8 = run("build", good, "--out", tmp_path / "ref", "-q")
    assert utf8.exit_code == 0
    a = {str(o) for o in rdflib.Graph().parse(tmp_path / "out" / api.GRAPH_FILE).objects(None, RDFS.label)}
    b = {str(o) for o in rdflib.Graph().parse(tmp_path / "ref" / api.GRAPH_FILE).objects(None, RDFS.label)}
    assert a - {"gbk"} == b - {good.stem}


def test_commands_without_a_build_say_so(tmp_path):
    result = run("stats", "--out", tmp_path / "empty")
    assert result.exit_code == 2
    assert result.stderr.startswith("kg: no graph in")
    assert "kg build" in result.stderr


def test_stats(built):
    result = run("stats", "--out", built)
    assert result.exit_code == 0, result.stderr
    g = rdflib.Graph().parse(built / api.GRAPH_FILE)
    assert result.stdout.startswith(f"{len(g)} triples, {entity_count(g)} entities, {relation_count(g)} relations")


def test_show(built):
    result = run("show", "经纬恒润", "--out", built)
    assert result.exit_code == 0, result.stderr
    g = api.open_graph(built)
    node = find_entity(g, "经纬恒润")
    assert str(node) in result.stdout
    assert str(g.value(node, RDFS.label)) in result.stdout


def test_show_unknown_name_exits_2(built):
    result = run("show", "不存在的公司名称", "--out", built)
    assert result.exit_code == 2
    assert result.stderr.startswith("kg: ")
    assert "Traceback" not in result.stderr


def test_path_between_connected_entities(built):
    g = api.open_graph(built)
    park = next(g.subjects(RDFS.label, rdflib.Literal("上海市北高新（南通）科技城", lang="zh")))
    company = find_entity(g, "经纬恒润")
    assert (park, KGO.hosts, company) in g
    result = run("path", "上海市北高新（南通）科技城", "经纬恒润", "--out", built)
    assert result.exit_code == 0, result.stderr
    paths = shortest_paths(g, "上海市北高新（南通）科技城", "经纬恒润")
    assert paths and len(paths[0]) == 1
    assert "no path between them" not in result.stdout
    assert "hosts" in result.stdout


def test_path_over_several_hops(built):
    g = api.open_graph(built)
    paths = shortest_paths(g, "经纬恒润", "南通市")
    assert paths, "经纬恒润 and 南通市 are connected in the corpus graph"
    result = run("path", "经纬恒润", "南通市", "--out", built)
    assert result.exit_code == 0, result.stderr
    assert f"path 1 ({len(paths[0])} hop" in result.stdout


def test_viz_writes_self_contained_html(built, tmp_path):
    dest = tmp_path / "network.html"
    result = run("viz", "--out", built, "-o", dest)
    assert result.exit_code == 0, result.stderr
    html = dest.read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html")
    assert not re.search(r"<script[^>]*\bsrc\s*=\s*[\"']?(https?:)?//", html, re.I)
    assert not re.search(r"<link[^>]*\bhref\s*=\s*[\"']?(https?:)?//", html, re.I)
    assert "上海市北高新（南通）科技城" in html


def test_viz_default_destination(built):
    result = run("viz", "--out", built)
    assert result.exit_code == 0, result.stderr
    assert (built / "graph.html").is_file()


@pytest.mark.parametrize("fmt,parser", [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"), ("xml", "xml")])
def test_export_plain_formats_parse_back_with_every_triple(built, tmp_path, fmt, parser):
    dest = tmp_path / f"export.{fmt}"
    result = run("export", "--format", fmt, "--out", built, "-o", dest)
    assert result.exit_code == 0, result.stderr
    turtle = rdflib.Graph().parse(built / api.GRAPH_FILE)
    back = rdflib.Graph().parse(dest, format=parser)
    assert len(back) == len(turtle)
    assert isomorphic(back, turtle)


@pytest.mark.parametrize("fmt,parser", [("trig", "trig"), ("nq", "nquads")])
def test_export_quad_formats_keep_the_named_graphs(built, tmp_path, fmt, parser):
    dest = tmp_path / f"export.{fmt}"
    result = run("export", "--format", fmt, "--out", built, "-o", dest)
    assert result.exit_code == 0, result.stderr
    turtle = rdflib.Graph().parse(built / api.GRAPH_FILE)
    ds = rdflib.Dataset()
    ds.parse(dest, format=parser)
    triples = {(s, p, o) for s, p, o, _ in ds.quads((None, None, None, None))}
    assert len(triples) == len(turtle)
    graphs = {c for *_, c in ds.quads((None, None, None, None)) if c != rdflib.graph.DATASET_DEFAULT_GRAPH_ID}
    assert graphs == set(turtle.subjects(KGO.sourcePath, None))


def test_export_graphml_reads_back_in_networkx(built, tmp_path):
    dest = tmp_path / "export.graphml"
    result = run("export", "--format", "graphml", "--out", built, "-o", dest)
    assert result.exit_code == 0, result.stderr
    g = nx.read_graphml(dest)
    turtle = rdflib.Graph().parse(built / api.GRAPH_FILE)
    assert g.number_of_nodes() == entity_count(turtle)
    assert g.number_of_edges() == relation_count(turtle)
    labels = {data.get("label") for _, data in g.nodes(data=True)}
    assert "上海市北高新（南通）科技城" in labels


def test_export_default_destination(built):
    result = run("export", "--format", "nt", "--out", built)
    assert result.exit_code == 0, result.stderr
    assert len(rdflib.Graph().parse(built / "export.nt", format="nt")) > 0


def test_export_unknown_format_is_a_usage_error(built):
    result = run("export", "--format", "yaml", "--out", built)
    assert result.exit_code == 2


def test_validate_conforms(built):
    result = run("validate", "--out", built)
    assert result.exit_code == 0, f"the corpus graph does not conform to the shapes:\n{result.stdout}"
    assert result.stdout.startswith("conforms")


@pytest.fixture(scope="module")
def eval_out(tmp_path_factory) -> Path:
    if not EVAL_DOCS.is_dir():
        pytest.skip(f"{EVAL_DOCS} is absent")
    out = tmp_path_factory.mktemp("cli-eval")
    result = run("build", EVAL_DOCS, "--out", out, "-q")
    assert result.exit_code == 0, result.stderr
    return out


def test_evaluate(eval_out, gold_dir):
    result = run("evaluate", "--gold", gold_dir, "--out", eval_out)
    assert result.exit_code == 0, result.stderr
    expected = score_text(score(eval_out / api.GRAPH_FILE, [gold_dir]))
    assert result.stdout.rstrip("\n") == expected
    assert re.search(r"^SCORE triples F1 [0-9.]+ ", result.stdout, re.M)


def test_evaluate_with_errors(eval_out, gold_dir):
    result = run("evaluate", "--gold", gold_dir, "--out", eval_out, "--show-errors")
    assert result.exit_code == 0, result.stderr
    assert "# gold relations missed" in result.stdout


def test_evaluate_missing_gold_is_a_usage_error(eval_out, tmp_path):
    result = run("evaluate", "--gold", tmp_path / "nothing", "--out", eval_out)
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr


def test_version_and_help():
    assert run("--version").exit_code == 0
    result = run("--help")
    assert result.exit_code == 0
    for command in ("build", "stats", "show", "path", "viz", "export", "validate", "evaluate"):
        assert command in result.stdout


# --- kg query -------------------------------------------------------------------------

HOSTS = "SELECT ?park ?co WHERE { ?park kgo:hosts ?co }"


def test_query_reads_the_build_store_and_prints_a_table(built):
    result = run("query", HOSTS, "--out", built)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["park", "co"]
    rows = rdflib.Graph().parse(built / "graph.ttl").query(f"PREFIX kgo: <{NS}> {HOSTS}")
    assert f"({len(rows)} rows)" in lines[-1]


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json"])
def test_query_formats(built, fmt):
    result = run("query", HOSTS, "--out", built, "--format", fmt)
    assert result.exit_code == 0, result.stderr
    if fmt == "json":
        data = json.loads(result.stdout)
        assert data["head"]["vars"] == ["park", "co"] and data["results"]["bindings"]
    else:
        sep = "," if fmt == "csv" else "\t"
        assert result.stdout.splitlines()[0].split(sep) == ["park", "co"]


def test_query_saved_and_from_file(built, tmp_path):
    listed = run("query", "--list")
    assert "park-companies" in listed.stdout
    saved = run("query", "--saved", "park-companies", "--out", built, "--format", "csv")
    assert saved.exit_code == 0 and len(saved.stdout.splitlines()) > 5
    rq = tmp_path / "q.rq"
    rq.write_text("ASK { ?s kgo:partnersWith ?o }", encoding="utf-8")
    asked = run("query", "--file", rq, "--out", built)
    assert asked.exit_code == 0 and asked.stdout.strip() == "true"


def test_query_on_any_rdf_file_with_either_engine(built):
    for store in ("oxigraph", "memory"):
        result = run("query", "SELECT (COUNT(*) AS ?n) WHERE { ?s a kgo:Park }", "--graph",
                     built / "graph.ttl", "--store", store, "--format", "csv")
        assert result.exit_code == 0, result.stderr
        assert int(result.stdout.splitlines()[1]) > 5


def test_malformed_query_shows_the_position_and_exits_2(built):
    result = run("query", "SELECT ?x WHERE { ?x kgo:hosts }", "--out", built)
    assert result.exit_code == 2
    assert "line 1" in result.stderr and "^" in result.stderr
    assert "Traceback" not in result.stderr


def test_query_before_build_says_what_to_run(tmp_path):
    result = run("query", HOSTS, "--out", tmp_path / "nothing")
    assert result.exit_code == 2 and "kg build" in result.stderr


def test_query_needs_exactly_one_source(built):
    assert run("query", "--out", built).exit_code == 2


def test_viz_of_a_construct_query(built, tmp_path):
    rq = tmp_path / "hosts.rq"
    rq.write_text("CONSTRUCT { ?p kgo:hosts ?c . ?p a ?pc ; rdfs:label ?pl . ?c a ?cc ; rdfs:label ?cl }\n"
                  "WHERE { ?p kgo:hosts ?c . ?p a ?pc ; rdfs:label ?pl . ?c a ?cc ; rdfs:label ?cl }",
                  encoding="utf-8")
    page = tmp_path / "hosts.html"
    result = run("viz", "--out", built, "--query", rq, "-o", page)
    assert result.exit_code == 0, result.stderr
    from test_view import page_data

    edges = page_data(page.read_text(encoding="utf-8"))["edges"]
    assert edges and {e["label"] for e in edges} == {"hosts"}
    bad = tmp_path / "select.rq"
    bad.write_text("SELECT * WHERE { ?s ?p ?o } LIMIT 1", encoding="utf-8")
    refused = run("viz", "--out", built, "--query", bad, "-o", tmp_path / "x.html")
    assert refused.exit_code == 2 and "CONSTRUCT" in refused.stderr
