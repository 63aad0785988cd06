"""Stage 1, read: paths → Documents.

Walks folders, decodes text whatever its Chinese encoding, strips HTML, and reports
every file it cannot use with the reason, so one bad file never stops a build.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterable, Iterator

from charset_normalizer import from_bytes

from .errors import DocumentError, InputError
from .model import Document

SUFFIXES = {".txt": "text", ".md": "text", ".markdown": "text", ".html": "html", ".htm": "html"}
BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


@dataclass(frozen=True)
class Skipped:
    """A file left out of the build, with the reason a user can act on."""

    path: str
    reason: str


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Every file under the given paths, in a stable order, following no symlink loops."""
    for root in paths:
        root = Path(root)
        if not root.exists() and not root.is_symlink():
            raise InputError(f"no such file or folder: {root}")
        if root.is_dir():
            seen: set[Path] = set()
            for path in sorted(root.rglob("*")):
                if path.is_dir() or path.name.startswith("."):
                    continue
                real = path.resolve() if path.exists() else path
                if real in seen:
                    continue
                seen.add(real)
                yield path
        else:
            yield root


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
    except UnicodeDecodeError:
        pass
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


def read_document(path: str | Path, encoding: str | None = None) -> Document:
    path = Path(path)
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise DocumentError(str(path), f"unsupported file type '{path.suffix or '(none)'}' (use .txt, .md or .html)")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(str(path), exc.strerror or str(exc)) from None
    if not data.strip():
        raise DocumentError(str(path), "empty file")
    text = decode(data, str(path), encoding)
    if kind == "html":
        text = html_to_text(text)
    text = normalise(text)
    if not text.strip():
        raise DocumentError(str(path), "no text after extraction")
    return Document(id=path.stem, source=str(path), text=text,
                    sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())


def read_documents(paths: Iterable[str | Path], encoding: str | None = None
                   ) -> tuple[list[Document], list[Skipped]]:
    """Read everything under `paths`; duplicates (same text) are kept once."""
    docs: list[Document] = []
    skipped: list[Skipped] = []
    by_hash: dict[str, Document] = {}
    ids: set[str] = set()
    for path in iter_files(paths):
        try:
            doc = read_document(path, encoding)
        except DocumentError as exc:
            skipped.append(Skipped(exc.path, exc.reason))
            continue
        if doc.sha256 in by_hash:
            skipped.append(Skipped(doc.source, f"same text as {by_hash[doc.sha256].source}"))
            continue
        if doc.id in ids:
            doc.id = f"{doc.id}-{doc.sha256[:8]}"
        ids.add(doc.id)
        by_hash[doc.sha256] = doc
        docs.append(doc)
    return docs, skipped
