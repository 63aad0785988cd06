"""kg.sparql: result formats (CJK-aligned table, CSV, TSV, SPARQL JSON), errors with positions,
and the saved queries of queries/ on the small graph of test_store, in both stores."""
import csv
import io
import json
import unicodedata
from decimal import Decimal, InvalidOperation

import pytest
from rdflib import Graph
from test_store import JWHR, write_sample_trig

from kg.errors import KgError, QueryError, QuerySyntaxError
from kg.sparql import QUERIES_DIR, QueryResult, Term, format_result, load_saved, run, saved_queries
from kg.store import STORES, open_store

XSD = "http://www.w3.org/2001/XMLSchema#"
SAVED = {"park-companies", "city-partnerships", "fund-investments", "park-industries", "entity-by-label",
         "firms-per-park", "hosted-in-city"}


@pytest.fixture(scope="module", params=sorted(STORES))
def store(request, tmp_path_factory):
    trig, _, _ = write_sample_trig(tmp_path_factory.mktemp("graph"))
    store = open_store(graph=trig, kind=request.param)
    yield store
    store.close()


def columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


SAMPLE = QueryResult("select", ["park", "name", "n", "note"], [
    (Term("uri", "https://w3id.org/parkkg/resource/park/%E5%8D%97%E9%80%9A%E5%BC%80%E5%8F%91%E5%8C%BA"),
     Term("literal", "南通开发区", "zh"), Term("literal", "12", datatype=XSD + "integer"),
     Term("literal", 'a "quoted", comma')),
    (Term("uri", "http://example.org/x"), Term("literal", "Nantong"), Term("literal", "3", datatype=XSD + "integer"),
     None),
    (Term("bnode", "b0"), Term("literal", "上海市北高新（南通）科技城", "zh"),
     Term("literal", "100", datatype=XSD + "integer"), Term("literal", "tab\there\nnew line")),
])


def test_rows_are_readable():
    assert SAMPLE.rows[0][0] == "kgr:park/南通开发区"
    assert SAMPLE.rows[1] == ("http://example.org/x", "Nantong", "3", None)
    assert SAMPLE.rows[2][0] == "_:b0"


def test_table_aligns_chinese_text():
    lines = format_result(SAMPLE).splitlines()
    assert lines[-1] == "(3 rows)"
    header, rule, *rows = lines[:-1]
    starts = [i for i, c in enumerate(rule) if c == "-" and (i == 0 or rule[i - 1] == " ")]
    assert len(starts) == 4
    for line in [header, *rows]:
        cells = [piece for c in line for piece in ([c, ""] if columns(c) == 2 else [c])]   # one per terminal column
        for start in (s for s in starts[1:] if s < len(cells)):      # trailing empty cells are stripped
            assert cells[start - 2:start] == [" ", " "] and cells[start] != "", line
    assert rows[0].startswith("kgr:park/南通开发区  ")
    assert "tab here new line" in rows[2]


def test_numbers_are_right_aligned():
    lines = format_result(SAMPLE).splitlines()
    ends = {columns(line[:line.index(value) + len(value)]) for line, value in zip(lines[2:5], ["12", "3", "100"])}
    assert len(ends) == 1


def test_table_fits_width():
    text = format_result(SAMPLE, width=40)
    assert all(columns(line) <= 40 for line in text.splitlines())
    assert "…" in text and text.endswith("(3 rows)")


def test_one_row_and_no_rows():
    one = QueryResult("select", ["x"], [(Term("literal", "a"),)])
    assert format_result(one).splitlines()[-1] == "(1 row)"
    assert format_result(QueryResult("select", ["x"], [])).splitlines() == ["x", "-", "(0 rows)"]


def test_csv():
    rows = list(csv.reader(io.StringIO(format_result(SAMPLE, "csv"))))
    assert rows[0] == ["park", "name", "n", "note"]
    assert rows[1] == ["kgr:park/南通开发区", "南通开发区", "12", 'a "quoted", comma']
    assert rows[2][3] == "" and rows[3][3] == "tab\there\nnew line"


def test_tsv():
    lines = format_result(SAMPLE, "tsv").splitlines()
    assert len(lines) == 4 and all(line.count("\t") == 3 for line in lines)
    assert lines[3].split("\t")[3] == "tab here new line"
    assert lines[1].split("\t")[3] == 'a "quoted", comma'


def test_json_is_sparql_results_json():
    doc = json.loads(format_result(SAMPLE, "json"))
    assert doc["head"]["vars"] == ["park", "name", "n", "note"]
    bindings = doc["results"]["bindings"]
    assert len(bindings) == 3
    for binding in bindings:
        for var, value in binding.items():
            assert var in doc["head"]["vars"]
            assert value["type"] in ("uri", "literal", "bnode") and isinstance(value["value"], str)
            assert set(value) <= {"type", "value", "xml:lang", "datatype"}
            assert not ("xml:lang" in value and "datatype" in value)
    first = bindings[0]
    assert first["park"] == {"type": "uri", "value": SAMPLE.raw[0][0].value}
    assert first["name"] == {"type": "literal", "value": "南通开发区", "xml:lang": "zh"}
    assert first["n"] == {"type": "literal", "value": "12", "datatype": XSD + "integer"}
    assert "note" not in bindings[1]                     # unbound
    assert bindings[2]["park"] == {"type": "bnode", "value": "b0"}


