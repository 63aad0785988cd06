"""A synthetic corpus in the genre, with the facts each article states.

    python bench/corpus.py DIR -n 2000      # DIR/articles/*.txt and DIR/facts.json

Articles are built from sentence templates of park news (总投资X亿元的Y项目落户Z园区,
A与B签订合作协议, …) filled from tables of parks, firms, cities, funds, universities,
industries and amounts, between filler sentences of the genre that state nothing. Each
article's stated facts go to DIR/facts.json, so a build can be scored against them.
The same seed gives the same corpus.
"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

CITIES = ["南通市", "苏州市", "无锡市", "常州市", "合肥市", "成都市", "青岛市", "盐城市", "嘉兴市", "宁波市",
          "芜湖市", "徐州市", "扬州市", "绍兴市", "温州市", "泉州市", "东莞市", "佛山市", "惠州市", "襄阳市"]
PARK_STEMS = ["滨江", "锦湖", "云帆", "星海", "东湖", "紫金", "江海", "临港", "新桥", "金沙", "翠屏", "龙湾",
              "凤鸣", "长风", "白鹭", "青松", "瑞安", "明珠", "天元", "鼎盛"]
PARK_SUFFIXES = ["高新技术产业开发区", "经济技术开发区", "科技城", "科技产业园区", "产业园区"]
FIRM_STEMS = ["恒润", "瀚海", "锐驰", "中擎", "星拓", "禾元", "蓝海", "海力", "芯联", "博远", "睿智", "华锐",
              "启航", "天衡", "鑫达", "嘉盛", "晶澳", "宏图", "远景", "卓越", "优创", "智联", "安芯", "万航",
              "德泰", "凯瑞", "华辰", "昊天", "正泰", "景明"]
FIRM_KINDS = ["科技有限公司", "智能装备有限公司", "新材料科技有限公司", "电子有限公司", "生物医药有限公司",
              "新能源科技有限公司", "半导体有限公司", "精密制造有限公司"]
PRODUCTS = ["动力电池", "功率芯片", "高端装备", "创新药", "光伏组件", "智能传感器", "工业机器人", "储能系统"]
GROUPS = ["城市发展集团有限公司", "投资集团有限公司", "产业发展集团有限公司"]
FUNDS = ["产业投资基金", "创新投资基金", "科创母基金", "战略性新兴产业基金"]
UNIVERSITIES = ["东南大学", "南京大学", "同济大学", "浙江大学", "南通大学", "苏州大学", "合肥工业大学", "四川大学"]
INDUSTRIES = ["集成电路", "生物医药", "新能源汽车", "高端装备", "新材料", "人工智能", "电子信息", "节能环保"]
FILLER = [
    "近年来，园区坚持以链招商、以商招商，营商环境持续优化",
    "项目建成后，预计年产值可达数十亿元，新增就业岗位上千个",
    "围绕产业链上下游，当地正加快补链、延链、强链，推动产业集群发展",
    "记者在现场看到，一排排标准厂房拔地而起，塔吊林立，车辆往来穿梭",
    "下一步，园区将进一步优化服务，为企业发展提供全方位保障",
    "今年以来，当地重大项目建设跑出加速度，一批项目提前开工",
    "企业负责人表示，看中的正是这里完善的配套和高效的服务",
    "据介绍，该项目从签约到开工仅用了不到半年时间",
    "面向未来，园区将持续深化改革创新，打造高质量发展新高地",
    "与此同时，人才公寓、学校、医院等配套设施也在加快建设",
    "业内人士认为，区域协同发展正在释放越来越大的红利",
    "今年前三季度，园区规上工业产值同比增长百分之十二",
    "走进生产车间，自动化生产线正满负荷运转，工人们有条不紊地忙碌着",
    "为破解企业融资难题，当地设立了专项资金，并推出多项金融服务举措",
    "从一片滩涂到产业新城，这里用十年时间完成了华丽转身",
    "当地还出台了一系列人才政策，吸引高层次人才来此创新创业",
    "企业建立了研发中心，每年研发投入占销售收入的比重超过百分之八",
    "园区管委会相关负责人介绍，目前仍有多个项目正在洽谈之中",
    "在项目推进过程中，相关部门实行专人专班服务，确保项目早开工、早投产",
    "随着一批重大项目陆续投产，产业链条不断延伸，集聚效应日益显现",
    "据了解，园区今年计划新开工亿元以上项目三十个以上",
    "绿色低碳发展理念贯穿园区规划建设的全过程",
    "一批专精特新企业在这里成长起来，成为行业细分领域的佼佼者",
    "园区还搭建了公共技术服务平台，为中小企业提供检验检测等服务",
]


def _firm(rng: random.Random) -> tuple[str, str]:
    """A firm's full name (city short form + stem + kind) and its short name (the stem + kind's first word)."""
    city = rng.choice(CITIES)[:-1]
    stem = rng.choice(FIRM_STEMS) + rng.choice(FIRM_STEMS)
    return f"{city}{stem}{rng.choice(FIRM_KINDS)}", stem


def article(rng: random.Random) -> tuple[str, list[tuple[str, str, str]]]:
    """One article's text and the facts (subject, relation, object) its sentences state."""
    city, city2 = rng.sample(CITIES, 2)
    park = f"{city[:-1]}{rng.choice(PARK_STEMS)}{rng.choice(PARK_SUFFIXES)}"
    firms = [_firm(rng) for _ in range(4)]
    group = f"{city[:-1]}{rng.choice(PARK_STEMS)}{rng.choice(GROUPS)}"
    fund = f"{city[:-1]}{rng.choice(FUNDS)}"
    university = rng.choice(UNIVERSITIES)
    industries = rng.sample(INDUSTRIES, 2)
    product = rng.choice(PRODUCTS)
    amount = rng.randint(2, 90)
    project = f"{firms[0][1]}{product}项目"
    facts = [(park, "locatedIn", city), (park, "hosts", project), (park, "hosts", firms[1][0]),
             (park, "hosts", firms[2][0]), (city, "partnersWith", city2), (park, "developedBy", group),
             (fund, "investsIn", firms[3][0]), (park, "cooperatesWith", university),
             (park, "focusesOn", industries[0]), (park, "focusesOn", industries[1])]
    stated = [
        f"{park}位于{city}，是当地重点打造的产业平台",
        f"总投资{amount}亿元的{project}落户{park}",
        f"{park}先后引进{firms[1][0]}、{firms[2][0]}等一批龙头企业",
        f"{city}与{city2}签订合作协议，共建跨区域产业合作园区",
        f"{park}由{group}负责开发建设和运营管理",
        f"{fund}投资{firms[3][0]}{rng.randint(1, 20)}亿元，支持企业扩大产能",
        f"{park}已与{university}共建研发平台，深化产学研合作",
        f"{park}着力打造{industries[0]}、{industries[1]}产业体系",
    ]
    sentences = stated + rng.sample(FILLER, rng.randint(14, 22))
    rng.shuffle(sentences)
    title = f"{park}：{product}项目落地 产业集聚再提速"
    paragraphs = [title] + ["。".join(sentences[i:i + 3]) + "。" for i in range(0, len(sentences), 3)]
    return "\n\n".join(paragraphs) + "\n", facts


def generate(folder: Path, n: int, seed: int = 0) -> Path:
    """Write n articles into folder/articles and their facts into folder/facts.json; returns folder/articles."""
    rng = random.Random(seed)
    articles = folder / "articles"
    articles.mkdir(parents=True, exist_ok=True)
    known = {}
    for i in range(n):
        text, facts = article(rng)
        name = f"article-{i:05d}.txt"
        (articles / name).write_text(text, encoding="utf-8")
        known[name] = facts
    (folder / "facts.json").write_text(json.dumps(known, ensure_ascii=False, indent=0), encoding="utf-8")
    return articles


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("-n", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(f"wrote {args.n} articles to {generate(args.folder, args.n, args.seed)}")
