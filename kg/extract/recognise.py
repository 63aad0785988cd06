"""Stage 3, recognise: find the stretches of text that name entities.

Each finder reads one kind of evidence and proposes `Mention`s; `recognise` then keeps
the best non-overlapping set (longest first, then the finder's priority) and finally
looks for every further occurrence of the names found, so a short name that a rule
only recognised once (in a list, after 以下简称) is found everywhere in the document.

Finders, in order of trust:
  suffix    names ending in an organisation / park / fund / project suffix (suffix grammar)
  place     administrative places from the gazetteer, and paired abbreviations (沪通两地)
  quoted    a quoted name right after an organisation ("…研究院“创芯SPACE”")
  amount    the thing an amount is given to ("总投资5亿元的X")
  listed    items of an enumeration typed by its head noun ("A、B、C等科技企业")
  person    a name after a job title ("董事长罗岚")
  industry  sectors from the industry lexicon
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import cached_property, lru_cache

from .. import rules
from ..model import Document, Mention
from .gazetteer import load_gazetteer
from .prefilter import keyword_search, requirements, satisfied

PUNCT = set("，。、；：！？“”‘’「」『』《》〈〉（）()【】[]—…·,.;:!?\"' \t\n\u3000-/+＋")
OPEN, CLOSE = "（(", "）)"
HAN = re.compile(r"[\u4e00-\u9fff]")
HAN_WORD = re.compile(r"[\u4e00-\u9fff]+")
LATIN = re.compile(r"^[A-Za-z0-9.+\-]+$")
CONJUNCTIONS = {"与", "和", "及"}
MAX_NAME = 24
PRIORITY = {"suffix": 6, "place": 5, "quoted": 5, "amount": 4, "listed": 3, "person": 4,
            "industry": 2, "framed": 2, "repeat": 1, "anaphor": 0, "cued": 3, "brand": 3}
LEGAL_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司")
COMPANY_ENDINGS = ("科技", "光电", "电子", "微电子", "半导体", "生物", "医药", "电力", "微电", "铝业",
                   "精密", "智能", "材料", "新材料", "环保", "网络", "能源", "装备", "股份", "控股",
                   "生命科技", "生命", "实业", "物流", "信息", "软件", "制造", "机械", "化工")
COMPANY_ENDING_WORDS = frozenset(COMPANY_ENDINGS)
COMPANY_ENDINGS_LONGEST_FIRST = tuple(sorted(COMPANY_ENDINGS, key=len, reverse=True))
AFTER_NAME = set("在说表介指认用称等的也还对向就是和与已将这那今曾又")
ORDINAL = re.compile(r"^(?:首家|首个|第[一二三四五六七八九十]+家?)$")
NUMBERED = re.compile(r"^第[一二三四五六七八九十]+$")
#: prepositions and particles that jieba's unknown-word model sometimes glues to a name
GLUE = set("由在与和的是经从对向将被把给为获")
#: jieba part-of-speech tags that never occur inside a name: verbs, adverbs, prepositions,
#: conjunctions, particles, pronouns, locatives, numerals and measure words (time words such
#: as 中天 do occur in names; 今年, 去年 stop a name as boundary words)
STOP_TAGS = ("v", "d", "p", "c", "u", "r", "f", "m", "q", "y", "e", "o", "z", "ad", "an")


@dataclass(frozen=True, eq=False)
class Lexicon:
    """The rule tables, compiled once per process (hashed as the one object it is, so that
    answers about a word under it can be remembered)."""

    suffix_re: re.Pattern
    suffix_class: dict[str, str]
    suffix_min: dict[str, int]
    boundary: frozenset[str]
    descriptors: frozenset[str]
    anaphors: dict[str, str]
    industries: tuple[str, ...]
    industry_re: re.Pattern
    titles_re: re.Pattern
    list_heads: tuple[tuple[str, str], ...]
    abbreviations: dict[str, str]
    cues: tuple[tuple[re.Pattern, str, str], ...]
    any_cue: re.Pattern                # one of the cues: most sentences have none
    descriptor_re: re.Pattern          # descriptors and anaphors, longest first
    descriptive_re: re.Pattern         # the same and industry names
    industry_leads: re.Pattern         # cues before a list of industries (kg/rules/industry_frames.tsv)
    industry_lead_words: re.Pattern    # a word one of them holds: most sentences have none
    industry_tail: re.Pattern          # cues after one
    tail_only_leads: frozenset[str]    # lead cues that frame industries only before a tail cue
    one_item_leads: frozenset[str]     # lead cues that frame a single sector after an organisation
    anaphor_words: frozenset[str]      # the words find_anaphors starts from
    foreign_name_re: re.Pattern        # a foreign firm's registered name in Latin letters


#: capitalised words (and the particles of European names) that a foreign firm's name is made of
LATIN_NAME = r"(?<![A-Za-z])[A-Z][\w'&.\-]*(?: (?:[A-Z][\w'&.\-]*|&|of|van|der|de|von|und|y)){0,6}"


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


#: the legal form that ends a foreign firm's registered name (kg/rules/foreign_legal_forms.tsv)
FOREIGN_FORM = re.compile(r" (?:" + _alternation(rules.column("foreign_legal_forms", "form")) + r")(?![A-Za-z])")
FOREIGN_ENDING = re.compile(FOREIGN_FORM.pattern + "$")


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    suffixes = rules.load_table("entity_suffixes")
    generic = rules.load_table("generic_words")
    industries = rules.column("industries", "name")
    titles = _alternation(rules.column("person_titles", "title"))
    descriptors = {r["word"] for r in generic}
    frames = rules.load_table("industry_frames")
    industry_leads = re.compile("|".join(f"(?P<lead{n}>{r['cue']})" for n, r in enumerate(frames) if r["side"] == "lead"))
    return Lexicon(
        suffix_re=re.compile(_alternation(r["suffix"] for r in suffixes)),
        suffix_class={r["suffix"]: r["class"] for r in suffixes},
        suffix_min={r["suffix"]: int(r["min_prefix"]) for r in suffixes},
        boundary=frozenset(rules.column("boundary_words", "word")),
        descriptors=frozenset(r["word"] for r in generic if r["kind"] == "descriptor"),
        anaphors={r["word"]: r["kind"] for r in generic if r["kind"] != "descriptor"},
        industries=industries,
        industry_re=re.compile(_alternation(industries)),
        # (?:T)(?:T)*, not (?:T)+: a pattern that opens with its alternation is searched for
        # only where one of its first characters stands
        titles_re=re.compile(f"(?:{titles})(?:{titles})*([\u4e00-\u9fff]{{2,3}})"),
        list_heads=tuple(sorted(((r["head"], r["class"]) for r in rules.load_table("list_heads")),
                                key=lambda hc: -len(hc[0]))),
        abbreviations={r["abbr"]: r["name"] for r in rules.load_table("region_abbreviations")},
        cues=tuple((re.compile(r["cue"]), r["side"], r["class"]) for r in rules.load_table("name_cues")),
        any_cue=re.compile("|".join(f"(?:{r['cue']})" for r in rules.load_table("name_cues"))),
        descriptor_re=re.compile(_alternation(descriptors)),
        descriptive_re=re.compile(_alternation(descriptors | set(industries))),
        industry_leads=industry_leads,
        industry_lead_words=keyword_search(industry_leads),
        industry_tail=re.compile("|".join(f"(?:{r['cue']})" for r in frames if r["side"] == "tail")),
        tail_only_leads=frozenset(f"lead{n}" for n, r in enumerate(frames)
                                  if r["side"] == "lead" and r["needs_tail"] == "yes"),
        one_item_leads=frozenset(f"lead{n}" for n, r in enumerate(frames) if r["one_item"] == "yes"),
        foreign_name_re=re.compile(LATIN_NAME + FOREIGN_FORM.pattern),
        anaphor_words=frozenset(r["word"] for r in generic if r["kind"] in ANAPHOR_CLASS) | set(DEMONSTRATIVES) | {"其"}
        | {r["suffix"] for r in suffixes if r["class"] in LAST_OF_CLASS},
    )


class Sentence:
    """A sentence with its tokens, and a few questions the finders ask about them."""

    def __init__(self, doc: Document, start: int, end: int, tokens: list[tuple[str, int, int]]):
        self.doc, self.start, self.end, self.tokens = doc, start, end, tokens
        self.text = doc.text[start:end]
        # the words for the finders that look for given words: most sentences have none of them
        self.words = [word for word, _, _ in tokens]

    # where tokens start and end, worked out for the sentences a name walk reads
    @cached_property
    def token_starts(self) -> set[int]:
        return {s for _, s, _ in self.tokens}

    @cached_property
    def _index_ending_at(self) -> dict[int, int]:
        return {e: n for n, (_, _, e) in enumerate(self.tokens)}

    @cached_property
    def token_ends(self) -> set[int]:
        return set(self._index_ending_at)

    def token_ending_at(self, end: int) -> int | None:
        return self._index_ending_at.get(end)


@lru_cache(maxsize=1)
def word_tags() -> dict[str, str]:
    """jieba's dictionary part-of-speech tags with the genre's overrides, read once.

    A dictionary look-up per token costs nothing; tagging every sentence with jieba.posseg
    would cost more than the whole rest of the pipeline.
    """
    from .segment import jieba_cached

    def jieba_tags() -> dict[str, str]:
        import jieba.posseg     # a third of a second: its HMM tables are loaded too

        return jieba.posseg.dt.word_tag_tab

    tags = dict(jieba_cached("tags", "", jieba_tags))
    tags.update((r["word"], r["tag"]) for r in rules.load_table("word_tags"))
    return tags


@lru_cache(maxsize=2**16)
def _glued(word: str) -> bool:
    """A word jieba's unknown-word model made by gluing a preposition on (企业由, 经省); the
    dictionary's own words (经济技术开发区, a suffix of the project's) are not glued."""
    tag = word_tags().get(word)
    return len(word) > 1 and (tag == "p" or (tag is None and word not in tokenizer_words())) \
        and (word[-1] in GLUE or word[0] in GLUE) and bool(HAN.match(word))


@lru_cache(maxsize=2**16)
def _is_name_token(word: str, lex: Lexicon) -> bool:
    if word in lex.boundary or not PUNCT.isdisjoint(word):
        return False
    tags = word_tags()
    tag = tags.get(word, "")
    if tag.startswith(STOP_TAGS) and tag not in ("vn", "nz", "nr", "ns", "nt"):
        return False
    if _glued(word):
        return False    # jieba's unknown-word model glued a preposition on: 企业由, 经省
    return bool(HAN.search(word) or LATIN.match(word))


def _opens_a_name(word: str) -> bool:
    """A word that starts a name of its own (湖南大学, 东莞…): 与 before it joins two names."""
    return word_tags().get(word) == "nt" or any(p.cls in ("Province", "City", "District", "Country")
                                                  for p in load_gazetteer().lookup(word))


#: a span of time before a name (近五年, 2019年来)
TIME_LEAD = re.compile(r"(?:近|前|过去|未来)?[0-9一二三四五六七八九十两]+(?:年|个月)(?:来|以来|间|内)?")


def walk_left(sent: Sentence, end: int, lex: Lexicon, names_end: set[int],
              stops: frozenset[int] = frozenset(), allow: frozenset[str] = frozenset(),
              legal: bool = False) -> int:
    """Start of the name whose last character is just before `end`.

    Walks back over name-like tokens, through a short bracket group (市北高新（南通）科技城),
    and through 与/和/及 only when the left side is not itself a complete name
    (船舶与海洋工程装备… goes on; …有限公司与港南区人民政府 stops).
    """
    i = sent.token_ending_at(end)
    start = end
    while i is not None and i >= 0 and end - sent.tokens[i][1] <= MAX_NAME:
        word, s, e = sent.tokens[i]
        if word in CLOSE:
            j = i - 1
            while j >= 0 and sent.tokens[j][0] not in OPEN and i - j <= 5:
                j -= 1
            inner = "".join(w for w, _, _ in sent.tokens[j + 1:i])
            if j < 0 or sent.tokens[j][0] not in OPEN or not inner or any(c in PUNCT for c in inner):
                break
            start, i = sent.tokens[j][1], j - 1
            continue
        if word == " " and i and start < end and LATIN.match(sent.tokens[i - 1][0]) \
                and LATIN.match(sent.tokens[i + 1][0]):
            i -= 1      # Micro LED
            continue
        if word in CONJUNCTIONS:
            left = sent.tokens[i - 1][0] if i else ""
            right = sent.tokens[i + 1][0]
            if s in names_end or i == 0 or not _is_name_token(left, lex) or left in lex.anaphors \
                    or sent.tokens[i - 1][2] in names_end or _opens_a_name(right):
                break
            start, i = s, i - 1
            continue
        if e in stops and e != end:
            break       # another name ends here (…项目|选址合肥高新区)
        if (e == end and ORDINAL.match(word)) or (start < end and NUMBERED.match(word)):
            start, i = s, i - 1     # 长三角国家技术创新中心|首家|分中心, 通州区|第三|人民医院
            continue
        if word not in allow and not _is_name_token(word, lex) \
                and not (legal and word not in lex.boundary and HAN_WORD.fullmatch(word) and not _glued(word)):
            if word[0] in GLUE and word_tags().get(word, "p") == "p" and _is_name_token(word[1:], lex):
                start = s + 1    # 经省|产研院: keep what follows the glued preposition
            break
        if LATIN.match(word) and re.fullmatch(r"[0-9.]+", word) and i > 0 \
                and sent.tokens[i - 1][0] in ("年", "月", "日", "个", "家"):
            break
        start, i = s, i - 1
        if legal and word not in allow and any(p.cls in ("Province", "City") for p in load_gazetteer().lookup(word)):
            break       # a registered name starts with its place: 杭州|深度求索人工智能…有限公司
    # a registered name walked through verbs still does not start with one (促使|沃太能源…)
    while legal:
        first = next(((w, e) for w, s, e in sent.tokens if s == start), None)
        if not first or first[1] >= end or word_tags().get(first[0], "n")[:1] not in ("v", "d", "p", "c") \
                or first[0] in allow or (len(first[0]) == 1 and (start == sent.start or sent.doc.text[start - 1] in PUNCT)):
            break       # one character opening a clause is the name's own (筑|芯微电子（贵州）有限公司…)
        start = first[1]
    # a name never starts with a conjunction, a demonstrative or a bare number, nor with a
    # preposition that jieba's unknown-word model glued to it (经省产研院 → 省产研院)
    time = TIME_LEAD.match(sent.doc.text, start, end)
    if time and time.end() < end:
        start = time.end()      # 近五年|火炬高新区
    while start < end and sent.doc.text[start] in "与和及这那该其此0123456789.+＋":
        start += 1
        if sent.doc.text[start - 1].isdigit() and sent.doc.text[start] in "只支个家项":
            start += 1      # 3只|子基金
    return start


NUMBERS = re.compile(r"[近超约逾]?[0-9.一二三四五六七八九十百千万亿几多首第]+[个家批项座期号元只支]?")


def _descriptive(prefix: str, lex: Lexicon, industries: bool = True) -> bool:
    """True when `prefix` is only descriptors and numbers (一批重大, 主题, 省级…) and, unless
    told otherwise, industry names (汽车电子产业项目 names no project)."""
    rest = NUMBERS.sub("", prefix)
    rest = (lex.descriptive_re if industries else lex.descriptor_re).sub("", rest)
    return not rest.strip()


#: (inner, outer): a name of the outer class may contain a whole name of the inner class
#: (南京邮电大学|南通研究院, 苏盐园区|开发有限公司, 苏锡通科技产业园区|管委会); other names
#: end where another one ends (…电池项目|选址合肥高新区 is two)
NESTING = frozenset({("Institution", "Institution"), ("Park", "Park"), ("Company", "Project"),
                     ("Park", "GovernmentBody"), ("Park", "Company"), ("Park", "Project"), ("Park", "Platform"),
                     ("Institution", "Platform"), ("Company", "GovernmentBody"), ("Company", "Company"),
                     ("GovernmentBody", "GovernmentBody"), ("Park", "Fund"), ("Company", "Fund"), ("Fund", "Company"),
                     ("GovernmentBody", "Fund")})
#: classes whose names never run through a registered firm's name (…有限公司|获…子基金)
REGISTERED_ENDS = frozenset({"Fund", "Institution", "Platform", "Park", "GovernmentBody"})
#: verbs that company names are made of (…开发建设有限公司, …投资发展集团)
COMPANY_WORDS = frozenset({"开发", "建设", "投资", "发展", "运营", "管理", "控股", "实业", "贸易", "服务",
                           "咨询", "制造", "研发", "创新", "孵化", "经营", "设计", "检测", "运输", "引导"})


#: verbs that project names are made of (…晶圆制造项目, …研发中心项目)
PROJECT_WORDS = frozenset({"制造", "研发", "检测", "设计", "生产", "驱动"})


def find_suffix_names(sent: Sentence, lex: Lexicon) -> list[Mention]:
    found: list[Mention] = []
    ends: set[int] = set()
    matches = [(sent.start + m.start(), sent.start + m.end(), m.group()) for m in lex.suffix_re.finditer(sent.text)]
    for s_abs, e_abs, suffix in matches:
        cls = lex.suffix_class[suffix]
        stops = frozenset(e for s2, e, suf in matches if e <= s_abs and ((lex.suffix_class[suf], cls) not in NESTING
                                                                       or (suf in LEGAL_SUFFIXES and cls in REGISTERED_ENDS)))
        allow = COMPANY_WORDS if cls in ("Company", "Fund") else PROJECT_WORDS if cls == "Project" else frozenset()
        walk_from = s_abs
        if s_abs not in sent.token_starts:
            # the suffix ends a longer token (理工大学): walk on from that token's start
            inside = [s for _, s, e in sent.tokens if s < s_abs < e and e >= e_abs]
            if not inside:
                continue
            walk_from = inside[0]
            if sent.doc.text[walk_from:e_abs] in lex.boundary:
                continue    # 全资|子公司: a kind of firm, no name
        legal = suffix in LEGAL_SUFFIXES
        start = (walk_left(sent, walk_from, lex, ends, stops, allow, legal) if walk_from in sent.token_starts
                 else walk_from)
        if cls == "Fund":
            start = _through_fund_size(sent, start, lex, ends)
        lead = next((w for w, ts, _ in sent.tokens if ts == start), "")
        if lex.anaphors.get(lead) == "park_anaphor" and s_abs - start > len(lead) + 1:
            start += len(lead)      # 园区|独墅湖科教创新区
        if "的" in sent.doc.text[start:s_abs]:
            start += sent.doc.text[start:s_abs].rindex("的") + 1     # 产城融合的|绿色智慧新园区
        prefix = sent.doc.text[start:s_abs]
        if len(prefix) < lex.suffix_min[suffix] or _descriptive(prefix, lex, industries=cls not in ("Fund", "Institution")):
            continue
        if suffix == "园区" and load_gazetteer().lookup(prefix):
            continue    # 上海园区: "the parks of Shanghai", not one park
        if cls == "Park" and sent.doc.text[start:e_abs] in load_gazetteer():
            continue    # 浦东新区 is a district
        inner = _inner_park_end(sent, start, s_abs, lex) if cls == "Park" and not CO_BUILT.search(suffix) else None
        if inner:
            found.append(Mention(start, inner, sent.doc.text[start:inner], "Park", "suffix"))
            start = inner
        found.append(Mention(start, e_abs, sent.doc.text[start:e_abs], cls, "suffix"))
        ends.add(e_abs)
    return found


FUND_SIZE = re.compile(r"(?:首批|首期|总规模)?[0-9.]+(?:万|亿)?元$")


def _through_fund_size(sent: Sentence, start: int, lex: Lexicon, ends: set[int]) -> int:
    """A fund's name may carry its size: 江苏省战新首批40亿元产业专项母基金."""
    size = FUND_SIZE.search(sent.doc.text[sent.start:start])
    if not size or sent.start + size.start() not in sent.token_ends:
        return start
    before = walk_left(sent, sent.start + size.start(), lex, ends)
    return before if before < sent.start + size.start() else start


