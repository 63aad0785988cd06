"""Writing files so that a process killed at any moment leaves the old file or the new one, never half of one."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Iterable


def stage(path: Path, data: str | bytes | Iterable[str]) -> Path:
    """`data` (or its pieces, one after the other) in a new hidden file beside `path`, for
    os.replace to move over it (same file system)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o644)    # as a plain open() would make it, not mkstemp's 0600
        with os.fdopen(fd, "wb") as f:
            for piece in [data] if isinstance(data, (str, bytes)) else data:
                f.write(piece.encode("utf-8") if isinstance(piece, str) else piece)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_atomic(path: Path, data: str | bytes) -> Path:
    """Write `data` to `path` through a temporary file and a rename."""
    os.replace(stage(path, data), path)
    return path


def remove_stale(folder: Path, name: str) -> None:
    """Temporary files of `name` that a killed process left in `folder`."""
    for stale in folder.glob(f".{name}.*.tmp"):
        stale.unlink(missing_ok=True)


class Staging:
    """Files staged one by one beside their old versions, then moved over them together.

    Each file is written as soon as its text is ready, so a caller holds one text at a time;
    `commit` is a few renames. Leaving the `with` block without committing removes the staged
    files and leaves the old ones as they were.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self.staged: dict[str, Path] = {}

    def __enter__(self) -> Staging:
        self.folder.mkdir(parents=True, exist_ok=True)
        return self

    def add(self, name: str, data: str | bytes | Iterable[str]) -> Path:
        remove_stale(self.folder, name)
        self.staged[name] = stage(self.folder / name, data)
        return self.staged[name]

    def commit(self) -> None:
        for name, tmp in self.staged.items():
            os.replace(tmp, self.folder / name)
        self.staged = {}

    def __exit__(self, *exc) -> None:
        for tmp in self.staged.values():
            tmp.unlink(missing_ok=True)
