"""parkkg: knowledge graphs of industrial parks from Chinese business news.

The library a notebook uses; the `kg` command is a thin layer over it::

    import kg
    result = kg.build(["data/corpus"], out="out")       # read → extract → graph → store
    table = kg.query("SELECT ?p ?c WHERE { ?p kgo:hosts ?c }", out="out")
    g = kg.to_networkx(kg.open_graph(out="out"))
    kg.render(kg.open_graph(out="out"), "out/graph.html")
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_API = {
    "build": "kg.api", "open_graph": "kg.api", "query": "kg.api", "BuildResult": "kg.api",
    "to_networkx": "kg.analysis", "stats": "kg.analysis", "shortest_paths": "kg.analysis",
    "render": "kg.view", "export": "kg.api", "evaluate": "kg.evaluate",
}


def __getattr__(name: str) -> Any:
    """Import the API lazily so `kg --help` and a notebook's first import stay fast."""
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'kg' has no attribute '{name}'")


__all__ = sorted(_API)
