"""`zhenggai render --format …`: one announcement to txt, Markdown, DOCX or PDF.

The dispatch sits above both renderers so that imports point one way: `render_office`
uses `render`'s helpers (`compose_answer`, `default_marker`), and neither reaches the other
at run time.
"""

from __future__ import annotations

from zhenggai.core.document import Document
from zhenggai.core.errors import InputError
from zhenggai.core.render import render_markdown, render_text
from zhenggai.core.render_office import render_docx, render_pdf

FORMATS = ("txt", "md", "docx", "pdf")


def render_document(document: Document, *, fmt: str = "txt") -> bytes:
    """The document in `fmt`; an unknown format is an `InputError` naming the choices."""
    if fmt == "txt":
        return render_text(document).encode("utf-8")
    if fmt == "md":
        return render_markdown(document).encode("utf-8")
    if fmt == "docx":
        return render_docx(document)
    if fmt == "pdf":
        return render_pdf(document)
    raise InputError(f"不支持的输出格式：{fmt}（可选 {', '.join(FORMATS)}）")
