"""Stage 5, relate: facts from the relation patterns of kg/rules/relations.tsv, plus the
relations that follow from names and places themselves.

Each sentence is rewritten as a skeleton in which every mention is a marker
``⟦<class letters>#<n>⟧``; mentions joined by 、/和/及 become one list marker, so a pattern
written once for one name also reads "A、B、C等企业落户园区". Patterns are data: a reader adds
a row to the table, with an example sentence that the tests run.
"""
from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from .. import rules
from ..model import Document, Entity, Fact, Mention
from ..vocab import REGION_CLASSES, SYMMETRIC
from .amounts import find_amounts
from .gazetteer import load_gazetteer
from .prefilter import RuleIndex
from .recognise import ALIAS_RE, LEGAL_SUFFIXES, final_suffix, lexicon, place_prefix_splits
from .resolve import main_city, main_park, slug

LETTER = {"Park": "P", "Company": "C", "Fund": "F", "Project": "J", "Institution": "I",
          "Platform": "L", "GovernmentBody": "G", "Industry": "N", "Person": "H"}
LETTER.update({cls: "R" for cls in REGION_CLASSES})
MACROS = {
    "PARK": "P", "HOSTED": "CIJLP", "ORG": "CFGIJLP", "PARTY": "RGCPIL", "REGION": "R",
    "IND": "N", "INST": "I", "FUND": "F", "COMPANY": "C", "GOV": "G", "ANY": "CFGIJLPR",
}
#: what may stand between two items of one list: 、/和/及, optionally followed by the amount
#: the next item is given ("…的思瑞科技，总投资5亿元的百优达生命科技")
LIST_JOINERS = re.compile(r"^(?:、|和|及|以及|(?:[、，,]|和|及)(?:总投资|投资|计划投资)?(?:约|近|超|逾)?"
                          r"[0-9.]+(?:万|亿|千万)?(?:元|美元|欧元)(?:人民币)?的)$")
NAME_PLACE_CLASSES = {"Park", "Company", "Project", "Platform", "Fund"}
HOSTED_CLASSES = {"Company", "Project", "Platform", "Institution", "Park"}
PARK_BODIES = ("管委会", "管理委员会", "管理办公室", "管理局")


@dataclass(frozen=True)
class Rule:
    id: str
    relation: str
    subject: str
    object: str
    confidence: float
    pattern: re.Pattern
    example: str


def compile_pattern(pattern: str) -> re.Pattern:
    for macro, letters in MACROS.items():
        pattern = pattern.replace("{" + macro + "}", f"⟦[{letters}]+#\\d+⟧")
    return re.compile(pattern)


@lru_cache(maxsize=1)
def relation_rules() -> tuple[Rule, ...]:
    return tuple(Rule(r["id"], r["relation"], r["subject"], r["object"], float(r["confidence"]),
                      compile_pattern(r["pattern"]), r["example"])
                 for r in rules.load_table("relations"))


@lru_cache(maxsize=1)
def rule_index() -> RuleIndex:
    return RuleIndex(relation_rules())


def skeleton(text: str, start: int, mentions: list[Mention]) -> tuple[str, list[list[Mention]]]:
    """The sentence with mentions as markers; returns it and the members of each marker."""
    groups: list[list[Mention]] = []
    out, pos = [], start
    for m in mentions:
        gap = text[pos:m.start]
        alias = ALIAS_RE.match(text[pos:m.end + 2]) if groups and gap[:1] in "（(" else None
        if alias and pos + alias.start(1) <= m.start and groups[-1][-1].entity == m.entity:
            pos += alias.end()      # "X（以下简称“Y”）" names X again: read on as if it were not there
            continue
        if groups and pos > start and LIST_JOINERS.match(gap) and _same_kind(groups[-1][0], m):
            groups[-1].append(m)
            out[-1] = _marker(groups[-1], len(groups) - 1)
        else:
            out.append(gap)
            groups.append([m])
            out.append(_marker(groups[-1], len(groups) - 1))
        pos = m.end
    return "".join(out) + text[pos:_end(text, start)], groups


