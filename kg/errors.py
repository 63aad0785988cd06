"""Exceptions the library raises; the CLI turns them into messages and exit codes."""
from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    OK = 0
    SOME_FAILED = 1     # a build that skipped or failed some documents; validation errors
    USAGE = 2           # bad arguments, malformed query, missing input


class KgError(Exception):
    """An error the user can act on; its message is shown without a traceback."""

    exit_status = ExitStatus.USAGE


class InputError(KgError):
    """A path that does not exist, an empty folder, nothing readable."""


class DocumentError(KgError):
    """One document could not be read; the build goes on without it."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"cannot read {path}: {reason}")
        self.path = path
        self.reason = reason


class GraphNotFound(KgError):
    """A command needs a built graph and there is none."""


class QueryError(KgError):
    """A SPARQL query that does not parse or cannot run."""


class QuerySyntaxError(QueryError):
    """A query that does not parse; `line` and `column` (1-based) say where the parser stopped."""

    def __init__(self, message: str, line: int, column: int):
        super().__init__(message)
        self.line = line
        self.column = column
