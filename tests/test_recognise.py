"""Stage 3, recognise: where names begin and end, in sentences of the genre."""
from __future__ import annotations

import pytest

from kg import rules
from kg.extract import extract
from kg.model import Document


def names(text: str) -> dict[str, str]:
    doc = extract(Document(id="t", source="t", text=text))
    return {m.surface: m.cls for m in doc.mentions if m.cue != "anaphor"}


@pytest.mark.parametrize("text, name, cls", [
    # a firm's kind before its name is not part of it
    ("华光精密在宿迁经开区注册成立全资子公司华光精密（宿迁）有限公司。", "华光精密（宿迁）有限公司", "Company"),
    # 与 before a name that opens with a country joins two names
    ("星驰动力与中国科学技术大学携手共建固态电池联合实验室。", "中国科学技术大学", "Institution"),
    # numbered names (第三人民医院)
    ("通州区第三人民医院异地迁建。", "通州区第三人民医院", "Institution"),
    # a dictionary word that opens with 经/由/在 is not a preposition glued on by jieba
    ("株洲经济技术开发区管理委员会发布了通知。", "株洲经济技术开发区管理委员会", "GovernmentBody"),
    # 与 before a name of its own (a university, a place) joins two names
    ("华曦重工与中南大学签署协议。", "中南大学", "Institution"),
    ("星途精密与惠州仲恺高新技术产业开发区管理委员会签署协议。", "惠州仲恺高新技术产业开发区管理委员会", "GovernmentBody"),
    # ...but 与 inside one name stays (船舶与海洋工程)
    ("江苏省船舶与海洋工程装备技术创新中心成立。", "江苏省船舶与海洋工程装备技术创新中心", "Institution"),
    # verbs inside an institution's name
    ("双方共建新能源汽车热管理联合实验室。", "新能源汽车热管理联合实验室", "Institution"),
    ("企业与高校共建Mini LED巨量转移联合实验室。", "Mini LED巨量转移联合实验室", "Institution"),
    # roles, dates and spans of time before a name are not part of it
    ("老股东苏州元禾创投继续跟投。", "苏州元禾创投", "Company"),
    ("5月8日晶科精密股价上涨。", "晶科精密", "Company"),
    ("近三年张江高新区新增企业300家。", "张江高新区", "Park"),
    # one character opening the sentence is the firm's own, even when jieba reads a verb
    ("筑芯微电子（贵州）有限公司今年投产。", "筑芯微电子（贵州）有限公司", "Company"),
])
def test_name_boundaries(text, name, cls):
    found = names(text)
    assert found.get(name) == cls, found


def test_a_project_named_after_a_firm_starts_with_its_short_name():
    found = names("北京启明生物医药有限公司（以下简称“启明生物”）将投资。启明生物创新药研发中心项目总投资5亿元。")
    assert found.get("启明生物创新药研发中心项目") == "Project", found


def test_a_short_district_name_far_from_the_article_places_nothing():
    doc = extract(Document(id="t", source="t", text="贵阳市高新区。金阳科技产业园发展迅速。"))
    located = {(doc.entities[f.subject].label, doc.entities[f.object].label) for f in doc.facts
               if f.relation == "locatedIn"}
    assert not any(s == "金阳科技产业园" for s, _ in located), located


def test_a_plus_joins_two_kinds_of_thing_not_one_name():
    found = names("园区探索“研究院+基金+产业园”模式。")
    assert not any("+" in name for name in found), found


@pytest.mark.parametrize("text, name", [
    # a project named from the clause start begins after the last word no name holds
    ("华海生物将在临港生物医药产业园建设海洋多糖药物产业化项目，总投资9.8亿元。", "海洋多糖药物产业化项目"),
    # a name given its amount ends with its suffix, not with the adverb after it
    ("总投资45亿元的年产20GWh储能电池项目就此正式投产。", "年产20GWh储能电池项目"),
])
def test_names_an_amount_is_given_to(text, name):
    assert names(text).get(name) == "Project", names(text)


def test_a_firm_named_before_its_funding_round_ends_before_it():
    found = names("该基金领投星驰动力B轮融资，本轮融资额达8亿元。")
    assert found.get("星驰动力") == "Company", found


def test_a_fund_managers_registered_name_runs_through_its_fund_word():
    found = names("榕投控股全资子公司福州榕创私募基金管理有限公司担任基金管理人。")
    assert found.get("福州榕创私募基金管理有限公司") == "Company", found
    assert not any(name.endswith("子公司") for name in found), found


def test_a_fund_name_never_runs_through_a_registered_firm():
    found = names("福州拓晶新材料有限公司获榕创生物医药子基金投资5000万元。")
    assert found.get("榕创生物医药子基金") == "Fund", found


@pytest.mark.parametrize("row", rules.load_table("foreign_legal_forms"),
                         ids=lambda r: r["form"])
def test_a_foreign_firms_registered_name_is_one_company(row):
    assert names(f"来自海外的{row['example']}今年在园区设立中国总部。").get(row["example"]) == "Company"


def test_a_foreign_firm_keeps_its_spaces_and_its_short_name_is_the_same_firm():
    doc = extract(Document(id="t", source="t", text="荷兰企业Van Dijk Precision B.V.与常州华锐有限公司合资成立常州范戴克精密有限公司，"
                                                      "其中Van Dijk持股55%。"))
    [firm] = [e for e in doc.entities.values() if e.label.startswith("Van")]
    assert firm.label == "Van Dijk Precision B.V." and "Van Dijk" in firm.aliases


def test_the_last_two_items_of_a_sector_list_joined_by_he_are_two():
    found = names("合作园重点发展电子信息制造、数据服务和智能终端三大产业。")
    assert {"数据服务", "智能终端"} <= {n for n, c in found.items() if c == "Industry"}, found


@pytest.mark.parametrize("text, name, cls", [
    ("兰州新区今年引进企业46家。", "兰州新区", "Park"),
    ("浦东新区今年引进企业46家。", "浦东新区", "District"),     # a district of the gazetteer stays one
    ("山西转型综合改革示范区今年引进企业46家。", "山西转型综合改革示范区", "Park"),
])
def test_new_areas_and_demonstration_zones(text, name, cls):
    assert names(text).get(name) == cls, names(text)


def test_a_quoted_slogan_is_no_park():
    assert not any(c == "Park" for c in names("全力打造国家级“跨江融合发展示范区”。").values())


def test_a_co_built_park_carries_its_partners_name():
    found = names("苏州工业园区宿迁合作产业园今年引进企业。西安高新区草堂科技产业基地今年引进企业。")
    assert found.get("苏州工业园区宿迁合作产业园") == "Park"
    assert found.get("草堂科技产业基地") == "Park" and found.get("西安高新区") == "Park"
