"""Stage 1, read: paths → Documents.

Walks folders, decodes text whatever its Chinese encoding, strips HTML, and accounts for
every file it does not turn into a document: failed (with the reason a user can act on),
skipped (not an article) or merged (the same text as another file). One bad file never
stops a build.
"""
from __future__ import annotations

import codecs
import errno
import hashlib
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterable, Iterator

from charset_normalizer import from_bytes

from .errors import DocumentError, InputError
from .model import Document

SUFFIXES = {".txt": "text", ".md": "text", ".markdown": "text", ".html": "html", ".htm": "html"}
BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
#: a larger file is not read at all, so no file can exhaust memory; a web page of one article is far smaller
MAX_BYTES = 8 * 2**20
#: extraction time grows faster than a text's length; news articles stay far below this
MAX_CHARS = 200_000
#: and faster than a sentence's length: longer runs without a sentence end are broken up
MAX_SENTENCE = 2_000


@dataclass(frozen=True)
class Failure:
    """A document the build could not use: the stage that failed and the reason a user can act on."""

    path: str
    reason: str
    stage: str = "read"


@dataclass(frozen=True)
class Skipped:
    """A file that is not an article (another file type, a link to a folder): left out, no failure."""

    path: str
    reason: str


@dataclass(frozen=True)
class Duplicate:
    """A file with the same text as a document read before: merged into it, its path kept."""

    path: str
    document: str       # the id of the document it is merged into
    same_as: str        # that document's path


@dataclass(frozen=True)
class Seen:
    """A file as it was when read: unchanged while its size and modification time are."""

    size: int
    mtime_ns: int
    sha256: str


@dataclass
class Reading:
    """Everything under the paths, accounted for; `seen`: the files read as documents, by path."""

    documents: list[Document] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    merged: list[Duplicate] = field(default_factory=list)
    seen: dict[str, Seen] = field(default_factory=dict)


def reason(exc: Exception) -> str:
    """What a failure says: a DocumentError's reason, else the exception's type and message."""
    return exc.reason if isinstance(exc, DocumentError) else f"{type(exc).__name__}: {exc}"


def iter_files(paths: Iterable[str | Path], reading: Reading) -> Iterator[Path]:
    """Every file under the given paths once, in a stable order; hidden files and folders left out.

    Links to folders are not followed (one pointing upwards would loop) and are noted in
    `reading.skipped`; a folder that cannot be listed is noted in `reading.failed`.
    """
    def unlistable(exc: OSError) -> None:
        reading.failed.append(Failure(exc.filename, f"cannot list the folder: {exc.strerror}"))

    seen: set[Path] = set()
    for root in map(Path, paths):
        if not root.exists() and not root.is_symlink():
            raise InputError(f"no such file or folder: {root}")
        files = [root]
        if root.is_dir():
            files = []
            for folder, dirs, names in os.walk(root, onerror=unlistable):
                for name in sorted(dirs):
                    linked = os.path.islink(os.path.join(folder, name))
                    if linked and not name.startswith("."):
                        reading.skipped.append(Skipped(os.path.join(folder, name), "a link to a folder (not followed)"))
                    if linked or name.startswith("."):
                        dirs.remove(name)
                dirs.sort()
                files += [Path(folder, name) for name in names if not name.startswith(".")]
        for path in sorted(files):
            if path not in seen:
                seen.add(path)
                yield path


def decode(data: bytes, path: str, encoding: str | None = None) -> str:
    """Bytes → str: a forced encoding, a BOM, UTF-8, else the best charset-normalizer guess."""
    if encoding:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise DocumentError(path, f"not {encoding} ({exc})") from None
    for bom, codec in BOMS:
        if data.startswith(bom):
            return data.decode(codec)
    if b"\x00" in data[:4096]:
        raise DocumentError(path, "not text (binary data)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data":      # UTF-8 whose last character was cut off (head -c)
            return data[:exc.start].decode("utf-8")
    best = from_bytes(data[:200_000]).best()
    if best is None:
        raise DocumentError(path, "not text (no known encoding fits)")
    return data.decode(best.encoding, errors="replace")


class _TextExtractor(HTMLParser):
    """Visible text of an HTML page, one block element per line; scripts and styles dropped."""

    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section",
              "article", "title", "td", "table", "ul", "ol", "blockquote", "header", "footer"}
    HIDDEN = {"script", "style", "noscript", "template", "head"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts)


#: a long paragraph that stops mid-sentence, then the text that continues it: pages scraped
#: from newspapers cut sentences across paragraphs ("…已集聚了科凯生\n\n命、百优达等…")
CUT_PARAGRAPH = re.compile(r"(?<=[^\s。！？!?；;：:”’」』）)\]】…—])\n\s*\n?(?=[^\s#＃◆■●▲【（(“「0-9])")


