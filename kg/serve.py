"""A SPARQL 1.1 endpoint over the graph, and pushing the graph into another triple store.

`serve` runs the Oxigraph server (the `oxigraph` executable of the oxigraph package): the
engine `kg query` uses, with the SPARQL 1.1 Protocol, content negotiation and the Graph
Store Protocol already done. On a built out/ folder it serves out/store read-only, as it
is; with updates allowed, or for a store given as an object, it serves a scratch copy, so
no client can change what `kg build` wrote. Queries see the union of all graphs (the store's
default graph, see kg.store), as in `kg query`, but the server does not predeclare the
kgo:/kgr: prefixes.

`push` sends the graph to any store that speaks the Graph Store HTTP Protocol, one
request per document graph, so a failure says exactly which graphs are already there.
"""
from __future__ import annotations

import errno
import shutil
import signal
import socket
import subprocess
import sysconfig
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import quote
from urllib.request import Request, urlopen

import pyoxigraph as ox

from .errors import KgError
from .sparql import shorten
from .store import STORE_DIR, TRIG_FILE, Store, open_store, write_store

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
STARTUP_TIMEOUT = 30.0


def oxigraph_binary() -> str:
    """The `oxigraph` executable installed beside this Python (a venv's bin/), else on PATH."""
    found = shutil.which("oxigraph", path=sysconfig.get_path("scripts")) or shutil.which("oxigraph")
    if not found:
        raise KgError("the Oxigraph server is not installed: pip install oxigraph")
    return found


@dataclass
class Server:
    """A running endpoint; `stop()` ends it and removes its scratch copy."""

    url: str
    process: subprocess.Popen
    log: Path
    scratch: Path | None = None

    @property
    def query_url(self) -> str:
        return f"{self.url}/query"

    @property
    def update_url(self) -> str:
        return f"{self.url}/update"

    @property
    def store_url(self) -> str:
        """The Graph Store Protocol endpoint."""
        return f"{self.url}/store"

    def stop(self, timeout: float = 10.0) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        self.log.unlink(missing_ok=True)
        if self.scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start_server(source: Store | str | Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                 allow_update: bool = False) -> Server:
    """Start the endpoint in the background; `source` is an out/ folder or an open Store; port 0 = any free."""
    port = port or _free_port(host)
    _check_port(host, port)
    scratch = None
    try:
        if isinstance(source, (str, Path)) and (Path(source) / STORE_DIR).exists() and not allow_update:
            location = (Path(source) / STORE_DIR).resolve()
        else:
            scratch = Path(tempfile.mkdtemp(prefix="kg-serve-"))
            location = _copy_into(source, scratch)
        fd, log = tempfile.mkstemp(prefix="kg-serve-", suffix=".log")
        with open(fd, "wb") as err:
            process = subprocess.Popen([oxigraph_binary(), "serve" if allow_update else "serve-read-only",
                                        "--location", str(location), "--bind", f"{host}:{port}"],
                                       stdin=subprocess.DEVNULL, stdout=err, stderr=err)
    except BaseException:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
        raise
    server = Server(f"http://{host}:{port}", process, Path(log), scratch)
    try:
        _wait_until_listening(server, host, port)
    except BaseException:
        server.stop()
        raise
    return server


def serve(source: Store | str | Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
          allow_update: bool = False, ready=None) -> None:
    """Serve until Ctrl-C; `ready(server)` is called once it listens (the CLI prints the URL)."""
    server = start_server(source, host, port, allow_update)
    try:
        if ready:
            ready(server)
        code = server.process.wait()
        if code not in (0, -signal.SIGINT):         # Ctrl-C reaches the server too
            raise KgError(f"the Oxigraph server stopped (exit status {code}): {_tail(server.log)}")
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


