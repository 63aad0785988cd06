"""Large views: above LARGE_GRAPH nodes the page lays out the core only and places the rest.

vis-network's own layout takes about a minute for 5,000 nodes (bench/bench_view.py), so a
large view keeps leaves (one relation) and isolated entities out of the physics, gives the
layout a time budget, and the page then puts each leaf on a spiral around its neighbour and
the isolated entities in rows below. Small views are drawn as before.
"""
from __future__ import annotations

import json
import math
import re
from urllib.parse import quote

import pytest
import rdflib
from rdflib import RDF, RDFS, Literal, URIRef

from kg import view
from kg.vocab import KGO

from test_view_browser import Watched, browser  # noqa: F401  (the shared Chromium fixture)

KGR = "https://w3id.org/parkkg/resource/"


def iri(kind: str, name: str) -> URIRef:
    return URIRef(f"{KGR}{kind}/{quote(name)}")


def entity(g: rdflib.Graph, kind: str, name: str) -> URIRef:
    node = iri(kind.lower(), name)
    g.add((node, RDF.type, KGO[kind]))
    g.add((node, RDFS.label, Literal(name, lang="zh")))
    return node


def hub_graph(tenants: int = 600, isolated: int = 20) -> rdflib.Graph:
    """Two parks in one city; the first hosts `tenants` firms, one firm also works in an industry;
    a firm and a fund related only to each other; `isolated` institutions with no relation."""
    g = rdflib.Graph()
    big, small, city = entity(g, "Park", "大园区"), entity(g, "Park", "小园区"), entity(g, "City", "南通市")
    g.add((big, KGO.locatedIn, city))
    g.add((small, KGO.locatedIn, city))
    g.add((small, KGO.hosts, entity(g, "Company", "小园区企业")))
    for i in range(tenants):
        g.add((big, KGO.hosts, entity(g, "Company", f"企业{i:04d}")))
    g.add((iri("company", "企业0000"), KGO.focusesOn, entity(g, "Industry", "汽车电子")))
    g.add((small, KGO.focusesOn, iri("industry", "汽车电子")))
    g.add((entity(g, "Fund", "孤立基金"), KGO.investsIn, entity(g, "Company", "孤立企业")))
    for i in range(isolated):
        entity(g, "Institution", f"研究院{i:02d}")
    return g


def page_data(path) -> dict:
    html = path.read_text(encoding="utf-8")
    return json.loads(re.search(r'id="parkkg-data">(.*?)</script>', html, re.S).group(1))


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    path = tmp_path_factory.mktemp("large") / "view.html"
    result = view.render(hub_graph(), path, max_nodes=10_000)
    assert result.nodes > view.LARGE_GRAPH
    return result, page_data(path)


def test_small_views_are_drawn_as_before(tmp_path):
    result = view.render(hub_graph(tenants=50, isolated=3), tmp_path / "view.html")
    data = page_data(result.path)
    assert data["options"] == view.VIS_OPTIONS
    assert not any({"physics", "anchor", "mass"} & set(n) for n in data["nodes"])
    assert not any({"physics", "length"} & set(e) for e in data["edges"])


def test_large_views_use_cheaper_options(large):
    _, data = large
    options = data["options"]
    assert options["layout"]["improvedLayout"] is False
    assert options["edges"]["smooth"] is False
    assert options["interaction"]["hideEdgesOnZoom"] is True
    assert options["physics"]["stabilization"]["updateInterval"] < view.VIS_OPTIONS["physics"]["stabilization"]["updateInterval"]
    assert options["nodes"] == view.VIS_OPTIONS["nodes"]       # the same look otherwise
    assert view.VIS_OPTIONS["edges"]["smooth"] == {"type": "continuous"}, "the defaults stay untouched"
    assert data["layout"]["budgetMs"] == view.LAYOUT_BUDGET_MS


def test_leaves_and_isolated_entities_are_left_out_of_the_physics(large):
    _, data = large
    nodes = {n["label"]: n for n in data["nodes"]}
    big, small, city = str(iri("park", "大园区")), str(iri("park", "小园区")), str(iri("city", "南通市"))

    for i in range(1, 600):
        tenant = nodes[f"企业{i:04d}"]
        assert (tenant["physics"], tenant["anchor"]) == (False, big)
    assert nodes["小园区企业"]["anchor"] == small
    assert nodes["研究院07"]["physics"] is False and nodes["研究院07"]["anchor"] is None
    # the core moves: parks, the city, the industry and a firm with two relations
    for label in ("大园区", "小园区", "南通市", "汽车电子", "企业0000"):
        assert "anchor" not in nodes[label] and nodes[label].get("physics", True), label
    # a pair related only to each other has no neighbour to go round: both stay in the physics
    assert "anchor" not in nodes["孤立基金"] and "anchor" not in nodes["孤立企业"]

    # the hub is heavier and its other springs longer, by as much as its spiral of leaves
    assert nodes["大园区"]["mass"] == 1 + view.LEAF_MASS * 599
    assert nodes["小园区"]["mass"] == 1 + view.LEAF_MASS
    assert "mass" not in nodes["南通市"]
    edges = {(e["from"], e["relation"], e["to"]): e for e in data["edges"]}
    assert edges[big, "hosts", str(iri("company", "企业0001"))]["physics"] is False
    located = edges[big, "locatedIn", city]
    assert "physics" not in located and located["length"] > 120 + 30 * math.sqrt(598)


def test_focus_entities_are_never_folded(tmp_path):
    result = view.render(hub_graph(), tmp_path / "view.html", focus="企业0001", depth=2)
    nodes = {n["label"]: n for n in page_data(result.path)["nodes"]}
    assert "anchor" not in nodes["企业0001"]
    assert nodes["企业0002"]["anchor"] == str(iri("park", "大园区"))


@pytest.mark.browser
def test_large_view_places_every_folded_node(browser, large):  # noqa: F811
    result, data = large
    watched = Watched(browser)
    page = watched.open(result.path)
    assert page.evaluate("window.parkkg.network.physics.options.enabled") is False
    positions = page.evaluate("window.parkkg.network.getPositions()")
    layout = page.evaluate("window.parkkg.layout")
    assert 0 < layout["iterations"] <= layout["total"]

    nodes = {n["id"]: n for n in data["nodes"]}
    leaves = {}
    for node in data["nodes"]:
        if node.get("anchor"):
            leaves.setdefault(node["anchor"], []).append(node["id"])
    for anchor, ids in leaves.items():
        ring = nodes[anchor]["size"] + view.LEAF_GAP + view.LEAF_SPACING * math.sqrt(len(ids) - 1)
        centre = positions[anchor]
        for leaf in ids:
            distance = math.dist((positions[leaf]["x"], positions[leaf]["y"]), (centre["x"], centre["y"]))
            # getPositions rounds to whole pixels, both the leaf's and its anchor's
            assert nodes[anchor]["size"] < distance <= ring + 1.5, (nodes[leaf]["label"], distance, ring)
    # the spiral spreads leaves out: no two share a spot
    spots = {(round(positions[i]["x"]), round(positions[i]["y"])) for ids in leaves.values() for i in ids}
    assert len(spots) == sum(map(len, leaves.values()))

    isolated = [n["id"] for n in data["nodes"] if "anchor" in n and n["anchor"] is None]
    assert len(isolated) == 20
    lowest = max(p["y"] for node, p in positions.items() if node not in isolated)
    assert all(positions[n]["y"] > lowest for n in isolated), "isolated entities in rows below the rest"
    watched.assert_clean()
