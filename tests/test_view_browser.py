"""The network view in a real headless Chromium: it draws offline and hostile names stay text.

Needs the system Chromium (apt: chromium, fonts-wqy-microhei) and Playwright for Python;
without them the tests are skipped, except on CI (CI=true), where they fail.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import rdflib

from kg.view import render

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
IMG = "<img src=x onerror=alert(1)>科技有限公司"
SCRIPT = "</script><script>window.pwned=1</script>集团"

# the documented graph shape (docs/graph-shape.md), with IRIs percent-encoded
TURTLE = r"""
@prefix kgo: <https://w3id.org/parkkg/ontology#> .
@prefix park: <https://w3id.org/parkkg/resource/park/> .
@prefix company: <https://w3id.org/parkkg/resource/company/> .
@prefix industry: <https://w3id.org/parkkg/resource/industry/> .
@prefix fact: <https://w3id.org/parkkg/resource/fact/> .
@prefix doc: <https://w3id.org/parkkg/resource/doc/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .

park:市北科技城 a kgo:Park ; rdfs:label "市北科技城"@zh ; skos:altLabel "市北"@zh .
company:北京经纬恒润 a kgo:Company ; rdfs:label "北京经纬恒润"@zh ; skos:altLabel "经纬恒润"@zh .
company:%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E科技有限公司 a kgo:Company ;
    rdfs:label "<img src=x onerror=alert(1)>科技有限公司"@zh .
company:%3C%2Fscript%3E%3Cscript%3Ewindow.pwned%3D1%3C%2Fscript%3E集团 a kgo:Company ;
    rdfs:label "</script><script>window.pwned=1</script>集团"@zh .
industry:汽车电子 a kgo:Industry ; rdfs:label "汽车电子"@zh .

park:市北科技城 kgo:hosts company:北京经纬恒润,
        company:%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E科技有限公司 .
park:市北科技城 kgo:focusesOn industry:汽车电子 .
company:北京经纬恒润 kgo:partnersWith company:%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E科技有限公司 .
company:北京经纬恒润 kgo:subsidiaryOf
        company:%3C%2Fscript%3E%3Cscript%3Ewindow.pwned%3D1%3C%2Fscript%3E集团 .

fact:000000000001 a rdf:Statement ;
    rdf:subject park:市北科技城 ; rdf:predicate kgo:hosts ;
    rdf:object company:%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E科技有限公司 ;
    kgo:evidence "<img src=x onerror=alert(2)>入驻市北科技城。"@zh ;
    kgo:confidence "0.8"^^xsd:decimal ;
    prov:wasDerivedFrom doc:000_6c2b800013318e83 .
fact:000000000002 a rdf:Statement ;
    rdf:subject park:市北科技城 ; rdf:predicate kgo:hosts ; rdf:object company:北京经纬恒润 ;
    kgo:evidence "北京经纬恒润的入驻，为市北科技城汽车电子产"@zh ;
    kgo:confidence "0.8"^^xsd:decimal ;
    prov:wasDerivedFrom doc:000_6c2b800013318e83 .
doc:000_6c2b800013318e83 a prov:Entity, schema:Article ;
    rdfs:label "000_6c2b800013318e83" ;
    kgo:sourcePath "data/corpus/000_6c2b800013318e83.txt" .
"""


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (required on CI)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[dev]')")
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium fonts-wqy-microhei)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def graph() -> rdflib.Graph:
    return rdflib.Graph().parse(data=TURTLE, format="turtle")


class Watched:
    """A page whose every non-file request is refused and recorded, with its errors and dialogs."""

    def __init__(self, browser):
        self.page = browser.new_page(viewport={"width": 1280, "height": 800})
        self.external, self.errors, self.dialogs = [], [], []
        self.page.route("**/*", self._route)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("dialog", self._dialog)

    def _route(self, route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            self.external.append(route.request.url)
            route.abort()

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, path: Path):
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_function("window.parkkgReady === true", timeout=30_000)
        return self.page

    def assert_clean(self):
        assert self.external == [], "the page made network requests"
        assert self.errors == []
        assert self.dialogs == []
        assert self.page.evaluate("typeof window.pwned") == "undefined"


def test_view_draws_offline_and_safely(browser, graph, tmp_path):
    result = render(graph, tmp_path / "view.html", title="市北科技城 <network>")
    watched = Watched(browser)
    page = watched.open(result.path)

    labels = page.evaluate("window.parkkg.nodes.get().map(n => n.label)")
    assert sorted(labels) == sorted(["市北科技城", "北京经纬恒润", IMG, SCRIPT, "汽车电子"])
    edges = page.evaluate("""() => {
        const {nodes, edges} = window.parkkg;
        return edges.get().map(e => [nodes.get(e.from).label, e.label, nodes.get(e.to).label]);
    }""")
    assert sorted(map(tuple, edges)) == sorted([
        ("市北科技城", "hosts", "北京经纬恒润"), ("市北科技城", "hosts", IMG),
        ("市北科技城", "focusesOn", "汽车电子"), ("北京经纬恒润", "partnersWith", IMG),
        ("北京经纬恒润", "subsidiaryOf", SCRIPT)])
    assert page.evaluate("window.parkkg.network.physics.options.enabled") is False
    assert page.title() == "市北科技城 <network>"

    # hover the hostile company: its tooltip shows the name and evidence as text
    xy = page.evaluate("""(label) => {
        const {network, nodes} = window.parkkg;
        const id = nodes.get({filter: n => n.label === label})[0].id;
        const dom = network.canvasToDOM(network.getPositions([id])[id]);
        const box = document.getElementById("parkkg-network").getBoundingClientRect();
        return [box.left + dom.x, box.top + dom.y];
    }""", IMG)
    page.mouse.move(*xy)
    tooltip = page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible", timeout=5_000)
    assert IMG not in tooltip.inner_html()
    assert "<img src=x onerror=alert(2)>入驻市北科技城。〔000_6c2b800013318e83〕" in tooltip.inner_text()
    assert page.evaluate("document.querySelectorAll('img').length") == 0

    legend = page.locator("#parkkg-legend")
    assert legend.is_visible()
    assert legend.inner_text().split() == ["园区", "Park", "1", "企业", "Company", "3", "产业", "Industry", "1"]

    shot = tmp_path / "view.png"
    page.screenshot(path=str(shot))
    print(f"screenshot: {shot}")
    watched.assert_clean()


def test_dropped_nodes_banner_is_visible(browser, graph, tmp_path):
    result = render(graph, tmp_path / "view.html", max_nodes=2)
    watched = Watched(browser)
    page = watched.open(result.path)
    assert page.evaluate("window.parkkg.nodes.length") == 2
    banner = page.locator("#parkkg-dropped")
    assert banner.is_visible()
    assert "3 lower-degree entities were dropped" in banner.inner_text()
    assert "kg viz --focus NAME" in banner.inner_text()
    watched.assert_clean()
