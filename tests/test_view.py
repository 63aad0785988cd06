"""The HTML network view: self-contained, safe with hostile names, filters select the right nodes."""
from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
import rdflib
from rdflib import Literal
from rdflib.namespace import RDF, RDFS, SKOS

from kg.view import STYLES, render
from kg.vocab import CLASSES, KGO, KGR, PROV, SCHEMA, SYMMETRIC

IMG = "<img src=x onerror=alert(1)>科技有限公司"
SCRIPT = "</script><script>window.pwned=1</script>集团"
LONG = "北京经纬恒润的入驻，为市北科技城汽车电子产业集群注入了新的动力，" * 4


class GraphBuilder:
    """Writes entities, relations and evidence in the shape of docs/graph-shape.md."""

    def __init__(self) -> None:
        self.graph = rdflib.Graph()
        self.count = 0

    def entity(self, cls: str, label: str, *aliases: str) -> rdflib.URIRef:
        node = KGR[f"{cls.lower()}/{quote(label, safe='')}"]
        self.graph.add((node, RDF.type, KGO[cls]))
        self.graph.add((node, RDFS.label, Literal(label, lang="zh")))
        for alias in aliases:
            self.graph.add((node, SKOS.altLabel, Literal(alias, lang="zh")))
        return node

    def relate(self, s, relation: str, o, *sentences: str, doc: str = "000_6c2b800013318e83") -> None:
        self.graph.add((s, KGO[relation], o))
        doc_node = KGR[f"doc/{doc}"]
        self.graph.add((doc_node, RDF.type, PROV.Entity))
        self.graph.add((doc_node, RDF.type, SCHEMA.Article))
        self.graph.add((doc_node, RDFS.label, Literal(doc)))
        self.graph.add((doc_node, KGO.sourcePath, Literal(f"data/corpus/{doc}.txt")))
        for sentence in sentences:
            self.count += 1
            fact = KGR[f"fact/{self.count:012x}"]
            for p, v in ((RDF.type, RDF.Statement), (RDF.subject, s), (RDF.predicate, KGO[relation]),
                         (RDF.object, o), (KGO.evidence, Literal(sentence, lang="zh")),
                         (KGO.confidence, Literal(Decimal("0.8"))),
                         (PROV.wasDerivedFrom, doc_node)):
                self.graph.add((fact, p, v))


@pytest.fixture
def graph() -> rdflib.Graph:
    """A park in a city hosting two companies; degrees: 经纬 4, park 3, IMG 2, others 1, 张三 0."""
    b = GraphBuilder()
    park = b.entity("Park", "市北科技城", "市北")
    city = b.entity("City", "南通市")
    jw = b.entity("Company", "北京经纬恒润", "经纬恒润")
    img = b.entity("Company", IMG)
    group = b.entity("Company", SCRIPT)
    industry = b.entity("Industry", "汽车电子")
    b.entity("Person", "张三")
    b.relate(park, "locatedIn", city, "市北科技城位于南通市。")
    b.relate(park, "hosts", jw, LONG, "经纬恒润落户市北科技城。", "市北科技城迎来经纬恒润。", "第四句。")
    b.relate(park, "hosts", img, "恶意公司入驻。", doc="001_hostile")
    b.relate(jw, "focusesOn", industry, "经纬恒润专注汽车电子。")
    b.relate(jw, "partnersWith", img, "双方签署合作协议。")
    b.relate(img, "partnersWith", jw)        # a symmetric relation stated both ways is one edge
    b.relate(jw, "subsidiaryOf", group, "经纬恒润隶属于集团。")
    return b.graph


def page_data(html: str) -> dict:
    found = re.findall(r'<script type="application/json" id="parkkg-data">(.*?)</script>', html, re.S)
    assert len(found) == 1
    return json.loads(found[0])


def view(graph: rdflib.Graph, tmp_path: Path, **filters) -> tuple:
    """Render and read the page back; symmetric edges come back with their ends in sorted order."""
    result = render(graph, tmp_path / "view.html", **filters)
    html = result.path.read_text(encoding="utf-8")
    data = page_data(html)
    labels = {n["id"]: n["label"] for n in data["nodes"]}
    edges = {(labels[e["from"]], e["relation"], labels[e["to"]]) for e in data["edges"]}
    edges = {(min(s, o), r, max(s, o)) if r in SYMMETRIC else (s, r, o) for s, r, o in edges}
    assert (result.nodes, result.edges) == (len(data["nodes"]), len(data["edges"]))
    return result, html, data, set(labels.values()), edges


