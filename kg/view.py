"""The HTML network view that `kg viz` writes.

The page is one self-contained file: vis-network's JS and CSS are inlined from the
pyvis package and our own template replaces pyvis's, which still loads bootstrap and
tom-select from a CDN. Analysts open it offline, from a file share or an e-mail.

Names and evidence come from scraped news, so they are untrusted: every piece of
data reaches the page only as escaped JSON inside a non-executable
``<script type="application/json">`` block, and tooltips are built in the browser
with ``textContent``. Everything else in the page goes through Jinja autoescaping.
"""
from __future__ import annotations

import copy
import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable, NamedTuple
from urllib.parse import unquote

import rdflib
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from pyvis.network import Network
from rdflib.namespace import RDF, RDFS, SKOS

from kg.vocab import CLASSES, KGO, NS, PROV, REGION_CLASSES, RELATIONS, SYMMETRIC

CJK_FONTS = '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif'
EVIDENCE_SHOWN = 3          # evidence sentences per tooltip
EVIDENCE_CHARS = 80
VIS_ASSETS = "lib/vis-9.0.4"
#: above this many nodes the page lays out only the graph's core (see `_fold_leaves`) with
#: cheaper options (`_options`); vis-network's improvedLayout alone takes 30 s at 5,000 nodes
LARGE_GRAPH = 500
#: the layout stops after this long, whatever the size, and the network is drawn as it stands
LAYOUT_BUDGET_MS = 2000
#: a folded leaf's place on the spiral around its neighbour (pixels at zoom 1, see the template)
LEAF_GAP, LEAF_SPACING = 40, 30
#: the mass a node gains per folded leaf: it pushes the rest away to make room for its spiral
LEAF_MASS = 0.5


class Style(NamedTuple):
    zh: str        # the class name analysts read in the legend
    color: str
    shape: str     # a vis-network shape drawn with the label below it, so size follows degree


#: one colour and shape per class; the region family shares the triangle in shades of green
STYLES: dict[str, Style] = {
    "Park": Style("园区", "#d62728", "star"),
    "Company": Style("企业", "#1f77b4", "dot"),
    "Region": Style("地区", "#2ca02c", "triangle"),
    "Country": Style("国家", "#00441b", "triangle"),
    "Province": Style("省份", "#238b45", "triangle"),
    "City": Style("城市", "#74c476", "triangle"),
    "District": Style("区县", "#a1d99b", "triangle"),
    "Fund": Style("基金", "#ff7f0e", "diamond"),
    "Project": Style("项目", "#e6ab02", "diamond"),
    "Institution": Style("机构", "#9467bd", "square"),
    "Platform": Style("平台", "#17becf", "square"),
    "GovernmentBody": Style("政府部门", "#8c564b", "hexagon"),
    "Industry": Style("产业", "#e377c2", "triangleDown"),
    "Person": Style("人物", "#7f7f7f", "dot"),
}

#: vis-network options; physics runs only for a bounded stabilisation, then the page
#: switches it off (see the template) so that large graphs stay responsive
VIS_OPTIONS = {
    "nodes": {
        "borderWidth": 1,
        "font": {"face": CJK_FONTS, "size": 14, "color": "#222222",
                 "strokeWidth": 3, "strokeColor": "#ffffff"},
    },
    "edges": {
        "width": 1.2,
        "color": {"color": "#9aa0a6", "highlight": "#333333", "hover": "#333333"},
        "font": {"face": CJK_FONTS, "size": 11, "color": "#555555",
                 "strokeWidth": 3, "strokeColor": "#ffffff", "align": "middle"},
        "smooth": {"type": "continuous"},
    },
    "physics": {
        "solver": "forceAtlas2Based",
        "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 120,
                             "avoidOverlap": 0.4},
        "stabilization": {"enabled": True, "iterations": 300, "updateInterval": 25},
    },
    "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": True},
}

#: what changes for a graph of more than LARGE_GRAPH nodes (bench/bench_view.py has the figures)
LARGE_OPTIONS = {
    "layout": {"improvedLayout": False},      # its clustering and Kamada-Kawai grow as n²
    "edges": {"smooth": False},                # straight edges draw faster than curves
    "physics": {"stabilization": {"updateInterval": 5}},   # short batches keep the page responsive
    "interaction": {"hideEdgesOnZoom": True},
}


