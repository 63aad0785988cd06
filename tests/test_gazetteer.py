"""The place gazetteer (kg/extract/gazetteer.py) over the shipped TSVs in kg/rules."""
from __future__ import annotations

from importlib import resources

import pytest

from kg.extract.gazetteer import EXCLUDED, Place, load_gazetteer


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def rows(name: str) -> list[list[str]]:
    text = (resources.files("kg") / "rules" / name).read_text(encoding="utf-8")
    lines = [line for line in text.split("\n") if line and not line.startswith("#")]
    return [line.split("\t") for line in lines[1:]]


def only(gaz, surface: str) -> Place:
    places = gaz.lookup(surface)
    assert len(places) == 1, (surface, places)
    return places[0]


def test_city_by_short_and_full_name(gaz):
    assert only(gaz, "南通") == only(gaz, "南通市")
    nantong = only(gaz, "南通市")
    assert (nantong.name, nantong.cls, nantong.parent, nantong.code) == ("南通市", "City", "江苏省", "320600")
    assert [p.name for p in gaz.ancestors(nantong)] == ["江苏省"]


def test_district_of_a_municipality(gaz):
    jingan = only(gaz, "静安区")
    assert (jingan.cls, jingan.parent) == ("District", "上海市")
    assert [(p.name, p.cls) for p in gaz.ancestors(jingan)] == [("上海市", "City")]
    shanghai = only(gaz, "上海")
    assert (shanghai.name, shanghai.cls, shanghai.parent) == ("上海市", "City", None)


def test_ambiguous_short_form(gaz):
    places = gaz.lookup("通州")
    assert {(p.name, p.cls, p.parent) for p in places} == {
        ("通州区", "District", "北京市"),
        ("通州区", "District", "南通市"),
    }
    nantong_tongzhou = next(p for p in places if p.parent == "南通市")
    assert [p.name for p in gaz.ancestors(nantong_tongzhou)] == ["南通市", "江苏省"]


def test_former_division(gaz):
    zhabei = only(gaz, "闸北区")
    assert (zhabei.cls, zhabei.parent) == ("District", "上海市")
    now = gaz.successor(zhabei)
    assert (now.name, now.parent) == ("静安区", "上海市")
    assert only(gaz, "闸北") == zhabei
    assert gaz.successor(only(gaz, "静安区")) is None


def test_former_short_form_does_not_shadow_the_current_place(gaz):
    # 通州市 (Nantong) became 通州区 in 2009: "通州" names the current districts only
    assert all(gaz.successor(p) is None for p in gaz.lookup("通州"))
    assert gaz.successor(only(gaz, "通州市")).name == "通州区"


def test_province(gaz):
    jiangsu = only(gaz, "江苏")
    assert (jiangsu.name, jiangsu.cls, jiangsu.parent) == ("江苏省", "Province", None)
    assert only(gaz, "内蒙古").name == "内蒙古自治区"
    assert only(gaz, "广西").name == "广西壮族自治区"


def test_macro_region(gaz):
    yrd = only(gaz, "长三角")
    assert (yrd.cls, yrd.parent) == ("Region", None)
    assert only(gaz, "长江三角洲") == yrd
    assert only(gaz, "长三角地区") == yrd
    assert {p.name for p in gaz.members(yrd)} == {"上海市", "江苏省", "浙江省", "安徽省"}


@pytest.mark.parametrize("surface", ["日本", "孟加拉", "孟加拉国", "印度尼西亚", "英国", "美国"])
def test_countries(gaz, surface):
    place = gaz.lookup(surface)[0]
    assert place.cls == "Country"
    assert place.parent is None


def test_country_short_and_full_forms_agree(gaz):
    assert only(gaz, "孟加拉") == only(gaz, "孟加拉国")
    assert only(gaz, "印尼") == only(gaz, "印度尼西亚")
    assert only(gaz, "韩国").code == "KR"


def test_generic_forms_are_not_names(gaz):
    names = set(gaz.names())
    for generic in ("新区", "城区", "郊区", "矿区", "东区"):
        assert generic not in names
        assert gaz.lookup(generic) == []
    assert all(len(n) > 1 for n in names)
    assert not names & EXCLUDED
    # a division whose full name is generic stays reachable under its city's name
    assert only(gaz, "阳泉市城区").parent == "阳泉市"


def test_every_parent_code_exists():
    regions = rows("regions.tsv")
    codes = {r[0] for r in regions}
    assert len(codes) == len(regions)
    for code, name, short, level, parent_code in regions:
        assert level in ("province", "city", "district"), code
        assert parent_code == "" or parent_code in codes, (code, name, parent_code)
        assert short == "" or len(short) >= 2, (code, short)
    for code, name, short, level, parent_code, now_part_of, *_ in rows("regions_former.tsv"):
        assert code not in codes, code
        assert parent_code in codes and now_part_of in codes, code


def test_regions_tsv_is_sorted():
    codes = [r[0] for r in rows("regions.tsv")]
    assert codes == sorted(codes)
