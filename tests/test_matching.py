"""Fast stand-ins for regexes built per document must find what the regexes found."""
from __future__ import annotations

import random
import re

from kg.extract.recognise import _alternation, leftmost_longest


def test_leftmost_longest_is_the_alternation_regex():
    rng = random.Random(6)
    for _ in range(5000):
        text = "".join(rng.choice("公司科技园区") for _ in range(rng.randint(0, 30)))
        words = {"".join(rng.choice("公司科技园区") for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(1, 6))}
        expected = [(m.start(), m.group()) for m in re.compile(_alternation(words)).finditer(text)]
        assert leftmost_longest(text, words) == expected, (text, words)


def test_leftmost_longest_prefers_the_longer_name_and_does_not_overlap():
    assert leftmost_longest("东方赛光电有限公司与东方赛", ["东方赛", "东方赛光电", "光电有限"]) == \
        [(0, "东方赛光电"), (10, "东方赛")]