def _options(nodes: int) -> dict:
    """VIS_OPTIONS, with LARGE_OPTIONS merged in for a graph of more than LARGE_GRAPH nodes."""
    options = copy.deepcopy(VIS_OPTIONS)
    if nodes > LARGE_GRAPH:
        _merge(options, LARGE_OPTIONS)
    return options


def _merge(into: dict, extra: dict) -> None:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = copy.deepcopy(value)


@dataclass(frozen=True)
class ViewResult:
    path: Path
    nodes: int
    edges: int
    dropped: int      # nodes left out because of max_nodes
    message: str


@dataclass
class _Entity:
    label: str
    cls: str
    aliases: list[str]


@dataclass(frozen=True)
class _Edge:
    source: str
    relation: str
    target: str


@dataclass(frozen=True)
class _Evidence:
    sentence: str
    doc: str
    confidence: float


@dataclass
class _View:
    """What is left to draw after filtering."""

    nodes: list[str]
    edges: list[_Edge]
    seeds: set[str]       # the focus entities, drawn with a thicker border
    dropped: int          # how many max_nodes left out


def render(graph: rdflib.Graph, out: str | Path, *, focus: str | None = None, depth: int = 2,
           types: Iterable[str] | None = None, relations: Iterable[str] | None = None,
           min_degree: int = 0, max_nodes: int = 2000, title: str = "parkkg") -> ViewResult:
    """Write the network view of `graph` to `out` as one HTML file that needs no network.

    `focus` (a label or alias; exact match first, then substring) keeps only the
    entities within `depth` hops of it; `types` and `relations` keep the given kgo
    class and relation local names ("Region" includes its subclasses); `min_degree`
    hides weakly connected entities; past `max_nodes` the highest-degree ones are kept.
    Raises ValueError for a focus that matches nothing or an unknown type or relation.
    """
    if depth < 0:
        raise ValueError(f"depth must be 0 or more, not {depth}")
    if max_nodes < 1:
        raise ValueError(f"max_nodes must be at least 1, not {max_nodes}")
    wanted_types = _check_names(types, CLASSES, "type")
    if wanted_types is not None and "Region" in wanted_types:
        wanted_types |= REGION_CLASSES
    wanted_relations = _check_names(relations, RELATIONS, "relation")

    entities = _read_entities(graph)
    edges = _read_relations(graph, entities)
    view = _select(entities, edges, focus=focus, depth=depth, types=wanted_types,
                   relations=wanted_relations, min_degree=min_degree, max_nodes=max_nodes)
    net = _network(view, entities, _read_evidence(graph), title)

    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_page(net, view, entities, max_nodes), encoding="utf-8")

    message = f"wrote {path}: {len(view.nodes)} nodes, {len(view.edges)} edges"
    if view.dropped:
        message += (f"; {view.dropped} lower-degree nodes left out (max_nodes={max_nodes}),"
                    " use `kg viz --focus NAME` to see one entity's neighbourhood")
    elif not view.nodes:
        message += "; no entity matches the filters"
    return ViewResult(path, len(view.nodes), len(view.edges), view.dropped, message)


def _check_names(names: Iterable[str] | None, known: tuple[str, ...], what: str) -> set[str] | None:
    if names is None:
        return None
    names = set(names)
    unknown = sorted(names - set(known))
    if unknown:
        raise ValueError(f"unknown {what} {', '.join(unknown)}; choose from {', '.join(known)}")
    return names


# --- reading the graph -------------------------------------------------------------

def _local(iri: rdflib.term.Node) -> str:
    return str(iri).rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _text(graph: rdflib.Graph, node: rdflib.term.Node, prop: rdflib.URIRef) -> str | None:
    """One literal value, preferring @zh, chosen deterministically."""
    values = sorted(graph.objects(node, prop), key=lambda v: (getattr(v, "language", None) != "zh", str(v)))
    return str(values[0]) if values else None