def test_every_class_has_its_own_colour_and_a_shape():
    assert set(STYLES) == set(CLASSES)
    assert len({s.color for s in STYLES.values()}) == len(CLASSES)


def test_page_requests_nothing_from_the_network(graph, tmp_path):
    _, html, *_ = view(graph, tmp_path)
    assert not re.search(r"""<(script|img|iframe|link)\b[^>]*\b(src|href)\s*=""", html, re.I)
    assert not re.search(r"""url\(\s*['"]?\s*(https?:)?//""", html, re.I)
    assert "@import" not in html
    assert "vis-network" in html and "new vis.Network" in html       # inlined, not linked


def test_entities_relations_and_tooltips(graph, tmp_path):
    result, html, data, labels, edges = view(graph, tmp_path)
    assert labels == {"市北科技城", "南通市", "北京经纬恒润", IMG, SCRIPT, "汽车电子", "张三"}
    assert edges == {("市北科技城", "locatedIn", "南通市"), ("市北科技城", "hosts", "北京经纬恒润"),
                     ("市北科技城", "hosts", IMG), ("北京经纬恒润", "focusesOn", "汽车电子"),
                     (IMG, "partnersWith", "北京经纬恒润"), ("北京经纬恒润", "subsidiaryOf", SCRIPT)}
    assert (result.dropped, 'id="parkkg-dropped"' in html) == (0, False)

    for edge in data["edges"]:
        assert edge["label"] == edge["relation"]
        assert edge["arrows"]["to"]["enabled"] is (edge["relation"] != "partnersWith")

    nodes = {n["label"]: n for n in data["nodes"]}
    assert nodes["北京经纬恒润"]["size"] > nodes["市北科技城"]["size"] > nodes["汽车电子"]["size"]
    assert nodes["市北科技城"]["shape"] == "star" and nodes["市北科技城"]["color"] == STYLES["Park"].color
    tip = nodes["市北科技城"]["tooltip"].splitlines()
    assert tip[:3] == ["园区 Park", "别名：市北", "证据："]
    evidence = tip[3:]
    assert len(evidence) == 3 and all("〔" in line for line in evidence)
    assert all(len(line.split("〔")[0]) <= 2 + 80 for line in evidence)
    assert any(line.endswith("…〔000_6c2b800013318e83〕") for line in evidence)
    assert "恶意公司入驻。〔001_hostile〕" in nodes[IMG]["tooltip"]

    fonts = data["options"]["nodes"]["font"]["face"]
    assert fonts.startswith('"Noto Sans CJK SC"') and "WenQuanYi Micro Hei" in fonts
    assert data["options"]["edges"]["font"]["face"] == fonts
    assert data["options"]["physics"]["stabilization"]["iterations"] <= 1000


def test_legend_lists_only_the_classes_shown(graph, tmp_path):
    _, html, *_ = view(graph, tmp_path)
    legend = re.search(r'<ul class="legend".*?</ul>', html, re.S).group(0)
    shown = re.findall(r'data-class="(\w+)"', legend)
    assert shown == ["Park", "Company", "City", "Industry", "Person"]
    assert "园区 Park" in legend and "基金 Fund" not in legend


def test_hostile_names_stay_text(graph, tmp_path):
    render(graph, tmp_path / "view.html", title="<b>园区</b> & co")
    html = (tmp_path / "view.html").read_text(encoding="utf-8")
    for raw in (IMG, SCRIPT, "<img src=x", "<script>window.pwned", "<b>园区</b>"):
        assert raw not in html
    assert "&lt;b&gt;园区&lt;/b&gt; &amp; co" in html
    # the template's three script blocks, none closed early by the data
    assert html.count("</script") == 3
    data = page_data(html)
    assert {IMG, SCRIPT} <= {n["label"] for n in data["nodes"]}
    block = re.search(r'id="parkkg-data">(.*?)</script>', html, re.S).group(1)
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in block
    assert not set("<>&") & set(block)