SENTENCE_END = re.compile(r"[。！？!?；;\n]")


def _end(text: str, start: int) -> int:
    match = SENTENCE_END.search(text, start)
    return match.start() if match else len(text)


def _same_kind(a: Mention, b: Mention) -> bool:
    return (LETTER[a.cls] == "N") == (LETTER[b.cls] == "N") and (LETTER[a.cls] == "R") == (LETTER[b.cls] == "R")


def _marker(members: list[Mention], n: int) -> str:
    return f"⟦{''.join(sorted({LETTER[m.cls] for m in members}))}#{n}⟧"


MARKER = re.compile(r"⟦[A-Z]+#(\d+)⟧")


def _members(match: re.Match, group: str, groups: list[list[Mention]]) -> list[Mention]:
    """The mentions a group captured: one marker, or every marker of a span ("在⟦N⟧…、⟦N⟧…等方面")."""
    if group not in match.re.groupindex or match.group(group) is None:
        return []
    return [m for n in MARKER.findall(match.group(group)) for m in groups[int(n)]]


#: what the contract allows at each end of a relation, where a pattern's span could catch more
DOMAIN = {"hosts": {"Park"}, "developedBy": {"Park"}, "subsidiaryOf": {"Company"},
          "locatedIn": {"Park", "Company", "Fund", "Project", "Institution", "Platform", "GovernmentBody",
                        *REGION_CLASSES}}
RANGE = {"focusesOn": {"Industry"}, "locatedIn": REGION_CLASSES, "subsidiaryOf": {"Company"},
         "hosts": {"Company", "Institution", "Platform", "Project", "Park"},
         "developedBy": {"Company", "GovernmentBody"}}


class FactSink:
    """Collects facts, keeping one per (subject, relation, object, sentence), within the
    contract's domains and ranges."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.seen: set[tuple] = set()

    def add(self, s: str | None, rel: str, o: str | None, sentence: int, confidence: float, rule: str):
        if not s or not o or s == o or not self._in_range(rel, s, o):
            return
        if rel == "partnersWith" and "Institution" in (self.doc.entities[s].cls, self.doc.entities[o].cls):
            rel = "cooperatesWith"      # an agreement with a university or institute is research cooperation
        if rel in SYMMETRIC and o < s:
            s, o = o, s
        key = (s, rel, o, sentence)
        if key in self.seen:
            return
        self.seen.add(key)
        text = self.doc.sentences[sentence].text.strip() if sentence >= 0 else ""
        self.doc.facts.append(Fact(s, rel, o, sentence, text, confidence, rule))

    def _in_range(self, rel: str, s: str, o: str) -> bool:
        cs, co = self.doc.entities[s].cls, self.doc.entities[o].cls
        return cs in DOMAIN.get(rel, {cs}) and co in RANGE.get(rel, {co})


def _resolve_slot(spec: str, match: re.Match, groups, implied: dict[str, str | None]) -> list[str | None]:
    """Entities that fill a slot: the first alternative of `spec` ("s|@main") that has any;
    "s&s2" takes the members of both groups; "@main" / "@city" the article's park / city."""
    for option in spec.split("|"):
        if option in implied:
            if implied[option]:
                return [implied[option]]
            continue
        members = [m for name in option.split("&") for m in _members(match, name, groups)]
        if members:
            return [m.entity for m in members]
    return []


