"""Oxigraph (on-disk store) against rdflib (in memory) on synthetic graphs of the documented shape.

    python bench/bench_store.py                 # 100k triples
    python bench/bench_store.py --full          # 100k and 1M
    python bench/bench_store.py --sizes 250k --repeat 9 --timeout 30

Each (store, size) runs in its own process, so peak RSS (resource.getrusage) is that store's
alone; both go through kg.store/kg.sparql, as `kg query` does. A query slower than --timeout
is reported as "timeout" (rdflib at 1M can be).
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

KGO = "https://w3id.org/parkkg/ontology#"
KGR = "https://w3id.org/parkkg/resource/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "https://schema.org/"
COMPANIES_PER_DOC = 50

QUERIES = {  # name: query; the labels exist at every size
    "entity by label": 'SELECT ?e ?class WHERE { ?e rdfs:label|skos:altLabel "科技公司7"@zh ; a ?class }',
    "2-hop join": """SELECT DISTINCT ?firm ?label WHERE {
        ?city rdfs:label "城市3"@zh . ?park kgo:locatedIn ?city ; kgo:hosts ?firm .
        ?firm a kgo:Company ; rdfs:label ?label }""",
    "aggregate top 10": """SELECT ?park (COUNT(DISTINCT ?firm) AS ?firms) WHERE {
        ?park a kgo:Park ; kgo:hosts ?firm . ?firm a kgo:Company }
        GROUP BY ?park ORDER BY DESC(?firms) ?park LIMIT 10""",
}


def parse_size(text: str) -> int:
    text = text.strip().lower()
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1], 1)
    return int(float(text.rstrip("km")) * scale)


def label(size: int) -> str:
    return f"{size // 1_000_000}M" if size % 1_000_000 == 0 else f"{size // 1000}k" if size % 1000 == 0 else str(size)


def generate(target: int, path: Path, seed: int = 0) -> int:
    """Write about `target` quads as per-document TriG, like kg build; returns the quads written.

    Parks (1 per 1,000 triples) are in cities, focus on industries and host companies; every
    hosts triple has its reified evidence; entities are described in each document naming them.
    """
    rng = random.Random(seed)
    n_parks = max(10, target // 1000)
    n_cities = max(5, n_parks // 5)

    def iri(kind: str, name: str) -> str:
        return f"<{KGR}{kind}/{quote(name)}>"

    def zh(text: str) -> str:
        return f'"{text}"@zh'

    cities = [(iri("city", f"城市{i}"), f"城市{i}") for i in range(n_cities)]
    parks = [(iri("park", f"产业园{i}"), f"产业园{i}", cities[i % n_cities], rng.sample(range(50), 2))
             for i in range(n_parks)]
    written = doc = company = 0
    with path.open("w", encoding="utf-8") as f:
        while written < target:
            doc_iri = f"<{KGR}doc/{doc:06d}>"
            meta = [(doc_iri, f"<{RDF}type>", f"<{PROV}Entity>"), (doc_iri, f"<{RDF}type>", f"<{SCHEMA}Article>"),
                    (doc_iri, f"<{RDFS}label>", f'"{doc:06d}"'),
                    (doc_iri, f"<{KGO}sourcePath>", f'"data/corpus/{doc:06d}.txt"')]
            triples, described = [], set()
            for _ in range(COMPANIES_PER_DOC):
                park, park_name, (city, city_name), industries = parks[rng.randrange(n_parks)]
                if park not in described:
                    triples += [(park, f"<{RDF}type>", f"<{KGO}Park>"), (park, f"<{RDFS}label>", zh(park_name)),
                                (park, f"<{KGO}locatedIn>", city),
                                *((park, f"<{KGO}focusesOn>", iri("industry", f"产业{i}")) for i in industries)]
                if city not in described:
                    triples += [(city, f"<{RDF}type>", f"<{KGO}City>"), (city, f"<{RDFS}label>", zh(city_name))]
                described |= {park, city}
                name = f"科技公司{company}"
                firm, fact = iri("company", name), f"<{KGR}fact/{company:08x}>"
                triples += [(firm, f"<{RDF}type>", f"<{KGO}Company>"), (firm, f"<{RDFS}label>", zh(name)),
                            (firm, f"<{SKOS}altLabel>", zh(name[2:])),
                            (firm, f"<{KGO}investmentAmount>", f'"{rng.randrange(1, 100) * 10_000_000}"^^<{XSD}decimal>'),
                            (firm, f"<{KGO}currency>", '"CNY"'),
                            (park, f"<{KGO}hosts>", firm),
                            (fact, f"<{RDF}type>", f"<{RDF}Statement>"), (fact, f"<{RDF}subject>", park),
                            (fact, f"<{RDF}predicate>", f"<{KGO}hosts>"), (fact, f"<{RDF}object>", firm),
                            (fact, f"<{KGO}evidence>", zh(f"{name}入驻{park_name}")),
                            (fact, f"<{KGO}confidence>", f'"0.8"^^<{XSD}decimal>'),
                            (fact, f"<{PROV}wasDerivedFrom>", doc_iri)]
                company += 1
            f.write("".join(f"{s} {p} {o} .\n" for s, p, o in meta))
            f.write(f"{doc_iri} {{\n" + "".join(f"  {s} {p} {o} .\n" for s, p, o in triples) + "}\n")
            written += len(meta) + len(triples)
            doc += 1
    return written


class QueryTimeout(BaseException):
    """BaseException, so the store's error handling does not turn it into a QueryError."""