#: a park built together by two places carries its partner park's name (苏州工业园区射阳合作产业园)
CO_BUILT = re.compile(r"合作|共建")


def _inner_park_end(sent: Sentence, start: int, suffix_start: int, lex: Lexicon) -> int | None:
    """Where a park named inside a park name ends: 市北高新区|宝月湖生命健康产业园."""
    prefix = sent.doc.text[start:suffix_start]
    for match in lex.suffix_re.finditer(prefix):
        end = start + match.end()
        if (lex.suffix_class[match.group()] == "Park" and match.start() >= 2
                and end in sent.token_ends and suffix_start - end >= 2
                and not _descriptive(sent.doc.text[end:suffix_start], lex)):
            return end
    return None


def find_places(sent: Sentence, lex: Lexicon) -> list[Mention]:
    gaz = load_gazetteer()
    found = []
    names = gaz.names()
    if not names.isdisjoint(sent.words):
        for word, s, e in sent.tokens:
            places = gaz.lookup(word) if word in names else None
            if places and not _embedded_short_form(sent, word, s, places[0]):
                found.append(Mention(s, e, word, places[0].cls, "place"))
    pairs = re.finditer(f"([{''.join(lex.abbreviations)}])([{''.join(lex.abbreviations)}])两地", sent.text) \
        if "两地" in sent.text else ()
    for match in pairs:
        for k in (1, 2):
            s = sent.start + match.start(k)
            name = lex.abbreviations[match.group(k)]
            places = gaz.lookup(name)
            if places:
                found.append(Mention(s, s + 1, match.group(k), places[0].cls, "place", norm=name))
    return found