def apply_patterns(doc: Document, sink: FactSink, by_sentence: dict[int, list[Mention]]) -> None:
    main = main_park(doc)
    implied = {"@main": main, "@city": None if main else main_city(doc, dominant=False)}
    for i, sent in enumerate(doc.sentences):
        mentions = by_sentence.get(i, [])
        if not mentions:
            continue
        text, groups = skeleton(doc.text, sent.start, mentions)
        implied["@topic"] = _topic(text, groups)
        stated, inferred = set(), []     # a subject the text names beats one the sentence implies
        for rule in rule_index().candidates(text):
            for match in rule.pattern.finditer(text):
                if rule.subject == "pair":
                    ents = sorted({m.entity for m in _members(match, "pair", groups)})
                    for a, b in itertools.combinations(ents, 2):
                        sink.add(a, rule.relation, b, i, rule.confidence, rule.id)
                    continue
                subjects = _resolve_slot(rule.subject, match, groups, implied)
                objects = _resolve_slot(rule.object, match, groups, implied)
                implicit = "@" in rule.subject and not _members(match, rule.subject.split("|")[0], groups)
                for s in subjects:
                    for o in objects:
                        if implicit:
                            inferred.append((s, rule.relation, o, rule.confidence * 0.9, rule.id))
                        else:
                            stated.add((rule.relation, o))
                            sink.add(s, rule.relation, o, i, rule.confidence, rule.id)
        for s, relation, o, confidence, rule_id in inferred:
            if (relation, o) not in stated:
                sink.add(s, relation, o, i, confidence, rule_id)


TOPIC = re.compile(r"^(?:[^⟦⟧，。]{0,12}，)?(?:[^⟦⟧，。]|⟦R#\d+⟧){0,16}?(?:⟦[CFG]+#\d+⟧(?:旗下|下属)的?|位于⟦P#\d+⟧[^⟦⟧，。]{0,8}?的)?"
                   r"⟦([CFGIJLP]+)#(\d+)⟧")


def _topic(text: str, groups: list[list[Mention]]) -> str | None:
    """What a sentence is about: the organisation it opens with ("⟦C⟧将把总部落户⟦P⟧，主攻⟦N⟧"
    focuses the firm, not the park; in "⟦C⟧旗下的⟦C⟧" and "位于⟦P⟧的⟦C⟧" the second), the subject of its clauses
    that name none."""
    match = TOPIC.match(text)
    return groups[int(match.group(2))][0].entity if match and len(groups[int(match.group(2))]) == 1 else None


RENAMED = re.compile(r"⟦R#(\d+)⟧[（(](?:现|今)⟦R#(\d+)⟧[）)]")


def renamed_places(doc: Document, sink: FactSink, by_sentence: dict[int, list[Mention]]) -> None:
    """"上海市闸北区（现静安区）与南通市…合作": what the text says of a place it also says of the
    place that took its area, for partnerships."""
    for i, sent in enumerate(doc.sentences):
        if "（现" not in sent.text and "（今" not in sent.text:
            continue
        text, groups = skeleton(doc.text, sent.start, by_sentence.get(i, []))
        for match in RENAMED.finditer(text):
            old, new = groups[int(match.group(1))][0].entity, groups[int(match.group(2))][0].entity
            for f in [f for f in doc.facts if f.sentence == i and f.relation == "partnersWith"]:
                if old in (f.subject, f.object):
                    other = f.object if f.subject == old else f.subject
                    sink.add(new, "partnersWith", other, i, f.confidence, "renamed-place")


#: projects that run across places (沪苏通铁路, 南通城市地铁1号线) are in no park
LINES = ("铁路", "地铁", "号线", "高速", "高速公路", "公路", "大桥", "隧道", "轨道交通", "城际")


