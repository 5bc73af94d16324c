"""One edition of a stored announcement (its text) written as txt, Markdown, DOCX or PDF.

A version of an announcement is kept as its whole text — title, opening, the numbered
parts, contact paragraph, issuer and date — because that is what the office edits. The
other formats are laid out from the text's parse, so the headings get their faces and the
closing its place in the GB/T 9704 layout. A text the parser cannot place whole would lose
words in DOCX and PDF; such a text is refused, naming the line, before it is ever saved.
The public edition is masked text (`core.masking`), so every format of it is written from
text that no longer holds the masked names. Pure Python: no Django.
"""

from __future__ import annotations

from zhenggai.core.document import Document
from zhenggai.core.errors import InputError
from zhenggai.core.parser import parse_text
from zhenggai.core.render_formats import FORMATS, render_document

SOURCE_NAME = "通报.txt"
UNPLACED = "第 {line} 行的文字未能归入通报的结构（“{text}”），请检查编号或把它并入相邻段落"
EMPTY = "通报正文不能为空"
UNKNOWN_FORMAT = "不支持的输出格式：{fmt}（可选 {choices}）"


def normalised_text(text: str) -> str:
    """Unix newlines, no trailing spaces, no blank lines, one newline at the end."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(line for line in lines if line.strip()) + "\n"


def edition_document(text: str) -> Document:
    """The parse of an edition's text; an `InputError` when any words would be lost."""
    if not text.strip():
        raise InputError(EMPTY)
    document = parse_text(normalised_text(text), filename=SOURCE_NAME)
    if document.unplaced:
        first = document.unplaced[0]
        raise InputError(UNPLACED.format(line=first.line or "?", text=first.text[:20]))
    return document


def render_edition(text: str, *, fmt: str) -> bytes:
    """The edition in `fmt`: the text itself for txt, its laid-out parse for the others."""
    if fmt not in FORMATS:
        raise InputError(UNKNOWN_FORMAT.format(fmt=fmt, choices=", ".join(FORMATS)))
    if fmt == "txt":
        return normalised_text(text).encode("utf-8")
    return render_document(edition_document(text), fmt=fmt)
