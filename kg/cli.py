"""The `kg` command: each subcommand parses its options, calls the library, formats.

Library errors (`KgError`) become one-line messages with their exit status; a traceback
is shown only with `kg --debug`.
"""
from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from . import api
from .errors import ExitStatus, KgError


def _fail(message: str, status: int = ExitStatus.USAGE) -> None:
    click.echo(f"kg: {message}", err=True)
    sys.exit(int(status))


class KgGroup(click.Group):
    """Turns library errors into messages; `--debug` lets the traceback through."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KgError as exc:
            if ctx.meta.get("kg.debug"):
                raise
            _fail(str(exc), exc.exit_status)


def graph_options(func):
    """--out / --graph: where a command finds the built graph (shared by every reader)."""
    @click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=None,
                  help="Build folder to read (default: out/).")
    @click.option("--graph", "graph", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="Read this RDF file instead (ttl, nt, trig, nq, jsonld).")
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)
    return wrapper


@click.group(cls=KgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks.")
@click.version_option(package_name="parkkg")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """parkkg — knowledge graphs of industrial parks from Chinese business news."""
    ctx.meta["kg.debug"] = debug


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=api.DEFAULT_OUT,
              show_default=True, help="Folder for graph.ttl, graph.trig, the store, the report and the cache.")
@click.option("--encoding", default=None, help="Force an input encoding (e.g. gb18030); detected by default.")
@click.option("--base", default=None, help="Base IRI for entities (default https://w3id.org/parkkg/resource/).")
@click.option("--store", type=click.Choice(["oxigraph", "memory"]), default="oxigraph", show_default=True,
              help="oxigraph: an on-disk store kg query opens at once; memory: queries read graph.trig.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes for extraction (default: one per core).")
@click.option("--full", is_flag=True, help="Extract every document again instead of reusing OUT/cache.")
@click.option("--strict", is_flag=True, help="Stop at the first document that fails (exit 1); write nothing.")
@click.option("--executor", type=click.Choice(["process", "dask"]), default="process", show_default=True,
              help="Extract in local worker processes, or on a dask.distributed cluster.")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="The dask scheduler for --executor dask, e.g. tcp://10.0.0.5:8786 (default: a local cluster).")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors.")
def build(paths, out, encoding, base, store, jobs, full, strict, executor, scheduler, quiet):
    """Read articles under PATHS and build the knowledge graph.

    Exit status 0: every article made it into the graph; 1: some failed (each is named,
    and listed in OUT/build-report.json); 2: bad arguments or nothing readable.
    """
    with _Progress(hidden=quiet) as progress:
        result = api.build(paths, out, encoding=encoding, base=base, store=store, jobs=jobs, executor=executor,
                           scheduler=scheduler, full=full, strict=strict, progress=progress)
    for failure in result.failed:
        click.echo(f"kg: failed to {failure.stage} {failure.path}: {failure.reason}", err=True)
    if not quiet:
        for skipped in result.skipped:
            click.echo(f"kg: skipped {skipped.path}: {skipped.reason}", err=True)
        click.echo(_build_summary(result))
    if result.failed:
        sys.exit(int(ExitStatus.SOME_FAILED))


class _Progress:
    """Extraction progress: a bar on a terminal, elsewhere a log line at every tenth."""

    def __init__(self, hidden: bool):
        self.hidden = hidden
        self.bar = None

    def __enter__(self):
        return self

    def __call__(self, done: int, total: int) -> None:
        if self.hidden:
            return
        if not sys.stderr.isatty():
            if done * 10 // total > (done - 1) * 10 // total:
                click.echo(f"extracted {done}/{total} documents", err=True)
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="extracting", file=sys.stderr).__enter__()
        self.bar.update(done - self.bar.pos)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)


def _build_summary(result: api.BuildResult) -> str:
    docs = len(result.documents)
    counts = [f"{len(result.failed)} failed", f"{len(result.skipped)} skipped", f"{len(result.merged)} merged"]
    times = ", ".join(f"{name} {seconds:.1f}" for name, seconds in result.seconds.items())
    lines = [f"read {docs} documents ({docs - result.cached} extracted, {result.cached} from the cache); "
             + ", ".join(counts),
             f"{result.entities} entities, {result.facts} facts, {result.triples} triples "
             f"in {sum(result.seconds.values()):.1f} s ({times})"]
    lines += [f"  {name:<9}{path}" for name, path in result.files.items()]
    return "\n".join(lines)


@main.command()
@click.argument("sparql", required=False)
@click.option("--file", "-f", "file", type=click.File("r", encoding="utf-8"), help="Read the query from a .rq file.")
@click.option("--saved", "-s", help="Run a saved query from queries/ by name (see --list).")
@click.option("--list", "list_saved", is_flag=True, help="List the saved queries.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table",
              show_default=True, help="CONSTRUCT and DESCRIBE always print Turtle.")
@click.option("--store", type=click.Choice(["oxigraph", "memory"]), default=None,
              help="Engine for --graph files (default oxigraph).")
@graph_options
def query(sparql, file, saved, list_saved, fmt, store, out, graph):
    """Run a SPARQL query (kgo:, kgr:, rdfs:, skos: … are predeclared)."""
    from . import sparql as sq

    if list_saved:
        for name, title in sq.saved_queries():
            click.echo(f"{name:<22}{title}")
        return
    given = [x for x in (sparql, file, saved) if x]
    if len(given) != 1:
        raise click.UsageError("give exactly one of: a query string, --file FILE, --saved NAME")
    text = sq.load_saved(saved) if saved else (file.read() if file else sparql)
    result = api.query(text, out=out, graph=graph, store=store)
    width = None if fmt != "table" else click.get_terminal_size()[0] if sys.stdout.isatty() else None
    click.echo(sq.format_result(result, fmt, width=width))


@main.command()
@click.option("--output", "-o", "dest", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="HTML file to write (default: graph.html in the build folder).")
@click.option("--focus", help="Show only this entity's neighbourhood (label or alias).")
@click.option("--depth", default=2, show_default=True, help="Hops around --focus.")
@click.option("--type", "types", help="Only these classes, comma-separated (Park,Company).")
@click.option("--relation", "relations", help="Only these relations, comma-separated (hosts,investsIn).")
@click.option("--min-degree", default=1, show_default=True, help="Hide entities with fewer relations (0 shows all).")
@click.option("--max-nodes", default=2000, show_default=True)
@click.option("--query", "query_file", type=click.File("r", encoding="utf-8"),
              help="Show the graph a SPARQL CONSTRUCT or DESCRIBE query in this file returns.")
@graph_options
def viz(dest, focus, depth, types, relations, min_degree, max_nodes, query_file, out, graph):
    """Write an interactive HTML network of the graph (works offline)."""
    from .view import render

    g = api.construct(query_file.read(), out, graph) if query_file else api.open_graph(out, graph)
    dest = dest or Path(out or api.DEFAULT_OUT) / "graph.html"
    try:
        result = render(g, dest, focus=focus, depth=depth, types=_split(types), relations=_split(relations),
                        min_degree=min_degree, max_nodes=max_nodes)
    except ValueError as exc:
        raise KgError(str(exc)) from None
    click.echo(f"wrote {result.path} ({result.nodes} nodes, {result.edges} edges)")
    if result.dropped:
        click.echo(result.message, err=True)


def _split(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


@main.command()
@click.option("--format", "fmt", type=click.Choice([*api.FORMATS, "graphml"]), default="ttl", show_default=True)
@click.option("--output", "-o", "dest", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default: graph.<format> in the build folder).")
@graph_options
def export(fmt, dest, out, graph):
    """Export the graph as Turtle, N-Triples, JSON-LD, RDF/XML, TriG, N-Quads or GraphML."""
    suffix = api.FORMATS[fmt][1] if fmt in api.FORMATS else ".graphml"
    dest = dest or Path(out or api.DEFAULT_OUT) / f"export{suffix}"
    path = api.export(fmt, dest, out=out, graph=graph)
    click.echo(f"wrote {path}")


@main.command()
@click.option("--top", default=10, show_default=True, help="How many hubs and parks to list.")
@graph_options
def stats(top, out, graph):
    """Counts per class and relation, hubs, communities, parks ranked."""
    from .analysis import stats as compute
    from .report import stats_text

    click.echo(stats_text(compute(api.open_graph(out, graph), top=top)))


@main.command()
@click.argument("name")
@graph_options
def show(name, out, graph):
    """An entity's names, class, relations and the sentences behind each."""
    from .report import entity_text

    click.echo(entity_text(api.open_graph(out, graph), name))