def hosted_by_main_park(doc: Document, sink: FactSink, by_sentence: dict[int, list[Mention]]) -> None:
    """In an article about one park, a firm, project or platform named in the same sentence as
    the park (or 园区) and given no other host is taken to be in it, and so is every project with
    an investment figure and no other host; developers are not."""
    main = main_park(doc)
    if main is None:
        return
    placed = {f.object for f in doc.facts if f.relation == "hosts"}
    tied = {f.subject if f.object == main else f.object for f in doc.facts
            if main in (f.subject, f.object) and f.relation != "hosts"}
    outer = {f.subject for f in doc.facts if f.relation == "hosts" and f.object == main}
    excluded = {f.object for f in doc.facts if f.relation == "developedBy"} | {main} | tied | outer
    for index, mentions in sorted(by_sentence.items()):
        keys = {m.entity for m in mentions}
        if main not in keys:
            continue
        for key in sorted(keys - placed - excluded):
            if doc.entities[key].cls in ("Company", "Platform", "Park", "Institution"):
                sink.add(main, "hosts", key, index, 0.45, "main-park-sentence")
    # a project with an investment figure is built somewhere: in the park, unless it is a line
    # across places
    invested = {key for key, _, _ in doc.amounts}
    for index, mentions in sorted(by_sentence.items()):
        for m in mentions:
            if m.entity in invested and m.entity not in placed and m.entity not in excluded \
                    and doc.entities[m.entity].cls == "Project" and not any(line in doc.entities[m.entity].label for line in LINES):
                sink.add(main, "hosts", m.entity, index, 0.4, "main-park-project")
                placed.add(m.entity)


def owners_hosted(doc: Document, sink: FactSink) -> None:
    """The park that hosts a project hosts the company the project is named after, or that
    builds it (项目由X投资建设，选址P)."""
    owner_of = {f.object: f.subject for f in doc.facts if f.relation == "investsIn" and f.rule.startswith("invest-buil")
                and doc.entities[f.subject].cls == "Company"}
    for m in doc.mentions:
        if m.cue == "nested":
            project = next((p.entity for p in doc.mentions if p.cue != "nested" and p.start == m.start
                            and p.end > m.end), None)
            if project:
                owner_of[project] = m.entity
    for f in list(doc.facts):
        if f.relation == "hosts" and f.object in owner_of:
            sink.add(f.subject, "hosts", owner_of[f.object], f.sentence, f.confidence, "project-owner")


def hosted_by_name(doc: Document, sink: FactSink) -> None:
    """A platform, institution or project named after a park is in it (贵阳高新区大数据双创孵化器,
    丝路软件城人工智能加速器); "市北科技城项目" is the park itself."""
    suffixes = lexicon().suffix_class
    parks = sorted(((name, key) for key, e in doc.entities.items() if e.cls == "Park"
                    for name in (e.label, *e.aliases) if len(name) >= 3), key=lambda nk: -len(nk[0]))
    for key, entity in doc.entities.items():
        if entity.cls in ("Platform", "Institution", "Project"):
            park = next((p for name, p in parks if entity.label.startswith(name)
                         and len(entity.label) - len(name) >= 2 and entity.label[len(name):] not in suffixes), None)
            if park:
                sink.add(park, "hosts", key, -1, 0.7, "hosted-by-name")


def sub_parks_by_brand(doc: Document, sink: FactSink) -> None:
    """A park named with the article's park's brand is one of its sub-parks (火炬高新区 ⊃
    火炬（翔安）产业区, 中国光谷 ⊃ 光谷生物城), unless the text puts it elsewhere."""
    main = main_park(doc)
    if main is None:
        return
    brands = {stem for name in (doc.entities[main].label, *doc.entities[main].aliases)
              for stem in _brands(name)}
    elsewhere = {f.object for f in doc.facts if f.relation == "hosts"} | \
        {f.subject for f in doc.facts if f.relation == "hosts" and f.object == main}
    for key, entity in doc.entities.items():
        if key != main and entity.cls == "Park" and key not in elsewhere \
                and any(entity.label.startswith(b) for b in brands):
            sink.add(main, "hosts", key, -1, 0.5, "sub-park-brand")


