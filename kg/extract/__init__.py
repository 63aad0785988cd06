"""The per-document pipeline: segment → recognise → resolve → relate.

Each stage is a function Document → Document that fills in one more field; the
pipeline is their list, looked up by name, so a notebook can run or swap one stage.
Extraction of one document never looks at another.
"""
from __future__ import annotations

from typing import Callable

from ..model import Document
from .recognise import recognise
from .relate import relate
from .resolve import resolve
from .segment import segment

Stage = Callable[[Document], Document]
STAGES: dict[str, Stage] = {"segment": segment, "recognise": recognise, "resolve": resolve, "relate": relate}
#: bump when a rule or stage changes what is extracted (cache keys use it)
EXTRACTOR_VERSION = "1"


def extract(doc: Document, stages: list[str] | None = None) -> Document:
    for name in stages or list(STAGES):
        try:
            stage = STAGES[name]
        except KeyError:
            raise ValueError(f"unknown stage '{name}' (known: {', '.join(STAGES)})") from None
        doc = stage(doc)
    return doc
