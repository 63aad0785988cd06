"""Money amounts: "总投资5亿元", "1亿美元", "近10亿元", "超390亿元", "三千万元" → value and currency.

Hedges (近, 超, 约, 逾) keep the stated figure: "近10亿元" is recorded as 1e9, as a reader
would quote it. Chinese numerals go through cn2an.
"""
from __future__ import annotations

import re
from functools import lru_cache

import cn2an

from .. import rules
from ..model import Amount
from .prefilter import requirements, satisfied

UNITS = {"万": 1e4, "十万": 1e5, "百万": 1e6, "千万": 1e7, "亿": 1e8, "十亿": 1e9, "百亿": 1e10,
         "千亿": 1e11, "万亿": 1e12}
NUMBER = r"[0-9]+(?:\.[0-9]+)?|[零〇一二两三四五六七八九十百千]+(?:点[零一二三四五六七八九]+)?"
DIGITS = re.compile(r"[0-9.]+")


@lru_cache(maxsize=1)
def _pattern() -> tuple[re.Pattern, dict[str, str]]:
    currencies = {r["word"]: r["code"] for r in rules.load_table("currencies")}
    words = "|".join(sorted(map(re.escape, currencies), key=len, reverse=True))
    units = "|".join(sorted(UNITS, key=len, reverse=True))
    return re.compile(rf"(近|超过|超|约|逾|达|共计|合计|总计)?({NUMBER})?\s*({units})?({words})"), currencies


@lru_cache(maxsize=1)
def _needs() -> tuple[frozenset, ...]:
    """What a sentence must contain to hold an amount (a currency word): most sentences do not."""
    return requirements(_pattern()[0])


def to_number(text: str) -> float:
    if DIGITS.fullmatch(text):
        return float(text)
    return float(cn2an.cn2an(text.replace("两", "二"), "smart"))


def find_amounts(text: str) -> list[tuple[Amount, int, int]]:
    """Every amount in `text` with its character span; bare currency words are not amounts."""
    pattern, currencies = _pattern()
    found = []
    if not satisfied(_needs(), text):
        return found
    for match in pattern.finditer(text):
        hedge, number, unit, word = match.groups()
        if not number and not (hedge and unit):
            continue    # "亿元" alone is no amount; "近亿元" is
        if not unit and number and not number[0].isdigit():
            continue    # 三元锂电池, 一元化: a Chinese numeral right before 元 without 万/亿 is a word
        try:
            value = (to_number(number) if number else 1.0) * UNITS.get(unit or "", 1.0)
        except (ValueError, TypeError):
            continue
        found.append((Amount(round(value, 2), currencies[word], match.group()), match.start(), match.end()))
    return found
