"""Stage 1, read: encodings, HTML, Markdown, files that cannot be used, duplicates, cut paragraphs."""
from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from kg import api
from kg.errors import DocumentError, InputError
from kg.read import Duplicate, normalise, read_document, read_documents

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

# Two paragraphs of simplified Chinese, 200+ characters, so that charset detection has material.
SIMPLIFIED = (
    "上海市北高新（南通）科技城位于江苏省南通市，是上海与南通两地合作共建的重要产业园区。"
    "经过十年的发展，科技城已经集聚了汽车电子、生命大健康、集成电路和消费互联网等产业，"
    "引进企业两百余家，实现项目总投资超过三百九十亿元。\n"
    "园区坚持高起点规划，先后建设了车创智车城、宝月湖生命健康产业园、长江智谷信息产业园等主题园区，"
    "形成了产业集聚发展的新态势。未来，科技城将继续深化沪通合作，打造长三角一体化发展的示范区，"
    "为区域经济高质量发展作出更大贡献。\n"
)
# The same text in traditional characters: Big5 cannot encode simplified ones (苏, 区 …).
TRADITIONAL = (
    "上海市北高新（南通）科技城位於江蘇省南通市，是上海與南通兩地合作共建的重要產業園區。"
    "經過十年的發展，科技城已經集聚了汽車電子、生命大健康、集成電路和消費互聯網等產業，"
    "引進企業兩百餘家，實現項目總投資超過三百九十億元。\n"
    "園區堅持高起點規劃，先後建設了車創智車城、寶月湖生命健康產業園、長江智谷信息產業園等主題園區，"
    "形成了產業集聚發展的新態勢。未來，科技城將繼續深化滬通合作，打造長三角一體化發展的示範區，"
    "為區域經濟高質量發展作出更大貢獻。\n"
)


def test_sample_texts_are_long_enough():
    assert len(SIMPLIFIED) >= 200 and len(TRADITIONAL) >= 200


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


ENCODINGS = {  # name → bytes of SIMPLIFIED
    "utf-8": SIMPLIFIED.encode("utf-8"),
    "utf-8-bom": codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8"),
    "gb18030": SIMPLIFIED.encode("gb18030"),
    "gbk": SIMPLIFIED.encode("gbk"),
    "utf-16-le-bom": codecs.BOM_UTF16_LE + SIMPLIFIED.encode("utf-16-le"),
    "utf-16-be-bom": codecs.BOM_UTF16_BE + SIMPLIFIED.encode("utf-16-be"),
}


@pytest.mark.parametrize("name", ENCODINGS)
def test_encodings_decode_to_the_same_text(tmp_path, name):
    doc = read_document(write(tmp_path / f"article-{name}.txt", ENCODINGS[name]))
    assert doc.text == SIMPLIFIED
    assert "\ufeff" not in doc.text


@pytest.mark.parametrize("encoding", ["big5", "utf-8", "gb18030", "utf-16"])
def test_traditional_text_decodes_the_same_in_big5(tmp_path, encoding):
    doc = read_document(write(tmp_path / f"trad-{encoding}.txt", TRADITIONAL.encode(encoding)))
    assert doc.text == TRADITIONAL


def test_one_article_in_every_encoding_is_read_once(tmp_path):
    """Duplicates are found by decoded text, so the same article in six encodings is one document."""
    for name, data in ENCODINGS.items():
        write(tmp_path / f"{name}.txt", data)
    reading = read_documents([tmp_path])
    assert len(reading.documents) == 1
    assert len(reading.merged) == len(ENCODINGS) - 1
    assert {m.document for m in reading.merged} == {reading.documents[0].id}
    assert reading.failed == [] and reading.skipped == []


def test_utf8_cut_in_the_middle_of_its_last_character(tmp_path):
    doc = read_document(write(tmp_path / "cut.txt", SIMPLIFIED.encode("utf-8")[:-2]))
    assert doc.text == SIMPLIFIED[:-2]


def test_forced_encoding(tmp_path):
    path = write(tmp_path / "gbk.txt", SIMPLIFIED.encode("gbk"))
    assert read_document(path, encoding="gb18030").text == SIMPLIFIED
    assert read_document(path, encoding="gbk").text == SIMPLIFIED


def test_forced_encoding_that_does_not_fit_is_a_document_error(tmp_path):
    path = write(tmp_path / "gbk.txt", SIMPLIFIED.encode("gbk"))
    with pytest.raises(DocumentError) as info:
        read_document(path, encoding="utf-8")
    assert info.value.path == str(path)
    assert "utf-8" in info.value.reason


