"""`kg build` against bare jieba on a synthetic corpus of the genre (bench/corpus.py).

    python bench/bench_build.py                  # 2,000 articles
    python bench/bench_build.py -n 10000
    python bench/bench_build.py --corpus DIR     # reuse DIR (made by bench/corpus.py) instead of a new corpus
    python bench/bench_build.py -n 500 --profile # also: where the time of a one-process build goes (cProfile)

Prints side by side: bare jieba segmentation throughput (jieba.lcut over every article in
one process: the floor), `kg build` throughput with --jobs 1 and --jobs 2, their ratio to
jieba, the speed-up of --jobs 2 over --jobs 1, an incremental rebuild after one article
changes, the peak RSS of each build (all its processes together) and how many of the facts
the corpus states the build found. Every build is `kg build` in a process of its own, timed
from start to exit; the phases are the ones it prints. A speed-up needs idle cores: the
first line says how much faster two busy processes get through work than one, right now.
"""
from __future__ import annotations

import argparse
import cProfile
import json
import multiprocessing
import pstats
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import generate  # noqa: E402

TARGETS = {"ratio": 0.5, "speedup": 1.7, "incremental": 0.05, "rss": 2 * 2**30}
PHASES = re.compile(r"\((read [\d.]+, extract [\d.]+, graph [\d.]+, write [\d.]+)\)")


def _spin(n: int) -> None:
    while n:
        n -= 1


def parallel_capacity(work: int = 20_000_000) -> float:
    """How much faster two processes do twice the work of one: 2.0 on two idle cores."""
    started = time.perf_counter()
    _spin(work)
    one = time.perf_counter() - started
    started = time.perf_counter()
    with multiprocessing.Pool(2) as pool:
        pool.map(_spin, [work, work])
    return 2 * one / (time.perf_counter() - started)


def bare_jieba(texts: list[str]) -> float:
    """Seconds jieba.lcut takes over all texts, its dictionary loaded beforehand."""
    import jieba

    jieba.initialize()
    started = time.perf_counter()
    for text in texts:
        jieba.lcut(text)
    return time.perf_counter() - started


def kg_build(articles: Path, out: Path, *args: str) -> dict:
    """Run `kg build`; its wall time, peak RSS over all its processes (sampled every 20 ms) and phases."""
    command = [sys.executable, "-c", "from kg.cli import main; main()", "build", str(articles), "--out", str(out),
               *args]
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    watched, peak = psutil.Process(proc.pid), 0
    while proc.poll() is None:
        try:
            tree = [watched, *watched.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree))
        except psutil.NoSuchProcess:
            pass
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    stdout = proc.stdout.read()
    if proc.returncode not in (0, 1):
        sys.exit(f"kg build failed ({proc.returncode}): {' '.join(command)}")
    phases = PHASES.search(stdout)
    return {"seconds": seconds, "rss": peak, "phases": phases.group(1) if phases else "?",
            "extract": float(re.search(r"extract ([\d.]+)", phases.group(1)).group(1)) if phases else float("nan")}


