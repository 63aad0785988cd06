"""Plain-text renderings of analysis results for the terminal (`kg stats`, `kg show`, `kg path`).

Columns are padded by display width, so Chinese names (two columns each) line up.
"""
from __future__ import annotations

import unicodedata
from collections import defaultdict

from rdflib import RDF, RDFS, SKOS, Graph, URIRef

from .analysis import Hop, Stats, find_entity
from .vocab import KGO, NS, RELATIONS


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, columns: int) -> str:
    return text + " " * max(0, columns - width(text))


def table(headers: list[str], rows: list[list[str]]) -> str:
    cols = [max([width(h)] + [width(r[i]) for r in rows]) for i, h in enumerate(headers)]
    lines = ["  ".join(pad(h, c) for h, c in zip(headers, cols)).rstrip(),
             "  ".join("─" * c for c in cols)]
    lines += ["  ".join(pad(v, c) for v, c in zip(r, cols)).rstrip() for r in rows]
    return "\n".join(lines)


def stats_text(s: Stats) -> str:
    parts = [f"{s.triples} triples, {sum(s.entities.values())} entities, {sum(s.relations.values())} relations", ""]
    parts.append(table(["class", "entities"], [[c, str(n)] for c, n in s.entities.items()]))
    parts += ["", table(["relation", "triples"], [[r, str(n)] for r, n in s.relations.items()])]
    parts += ["", "hubs by degree",
              table(["entity", "class", "degree"], [[l, c, str(d)] for l, c, d in s.hubs_by_degree])]
    parts += ["", "hubs by betweenness",
              table(["entity", "class", "betweenness"], [[l, c, f"{b:.3f}"] for l, c, b in s.hubs_by_betweenness])]
    parts += ["", "communities",
              table(["size", "biggest members"], [[str(n), "、".join(m)] for n, m in s.communities])]
    parts += ["", "parks by hosted firms, projects, institutions and platforms",
              table(["park", "hosted"], [[p, str(n)] for p, n in s.parks_by_hosted])]
    for currency, ranked in s.parks_by_investment.items():
        parts += ["", f"parks by stated investment of what they host ({currency})",
                  table(["park", "total"], [[p, f"{float(v):,.0f}"] for p, v in ranked])]
    return "\n".join(parts)


def _label(g: Graph, node) -> str:
    return str(g.value(node, RDFS.label) or node)


def entity_text(g: Graph, name: str) -> str:
    """Names, class, amounts, then each relation with the sentences and documents behind it."""
    node = find_entity(g, name)
    classes = sorted(str(t)[len(NS):] for t in g.objects(node, RDF.type) if str(t).startswith(str(NS)))
    aliases = sorted(str(a) for a in g.objects(node, SKOS.altLabel))
    lines = [f"{_label(g, node)}  ({', '.join(classes)})", f"  IRI      {node}"]
    if aliases:
        lines.append(f"  aliases  {'、'.join(aliases)}")
    for amount in g.objects(node, KGO.investmentAmount):
        lines.append(f"  amount   {float(amount):,.0f} {g.value(node, KGO.currency) or ''}".rstrip())
    evidence = defaultdict(list)
    for st in g.subjects(RDF.type, RDF.Statement):
        key = (g.value(st, RDF.subject), g.value(st, RDF.predicate), g.value(st, RDF.object))
        doc = g.value(st, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))
        evidence[key].append((str(g.value(doc, RDFS.label) or doc), str(g.value(st, KGO.evidence) or "")))
    for rel in RELATIONS:
        p = KGO[rel]
        edges = [(node, p, o, "→") for o in g.objects(node, p)] + [(s, p, node, "←") for s in g.subjects(p, node)]
        for s, _, o, arrow in sorted(edges, key=lambda e: (_label(g, e[0]), _label(g, e[2]))):
            other = o if arrow == "→" else s
            lines.append(f"  {arrow} {rel} {_label(g, other)}")
            for doc, sentence in sorted(evidence.get((s, p, o), [])):
                lines.append(f"      [{doc}] {sentence[:90]}{'…' if len(sentence) > 90 else ''}")
    return "\n".join(lines)


def paths_text(paths: list[list[Hop]]) -> str:
    if not paths:
        return "no path between them"
    out = []
    for i, hops in enumerate(paths, 1):
        out.append(f"path {i} ({len(hops)} hop{'s' if len(hops) > 1 else ''})")
        for hop in hops:
            out.append(f"  {hop.subject} —{hop.relation}→ {hop.object}")
            for ev in hop.evidence[:2]:
                out.append(f"      [{ev.document}] {ev.sentence[:90]}")
    return "\n".join(out)