@main.command()
@click.argument("source")
@click.argument("target")
@click.option("--limit", default=3, show_default=True)
@graph_options
def path(source, target, limit, out, graph):
    """The shortest chains of relations between two entities, with evidence."""
    from .analysis import shortest_paths
    from .report import paths_text

    g = api.open_graph(out, graph)
    click.echo(paths_text(shortest_paths(g, source, target, limit=limit)))


@main.command()
@click.option("--gold", "gold", required=True, multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Answer-key JSON files or folders of them.")
@click.option("--show-errors", is_flag=True, help="List misses, false positives and unmatched entities.")
@graph_options
def evaluate(gold, show_errors, out, graph):
    """Score the graph against answer keys (precision, recall, F1 per relation)."""
    from .evaluate import evaluate as score, score_text

    click.echo(score_text(score(api.graph_path(out, graph), gold), show_errors=show_errors))


@main.command()
@click.option("--shapes", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="SHACL shapes (default: ontology/shapes.ttl).")
@graph_options
def validate(shapes, out, graph):
    """Check the graph against the SHACL shapes; exit 1 on any violation."""
    from .validate import validate as check

    report = check(api.open_graph(out, graph), shapes)
    click.echo(report.text)
    if not report.conforms:
        sys.exit(int(ExitStatus.SOME_FAILED))


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=api.DEFAULT_OUT, show_default=True,
              help="Build folder whose store to serve.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=7878, show_default=True)
@click.option("--allow-update", is_flag=True, help="Accept SPARQL updates (on a copy of the store).")
def serve(out, host, port, allow_update):
    """Serve the graph as a SPARQL 1.1 endpoint until Ctrl-C."""
    from .serve import serve as run_server

    def ready(server):
        click.echo(f"SPARQL endpoint: {server.query_url}  (Graph Store: {server.store_url}); Ctrl-C stops it")

    run_server(out, host=host, port=port, allow_update=allow_update, ready=ready)


@main.command()
@click.option("--endpoint", required=True, help="Graph Store Protocol URL, e.g. http://localhost:7878/store")
@click.option("--replace", is_flag=True, help="Replace each graph (HTTP PUT) instead of adding to it (POST).")
@click.option("--single-graph", is_flag=True, help="Load everything into the default graph, not one graph per document.")
@graph_options
def push(endpoint, replace, single_graph, out, graph):
    """Load the graph into a remote triple store (SPARQL 1.1 Graph Store HTTP Protocol)."""
    from .serve import push as send
    from .store import open_store

    store = open_store(out if graph is None else None, graph)
    try:
        sent = send(store, endpoint, replace=replace, per_document=not single_graph)
    finally:
        store.close()
    click.echo(f"pushed {sum(sent.values())} triples in {len(sent)} graph(s) to {endpoint}")
