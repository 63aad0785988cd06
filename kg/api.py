"""The library's entry points: build a graph from articles, open it, export it.

The CLI calls these and only formats what they return; a notebook calls them too.
"""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from rdflib import Graph

from .errors import GraphNotFound, InputError, KgError
from .extract import EXTRACTOR_VERSION, extract
from .graph import serialize, to_dataset, union_graph
from .model import Document
from .read import Skipped, read_documents
from .store import STORES, open_store, write_store
from .store import TRIG_FILE as EVIDENCE_FILE
from .vocab import PREFIXES

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


@dataclass
class BuildResult:
    out: Path
    documents: list[Document]
    skipped: list[Skipped]
    triples: int
    entities: int
    facts: int
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.skipped


def build(paths: Iterable[str | Path], out: str | Path = DEFAULT_OUT, *, encoding: str | None = None,
          base: str | None = None, store: str = "oxigraph",
          progress: Callable[[Document], None] | None = None) -> BuildResult:
    """Read every article under `paths`, extract, and write the graph into `out`.

    Writes graph.ttl (plain triples with reified evidence), graph.trig (one named graph per
    document), the store `kg query` opens (out/store, Oxigraph on disk; none for
    store="memory", which reads graph.trig) and build-report.json (what was read, what was
    skipped and why).
    """
    if store not in STORES:
        raise KgError(f"unknown store '{store}' (choose from {', '.join(STORES)})")
    paths = list(paths)
    docs, skipped = read_documents(paths, encoding=encoding)
    if not docs:
        reasons = "; ".join(f"{s.path}: {s.reason}" for s in skipped[:5])
        where = ", ".join(map(str, paths))
        raise InputError(f"no readable articles in {where}" + (f" ({reasons})" if reasons else ""))
    for doc in docs:
        extract(doc)
        if progress:
            progress(doc)
    ds = to_dataset(docs, **({"base": base} if base else {}))
    graph = union_graph(ds)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "graph": _write_atomic(out / GRAPH_FILE, serialize(graph, "turtle")),
        "evidence": _write_atomic(out / EVIDENCE_FILE, serialize(ds, "trig")),
    }
    if store != "memory":
        files["store"] = write_store(files["evidence"], out, store)
    result = BuildResult(out, docs, skipped, len(graph), sum(len(d.entities) for d in docs),
                         sum(len(d.facts) for d in docs), files)
    files["report"] = _write_atomic(out / REPORT_FILE, json.dumps(_report(result), ensure_ascii=False, indent=2))
    return result


def _report(result: BuildResult) -> dict:
    return {
        "extractor_version": EXTRACTOR_VERSION,
        "documents": [{"id": d.id, "source": d.source, "sha256": d.sha256, "entities": len(d.entities),
                       "facts": len(d.facts)} for d in result.documents],
        "skipped": [{"path": s.path, "reason": s.reason} for s in result.skipped],
        "triples": result.triples,
    }


def _write_atomic(path: Path, text: str) -> Path:
    """Write to a temporary file beside `path`, then rename: a killed build leaves the old file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o644)    # as a plain open() would make it, not mkstemp's 0600
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


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
        from rdflib import Dataset

        ds = Dataset()
        ds.parse(source)
        text = serialize(ds, serializer)
    else:
        text = serialize(open_graph(out, graph), serializer)
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    return _write_atomic(dest, text)


def query(sparql: str, out: str | Path | None = None, graph: str | Path | None = None, store: str | None = None):
    """Run SPARQL on the built store (or any RDF file); returns a `sparql.QueryResult`."""
    from .sparql import run

    handle = open_store(Path(out) if out else DEFAULT_OUT if graph is None else None, graph, store)
    try:
        return run(handle, sparql)
    finally:
        handle.close()
