"""The library's entry points: build a graph from articles, open it, export it.

The CLI calls these and only formats what they return; a notebook calls them too.
"""
from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import json
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

import pyoxigraph as ox

from rdflib import Dataset, Graph

from .cache import Cache, memo
from .errors import ExitStatus, GraphNotFound, InputError, KgError
from .extract import EXTRACTOR_VERSION
from .files import Staging, write_atomic
from .graph import graph_text, serialize
from .incremental import Ident, Merge, Reordered, built_anew, updated_text
from .model import Document
from .read import Duplicate, Failure, Reading, Seen, Skipped, read_document, read_documents, reason
from .runner import EXECUTORS, extract_all
from .store import STORES, StoreLoad, has_manifest, open_store, write_store
from .store import TRIG_FILE as EVIDENCE_FILE
from .vocab import KGR, PREFIXES

DEFAULT_OUT = Path("out")
GRAPH_FILE = "graph.ttl"
REPORT_FILE = "build-report.json"

#: export formats: name → (rdflib serializer, file suffix, needs named graphs)
FORMATS = {
    "ttl": ("turtle", ".ttl", False),
    "nt": ("nt", ".nt", False),
    "jsonld": ("json-ld", ".jsonld", False),
    "xml": ("pretty-xml", ".rdf", False),
    "trig": ("trig", ".trig", True),
    "nq": ("nquads", ".nq", True),
}


class BuildFailed(KgError):
    """Documents failed and nothing was written: with strict=True, or when none could be extracted."""

    exit_status = ExitStatus.SOME_FAILED


@dataclass
class BuildResult:
    """What a build made of its input. `documents` are the extracted ones, slimmed to what the
    graph needs (no sentences, tokens or mentions); `cached` of them came from the cache."""

    out: Path
    documents: list[Document]
    failed: list[Failure]
    skipped: list[Skipped]
    merged: list[Duplicate]
    triples: int
    entities: int
    facts: int
    cached: int = 0
    files: dict[str, Path] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)   # read, extract, graph, write

    @property
    def ok(self) -> bool:
        return not self.failed


