"""SPARQL queries over a store, the saved queries of queries/, and their results as text.

A `QueryResult` is the same whichever store answered it, so the CLI, the server tests
and a notebook format results one way: a terminal table that keeps Chinese text aligned,
CSV/TSV for spreadsheets, SPARQL 1.1 Results JSON for other tools.
"""
from __future__ import annotations

import csv
import io
import json
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import unquote

import kg

from .errors import KgError, QueryError, QuerySyntaxError
from .vocab import PREFIXES

if TYPE_CHECKING:
    from .store import Store

QUERIES_DIR = Path(kg.__file__).parent.parent / "queries"
FORMATS = ("table", "csv", "tsv", "json")
XSD = PREFIXES["xsd"]
NUMERIC_TYPES = frozenset(XSD + t for t in ("integer", "decimal", "double", "float", "int", "long"))
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))   # longest namespace wins


class Term(NamedTuple):
    """An RDF term as the SPARQL JSON results format describes one."""

    type: str                    # "uri" | "literal" | "bnode"
    value: str
    lang: str | None = None
    datatype: str | None = None  # None for plain and language-tagged strings


def shorten(iri: str) -> str:
    """kgr:company/北京经纬恒润 for a full, percent-encoded IRI: what an analyst can read."""
    for prefix, ns in _BY_LENGTH:
        if iri.startswith(ns):
            return f"{prefix}:{unquote(iri[len(ns):])}"
    return iri


def readable(term: Term | None) -> str | None:
    if term is None:
        return None
    if term.type == "uri":
        return shorten(term.value)
    if term.type == "bnode":
        return f"_:{term.value}"
    return term.value


@dataclass
class QueryResult:
    """What a query returned; `raw` keeps full terms, `rows` the readable strings."""

    kind: str                                    # "select" | "ask" | "graph"
    variables: list[str] = field(default_factory=list)
    raw: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    graph_ttl: str | None = None                 # CONSTRUCT/DESCRIBE, as Turtle
    rows: list[tuple[str | None, ...]] = field(init=False)

    def __post_init__(self):
        self.rows = [tuple(readable(t) for t in row) for row in self.raw]


def run(store: Store, sparql: str) -> QueryResult:
    """Run a query; every failure is a QueryError (with line and column when it does not parse)."""
    if not sparql.strip():
        raise QueryError("empty query")
    return store.query(sparql)


def syntax_error(sparql: str, message: str, line: int, column: int) -> QuerySyntaxError:
    """The parser's message with the offending line and a caret under the column."""
    lines = sparql.splitlines() or [""]
    line = min(max(line, 1), len(lines))
    text = lines[line - 1]
    column = min(max(column, 1), len(text) + 1)
    pad = "".join("\t" if c == "\t" else " " * _width(c) for c in text[:column - 1])
    gutter = " " * len(str(line))
    return QuerySyntaxError(f"malformed query at line {line}, column {column}: {message}\n"
                            f" {line} | {text}\n {gutter} | {pad}^", line, column)


def saved_queries() -> list[tuple[str, str]]:
    """(name, title) of every queries/*.rq; the title is the first comment line."""
    found = []
    for path in sorted(QUERIES_DIR.glob("*.rq")):
        first = next((ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.startswith("#")), "#")
        title = first.lstrip("#").strip()
        found.append((path.stem, title.removeprefix("title:").strip()))
    return found


def load_saved(name: str) -> str:
    """The text of queries/<name>.rq."""
    names = [n for n, _ in saved_queries()]
    if name not in names:
        raise QueryError(f"no saved query '{name}' (available: {', '.join(names) or 'none'})")
    return (QUERIES_DIR / f"{name}.rq").read_text(encoding="utf-8")


def format_result(result: QueryResult, fmt: str = "table", width: int | None = None) -> str:
    """The result as text; ASK is true/false, CONSTRUCT/DESCRIBE always Turtle."""
    if fmt not in FORMATS:
        raise KgError(f"unknown result format '{fmt}' (choose from {', '.join(FORMATS)})")
    if result.kind == "graph":
        return result.graph_ttl or ""
    if result.kind == "ask":
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": result.boolean})
        return "true" if result.boolean else "false"
    if fmt == "table":
        return _table(result, width)
    return {"csv": _csv, "tsv": _tsv, "json": _json}[fmt](result)


def _width(text: str) -> int:
    """Terminal columns: CJK (wide, fullwidth) take two, combining marks none."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
               for c in text)


def _one_line(value: str | None) -> str:
    return "" if value is None else " ".join(value.replace("\t", " ").splitlines())


def _truncate(text: str, limit: int) -> str:
    if _width(text) <= limit:
        return text
    out, used = [], 0
    for c in text:
        if used + _width(c) > limit - 1:
            break
        out.append(c)
        used += _width(c)
    return "".join(out) + "…"


def _table(result: QueryResult, width: int | None) -> str:
    header = list(result.variables)
    cells = [[_one_line(v) for v in row] for row in result.rows]
    widths = [max([_width(h), *(_width(r[i]) for r in cells)]) for i, h in enumerate(header)]
    if width and widths:
        cap = max(widths)
        while cap > 1 and sum(min(w, cap) for w in widths) + 2 * (len(widths) - 1) > width:
            cap -= 1
        widths = [min(w, cap) for w in widths]
    numeric = [bool(result.raw) and all(r[i] is None or (r[i].datatype in NUMERIC_TYPES) for r in result.raw)
               for i in range(len(header))]

    def line(values: list[str]) -> str:
        parts = []
        for value, w, right in zip(values, widths, numeric):
            value = _truncate(value, w)
            pad = " " * (w - _width(value))
            parts.append(pad + value if right else value + pad)
        return "  ".join(parts).rstrip()

    n = len(cells)
    out = [line(header), "  ".join("-" * w for w in widths), *(line(r) for r in cells),
           f"({n} row{'' if n == 1 else 's'})"]
    return "\n".join(out)


def _csv(result: QueryResult) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(result.variables)
    writer.writerows([["" if v is None else v for v in row] for row in result.rows])
    return buf.getvalue()


def _tsv(result: QueryResult) -> str:
    lines = [result.variables, *([_one_line(v) for v in row] for row in result.rows)]
    return "".join("\t".join(cells) + "\n" for cells in lines)


def _json(result: QueryResult) -> str:
    def binding(term: Term) -> dict:
        b = {"type": term.type, "value": term.value}
        if term.lang:
            b["xml:lang"] = term.lang
        if term.datatype:
            b["datatype"] = term.datatype
        return b

    bindings = [{v: binding(t) for v, t in zip(result.variables, row) if t is not None} for row in result.raw]
    return json.dumps({"head": {"vars": result.variables}, "results": {"bindings": bindings}},
                      ensure_ascii=False, indent=2)
