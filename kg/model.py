"""Plain data passed between pipeline stages.

A `Document` flows through the stages (read → segment → recognise → resolve →
relate); each stage fills in one more field. Everything here is picklable so a
document can be extracted in a worker process and cached.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Sentence:
    index: int
    start: int
    end: int
    text: str


@dataclass
class Mention:
    """A stretch of text that names an entity, before aliases are merged."""

    start: int
    end: int
    surface: str
    cls: str                 # a kgo class local name, e.g. "Company"
    cue: str                 # which finder found it, for debugging and confidence
    norm: str | None = None  # the full name it stands for, when the finder knows it (沪 → 上海市)
    entity: str | None = None  # key of the resolved Entity, set by resolve


@dataclass
class Entity:
    key: str                 # stable, readable id within a build (becomes the IRI path)
    label: str               # the full canonical name
    cls: str
    aliases: set[str] = field(default_factory=set)
    amounts: list["Amount"] = field(default_factory=list)


@dataclass(frozen=True)
class Amount:
    value: float             # in currency units (5亿元 → 500000000)
    currency: str            # ISO 4217
    text: str                # as written, e.g. "近10亿元"


@dataclass
class Fact:
    subject: str             # Entity.key
    relation: str            # one of vocab.RELATIONS
    object: str              # Entity.key
    sentence: int            # Sentence.index of the evidence
    evidence: str            # the sentence text
    confidence: float
    rule: str                # the rule id that produced it


@dataclass
class Document:
    id: str                  # stable id: file stem, or content hash when stems collide
    source: str              # path as given by the user
    text: str
    sha256: str = ""
    sentences: list[Sentence] = field(default_factory=list)
    tokens: list[tuple[str, int, int]] = field(default_factory=list)  # (word, start, end)
    mentions: list[Mention] = field(default_factory=list)
    entities: dict[str, Entity] = field(default_factory=dict)
    facts: list[Fact] = field(default_factory=list)
    amounts: list[tuple[str, Amount, int]] = field(default_factory=list)  # (entity key, amount, sentence)
