"""Extraction as a pure map over documents: here, in worker processes, or on a dask cluster.

kg.extract never looks at another document, so documents can be extracted anywhere and in
any order; the graph is merged once, afterwards, from the results in the documents' order.
A document whose extraction raises becomes a Failure and the others go on. Results are
slimmed to what the graph needs (entities, facts, amounts): tokens and mentions are most
of an extracted document's size, and 10,000 documents come back to one process.
"""
from __future__ import annotations

import multiprocessing
import os
import pickle
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import as_completed as completed_futures
from typing import Callable, Iterator

from .errors import KgError
from .extract import extract
from .model import Document
from .read import Failure, reason

EXECUTORS = ("process", "dask")
#: documents per task: large enough that sending them costs little next to extracting them,
#: small enough that every worker gets several tasks and the progress bar moves
MAX_CHUNK = 16

Result = Document | Failure
#: keeps an extracted document (kg.cache.Cache.put) and returns it pickled
Keep = Callable[[Document], bytes]


SMALL_BATCH = 25
#: sentences that take every stage through its tables: jieba's dictionary, the name rules and
#: part-of-speech tags (a company name walked back over), amounts and the relation patterns
WARM_UP = "园区。南通星辰科技有限公司投资5亿元的星辰项目落户苏锡通科技产业园区。"


def default_jobs() -> int:
    """The cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def extract_one(doc: Document) -> Result:
    try:
        doc = extract(doc)
    except Exception as exc:  # one document's bug or surprise must not stop the others
        return Failure(doc.source, reason(exc), "extract")
    doc.sentences, doc.tokens, doc.mentions = [], [], []
    return doc


def extract_chunk(docs: list[Document], keep: Keep | None = None) -> list[Result | bytes]:
    """The chunk's results; given `keep` (a worker's), each extracted document is kept (cached)
    here and comes back as the pickle `keep` made of it, so that it is pickled once, not twice."""
    results = [extract_one(doc) for doc in docs]
    return [keep(r) if keep and isinstance(r, Document) else r for r in results]


def extract_all(docs: list[Document], jobs: int | None = None, executor: str = "process",
                scheduler: str | None = None, keep: Keep | None = None) -> Iterator[tuple[int, Result]]:
    """(index in `docs`, result) for every document, in the order they finish; `keep(doc)`
    (Cache.put) has been called on every extracted document, by the worker process that
    extracted it when there is one on this machine, else here.

    executor "process": `jobs` worker processes (default: one per core), or this process
    for one job; "dask": the dask.distributed scheduler at `scheduler` (a local cluster
    without one).
    """
    if not docs:
        return
    if executor == "dask":
        for i, result in _on_dask(docs, scheduler):
            if keep and isinstance(result, Document):
                keep(result)
            yield i, result
        return
    if executor != "process":
        raise KgError(f"unknown executor '{executor}' (choose from {', '.join(EXECUTORS)})")
    # a worker starts by loading jieba and the rules (about a second): below a few dozen
    # articles one process is faster than several
    jobs = jobs or min(default_jobs(), max(1, len(docs) // SMALL_BATCH))
    chunks = _chunks(docs, jobs)
    if jobs == 1 or len(chunks) == 1:
        for i, doc in enumerate(docs):
            result = extract_one(doc)
            if keep and isinstance(result, Document):
                keep(result)
            yield i, result
        return
    # Extract a few sentences here first: the dictionaries and rule tables that loads are then
    # inherited by forked workers instead of loaded again in each.
    extract_one(Document(id="warm-up", source="", text=WARM_UP))
    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(chunks)), mp_context=context)
    try:
        yield from _gather(chunks, {pool.submit(extract_chunk, chunk, keep): n for n, chunk in enumerate(chunks)},
                           completed_futures)
    finally:
        pool.shutdown(cancel_futures=True)


def _on_dask(docs: list[Document], scheduler: str | None) -> Iterator[tuple[int, Result]]:
    try:
        from dask.distributed import Client, as_completed
    except ImportError:
        raise KgError('--executor dask needs dask.distributed: pip install "parkkg[dask]"') from None
    try:
        client = Client(scheduler, timeout=10)
    except (OSError, TimeoutError, ValueError) as exc:
        raise KgError(f"cannot reach the dask scheduler at {scheduler}: {exc}") from None
    try:
        chunks = _chunks(docs, sum(client.nthreads().values()) or 1)
        futures = {client.submit(extract_chunk, chunk, pure=False): n for n, chunk in enumerate(chunks)}
        yield from _gather(chunks, futures, as_completed)
    finally:
        client.close()


def _chunks(docs: list[Document], workers: int) -> list[list[Document]]:
    size = max(1, min(MAX_CHUNK, len(docs) // (workers * 8)))
    return [docs[i:i + size] for i in range(0, len(docs), size)]


def _gather(chunks, futures, as_completed) -> Iterator[tuple[int, Result]]:
    """Results of chunk futures as they finish; a chunk whose worker died fails its documents."""
    offsets = [0]
    for chunk in chunks:
        offsets.append(offsets[-1] + len(chunk))
    for future in as_completed(futures):
        n = futures[future]
        try:
            results = future.result()
        except Exception as exc:  # the worker process died (out of memory, a crash) or was lost
            results = [Failure(doc.source, f"worker lost: {reason(exc)}", "extract") for doc in chunks[n]]
        for i, result in enumerate(results, offsets[n]):
            yield i, pickle.loads(result) if isinstance(result, bytes) else result