def worker(kind: str, trig: Path, work: Path, repeat: int, timeout: float) -> dict:
    """Load and query one store in this process; prints its figures as JSON."""
    from kg.sparql import run
    from kg.store import open_store, write_store

    start = time.perf_counter()
    if kind == "oxigraph":
        write_store(trig, work, "oxigraph")
        store = open_store(work, kind="oxigraph")
    else:
        store = open_store(graph=trig, kind="memory")
    figures = {"load": time.perf_counter() - start, "quads": len(store)}

    def alarm(*_):
        raise QueryTimeout

    signal.signal(signal.SIGALRM, alarm)
    for name, query in QUERIES.items():
        times = []
        try:
            for _ in range(repeat):
                signal.setitimer(signal.ITIMER_REAL, timeout)
                t = time.perf_counter()
                rows = len(run(store, query).rows)
                times.append(time.perf_counter() - t)
                signal.setitimer(signal.ITIMER_REAL, 0)
            figures[name] = statistics.median(times)
            figures[f"{name} rows"] = rows
        except QueryTimeout:
            figures[name] = "timeout"
    figures["rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # KiB on Linux
    return figures


def measure(kind: str, trig: Path, work: Path, repeat: int, timeout: float) -> dict:
    command = [sys.executable, __file__, "--worker", kind, str(trig), str(work),
               "--repeat", str(repeat), "--timeout", str(timeout)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    if done.returncode:
        raise SystemExit(f"{kind} worker failed:\n{done.stderr}")
    return json.loads(done.stdout)


def show(value, unit: str) -> str:
    if isinstance(value, str):
        return value
    return f"{value * 1000:.1f}" if unit == "ms" else f"{value:.2f}" if unit == "s" else f"{value:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", help="comma-separated sizes in triples, e.g. 100k,1M (default 100k)")
    parser.add_argument("--full", action="store_true", help="also 1M triples")
    parser.add_argument("--repeat", type=int, default=5, help="runs per query; the median is shown")
    parser.add_argument("--timeout", type=float, default=60, help="seconds before a query counts as 'timeout'")
    parser.add_argument("--worker", nargs=3, metavar=("KIND", "TRIG", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        kind, trig, work = args.worker
        print(json.dumps(worker(kind, Path(trig), Path(work), args.repeat, args.timeout)))
        return
    sizes = [parse_size(s) for s in args.sizes.split(",")] if args.sizes else [100_000] + [1_000_000] * args.full
    rows = [("metric", "oxigraph", "rdflib", "rdflib/oxigraph")]
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
            trig = Path(tmp) / "graph.trig"
            quads = generate(size, trig)
            ox = measure("oxigraph", trig, Path(tmp), args.repeat, args.timeout)
            rd = measure("memory", trig, Path(tmp), args.repeat, args.timeout)
        assert ox["quads"] == rd["quads"] == quads, (ox["quads"], rd["quads"], quads)
        rows.append((f"— {label(size)}: {quads:,} quads —", "", "", ""))
        for key, unit, title in [("load", "s", "load (s)"), ("rss", "MB", "peak RSS (MB)"),
                                 *((name, "ms", f"{name} (ms)") for name in QUERIES)]:
            a, b = ox[key], rd[key]
            ratio = f"{b / a:.1f}×" if isinstance(a, float) and isinstance(b, float) else "–"
            rows.append((title, show(a, unit), show(b, unit), ratio))
        for name in QUERIES:
            if ox.get(f"{name} rows") != rd.get(f"{name} rows") and rd[name] != "timeout":
                rows.append((f"  ! {name}: {ox.get(f'{name} rows')} vs {rd.get(f'{name} rows')} rows", "", "", ""))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        print(r[0].ljust(widths[0]), *(c.rjust(w) for c, w in zip(r[1:], widths[1:])), sep="  ")


if __name__ == "__main__":
    main()
