"""Stage 2, segment: sentences and jieba tokens.

jieba runs with the project's own dictionary (name suffixes, industries, places) so
that 科技城, 有限公司 or 静安区 come out as whole tokens and names can be cut at
token boundaries. One tokenizer per process; it is built once and reused.
"""
from __future__ import annotations

import logging
import re
from functools import lru_cache
from math import log

import jieba

from .. import rules
from ..model import Document, Sentence
from .gazetteer import load_gazetteer

SENTENCE_END = re.compile(r"[。！？!?；;\n]+")


class Tokenizer(jieba.Tokenizer):
    """jieba's tokenizer, cutting exactly as it does, with its word graph built and walked faster.

    jieba's `calc` takes a logarithm of every candidate word's count each time it meets it;
    here each word's log-probability is computed once per process and remembered. The sums
    are the same floating-point operations in the same order, so the best path is the same.
    """

    def __init__(self):
        super().__init__()
        self._log_probability: dict[str, float] = {}

    # the dictionary changes only here: what was remembered of it is forgotten
    def initialize(self, dictionary=None):
        self._log_probability = {}
        super().initialize(dictionary)

    def add_word(self, word, freq=None, tag=None):
        self._log_probability = {}
        super().add_word(word, freq, tag)

    def get_DAG(self, sentence: str) -> dict[int, list[int]]:
        self.check_initialized()
        freq, dag, n = self.FREQ, {}, len(sentence)
        for k in range(n):
            ends, i, fragment = [], k, sentence[k]
            while fragment in freq:
                if freq[fragment]:
                    ends.append(i)
                i += 1
                if i >= n:
                    break
                fragment = sentence[k:i + 1]
            dag[k] = ends or [k]
        return dag

    def calc(self, sentence: str, DAG: dict[int, list[int]], route: dict) -> None:
        log_total = log(self.total)
        known = self._log_probability
        route[len(sentence)] = (0, 0)
        for idx in range(len(sentence) - 1, -1, -1):
            best = None
            for x in DAG[idx]:
                word = sentence[idx:x + 1]
                weight = known.get(word)
                if weight is None:
                    weight = known[word] = log(self.FREQ.get(word) or 1) - log_total
                candidate = (weight + route[x + 1][0], x)
                if best is None or candidate > best:
                    best = candidate
            route[idx] = best


@lru_cache(maxsize=1)
def tokenizer() -> Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    tok = Tokenizer()
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
