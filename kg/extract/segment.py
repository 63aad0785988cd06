"""Stage 2, segment: sentences and jieba tokens.

jieba runs with the project's own dictionary (name suffixes, industries, places) so
that 科技城, 有限公司 or 静安区 come out as whole tokens and names can be cut at
token boundaries. One tokenizer per process; it is built once and reused.
"""
from __future__ import annotations

import hashlib
import logging
import marshal
import os
import re
import tempfile
from functools import lru_cache
from itertools import accumulate
from math import log
from pathlib import Path
from typing import Any, Callable, Sequence

import jieba
from jieba import finalseg

from .. import rules
from ..model import Document, Sentence
from .gazetteer import load_gazetteer

SENTENCE_END = re.compile(r"[。！？!?；;\n]+")
#: runs cut by the HMM remembered at most
HMM_CUTS_KEPT = 100_000
#: fragments whose weight (or absence from the dictionary) is remembered at most
WEIGHTS_KEPT = 500_000
#: what the table of weights gives for a fragment it does not have (yet)
UNSEEN = object()
#: the weight of a fragment that no dictionary entry starts with: the word graph ends there
ABSENT = object()


class Tokenizer(jieba.Tokenizer):
    """jieba's tokenizer, cutting exactly as jieba's default cut (HMM on) does, in less time.

    For each run of Chinese characters jieba builds a word graph (a dict of lists), then finds
    the most probable path through it, taking the logarithm of a candidate word's count at
    every occurrence. Here the path is found as the graph is read, right to left, and each
    word's log-probability is computed once per process, in a table of the dictionary entries
    the text has had: far smaller than the dictionary, it stays in the processor's cache, so a
    fragment of text costs one look-up there. The table also remembers the fragments that end
    a search (no entry starts with them), as every position of the text ends with one. The sums are the same floating-point
    operations in the same order and ties go the same way, so every token is the same (tests
    compare with jieba.Tokenizer). A run of characters the dictionary cannot place (a name,
    mostly, and names recur) is cut by jieba's HMM once and remembered. Other modes
    (cut_all, HMM off) are jieba's own.
    """

    def __init__(self):
        super().__init__()
        self._forget()

    def _forget(self) -> None:
        self._weights: dict[str, float | object | None] = {}
        self._hmm_cuts: dict[str, tuple[str, ...]] = {}
        self._force_splits = len(finalseg.Force_Split_Words)

    # the dictionary changes only here: what was remembered of it is forgotten
    def initialize(self, dictionary=None):
        self._forget()
        super().initialize(dictionary)

    def add_word(self, word, freq=None, tag=None):
        self._forget()
        super().add_word(word, freq, tag)

    def use_dictionary(self, freq: dict[str, int], total: int) -> None:
        """Take the counts and total of another tokenizer's dictionary (as cached)."""
        self._forget()
        self.FREQ, self.total, self.initialized = freq, total, True

    def cut(self, sentence, cut_all=False, HMM=True, use_paddle=False):
        if cut_all or not HMM or use_paddle:
            yield from super().cut(sentence, cut_all, HMM, use_paddle)
        else:
            yield from self.words(jieba.strdecode(sentence))

    def words(self, sentence: str) -> list[str]:
        """The default cut as a list, without a generator's cost per word. A split at a pattern's
        matches puts them at the odd places, so no block is matched again."""
        words = []
        for n, block in enumerate(jieba.re_han_default.split(sentence)):
            if n % 2:
                words += self._cut_han(block)
            elif block:
                for k, part in enumerate(jieba.re_skip_default.split(block)):
                    if k % 2:
                        words.append(part)
                    else:
                        words += part
        return words

    def _cut_han(self, block: str) -> list[str]:
        """jieba's cut of a run of Chinese characters: dictionary words on the best path, and
        runs of single characters that form no word given to the HMM (finalseg)."""
        ends = self._best_path(block)
        words, single, x = [], "", 0
        while x < len(block):
            y = ends[x]
            if y - x == 1:
                single += block[x]
            else:
                if single:
                    words += self._unknown(single)
                    single = ""
                words.append(block[x:y])
            x = y
        if single:
            words += self._unknown(single)
        return words

    def _unknown(self, run: str) -> Sequence[str]:
        if len(run) == 1:
            return [run]
        if self.FREQ.get(run):
            return list(run)
        # the HMM's words are the same for the same run while jieba's (global) list of words to
        # split stays the same; the memory is bounded
        if len(finalseg.Force_Split_Words) != self._force_splits or len(self._hmm_cuts) > HMM_CUTS_KEPT:
            self._forget()
        words = self._hmm_cuts.get(run)
        if words is None:
            words = self._hmm_cuts[run] = tuple(finalseg.cut(run))
        return words

    def _best_path(self, block: str) -> list[int]:
        """For each position, the end of the word that starts there on the most probable path."""
        self.check_initialized()
        if len(self._weights) > WEIGHTS_KEPT:
            self._weights.clear()
        get, freq, n = self._weights.get, self.FREQ, len(block)
        score, ends = [0.0] * (n + 1), [0] * (n + 1)
        for k in range(n - 1, -1, -1):
            best, end = None, k + 1
            i, fragment = k, block[k]
            while True:
                weight = get(fragment, UNSEEN)
                if weight is UNSEEN:
                    weight = self._weigh(fragment)
                if weight is ABSENT:
                    break
                if weight is not None:
                    # jieba: max((weight + score, i)): the later end wins a tie
                    weight += score[i + 1]
                    if best is None or weight >= best:
                        best, end = weight, i + 1
                i += 1
                if i >= n:
                    break
                fragment = block[k:i + 1]
            if best is None:        # no dictionary word starts here: the character alone
                best = log(freq.get(block[k]) or 1) - log(self.total) + score[k + 1]
            score[k], ends[k] = best, end
        return ends

    def _weigh(self, fragment: str) -> float | object | None:
        """A fragment's log-probability, None for a prefix that is no word (count 0), ABSENT for
        one that is not in the dictionary."""
        count = self.FREQ.get(fragment)
        weight = self._weights[fragment] = ABSENT if count is None else log(count) - log(self.total) if count else None
        return weight


