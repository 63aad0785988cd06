"""How big a network view stays usable: write the page, then open it in headless Chromium.

    python bench/bench_view.py                       # 1k, 5k and 20k nodes
    python bench/bench_view.py --sizes 5k --repeat 3 --keep /tmp/views   # keeps pages and screenshots

For each size a synthetic graph in the documented shape (docs/graph-shape.md: parks in
districts in cities, hosting companies, projects, institutions and platforms, focusing on
industries, with a reified evidence sentence per relation) goes through kg.view.render, as
`kg viz --max-nodes N` would write it. Then the page is opened in the system Chromium
(Playwright, --no-sandbox --disable-gpu --disable-background-networking) and timed:

  ready       navigation start until window.parkkgReady: the layout has finished, physics
              is off and the network is drawn where it will stay
  worst wait  the longest page.evaluate round trip while the layout ran: how long the
              page ignores the user (and its "正在布局 n%" status) at worst
  roundtrip   median page.evaluate round trip once ready: is the main thread free?
  redraw      median time to redraw the whole canvas once ready (what a drag or zoom costs)

Target: 5k nodes interactive (ready, round trip < 100 ms) within 5 s.
"""
from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import rdflib
from rdflib import RDF, RDFS, SKOS, XSD, Literal, Namespace, URIRef

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.view import render  # noqa: E402

KGO = Namespace("https://w3id.org/parkkg/ontology#")
KGR = "https://w3id.org/parkkg/resource/"
PROV = Namespace("http://www.w3.org/ns/prov#")
SCHEMA = Namespace("https://schema.org/")

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
TARGET_NODES, TARGET_SECONDS, INTERACTIVE_MS = 5_000, 5.0, 100.0

REDRAW = """() => new Promise(resolve => {
    const network = window.parkkg.network;
    requestAnimationFrame(() => {
        const t = performance.now();
        network.redraw();
        requestAnimationFrame(() => resolve(performance.now() - t));
    });
})"""


def parse_size(text: str) -> int:
    text = text.strip().lower()
    return int(float(text.rstrip("k")) * (1000 if text.endswith("k") else 1))


