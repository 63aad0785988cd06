"""Rule tables (TSV with a commented header) that the extraction stages load as data."""
from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=None)
def load_table(name: str) -> tuple[dict[str, str], ...]:
    """Rows of kg/rules/<name>.tsv as dicts; lines starting with '#' are documentation."""
    text = resources.files(__package__).joinpath(f"{name}.tsv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return tuple(dict(row) for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def column(name: str, key: str) -> tuple[str, ...]:
    return tuple(row[key] for row in load_table(name))