def jieba_cached(name: str, key: str, build: Callable[[], Any]) -> Any:
    """`build()` (a value marshal can write), kept in the temp directory as jieba keeps its own
    dictionary, under `name` and a digest of `key` and jieba's version: reading it back costs a
    fraction of building it. A missing or broken file is built and written again (atomically)."""
    digest = hashlib.sha256(f"{jieba.__version__}\0{key}".encode()).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"parkkg-{name}-{digest}.cache"
    try:
        return marshal.loads(path.read_bytes())     # marshal.load(file) is several times slower
    except (OSError, EOFError, ValueError, TypeError):
        pass
    value = build()
    try:
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, prefix=path.name, delete=False) as out:
            marshal.dump(value, out)
        os.replace(out.name, path)
    except OSError:
        pass        # only costs time in the next process
    return value


@lru_cache(maxsize=1)
def tokenizer() -> Tokenizer:
    """jieba with the project's words; the resulting dictionary is cached (jieba_cached)."""
    jieba.setLogLevel(logging.WARNING)
    words = set(rules.column("entity_suffixes", "suffix"))
    words |= set(rules.column("industries", "name"))
    words |= set(rules.column("boundary_words", "word"))
    words |= {name for name in load_gazetteer().names() if len(name) > 2}
    places = sorted(n for n in load_gazetteer().names() if len(n) == 2)
    words = sorted(words)

    def with_words() -> tuple[dict[str, int], int]:
        tok = Tokenizer()
        for word in words:
            tok.add_word(word, freq=20000)
        # two-character places (南通, 安达) only as often as jieba's own counts say,
        # so that 诺德安达 is not cut into 诺德 + 安达
        for name in places:
            tok.add_word(name, freq=max(tok.FREQ.get(name, 0), 5))
        return tok.FREQ, tok.total

    tok = Tokenizer()
    tok.use_dictionary(*jieba_cached("dictionary", "\0".join([*words, "", *places]), with_words))
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
        words = tok.words(sent.text)
        bounds = list(accumulate(map(len, words), initial=sent.start))
        doc.tokens += zip(words, bounds, bounds[1:])
    return doc