def _read_entities(graph: rdflib.Graph) -> dict[str, _Entity]:
    """Entities are the subjects typed with a kgo class; a region subclass beats kgo:Region."""
    classes: dict[rdflib.term.Node, set[str]] = defaultdict(set)
    for cls in CLASSES:
        for node in graph.subjects(RDF.type, KGO[cls]):
            classes[node].add(cls)
    entities = {}
    for node, found in classes.items():
        cls = sorted(found, key=lambda c: (c == "Region", CLASSES.index(c)))[0]
        label = _text(graph, node, RDFS.label) or unquote(_local(node))
        aliases = sorted({str(a) for a in graph.objects(node, SKOS.altLabel)} - {label})
        entities[str(node)] = _Entity(label, cls, aliases)
    return entities


def _read_relations(graph: rdflib.Graph, entities: dict[str, _Entity]) -> list[_Edge]:
    """The kgo relations between entities; a symmetric one stated both ways is one edge."""
    edges, seen = [], set()
    for relation in RELATIONS:
        for s, o in sorted(graph.subject_objects(KGO[relation])):
            source, target = str(s), str(o)
            if source not in entities or target not in entities:
                continue
            key = (relation, frozenset((source, target))) if relation in SYMMETRIC else (source, relation, target)
            if key not in seen:
                seen.add(key)
                edges.append(_Edge(source, relation, target))
    return edges


def _read_evidence(graph: rdflib.Graph) -> dict[tuple[str, str, str], list[_Evidence]]:
    """Evidence sentences per (subject, relation local name, object), best confidence first.

    Reads each property once over the whole graph rather than looking it up per statement:
    at 20,000 entities that is 0.5 s instead of 4 s.
    """
    subject, predicate, obj, sentence, confidence, source, label = (
        _one_value(graph, prop) for prop in (RDF.subject, RDF.predicate, RDF.object, KGO.evidence,
                                             KGO.confidence, PROV.wasDerivedFrom, RDFS.label))
    evidence: dict[tuple[str, str, str], list[_Evidence]] = defaultdict(list)
    for stmt in graph.subjects(RDF.type, RDF.Statement):
        relation, text = predicate.get(stmt), sentence.get(stmt)
        if relation is None or not str(relation).startswith(str(NS)) or not text:
            continue
        doc = source.get(stmt)
        doc_id = (str(label[doc]) if doc in label else _local(doc)) if doc is not None else "?"
        value = confidence.get(stmt)
        key = (str(subject.get(stmt)), _local(relation), str(obj.get(stmt)))
        evidence[key].append(_Evidence(str(text), doc_id, float(value) if value is not None else 0.0))
    return {key: _best_first(found) for key, found in evidence.items()}


def _one_value(graph: rdflib.Graph, prop: rdflib.URIRef) -> dict[rdflib.term.Node, rdflib.term.Node]:
    """One value of `prop` per subject, chosen as `_text` chooses: @zh first, then in order."""
    best: dict[rdflib.term.Node, tuple[tuple[bool, str], rdflib.term.Node]] = {}
    for node, value in graph.subject_objects(prop):
        rank = (getattr(value, "language", None) != "zh", str(value))
        if node not in best or rank < best[node][0]:
            best[node] = (rank, value)
    return {node: value for node, (_, value) in best.items()}


def _best_first(evidence: Iterable[_Evidence]) -> list[_Evidence]:
    return sorted(evidence, key=lambda e: (-e.confidence, e.sentence))


# --- choosing what to show ---------------------------------------------------------

def _select(entities: dict[str, _Entity], edges: list[_Edge], *, focus: str | None, depth: int,
            types: set[str] | None, relations: set[str] | None, min_degree: int,
            max_nodes: int) -> _View:
    """Apply the filters in the order an analyst expects: what, then where, then how much.

    The focus entities are always kept, even when their own class is filtered out, so
    that `--focus 某园区 --types Company` shows a park with its companies. Asking for
    some relations leaves out the entities that have none of them, which would only
    clutter the view as unconnected dots.
    """
    seeds = _match_focus(entities, focus) if focus is not None else set()
    keep = {iri for iri, e in entities.items() if types is None or e.cls in types} | seeds
    edges = _within(edges, keep)
    if relations is not None:
        edges = [e for e in edges if e.relation in relations]
        keep = {n for e in edges for n in (e.source, e.target)} | seeds
    if focus is not None:
        keep = _neighbourhood(seeds, edges, depth)
        edges = _within(edges, keep)

    degree = _degrees(edges)
    keep = {n for n in keep if degree[n] >= min_degree or n in seeds}
    edges = _within(edges, keep)

    degree = _degrees(edges)
    ranked = sorted(keep, key=lambda n: (n not in seeds, -degree[n], entities[n].label, n))
    shown, dropped = ranked[:max_nodes], max(0, len(ranked) - max_nodes)
    return _View(shown, _within(edges, set(shown)), seeds, dropped)


