"""Stage 5, relate: the document-level inferences beyond the pattern table (kg/rules/relations.tsv,
whose rows test themselves in test_rules.py)."""
from __future__ import annotations

from kg.extract import extract
from kg.model import Document


def facts(text: str, relation: str) -> set[tuple[str, str]]:
    doc = extract(Document("d", "d", text))
    return {(doc.entities[f.subject].label, doc.entities[f.object].label) for f in doc.facts
            if f.relation == relation}


PARK_REPORT = ("合肥高新区上半年工作总结。今年以来，合肥高新区新签约项目42个。"
               "总投资12亿元的华拓汽车一体化压铸件项目进入设备安装阶段。"
               "沪苏通铁路二期项目总投资80亿元，年内开工。")


def test_a_project_with_an_investment_figure_is_in_the_articles_park():
    hosted = facts(PARK_REPORT, "hosts")
    assert ("合肥高新区", "华拓汽车一体化压铸件项目") in hosted
    assert not any(o.startswith("沪苏通铁路") for _, o in hosted)


def test_a_platform_named_after_a_park_is_in_it():
    hosted = facts("成都高新区今年新增孵化器5家，成都高新区人工智能加速器已入孵企业30家。", "hosts")
    assert ("成都高新区", "成都高新区人工智能加速器") in hosted


def test_the_builder_of_a_project_sited_in_a_park_is_in_it():
    hosted = facts("华芯12英寸晶圆制造项目由陕西华芯半导体有限公司投资建设，选址西安高新区草堂科技产业基地。", "hosts")
    assert {("草堂科技产业基地", "华芯12英寸晶圆制造项目"), ("草堂科技产业基地", "陕西华芯半导体有限公司")} <= hosted


def amounts(text: str) -> dict[str, float]:
    doc = extract(Document("d", "d", text))
    return {doc.entities[key].label: amount.value for key, amount, _ in doc.amounts}


def test_an_amount_spent_on_building_goes_to_what_is_built():
    assert amounts("宛达电机有限公司在产业园投资4.6亿元建设新能源汽车驱动电机项目。") == {"新能源汽车驱动电机项目": 4.6e8}


def test_an_amount_a_firm_received_goes_to_the_firm():
    found = amounts("福州拓晶新材料有限公司获榕创生物医药子基金投资5000万元。母基金还直接投资福建智算科技有限公司8000万元。")
    assert found == {"福州拓晶新材料有限公司": 5e7, "福建智算科技有限公司": 8e7}


def test_a_fund_just_founded_focuses_on_what_the_next_clause_names():
    focused = facts("合肥高新区管委会联合兴瑞资本管理有限公司发起设立合肥新能源汽车产业基金，总规模30亿元，"
                    "重点投向动力电池和智能座舱。", "focusesOn")
    assert {("合肥新能源汽车产业基金", "动力电池"), ("合肥新能源汽车产业基金", "智能座舱")} <= focused, focused


def test_a_sentence_opening_with_a_place_is_still_about_the_firm_after_it():
    focused = facts("苏州工业园区今年引进企业。总部位于芬兰的Kaarna Robotics Oy成立于2009年，专注于协作机器人和机器视觉。",
                    "focusesOn")
    assert ("Kaarna Robotics Oy", "协作机器人") in focused, focused


def test_a_park_named_with_the_articles_parks_brand_is_its_sub_park():
    hosted = facts("厦门火炬高技术产业开发区（以下简称“火炬高新区”）今年引进企业80家。火炬高新区召开大会。"
                   "新显研究院坐落于火炬（翔安）产业区。", "hosts")
    assert ("厦门火炬高技术产业开发区", "火炬（翔安）产业区") in hosted, hosted


def test_a_brand_that_is_the_kind_of_name_after_a_place():
    hosted = facts("武汉东湖新技术开发区（以下简称“东湖高新区”）又称“中国光谷”。东湖高新区今年引进企业。"
                   "位于光谷生物城的武汉瑞康生物科技有限公司完成融资。", "hosts")
    assert {("武汉东湖新技术开发区", "光谷生物城"), ("武汉东湖新技术开发区", "武汉瑞康生物科技有限公司")} <= hosted, hosted