def _without_cycle_collection(func):
    """Python's cycle collector off while `func` runs (and in the workers it forks). A build
    makes millions of objects and no garbage cycles to speak of (extracting 1,000 articles
    leaves none), and the collector, run every few hundred allocations over a heap that grows
    to a gigabyte, took half of loading 10,000 cached documents and a third of writing their
    graph."""
    @functools.wraps(func)
    def without(*args, **kwargs):
        enabled = gc.isenabled()
        gc.disable()
        try:
            return func(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()
    return without


@_without_cycle_collection
def build(paths: Iterable[str | Path], out: str | Path = DEFAULT_OUT, *, encoding: str | None = None,
          base: str | None = None, store: str = "oxigraph", jobs: int | None = None,
          executor: str = "process", scheduler: str | None = None, full: bool = False, strict: bool = False,
          progress: Callable[[int, int], None] | None = None) -> BuildResult:
    """Read every article under `paths`, extract, and write the graph into `out`.

    Writes graph.ttl (plain triples with reified evidence), graph.trig (one named graph per
    document), the store `kg query` opens (out/store, Oxigraph on disk; none for
    store="memory", which reads graph.trig) and build-report.json (what was read, merged,
    skipped, and what failed and why). Documents whose text was extracted before with the
    same rules come from out/cache unless `full`; the others are extracted by `jobs` worker
    processes, or on a dask cluster (executor="dask", `scheduler` its address).
    `progress(done, total)` follows the extraction.

    A document that cannot be read or extracted is reported and left out; with `strict`
    the first one raises BuildFailed and nothing is written. Files are replaced only once
    everything is ready, so a build that fails or is killed leaves the previous one usable.
    """
    if store not in STORES:
        raise KgError(f"unknown store '{store}' (choose from {', '.join(STORES)})")
    if executor not in EXECUTORS:
        raise KgError(f"unknown executor '{executor}' (choose from {', '.join(EXECUTORS)})")
    if scheduler and executor != "dask":
        raise KgError("a scheduler address needs the dask executor (--executor dask)")
    out, clock = Path(out), _Clock()
    cache = Cache(out)
    reading = _read(list(paths), encoding, strict, {} if full else cache.seen(encoding))
    base = ox.NamedNode(str(base or KGR)).value     # raises ValueError for a base that is no IRI
    extra: dict[str, list[str]] = {}
    for dup in reading.merged:
        extra.setdefault(dup.document, []).append(dup.path)
    idents = {doc.sha256: _ident(doc, extra) for doc in reading.documents}
    # the last build's merge and files, to merge again and write only where the changes reach
    built = None if full else cache.built()
    if built and not built.valid(out / EVIDENCE_FILE, out / GRAPH_FILE, base):
        built = None
    if built:
        entries = cache.entries()
        known = {sha for sha, ident in idents.items() if ident in built.merge.docs and sha in entries}
    else:
        known = set()
    if store == "oxigraph" and (len(known) < len(idents) / 2 or not has_manifest(out)):
        built, known = None, set()          # a new store, loaded while the whole text is made
    clock.lap("read")

    documents, failed, cached = _extract(reading, cache, encoding, full=full, strict=strict, progress=progress,
                                         known=known, jobs=jobs, executor=executor, scheduler=scheduler)
    clock.lap("extract")
    order = [idents[doc.sha256] for doc in documents]
    text = None
    if built:
        try:
            text, loaded = updated_text(built, order, {ident: doc for ident, doc in zip(order, documents)
                                                       if doc.sha256 not in known}, functools.partial(_load, cache))
            documents = _Documents([loaded.get(ident, doc) for ident, doc in zip(order, documents)],
                                   {i for i, ident in enumerate(order) if ident not in loaded}, cache)
        except (Reordered, KeyError, _NotCached):    # merged and written anew, from every document
            built = None
            documents, failed, cached = _extract(reading, cache, encoding, full=full, strict=strict,
                                                 progress=progress, known=set(), jobs=jobs, executor=executor,
                                                 scheduler=scheduler)
            order = [idents[doc.sha256] for doc in documents]
    # a store that is loaded anew (not the previous one updated) is loaded while the text is made
    loading = StoreLoad(out) if store == "oxigraph" and (full or cached < len(documents) / 2
                                                         or not has_manifest(out)) else None
    with loading or contextlib.nullcontext():
        if not built:
            merge = Merge()
            merge.update(order, dict(zip(order, documents)))
            text = graph_text(documents, base, extra, loading.add if loading else None,
                              merge.merged(documents, order))
        with Staging(out) as staging:       # files replaced only at the end
            lengths = {EVIDENCE_FILE: [], GRAPH_FILE: []}
            staging.add(EVIDENCE_FILE, text.trig, lengths[EVIDENCE_FILE])
            staging.add(GRAPH_FILE, text.turtle, lengths[GRAPH_FILE])
            if not built:
                built = built_anew(merge, base, text, order, documents, lengths[EVIDENCE_FILE], lengths[GRAPH_FILE])
            rows = [built.pieces[ident] for ident in order]
            result = BuildResult(out, documents, failed, reading.skipped, reading.merged, text.triples,
                                 sum(row[11] for row in rows), sum(row[12] for row in rows), cached)
            staging.add(REPORT_FILE, json.dumps(_report(result, order, rows), ensure_ascii=False, indent=2))
            # the memo of the files as they will be once in place, pickled while the store loads
            built.written(out / EVIDENCE_FILE, out / GRAPH_FILE,
                          {out / name: staging.staged[name] for name in (EVIDENCE_FILE, GRAPH_FILE)})
            kept = memo(built)
            clock.lap("graph")
            result.files = {"graph": out / GRAPH_FILE, "evidence": out / EVIDENCE_FILE}
            if store != "memory":     # a new store beside the old one, its link moved over the old link
                result.files["store"] = write_store(staging.staged[EVIDENCE_FILE], out, store, graph=text,
                                                    update=not full, loading=loading)
            staging.commit()
            result.files["report"] = out / REPORT_FILE
    cache.keep_built(kept)
    cache.keep_only(ident[1] for ident in order)
    cache.note_seen(reading.seen, encoding)
    clock.lap("write")
    result.seconds = clock.laps
    return result


def _ident(doc: Document, extra: dict[str, list[str]]) -> Ident:
    """The document as the merge knows it: its id, text and paths (a text found under several
    paths is one document with every path)."""
    return doc.id, doc.sha256, tuple(dict.fromkeys([doc.source, *extra.get(doc.id, [])]))


class _NotCached(Exception):
    pass


def _load(cache: Cache, ident: Ident) -> Document:
    doc = cache.load(ident)
    if doc is None:
        raise _NotCached(ident)
    return doc


def _read(paths: list[str | Path], encoding: str | None, strict: bool, seen: dict[str, Seen]) -> Reading:
    reading = read_documents(paths, encoding=encoding, seen=seen)
    if not reading.documents:
        reasons = "; ".join(f"{p.path}: {p.reason}" for p in [*reading.failed, *reading.skipped][:5])
        where = ", ".join(map(str, paths))
        raise InputError(f"no readable articles in {where}" + (f" ({reasons})" if reasons else ""))
    if strict and reading.failed:
        raise _stopped(reading.failed[0])
    return reading


def _extract(reading: Reading, cache: Cache, encoding: str | None, *, full: bool, strict: bool,
             progress: Callable[[int, int], None] | None, known: set[str],
             **where) -> tuple[list[Document], list[Failure], int]:
    """The extracted documents (from the cache, or extracted and cached), the failures of
    reading and extraction, in the documents' order, and how many came from the cache. The
    documents whose text hash is `known` (to the last build's merge) are not loaded: they
    stay as read, without their entities."""
    docs = reading.documents
    results: list[Document | Failure | None] = [doc if doc.sha256 in known else None if full else cache.get(doc)
                                                for doc in docs]
    todo = [i for i, result in enumerate(results) if result is None]
    for i in todo:
        if not docs[i].text:        # not read again as unchanged, yet not in the cache: read it now
            try:
                docs[i] = dataclasses.replace(read_document(docs[i].source, encoding), id=docs[i].id)
            except Exception as exc:  # as in read_documents: one file's failure, not the build's
                results[i] = Failure(docs[i].source, reason(exc))
                if strict:
                    raise _stopped(results[i]) from None
    todo = [i for i in todo if results[i] is None]
    with closing(extract_all([docs[i] for i in todo], keep=cache.put, **where)) as extracted:
        for done, (n, result) in enumerate(extracted, 1):
            if isinstance(result, Failure) and strict:
                raise _stopped(result)
            results[todo[n]] = result
            if progress:
                progress(done, len(todo))
    documents = [r for r in results if isinstance(r, Document)]
    failed = reading.failed + [r for r in results if isinstance(r, Failure)]
    if not documents:
        raise BuildFailed("no document could be extracted: " + "; ".join(f"{f.path}: {f.reason}" for f in failed[:5]))
    return documents, failed, len(docs) - len(todo)


def _stopped(failure: Failure) -> BuildFailed:
    return BuildFailed(f"stopped (strict) at {failure.path}: {failure.reason}; nothing written")


class _Clock:
    def __init__(self):
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name], self._last = now - self._last, now