def _brands(name: str) -> list[str]:
    """The distinctive part of a park's name: no leading place, no kind (东湖高新区 → 东湖; 中国光谷
    → 光谷, whose kind is all there is)."""
    lex = lexicon()
    out = []
    for form in (name, *place_prefix_splits(name)):
        ending = final_suffix(form, lex)
        stem = form[:ending.start()] if ending else form
        place = any(p.cls in ("City", "Province", "Country") for p in load_gazetteer().lookup(stem))
        if len(stem) >= 2 and not place:
            out.append(stem)
        elif ending and (place or not stem) and len(ending.group()) >= 2 and ending.group() not in lex.anaphors:
            out.append(ending.group())
    return out


def hosted_through_parks(doc: Document, sink: FactSink) -> None:
    """What a park inside a park hosts, the outer park hosts too (市北高新区 ⊃ 宝月湖产业园 ⊃ 修实生物)."""
    hosts = defaultdict(set)
    for f in doc.facts:
        if f.relation == "hosts":
            hosts[f.subject].add(f.object)
    for outer in list(hosts):
        for inner in sorted(hosts[outer]):
            if doc.entities[inner].cls == "Park":
                for tenant in sorted(hosts.get(inner, ())):
                    if tenant != outer:
                        sink.add(outer, "hosts", tenant, -1, 0.6, "hosted-through")


def park_in_city(doc: Document, sink: FactSink) -> None:
    """The article's park lies in the article's city, unless the text places it elsewhere."""
    park, city = main_park(doc), main_city(doc)
    if park and city and not any(f.subject == park and f.relation == "locatedIn" for f in doc.facts):
        sink.add(park, "locatedIn", city, -1, 0.6, "park-in-city")


def name_industries(doc: Document, sink: FactSink) -> None:
    """A park or fund named for an industry works in it: 宝月湖生命健康产业园 → 生命健康."""
    lex = lexicon()
    industries = {e.label: key for key, e in doc.entities.items() if e.cls == "Industry"}
    for key, entity in doc.entities.items():
        if entity.cls in ("Park", "Fund"):
            for match in lex.industry_re.finditer(entity.label):
                if match.group() in industries:
                    sink.add(key, "focusesOn", industries[match.group()], -1, 0.7, "name-industry")


def place_relations(doc: Document, sink: FactSink, by_sentence: dict[int, list[Mention]]) -> None:
    """locatedIn as the text states it.

    A district lies in the city the gazetteer puts it in when both are named; a city in its
    province only where the text writes them together (江苏省南通市). A park, a project or a
    company's short name that starts with a place (南通开发区, 南通城市地铁1号线, 北京经纬恒润)
    is in that place. A full legal name is not: its leading place is where the firm was
    registered (南通智诚网络科技有限公司), which the article does not claim as its location.
    """
    gaz = load_gazetteer()
    regions = {e.label: key for key, e in doc.entities.items() if e.cls in REGION_CLASSES}
    first_sentence = {}
    for index, mentions in sorted(by_sentence.items()):
        for m in mentions:
            first_sentence.setdefault(m.entity, index)
    adjacent = {(a.entity, b.entity) for a, b in zip(doc.mentions, doc.mentions[1:]) if a.end == b.start}
    for label, key in regions.items():
        for place in gaz.lookup(label)[:1]:
            for ancestor in gaz.ancestors(place):
                target = regions.get(ancestor.name)
                if target and (place.cls == "District" or (target, key) in adjacent):
                    sink.add(key, "locatedIn", target, first_sentence.get(key, -1), 0.9, "gazetteer")
                    break
    parks = [name for e in doc.entities.values() if e.cls == "Park" for name in (e.label, *e.aliases)]
    for key, entity in list(doc.entities.items()):
        if entity.cls not in NAME_PLACE_CLASSES or entity.label.endswith(LEGAL_SUFFIXES):
            continue
        if entity.cls != "Park" and any(entity.label.startswith(name) for name in parks):
            continue    # 襄阳高新区科技企业孵化器 is in 襄阳高新区, which says where it is
        place = name_place(entity.label)
        if place is not None and place.cls == "District" and not entity.label.startswith(place.name) \
                and not any(a.name in regions for a in gaz.ancestors(place)):
            continue    # 金阳科技产业园 in an article on 贵阳 is not in 金阳县 of Sichuan
        if place is not None:
            sink.add(key, "locatedIn", _ensure_region(doc, place), first_sentence.get(key, -1), 0.7, "name-place")


