"""Writing files so that a process killed at any moment leaves the old file or the new one, never half of one."""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable


@dataclass(frozen=True)
class Span:
    """`length` bytes of the file at `path` from `start`: a piece of text an earlier build
    wrote, to be copied as it is (kg.graph reuses what did not change)."""

    path: str
    start: int
    length: int

    def text(self) -> str:
        with open(self.path, "rb") as f:
            f.seek(self.start)
            return f.read(self.length).decode("utf-8")


def text_of(piece: str | bytes | Span) -> str:
    if isinstance(piece, Span):
        return piece.text()
    return piece.decode("utf-8") if isinstance(piece, bytes) else piece


def stage(path: Path, data: str | bytes | Iterable[str | bytes | Span], lengths: list[int] | None = None) -> Path:
    """`data` (or its pieces, one after the other) in a new hidden file beside `path`, for
    os.replace to move over it (same file system). Spans are copied from their files, runs
    of adjacent ones at once; `lengths` gets each piece's length in bytes."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o644)    # as a plain open() would make it, not mkstemp's 0600
        with os.fdopen(fd, "wb") as f, _Copier(f) as copier:
            for piece in [data] if isinstance(data, (str, bytes)) else data:
                if isinstance(piece, Span):
                    copier.add(piece)
                    size = piece.length
                else:
                    copier.flush()
                    size = f.write(piece.encode("utf-8") if isinstance(piece, str) else piece)
                if lengths is not None:
                    lengths.append(size)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


class _Copier:
    """Copies runs of adjacent spans into `out`, in the kernel where it can."""

    def __init__(self, out):
        self.out, self.run, self.sources = out, None, {}

    def __enter__(self) -> _Copier:
        return self

    def __exit__(self, *exc) -> None:
        try:
            if exc[0] is None:
                self.flush()
        finally:
            for source in self.sources.values():
                source.close()

    def add(self, span: Span) -> None:
        run = self.run
        if run and run.path == span.path and run.start + run.length == span.start:
            self.run = Span(run.path, run.start, run.length + span.length)
        else:
            self.flush()
            self.run = span

    def flush(self) -> None:
        if not self.run:
            return
        run, self.run = self.run, None
        if run.path not in self.sources:
            self.sources[run.path] = open(run.path, "rb")
        source = self.sources[run.path]
        self.out.flush()
        offset, left = run.start, run.length
        while left:
            try:
                done = os.copy_file_range(source.fileno(), self.out.fileno(), left, offset)
            except (AttributeError, OSError):      # no copy_file_range here: through memory
                source.seek(offset)
                done = self.out.write(source.read(min(left, 1 << 24)))
                self.out.flush()
            if not done:
                raise OSError(f"{run.path} is shorter than the graph a build noted for it")
            offset, left = offset + done, left - done


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

    def add(self, name: str, data: str | bytes | Iterable[str | bytes | Span], lengths: list[int] | None = None) -> Path:
        remove_stale(self.folder, name)
        self.staged[name] = stage(self.folder / name, data, lengths)
        return self.staged[name]

    def commit(self) -> None:
        for name, tmp in self.staged.items():
            os.replace(tmp, self.folder / name)
        self.staged = {}

    def __exit__(self, *exc) -> None:
        for tmp in self.staged.values():
            tmp.unlink(missing_ok=True)