def _embedded_short_form(sent: Sentence, word: str, start: int, place) -> bool:
    """A two-character county or district short form inside running words (以产兴城, 金山银山,
    诺德安达) is no place; after punctuation, a preposition or another place it is (在如皋落子)."""
    if place.cls != "District" or len(word) > 2 or word == place.name or start == sent.start:
        return False
    before = sent.doc.text[start - 1]
    return bool(HAN.match(before)) and before not in "在于到赴从与和至对向为及、省市区县"


def find_quoted(sent: Sentence, lex: Lexicon, before: list[Mention]) -> list[Mention]:
    """A quoted name directly after an organisation is a platform or brand of it."""
    found = []
    ends = {m.end: m for m in before if m.cls in ("Institution", "Company", "Park")}
    for match in re.finditer(r"“([^“”，。、—+＋]{2,30})”", sent.text) if "“" in sent.text else ():
        s = sent.start + match.start()
        name = match.group(1)
        cls = _class_by_ending(name, lex, company_endings=False)
        ending = final_suffix(name, lex)
        if ending and _descriptive(name[:ending.start()], lex, industries=cls not in ("Fund", "Institution")):
            continue    # “跨江融合发展示范区”: a slogan, not a name
        if cls is None and s in ends and len(name) <= 16:
            cls = "Platform"
        if cls is not None:
            found.append(Mention(s + 1, s + 1 + len(name), name, cls, "quoted"))
    return found


