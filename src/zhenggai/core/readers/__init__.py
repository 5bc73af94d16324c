"""Readers turn a file's bytes into paragraphs of text, one paragraph per line.

Each reader knows one format; `read_file` picks by content (magic bytes), not by name, so a
renamed file is still read correctly and a fake one is refused with a clear message.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from zhenggai.core.document import Source, SourceFormat, Warning
from zhenggai.core.errors import InputError

#: Files larger than this are refused before reading (DESIGN: stated size limit).
MAX_BYTES = 20 * 1024 * 1024

ZIP_MAGIC = b"PK\x03\x04"
PDF_MAGIC = b"%PDF-"
IMAGE_MAGICS = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM", b"GIF8")
#: Old binary Office files (.doc/.wps/.xls) and password-protected docx use this container.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OLE2_REFUSED = "{name}: 这是旧版 Word/WPS（.doc/.wps）或加密的文件，请用 Word 另存为 .docx 后再导入"


@dataclass(frozen=True)
class ExtractedText:
    """The paragraphs of a file (joined with "\\n") and what is known about the source."""

    text: str
    source: Source
    warnings: tuple[Warning, ...] = ()


def sniff_format(data: bytes) -> SourceFormat:
    if data.startswith(ZIP_MAGIC):
        return "docx"
    if data.lstrip()[:5] == PDF_MAGIC:
        return "pdf"
    if data.startswith(IMAGE_MAGICS) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        return "image"
    return "txt"


def make_source(data: bytes, fmt: SourceFormat, *, filename: str | None,
                encoding: str | None = None, ocr_confidence: float | None = None) -> Source:
    return Source(
        format=fmt,
        encoding=encoding,
        sha256=hashlib.sha256(data).hexdigest(),
        ocr_confidence=ocr_confidence,
        filename=filename,
        size_bytes=len(data),
    )


def read_bytes(data: bytes, *, filename: str | None = None) -> ExtractedText:
    """Read a document from memory; raises InputError naming what was wrong."""
    name = filename or "输入"
    if len(data) > MAX_BYTES:
        raise InputError(
            f"{name}: 文件过大（{len(data) / 1048576:.1f} MB），上限为 {MAX_BYTES // 1048576} MB"
        )
    if not data.strip():
        raise InputError(f"{name}: 文件为空")
    if data.startswith(OLE2_MAGIC):
        raise InputError(OLE2_REFUSED.format(name=name))
    fmt = sniff_format(data)
    if fmt == "txt":
        from zhenggai.core.readers.text import read_text

        return read_text(data, filename=filename)
    if fmt == "docx":
        from zhenggai.core.readers.docx import read_docx

        return read_docx(data, filename=filename)
    if fmt == "pdf":
        from zhenggai.core.readers.pdf import read_pdf

        return read_pdf(data, filename=filename)
    from zhenggai.core.readers.image import read_image

    return read_image(data, filename=filename)


def read_file(path: str | Path) -> ExtractedText:
    """Read a document from disk, refusing missing, unreadable or oversized files."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise InputError(f"{p}: 无法读取文件（{exc.strerror or exc}）") from None
    if not p.is_file():
        raise InputError(f"{p}: 不是文件")
    if size > MAX_BYTES:
        raise InputError(f"{p}: 文件过大（{size / 1048576:.1f} MB），上限为 {MAX_BYTES // 1048576} MB")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{p}: 无法读取文件（{exc.strerror or exc}）") from None
    return read_bytes(data, filename=p.name)
