"""kg.serve: the Oxigraph endpoint over a built out/ folder, and push into a real Oxigraph server.

Every server binds 127.0.0.1 on a free port, is stopped by the test, and every request has a
timeout.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest
from rdflib import Graph
from test_store import sample_counts, write_sample_trig

from kg.errors import KgError
from kg.serve import oxigraph_binary, push, start_server
from kg.store import open_store, write_store
from kg.vocab import PREFIXES

HOST = "127.0.0.1"
TIMEOUT = 10
PROLOGUE = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
COUNT_QUADS = "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
COUNT_UNION = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"     # on a server of ours: distinct triples


@pytest.fixture
def out(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    write_store(write_sample_trig(out)[0], out)
    return out


QUADS, TRIPLES = sample_counts()


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def sparql_json(url: str, query: str, method: str = "GET") -> dict:
    headers = {"Accept": "application/sparql-results+json"}
    if method == "GET":
        request = Request(f"{url}?{urlencode({'query': query})}", headers=headers)
    else:
        request = Request(url, data=query.encode("utf-8"), method="POST",
                          headers={**headers, "Content-Type": "application/sparql-query"})
    with urlopen(request, timeout=TIMEOUT) as response:
        assert response.headers["Content-Type"].startswith("application/sparql-results+json")
        return json.load(response)


def count(url: str, query: str = COUNT_QUADS) -> int:
    return int(sparql_json(url, query)["results"]["bindings"][0]["n"]["value"])


def test_query_over_http(out):
    with start_server(out, HOST, free_port()) as server:
        query = PROLOGUE + "SELECT DISTINCT ?label WHERE { ?p a kgo:Park ; kgo:hosts ?c . ?c rdfs:label ?label }"
        for method in ("GET", "POST"):
            result = sparql_json(server.query_url, query, method)
            assert result["head"]["vars"] == ["label"]
            labels = {b["label"]["value"] for b in result["results"]["bindings"]}
            assert {"北京经纬恒润", "南通研究院"} <= labels
        csv_request = Request(f"{server.query_url}?{urlencode({'query': query})}", headers={"Accept": "text/csv"})
        with urlopen(csv_request, timeout=TIMEOUT) as response:
            assert response.read().decode("utf-8").splitlines()[0] == "label"
        construct = PROLOGUE + "CONSTRUCT { ?c rdfs:label ?l } WHERE { ?c a kgo:City ; rdfs:label ?l }"
        ttl_request = Request(f"{server.query_url}?{urlencode({'query': construct})}",
                              headers={"Accept": "text/turtle"})
        with urlopen(ttl_request, timeout=TIMEOUT) as response:
            graph = Graph().parse(data=response.read().decode("utf-8"), format="turtle")
        assert {str(o) for o in graph.objects()} == {"南通市", "上海市"}


def test_sparqlwrapper(out):
    sparqlwrapper = pytest.importorskip("SPARQLWrapper")
    with start_server(out, HOST, free_port()) as server:
        client = sparqlwrapper.SPARQLWrapper(server.query_url)
        client.setTimeout(TIMEOUT)
        client.setReturnFormat(sparqlwrapper.JSON)
        client.setQuery(PROLOGUE + "SELECT ?c WHERE { ?c skos:altLabel '经纬恒润'@zh }")   # once, though in 2 graphs
        bindings = client.queryAndConvert()["results"]["bindings"]
        assert [b["c"]["value"] for b in bindings] == ["https://w3id.org/parkkg/resource/company/"
                                                      "%E5%8C%97%E4%BA%AC%E7%BB%8F%E7%BA%AC%E6%81%92%E6%B6%A6"]


def update(server, text: str) -> int:
    request = Request(server.update_url, data=text.encode("utf-8"), method="POST",
                      headers={"Content-Type": "application/sparql-update"})
    with urlopen(request, timeout=TIMEOUT) as response:
        return response.status


def test_updates_are_refused_unless_allowed(out):
    insert = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    with start_server(out, HOST, free_port()) as server:
        with pytest.raises(HTTPError) as info:
            update(server, insert)
        assert info.value.code == 403
    with start_server(out, HOST, free_port(), allow_update=True) as server:
        assert server.scratch is not None
        assert update(server, insert) in (200, 204)
        assert count(server.query_url, COUNT_UNION) == TRIPLES + 1
    assert len(open_store(out)) == QUADS                       # the build's store is untouched
    assert not server.scratch.exists()


def test_serves_an_open_store(out):
    store = open_store(graph=out / "graph.trig", kind="memory")
    with start_server(store, HOST, free_port()) as server:
        assert count(server.query_url, COUNT_UNION) == TRIPLES


def test_port_in_use(out):
    with socket.socket() as busy:
        busy.bind((HOST, 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(KgError) as info:
            start_server(out, HOST, port)
    assert str(info.value) == f"port {port} is in use on {HOST}; choose another with --port"


def test_ctrl_c_stops_the_server(out):
    """Ctrl-C in a terminal signals the whole foreground group: `kg serve` and the server alike."""
    port = free_port()
    code = (f"from kg.serve import serve; serve({str(out)!r}, {HOST!r}, {port}, "
            "ready=lambda s: print(s.url, flush=True))")
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        assert process.stdout.readline().strip() == f"http://{HOST}:{port}"
        assert count(f"http://{HOST}:{port}/query", COUNT_UNION) == TRIPLES
        os.killpg(process.pid, signal.SIGINT)
        assert process.wait(TIMEOUT) == 0
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(TIMEOUT)
    with pytest.raises(OSError):
        socket.create_connection((HOST, port), timeout=1).close()


@pytest.fixture
def oxigraph_server():
    """An empty, in-memory Oxigraph server, as someone's remote store."""
    port = free_port()
    process = subprocess.Popen([oxigraph_binary(), "serve", "--bind", f"{HOST}:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                socket.create_connection((HOST, port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline and process.poll() is None, "oxigraph did not start"
                time.sleep(0.05)
        yield f"http://{HOST}:{port}"
    finally:
        process.terminate()
        process.wait(TIMEOUT)


def test_push_per_document(out, oxigraph_server):
    store = open_store(out)
    sent = push(store, f"{oxigraph_server}/store", timeout=TIMEOUT)
    assert set(sent) == {"default", "https://w3id.org/parkkg/resource/doc/000_a",
                         "https://w3id.org/parkkg/resource/doc/001_b"}
    assert sum(sent.values()) == len(store) == count(f"{oxigraph_server}/query")
    push(store, f"{oxigraph_server}/store", replace=True, timeout=TIMEOUT)      # PUT: same graphs again
    assert count(f"{oxigraph_server}/query") == len(store)


def test_push_union_into_the_default_graph(out, oxigraph_server):
    store = open_store(out)
    sent = push(store, f"{oxigraph_server}/store", replace=True, per_document=False, timeout=TIMEOUT)
    assert sent == {"default": TRIPLES} and count(f"{oxigraph_server}/query") == TRIPLES


def test_push_to_a_closed_port(out):
    url = f"http://{HOST}:{free_port()}/store"
    with pytest.raises(KgError) as info:
        push(open_store(out), url, timeout=TIMEOUT)
    assert f"cannot reach {url}" in str(info.value) and "nothing was loaded" in str(info.value)


def test_push_failing_midway_says_what_was_loaded(out):
    class FailSecond(BaseHTTPRequestHandler):
        seen = 0

        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            FailSecond.seen += 1
            status, body = (204, b"") if FailSecond.seen == 1 else (500, "磁盘已满 disk full".encode())
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer((HOST, 0), FailSecond)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with pytest.raises(KgError) as info:
            push(open_store(out), f"http://{HOST}:{server.server_port}/store", timeout=TIMEOUT)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(TIMEOUT)
    message = str(info.value)
    assert "HTTP 500" in message and "磁盘已满 disk full" in message
    assert "already loaded 1 graph(s): default" in message