AMOUNT_OF = re.compile(
    r"(?:总投资|投资|计划投资|总额)?(?:约|近|超|逾|达|超过)?(?:[0-9.]+|[零〇一二两三四五六七八九十百千]+)(?:万|亿|千万|百万)?"
    r"(?:元|美元|欧元|日元)"
    r"(?:人民币)?的([^、，。；：“”\s]{2,40}?)(?=、|，|。|；|等|和|在|正式|相继|落户|入驻|开工|从|$)")
AMOUNT_OF_NEEDS = requirements(AMOUNT_OF)


#: what follows a firm's name when the text speaks of its funding (锐驰动力|B轮融资)
FINANCING_ROUND = re.compile(r"^(?:[A-E]\+?轮|Pre-[A-E]轮|天使轮|种子轮|战略|融资|新一轮)$")


def walk_right(sent: Sentence, start: int, lex: Lexicon) -> int:
    """End of the name that starts at `start`: name-like tokens up to a boundary, at most 12 characters."""
    end = start
    for word, s, e in sent.tokens:
        if s < start:
            continue
        if s != end or not (_is_name_token(word, lex) or ORDINAL.match(word) or word in COMPANY_WORDS) \
                or e - start > 12 or FINANCING_ROUND.match(word):
            break
        end = e
    return end


def find_foreign_names(sent: Sentence, lex: Lexicon) -> list[Mention]:
    """Foreign firms' registered names in Latin letters (kg/rules/foreign_legal_forms.tsv)."""
    if not LATIN_CAPITAL.search(sent.text):
        return []
    return [Mention(sent.start + m.start(), sent.start + m.end(), m.group(), "Company", "suffix")
            for m in lex.foreign_name_re.finditer(sent.text)]


LATIN_CAPITAL = re.compile(r"[A-Z][a-z]")


def find_brands(sent: Sentence, lex: Lexicon) -> list[Mention]:
    """A firm's short name: a word jieba does not know followed by a trade word (钰泰|半导体,
    星辰|能源, 通富|微电). Known words before a trade word are a sector, not a firm (光伏能源)."""
    found = []
    if COMPANY_ENDING_WORDS.isdisjoint(sent.words):
        return found
    known = tokenizer_words()
    for before, (w1, s1, _), (w2, _, e2) in zip([("", 0, 0), *sent.tokens], sent.tokens, sent.tokens[1:]):
        if w1[0] in "年月日号" and before[0].isdigit():
            w1, s1 = w1[1:], s1 + 1     # 19|日甬芯|精密: the date's 日 is not the firm's
        if w2 in COMPANY_ENDING_WORDS and w1 not in known and 2 <= len(w1) <= 3 and HAN_WORD.fullmatch(w1) \
                and w1[0] not in GLUE and w1[-1] not in GLUE:
            found.append(Mention(s1, e2, w1 + w2, "Company", "brand"))
    return found


@lru_cache(maxsize=1)
def tokenizer_words() -> frozenset[str]:
    """Words in jieba's dictionary (with counts), as opposed to words its HMM made up."""
    from .segment import tokenizer

    return frozenset(w for w, n in tokenizer().FREQ.items() if n)