def _match_focus(entities: dict[str, _Entity], focus: str) -> set[str]:
    wanted = focus.strip().casefold()
    names = {iri: [n.casefold() for n in (e.label, *e.aliases)] for iri, e in entities.items()}
    exact = {iri for iri, ns in names.items() if wanted in ns}
    if exact:
        return exact
    partial = {iri for iri, ns in names.items() if wanted and any(wanted in n for n in ns)}
    if partial:
        return partial
    raise ValueError(f"no entity is named {focus!r} (by label or alias, exactly or in part); "
                     "try a shorter or different part of the name")


def _within(edges: list[_Edge], nodes: set[str]) -> list[_Edge]:
    return [e for e in edges if e.source in nodes and e.target in nodes]


def _degrees(edges: list[_Edge]) -> Counter[str]:
    degree: Counter[str] = Counter()
    for e in edges:
        degree[e.source] += 1
        degree[e.target] += 1
    return degree


def _neighbourhood(seeds: set[str], edges: list[_Edge], depth: int) -> set[str]:
    """Entities within `depth` hops of the seeds, following relations either way."""
    adjacent: dict[str, set[str]] = defaultdict(set)
    for e in edges:
        adjacent[e.source].add(e.target)
        adjacent[e.target].add(e.source)
    reached, frontier = set(seeds), set(seeds)
    for _ in range(depth):
        frontier = {m for n in frontier for m in adjacent[n]} - reached
        reached |= frontier
    return reached


# --- the pyvis model and the page --------------------------------------------------

def _network(view: _View, entities: dict[str, _Entity],
             evidence: dict[tuple[str, str, str], list[_Evidence]], title: str) -> Network:
    """Nodes and edges as vis-network data; tooltips stay plain text for the page to set safely."""
    net = Network(height="100%", width="100%", directed=True, heading=title, cdn_resources="in_line")
    net.options = _options(len(view.nodes))
    degree = _degrees(view.edges)
    anchors = _fold_leaves(view, degree) if len(view.nodes) > LARGE_GRAPH else {}

    def edge_evidence(e: _Edge) -> list[_Evidence]:
        found = evidence.get((e.source, e.relation, e.target), [])
        if e.relation in SYMMETRIC:
            found = _best_first(found + evidence.get((e.target, e.relation, e.source), []))
        return found

    node_evidence: dict[str, list[_Evidence]] = defaultdict(list)
    for e in view.edges:
        for end in (e.source, e.target):
            node_evidence[end].extend(edge_evidence(e))

    size = {iri: round(10 + 5 * math.sqrt(degree[iri]), 1) for iri in view.nodes}
    # a node with folded leaves needs room for their spiral: it gets more mass, which pushes
    # the rest away, and springs to its other neighbours as much longer as the spiral is wide
    leaves = Counter(anchor for anchor in anchors.values() if anchor)
    ring = {iri: size[iri] + LEAF_GAP + LEAF_SPACING * math.sqrt(k - 1) for iri, k in leaves.items()}
    spring = net.options["physics"]["forceAtlas2Based"]["springLength"]

    for iri in view.nodes:
        entity, style = entities[iri], STYLES[entities[iri].cls]
        lines = [f"{style.zh} {entity.cls}"]
        if entity.aliases:
            lines.append("别名：" + "、".join(entity.aliases))
        lines += _evidence_lines(_best_first(set(node_evidence[iri])))
        placed = {"physics": False, "anchor": anchors[iri]} if iri in anchors else {}
        if iri in leaves:
            placed["mass"] = 1 + LEAF_MASS * leaves[iri]
        _add_node(net, iri, label=entity.label, shape=style.shape, color=style.color, size=size[iri],
                  cls=entity.cls, borderWidth=3 if iri in view.seeds else 1, tooltip="\n".join(lines),
                  **placed)

    parallel: Counter[frozenset[str]] = Counter()
    for i, e in enumerate(view.edges):
        pair = frozenset((e.source, e.target))
        extra = {"smooth": {"type": "curvedCW", "roundness": 0.2 * parallel[pair]}} if parallel[pair] else {}
        parallel[pair] += 1
        if e.source in anchors or e.target in anchors:
            extra["physics"] = False
        elif e.source in ring or e.target in ring:
            extra["length"] = round(spring + ring.get(e.source, 0) + ring.get(e.target, 0))
        head = f"{e.relation}：{entities[e.source].label} → {entities[e.target].label}"
        _add_edge(net, e.source, e.target, id=f"e{i}", label=e.relation, relation=e.relation,
                  arrows={"to": {"enabled": e.relation not in SYMMETRIC}},
                  tooltip="\n".join([head, *_evidence_lines(edge_evidence(e))]), **extra)
    return net