class _Documents(Sequence):
    """A build's documents, those of `stubs` (indices) loaded from the cache when first asked for."""

    def __init__(self, docs: list[Document], stubs: set[int], cache: Cache):
        self._docs, self._stubs, self._cache = docs, stubs, cache

    def __len__(self) -> int:
        return len(self._docs)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[n] for n in range(*i.indices(len(self)))]
        i = range(len(self))[i]
        if i in self._stubs:
            self._docs[i] = self._cache.get(self._docs[i]) or self._docs[i]
            self._stubs.discard(i)
        return self._docs[i]


def _report(result: BuildResult, order: list[Ident], rows: list[tuple]) -> dict:
    return {
        "extractor_version": EXTRACTOR_VERSION,
        "documents": [{"id": ident[0], "source": ident[2][0], "sha256": ident[1], "entities": row[11],
                       "facts": row[12]} for ident, row in zip(order, rows)],
        "merged": [{"path": m.path, "document": m.document, "same_as": m.same_as} for m in result.merged],
        "failed": [{"path": f.path, "stage": f.stage, "reason": f.reason} for f in result.failed],
        "skipped": [{"path": s.path, "reason": s.reason} for s in result.skipped],
        "triples": result.triples,
    }


def graph_path(out: str | Path | None = None, graph: str | Path | None = None) -> Path:
    """The RDF file a command reads: `graph` if given, else out/graph.ttl."""
    if graph is not None:
        path = Path(graph)
        if not path.exists():
            raise GraphNotFound(f"no such graph file: {path}")
        return path
    path = Path(out or DEFAULT_OUT) / GRAPH_FILE
    if not path.exists():
        raise GraphNotFound(f"no graph in {path.parent}/ — run `kg build DIR --out {path.parent}` first")
    return path


