"""Where the graph is queried: an Oxigraph store (on disk or in memory) or rdflib in memory.

`kg build` writes out/graph.trig (one named graph per document); `write_store` turns it
into out/store, an on-disk Oxigraph database that opens at once instead of re-parsing the
TriG for every query. Queries without GRAPH see the union of all graphs in both kinds, as a
set: a triple stated by three documents is matched once.

Oxigraph's own union default graph (use_default_graph_as_union, --union-default-graph) is a
bag in 0.5: such a triple is matched three times, so COUNT and SUM are inflated and joins
over entities described in many documents blow up (oxigraph issue #1919, fixed after 0.5.13).
An Oxigraph store here therefore keeps the union, deduplicated, in its default graph, beside
the per-document named graphs; the Oxigraph server serves that same layout.

out/store is a symbolic link to the newest complete database (out/store.<id>). A build
fills out/store.tmp-<id> (a bulk load, or a checkpoint of the previous store with the changed
documents' graphs replaced) and only then moves the link, so a killed or failed build leaves
the previous store in place; the one before it is kept too, for a server still reading it.
"""
from __future__ import annotations

import itertools
import json
import os
import queue
import re
import shutil
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import pyoxigraph as ox
import rdflib.plugins.sparql as sparql_plugin
from rdflib import BNode, Dataset, Graph, Literal, URIRef

from .errors import GraphNotFound, KgError, QueryError
from .files import text_of
from .sparql import QueryResult, Term, syntax_error
from .vocab import PREFIXES, TURTLE_HEADER, TURTLE_PREFIXES

if TYPE_CHECKING:
    from .graph import GraphText

DEFAULT_OUT = Path("out")
STORE_DIR = "store"
#: in a store's folder: the digest of each document's text in it, for the next build to compare
MANIFEST = "parkkg-documents.json"
#: characters of Turtle or TriG per bulk load (see _load_pieces)
LOAD_CHUNK = 16_000_000
TRIG_FILE = "graph.trig"    # written by kg.api.build

#: file suffix → (pyoxigraph format, rdflib format)
RDF_FILES = {
    ".ttl": (ox.RdfFormat.TURTLE, "turtle"),
    ".nt": (ox.RdfFormat.N_TRIPLES, "nt"),
    ".nq": (ox.RdfFormat.N_QUADS, "nquads"),
    ".trig": (ox.RdfFormat.TRIG, "trig"),
    ".jsonld": (ox.RdfFormat.JSON_LD, "json-ld"),
    ".rdf": (ox.RdfFormat.RDF_XML, "xml"),
}
#: dump format → (pyoxigraph format, rdflib format, keeps named graphs)
DUMP_FORMATS = {
    "ttl": (ox.RdfFormat.TURTLE, "turtle", False),
    "nt": (ox.RdfFormat.N_TRIPLES, "nt", False),
    "trig": (ox.RdfFormat.TRIG, "trig", True),
    "nq": (ox.RdfFormat.N_QUADS, "nquads", True),
}
DERIVED_FROM = ox.NamedNode(PREFIXES["prov"] + "wasDerivedFrom")
PLAIN_TYPES = frozenset({PREFIXES["xsd"] + "string", PREFIXES["rdf"] + "langString"})


class Store(Protocol):
    def query(self, sparql: str) -> QueryResult:
        """SELECT/ASK/CONSTRUCT/DESCRIBE with the vocab prefixes predeclared; raises QueryError."""

    def update(self, sparql: str) -> None:
        """A SPARQL 1.1 update; raises QueryError."""

    def __len__(self) -> int:
        """Quads in all graphs (a triple stated in two documents counts twice)."""

    def dump(self, format: str) -> bytes:
        """ttl/nt: the union of all graphs; trig/nq: every graph as built, default and named."""

    def close(self) -> None: ...


def _dump_format(format: str) -> tuple[ox.RdfFormat, str, bool]:
    try:
        return DUMP_FORMATS[format]
    except KeyError:
        raise KgError(f"unknown dump format '{format}' (choose from {', '.join(DUMP_FORMATS)})") from None


