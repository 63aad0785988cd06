"""Stage 4, resolve: merge the mentions that name the same entity.

Two mentions are one entity when (in this order of evidence):
  * the text says so: "X（以下简称“Y”）", "X（简称Y）", "X(Y)", "X…，又称“Y”";
  * they are the same place in the gazetteer (南通 = 南通市);
  * one is the other without a leading place name (南通市北高新区 = 市北高新区);
  * companies with the same core once legal form, brackets and place are dropped
    (上海市北高新（集团）有限公司 = 上海市北高新集团 = 市北高新集团);
  * parks with the same stem and the same kind (苏锡通科技产业园区 = 苏锡通园区).
Anaphors (园区, 该区, 科技城) stand for the article's main park, 该公司 for the last company.
The canonical label is the longest name; all others become aliases.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections import Counter, defaultdict
from functools import lru_cache
from urllib.parse import quote

from ..model import Document, Entity
from ..vocab import REGION_CLASSES
from .gazetteer import load_gazetteer
from .recognise import (ALIAS_RE, COMPANY_ENDINGS_LONGEST_FIRST, FOREIGN_ENDING, HAN, LEGAL_SUFFIXES, lexicon,
                        place_prefix_splits)

PARK_KINDS = (("高新技术产业开发区", "高新区"), ("高新区", "高新区"), ("经济技术开发区", "开发区"),
              ("经开区", "开发区"), ("开发区", "开发区"), ("科技城", "科技城"), ("科技产业园区", "园"),
              ("科技产业园", "园"), ("产业园区", "园"), ("产业园", "园"), ("园区", "园"))
STEM_NOISE = ("科技", "产业", "高新")
NICKNAME = re.compile(r"(?<![（(])(?:又称|又名|亦称|俗称|别称|全称)[“\"「]?$")
APPOSITION = re.compile(r"^[—－]{1,2}[“\"]?$")
DEMONSTRATIVE = re.compile(r"(?:这个|这座|这片|该|(?<![至因如从彼])此)[^，。]*$")
DEMONSTRATIVE_HEAD = re.compile(r"^(?:该|此|这家|这个|这支|这座|本)")
COMPATIBLE = {"Park": {"Park", "Platform"}, "Platform": {"Park", "Platform"}}
QUOTES = re.compile(r"[\"'“”‘’「」『』]")
SPACES = re.compile(r"\s+")
LATIN_BEFORE, LATIN_AFTER = re.compile(r"[A-Za-z0-9.,&]"), re.compile(r"[A-Za-z0-9&(]")


def _space(match: re.Match) -> str:
    """One space between Latin words (Van Leeuwen Precision B.V.), none anywhere else."""
    text, start, end = match.string, match.start(), match.end()
    return " " if start and end < len(text) and LATIN_BEFORE.match(text[start - 1]) \
        and LATIN_AFTER.match(text[end]) else ""


def clean(name: str) -> str:
    """A name as written, without quotes and the spaces that Chinese text puts around words: what labels keep."""
    return SPACES.sub(_space, QUOTES.sub("", name))


def normal_form(name: str) -> str:
    """The comparison form of a name: NFKC, as clean() leaves it, brackets kept as ()."""
    return clean(unicodedata.normalize("NFKC", name))


def company_cores(name: str) -> list[str]:
    """The name without legal form or bracketed place, with and without each leading place,
    and without a trailing trade word (修实生物医药（南通）有限公司 → 修实生物医药, 修实生物)."""
    if not HAN.search(name):
        words = FOREIGN_ENDING.sub("", normal_form(name)).split(" ")
        return [" ".join(words[:n]) for n in (len(words), 2, 1) if len(words) >= n and len(" ".join(words[:n])) >= 4]
    gaz = load_gazetteer()
    name = re.sub(r"\(([^()]{1,8})\)", lambda m: "" if gaz.lookup(m.group(1)) else m.group(1), normal_form(name))
    for legal in LEGAL_SUFFIXES:
        if name.endswith(legal) and len(name) > len(legal) + 1:
            name = name[: -len(legal)]
            break
    cores = [name, *place_prefix_splits(name)]
    for core in list(cores):
        for ending in COMPANY_ENDINGS_LONGEST_FIRST:
            if core.endswith(ending) and len(core) - len(ending) >= 2:
                cores.append(core[: -len(ending)])
                break
    return cores


def park_cores(name: str) -> list[str]:
    """Stem and kind of a park name: 苏锡通科技产业园区 and 苏锡通园区 → "苏锡通|园"."""
    cores = []
    name = re.sub(r"[()（）]", "", normal_form(name))
    for candidate in (name, *place_prefix_splits(name)):
        for suffix, kind in PARK_KINDS:
            if candidate.endswith(suffix):
                stem = candidate[: -len(suffix)]
                while stem.endswith(STEM_NOISE):
                    stem = stem[:-2]
                if len(stem) >= 2:
                    cores.append(f"{stem}|{kind}")
                break
    return cores


def match_keys(name: str, cls: str) -> list[tuple[str, str]]:
    """The keys under which two names of one class are the same entity (see the module doc);
    used within a document here and across documents in kg.graph.merge."""
    return list(_match_keys(name, cls))


@lru_cache(maxsize=2**16)
def _match_keys(name: str, cls: str) -> list[tuple[str, str]]:
    """match_keys, worked out once per name (names recur within and across documents); callers
    get a copy of the list kept here."""
    form = normal_form(name)
    if cls in REGION_CLASSES:
        places = load_gazetteer().lookup(form)
        return [("place", places[0].name if places else form)]
    keys = [("name", n) for n in (form, *place_prefix_splits(form))]
    if cls == "Company":
        keys += [("company", core) for core in company_cores(form)]
    if cls in ("Park", "Platform"):
        keys += [("park", core) for core in park_cores(form)]
    return keys


@lru_cache(maxsize=2**16)
def slug(text: str) -> str:
    """An IRI path segment: the name, percent-encoded as UTF-8.

    Every RDF tool reads such IRIs (rapper's N-Triples parser among them), and they
    decode back to the name exactly.
    """
    return quote(normal_form(text), safe="()（）·-_.~")


class _Union:
    """Union-find over mentions that never puts two different registered names in one group:
    a parent and its subsidiary share a brand (宁波甬芯精密股份有限公司, 东莞甬芯精密科技有限公司)."""

    def __init__(self, n: int, registered: list[str | None]):
        self.parent = list(range(n))
        self.registered = [{r} if r else set() for r in registered]

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb or len(self.registered[ra] | self.registered[rb]) > 1:
            return
        root, child = min(ra, rb), max(ra, rb)
        self.parent[child] = root
        self.registered[root] |= self.registered[child]


def registered_name(name: str) -> str | None:
    """The comparison form of a full legal name (brackets dropped); None for other names."""
    form = normal_form(name)
    return re.sub(r"[()]", "", form) if form.endswith(LEGAL_SUFFIXES) or FOREIGN_ENDING.search(form) else None


def _compatible(a: str, b: str) -> bool:
    if a == b or (a in REGION_CLASSES and b in REGION_CLASSES):
        return True
    return b in COMPATIBLE.get(a, ())


def resolve(doc: Document) -> Document:
    lex = lexicon()
    gaz = load_gazetteer()
    mentions = [m for m in doc.mentions if m.cue != "anaphor"]
    anaphors = [m for m in doc.mentions if m.cue == "anaphor"]
    uf = _Union(len(mentions), [registered_name(m.norm or m.surface) if m.cls == "Company" else None
                                for m in mentions])
    aliases: dict[int, set[str]] = defaultdict(set)

    keys: dict[tuple, int] = {}

    def join(i: int, key: tuple) -> None:
        if key in keys:
            if _compatible(mentions[keys[key]].cls, mentions[i].cls):
                uf.union(keys[key], i)
        else:
            keys[key] = i

    for i, m in enumerate(mentions):
        for key in match_keys(m.norm or m.surface, m.cls):
            join(i, key)
        # "X（以下简称“Y”）": Y is X
        alias = ALIAS_RE.match(doc.text[m.end:m.end + 30])
        if alias:
            aliases[i].add(alias.group(1))
            join(i, ("name", normal_form(alias.group(1))))

    # "国家级产业基金——“央视融媒体产业投资基金”": a dash puts a name beside what it names
    order = sorted(range(len(mentions)), key=lambda i: mentions[i].start)
    for a, b in zip(order, order[1:]):
        if APPOSITION.match(doc.text[mentions[a].end:mentions[b].start]) and mentions[a].cls == mentions[b].cls:
            uf.union(a, b)

    # "东湖高新区地处武汉市东南部，又称“中国光谷”", "青岛蓝谷全称青岛蓝色硅谷核心区": a second name
    # of what the sentence is about
    starts = [sent.start for sent in doc.sentences]
    for b in order:
        if NICKNAME.search(doc.text, max(0, mentions[b].start - 4), mentions[b].start):
            opening = starts[bisect_right(starts, mentions[b].start) - 1]
            a = next((i for i in order if opening <= mentions[i].start < mentions[b].start
                      and mentions[i].cls not in REGION_CLASSES), None)
            if a is not None and _compatible(mentions[a].cls, mentions[b].cls):
                uf.union(a, b)

    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(mentions)):
        groups[uf.find(i)].append(i)

    doc.entities = {}
    for members in groups.values():
        ms = [mentions[i] for i in members]
        cls = ms[0].cls if len(ms) == 1 else Counter(m.cls for m in ms).most_common(1)[0][0]
        names = {clean(m.norm or m.surface) for m in ms}
        for i in members:
            names |= {clean(a) for a in aliases[i]}
        if cls in REGION_CLASSES:
            places = gaz.lookup(next(iter(sorted(names))))
            if places:
                names.add(places[0].name)
                cls = places[0].cls
        label = max(names, key=lambda n: (len(n), n))
        key = f"{cls.lower()}/{slug(label)}"
        entity = doc.entities.get(key) or Entity(key, label, cls)
        entity.aliases |= names - {label}
        doc.entities[key] = entity
        for m in ms:
            m.entity = key

    main, city = main_park(doc), main_city(doc, dominant=False)
    last_park = None
    parks_seen: list[str] = []
    last_of: dict[str, str] = {}
    named: dict[str, list[str]] = defaultdict(list)
    for m in sorted(doc.mentions, key=lambda m: m.start):
        kind = lex.anaphors.get(m.surface)
        if kind == "park_anaphor":
            # "这个…产业园", 该园 point back to the park just named; a bare 园区 to the article's park
            pointing = m.surface.startswith(("该园", "此园", "这个")) or DEMONSTRATIVE.search(doc.text[max(0, m.start - 12):m.start])
            m.entity = last_park if last_park and pointing else _park_of_kind(doc, m.surface, main, parks_seen)
        elif m.cls == "Park" and m.entity:
            last_park = m.entity
            parks_seen.append(m.entity)
        elif kind == "city_anaphor":
            m.entity = city
        elif kind == "body_anaphor" and main:
            m.entity = _park_body(doc, main, m.surface.removeprefix("园区"))
        elif kind == "company_anaphor":
            m.entity = last_of.get("Company")
        elif m.cue == "anaphor" and kind is None:
            # 该项目, 该基金; 母基金 is the last fund that is a 母基金
            head = DEMONSTRATIVE_HEAD.sub("", m.surface)
            m.entity = next((key for key in reversed(named[m.cls]) if doc.entities[key].label.endswith(head)),
                            None) if len(head) > 2 else None
            m.entity = m.entity or last_of.get(m.cls)
        elif m.entity:
            last_of[m.cls] = m.entity
            named[m.cls].append(m.entity)
    doc.mentions = [m for m in doc.mentions if m.entity]
    for m in anaphors:
        m.cls = doc.entities[m.entity].cls if m.entity else m.cls
    return doc


def _park_of_kind(doc: Document, word: str, main: str | None, parks_seen: list[str]) -> str | None:
    """What a bare kind of park (合作园, 产业园) names: the article's park if it is of that kind,
    else the last park of that kind named before (邕穗数字产业合作园 … 合作园), else the article's park."""
    if len(word) < 3 or (main is not None and doc.entities[main].label.endswith(word)):
        return main
    return next((key for key in reversed(parks_seen) if doc.entities[key].label.endswith(word)
                 and doc.entities[key].label != word), main)


def main_city(doc: Document, dominant: bool = True) -> str | None:
    """The city an article is about: the city named most often (我市 in a local paper means
    it); with `dominant`, only a city named at least twice as often as any other."""
    counts = Counter(m.entity for m in doc.mentions
                     if m.entity and m.cue != "anaphor" and doc.entities[m.entity].cls == "City")
    ranked = counts.most_common(2) + [(None, 0), (None, 0)]
    return ranked[0][0] if not dominant or ranked[0][1] >= 2 * ranked[1][1] else None


def _park_body(doc: Document, park: str, body: str) -> str:
    """The entity of the main park's 管委会 / 党委, created on first mention."""
    label = doc.entities[park].label + body
    key = f"governmentbody/{slug(label)}"
    doc.entities.setdefault(key, Entity(key, label, "GovernmentBody"))
    return key


def main_park(doc: Document) -> str | None:
    """The park the article is about: the park named far more often than any other.

    A policy article about a city names many parks a few times each; it has no main park,
    and 园区 there means no park in particular. A park the headline names needs only to be
    named most often.
    """
    counts = Counter(m.entity for m in doc.mentions
                     if m.entity and m.cue != "anaphor" and doc.entities[m.entity].cls == "Park")
    if not counts:
        return None
    (top, n), *rest = counts.most_common()
    if not rest:
        return top
    headline = doc.sentences[0].end if doc.sentences else 0
    in_headline = any(m.entity == top and m.start < headline for m in doc.mentions)
    return top if n >= 3 and (n >= 2 * rest[0][1] or in_headline and n > rest[0][1]) else None