# pyvis's own add_node and add_edge look every id up in a list, which makes a view of n
# nodes cost n² (6.6 s of the 10 s a 20,000-node view took to write). These add the same
# dicts to the same lists; ids are unique already and every edge's ends are nodes.

def _add_node(net: Network, iri: str, *, label: str, shape: str, color: str, **options) -> None:
    node = {"color": color, **options, "id": iri, "label": label, "shape": shape}
    net.nodes.append(node)
    net.node_ids.append(iri)
    net.node_map[iri] = node


def _add_edge(net: Network, source: str, target: str, **options) -> None:
    net.edges.append({**options, "from": source, "to": target})


def _fold_leaves(view: _View, degree: Counter[str]) -> dict[str, str | None]:
    """The nodes the physics leaves out of a large graph: leaf → its one neighbour, isolated → None.

    Most entities of a big graph are leaves (a firm that only a park mentions), and the
    layout's cost grows with every node it moves. The page lays out the rest, then puts
    each leaf on a spiral around its neighbour and the isolated entities in rows below.
    A leaf whose neighbour is a leaf too (a pair on its own) and the focus entities stay.
    """
    anchors: dict[str, str | None] = {n: None for n in view.nodes if not degree[n] and n not in view.seeds}
    for e in view.edges:
        for leaf, other in ((e.source, e.target), (e.target, e.source)):
            if degree[leaf] == 1 and degree[other] > 1 and leaf not in view.seeds:
                anchors[leaf] = other
    return anchors


def _evidence_lines(evidence: list[_Evidence]) -> list[str]:
    lines = []
    for ev in evidence[:EVIDENCE_SHOWN]:
        sentence = ev.sentence if len(ev.sentence) <= EVIDENCE_CHARS else ev.sentence[:EVIDENCE_CHARS - 1] + "…"
        lines.append(f"• {sentence}〔{ev.doc}〕")
    return (["证据："] + lines) if lines else []


def _script_json(data: object) -> Markup:
    """JSON that cannot end its <script> block or be read as HTML, whatever the names hold."""
    text = json.dumps(data, ensure_ascii=False)
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return Markup(text)


@lru_cache(maxsize=None)
def _vis_asset(name: str) -> Markup:
    """vis-network as shipped inside pyvis: trusted, and free of '</script' and '</style'."""
    return Markup(resources.files("pyvis").joinpath(f"{VIS_ASSETS}/{name}").read_text(encoding="utf-8"))


def _page(net: Network, view: _View, entities: dict[str, _Entity], max_nodes: int) -> str:
    nodes, edges, heading, _height, _width, options = net.get_network_data()
    present = Counter(entities[n].cls for n in view.nodes)
    legend = [{"en": cls, "zh": STYLES[cls].zh, "color": STYLES[cls].color,
               "shape": STYLES[cls].shape, "count": present[cls]}
              for cls in CLASSES if present[cls]]
    env = Environment(loader=FileSystemLoader(Path(__file__).with_name("templates")),
                      autoescape=select_autoescape(["html"]))
    return env.get_template("network.html").render(
        title=heading, legend=legend, fonts=Markup(CJK_FONTS), dropped=view.dropped, max_nodes=max_nodes,
        node_count=len(nodes), edge_count=len(edges),
        data=_script_json({"nodes": nodes, "edges": edges, "options": json.loads(options),
                           "layout": {"budgetMs": LAYOUT_BUDGET_MS, "leafGap": LEAF_GAP,
                                      "leafSpacing": LEAF_SPACING}}),
        vis_js=_vis_asset("vis-network.min.js"), vis_css=_vis_asset("vis-network.css"))
