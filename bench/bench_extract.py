"""CPU time of extraction per document against bare jieba, in one process.

    python bench/bench_extract.py --corpus /tmp/b10k -n 1000          # median of 3 runs
    python bench/bench_extract.py --corpus /tmp/b10k -n 1000 --profile

Wall time is noisy on a shared machine, so this measures process CPU time (time.process_time)
of an in-process loop over a fixed set of articles, with jieba's dictionary and the rule
tables loaded beforehand: bare jieba.lcut, each extraction stage, and the whole of extract.
Each figure is the median of --repeat runs. The cycle collector is off, as in `kg build`. --profile prints where one extraction pass goes
(cProfile, by own time and by cumulative time) instead.
"""
from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from kg.extract import STAGES, extract, stage  # noqa: E402
from kg.model import Document  # noqa: E402
from kg.read import read_document  # noqa: E402


def cpu(run, repeat: int) -> float:
    """Median CPU seconds of `run()` over `repeat` runs."""
    times = []
    for _ in range(repeat):
        started = time.process_time()
        run()
        times.append(time.process_time() - started)
    return statistics.median(times)


def fresh(docs: list[Document]) -> list[Document]:
    return [Document(doc.id, doc.source, doc.text, doc.sha256) for doc in docs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, required=True, help="a folder bench/corpus.py wrote")
    parser.add_argument("-n", type=int, default=1000, help="articles to extract (the first n, by name)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="profile one extraction pass instead")
    args = parser.parse_args()

    paths = sorted((args.corpus / "articles").glob("*.txt"))[: args.n]
    docs = [read_document(p) for p in paths]
    chars = sum(len(doc.text) for doc in docs)
    gc.disable()
    extract(Document("warm-up", "", "南通市北高新区与上海某某科技有限公司签约，总投资5亿元。"))
    if args.profile:
        profiler = cProfile.Profile()
        work = fresh(docs)
        profiler.enable()
        for doc in work:
            extract(doc)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        return

    import jieba

    jieba.initialize()
    rows = [("bare jieba.lcut", cpu(lambda: [jieba.lcut(doc.text) for doc in docs], args.repeat))]
    runs = [stage_times(fresh(docs)) for _ in range(args.repeat)]
    rows += [(f"  {name}", statistics.median(run[name] for run in runs)) for name in STAGES]
    rows.append(("extract", statistics.median(sum(run.values()) for run in runs)))
    print(f"{len(docs)} articles, {chars:,} characters; CPU seconds, median of {args.repeat}")
    for name, seconds in rows:
        print(f"{name:<18}{seconds:8.2f}  {seconds / rows[0][1]:5.2f}x jieba  {chars / seconds:10,.0f} chars/s")


def stage_times(docs: list[Document]) -> dict[str, float]:
    """CPU seconds each stage takes over `docs`, extracting them as kg.extract.extract does."""
    spent = dict.fromkeys(STAGES, 0.0)
    stages = {name: stage(name) for name in STAGES}
    for doc in docs:
        for name, run in stages.items():
            started = time.process_time()
            doc = run(doc)
            spent[name] += time.process_time() - started
    return spent


if __name__ == "__main__":
    main()