def normalise(text: str) -> str:
    """NFC, unified line ends, no zero-width characters, cut sentences joined again.

    Full-width forms are kept: names use them. Short lines (headings, photo captions) stay
    apart; only a paragraph longer than a caption that ends without punctuation is joined.
    """
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub("[\u200b\u200c\u200d\ufeff]", "", text)
    text = re.sub(r"[ \t\u3000]+\n", "\n", text)
    return _join_cut(text)


def _join_cut(text: str) -> str:
    out, pos = [], 0
    for match in CUT_PARAGRAPH.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        if match.start() - line_start >= 40:
            out.append(text[pos:match.start()])
            pos = match.end()
    out.append(text[pos:])
    return "".join(out)


def break_long_sentences(text: str, limit: int = MAX_SENTENCE) -> str:
    """A line break (a sentence end for the segmenter) in every run of more than `limit`
    characters without one, after its last comma or space in the second half of the limit
    if there is one, else at the limit."""
    from .extract.segment import SENTENCE_END     # here: importing the segmenter loads jieba

    parts = re.split(f"({SENTENCE_END.pattern})", text)
    for i in range(0, len(parts), 2):      # the even parts are the sentences, the odd ones their ends
        if len(parts[i]) > limit:
            parts[i] = "\n".join(_cut(parts[i], limit))
    return "".join(parts)


def _cut(run: str, limit: int) -> Iterator[str]:
    while len(run) > limit:
        at = max(run.rfind(mark, limit // 2, limit) for mark in "，,、 ") + 1 or limit
        yield run[:at]
        run = run[at:]
    yield run


def unsupported(path: Path) -> str | None:
    """Why a file is not read as an article, or None for the types that are."""
    if path.suffix.lower() in SUFFIXES:
        return None
    return f"unsupported file type '{path.suffix or '(none)'}' (use .txt, .md or .html)"


def _os_reason(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    if path.is_symlink() and not path.exists():
        return f"broken symbolic link (to {os.readlink(path)})"
    return exc.strerror or str(exc)


def _stat(path: Path) -> os.stat_result:
    try:
        return path.stat()
    except OSError as exc:
        raise DocumentError(str(path), _os_reason(path, exc)) from None


def read_document(path: str | Path, encoding: str | None = None) -> Document:
    """One article; raises DocumentError with the reason when the file cannot be one."""
    path = Path(path)
    if unsupported(path):
        raise DocumentError(str(path), unsupported(path))
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise DocumentError(str(path), "not a regular file")
        if info.st_size > MAX_BYTES:
            raise DocumentError(str(path), f"too large for an article ({info.st_size / 2**20:.1f} MB; "
                                           f"the limit is {MAX_BYTES // 2**20} MB)")
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(str(path), _os_reason(path, exc)) from None
    if not data.strip():
        raise DocumentError(str(path), "empty file")
    text = decode(data, str(path), encoding)
    if SUFFIXES[path.suffix.lower()] == "html":
        text = html_to_text(text)
    text = normalise(text)
    if not text.strip():
        raise DocumentError(str(path), "no text after extraction")
    if len(text) > MAX_CHARS:
        raise DocumentError(str(path), f"too long for an article ({len(text):,} characters; the limit is {MAX_CHARS:,})")
    text = break_long_sentences(text)
    return Document(id=path.stem, source=str(path), text=text,
                    sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())


def read_documents(paths: Iterable[str | Path], encoding: str | None = None,
                   seen: dict[str, Seen] | None = None) -> Reading:
    """Read everything under `paths`; the same text under several paths is one document.

    Files of other types are skipped; any error reading one file (not only a DocumentError)
    makes it a failure and the reading goes on. A file in `seen` (a previous reading's, with
    the same encoding) whose size and modification time are unchanged is not read again: its
    document has the text hash but no text (""), for a caller that has the extraction
    already; read_document reads it when needed.
    """
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(f"unknown encoding '{encoding}'") from None
    reading = Reading()
    by_hash: dict[str, Document] = {}
    ids: set[str] = set()
    for path in iter_files(paths, reading):
        if unsupported(path):
            reading.skipped.append(Skipped(str(path), unsupported(path)))
            continue
        try:
            info = _stat(path)
            known = (seen or {}).get(str(path))
            if known and (known.size, known.mtime_ns) == (info.st_size, info.st_mtime_ns):
                doc = Document(id=path.stem, source=str(path), text="", sha256=known.sha256)
            else:
                doc = read_document(path, encoding)
        except Exception as exc:  # whatever goes wrong with one file, the others are read
            reading.failed.append(Failure(str(path), reason(exc)))
            continue
        reading.seen[str(path)] = Seen(info.st_size, info.st_mtime_ns, doc.sha256)
        if doc.sha256 in by_hash:
            first = by_hash[doc.sha256]
            reading.merged.append(Duplicate(doc.source, first.id, first.source))
            continue
        if doc.id in ids:
            doc.id = f"{doc.id}-{doc.sha256[:8]}"
        ids.add(doc.id)
        by_hash[doc.sha256] = doc
        reading.documents.append(doc)
    return reading