def find_cued(sent: Sentence, lex: Lexicon) -> list[Mention]:
    """Names marked by their context (name_cues.tsv): "X的入驻", "成立全资子公司Y"."""
    found = []
    if not lex.any_cue.search(sent.text):
        return found
    for pattern, side, cls in lex.cues:
        for match in pattern.finditer(sent.text):
            if side == "left":
                end = sent.start + match.start()
                start = walk_left(sent, end, lex, set())
            else:
                start = sent.start + match.end()
                end = walk_right(sent, start, lex)
            name = sent.doc.text[start:end]
            if len(name) >= 2 and HAN.search(name) and not _descriptive(name, lex) and name not in lex.suffix_class \
                    and name not in lex.anaphors and not load_gazetteer().lookup(name):
                found.append(Mention(start, end, name, cls, "cued"))
    return found


#: "——澜芯半导体12英寸功率器件晶圆制造项目，总投资45亿元": a project named from the clause start
PROJECT_WITH_AMOUNT = re.compile(r"(?:^|(?<=[—，：:、；]))([^、，。；：“”\s—（）()]{4,40}?项目)[，,]?(?:计划)?(?:总投资|投资总额)")
PROJECT_WITH_AMOUNT_NEEDS = requirements(PROJECT_WITH_AMOUNT)
COUNTED = re.compile(r"[0-9一二三四五六七八九十]+[个家批项只]$")
#: what a run of projects is, not what one project is called (签约项目, 在建项目)
PROJECT_STATES = re.compile(r"签约|开工|在建|竣工|投产|推进|实施|谋划|储备|招引|引进")


def find_amount_subjects(sent: Sentence, lex: Lexicon) -> list[Mention]:
    """Names an amount is given to: "总投资5亿元的X", "X项目，总投资5亿元"."""
    found = []
    # the pattern tries every start in the sentence: only where its words occur
    projects = PROJECT_WITH_AMOUNT.finditer(sent.text) if satisfied(PROJECT_WITH_AMOUNT_NEEDS, sent.text) else ()
    for match in projects:
        name, s = match.group(1), sent.start + match.start(1)
        s = _after_last_boundary(sent, s, s + len(name), lex)
        name = sent.doc.text[s:sent.start + match.end(1)]
        if not PROJECT_STATES.search(name) and not _descriptive(name[:-2], lex) and not _starts_with_verb(sent, s):
            found.append(Mention(s, s + len(name), name, "Project", "amount"))
    if not satisfied(AMOUNT_OF_NEEDS, sent.text):
        return found        # no currency word
    for match in AMOUNT_OF.finditer(sent.text):
        name = match.group(1)
        s = sent.start + match.start(1)
        name = _up_to_last_suffix(_cut_at_boundary(sent, s, name, lex), lex)
        first = next((w for w, ts, _ in sent.tokens if ts == s), "")
        if first in lex.boundary or _descriptive(name, lex, industries=False) or not HAN.search(name) \
                or COUNTED.search(name):
            continue    # "…的项目6个" counts projects, it names none
        cls = _class_by_ending(name, lex) or "Project"
        found.append(Mention(s, s + len(name), name, cls, "amount"))
    return found


def _cut_at_boundary(sent: Sentence, start: int, name: str, lex: Lexicon) -> str:
    """The name up to the first word that cannot be in a name ("长江存储二期项目|由…投资建设")."""
    for word, s, _ in sent.tokens:
        if start < s < start + len(name) and word not in CONJUNCTIONS and (word in lex.boundary or word in GLUE):
            return name[: s - start]
    return name


def _after_last_boundary(sent: Sentence, start: int, end: int, lex: Lexicon) -> int:
    """Where a name read from the clause start really starts: after the last word that cannot be
    in a name ("蓝鲸生物将在蓝谷产业园建设|褐藻寡糖海洋药物产业化项目")."""
    cut = max((e for w, s, e in sent.tokens if start < s and e < end - 4 and w not in CONJUNCTIONS
               and (w in lex.boundary or w in GLUE)), default=start)
    return cut


def _up_to_last_suffix(name: str, lex: Lexicon) -> str:
    """A name ends with its last suffix ("年产20GWh动力电池项目|就此"), if it has one."""
    ends = [m.end() for m in lex.suffix_re.finditer(name)]
    return name[:ends[-1]] if ends and len(name) - ends[-1] <= 4 else name


def final_suffix(name: str, lex: Lexicon) -> re.Match | None:
    """The name ending (有限公司, 研究院, 孵化器…) that `name` ends with, if any."""
    match = None
    for match in lex.suffix_re.finditer(name):
        pass
    return match if match and match.end() == len(name) else None


def _class_by_ending(name: str, lex: Lexicon, company_endings: bool = True) -> str | None:
    match = final_suffix(name, lex)
    if match and match.start() >= 1:
        return lex.suffix_class[match.group()]
    if company_endings and name.endswith(COMPANY_ENDINGS):
        return "Company"
    return None


INDUSTRY_HEAD = re.compile(r"(?:[0-9一二三四五六七八九十两]+大)?(?:主导|重点|新兴|未来|战略性新兴|支柱|特色)?(?:产业|领域|行业)?$")
HEAD_MODIFIERS = re.compile(r"^(?:一批|多家|[0-9一二三四五六七八九十百千多余几]+(?:家|个|所|项|大|余家|多家)?|"
                            r"高成长性|高水平|高新技术|重点|重大|龙头|骨干|领军|知名|优质|科技型?|品牌|主题|"
                            r"省级|国家级|[\u4e00-\u9fff]{2}(?=企业|项目|园区))*")
INDUSTRY_HEAD_AFTER = re.compile(r"^(?:[0-9一二三四五六七八九十两]+大)?(?:主导|重点|新兴|未来|战略性新兴|支柱|特色)?(?:产业|领域|行业)")
AMOUNT_PREFIX = re.compile(r"^(?:总投资|投资)?(?:约|近|超|逾)?[0-9.]+(?:万|亿|千万)?(?:元|美元|欧元)(?:人民币)?的")
LIST_RE = re.compile(r"((?:[^、，。；：“”（）\s等]{2,20}、)+[^、，。；：“”（）\s等]{2,20}?)(?=等|。|，|$)(等)?")