def _copy_into(source: Store | str | Path, scratch: Path) -> Path:
    """An on-disk store in `scratch` with the graph of an out/ folder or an open Store."""
    store = open_store(Path(source)) if isinstance(source, (str, Path)) else source
    try:
        trig = scratch / TRIG_FILE
        trig.write_bytes(store.dump("trig"))
    finally:
        if store is not source:
            store.close()
    return write_store(trig, scratch).resolve()


def _free_port(host: str) -> int:
    family, _, _, _, addr = socket.getaddrinfo(host, 0, type=socket.SOCK_STREAM)[0]
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind(addr)
        return s.getsockname()[1]


def _check_port(host: str, port: int) -> None:
    """Fail with a clear message before starting anything (the server binds like this too)."""
    family, _, _, _, addr = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(addr)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise KgError(f"port {port} is in use on {host}; choose another with --port") from None
            raise KgError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def _wait_until_listening(server: Server, host: str, port: int) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            message = _tail(server.log)
            if "in use" in message:
                raise KgError(f"port {port} is in use on {host}; choose another with --port")
            raise KgError(f"the Oxigraph server did not start: {message}")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise KgError(f"the Oxigraph server did not answer on {host}:{port} within {STARTUP_TIMEOUT:.0f} s")


def _tail(log: Path, limit: int = 2000) -> str:
    text = log.read_text(encoding="utf-8", errors="replace").strip() if log.exists() else ""
    return text[-limit:] or "no message"


def push(store: Store, endpoint: str, replace: bool = False, per_document: bool = True,
         timeout: float = 30) -> dict[str, int]:
    """Load the graph into a remote store by the Graph Store HTTP Protocol; returns triples sent per graph.

    `endpoint` is the protocol's URL (Oxigraph: http://host:7878/store). Each document graph
    goes to ?graph=<its IRI> and the default graph to ?default; per_document=False sends the
    union of all graphs to ?default. replace=True uses PUT (replaces each graph), else POST (adds).
    """
    method = "PUT" if replace else "POST"
    sep = "&" if "?" in endpoint else "?"
    loaded: dict[str, int] = {}
    for name, triples in _graphs(store, per_document):
        target = "default" if name is None else f"graph={quote(name, safe='')}"
        request = Request(f"{endpoint}{sep}{target}", data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES),
                          method=method, headers={"Content-Type": "application/n-triples"})
        label = "the default graph" if name is None else f"graph <{name}>"
        try:
            with urlopen(request, timeout=timeout) as response:
                response.read()
        except HTTPError as exc:
            body = exc.read().decode("utf-8", errors="replace").strip()[:500]
            raise KgError(f"{endpoint} refused {label}: HTTP {exc.code} {exc.reason}"
                          f"{': ' + body if body else ''}; {_so_far(loaded)}") from None
        except (URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise KgError(f"cannot reach {endpoint}: {reason}; {_so_far(loaded)}") from None
        loaded["default" if name is None else name] = len(triples)
    return loaded


def _graphs(store: Store, per_document: bool) -> list[tuple[str | None, list[ox.Triple]]]:
    """(graph IRI or None for the default graph, its triples), default graph first."""
    if not per_document:
        return [(None, list(ox.parse(store.dump("nt"), ox.RdfFormat.N_TRIPLES)))]
    graphs: dict[str | None, list[ox.Triple]] = {}
    for quad in ox.parse(store.dump("nq"), ox.RdfFormat.N_QUADS):
        name = None if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
        graphs.setdefault(name, []).append(quad.triple)
    return sorted(graphs.items(), key=lambda item: (item[0] is not None, item[0] or ""))


def _so_far(loaded: dict[str, int]) -> str:
    if not loaded:
        return "nothing was loaded"
    names = ", ".join(n if n == "default" else shorten(n) for n in list(loaded)[:5])
    more = f" and {len(loaded) - 5} more" if len(loaded) > 5 else ""
    return (f"already loaded {len(loaded)} graph(s): {names}{more}; the others were not "
            "(sending the same graphs again is harmless)")
