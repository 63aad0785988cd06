"""The per-document pipeline: segment → recognise → resolve → relate.

Each stage is a function Document → Document that fills in one more field; the
pipeline is their list, looked up by name, so a notebook can run or swap one stage.
Extraction of one document never looks at another.
"""
from __future__ import annotations

from importlib import import_module
from typing import Callable

from ..model import Document

Stage = Callable[[Document], Document]
#: stage name → module of kg.extract that defines a function of that name; imported on first
#: use, so that reading EXTRACTOR_VERSION (the cache, `kg query`) does not load jieba
STAGES = {"segment": "segment", "recognise": "recognise", "resolve": "resolve", "relate": "relate"}
#: bump when a stage changes what is extracted without its source changing (the cache also
#: hashes the stages' source and the rule tables)
EXTRACTOR_VERSION = "1"


def stage(name: str) -> Stage:
    try:
        module = STAGES[name]
    except KeyError:
        raise ValueError(f"unknown stage '{name}' (known: {', '.join(STAGES)})") from None
    return getattr(import_module(f"{__name__}.{module}"), name)


def extract(doc: Document, stages: list[str] | None = None) -> Document:
    for name in stages or list(STAGES):
        doc = stage(name)(doc)
    return doc