def place_chains(doc: Document, sink: FactSink, by_sentence: dict[int, list[Mention]]) -> None:
    """"位于陕西省西安市": what lies in a place lies in the places named right after it inside it."""
    gaz = load_gazetteer()
    for fact in [f for f in doc.facts if f.relation == "locatedIn" and f.sentence >= 0]:
        mentions = by_sentence.get(fact.sentence, [])
        place = fact.object
        for a, b in zip(mentions, mentions[1:]):
            if a.entity != place or a.end != b.start or b.entity not in doc.entities:
                continue
            outer, inner = (gaz.lookup(doc.entities[k].label)[:1] for k in (a.entity, b.entity))
            if outer and inner and outer[0] in gaz.ancestors(inner[0]):
                sink.add(fact.subject, "locatedIn", b.entity, fact.sentence, fact.confidence, fact.rule)
                place = b.entity


def name_place(name: str):
    """The place a name says it is in: a bracketed place (上海市北高新（南通）科技城) first,
    else the city, district or country it starts with (北京经纬恒润, 日本建公司)."""
    gaz = load_gazetteer()
    for inner in re.findall(r"[（(]([^）)]{2,8})[）)]", name):
        places = gaz.lookup(inner)
        if places:
            return places[0]
    for n in range(min(len(name) - 2, 9), 1, -1):
        places = [p for p in gaz.lookup(name[:n]) if p.cls in ("City", "District", "Country")]
        if places:
            # two places in front (苏州宿迁工业园区) name a partnership, not a location
            return None if any(gaz.lookup(name[n:n + k]) for k in (2, 3)) else places[0]
    return None


def _ensure_region(doc: Document, place) -> str:
    for key, e in doc.entities.items():
        if e.cls in REGION_CLASSES and (e.label == place.name or place.name in e.aliases):
            return key
    key = f"{place.cls.lower()}/{slug(place.name)}"
    doc.entities.setdefault(key, Entity(key, place.name, place.cls))
    return key


def captions(doc: Document, sink: FactSink, by_sentence: dict[int, list[Mention]]) -> None:
    """A line that is only a firm's or project's name is a photo caption: the article's park hosts it."""
    main = main_park(doc)
    if main is None:
        return
    for index, mentions in sorted(by_sentence.items()):
        m = mentions[0]
        if len(mentions) == 1 and doc.sentences[index].text.strip(" #\t") == m.surface \
                and doc.entities[m.entity].cls in HOSTED_CLASSES:
            sink.add(main, "hosts", m.entity, index, 0.5, "caption")


def park_bodies(doc: Document, sink: FactSink) -> None:
    """A park's 管委会 / 管理办公室 manages it: 南通创新区管理办公室 → developedBy."""
    parks = {}
    for key, e in doc.entities.items():
        if e.cls == "Park":
            for name in {e.label, *e.aliases}:
                parks[name] = key
    for key, e in doc.entities.items():
        if e.cls != "GovernmentBody":
            continue
        for name in {e.label, *e.aliases}:
            for body in PARK_BODIES:
                if name.endswith(body) and name[: -len(body)] in parks:
                    sink.add(parks[name[: -len(body)]], "developedBy", key, -1, 0.8, "park-body")


def mentions_by_sentence(doc: Document) -> dict[int, list[Mention]]:
    """Each sentence's mentions in text order, nested ones (a project's owner) left out."""
    starts = [s.start for s in doc.sentences]
    by_sentence: dict[int, list[Mention]] = defaultdict(list)
    for m in sorted(doc.mentions, key=lambda m: m.start):
        if m.cue != "nested":
            by_sentence[max(0, bisect_right(starts, m.start) - 1)].append(m)
    return by_sentence


