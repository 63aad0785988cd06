"""Stage 2, segment: sentences and jieba tokens.

jieba runs with the project's own dictionary (name suffixes, industries, places) so
that 科技城, 有限公司 or 静安区 come out as whole tokens and names can be cut at
token boundaries. One tokenizer per process; it is built once and reused.
"""
from __future__ import annotations

import logging
import re
from functools import lru_cache

import jieba

from .. import rules
from ..model import Document, Sentence
from .gazetteer import load_gazetteer

SENTENCE_END = re.compile(r"[。！？!?；;\n]+")


@lru_cache(maxsize=1)
def tokenizer() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    words = set(rules.column("entity_suffixes", "suffix"))
    words |= set(rules.column("industries", "name"))
    words |= set(rules.column("boundary_words", "word"))
    words |= {name for name in load_gazetteer().names() if len(name) > 2}
    for word in sorted(words):
        tok.add_word(word, freq=20000)
    # two-character places (南通, 安达) only as often as jieba's own counts say,
    # so that 诺德安达 is not cut into 诺德 + 安达
    for name in sorted(n for n in load_gazetteer().names() if len(n) == 2):
        tok.add_word(name, freq=max(tok.FREQ.get(name, 0), 5))
    return tok


def split_sentences(text: str) -> list[Sentence]:
    sentences, start = [], 0
    for match in SENTENCE_END.finditer(text):
        if text[start:match.start()].strip():
            sentences.append(Sentence(len(sentences), start, match.start(), text[start:match.start()]))
        start = match.end()
    if text[start:].strip():
        sentences.append(Sentence(len(sentences), start, len(text), text[start:]))
    return sentences


def segment(doc: Document) -> Document:
    doc.sentences = split_sentences(doc.text)
    tok = tokenizer()
    doc.tokens = []
    for sent in doc.sentences:
        pos = sent.start
        for word in tok.cut(sent.text, HMM=True):
            doc.tokens.append((word, pos, pos + len(word)))
            pos += len(word)
    return doc