def open_graph(out: str | Path | None = None, graph: str | Path | None = None) -> Graph:
    """The built graph as an rdflib Graph (any RDF file rdflib reads when `graph` is given)."""
    path = graph_path(out, graph)
    g = Graph()
    for prefix, iri in PREFIXES.items():
        g.bind(prefix, iri)
    try:
        if path.suffix in (".trig", ".nq"):
            from rdflib import Dataset

            ds = Dataset()
            ds.parse(path)
            for s, p, o, _ in ds.quads((None, None, None, None)):
                g.add((s, p, o))
        else:
            g.parse(path)
    except Exception as exc:  # rdflib raises many parser-specific types
        raise KgError(f"cannot read {path}: {exc}") from None
    return g


def export(fmt: str, dest: str | Path, out: str | Path | None = None, graph: str | Path | None = None) -> Path:
    """Write the graph in another RDF format; trig/nq keep one named graph per document."""
    if fmt == "graphml":
        from .analysis import write_graphml

        write_graphml(open_graph(out, graph), dest)
        return Path(dest)
    try:
        serializer, _, quads = FORMATS[fmt]
    except KeyError:
        raise KgError(f"unknown format '{fmt}' (choose from {', '.join([*FORMATS, 'graphml'])})") from None
    if quads:
        source = Path(out or DEFAULT_OUT) / EVIDENCE_FILE if graph is None else Path(graph)
        if not source.exists():
            raise GraphNotFound(f"no per-document graphs at {source} — run `kg build` first")

        ds = Dataset()
        ds.parse(source)
        text = serialize(ds, serializer)
    else:
        text = serialize(open_graph(out, graph), serializer)
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    return write_atomic(dest, text)


def query(sparql: str, out: str | Path | None = None, graph: str | Path | None = None, store: str | None = None):
    """Run SPARQL on the built store (or any RDF file); returns a `sparql.QueryResult`."""
    from .sparql import run

    handle = open_store(Path(out) if out else DEFAULT_OUT if graph is None else None, graph, store)
    try:
        return run(handle, sparql)
    finally:
        handle.close()


def construct(sparql: str, out: str | Path | None = None, graph: str | Path | None = None) -> Graph:
    """The graph a CONSTRUCT or DESCRIBE query returns, as an rdflib Graph (for `kg viz --query`)."""
    result = query(sparql, out=out, graph=graph)
    if result.kind != "graph":
        raise KgError("the query must be a CONSTRUCT or DESCRIBE query to give a graph to show")
    g = Graph()
    for prefix, iri in PREFIXES.items():
        g.bind(prefix, iri)
    return g.parse(data=result.graph_ttl, format="turtle")