def find_listed(sent: Sentence, lex: Lexicon, known: list[Mention]) -> list[Mention]:
    """Untyped items of 'A、B、C等<head>' lists, typed by their ending, their head or their neighbours."""
    found = []
    if "、" not in sent.text:
        return found        # LIST_RE needs one
    for match in LIST_RE.finditer(sent.text):
        base = sent.start + match.start(1)
        body = match.group(1)
        head_cls = None
        after = re.split(r"[，。；：、]", sent.text[match.end():match.end() + 14])[0]
        if match.group(2):      # "A、B等一批科技企业": the head noun right after names the items
            rest = HEAD_MODIFIERS.sub("", after)
            # the head is the last noun of the phrase: 产业链|企业 → 企业
            heads = [(rest.find(head) + len(head), cls) for head, cls in lex.list_heads if 0 <= rest.find(head) <= 3]
            head_cls = max(heads)[1] if heads else next(
                (cls for head, cls in lex.list_heads if cls != "Industry" and 0 <= after.find(head) <= 10), None)
        elif INDUSTRY_HEAD_AFTER.match(after):      # "A、B三大主导产业"
            head_cls = "Industry"
        items, pos = [], 0
        for part in body.split("、"):
            sub_pos = pos
            for sub in re.split(r"[和及与]", part) if len(part) > 4 else [part]:
                idx = part.find(sub, sub_pos - pos)
                items.append((base + pos + idx, sub))
                sub_pos = pos + idx + len(sub)
            pos += len(part) + 1
        # an item may carry the amount it is given: "30亿元的环保智能装备"
        items = [(s + len(m.group()), item[len(m.group()):]) if (m := AMOUNT_PREFIX.match(item)) else (s, item)
                 for s, item in items]
        # the first item starts after the last boundary word in front of it
        first_s, first = items[0]
        end = first_s + len(first)
        cut = max((e for w, s, e in sent.tokens if first_s <= s and e < end and (w in lex.boundary or _glued(w))),
                  default=None)
        if cut is None:
            cut = walk_left(sent, end, lex, set())
        items[0] = (cut, sent.doc.text[cut:end])
        typed = [m for m in known if any(m.start <= s < m.end for s, _ in items) and m.cue != "place"]
        neighbour_cls = typed[0].cls if typed else None
        known_industries = sum(1 for _, item in items if lex.industry_re.fullmatch(INDUSTRY_HEAD.sub("", item)))
        if known_industries * 2 >= len(items) and head_cls in (None, "Industry"):
            neighbour_cls = head_cls = "Industry"      # 光电子信息、生物医药、高端装备制造三大主导产业
        # no item starts with a verb or an adverb ("强化创新保障服务" is no name)
        items = items[:1] + [(s, item) for s, item in items[1:] if not _starts_with_verb(sent, s)]
        for s, item in items:
            inside = [m for m in known if m.start < s + len(item) and s < m.end]
            if len(item) < 2 or any(m.cue != "place" or (m.start <= s and s + len(item) <= m.end) for m in inside):
                continue    # already a name; a place inside an item (大众安徽) does not stop it
            if lex.industry_re.fullmatch(item):
                continue
            if head_cls == "Industry":
                item = INDUSTRY_HEAD.sub("", item)
                if lex.industry_re.search(item) or len(item) < 2:
                    continue    # the industry finder names it
                cls = "Industry"
            else:
                cls = _class_by_ending(item, lex) or head_cls or (neighbour_cls if match.group(2) else None)
            if cls is None or (cls != "Industry" and _descriptive(item, lex)):
                continue
            found.append(Mention(s, s + len(item), item, cls, "listed"))
    return found


def _starts_with_verb(sent: Sentence, start: int) -> bool:
    word = next((w for w, s, _ in sent.tokens if s == start), "")
    return word_tags().get(word, "n")[:1] in ("v", "d", "p", "c", "r") \
        and word_tags().get(word) != "vn"


BYLINE = re.compile(r"^[·•\s]*((?:[\u4e00-\u9fff]{2,3}[\s　]+)+[\u4e00-\u9fff]{2,3})[·•\s]*$")


def find_persons(sent: Sentence, lex: Lexicon) -> list[Mention]:
    """Names after a job title (董事长罗岚, 局长助理孙青山) and the names of a byline (·吴霄云 尹迪·)."""
    found = []
    byline = BYLINE.match(sent.text) if "·" in sent.text else None
    if byline:
        for m in re.finditer(r"[\u4e00-\u9fff]{2,3}", byline.group(1)):
            found.append(Mention(sent.start + byline.start(1) + m.start(), sent.start + byline.start(1) + m.end(),
                                 m.group(), "Person", "person"))
    for match in lex.titles_re.finditer(sent.text):
        name = match.group(1)
        if len(name) == 3 and name[2] in AFTER_NAME:
            name = name[:2]
        if name[-1] in AFTER_NAME or name[0] in AFTER_NAME or word_tags().get(name, "nr")[0] != "n" \
                or word_tags().get(name[:2], "n")[0] == "v":
            continue    # 记者|采访时 is no name
        s = sent.start + match.start(1)
        found.append(Mention(s, s + len(name), name, "Person", "person"))
    return found


def find_industries(sent: Sentence, lex: Lexicon) -> list[Mention]:
    return [Mention(sent.start + m.start(), sent.start + m.end(), m.group(), "Industry", "industry")
            for m in lex.industry_re.finditer(sent.text)]


#: a 、-list's items are split at 、 only (汽车及零部件 is one sector); a list without 、 at 和/及/与
LIST_ITEMS, PAIR_ITEMS = re.compile("、"), re.compile(r"以及|和|及|与")
LAST_PAIR = re.compile(r"(?<=..)(?:和|以及)(?=..)")
FRAME_END = re.compile(r"[，。；：！？,;:!?（(“”‘’「」\"]|的|等")
#: what follows a sector when the sentence speaks of work on it (核酸药物|研发)
FRAME_WORK = re.compile(r"(?:研发|研究|开发|生产)$")


def _names_an_entity(item: str, lex: Lexicon) -> bool:
    """Ends as a name of an organisation or a place does (孵化器, 研究院): no sector."""
    return final_suffix(item, lex) is not None or bool(load_gazetteer().lookup(item))


ORGANISATIONS = frozenset({"Company", "Fund", "Institution", "Platform", "Project"})
COMPANY_SUBJECT = re.compile(r"(?:该公司|该企业|公司|企业|其)[^，。；]{0,4}$")


def _after_an_organisation(sent: Sentence, position: int, names: list[Mention]) -> bool:
    """An organisation's own work (⟦C⟧主攻A; 该公司主要从事A), not a park's or a city's."""
    offset = sent.start + position
    return any(m.cls in ORGANISATIONS and m.end <= offset for m in names) \
        or bool(COMPANY_SUBJECT.search(sent.text, 0, position))


