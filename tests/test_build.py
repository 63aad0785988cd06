"""The build as a whole on bad input: every file accounted for, no bad document stops it,
outputs replaced only when complete, the cache, worker processes and dask give the same graph.

The bad corpus is generated here (binary and huge files are not committed).
"""
from __future__ import annotations

import codecs
import json
import os
import pickle
import re
import shutil
import signal
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
from rdflib import RDFS, Literal

from conftest import CORPUS, ROOT, make_runner
from kg import api, cache
from kg.cli import main
from kg.extract import extract
from kg.graph import document_iri
from kg.model import Document
from kg.read import MAX_BYTES, MAX_SENTENCE, read_document
from kg.vocab import KGO
from test_rapper import rapper_count
from test_read import TRADITIONAL

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ARTICLES = sorted(CORPUS.glob("*.txt"))
HOSTILE = '2023年5月，"引号"<尖括号>\\反斜杠#井号 空格🚀科技有限公司落户苏州工业园区。\n'
HUGE_LINE = 20 * 2**20


def cli(*args):
    return make_runner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def text(n: int) -> str:
    """The start of a corpus article: enough for every stage, short enough to keep the tests fast."""
    return ARTICLES[n].read_text(encoding="utf-8")[:2000]


def articles(folder: Path, n: int) -> Path:
    folder.mkdir()
    for i in range(n):
        (folder / f"a{i}.txt").write_text(text(i), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def bad_corpus(tmp_path_factory) -> Path:
    """Seven good articles in every encoding and format, among every kind of bad file."""
    src = tmp_path_factory.mktemp("bad") / "in"
    src.mkdir()
    (src / "article.txt").write_text(text(0), encoding="utf-8")
    (src / "same article.txt").write_text(text(0), encoding="utf-8")            # a duplicate, merged
    (src / "gb18030.txt").write_bytes(text(1).encode("gb18030"))
    (src / "big5.txt").write_bytes(TRADITIONAL.encode("big5"))
    (src / "utf16.txt").write_bytes(codecs.BOM_UTF16_LE + text(2).encode("utf-16-le"))
    (src / "bom.md").write_bytes(codecs.BOM_UTF8 + text(3).encode("utf-8"))
    (src / "page.html").write_text(f"<html><head><script>var x = '脚本文字';</script><style>p {{}}</style></head>"
                                   f"<body><p>{text(4)}</p></body></html>", encoding="utf-8")
    (src / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    (src / "scan.pdf").write_bytes(b"%PDF-1.4\n")                                # skipped
    (src / "empty.txt").write_bytes(b"")                                          # failed, and the rest
    (src / "binary.txt").write_bytes(bytes(range(256)) * 64)
    line = "总投资5亿元的项目落户园区，".encode("utf-8")
    (src / "huge.txt").write_bytes(line * (HUGE_LINE // len(line)))
    (src / "unreadable.txt").write_text("市北科技城。", encoding="utf-8")        # see no_read_permission
    (src / "broken.txt").symlink_to(src / "nowhere.txt")
    (src / "loop-a.txt").symlink_to("loop-b.txt")
    (src / "loop-b.txt").symlink_to("loop-a.txt")
    (src / "sub").mkdir()
    (src / "sub" / "up").symlink_to("..")                                         # a folder loop, skipped
    return src


def no_read_permission(mp: pytest.MonkeyPatch, name: str) -> None:
    """chmod 000 means nothing to root, who runs the tests in CI: refuse the read instead."""
    read_bytes = Path.read_bytes

    def refuse(path: Path) -> bytes:
        if path.name == name:
            raise PermissionError(13, "Permission denied", str(path))
        return read_bytes(path)
    mp.setattr(Path, "read_bytes", refuse)


@pytest.fixture(scope="module")
def bad_build(bad_corpus, tmp_path_factory) -> api.BuildResult:
    with pytest.MonkeyPatch.context() as mp:
        no_read_permission(mp, "unreadable.txt")
        return api.build([bad_corpus], tmp_path_factory.mktemp("bad-out"))


def test_every_good_article_is_read(bad_build, bad_corpus):
    names = ["article.txt", "big5.txt", "bom.md", "gb18030.txt", "hostile.txt", "page.html", "utf16.txt"]
    assert [d.source for d in bad_build.documents] == [str(bad_corpus / n) for n in names]
    html = next(d for d in bad_build.documents if d.source.endswith("page.html"))
    assert "脚本文字" not in html.text and "<p>" not in html.text


def test_every_bad_file_fails_with_its_reason(bad_build, bad_corpus):
    reasons = {Path(f.path).name: f.reason for f in bad_build.failed}
    assert {f.stage for f in bad_build.failed} == {"read"}
    assert reasons == {
        "binary.txt": "not text (binary data)",
        "broken.txt": f"broken symbolic link (to {bad_corpus / 'nowhere.txt'})",
        "empty.txt": "empty file",
        "huge.txt": f"too large for an article (20.0 MB; the limit is {MAX_BYTES // 2**20} MB)",
        "loop-a.txt": "symbolic link loop",
        "loop-b.txt": "symbolic link loop",
        "unreadable.txt": "Permission denied",
    }
    assert not bad_build.ok


def test_other_files_are_skipped_and_duplicates_merged(bad_build, bad_corpus):
    assert {(Path(s.path).name, s.reason) for s in bad_build.skipped} == {
        ("scan.pdf", "unsupported file type '.pdf' (use .txt, .md or .html)"),
        ("up", "a link to a folder (not followed)"),
    }
    assert [(m.path, m.document, m.same_as) for m in bad_build.merged] == [
        (str(bad_corpus / "same article.txt"), "article", str(bad_corpus / "article.txt"))]


def test_the_report_lists_failed_skipped_and_merged(bad_build, bad_corpus):
    report = json.loads(bad_build.files["report"].read_text(encoding="utf-8"))
    assert [d["source"] for d in report["documents"]] == [d.source for d in bad_build.documents]
    assert {f["path"] for f in report["failed"]} == {f.path for f in bad_build.failed}
    assert all(f["reason"] and f["stage"] == "read" for f in report["failed"])
    assert len(report["skipped"]) == 2
    assert report["merged"] == [{"path": str(bad_corpus / "same article.txt"), "document": "article",
                                 "same_as": str(bad_corpus / "article.txt")}]


def test_a_merged_duplicate_keeps_both_paths(bad_build, bad_corpus):
    g = rdflib.Graph().parse(bad_build.files["graph"])
    paths = {str(p) for p in g.objects(document_iri("article"), KGO.sourcePath)}
    assert paths == {str(bad_corpus / "article.txt"), str(bad_corpus / "same article.txt")}


def test_a_document_with_two_paths_conforms_to_the_shapes(tmp_path):
    src = articles(tmp_path / "in", 1)
    shutil.copy(src / "a0.txt", src / "a0 copy.txt")
    result = api.build([src], tmp_path / "out")
    assert len(result.merged) == 1
    validated = cli("validate", "--out", tmp_path / "out")
    assert validated.exit_code == 0, validated.stdout


def test_the_bad_build_parses_in_rdflib_oxigraph_and_rapper(bad_build):
    g = rdflib.Graph().parse(bad_build.files["graph"], format="turtle")
    ds = rdflib.Dataset()
    ds.parse(bad_build.files["evidence"], format="trig")
    quads = sum(1 for _ in ds.quads((None, None, None, None)))
    assert len(list(pyoxigraph.parse(path=str(bad_build.files["graph"]), format=pyoxigraph.RdfFormat.TURTLE))) == len(g)
    assert len(list(pyoxigraph.parse(path=str(bad_build.files["evidence"]), format=pyoxigraph.RdfFormat.TRIG))) == quads
    assert rapper_count("turtle", bad_build.files["graph"]) == len(g)
    assert rapper_count("trig", bad_build.files["evidence"]) == quads
    evidence = " ".join(str(o) for o in g.objects(None, KGO.evidence))
    assert "脚本文字" not in evidence
    assert api.query("ASK { ?d kgo:sourcePath ?p }", out=bad_build.out).boolean


def test_the_cli_names_each_failure_and_exits_1(bad_corpus, bad_build, monkeypatch):
    no_read_permission(monkeypatch, "unreadable.txt")
    result = cli("build", bad_corpus, "--out", bad_build.out)
    assert result.exit_code == 1
    for failure in bad_build.failed:
        assert f"kg: failed to read {failure.path}: {failure.reason}" in result.stderr
    assert f"kg: skipped {bad_corpus / 'scan.pdf'}" in result.stderr
    assert "7 failed, 2 skipped, 1 merged" in result.stdout
    assert "Traceback" not in result.stderr


def test_strict_stops_at_the_first_failure_and_writes_nothing(bad_corpus, tmp_path):
    result = cli("build", bad_corpus, "--out", tmp_path / "out", "--strict")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"kg: stopped (strict) at {bad_corpus / 'binary.txt'}: not text")
    assert not (tmp_path / "out" / api.GRAPH_FILE).exists()
    assert not (tmp_path / "out" / api.REPORT_FILE).exists()


def test_skipped_files_alone_are_no_failure(tmp_path):
    src = articles(tmp_path / "in", 1)
    (src / "notes.csv").write_text("a,b\n", encoding="utf-8")
    result = cli("build", src, "--out", tmp_path / "out", "--strict")
    assert result.exit_code == 0, result.stderr
    assert f"kg: skipped {src / 'notes.csv'}" in result.stderr


@pytest.mark.parametrize("args,message", [
    (["--scheduler", "tcp://127.0.0.1:8786"], "needs the dask executor"),
    (["--encoding", "no-such-codec"], "unknown encoding"),
    (["--jobs", "0"], "--jobs"),
])
def test_usage_errors_exit_2(tmp_path, args, message):
    result = cli("build", ARTICLES[0], "--out", tmp_path / "out", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (tmp_path / "out" / api.GRAPH_FILE).exists()


# --- over-long input ---------------------------------------------------------------------

def test_a_20_mb_line_is_refused_before_it_is_read(bad_corpus):
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(api.KgError, match="too large for an article"):
        read_document(bad_corpus / "huge.txt")
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert (bad_corpus / "huge.txt").stat().st_size >= HUGE_LINE - 100
    assert peak < 2**20 and seconds < 1


def test_a_text_too_long_for_an_article_fails(tmp_path):
    path = tmp_path / "book.txt"
    path.write_text("长" * 250_000, encoding="utf-8")
    with pytest.raises(api.KgError, match=r"too long for an article \(250,000 characters"):
        read_document(path)


def test_a_long_line_is_broken_into_sentences_that_extraction_copes_with(tmp_path):
    path = tmp_path / "line.txt"
    path.write_text("园区企业" * 2_500 + "，落户" + "科技城" * 700, encoding="utf-8")   # 12,103 characters, no full stop
    doc = read_document(path)
    assert doc.text.replace("\n", "") == path.read_text(encoding="utf-8")
    started = time.perf_counter()
    extract(doc)
    assert time.perf_counter() - started < 10
    assert len(doc.sentences) >= 6
    assert max(len(s.text) for s in doc.sentences) <= MAX_SENTENCE


# --- extraction failures -----------------------------------------------------------------

def failing_extract(marker: str):
    def fake(doc: Document) -> Document:
        if marker in doc.text:
            raise RuntimeError(f"boom in {doc.id}")
        return extract(doc)
    return fake


@pytest.fixture
def three_articles(tmp_path) -> Path:
    src = articles(tmp_path / "in", 3)
    (src / "a1.txt").write_text(text(1) + "\n触发故障。\n", encoding="utf-8")
    return src


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_exception_in_extraction_fails_that_document_only(three_articles, tmp_path, monkeypatch, jobs):
    monkeypatch.setattr("kg.runner.extract", failing_extract("触发故障"))
    result = api.build([three_articles], tmp_path / "out", jobs=jobs)
    assert [d.id for d in result.documents] == ["a0", "a2"]
    assert [(f.path, f.stage, f.reason) for f in result.failed] == [
        (str(three_articles / "a1.txt"), "extract", "RuntimeError: boom in a1")]
    report = json.loads(result.files["report"].read_text(encoding="utf-8"))
    assert report["failed"] == [{"path": str(three_articles / "a1.txt"), "stage": "extract",
                                 "reason": "RuntimeError: boom in a1"}]


def test_the_cli_reports_an_extraction_failure(three_articles, tmp_path, monkeypatch):
    monkeypatch.setattr("kg.runner.extract", failing_extract("触发故障"))
    result = cli("build", three_articles, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert f"kg: failed to extract {three_articles / 'a1.txt'}: RuntimeError: boom in a1" in result.stderr
    strict = cli("build", three_articles, "--out", tmp_path / "strict", "--strict", "--jobs", "1")
    assert strict.exit_code == 1 and "stopped (strict)" in strict.stderr
    assert not (tmp_path / "strict" / api.GRAPH_FILE).exists()


def test_a_worker_that_dies_fails_its_documents_not_the_build(three_articles, tmp_path, monkeypatch):
    def die(doc):
        if "触发故障" in doc.text:
            os._exit(3)
        return extract(doc)
    monkeypatch.setattr("kg.runner.extract", die)
    try:
        result = api.build([three_articles], tmp_path / "out", jobs=2)
    except api.BuildFailed as exc:     # when the dead worker took every document with it
        assert "worker lost" in str(exc)
    else:
        assert str(three_articles / "a1.txt") in {f.path for f in result.failed}
        assert all("worker lost" in f.reason for f in result.failed)


# --- never lose data ---------------------------------------------------------------------

def outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in (api.GRAPH_FILE, api.EVIDENCE_FILE, api.REPORT_FILE)}


def test_a_build_that_fails_while_writing_leaves_the_previous_one(corpus_build, tmp_path, monkeypatch):
    out = tmp_path / "out"
    shutil.copytree(corpus_build.out, out, symlinks=True)
    before, store = outputs(out), os.readlink(out / "store")

    def broken(*args, **kwargs):
        raise api.KgError("disk full")
    monkeypatch.setattr(api, "write_store", broken)
    with pytest.raises(api.KgError, match="disk full"):
        api.build([ARTICLES[0]], out)
    assert outputs(out) == before and os.readlink(out / "store") == store
    assert not list(out.glob(".*.tmp"))


def kg_build(*args: str | Path, **popen) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "from kg.cli import main; main()", "build", *map(str, args)],
                            cwd=ROOT, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True, **popen)


def test_a_killed_build_leaves_the_previous_one_usable(corpus_build, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(corpus_build.out, out, symlinks=True)
    before = outputs(out)
    src = tmp_path / "many"                       # 40 short articles, to kill the build among them
    src.mkdir()
    for n in range(40):
        (src / f"{n:02d}.txt").write_text(f"第{n}期\n\n{text(n % len(ARTICLES))[:1000]}", encoding="utf-8")
    build = kg_build(src, "--out", out, "--jobs", "1")
    try:
        line = build.stderr.readline()
        assert line.startswith("extracted 4/40"), line
    finally:
        build.send_signal(signal.SIGKILL)
        build.wait(timeout=30)
    assert build.returncode == -signal.SIGKILL
    assert outputs(out) == before
    assert len(api.open_graph(out)) == corpus_build.triples
    rows = api.query("SELECT (COUNT(*) AS ?n) WHERE { ?p kgo:hosts ?c }", out=out).rows
    assert int(rows[0][0]) > 0
    # the next build (a process of the same code) resumes from what the killed one extracted, and tidies up
    again = kg_build(src, "--out", out, "--jobs", "1")
    stdout, stderr = again.communicate(timeout=120)
    assert again.returncode == 0, stderr
    cached = int(re.search(r"(\d+) from the cache", stdout).group(1))
    assert 4 <= cached < 40
    assert not list(out.glob(".*.tmp")) and not list(out.glob("store.tmp-*"))


# --- incremental, parallel, distributed: the same graph ------------------------------------

def test_jobs_cache_and_full_rebuilds_give_byte_identical_files(tmp_path):
    src = articles(tmp_path / "in", 3)
    one = api.build([src], tmp_path / "one", jobs=1)
    two = api.build([src], tmp_path / "two", jobs=2)
    cached = api.build([src], tmp_path / "two", jobs=2)
    assert (one.cached, two.cached, cached.cached) == (0, 0, 3)
    assert outputs(tmp_path / "one") == outputs(tmp_path / "two")
    assert [d.id for d in cached.documents] == [d.id for d in one.documents]


def cache_entries(out: Path) -> set[str]:
    return {p.stem for p in (out / cache.CACHE_DIR).glob("*/*.pickle")}


def test_a_rebuild_extracts_only_new_and_changed_documents(tmp_path):
    src, out = articles(tmp_path / "in", 3), tmp_path / "out"
    first = api.build([src], out)
    assert first.cached == 0 and cache_entries(out) == {d.sha256 for d in first.documents}
    (src / "a0.txt").write_text(text(0) + "\n本文有改动。\n", encoding="utf-8")
    (src / "a1.txt").unlink()
    (src / "a3.txt").write_text(text(3), encoding="utf-8")
    second = api.build([src], out)
    assert second.cached == 1                                     # a2; a0 changed, a3 is new
    assert [d.id for d in second.documents] == ["a0", "a2", "a3"]
    assert cache_entries(out) == {d.sha256 for d in second.documents}
    g = rdflib.Graph().parse(out / api.GRAPH_FILE)
    assert (document_iri("a1"), None, None) not in g             # the removed article's facts are gone
    assert not any(g.triples((None, KGO.sourcePath, Literal(str(src / "a1.txt")))))
    again = outputs(out)
    full = api.build([src], out, full=True)
    assert full.cached == 0 and outputs(out) == again


def store_contents(out: Path) -> dict:
    """Everything `kg query` sees in out/store: every quad, the union, the saved queries' results."""
    from kg.sparql import load_saved, saved_queries
    from kg.store import open_store

    store = open_store(out)
    try:
        dumps = {fmt: sorted(store.dump(fmt).decode("utf-8").splitlines()) for fmt in ("nq", "nt")}
        return {**dumps, **{name: store.query(load_saved(name)).rows for name, _ in saved_queries()}}
    finally:
        store.close()


def test_an_incremental_rebuild_equals_a_full_build_of_the_new_folder(tmp_path, monkeypatch):
    from kg import store

    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    pieces = [text(i)[start:start + 700] for i in range(len(ARTICLES)) for start in (0, 700, 1400)]
    for n, piece in enumerate(pieces[:-1]):
        (src / f"p{n:02}.txt").write_text(piece, encoding="utf-8")
    api.build([src], out)
    (src / "p00.txt").write_text(pieces[0] + "\n" + pieces[4], encoding="utf-8")   # names p04's entities too
    (src / "p01.txt").unlink()
    (src / "p99.txt").write_text(pieces[-1], encoding="utf-8")
    replace, updated = store._replace, []

    def spy(db, graphs, trig):
        updated.append(graphs)
        replace(db, graphs, trig)
    monkeypatch.setattr(store, "_replace", spy)
    api.build([src], out)
    assert updated and len(updated[0]) < len(pieces) / 2          # the previous store was updated, not rebuilt
    api.build([src], tmp_path / "full", full=True)
    assert outputs(out) == outputs(tmp_path / "full")
    assert store_contents(out) == store_contents(tmp_path / "full")
    assert not any(str(src / "p01.txt") in line for line in store_contents(out)["nq"])


def test_rebuilds_in_a_row_that_remove_documents_equal_a_full_build(tmp_path, monkeypatch):
    src, out = articles(tmp_path / "in", 5), tmp_path / "out"
    api.build([src], out)
    (src / "a1.txt").rename(src / "z1.txt")
    api.build([src], out)                 # the previous store updated: a1's graph removed, z1's added
    (src / "a3.txt").unlink()
    written, updated_text = [], api.updated_text

    def spy(*args, **kwargs):
        text, docs = updated_text(*args, **kwargs)
        written.append(len(text.documents))
        return text, docs
    monkeypatch.setattr(api, "updated_text", spy)
    api.build([src], out)                 # a copy of that store, updated again: a1 must stay removed
    assert written[0] <= 1                # three documents' metadata and graphs copied from the last files
    full = api.build([src], tmp_path / "full", full=True).out
    assert outputs(out) == outputs(full)
    assert store_contents(out) == store_contents(full)


def test_a_store_loaded_a_few_documents_at_a_time_is_the_same(tmp_path, monkeypatch):
    from kg import store

    src = articles(tmp_path / "in", 3)
    api.build([src], tmp_path / "whole")
    monkeypatch.setattr(store, "LOAD_CHUNK", 1)          # one bulk load per document
    api.build([src], tmp_path / "pieces")
    assert store_contents(tmp_path / "pieces") == store_contents(tmp_path / "whole")


def test_a_rebuild_reads_only_files_that_changed(tmp_path, monkeypatch):
    from kg import read

    src, out = articles(tmp_path / "in", 3), tmp_path / "out"
    hour_ago = time.time() - 3600
    for path in src.iterdir():            # older than the clock's resolution: noted as seen
        os.utime(path, (hour_ago, hour_ago))
    first = api.build([src], out)
    reads, read_document = [], read.read_document

    def spy(path, encoding=None):
        reads.append(Path(path).name)
        return read_document(path, encoding)
    monkeypatch.setattr(read, "read_document", spy)
    monkeypatch.setattr(api, "read_document", spy)
    (src / "a0.txt").write_text(text(0).replace("园区", "园圃", 1), encoding="utf-8")    # same size, new time
    (src / "a3.txt").write_text(text(3), encoding="utf-8")
    api.build([src], out)
    assert sorted(reads) == ["a0.txt", "a3.txt"]
    a1 = next(doc.sha256 for doc in first.documents if doc.id == "a1")
    next((out / cache.CACHE_DIR).glob(f"*/{a1}.pickle")).unlink()    # unchanged, but no longer extracted
    reads.clear()
    again = api.build([src], out)
    assert "a1.txt" in reads and again.cached == 3
    assert outputs(out) == outputs(api.build([src], tmp_path / "full", full=True).out)


def test_a_damaged_cache_entry_is_extracted_again(tmp_path):
    src, out = articles(tmp_path / "in", 1), tmp_path / "out"
    first = api.build([src], out)
    before = outputs(out)
    entry = next((out / cache.CACHE_DIR).glob("*/*.pickle"))
    entry.write_bytes(entry.read_bytes()[:100])
    # an entry is loaded when the document's graph is written again: here, without the last merge
    next((out / cache.CACHE_DIR).glob(f"*/{cache.MEMO}")).unlink()
    again = api.build([src], out)
    assert again.cached == 0 and outputs(out) == before
    assert pickle.loads(entry.read_bytes()).sha256 == first.documents[0].sha256


def test_editing_a_rule_table_or_the_extractor_changes_the_fingerprint(tmp_path, monkeypatch):
    package = tmp_path / "kg"
    shutil.copytree(cache.PACKAGE / "extract", package / "extract", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(cache.PACKAGE / "rules", package / "rules", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(cache.PACKAGE / "model.py", package / "model.py")
    monkeypatch.setattr(cache, "PACKAGE", package)

    def fingerprint() -> str:
        cache.fingerprint.cache_clear()
        return cache.fingerprint()
    try:
        original = fingerprint()
        with open(package / "rules" / "relations.tsv", "a", encoding="utf-8") as f:
            f.write("# a comment\n")
        edited_rule = fingerprint()
        with open(package / "extract" / "relate.py", "a", encoding="utf-8") as f:
            f.write("\n")
        edited_code = fingerprint()
        monkeypatch.setattr(cache, "EXTRACTOR_VERSION", "changed")
        assert len({original, edited_rule, edited_code, fingerprint()}) == 4
    finally:
        cache.fingerprint.cache_clear()


def test_a_new_fingerprint_reextracts_everything_and_drops_the_old_cache(tmp_path, monkeypatch):
    src, out = articles(tmp_path / "in", 1), tmp_path / "out"
    api.build([src], out)
    old = {p.parent.name for p in (out / cache.CACHE_DIR).glob("*/*.pickle")}
    monkeypatch.setattr(cache, "fingerprint", lambda: "rules-edited")
    again = api.build([src], out)
    assert again.cached == 0
    assert {p.name for p in (out / cache.CACHE_DIR).iterdir()} == {"rules-edited"} != old


def test_progress_is_logged_in_lines_when_not_on_a_terminal(tmp_path):
    result = cli("build", articles(tmp_path / "in", 2), "--out", tmp_path / "out", "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == ["extracted 1/2 documents", "extracted 2/2 documents"]
    assert "read 2 documents (2 extracted, 0 from the cache)" in result.stdout


DASK_BUILD = """
import sys
from dask.distributed import LocalCluster
from kg.cli import main
src, out = sys.argv[1:]
with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
    main(["build", src, "--out", out + "/dask", "--executor", "dask", "--scheduler", cluster.scheduler_address, "-q"],
         standalone_mode=False)
main(["build", src, "--out", out + "/local", "--jobs", "1", "-q"])
"""


def test_the_dask_executor_gives_the_same_graph(tmp_path):
    """In a process of its own, so that the cluster's threads do not outlive it into tests that fork,
    and both builds run the same code while the extractor is being edited."""
    pytest.importorskip("dask.distributed")
    src = articles(tmp_path / "in", 2)
    done = subprocess.run([sys.executable, "-c", DASK_BUILD, str(src), str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert outputs(tmp_path / "dask") == outputs(tmp_path / "local")


def test_random_rounds_of_changes_rebuild_as_a_full_build_does(tmp_path):
    """Documents added, removed, renamed and edited (new names that merge entities across
    documents, or split them), round after round: each rebuild equals a full build."""
    import random

    rng = random.Random(7)
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    sentences = [s + "。" for i in range(len(ARTICLES)) for s in text(i).split("。") if s.strip()]
    aliases = ["星辰科技有限公司（简称星辰科技）在苏锡通科技产业园区投资5亿元建设星辰项目。",
               "星辰科技与苏锡通园区签约。", "南通星辰科技有限公司落户南通。"]

    def write(name: str) -> None:
        body = rng.sample(sentences, 4) + rng.sample(aliases, rng.randint(0, 2))
        (src / name).write_text("".join(body), encoding="utf-8")
    for n in range(8):
        write(f"r{n}.txt")
    api.build([src], out)
    for round_ in range(4):
        names = sorted(p.name for p in src.iterdir())
        for _ in range(2):
            action, name = rng.choice(["add", "remove", "rename", "edit"]), rng.choice(names)
            if action == "add":
                write(f"r{rng.randint(10, 99)}.txt")
            elif action == "remove" and len(names) > 2 and (src / name).exists():
                (src / name).unlink()
            elif action == "rename" and (src / name).exists():
                (src / name).rename(src / f"s{round_}{name}")
            elif (src / name).exists():
                write(name)
        api.build([src], out)
        full = api.build([src], tmp_path / f"full{round_}", full=True).out
        assert outputs(out) == outputs(full), f"round {round_}"
    assert store_contents(out) == store_contents(full)