AMOUNT_HOLDERS = {"Project", "Company", "Fund"}
FINANCING_AFTER = re.compile(r"^[^，。]{0,8}?(?:融资|资金|注资|风险投资)")
#: what an amount is spent on, named right after it: "投资3.5亿元在P建设|X", "5000万美元投向|X"
BUILDING_AFTER = re.compile(r"(?:在[^，。；]{0,24}?)?(?:建设|兴建|新建|打造|建|投向|投资于?|用于建设)")
#: "X获Y投资5000万元": the amount goes to the firm that received it
RECEIVED_BEFORE = re.compile(r"^(?:获得?|引入|完成)[^，。；]{0,24}?(?:投资|注资|融资|增资)$")
INVESTING_BEFORE = re.compile(r"(?:总投资|投资|斥资|出资|融资|总额|注资|注册资本|规模)[^，。]{0,4}$")


def attach_amounts(doc: Document, by_sentence: dict[int, list[Mention]]) -> None:
    """Give each amount to the project, company or fund the sentence gives it to.

    In order: the name written right after it ("总投资5亿元的X"), the name it stands in
    ("40亿元产业专项母基金"), the name built or invested in right after it ("投资3.5亿元建设X"),
    the last company before a financing ("…公司获得近2亿元B轮融资"), the name an investing verb
    takes right before it ("直接投资X8000万元"), the firm that received it ("X获Y投资5000万元"),
    the last name before an investing verb ("X…总投资近10亿元").
    """
    for sent in doc.sentences:
        amounts = find_amounts(sent.text)
        if not amounts:
            continue
        mentions = [m for m in by_sentence.get(sent.index, []) if doc.entities[m.entity].cls in AMOUNT_HOLDERS]
        for amount, start, end in amounts:
            a_start, a_end = sent.start + start, sent.start + end
            before = [m for m in mentions if m.end <= a_start]
            companies = [m for m in before if doc.entities[m.entity].cls == "Company"]
            after = [m for m in mentions if m.start >= a_end]
            built = BUILDING_AFTER.match(doc.text, a_end, sent.end)
            target = (
                next((m for m in after if m.start - a_end in (0, 1) and doc.text[a_end:m.start] in ("", "的")), None)
                or next((m for m in mentions if m.start <= a_start and a_end <= m.end), None)
                or (after[0] if built and after and after[0].start == built.end() else None)
                or (companies[-1] if companies and FINANCING_AFTER.match(doc.text[a_end:sent.end]) else None)
                or (before[-1] if before and before[-1].end == a_start
                    and INVESTING_BEFORE.search(doc.text[sent.start:before[-1].start]) else None)
                or (companies[-1] if companies and RECEIVED_BEFORE.search(doc.text[companies[-1].end:a_start]) else None)
                or (before[-1] if before and INVESTING_BEFORE.search(doc.text[sent.start:a_start])
                    and doc.text[before[-1].end:a_start].count("，") <= 1 else None)
            )
            if target is not None:
                doc.amounts.append((target.entity, amount, sent.index))


def relate(doc: Document) -> Document:
    doc.facts = []
    sink = FactSink(doc)
    by_sentence = mentions_by_sentence(doc)
    apply_patterns(doc, sink, by_sentence)
    place_chains(doc, sink, by_sentence)
    place_relations(doc, sink, by_sentence)
    park_bodies(doc, sink)
    renamed_places(doc, sink, by_sentence)
    captions(doc, sink, by_sentence)
    park_in_city(doc, sink)
    name_industries(doc, sink)
    attach_amounts(doc, by_sentence)
    hosted_by_name(doc, sink)
    hosted_by_main_park(doc, sink, by_sentence)
    owners_hosted(doc, sink)
    sub_parks_by_brand(doc, sink)
    hosted_through_parks(doc, sink)
    return doc