def test_line_separators_are_escaped(tmp_path):
    b = GraphBuilder()
    b.entity("Company", "甲\u2028乙\u2029公司")
    result = render(b.graph, tmp_path / "view.html")
    html = result.path.read_text(encoding="utf-8")
    assert "\u2028" not in html and "\u2029" not in html
    assert page_data(html)["nodes"][0]["label"] == "甲\u2028乙\u2029公司"


def test_focus_keeps_the_neighbourhood(graph, tmp_path):
    _, _, _, labels, _ = view(graph, tmp_path, focus="市北科技城", depth=1)
    assert labels == {"市北科技城", "南通市", "北京经纬恒润", IMG}
    _, _, _, labels, _ = view(graph, tmp_path, focus="市北", depth=2)       # by alias
    assert labels == {"市北科技城", "南通市", "北京经纬恒润", IMG, SCRIPT, "汽车电子"}
    _, _, _, labels, _ = view(graph, tmp_path, focus="汽车", depth=0)       # by part of a name
    assert labels == {"汽车电子"}


def test_exact_name_beats_substring(tmp_path):
    b = GraphBuilder()
    short, long_ = b.entity("Industry", "汽车"), b.entity("Industry", "汽车电子")
    park = b.entity("Park", "汽车城")
    b.relate(park, "focusesOn", short)
    b.relate(park, "focusesOn", long_)
    result = render(b.graph, tmp_path / "view.html", focus="汽车", depth=0)
    assert [n["label"] for n in page_data(result.path.read_text(encoding="utf-8"))["nodes"]] == ["汽车"]


def test_unknown_focus_type_or_relation_is_an_error(graph, tmp_path):
    with pytest.raises(ValueError, match="不存在的园区"):
        render(graph, tmp_path / "view.html", focus="不存在的园区")
    with pytest.raises(ValueError, match="Factory"):
        render(graph, tmp_path / "view.html", types=["Factory"])
    with pytest.raises(ValueError, match="owns"):
        render(graph, tmp_path / "view.html", relations=["owns"])
    assert not (tmp_path / "view.html").exists()


def test_types_filter(graph, tmp_path):
    _, _, _, labels, edges = view(graph, tmp_path, types=["Company"])
    assert labels == {"北京经纬恒润", IMG, SCRIPT}
    assert {r for _, r, _ in edges} == {"partnersWith", "subsidiaryOf"}
    _, _, _, labels, _ = view(graph, tmp_path, types=["Park", "Region"])       # Region takes City
    assert labels == {"市北科技城", "南通市"}
    _, _, _, labels, _ = view(graph, tmp_path, focus="市北科技城", types=["Company"], depth=1)
    assert labels == {"市北科技城", "北京经纬恒润", IMG}


def test_relations_filter(graph, tmp_path):
    _, _, _, labels, edges = view(graph, tmp_path, relations=["hosts", "focusesOn"])
    assert {r for _, r, _ in edges} == {"hosts", "focusesOn"}
    assert labels == {"市北科技城", "北京经纬恒润", IMG, "汽车电子"}


def test_min_degree(graph, tmp_path):
    _, _, _, labels, _ = view(graph, tmp_path, min_degree=1)
    assert "张三" not in labels and len(labels) == 6
    _, _, _, labels, _ = view(graph, tmp_path, min_degree=2)
    assert labels == {"市北科技城", "北京经纬恒润", IMG}


def test_max_nodes_keeps_the_best_connected_and_says_so(graph, tmp_path):
    result, html, _, labels, edges = view(graph, tmp_path, max_nodes=3)
    assert labels == {"市北科技城", "北京经纬恒润", IMG}
    assert result.dropped == 4 and "4" in result.message and "--focus" in result.message
    assert len(edges) == 3
    banner = re.search(r'<div class="banner" id="parkkg-dropped".*?</div>', html, re.S).group(0)
    assert "4 lower-degree entities were dropped" in banner and "kg viz --focus NAME" in banner


def test_empty_graph_still_writes_a_page(tmp_path):
    result = render(rdflib.Graph(), tmp_path / "sub" / "view.html")
    assert (result.nodes, result.edges, result.dropped) == (0, 0, 0)
    assert "No entity matches" in result.path.read_text(encoding="utf-8")
