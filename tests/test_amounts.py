"""Money amounts in Chinese news: value in currency units, ISO 4217 currency, the span as written."""
from __future__ import annotations

import pytest

from kg.extract.amounts import find_amounts, to_number


def amounts(text: str) -> list[tuple[float, str, str]]:
    return [(a.value, a.currency, a.text) for a, _, _ in find_amounts(text)]


@pytest.mark.parametrize("text,value,currency,written", [
    ("总投资5亿元的百优达生命科技", 5e8, "CNY", "5亿元"),
    ("总投资1亿美元的思瑞科技", 1e8, "USD", "1亿美元"),
    ("成立全资子公司江苏涵润，总投资近10亿元，深耕汽车电子", 1e9, "CNY", "近10亿元"),
    ("实现项目总投资超390亿元，各类税收", 3.9e10, "CNY", "超390亿元"),
    ("上海市北高新股份有限公司斥资3.5亿元打造", 3.5e8, "CNY", "3.5亿元"),
    ("公司已经拿到三笔3000万元的研发资金", 3e7, "CNY", "3000万元"),
    ("项目计划投资近亿元", 1e8, "CNY", "近亿元"),
    ("总投资两亿元的新项目", 2e8, "CNY", "两亿元"),
    ("注册资本10亿元人民币，", 1e9, "CNY", "10亿元人民币"),
    ("设立三千万元天使基金", 3e7, "CNY", "三千万元"),
    ("总规模十亿元大数据产业基金", 1e9, "CNY", "十亿元"),
    ("约2亿欧元的投资", 2e8, "EUR", "约2亿欧元"),
    ("逾5000万港元", 5e7, "HKD", "逾5000万港元"),
])
def test_amount(text, value, currency, written):
    found = amounts(text)
    assert len(found) == 1, found
    got_value, got_currency, got_text = found[0]
    assert got_value == pytest.approx(value, rel=0, abs=0.01)
    assert got_currency == currency
    assert got_text == written


def test_hedges_keep_the_stated_figure():
    for text in ("近10亿元", "超10亿元", "超过10亿元", "约10亿元", "逾10亿元", "达10亿元"):
        assert [v for v, _, _ in amounts(text)] == [1e9], text


def test_currency_after_yuan_is_one_amount():
    assert amounts("投资10亿元人民币建设") == [(1e9, "CNY", "10亿元人民币")]


@pytest.mark.parametrize("text", ["人民币", "以人民币结算", "美元汇率走强", "多元化发展", "元旦期间"])
def test_bare_currency_word_is_no_amount(text):
    assert amounts(text) == []


def test_numbers_without_currency_are_no_amount():
    assert amounts("引进企业230余家，占地1905亩") == []
    assert amounts("预计产值5亿") == []


def test_spans_are_right():
    text = "总投资1亿美元的思瑞科技，总投资5亿元的百优达生命科技，总投资近10亿元"
    found = find_amounts(text)
    assert [(a.text, text[s:e]) for a, s, e in found] == [(a.text, a.text) for a, _, _ in found]
    assert [text[s:e] for _, s, e in found] == ["1亿美元", "5亿元", "近10亿元"]
    assert [(s, e) for _, s, e in found] == [(3, 7), (16, 19), (31, 36)]


def test_several_amounts_in_one_sentence_in_order():
    text = "投资10亿元人民币和1亿美元，另有3.5亿元"
    assert amounts(text) == [(1e9, "CNY", "10亿元人民币"), (1e8, "USD", "1亿美元"), (3.5e8, "CNY", "3.5亿元")]


@pytest.mark.parametrize("text,value", [("5", 5), ("3.5", 3.5), ("两", 2), ("三千", 3000), ("十二", 12),
                                        ("一百", 100), ("一点五", 1.5)])
def test_to_number(text, value):
    assert to_number(text) == pytest.approx(value)


def test_space_between_number_and_unit_does_not_lose_the_number():
    """Scraped pages often put a space in "5 亿元"; reading it as "亿元" (1e8) would be wrong by 5x."""
    found = amounts("项目总投资5 亿元")
    assert all(v != 1e8 for v, _, _ in found), found
    assert found in ([], [(5e8, "CNY", "5 亿元")]), found


def test_ternary_battery_is_not_three_yuan():
    """三元锂电池 (ternary lithium battery) is an industry, not 3 CNY."""
    assert amounts("建设三元锂电池正极材料项目") == []
