"""A second, independent RDF parser: Raptor's `rapper` counts the same triples as rdflib.

rapper comes from Debian's raptor2-utils (`make system-deps` installs it). Without it the
tests skip, except on CI (CI=true), where a missing rapper is a failure. `rapper_count` is
the one way the tests call rapper (test_formats checks every export format with it).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

COUNT = re.compile(r"rapper: Parsing returned (\d+) triples?")


def rapper_count(syntax: str, path) -> int:
    """The triples (or quads) `rapper -i SYNTAX -c` counts in the file; it must parse without a warning."""
    rapper = shutil.which("rapper")
    if rapper is None:
        reason = "rapper is not installed (apt-get install raptor2-utils)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    done = subprocess.run([rapper, "-i", syntax, "-c", str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "rapper: Error" not in done.stderr, done.stderr
    assert "rapper: Warning" not in done.stderr, done.stderr
    match = COUNT.search(done.stderr)
    assert match, done.stderr
    return int(match.group(1))


def test_rapper_counts_the_built_turtle(corpus_build, corpus_graph):
    assert rapper_count("turtle", corpus_build.files["graph"]) == len(corpus_graph)


def test_rapper_counts_the_trig_quads(corpus_build, corpus_dataset):
    quads = sum(1 for _ in corpus_dataset.quads((None, None, None, None)))
    assert rapper_count("trig", corpus_build.files["evidence"]) == quads