def find_framed_industries(sent: Sentence, lex: Lexicon, known: list[Mention]) -> list[Mention]:
    """Industries that a focus cue frames, whether the lexicon knows them or not: the items of
    "聚焦A、B等未来产业", "以A、B为主导", "主攻A和B" (cues: kg/rules/industry_frames.tsv)."""
    found = []
    names = [m for m in known if m.cls != "Industry"]
    blocking = [m for m in names if m.cue != "brand"]      # 主攻|碳基新材料 is a sector, not a firm
    tailed = lex.industry_tail.search(sent.text) is not None or "等" in sent.text
    for lead in lex.industry_leads.finditer(sent.text):
        if not tailed and lead.lastgroup in lex.tail_only_leads:
            continue    # 以来, 可以…: a lead that frames only before a tail, in a sentence with none
        start = lead.end() + sent.text.startswith("了", lead.end())     # 瞄准了5G、…
        end_match = FRAME_END.search(sent.text, start)
        clause_end = end_match.start() if end_match else len(sent.text)
        tail = lex.industry_tail.search(sent.text, start, clause_end) or (
            end_match if end_match and end_match.group() == "等" else None)
        if tail:
            clause_end = tail.start()
        elif lead.lastgroup in lex.tail_only_leads:
            continue
        body = sent.text[start:clause_end]
        items, pos = [], 0
        for sep in [*(LIST_ITEMS if "、" in body else PAIR_ITEMS).finditer(body), None]:
            stop = sep.start() if sep else len(body)
            items.append((sent.start + start + pos, FRAME_WORK.sub("", body[pos:stop])))
            pos = sep.end() if sep else pos
        last_s, last = items[-1]
        if "、" in body and LAST_PAIR.search(last) and last not in lex.industries:
            pair = LAST_PAIR.search(last)       # A、B和C: the last two are two sectors
            items[-1:] = [(last_s, last[:pair.start()]), (last_s + pair.end(), last[pair.end():])]
        if len(items) < 2 and not tail and not (lead.lastgroup in lex.one_item_leads and len(items[0][1]) <= 10
                                                and _after_an_organisation(sent, lead.start(), names)):
            continue
        if any(not 2 <= len(item) <= 12 or _starts_with_verb(sent, s) or _descriptive(item, lex, industries=False)
               or word_tags().get(item, "n")[:1] == "v" or _names_an_entity(item, lex) for s, item in items):
            continue    # not a list of sectors: "围绕产业链部署创新链", "培育发展未来产业", "以孵化器为核心"
        for s, item in items:
            if not any(m.start < s + len(item) and s < m.end for m in blocking):
                found.append(Mention(s, s + len(item), item, "Industry", "framed"))
    return found


ANAPHOR_CLASS = {"park_anaphor": "Park", "company_anaphor": "Company", "body_anaphor": "GovernmentBody",
                 "city_anaphor": "City"}


#: classes whose "该X" (该项目, 该基金, 这家研究院) points back to the last one named
LAST_OF_CLASS = frozenset({"Company", "Project", "Fund", "Institution", "Platform"})
DEMONSTRATIVES = ("该", "此", "这家", "这个", "这支")


def find_anaphors(sent: Sentence, lex: Lexicon) -> list[Mention]:
    """园区, 该区, 科技城 (the article's park); 该公司, or 公司 opening a clause (the last company);
    管委会, 园区党委 (the article's park's own bodies); 我市, 全市 (the article's city)."""
    found = []
    if lex.anaphor_words.isdisjoint(sent.words):
        return found
    tokens = sent.tokens
    for i, (word, s, e) in enumerate(tokens):
        if word not in lex.anaphor_words:
            continue
        nxt, _, e2 = tokens[i + 1] if i + 1 < len(tokens) else ("", 0, 0)
        kind = lex.anaphors.get(word)
        if kind in ANAPHOR_CLASS and (kind != "company_anaphor" or word.startswith("该") or s == sent.start
                                      or sent.doc.text[s - 1] in "，；："):
            found.append(Mention(s, e, word, ANAPHOR_CLASS[kind], "anaphor"))
        elif word in DEMONSTRATIVES and lex.suffix_class.get(nxt) in LAST_OF_CLASS:
            found.append(Mention(s, e2, word + nxt, lex.suffix_class[nxt], "anaphor"))   # 该项目, 该基金
        elif lex.suffix_class.get(word) in LAST_OF_CLASS and (s == sent.start or sent.doc.text[s - 1] in "，；："):
            found.append(Mention(s, e, word, lex.suffix_class[word], "anaphor"))        # 项目的开工…, 基金已参投…
        elif word == "其" and OWN_PLANT.match(sent.doc.text, e, sent.end):
            found.append(Mention(s, e, word, "Company", "anaphor"))                    # 其西北总部将入驻…
        elif word in DEMONSTRATIVES and nxt in FIRM_KINDS:
            found.append(Mention(s, e2, word + nxt, "Company", "anaphor"))                # 该子公司, 这家合资公司
        elif word in DEMONSTRATIVES and (described := DESCRIBED_FIRM.match(sent.doc.text, e, sent.end)):
            found.append(Mention(s, described.end(), sent.doc.text[s:described.end()], "Company", "anaphor"))
    return found


#: what only a firm has: "其西北总部", "其新工厂" point back to the last company
OWN_PLANT = re.compile(r"[^，。；]{0,4}?(?:总部|工厂|生产基地|研发中心)")
#: kinds of firm a demonstrative points back with (该子公司, 这家合资公司)
FIRM_KINDS = frozenset({"子公司", "分公司", "合资公司", "企业"})
#: "这家成立于2021年的企业": a demonstrative, a description, and the kind of thing it points back to
DESCRIBED_FIRM = re.compile(r"[^，。、；：“”⟦⟧]{2,20}?的(?:企业|公司)")


def select(candidates: list[Mention]) -> list[Mention]:
    """Non-overlapping mentions: longer first, then the more trusted finder."""
    chosen: list[Mention] = []
    if len(candidates) < 2:
        return list(candidates)
    base = min(m.start for m in candidates)     # positions from the first candidate, not the document start
    taken = bytearray(max(m.end for m in candidates) - base)
    for m in sorted(candidates, key=lambda m: (-(m.end - m.start), -PRIORITY[m.cue], m.start)):
        start, end = m.start - base, m.end - base
        if taken.find(1, start, end) >= 0:
            continue
        taken[start:end] = b"\1" * (end - start)
        chosen.append(m)
    return sorted(chosen, key=lambda m: m.start)


#: "X（以下简称“Y”）", "X（简称Y）", "X(Y)": Y is another name of X
ALIAS_RE = re.compile(r"^[（(](?:以下)?(?:简称|下称|全称)?(?![现原今即含])[“\"「]?([^”\"」）)，。、]{2,20})[”\"」]?[）)]")