def test_forced_encoding_reaches_the_build(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    write(src / "big5.txt", TRADITIONAL.encode("big5"))
    result = api.build([src], tmp_path / "out", encoding="big5")
    assert result.documents[0].text == TRADITIONAL
    assert not result.skipped


def test_unknown_forced_encoding_is_an_input_error(tmp_path):
    write(tmp_path / "a.txt", SIMPLIFIED.encode("utf-8"))
    with pytest.raises(InputError, match="unknown encoding 'no-such-codec'"):
        read_documents([tmp_path], encoding="no-such-codec")


HTML = """<!DOCTYPE html>
<html><head><title>页面标题</title><style>p { color: red; } .x::after { content: "样式文字"; }</style>
<script>var secret = "脚本文字"; document.write("<p>脚本段落</p>");</script></head>
<body><h1>市北科技城十年</h1><p>科技城位于南通&amp;上海之间，&ldquo;产城融合&rdquo;&nbsp;发展。</p><div>引进企业&#50;&#x33;0余家</div>
<ul><li>汽车电子</li><li>生命大健康</li></ul>第一行<br>第二行
<noscript>请启用脚本</noscript></body></html>"""


@pytest.fixture
def html_text(tmp_path) -> str:
    return read_document(write(tmp_path / "page.html", HTML.encode("utf-8"))).text


def test_html_drops_scripts_and_styles(html_text):
    for hidden in ("脚本文字", "脚本段落", "样式文字", "color", "document.write", "请启用脚本"):
        assert hidden not in html_text


def test_html_keeps_no_markup(html_text):
    assert "<" not in html_text and ">" not in html_text


def test_html_block_elements_are_lines(html_text):
    lines = [line.strip() for line in html_text.splitlines() if line.strip()]
    assert "市北科技城十年" in lines
    assert "汽车电子" in lines and "生命大健康" in lines
    assert "第一行" in lines and "第二行" in lines
    assert "引进企业230余家" in lines


def test_html_entities_are_unescaped(html_text):
    assert "南通&上海" in html_text
    assert "“产城融合”\u00a0发展" in html_text or "“产城融合” 发展" in html_text
    assert "&amp;" not in html_text and "&ldquo;" not in html_text


def test_html_entities_are_unescaped_once(tmp_path):
    """Text that shows an entity literally ("&amp;lt;" in the page) is the text "&lt;"."""
    page = "<html><body><p>转义示例：&amp;lt;p&amp;gt; 与 AT&amp;amp;T</p></body></html>"
    text = read_document(write(tmp_path / "escape.htm", page.encode("utf-8"))).text
    assert "&lt;p&gt;" in text
    assert "AT&amp;T" in text


def test_html_in_gbk(tmp_path):
    page = f"<html><head><meta charset=gbk></head><body><p>{SIMPLIFIED}</p></body></html>"
    text = read_document(write(tmp_path / "gbk.html", page.encode("gbk"))).text
    assert SIMPLIFIED.strip().splitlines()[0] in text


def test_markdown_is_read_as_text(tmp_path):
    md = "# 市北科技城\n\n**汽车电子**产业集聚，见[链接](https://example.com)。\n"
    doc = read_document(write(tmp_path / "note.md", md.encode("utf-8")))
    assert doc.text == md
    assert doc.id == "note"


@pytest.mark.parametrize("name,data,words", [
    ("report.pdf", b"%PDF-1.4 ...", ["unsupported", ".pdf"]),
    ("noext", SIMPLIFIED.encode("utf-8"), ["unsupported"]),
])
def test_other_file_types_are_skipped_with_a_reason(tmp_path, name, data, words):
    write(tmp_path / "good.txt", SIMPLIFIED.encode("utf-8"))
    other = write(tmp_path / name, data)
    reading = read_documents([tmp_path])
    assert [d.source for d in reading.documents] == [str(tmp_path / "good.txt")]
    assert reading.failed == []
    assert [s.path for s in reading.skipped] == [str(other)]
    for word in words:
        assert word in reading.skipped[0].reason


@pytest.mark.parametrize("name,data,words", [
    ("empty.txt", b"", ["empty"]),
    ("blank.txt", b"  \n\t\n", ["empty"]),
    ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" * 20, ["binary"]),
])
def test_unusable_articles_fail_with_a_reason(tmp_path, name, data, words):
    write(tmp_path / "good.txt", SIMPLIFIED.encode("utf-8"))
    bad = write(tmp_path / name, data)
    reading = read_documents([tmp_path])
    assert [d.source for d in reading.documents] == [str(tmp_path / "good.txt")]
    assert [(f.path, f.stage) for f in reading.failed] == [(str(bad), "read")]
    for word in words:
        assert word in reading.failed[0].reason


def test_document_error_names_the_file(tmp_path):
    bad = write(tmp_path / "image.txt", b"\x00\x01\x02binary")
    with pytest.raises(DocumentError) as info:
        read_document(bad)
    assert str(bad) in str(info.value)


def test_hidden_files_are_not_read(tmp_path):
    write(tmp_path / "a.txt", SIMPLIFIED.encode("utf-8"))
    write(tmp_path / ".DS_Store", b"\x00\x00\x00\x01Bud1")
    (tmp_path / ".git").mkdir()
    write(tmp_path / ".git" / "notes.txt", TRADITIONAL.encode("utf-8"))
    reading = read_documents([tmp_path])
    assert len(reading.documents) == 1
    assert reading.failed == reading.skipped == []


def test_duplicate_content_is_merged_into_the_first(tmp_path):
    first = write(tmp_path / "a.txt", SIMPLIFIED.encode("utf-8"))
    second = write(tmp_path / "b.txt", SIMPLIFIED.encode("utf-8"))
    write(tmp_path / "c.txt", TRADITIONAL.encode("utf-8"))
    reading = read_documents([tmp_path])
    assert [d.source for d in reading.documents] == [str(first), str(tmp_path / "c.txt")]
    assert reading.merged == [Duplicate(str(second), "a", str(first))]
    assert reading.failed == reading.skipped == []


def test_same_stem_in_two_folders_gets_distinct_ids(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    write(tmp_path / "x" / "a.txt", SIMPLIFIED.encode("utf-8"))
    write(tmp_path / "y" / "a.txt", TRADITIONAL.encode("utf-8"))
    docs = read_documents([tmp_path]).documents
    assert len({d.id for d in docs}) == 2


def test_missing_path_raises_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file or folder"):
        read_documents([tmp_path / "nowhere"])
    with pytest.raises(InputError, match="no such file or folder"):
        api.build([tmp_path / "nowhere"], tmp_path / "out")


def test_folder_with_nothing_readable_raises_input_error(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    write(src / "empty.txt", b"")
    write(src / "image.txt", b"\x00\x01\x02\x03" * 100)
    write(src / "data.csv", b"a,b\n1,2\n")
    with pytest.raises(InputError) as info:
        api.build([src], tmp_path / "out")
    message = str(info.value)
    assert "no readable articles" in message
    assert "empty.txt" in message
    assert not (tmp_path / "out" / "graph.ttl").exists()


def test_empty_folder_raises_input_error(tmp_path):
    (tmp_path / "in").mkdir()
    with pytest.raises(InputError, match="no readable articles"):
        api.build([tmp_path / "in"], tmp_path / "out")


LONG = "包括修实生物在内，位于市北科技城的宝月湖生命健康产业园已经集聚了众多高成长性企业，其中有科凯生"  # 40+ characters, cut mid-word
CONTINUED = "命、百优达等八十多家企业。"


def test_long_cut_paragraph_is_joined():
    assert len(LONG) >= 40
    assert normalise(f"{LONG}\n\n{CONTINUED}") == LONG + CONTINUED
    assert normalise(f"{LONG}\r\n\r\n{CONTINUED}") == LONG + CONTINUED


def test_short_caption_lines_stay_apart():
    caption = "市北科技城全景"
    body = "上海市北高新（南通）科技城走过十年。"
    assert normalise(f"{caption}\n\n{body}") == f"{caption}\n\n{body}"
    assert normalise(f"{caption}\n{body}") == f"{caption}\n{body}"


def test_paragraph_that_ends_a_sentence_stays_apart():
    first = LONG + "。"
    assert normalise(f"{first}\n\n{CONTINUED}") == f"{first}\n\n{CONTINUED}"


def test_paragraph_followed_by_a_heading_or_number_stays_apart():
    for nxt in ("【相关阅读】", "2017年，经纬恒润入驻。", "# 小标题"):
        assert normalise(f"{LONG}\n\n{nxt}") == f"{LONG}\n\n{nxt}"


def test_cut_paragraph_is_joined_in_a_read_document(tmp_path):
    path = write(tmp_path / "cut.txt", f"{LONG}\n\n{CONTINUED}\n".encode("gb18030"))
    assert "科凯生命、百优达" in read_document(path).text


def test_normalise_unifies_line_ends_and_drops_zero_width():
    assert normalise("第一段。\r\n第二段。\r第三段。") == "第一段。\n第二段。\n第三段。"
    assert normalise("经纬\u200b恒润\ufeff。") == "经纬恒润。"
    assert normalise("科技城。 \u3000\n下一段。") == "科技城。\n下一段。"
