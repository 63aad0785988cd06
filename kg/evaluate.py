"""Scoring a graph against hand-made answer keys (the JSON format of ../shared/eval/gold).

Matching is by name, as a reader would check: a predicted entity is a gold entity when
any of its labels equals the gold label or an alias after normalisation (NFKC, no
spaces, no quotes, lower case; region names also without their 市/省/区/县). Gold
entities of several documents that share a name are one entity. A second predicted
entity for the same gold entity is a duplicate and counts against precision.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable
from urllib.parse import unquote

import rdflib
from rdflib.namespace import RDF, RDFS, SKOS

from .vocab import NS, REGION_CLASSES, RELATIONS, SYMMETRIC

QUOTES = re.compile(r"[\s\"'“”‘’「」『』《》〈〉]")
#: words that name a kind of thing, not one thing: never used to match an entity
GENERIC = frozenset({"园区", "高新区", "科技城", "开发区", "经开区", "产业园", "新区", "片区", "该区", "本区",
                     "公司", "集团", "企业", "基金", "项目", "大学", "学院", "研究院", "管委会", "政府",
                     "市政府", "区政府", "省", "市", "区", "县", "我市", "全市", "本市"})


def norm(name: str) -> str:
    return QUOTES.sub("", unicodedata.normalize("NFKC", str(name))).lower()


def name_variants(name: str, cls: str) -> set[str]:
    n = norm(name)
    if n in GENERIC:
        return set()
    if cls in REGION_CLASSES and len(n) > 2 and n[-1] in "市省区县":
        return {n, n[:-1]}
    return {n}


@dataclass
class Gold:
    """Gold entities pooled across keys (one group per real entity), triples and amounts."""

    groups: dict[str, dict] = field(default_factory=dict)          # root id → names, labels, types
    name_index: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    triples: dict[tuple[str, str, str], str] = field(default_factory=dict)  # → evidence
    values: dict[tuple[str, str, str], float] = field(default_factory=dict)  # (root, prop, currency) → value


def gold_files(paths: Iterable[str | Path]) -> list[Path]:
    files: list[Path] = []
    for p in map(Path, paths):
        files += sorted(p.glob("*.json")) if p.is_dir() else [p]
    return files


def load_gold(paths: Iterable[str | Path]) -> Gold:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    entities, triples, values, first_with_name = {}, [], [], {}
    for path in gold_files(paths):
        key = json.loads(path.read_text(encoding="utf-8"))
        doc = key.get("doc", path.stem)
        for e in key["entities"]:
            eid = f"{doc}#{e['id']}"
            names = set().union(*(name_variants(n, e["type"]) for n in [e["label"], *e.get("aliases", [])]))
            entities[eid] = (e["label"], e["type"], names)
            find(eid)
            for n in names:
                if n in first_with_name:
                    parent[find(eid)] = find(first_with_name[n])
                else:
                    first_with_name[n] = eid
        triples += [(f"{doc}#{t['s']}", t["p"], f"{doc}#{t['o']}", t.get("evidence", "")) for t in key["triples"]]
        values += [(f"{doc}#{v['s']}", v.get("p", "investmentAmount"), float(v["value"]), v.get("currency", "CNY"))
                   for v in key.get("values", [])]
    gold = Gold()
    for eid, (label, cls, names) in entities.items():
        group = gold.groups.setdefault(find(eid), {"names": set(), "labels": set(), "types": set()})
        group["names"] |= names
        group["labels"].add(label)
        group["types"].add(cls)
    for root, group in gold.groups.items():
        for n in group["names"]:
            gold.name_index[n].add(root)
    for s, p, o, evidence in triples:
        s, o = find(s), find(o)
        if p in SYMMETRIC and o < s:
            s, o = o, s
        gold.triples.setdefault((s, p, o), evidence)
    for s, p, value, currency in values:
        gold.values.setdefault((find(s), p, currency), value)
    return gold


@dataclass
class RelationScore:
    gold: int
    predicted: int
    precision: float
    recall: float
    f1: float


@dataclass
class Score:
    relations: dict[str, RelationScore]
    total: RelationScore
    entities_gold: int
    entities_predicted: int
    entities_matched: int
    duplicates: int
    entity_precision: float
    entity_recall: float
    entity_f1: float
    amounts_found: int
    amounts_gold: int
    missed: list[tuple[str, str, str, str]]          # (subject label, relation, object label, evidence)
    false_positives: list[tuple[str, str, str]]      # (subject name, relation, object name)
    unmatched_entities: list[tuple[str, str]]        # (name, class)


def prf(tp_pred: int, n_pred: int, tp_gold: int, n_gold: int) -> tuple[float, float, float]:
    p = tp_pred / n_pred if n_pred else 0.0
    r = tp_gold / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _names(g: rdflib.Graph, node) -> set[str]:
    names = {norm(lit) for prop in (RDFS.label, SKOS.altLabel, SKOS.prefLabel) for lit in g.objects(node, prop)}
    names -= GENERIC
    if not names and isinstance(node, rdflib.URIRef):
        names.add(norm(unquote(re.split(r"[/#]", str(node))[-1])))
    return names


def _classes(g: rdflib.Graph, node) -> set[str]:
    return {str(t)[len(NS):] for t in g.objects(node, RDF.type) if str(t).startswith(str(NS))}


def load_graph(path: str | Path) -> rdflib.Graph:
    path = str(path)
    g = rdflib.ConjunctiveGraph() if path.endswith((".trig", ".nq")) else rdflib.Graph()
    g.parse(path)
    return g


def evaluate(graph: str | Path | rdflib.Graph, gold_paths: Iterable[str | Path]) -> Score:
    gold = load_gold(gold_paths)
    g = graph if isinstance(graph, rdflib.Graph) else load_graph(graph)
    names = {}

    def match(node) -> set[str]:
        if node not in names:
            names[node] = _names(g, node)
        return set().union(*(gold.name_index.get(n, set()) for n in names[node]))

    predicted = {(s, rel, o) for rel in RELATIONS for s, o in g.subject_objects(rdflib.URIRef(NS + rel))}
    found, n_pred, tp_pred, fps = set(), defaultdict(int), defaultdict(int), []
    for s, rel, o in predicted:
        n_pred[rel] += 1
        hit = False
        for gs in match(s):
            for go in match(o):
                key = (gs, rel, go) if rel not in SYMMETRIC or gs <= go else (go, rel, gs)
                if key in gold.triples:
                    found.add(key)
                    hit = True
        if hit:
            tp_pred[rel] += 1
        else:
            fps.append((min(_names(g, s), default=str(s)), rel, min(_names(g, o), default=str(o))))
    n_gold, tp_gold = defaultdict(int), defaultdict(int)
    for key in gold.triples:
        n_gold[key[1]] += 1
        tp_gold[key[1]] += key in found
    relations = {rel: RelationScore(n_gold[rel], n_pred[rel], *prf(tp_pred[rel], n_pred[rel], tp_gold[rel], n_gold[rel]))
                 for rel in RELATIONS}
    total = RelationScore(sum(n_gold.values()), sum(n_pred.values()),
                          *prf(sum(tp_pred.values()), sum(n_pred.values()), sum(tp_gold.values()), sum(n_gold.values())))

    entities = {n for n in set(g.subjects(RDF.type, None)) if _classes(g, n)}
    absorbed, unmatched = defaultdict(list), []
    for node in entities:
        roots = match(node)
        if roots:
            absorbed[min(roots)].append(node)
        else:
            unmatched.append((min(_names(g, node), default=str(node)), ",".join(sorted(_classes(g, node)))))
    matched = len(absorbed)
    ep, er, ef = prf(matched, len(entities), matched, len(gold.groups))

    amounts = 0
    for (root, prop, currency), value in gold.values.items():
        wanted = gold.groups[root]["names"]
        ok = False
        for node in entities:
            if _names(g, node) & wanted:
                currencies = {str(c) for c in g.objects(node, rdflib.URIRef(NS + "currency"))} or {"CNY"}
                for amount in g.objects(node, rdflib.URIRef(NS + prop)):
                    try:
                        ok |= abs(float(amount) - value) <= 0.005 * value and currency in currencies
                    except ValueError:
                        pass
        amounts += ok

    missed = [(sorted(gold.groups[s]["labels"])[0], rel, sorted(gold.groups[o]["labels"])[0], ev)
              for (s, rel, o), ev in sorted(gold.triples.items()) if (s, rel, o) not in found]
    return Score(relations, total, len(gold.groups), len(entities), matched,
                 sum(len(v) - 1 for v in absorbed.values()), ep, er, ef, amounts, len(gold.values),
                 missed, sorted(fps), sorted(unmatched))


def score_text(score: Score, show_errors: bool = False) -> str:
    lines = [f"{'relation':<16}{'gold':>6}{'pred':>6}{'P':>7}{'R':>7}{'F1':>7}"]
    for rel, r in [*score.relations.items(), ("ALL", score.total)]:
        lines.append(f"{rel:<16}{r.gold:>6}{r.predicted:>6}{r.precision:>7.2f}{r.recall:>7.2f}{r.f1:>7.2f}")
    lines.append(f"entities: gold {score.entities_gold} predicted {score.entities_predicted} matched "
                 f"{score.entities_matched} duplicates {score.duplicates} unmatched {len(score.unmatched_entities)}"
                 f"  P {score.entity_precision:.2f} R {score.entity_recall:.2f} F1 {score.entity_f1:.2f}")
    lines.append(f"amounts: {score.amounts_found}/{score.amounts_gold} gold amounts found on the right entity")
    if show_errors:
        lines += ["", "# gold relations missed"]
        lines += [f"MISS {s} {rel} {o}    | {ev[:60]}" for s, rel, o, ev in score.missed]
        lines += ["", "# predicted relations not in gold"]
        lines += [f"FP   {s} {rel} {o}" for s, rel, o in score.false_positives]
        lines += ["", "# predicted entities not in gold"]
        lines += [f"ENT  {name} {cls}" for name, cls in score.unmatched_entities]
    lines.append(f"SCORE triples F1 {score.total.f1:.3f} P {score.total.precision:.3f} R {score.total.recall:.3f} "
                 f"| entities F1 {score.entity_f1:.3f} | amounts {score.amounts_found}/{score.amounts_gold}")
    return "\n".join(lines)
