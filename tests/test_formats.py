"""Every RDF format `kg export` writes is read by two more parsers, which find what rdflib finds.

rdflib writes the exports; pyoxigraph (Rust) reads each of them back and must see the
same triples or quads, term for term. Raptor's `rapper` (Debian raptor2-utils, C) counts
those it reads: Turtle, N-Triples, RDF/XML, TriG and N-Quads; its "json" parser reads
RDF/JSON, not JSON-LD, so JSON-LD is left to pyoxigraph. `make system-deps` installs
rapper; without it the rapper tests skip, except on CI (CI=true), where they fail
(`test_rapper.rapper_count`, which also checks the files `kg build` writes).
"""
from __future__ import annotations

from collections import Counter

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import BNode
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kg import api

from test_rapper import rapper_count

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

#: export format → (rdflib parser, pyoxigraph format, rapper syntax or None, holds quads)
PARSERS = {
    "ttl": ("turtle", ox.RdfFormat.TURTLE, "turtle", False),
    "nt": ("nt", ox.RdfFormat.N_TRIPLES, "ntriples", False),
    "jsonld": ("json-ld", getattr(ox.RdfFormat, "JSON_LD", None), None, False),
    "xml": ("xml", ox.RdfFormat.RDF_XML, "rdfxml", False),
    "trig": ("trig", ox.RdfFormat.TRIG, "trig", True),
    "nq": ("nquads", ox.RdfFormat.N_QUADS, "nquads", True),
}


def test_every_export_format_is_checked():
    assert set(PARSERS) == set(api.FORMATS)
    assert {fmt for fmt, (*_, quads) in PARSERS.items() if quads} == \
        {fmt for fmt, (*_, quads) in api.FORMATS.items() if quads}


# --- the second and third parsers ---------------------------------------------------

def _term(term) -> str:
    """N-Triples text of an rdflib or pyoxigraph term; blank nodes, whose labels are the
    parser's own, all read as one placeholder (the build writes none today)."""
    if isinstance(term, (BNode, ox.BlankNode)):
        return "_:b"
    return term.n3() if isinstance(term, rdflib.term.Node) else str(term)


def _graph_name(name) -> str | None:
    if name is None or isinstance(name, ox.DefaultGraph) or name == DATASET_DEFAULT_GRAPH_ID:
        return None
    return _term(name.identifier if isinstance(name, rdflib.Graph) else name)


def rdflib_statements(fmt: str, path) -> Counter:
    parser, _, _, quads = PARSERS[fmt]
    if quads:
        ds = rdflib.Dataset()
        ds.parse(path, format=parser)
        return Counter((_term(s), _term(p), _term(o), _graph_name(g))
                       for s, p, o, g in ds.quads((None, None, None, None)))
    return Counter((_term(s), _term(p), _term(o)) for s, p, o in rdflib.Graph().parse(path, format=parser))


def oxigraph_statements(fmt: str, path) -> Counter:
    _, oxformat, _, quads = PARSERS[fmt]
    if oxformat is None:
        pytest.skip(f"pyoxigraph {ox.__version__} does not read {fmt}")
    found = Counter()
    for quad in ox.parse(path=str(path), format=oxformat):
        if not quads:
            assert isinstance(quad.graph_name, ox.DefaultGraph), f"{fmt} should hold triples only"
        key = (_term(quad.subject), _term(quad.predicate), _term(quad.object))
        found[key + ((_graph_name(quad.graph_name),) if quads else ())] += 1
    return found


# --- the exports --------------------------------------------------------------------

@pytest.fixture(scope="module")
def exports(corpus_build, tmp_path_factory):
    folder = tmp_path_factory.mktemp("exports")
    return {fmt: api.export(fmt, folder / f"graph{suffix}", out=corpus_build.out)
            for fmt, (_, suffix, _) in api.FORMATS.items()}


@pytest.fixture(scope="module")
def expected(corpus_graph, corpus_dataset):
    """What rdflib reads from the build itself: graph.ttl's triples, graph.trig's quads."""
    return {
        "triples": len(corpus_graph),
        "quads": sum(1 for _ in corpus_dataset.quads((None, None, None, None))),
        "graphs": {g for *_, g in corpus_dataset.quads((None, None, None, None))},
    }


@pytest.mark.parametrize("fmt", list(PARSERS))
def test_rdflib_reads_back_the_whole_graph(exports, expected, fmt):
    statements = rdflib_statements(fmt, exports[fmt])
    assert max(statements.values()) == 1
    if PARSERS[fmt][3]:
        assert sum(statements.values()) == expected["quads"]
        # one named graph per document, and the build's default graph (the documents themselves)
        assert len({s[3] for s in statements}) == len(expected["graphs"]) > 1
    else:
        assert sum(statements.values()) == expected["triples"] > 1000


@pytest.mark.parametrize("fmt", list(PARSERS))
def test_pyoxigraph_reads_what_rdflib_reads(exports, fmt):
    """The same statements, term for term (IRIs, language tags, datatypes, named graphs)."""
    ours, theirs = rdflib_statements(fmt, exports[fmt]), oxigraph_statements(fmt, exports[fmt])
    assert sum(theirs.values()) == sum(ours.values())
    assert theirs == ours, (f"only rdflib: {sorted(ours - theirs)[:3]}; "
                            f"only pyoxigraph: {sorted(theirs - ours)[:3]}")


@pytest.mark.parametrize("fmt", [fmt for fmt, (_, _, syntax, _) in PARSERS.items() if syntax])
def test_rapper_counts_what_rdflib_reads(exports, fmt):
    expected = sum(rdflib_statements(fmt, exports[fmt]).values())
    assert rapper_count(PARSERS[fmt][2], exports[fmt]) == expected
