"""Stage 2, segment: sentence boundaries and tokens that keep the genre's names whole."""
from __future__ import annotations

from kg.extract.segment import segment, split_sentences, tokenizer
from kg.model import Document


def test_sentences_split_on_chinese_punctuation_and_lines_with_offsets():
    text = "园区引进项目。企业落户！是吗？\n标题行\n最后一句；"
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == ["园区引进项目", "企业落户", "是吗", "标题行", "最后一句"]
    assert all(text[s.start:s.end] == s.text for s in sentences)
    assert [s.index for s in sentences] == list(range(5))


def test_domain_dictionary_keeps_suffixes_places_and_industries_whole():
    words = list(tokenizer().cut("苏锡通科技产业园区与静安区发力集成电路产业"))
    assert "科技产业园区" in words or "产业园区" in words
    assert "静安区" in words
    assert "集成电路" in words


def test_tokens_cover_every_sentence_with_offsets():
    doc = segment(Document("d", "d", "经纬恒润在市北科技城成立全资子公司江苏涵润。园区引进企业。"))
    assert doc.tokens and all(doc.text[s:e] == w for w, s, e in doc.tokens)
    covered = "".join(w for w, _, _ in doc.tokens)
    assert covered == "".join(s.text for s in doc.sentences)


def test_the_tokenizer_is_built_once():
    assert tokenizer() is tokenizer()


def test_the_tokenizer_cuts_exactly_as_jieba_does():
    """Same dictionary, same added words: the faster word graph gives the same tokens."""
    import jieba

    from kg.extract.segment import Tokenizer
    from kg.read import read_documents

    from conftest import CORPUS, EVAL_DOCS

    ours, theirs = Tokenizer(), jieba.Tokenizer()
    for tok in (ours, theirs):
        for word, freq in (("市北高新", 20000), ("苏锡通科技产业园区", 20000), ("安达", 5)):
            tok.add_word(word, freq=freq)
    texts = [doc.text for doc in read_documents([CORPUS, *([EVAL_DOCS] if EVAL_DOCS.is_dir() else [])]).documents]
    texts += ["", " \n\t", "😀园区 A+B  c#d 3.5% -x_y", "上海市北高新（南通）科技城与苏锡通科技产业园区签约，诺德安达学校落户。ABC123公司，2024年"]
    for text in texts:
        assert list(ours.cut(text)) == list(theirs.cut(text))
        assert list(ours.cut(text, HMM=False)) == list(theirs.cut(text, HMM=False))
    for tok in (ours, theirs):      # counts changed after cutting: no stale probabilities
        tok.add_word("签约诺德", freq=10**9)
        tok.del_word("科技城")
    assert list(ours.cut(texts[-1])) == list(theirs.cut(texts[-1]))


def test_the_cached_dictionary_is_the_one_built(monkeypatch, tmp_path):
    import tempfile

    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))
    built = tokenizer.__wrapped__()         # no cache yet: the words are added, the result written
    assert list(tmp_path.glob("parkkg-dictionary-*.cache"))
    cached = tokenizer.__wrapped__()        # read back
    assert cached.FREQ == built.FREQ and cached.total == built.total
    assert cached.FREQ["有限公司"] == 20000
    text = "上海市北高新（南通）科技城与苏锡通科技产业园区签约，诺德安达学校落户。"
    assert list(cached.cut(text)) == list(built.cut(text))


def test_jieba_cached_builds_once_and_rebuilds_a_broken_file(monkeypatch, tmp_path):
    import tempfile

    from kg.extract.segment import jieba_cached

    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))
    built = []

    def build():
        built.append(1)
        return {"园区": 3}, 7

    assert jieba_cached("test", "key", build) == ({"园区": 3}, 7)
    assert jieba_cached("test", "key", build) == ({"园区": 3}, 7) and len(built) == 1
    (cache,) = tmp_path.glob("parkkg-test-*.cache")
    cache.write_bytes(b"not marshal")
    assert jieba_cached("test", "key", build) == ({"园区": 3}, 7) and len(built) == 2
    jieba_cached("test", "other key", build)
    assert len(built) == 3
