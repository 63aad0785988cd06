"""Stage 4, resolve: mentions that name the same thing become one entity with aliases."""
from __future__ import annotations

from kg.extract import extract
from kg.extract.resolve import company_cores, main_park, park_cores, slug
from kg.model import Document


def entities(text: str) -> dict[str, set[str]]:
    doc = extract(Document("d", "d", text))
    return {e.label: e.aliases for e in doc.entities.values()}


def test_yixia_jiancheng_alias_is_merged():
    found = entities("上海市北高新（南通）科技城（以下简称“市北科技城”）走过十年。市北科技城引进企业。")
    assert "市北科技城" in found["上海市北高新（南通）科技城"]
    assert "市北科技城" not in found


def test_company_with_and_without_legal_form_and_brackets_is_one():
    found = entities("上海市北高新（集团）有限公司负责开发。上海市北高新集团负责运营。市北高新集团投资40亿元。")
    [label] = [k for k in found if "集团" in k]
    assert {"上海市北高新集团", "市北高新集团"} <= found[label]


def test_group_and_stock_company_stay_apart():
    found = entities("上海市北高新（集团）有限公司与上海市北高新股份有限公司签订协议。")
    assert "上海市北高新股份有限公司" in found and "上海市北高新（集团）有限公司" in found


def test_park_named_with_and_without_city_and_long_suffix_is_one():
    found = entities("苏锡通科技产业园区成立。苏锡通园区发展迅速。")
    assert found["苏锡通科技产业园区"] == {"苏锡通园区"}


def test_city_short_and_full_name_are_one_place():
    found = entities("南通市与上海市签订合作协议。南通与上海合作。")
    assert found["南通市"] == {"南通"} and found["上海市"] == {"上海"}


def test_park_anaphor_points_to_the_articles_park():
    doc = extract(Document("d", "d", "苏锡通科技产业园区举行签约。园区引进江苏中天科技有限公司。"))
    park = main_park(doc)
    assert doc.entities[park].label == "苏锡通科技产业园区"
    assert any(f.subject == park and f.relation == "hosts" for f in doc.facts)


def test_keys_and_iris():
    assert company_cores("上海市北高新（集团）有限公司") == ["上海市北高新集团", "北高新集团", "市北高新集团"]
    assert "苏锡通|园" in park_cores("苏锡通科技产业园区")
    assert slug("江苏 涵润#1/\"x\"") == slug("江苏涵润#1/x")
    assert all(c not in slug("a b<c>\"#/") for c in ' <>"#/')


def test_gai_yuan_points_back_to_the_park_just_named():
    doc = extract(Document("d", "d", "合肥高新区今年引进企业120家。区内的云谷数字产业园开园。"
                                     "该园由合肥高新建设投资集团有限公司负责开发建设和运营。"))
    developed = {(doc.entities[f.subject].label, doc.entities[f.object].label) for f in doc.facts
                 if f.relation == "developedBy"}
    assert developed == {("云谷数字产业园", "合肥高新建设投资集团有限公司")}, developed


def test_you_chen_gives_the_sentences_subject_a_second_name():
    found = entities("张江高科技园区地处上海市浦东新区中部，又称“张江药谷”。张江药谷今年引进企业80家。")
    assert "张江药谷" in found["张江高科技园区"]


def test_zhe_jia_described_firm_points_back_to_the_last_company():
    doc = extract(Document("d", "d", "成都禾康生物制药有限公司今年投产。这家由海归团队创办的企业今年完成6亿元C轮融资。"))
    [(key, amount, _)] = doc.amounts
    assert doc.entities[key].label == "成都禾康生物制药有限公司" and amount.value == 600_000_000


def test_a_bare_kind_of_park_names_the_last_park_of_that_kind():
    doc = extract(Document("d", "d", "南宁经开区今年加快建设邕桂数字产业合作园。合作园由广西邕桂产业园开发有限公司负责开发建设。"))
    developed = {(doc.entities[f.subject].label, doc.entities[f.object].label) for f in doc.facts
                 if f.relation == "developedBy"}
    assert developed == {("邕桂数字产业合作园", "广西邕桂产业园开发有限公司")}, developed


def test_quan_cheng_gives_the_full_name():
    found = entities("青岛蓝谷（全称青岛蓝色硅谷核心区）今年引进企业。")
    assert any("青岛蓝谷" in {label, *aliases} and "青岛蓝色硅谷核心区" in {label, *aliases}
               for label, aliases in found.items()), found


def test_quan_cheng_without_brackets_and_a_bracketed_alias_belongs_to_the_name_before_it():
    found = entities("青岛蓝谷全称青岛蓝色硅谷核心区，坐落于青岛市即墨区。")
    assert any({"青岛蓝谷", "青岛蓝色硅谷核心区"} <= {label, *aliases} for label, aliases in found.items()), found
    found = entities("由南宁经济技术开发区与广州开发区结对共建邕桂数字产业合作园（以下简称“合作园”）。合作园今年开园。")
    assert "合作园" not in found.get("南宁经济技术开发区", set()), found


def test_qi_before_a_plant_or_headquarters_points_back_to_the_last_company():
    doc = extract(Document("d", "d", "深圳云帆科技有限公司深耕工业软件。其西北总部将入驻西安高新区丝路软件城。"))
    hosted = {(doc.entities[f.subject].label, doc.entities[f.object].label) for f in doc.facts if f.relation == "hosts"}
    assert ("丝路软件城", "深圳云帆科技有限公司") in hosted, hosted
