"""Shared fixtures: the corpus built once per session, the evaluation articles built once.

Builds go through `kg.api.build`, as a notebook or the CLI would call it; tests read the
written files back (graph.ttl, graph.trig) rather than the printed summaries.
"""
from __future__ import annotations

import inspect
import shutil
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner

from kg import api

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "corpus"
SHARED = ROOT.parent / "shared"
EVAL_DIR = SHARED / "eval"
EVAL_DOCS = EVAL_DIR / "docs"
EVAL_GOLD = EVAL_DIR / "gold"
SCORE_PY = EVAL_DIR / "score.py"


@pytest.fixture(scope="session")
def corpus_build(tmp_path_factory) -> api.BuildResult:
    """data/corpus built once into a temporary folder."""
    return api.build([CORPUS], tmp_path_factory.mktemp("corpus-build"))


@pytest.fixture(scope="session")
def corpus_graph(corpus_build) -> rdflib.Graph:
    """graph.ttl of the corpus build, parsed by rdflib."""
    return rdflib.Graph().parse(corpus_build.files["graph"], format="turtle")


@pytest.fixture(scope="session")
def corpus_dataset(corpus_build) -> rdflib.Dataset:
    """graph.trig of the corpus build: one named graph per document."""
    ds = rdflib.Dataset()
    ds.parse(corpus_build.files["evidence"], format="trig")
    return ds


@pytest.fixture(scope="session")
def eval_build(tmp_path_factory) -> api.BuildResult:
    """../shared/eval/docs built once (the articles the gold keys describe)."""
    if not EVAL_DOCS.is_dir():
        pytest.skip(f"{EVAL_DOCS} is absent")
    return api.build([EVAL_DOCS], tmp_path_factory.mktemp("eval-build"))


@pytest.fixture(scope="session")
def gold_dir() -> Path:
    if not EVAL_GOLD.is_dir():
        pytest.skip(f"{EVAL_GOLD} is absent")
    return EVAL_GOLD


def make_runner() -> CliRunner:
    """A CliRunner whose result has stdout and stderr apart, whatever the click version.

    click < 8.2 mixes stderr into stdout unless mix_stderr=False; click >= 8.2 dropped the
    argument and always keeps `result.stderr` apart.
    """
    if "mix_stderr" in inspect.signature(CliRunner.__init__).parameters:
        return CliRunner(mix_stderr=False)
    return CliRunner()


@pytest.fixture
def runner() -> CliRunner:
    return make_runner()


def have(program: str) -> bool:
    return shutil.which(program) is not None