def test_unknown_format():
    with pytest.raises(KgError, match="table, csv, tsv, json"):
        format_result(SAMPLE, "xlsx")


def test_ask(store):
    yes = run(store, "ASK { ?p kgo:hosts ?c }")
    no = run(store, "ASK { ?p kgo:hosts kgr:nothing }")
    assert (yes.kind, yes.boolean, no.boolean) == ("ask", True, False)
    assert format_result(yes) == "true" and format_result(no, "csv") == "false"
    assert json.loads(format_result(yes, "json")) == {"head": {}, "boolean": True}


def test_construct_and_describe_are_turtle(store):
    result = run(store, "CONSTRUCT { ?c rdfs:label ?l } WHERE { ?p a kgo:Park ; kgo:locatedIn ?c . ?c rdfs:label ?l }")
    assert result.kind == "graph"
    graph = Graph().parse(data=format_result(result), format="turtle")
    assert {str(o) for o in graph.objects()} == {"南通市"}
    assert format_result(result, "json") == result.graph_ttl
    described = Graph().parse(data=run(store, f"DESCRIBE <{JWHR}>").graph_ttl, format="turtle")
    assert (JWHR, None, None) in described


def test_select_over_the_union(store):
    result = run(store, "SELECT DISTINCT ?label WHERE { ?park a kgo:Park ; kgo:locatedIn ?city . ?city rdfs:label ?label }")
    assert result.variables == ["label"] and result.rows == [("南通市",)]
    assert result.raw == [(Term("literal", "南通市", "zh"),)]


@pytest.mark.parametrize("query, line", [
    ("SELECT ?x\nWHERE {\n  ?x a foo:Bar .\n}", 3),
    ("SELECT ?x WHERE { ?x ?y }", 1),
    ("SELECT ?x WHERE {\n  ?x rdfs:label \"经纬恒润\" ?y\n}", None),   # where it stops depends on the parser
])
def test_malformed_query_says_where(store, query, line):
    with pytest.raises(QuerySyntaxError) as info:
        run(store, query)
    error = info.value
    assert error.line == (line or error.line) and error.column >= 1
    message = str(error)
    assert f"line {error.line}, column {error.column}" in message
    shown, caret = message.splitlines()[-2:]
    source = query.splitlines()[error.line - 1]
    gutter = shown.index("| ") + 2
    assert shown[gutter:] == source
    assert caret.index("^") - gutter == columns(source[:error.column - 1])   # under the column, CJK counted as 2


def test_unknown_prefix_is_named(store):
    with pytest.raises(QuerySyntaxError, match="unknown prefix"):
        run(store, "SELECT ?x WHERE { ?x a foo:Bar }")


def test_empty_query():
    with pytest.raises(QueryError, match="empty"):
        run(None, "  \n")


def test_saved_queries_are_listed_with_titles():
    listed = dict(saved_queries())
    assert SAVED <= set(listed)
    for name in listed:
        lines = (QUERIES_DIR / f"{name}.rq").read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith("# title: ") and lines[1].startswith("# description: ")
        assert listed[name] == lines[0].removeprefix("# title: ")


def test_unknown_saved_query_lists_the_names():
    with pytest.raises(QueryError) as info:
        load_saved("nope")
    assert "park-companies" in str(info.value) and "firms-per-park" in str(info.value)


@pytest.mark.parametrize("name", sorted(SAVED))
def test_saved_query_runs(store, name):
    result = run(store, load_saved(name))
    assert result.kind == "select" and result.rows, name
    format_result(result)


def test_saved_query_answers(store):
    def rows(name):
        return run(store, load_saved(name)).rows

    assert ("上海市北高新（南通）科技城", "Company", "北京经纬恒润") in {r[:3] for r in rows("park-companies")}
    assert rows("firms-per-park")[0][:2] == ("上海市北高新（南通）科技城", "2")   # JWHR counted once
    assert {r[0] for r in rows("hosted-in-city")} == {"北京经纬恒润", "上海芯片公司"}
    assert {r[0] for r in rows("entity-by-label")} == {"北京经纬恒润"}
    investor, target, amount, currency = rows("fund-investments")[0][:4]
    assert (investor, target, Decimal(amount), currency) == (
        "江苏省战新产业专项母基金", "汽车电子产业项目", 2000000000, "CNY")
    assert {r[:3:2] for r in rows("city-partnerships")} == {
        ("南通市", "上海市"), ("南通市人民政府", "苏锡通科技产业园区")}
    assert rows("park-industries")[0][:3] == ("上海市北高新（南通）科技城", "1", "汽车电子")


def test_saved_queries_agree_across_stores(tmp_path):
    trig, _, _ = write_sample_trig(tmp_path)
    stores = [open_store(graph=trig, kind=kind) for kind in sorted(STORES)]
    for name in sorted(SAVED):
        first, second = (run(s, load_saved(name)) for s in stores)
        assert first.variables == second.variables and same(first.rows) == same(second.rows), name


def same(rows):
    """Oxigraph writes decimals canonically (2000000000), rdflib as read (2000000000.0)."""
    def value(v):
        try:
            return Decimal(v)
        except (InvalidOperation, TypeError):
            return v
    return [tuple(value(v) for v in row) for row in rows]