def found_facts(graph: Path, facts: Path) -> tuple[int, int, Counter, Counter]:
    """How many stated facts (subject, relation, object) the graph has, matching names by label or alias."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=str(graph), format=ox.RdfFormat.TURTLE)
    rows = store.query("""SELECT ?s ?r ?o WHERE {
        ?a ?rel ?b . FILTER(STRSTARTS(STR(?rel), "https://w3id.org/parkkg/ontology#"))
        ?a rdfs:label|skos:altLabel ?s . ?b rdfs:label|skos:altLabel ?o
        BIND(STRAFTER(STR(?rel), "#") AS ?r) }""",
                       prefixes={"rdfs": "http://www.w3.org/2000/01/rdf-schema#",
                                 "skos": "http://www.w3.org/2004/02/skos/core#"})
    have = {(row["s"].value, row["r"].value, row["o"].value) for row in rows}
    stated, found = Counter(), Counter()
    for doc_facts in json.loads(facts.read_text(encoding="utf-8")).values():
        for s, r, o in doc_facts:
            stated[r] += 1
            found[r] += (s, r, o) in have or (r in ("partnersWith", "cooperatesWith") and (o, r, s) in have)
    return sum(found.values()), sum(stated.values()), found, stated


def profile(articles: Path, out: Path, top: int = 25) -> None:
    """A one-process build under cProfile: the functions that take the most time of their own."""
    from kg import api

    profiler = cProfile.Profile()
    profiler.enable()
    api.build([articles], out, jobs=1, full=True)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(top)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=2000, help="articles to generate")
    parser.add_argument("--corpus", type=Path, help="a folder bench/corpus.py wrote, instead of a new corpus")
    parser.add_argument("--profile", action="store_true", help="also profile a one-process build")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        tmp = Path(tmp)
        root = args.corpus or tmp / "corpus"
        articles = root / "articles" if args.corpus else generate(root, args.n)
        paths = sorted(articles.glob("*.txt"))
        texts = [p.read_text(encoding="utf-8") for p in paths]
        chars = sum(map(len, texts))
        print(f"{len(paths)} articles, {chars:,} characters ({chars // len(paths):,} per article); "
              f"2 processes run {parallel_capacity():.2f}x as fast as 1 on this machine now\n", flush=True)

        jieba_s = bare_jieba(texts)
        one = kg_build(articles, tmp / "out1", "--jobs", "1", "--full")
        two = kg_build(articles, tmp / "out2", "--jobs", "2", "--full")
        changed = paths[len(paths) // 2]
        changed.write_text(texts[len(paths) // 2] + "\n记者了解到，该项目二期工程已于近日启动。\n", encoding="utf-8")
        try:
            incremental = kg_build(articles, tmp / "out2", "--jobs", "2")
        finally:
            changed.write_text(texts[len(paths) // 2], encoding="utf-8")

        rows = [("bare jieba (1 process)", jieba_s, None, "")]
        rows += [("kg build --jobs 1", one["seconds"], one["rss"], one["phases"]),
                 ("kg build --jobs 2", two["seconds"], two["rss"], two["phases"]),
                 ("incremental, 1 changed", incremental["seconds"], incremental["rss"], incremental["phases"])]
        print(f"{'':<24}{'seconds':>9}{'chars/s':>11}{'articles/s':>12}{'peak RSS':>11}   phases (s)")
        for name, seconds, rss, phases in rows:
            memory = f"{rss / 2**20:,.0f} MB" if rss else ""
            print(f"{name:<24}{seconds:>9.1f}{chars / seconds:>11,.0f}{len(paths) / seconds:>12,.1f}{memory:>11}   {phases}")

        ratio1, ratio2 = jieba_s / one["seconds"], jieba_s / two["seconds"]
        speedup = one["seconds"] / two["seconds"]
        share = incremental["seconds"] / two["seconds"]
        rss = max(one["rss"], two["rss"], incremental["rss"])

        def verdict(ok: bool) -> str:
            return "met" if ok else "MISSED"
        print()
        print(f"build / jieba throughput   {ratio1:6.1%} (--jobs 1)  {ratio2:6.1%} (--jobs 2)   "
              f"target >= {TARGETS['ratio']:.0%}: {verdict(ratio2 >= TARGETS['ratio'])}")
        print(f"--jobs 2 over --jobs 1     {speedup:6.2f}x  (extraction alone {one['extract'] / two['extract']:.2f}x)   "
              f"target >= {TARGETS['speedup']}x: {verdict(speedup >= TARGETS['speedup'])}")
        print(f"incremental / full         {share:6.1%}                            "
              f"target <= {TARGETS['incremental']:.0%}: {verdict(share <= TARGETS['incremental'])}")
        print(f"peak RSS                   {rss / 2**20:6,.0f} MB                         "
              f"target <= {TARGETS['rss'] / 2**30:.0f} GiB: {verdict(rss <= TARGETS['rss'])}")

        facts = root / "facts.json"
        if facts.exists():
            n, total, found, stated = found_facts(tmp / "out2" / "graph.ttl", facts)
            per = ", ".join(f"{r} {found[r] / stated[r]:.0%}" for r in sorted(stated))
            print(f"stated facts found         {n / total:6.1%} of {total:,}: {per}")
        if args.profile:
            profile(articles, tmp / "profile")


if __name__ == "__main__":
    main()