def _rdf_file(path: Path) -> tuple[ox.RdfFormat, str]:
    if not path.exists():
        raise GraphNotFound(f"no such graph file: {path}")
    try:
        return RDF_FILES[path.suffix.lower()]
    except KeyError:
        raise KgError(f"cannot tell the RDF format of {path} (known suffixes: {', '.join(RDF_FILES)})") from None


class OxigraphStore:
    """pyoxigraph: the fast default, on disk (read-only) or in memory; its default graph is the union."""

    #: the default-graph triples that no named graph has: the build's own default graph
    #: (document metadata and evidence, which no document graph repeats)
    DEFAULT_ONLY = "{ ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }"

    def __init__(self, store: ox.Store, read_only: bool = False):
        self._store = store
        self._read_only = read_only

    @classmethod
    def load(cls, path: Path) -> OxigraphStore:
        """An in-memory store holding the RDF file `path`."""
        fmt, _ = _rdf_file(path)
        store = ox.Store()
        try:
            _fill(store, path, fmt)
        except (SyntaxError, ValueError, OSError) as exc:
            raise KgError(f"cannot read {path}: {exc}") from None
        return cls(store)

    @classmethod
    def write(cls, trig_path: Path, out_dir: Path, graph: GraphText | None = None, update: bool = True,
              loading: StoreLoad | None = None) -> Path:
        """A new out_dir/store.<id> holding `trig_path`, then out_dir/store pointed at it.

        Given `graph`, the build's text of `trig_path`, and `update`, the new store starts as a
        copy of the previous one (a RocksDB checkpoint: hard links, no copying) and only the
        documents whose text changed are replaced in it, when the previous store says which
        texts it holds (MANIFEST) and most of them are unchanged. Otherwise the new store is
        bulk-loaded: from `graph`'s pieces, the union from its Turtle, or from `trig_path`; or,
        given `loading`, it was being loaded while `graph` was made, and is finished here.
        """
        tmp = loading.tmp if loading else _new_tmp(out_dir)
        documents = graph.documents if graph else {}
        hashes = graph.digests if graph else {}
        try:
            previous = _manifest(out_dir / STORE_DIR) if graph and update and not loading else None
            changed = [iri for iri, digest in hashes.items() if previous and previous.get(iri) != digest]
            if loading:
                loading.finish()
            elif previous and len(changed) + len(previous.keys() - hashes.keys()) <= len(hashes) // 2:
                tmp.rmdir()             # a checkpoint makes its folder
                ox.Store.read_only(str((out_dir / STORE_DIR).resolve())).backup(str(tmp))
                _replace(ox.Store(str(tmp)), [*changed, *(previous.keys() - hashes.keys())],
                         TURTLE_HEADER + "".join(text_of(piece) for iri in changed for piece in documents[iri]))
            elif graph:
                store = ox.Store(str(tmp))
                _load_pieces(store, graph.trig, ox.RdfFormat.TRIG)
                _load_pieces(store, graph.turtle, ox.RdfFormat.TURTLE)
                del store
            else:
                _fill(ox.Store(str(tmp)), trig_path, ox.RdfFormat.TRIG)   # closed once _fill returns
            if graph:
                (tmp / MANIFEST).write_text(json.dumps(hashes, sort_keys=True), encoding="utf-8")
        except BaseException as exc:
            if loading:
                loading.abort()
            shutil.rmtree(tmp, ignore_errors=True)
            if isinstance(exc, (SyntaxError, ValueError, OSError)):
                raise KgError(f"cannot load {trig_path} into a store: {exc}") from None
            raise
        token = tmp.name.removeprefix(f"{STORE_DIR}.tmp-")
        tmp.chmod(0o755)                # mkdtemp's 0700 would hide the store from other readers
        final = tmp.rename(out_dir / f"{STORE_DIR}.{token}")
        link = out_dir / STORE_DIR
        if link.is_symlink():
            previous = link.resolve()
        elif link.exists():             # a plain directory, from another tool: set it aside
            previous = link.rename(out_dir / f"{STORE_DIR}.old-{token}").resolve()
        else:
            previous = None
        new_link = out_dir / f".{STORE_DIR}.link-{token}"
        new_link.symlink_to(final.name)
        os.replace(new_link, link)
        keep = {final.resolve(), previous}
        for old in out_dir.glob(f"{STORE_DIR}.*"):
            if old.is_dir() and not old.is_symlink() and old.resolve() not in keep:
                shutil.rmtree(old, ignore_errors=True)
        return link

    @classmethod
    def open_dir(cls, location: Path) -> OxigraphStore:
        """An on-disk store, read-only: many readers, and the build never writes it in place."""
        try:
            return cls(ox.Store.read_only(str(location.resolve())), read_only=True)
        except OSError as exc:
            raise KgError(f"cannot open the store at {location}: {exc} — run `kg build` again") from None

    def query(self, sparql: str) -> QueryResult:
        try:
            result = self._store.query(sparql, prefixes=PREFIXES)
            if isinstance(result, ox.QueryBoolean):
                return QueryResult("ask", boolean=bool(result))
            if isinstance(result, ox.QueryTriples):
                ttl = ox.serialize(list(result), format=ox.RdfFormat.TURTLE, prefixes=TURTLE_PREFIXES)
                return QueryResult("graph", graph_ttl=ttl.decode("utf-8"))
            variables = [v.value for v in result.variables]
            raw = [tuple(_ox_term(solution[v]) for v in variables) for solution in result]
            return QueryResult("select", variables, raw)
        except SyntaxError as exc:
            raise _ox_syntax_error(sparql, exc) from None
        except OSError as exc:
            raise QueryError(f"query failed: {exc}") from None

    def update(self, sparql: str) -> None:
        """Changes the graphs it names; without GRAPH, the default graph, which queries see.

        The default graph is the union as loaded: a change inside GRAPH <g> {…} alone is seen
        by GRAPH queries only.
        """
        if self._read_only:
            raise KgError("this store is opened read-only (out/store is rebuilt by every `kg build`); "
                          "load a graph file into memory to change a copy")
        try:
            self._store.update(sparql, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise _ox_syntax_error(sparql, exc) from None
        except OSError as exc:
            raise QueryError(f"update failed: {exc}") from None

    def __len__(self) -> int:
        """Quads as built: those of the named graphs and of the build's own default graph."""
        named = self._store.query("SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")
        default = self._store.query(f"SELECT (COUNT(*) AS ?n) {self.DEFAULT_ONLY}")
        return sum(int(next(iter(result))["n"].value) for result in (named, default))

    def dump(self, format: str) -> bytes:
        fmt, _, quads = _dump_format(format)
        if not quads:
            return self._store.dump(format=fmt, from_graph=ox.DefaultGraph(), prefixes=TURTLE_PREFIXES)
        own = self._store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {self.DEFAULT_ONLY}")
        default = (ox.Quad(t.subject, t.predicate, t.object) for t in own)
        named = (q for q in self._store if not isinstance(q.graph_name, ox.DefaultGraph))
        return ox.serialize(itertools.chain(default, named), format=fmt, prefixes=TURTLE_PREFIXES)

    def close(self) -> None:
        del self._store       # pyoxigraph closes the database when the last reference goes


def _new_tmp(out_dir: Path) -> Path:
    """A new, empty out_dir/store.tmp-<id>, once those of killed builds are gone."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob(f"{STORE_DIR}.tmp-*"):
        shutil.rmtree(stale, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{STORE_DIR}.tmp-", dir=out_dir))


class StoreLoad:
    """A new store bulk-loaded while the build still makes the text that goes into it.

    Pieces given to `add` (whole statements or graphs, in Turtle or TriG) are gathered into
    chunks of LOAD_CHUNK characters per format, and the chunks are bulk-loaded by `threads`
    threads (one per core), each taking the next chunk of either format: the loader runs in
    Rust without the GIL, so the store fills on the cores the build leaves free while it
    writes the graph's text, and at the end, when only the union's last chunks are left, on
    all of them. The chunks wait as UTF-8 bytes, at most the text once more.
    """

    def __init__(self, out_dir: Path, threads: int | None = None):
        self.tmp = _new_tmp(out_dir)
        self._store = ox.Store(str(self.tmp))
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 2
        self._threads = max(2, threads or cores)
        self._feed: queue.SimpleQueue = queue.SimpleQueue()
        self._loaders: list[threading.Thread] = []
        self._chunks: dict[ox.RdfFormat, tuple[list[str], list[int]]] = {}
        self._errors: list[BaseException] = []
        self._stop = False

    def add(self, fmt: ox.RdfFormat, piece: str) -> None:
        chunk, size = self._chunks.setdefault(fmt, ([], [0]))
        chunk.append(piece)
        size[0] += len(piece)
        if size[0] >= LOAD_CHUNK:
            self._send(fmt)

    def _send(self, fmt: ox.RdfFormat) -> None:
        chunk, size = self._chunks.pop(fmt, ([], [0]))
        if not chunk:
            return
        if len(self._loaders) < self._threads:
            thread = threading.Thread(target=self._load, name=f"store-load-{len(self._loaders)}", daemon=True)
            self._loaders.append(thread)
            thread.start()
        self._feed.put(((TURTLE_HEADER + "".join(chunk)).encode("utf-8"), fmt))

    def _load(self) -> None:
        while (item := self._feed.get()) is not None:
            if self._stop or self._errors:
                continue            # drain: the build is failing
            try:
                self._store.bulk_load(*item)
            except BaseException as exc:  # raised again in finish()
                self._errors.append(exc)

    def _join(self) -> None:
        for _ in self._loaders:
            self._feed.put(None)
        for thread in self._loaders:
            thread.join()
        self._loaders = []

    def finish(self) -> None:
        """Load what is left, wait for the loads, and close the store; raises what a load raised."""
        for fmt in list(self._chunks):
            self._send(fmt)
        self._join()
        del self._store
        if self._errors:
            raise self._errors[0]

    def __enter__(self) -> StoreLoad:
        return self

    def __exit__(self, *exc) -> None:
        self.abort()

    def abort(self) -> None:
        """Stop loading (a load under way ends first) and remove the store, unless it was
        finished and moved into place."""
        self._stop = True
        self._join()
        self.__dict__.pop("_store", None)
        shutil.rmtree(self.tmp, ignore_errors=True)


def _fill(store: ox.Store, path: Path, fmt: ox.RdfFormat) -> None:
    """Load `path` as it is, then every triple of it once more into the default graph,
    which is then the union of all graphs, as a set (see the module's docstring)."""
    store.bulk_load(path=str(path), format=fmt)
    if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
        with tempfile.TemporaryFile() as union:       # streamed: 1M triples stay out of memory
            ox.serialize((quad.triple for quad in ox.parse(path=str(path), format=fmt)), union,
                         ox.RdfFormat.N_TRIPLES)
            union.seek(0)
            store.bulk_load(union, ox.RdfFormat.N_TRIPLES)


def _load_pieces(store: ox.Store, pieces: list[str], fmt: ox.RdfFormat) -> None:
    """Bulk-load Turtle or TriG given as pieces (GraphText's: the first is the prefixes, each
    other whole statements or graphs) a few at a time: Oxigraph's bulk loader holds about
    ten times the text it is given, 1.5 GB for the TriG of 10,000 articles in one call."""
    header, chunk, size = text_of(pieces[0]), [], 0
    for piece in map(text_of, pieces[1:]):
        chunk.append(piece)
        size += len(piece)
        if size >= LOAD_CHUNK:
            store.bulk_load(header + "".join(chunk), fmt)
            chunk, size = [], 0
    if chunk:
        store.bulk_load(header + "".join(chunk), fmt)


def _manifest(store_dir: Path) -> dict[str, str] | None:
    """The documents' text digests a store written by write() holds, by document IRI."""
    try:
        return json.loads((store_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def has_manifest(out_dir: Path) -> bool:
    """Whether out_dir/store says which documents' texts it holds, to be updated from."""
    return (out_dir / STORE_DIR / MANIFEST).is_file()


def _replace(store: ox.Store, graphs: list[str], trig: str) -> None:
    """Drop `graphs` (document IRIs: their named graphs, and their metadata and evidence in
    the default graph), then add the TriG `trig`, keeping the default graph the union of all
    graphs: a triple leaves it only when no named graph states it any more."""
    default, dropped = ox.DefaultGraph(), set()
    for iri in map(ox.NamedNode, graphs):
        dropped.update(q.triple for q in store.quads_for_pattern(None, None, None, iri))
        statements = [q.subject for q in store.quads_for_pattern(None, DERIVED_FROM, iri, default)]
        for subject in [iri, *statements]:
            for quad in list(store.quads_for_pattern(subject, None, None, default)):
                store.remove(quad)
        if store.contains_named_graph(iri):
            store.remove_graph(iri)
    added = list(ox.parse(trig.encode("utf-8"), format=ox.RdfFormat.TRIG))
    store.extend([*added, *(ox.Quad(q.subject, q.predicate, q.object) for q in added)])
    for t in dropped - {q.triple for q in added}:
        if all(isinstance(q.graph_name, ox.DefaultGraph)
               for q in store.quads_for_pattern(t.subject, t.predicate, t.object, None)):
            store.remove(ox.Quad(t.subject, t.predicate, t.object))
    # into the database files: the next build copies this store opened read-only, and such a
    # copy leaves out changes still only in the write-ahead log (removed graphs came back)
    store.flush()


def _ox_term(term) -> Term | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return Term("uri", term.value)
    if isinstance(term, ox.BlankNode):
        return Term("bnode", term.value)
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        return Term("literal", term.value, term.language, None if datatype in PLAIN_TYPES else datatype)
    return Term("literal", str(term))     # an RDF 1.2 triple term


def _ox_syntax_error(sparql: str, exc: SyntaxError) -> QueryError:
    """pyoxigraph says 'error at LINE:COLUMN: message'."""
    match = re.match(r"error at (\d+):(\d+): (.*)", str(exc), re.S)
    if not match:
        return QueryError(f"malformed query: {exc}")
    message = " ".join(match[3].split())
    if "Prefix not found" in message:
        message = f"unknown prefix (predeclared: {', '.join(PREFIXES)})"
    return syntax_error(sparql, message, int(match[1]), int(match[2]))


class MemoryStore:
    """rdflib in memory: pure Python, slower; the reference for SPARQL behaviour."""

    def __init__(self, dataset: Dataset):
        self._ds = dataset

    @classmethod
    def load(cls, path: Path) -> MemoryStore:
        _, fmt = _rdf_file(path)
        ds = Dataset(default_union=True)
        for prefix, iri in PREFIXES.items():
            ds.bind(prefix, iri)
        try:
            ds.parse(path, format=fmt)
        except Exception as exc:  # rdflib raises many parser-specific types
            raise KgError(f"cannot read {path}: {exc}") from None
        return cls(ds)

    @classmethod
    def write(cls, trig_path: Path, out_dir: Path, graph: GraphText | None = None, update: bool = True,
              loading: StoreLoad | None = None) -> Path:
        """Nothing to write: the TriG is what this store loads."""
        return trig_path

    def query(self, sparql: str) -> QueryResult:
        try:
            result = self._ds.query(sparql, initNs=PREFIXES)
            if result.type == "ASK":
                return QueryResult("ask", boolean=bool(result.askAnswer))
            if result.type in ("CONSTRUCT", "DESCRIBE"):
                graph = result.graph
                for prefix, iri in PREFIXES.items():
                    graph.bind(prefix, iri)
                return QueryResult("graph", graph_ttl=graph.serialize(format="turtle"))
            variables = [str(v) for v in result.vars]
            raw = [tuple(_rdflib_term(t) for t in row) for row in result]
            return QueryResult("select", variables, raw)
        except Exception as exc:  # pyparsing, rdflib and evaluation errors alike
            raise _rdflib_error(sparql, exc) from None

    def update(self, sparql: str) -> None:
        """Without GRAPH, updates change the default graph, as in Oxigraph.

        rdflib evaluates updates against the union while its module flag
        SPARQL_DEFAULT_GRAPH_UNION is on, and then INSERT DATA fails ("expected 4, got 3").
        """
        union, sparql_plugin.SPARQL_DEFAULT_GRAPH_UNION = sparql_plugin.SPARQL_DEFAULT_GRAPH_UNION, False
        try:
            self._ds.update(sparql, initNs=PREFIXES)
        except Exception as exc:
            raise _rdflib_error(sparql, exc) from None
        finally:
            sparql_plugin.SPARQL_DEFAULT_GRAPH_UNION = union

    def __len__(self) -> int:
        return sum(1 for _ in self._ds.quads((None, None, None, None)))

    def dump(self, format: str) -> bytes:
        _, fmt, quads = _dump_format(format)
        if quads:
            return self._ds.serialize(format=fmt, encoding="utf-8")
        union = Graph()
        for prefix, iri in PREFIXES.items():
            union.bind(prefix, iri)
        for s, p, o, _ in self._ds.quads((None, None, None, None)):
            union.add((s, p, o))
        return union.serialize(format=fmt, encoding="utf-8")

    def close(self) -> None:
        self._ds.close()


def _rdflib_term(term) -> Term | None:
    if term is None:
        return None
    if isinstance(term, URIRef):
        return Term("uri", str(term))
    if isinstance(term, BNode):
        return Term("bnode", str(term))
    if isinstance(term, Literal):
        datatype = str(term.datatype) if term.datatype else None
        return Term("literal", str(term), term.language, None if datatype in PLAIN_TYPES else datatype)
    return Term("literal", str(term))


def _rdflib_error(sparql: str, exc: Exception) -> QueryError:
    """rdflib's parser gives a position; an unknown prefix is found in the text instead."""
    if isinstance(exc, QueryError):
        return exc
    if hasattr(exc, "lineno") and hasattr(exc, "col"):    # pyparsing.ParseException
        return syntax_error(sparql, " ".join(str(exc.msg).split()), exc.lineno, exc.col)
    match = re.match(r"Unknown namespace prefix : (\S+)", str(exc))
    if match:
        at = re.search(rf"(?<![\w:<]){re.escape(match[1])}:", sparql)
        if at:
            line = sparql.count("\n", 0, at.start()) + 1
            column = at.start() - (sparql.rfind("\n", 0, at.start()) + 1) + 1
            return syntax_error(sparql, f"unknown prefix {match[1]}: (predeclared: {', '.join(PREFIXES)})",
                                line, column)
    return QueryError(f"query failed: {exc}")


STORES = {"oxigraph": OxigraphStore, "memory": MemoryStore}


def _store_class(kind: str):
    try:
        return STORES[kind]
    except KeyError:
        raise KgError(f"unknown store '{kind}' (choose from {', '.join(STORES)})") from None


def write_store(trig_path: Path, out_dir: Path, kind: str = "oxigraph", graph: GraphText | None = None,
                update: bool = True, loading: StoreLoad | None = None) -> Path:
    """Make the per-document TriG of a build queryable; returns what open_store will read.
    `graph`: the build's text of it, to load from or (with `update`) to update the previous
    store with (see OxigraphStore.write); `loading`: the new store, being loaded with `graph`."""
    cls = _store_class(kind)
    trig_path, out_dir = Path(trig_path), Path(out_dir)
    if not trig_path.exists():
        raise GraphNotFound(f"no per-document graphs at {trig_path} — run `kg build` first")
    out_dir.mkdir(parents=True, exist_ok=True)
    return cls.write(trig_path, out_dir, graph, update, loading)


def open_store(out_dir: Path | None = None, graph: Path | None = None, kind: str | None = None) -> Store:
    """The graph to query: the file `graph`, else out_dir/store, else out_dir/graph.trig."""
    cls = _store_class(kind or "oxigraph")
    if graph is not None:
        return cls.load(Path(graph))
    out_dir = Path(out_dir) if out_dir is not None else DEFAULT_OUT
    if cls is OxigraphStore and (out_dir / STORE_DIR).exists():
        return OxigraphStore.open_dir(out_dir / STORE_DIR)
    if (out_dir / TRIG_FILE).exists():
        return cls.load(out_dir / TRIG_FILE)
    raise GraphNotFound(f"no graph in {out_dir}/ — run `kg build DIR --out {out_dir}` first")