def find_repeats(doc: Document, mentions: list[Mention], lex: Lexicon) -> list[Mention]:
    """Every further occurrence of a name already found (and of a company's short form, and
    of a short name the text introduces: "（以下简称“楚源投资”）")."""
    names: dict[str, tuple[str, str | None]] = {}
    shortened: set[str] = set()
    for m in mentions:
        alias = ALIAS_RE.match(doc.text[m.end:m.end + 30]) if m.cue != "anaphor" else None
        if alias and len(alias.group(1)) >= 2 and not load_gazetteer().lookup(alias.group(1)):
            names.setdefault(alias.group(1), (m.cls, None))
        if m.cue in ("industry", "place", "anaphor") or len(m.surface) < 2 \
                or m.surface in lex.suffix_class or _descriptive(m.surface, lex):
            continue
        names.setdefault(m.surface, (m.cls, m.norm))
        if m.cls == "Company" and m.surface not in shortened:
            shortened.add(m.surface)
            for short in short_company_names(m.surface, doc.text):
                if short not in lex.anaphors and short not in lex.suffix_class:
                    names.setdefault(short, (m.cls, None))
    return [Mention(start, start + len(name), name, names[name][0], "repeat", norm=names[name][1])
            for start, name in leftmost_longest(doc.text, names)]


def named_after_short_names(mentions: list[Mention], repeats: list[Mention]) -> list[Mention]:
    """A project or institution named after a firm starts with the firm's short name even where
    the name walk stopped inside it (启衡|生物创新药研发中心项目, 启衡 read as a verb)."""
    firms = [r for r in repeats if r.cls == "Company"]
    out = []
    for m in mentions:
        firm = next((r for r in firms if r.start < m.start < r.end), None) \
            if m.cue == "suffix" and (("Company", m.cls) in NESTING or m.cls == "Institution") else None
        out.append(Mention(firm.start, m.end, firm.surface[:m.start - firm.start] + m.surface, m.cls, m.cue)
                   if firm else m)
    return out


def leftmost_longest(text: str, words) -> list[tuple[int, str]]:
    """Non-overlapping occurrences of `words` in `text`, as a regex alternation of them, longest
    first, finds them; by str.find, as compiling that regex for each document costs more."""
    found = sorted(((start, -len(word), word) for word in words for start in _starts(text, word)))
    chosen, end = [], 0
    for start, _, word in found:
        if start >= end:
            chosen.append((start, word))
            end = start + len(word)
    return chosen


def _starts(text: str, word: str):
    start = text.find(word)
    while start >= 0:
        yield start
        start = text.find(word, start + 1)


def short_company_names(name: str, text: str) -> list[str]:
    """The short forms a company goes by later in `text`.

    江苏东方赛光电有限公司 → 东方赛光电 (no legal form, no leading place); 修实生物医药（南通）
    有限公司 → 修实生物医药 and, when the text uses it alone, 修实生物 (no trailing trade word).
    """
    if not HAN.search(name):
        words = name.split(" ")[:-1]     # Van Leeuwen Precision B.V. → Van Leeuwen, Van
        return [" ".join(words[:n]) for n in (2, 1) if len(words) > n and len(" ".join(words[:n])) >= 4]
    for legal in LEGAL_SUFFIXES:
        if name.endswith(legal):
            name = name[: -len(legal)]
            break
    name = re.sub(r"[（(][^）)]*[）)]$", "", name)
    short = strip_place_prefix(name, text)
    forms = [short] if len(short) >= 2 else []
    for ending in (*COMPANY_ENDINGS_LONGEST_FIRST, "集团"):
        rest = short[: -len(ending)]
        if short.endswith(ending) and len(rest) >= 2 and text.count(rest) > text.count(short):
            forms.append(rest)
            break
    return forms


def place_prefix_splits(name: str) -> list[str]:
    """What is left of `name` after each leading place name, longest place first.

    "上海市北高新集团" → ["北高新集团", "市北高新集团"]: the text alone cannot say which
    cut is right, so callers try every one.
    """
    return list(_place_prefix_splits(name))


@lru_cache(maxsize=2**16)
def _place_prefix_splits(name: str) -> tuple[str, ...]:
    """place_prefix_splits, worked out once per name: names recur."""
    gaz, lex = load_gazetteer(), lexicon()
    return tuple(name[n:] for n in range(min(len(name) - 2, 8), 1, -1)
                 if name[:n] in gaz and name[n:] not in lex.suffix_class and name[n:] not in lex.anaphors)


def strip_place_prefix(name: str, text: str = "") -> str:
    """`name` without its leading place; with `text`, the cut whose rest stands alone in it."""
    splits = place_prefix_splits(name)
    if text:
        for rest in splits:
            prev = name[len(name) - len(rest) - 1]
            if text.count(rest) > text.count(prev + rest):
                return rest
    return splits[0] if splits else name


OWNER = re.compile(r"^(.{2,30}?(?:股份有限公司|有限责任公司|有限公司|集团))(?=.{2,})")


def find_owners(mentions: list[Mention]) -> list[Mention]:
    """The company a project is named after (江苏金冠智能科技有限公司|分布式驱动底盘…项目), as a
    mention inside the project's; the skeleton of relate leaves such nested mentions out."""
    found = []
    for m in mentions:
        owner = OWNER.match(m.surface) if m.cls == "Project" else None
        if owner:
            found.append(Mention(m.start, m.start + owner.end(1), owner.group(1), "Company", "nested"))
    return found


def recognise(doc: Document) -> Document:
    lex = lexicon()
    candidates: list[Mention] = []
    starts = [s for _, s, _ in doc.tokens]
    i = 0
    for sentence in doc.sentences:
        j = bisect_left(starts, sentence.end, i)     # its tokens: the next ones that start before its end
        sent = Sentence(doc, sentence.start, sentence.end, doc.tokens[i:j])
        i = j
        strong = find_suffix_names(sent, lex) + find_foreign_names(sent, lex) + find_places(sent, lex)
        strong += find_quoted(sent, lex, strong) + find_persons(sent, lex)
        strong += find_amount_subjects(sent, lex)
        chosen = select(strong)
        cued = find_cued(sent, lex) + find_brands(sent, lex)
        if cued:        # what select chose it chooses again
            chosen = select(chosen + cued)
        framed = find_framed_industries(sent, lex, chosen)
        if framed:
            chosen = [m for m in chosen if m.cue != "brand" or not any(f.start < m.end and m.start < f.end for f in framed)] if lex.industry_lead_words.search(sent.text) else []
        candidates += chosen + framed + find_listed(sent, lex, chosen + framed) + find_industries(sent, lex)
        candidates += find_anaphors(sent, lex)
    first = select(candidates)
    repeats = find_repeats(doc, first, lex)
    doc.mentions = select(named_after_short_names(first, repeats) + repeats)
    # a name with 的 in it is a phrase (产城融合的绿色智慧新园区, “长三角融合发展的示范区”)
    doc.mentions = [m for m in doc.mentions if "的" not in m.surface or m.cue == "anaphor"]
    doc.mentions += find_owners(doc.mentions)
    return doc
