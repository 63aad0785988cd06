"""Extraction results per document on disk, so that a rebuild extracts only what changed.

An entry is a Document after extraction, pickled, at out/cache/<fingerprint>/<sha256>.pickle:
the hash of the document's text names the entry, and the fingerprint of everything else
that decides what extraction finds (EXTRACTOR_VERSION, the code of kg/extract and kg/model,
the tables in kg/rules, jieba's version) names the folder. Editing a rule or a stage thus
starts a new folder without anyone remembering to bump a number, and the build removes the
old one. Entries are written atomically; one that cannot be loaded is extracted again.
Unpickling runs code: the cache is as trusted as the rest of out/.

Beside the entries, files.json notes the size, modification time and text hash of every file
the last build read, so that the next one reads only files that changed (kg.read.Seen), and
graph-memo.bin what the last build's graph files hold, piece by piece, and the merge they
were made from (kg.incremental.Built), so that the next one merges again only where the
changed documents reach and copies the pieces that did not change.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pickle
import shutil
import time
from functools import lru_cache
from pathlib import Path
from typing import Iterable


from .extract import EXTRACTOR_VERSION
from .files import remove_stale, write_atomic
from .incremental import Built
from .model import Document
from .read import Seen

CACHE_DIR = "cache"
FILES = "files.json"
#: the last build's kg.incremental.Built
MEMO = "graph-memo.bin"
PACKAGE = Path(__file__).resolve().parent
#: a file changed less than this before it was noted may change again unseen within the same
#: modification time (its clock's resolution): it is read again next time
RACY_NS = 2 * 10**9


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """A hash of what extraction depends on besides the text, taken once per process: that is
    when the stages and rule tables are loaded, so later edits reach neither them nor it."""
    import jieba        # here, not at import: `kg query` never needs it

    digest = hashlib.sha256(f"{EXTRACTOR_VERSION}\0{jieba.__version__}".encode())
    sources = [PACKAGE / "model.py", *(PACKAGE / "extract").rglob("*.py"), *(PACKAGE / "rules").rglob("*")]
    for path in sorted(p for p in sources if p.is_file() and "__pycache__" not in p.parts):
        digest.update(f"\0{path.relative_to(PACKAGE).as_posix()}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class Cache:
    def __init__(self, out: Path):
        self.root = Path(out) / CACHE_DIR
        self.folder = self.root / fingerprint()

    def _entry(self, sha256: str) -> Path:
        return self.folder / f"{sha256}.pickle"

    def get(self, doc: Document) -> Document | None:
        """The extracted document with this text, under this document's id and path; None if not cached."""
        try:
            cached = pickle.loads(self._entry(doc.sha256).read_bytes())
        except Exception:  # not there, truncated, or pickled by an incompatible Python: extract again
            return None
        return dataclasses.replace(cached, id=doc.id, source=doc.source)

    def put(self, doc: Document) -> bytes:
        """Keep the extracted document; returns its pickle. Safe in worker processes: entries
        are written atomically, and two writers of one entry write the same bytes."""
        data = pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL)
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(self._entry(doc.sha256), data)
        return data

    def built(self) -> Built | None:
        """What the last build wrote and from what (kg.incremental.Built), if it left it."""
        try:
            built = pickle.loads((self.folder / MEMO).read_bytes())
        except Exception:  # none, truncated or from other code: the graph is written anew
            return None
        return built if isinstance(built, Built) else None

    def keep_built(self, built: Built | bytes) -> None:
        """Keep `built`, or memo(built) made before."""
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(self.folder / MEMO, built if isinstance(built, bytes) else memo(built))

    def entries(self) -> set[str]:
        """The text hashes of the documents kept."""
        try:
            return {name[:-7] for name in os.listdir(self.folder) if name.endswith(".pickle")}
        except OSError:
            return set()

    def load(self, ident) -> Document | None:
        """The extracted document of a kg.incremental.Ident, if cached."""
        doc_id, sha256, paths = ident
        return self.get(Document(doc_id, paths[0], "", sha256))

    def seen(self, encoding: str | None) -> dict[str, Seen]:
        """The files the last build read, with the same encoding and the same reading code."""
        try:
            noted = json.loads((self.folder / FILES).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if noted.get("encoding") != encoding or noted.get("reader") != _reader():
            return {}
        return {path: Seen(*entry) for path, entry in noted["files"].items()}

    def note_seen(self, seen: dict[str, Seen], encoding: str | None) -> None:
        racy = time.time_ns() - RACY_NS
        files = {path: [s.size, s.mtime_ns, s.sha256] for path, s in seen.items() if s.mtime_ns < racy}
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(self.folder / FILES, json.dumps({"encoding": encoding, "reader": _reader(), "files": files}))

    def keep_only(self, hashes: Iterable[str]) -> None:
        """Drop the entries of other texts and of other fingerprints: the cache holds one build."""
        if not self.root.is_dir():
            return
        for folder in self.root.iterdir():
            if folder == self.folder:
                continue
            if folder.is_dir():
                shutil.rmtree(folder, ignore_errors=True)
            else:
                folder.unlink()
        keep = {f"{sha}.pickle" for sha in hashes}
        if self.folder.is_dir():
            for entry in self.folder.glob("*.pickle"):
                if entry.name not in keep:
                    entry.unlink()
            remove_stale(self.folder, "*")


def memo(built: Built) -> bytes:
    """`built` as Cache.keep_built keeps it."""
    return pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL)


@lru_cache(maxsize=1)
def _reader() -> str:
    """A hash of the code that turns a file into a document's text (kg/read.py)."""
    return hashlib.sha256((PACKAGE / "read.py").read_bytes()).hexdigest()[:16]