def generate(nodes: int, seed: int = 0) -> rdflib.Graph:
    """A graph of exactly `nodes` entities in the documented shape, about 1.3 relations per entity.

    Parks host the organisations and projects, a few parks far more than others (hubs, as
    in the corpus); each relation has one rdf:Statement with an evidence sentence.
    """
    rng = random.Random(seed)
    g = rdflib.Graph()
    counts = {"Park": max(5, nodes // 40), "City": max(3, nodes // 400), "District": max(5, nodes // 150),
              "Industry": min(60, max(10, nodes // 50)), "Province": 3}
    rest = nodes - sum(counts.values())
    counts |= {"Project": rest // 8, "Institution": rest // 20, "Platform": rest // 20, "Fund": rest // 50}
    counts["Company"] = nodes - sum(counts.values())

    entities: dict[str, list[URIRef]] = {}
    for cls, n in counts.items():
        entities[cls] = []
        for i in range(n):
            name = f"{cls}{i}号" if cls != "Company" else f"测试{i}科技有限公司"
            node = URIRef(f"{KGR}{cls.lower()}/{quote(name)}")
            g.add((node, RDF.type, KGO[cls]))
            g.add((node, RDFS.label, Literal(name, lang="zh")))
            if cls == "Company":
                g.add((node, SKOS.altLabel, Literal(f"测试{i}", lang="zh")))
                g.add((node, KGO.investmentAmount, Literal(rng.randrange(1, 100) * 10_000_000, datatype=XSD.decimal)))
                g.add((node, KGO.currency, Literal("CNY")))
            entities[cls].append(node)

    docs = [URIRef(f"{KGR}doc/{i:06d}") for i in range(max(1, nodes // 50))]
    for doc in docs:
        g.add((doc, RDF.type, PROV.Entity))
        g.add((doc, RDF.type, SCHEMA.Article))
        g.add((doc, RDFS.label, Literal(doc.rsplit("/", 1)[1])))
    facts = 0

    def relate(s, relation, o):
        nonlocal facts
        g.add((s, KGO[relation], o))
        fact = URIRef(f"{KGR}fact/{facts:012x}")
        facts += 1
        g.add((fact, RDF.type, RDF.Statement))
        g.add((fact, RDF.subject, s))
        g.add((fact, RDF.predicate, KGO[relation]))
        g.add((fact, RDF.object, o))
        g.add((fact, KGO.evidence, Literal(f"据报道，{_name(s)}与{_name(o)}的{relation}关系已经确认，"
                                           "项目进展顺利，各方表示将继续深化合作。", lang="zh")))
        g.add((fact, KGO.confidence, Literal("0.8", datatype=XSD.decimal)))
        g.add((fact, PROV.wasDerivedFrom, rng.choice(docs)))

    parks = entities["Park"]
    weights = [1 / (i + 1) ** 0.8 for i in range(len(parks))]     # a few hub parks
    for cls in ("Company", "Project", "Institution", "Platform"):
        for node in entities[cls]:
            relate(rng.choices(parks, weights)[0], "hosts", node)
    for node in entities["Company"]:
        if rng.random() < 0.2:
            relate(node, "focusesOn", rng.choice(entities["Industry"]))
        if rng.random() < 0.03:
            relate(node, "subsidiaryOf", rng.choice(entities["Company"]))
    for fund in entities["Fund"]:
        relate(fund, "investsIn", rng.choice(entities["Company"] + entities["Project"]))
    for park in parks:
        relate(park, "locatedIn", rng.choice(entities["District"]))
        for industry in rng.sample(entities["Industry"], 2):
            relate(park, "focusesOn", industry)
        if rng.random() < 0.1:
            relate(park, "partnersWith", rng.choice(parks))
    for district in entities["District"]:
        relate(district, "locatedIn", rng.choice(entities["City"]))
    for city in entities["City"]:
        relate(city, "locatedIn", rng.choice(entities["Province"]))
    return g


def _name(node) -> str:
    from urllib.parse import unquote

    return unquote(str(node).rsplit("/", 1)[1])


def measure_page(browser, path: Path, timeout: float, repeat: int, shot: Path | None = None) -> dict:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        start = time.perf_counter()
        page.goto(path.resolve().as_uri(), wait_until="load", timeout=timeout * 1000)
        loaded = time.perf_counter() - start
        worst, ready = 0.0, None
        while time.perf_counter() - start < timeout:
            t = time.perf_counter()
            done = page.evaluate("window.parkkgReady === true")
            worst = max(worst, time.perf_counter() - t)
            if done:
                ready = time.perf_counter() - start
                break
            time.sleep(0.02)
        figures = {"load": loaded, "ready": ready, "worst wait": worst, "errors": errors}
        if ready is None:
            return figures
        trips = []
        for _ in range(max(5, repeat)):
            t = time.perf_counter()
            page.evaluate("1")
            trips.append(time.perf_counter() - t)
        figures["roundtrip"] = statistics.median(trips)
        figures["redraw"] = statistics.median(page.evaluate(REDRAW) / 1000 for _ in range(max(3, repeat)))
        figures["drawn"] = page.evaluate("window.parkkg.nodes.length")
        figures["iterations"] = page.evaluate("window.parkkg.layout.iterations")   # within the budget
        if shot:
            page.screenshot(path=str(shot))
        figures["heap MB"] = page.evaluate("performance.memory ? performance.memory.usedJSHeapSize / 1048576 : null")
        return figures
    finally:
        page.close()


def fmt(value, unit: str) -> str:
    if value is None:
        return "–"
    return {"s": f"{value:.2f}", "ms": f"{value * 1000:.0f}", "MB": f"{value:.1f}"}[unit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1k,5k,20k", help="comma-separated node counts (default 1k,5k,20k)")
    parser.add_argument("--repeat", type=int, default=1, help="page loads per size; the median is shown")
    parser.add_argument("--timeout", type=float, default=180, help="seconds to wait for parkkgReady")
    parser.add_argument("--keep", type=Path, help="write the pages into this folder and keep them")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    sizes = [parse_size(s) for s in args.sizes.split(",")]
    folder = args.keep or Path(tempfile.mkdtemp(prefix="kg-bench-view-"))
    folder.mkdir(parents=True, exist_ok=True)
    header = ("nodes", "edges", "HTML MB", "write s", "ready s", "layout iterations", "worst wait ms",
              "roundtrip ms", "redraw ms", "heap MB", f"≤ {TARGET_SECONDS:g} s")
    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for size in sizes:
                graph = generate(size)
                path = folder / f"view-{size}.html"
                t = time.perf_counter()
                result = render(graph, path, max_nodes=size, title=f"bench {size}")
                write = time.perf_counter() - t
                assert result.nodes == size and not result.dropped, result.message
                shot = path.with_suffix(".png") if args.keep else None
                runs = [measure_page(browser, path, args.timeout, args.repeat, shot) for _ in range(args.repeat)]
                for run in runs:
                    if run["errors"]:
                        print(f"page errors at {size}: {run['errors'][:3]}", file=sys.stderr)

                def median(key):
                    values = [r.get(key) for r in runs]
                    return None if None in values else statistics.median(values)

                ready, trip = median("ready"), median("roundtrip")
                ok = ready is not None and ready <= TARGET_SECONDS and trip * 1000 < INTERACTIVE_MS
                rows.append((f"{size:,}", f"{result.edges:,}", fmt(path.stat().st_size / 2**20, "MB"),
                             fmt(write, "s"), fmt(ready, "s") if ready else f"> {args.timeout:g}",
                             "–" if median("iterations") is None else f"{median('iterations'):.0f}",
                             fmt(median("worst wait"), "ms"), fmt(trip, "ms"), fmt(median("redraw"), "ms"),
                             fmt(median("heap MB"), "MB"), "yes" if ok else "no"))
                print(" | ".join(rows[-1]), file=sys.stderr, flush=True)
        finally:
            browser.close()
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")
    if not args.keep:
        print(f"(pages in {folder})", file=sys.stderr)


if __name__ == "__main__":
    main()
