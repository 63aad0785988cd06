"""Worker start-up: what the parent loads before forking, workers do not load again."""
from __future__ import annotations

import subprocess
import sys

CHECK = """
import importlib, pkgutil
import kg.extract
from kg.model import Document
from kg.runner import WARM_UP, extract_one

extract_one(Document(id="warm-up", source="", text=WARM_UP))
for info in pkgutil.iter_modules(kg.extract.__path__):
    module = importlib.import_module(f"kg.extract.{info.name}")
    for name, value in vars(module).items():
        if getattr(value, "__module__", None) == module.__name__ and hasattr(value, "cache_info") \\
                and value.cache_info().maxsize == 1 and value.cache_info().currsize == 0:
            print(f"{info.name}.{name}")
"""


def test_the_warm_up_loads_every_table_of_the_extractor():
    """Every once-per-process loader of kg.extract (an lru_cache of size 1) has run after the
    warm-up, so forked workers inherit it instead of loading it again."""
    result = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, check=True)
    assert result.stdout == "", f"not loaded by the warm-up: {result.stdout}"
