"""Word (docx, also docm/dotx): the body's paragraphs as lines, as the reader of the page sees them.

What python-docx's `Document.paragraphs` would miss or get wrong, and why it matters here:
- automatic numbering is not in the text: "一、" and "（一）" headings come from
  numbering.xml, rendered by `docx_numbering` so the parser sees the markers;
- content controls (`w:sdt`) and text boxes hold real text (WPS puts headings in them);
- tables are read cell by cell, row by row (feedback is often a table), with a warning;
- tracked changes are read as if accepted (insertions kept, deletions dropped), hidden
  text and field codes are skipped, a table of contents is skipped (it repeats headings).
The package is opened with python-docx's OPC layer, which follows the relationships to
the main part whatever its name; the zip is checked first so that a small file cannot
expand into gigabytes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from zhenggai.core.document import Warning
from zhenggai.core.errors import InputError
from zhenggai.core.readers import ExtractedText, make_source
from zhenggai.core.readers.docx_numbering import Numbering, Style, num_pr, read_styles, w, w_val

DOCX_CORRUPT = "不是有效的 Word 文档（docx 文件已损坏或不完整）"
DOCX_OTHER_OFFICE = "不是 Word 文档，而是{kind}，请提供 docx、pdf、txt 或图片"
DOCX_TOO_LARGE_UNZIPPED = "Word 文档解压后过大（{size} MB），上限为 {limit} MB"
DOCX_NO_TEXT = "Word 文档中没有文字"
DOCX_ONLY_IMAGES = "Word 文档中没有文字，只有图片：请把扫描件直接作为图片或 PDF 导入，以便 OCR 识别"

#: Uncompressed size allowed for the whole package (a zip bomb guard; real files are < 50 MB).
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024

WORD_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
}
#: Other zip-based formats people upload by mistake, recognised by a marker member.
OTHER_ZIP_FORMATS = (
    ("xl/workbook.xml", "Excel 表格（xlsx）"),
    ("xl/workbook.bin", "Excel 表格（xlsb）"),
    ("ppt/presentation.xml", "PowerPoint 演示文稿（pptx）"),
    ("content.xml", "OpenDocument 文档（odt/ods），请另存为 docx"),
)

MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
MC_FALLBACK = f"{{{MC_NS}}}Fallback"

_RT_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
_RT_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"

#: Subtrees whose text is not part of what the page shows.
_SKIPPED = {
    w("pPr"), w("rPr"), w("del"), w("moveFrom"), w("instrText"), w("delText"),
    w("sdtPr"), w("sdtEndPr"), w("commentReference"), w("footnoteReference"),
    w("endnoteReference"), MC_FALLBACK,
}
_BREAKS = {w("br"), w("cr")}
_TABS = {w("tab"), w("ptab")}
_OFF = {"0", "false", "off"}


@dataclass
class _State:
    numbering: Numbering
    styles: dict[str, Style]
    default_style: str | None
    lines: list[str] = field(default_factory=list)
    tables: int = 0
    first_table_line: int | None = None
    embedded_chunks: int = 0


def read_docx(data: bytes, *, filename: str | None = None) -> ExtractedText:
    """Read a Word document; raises InputError (naming the file) when it cannot be read."""
    name = filename or "输入"
    body, numbering_root, styles_root = _open(data, name)
    styles, default_style = read_styles(styles_root)
    state = _State(Numbering(numbering_root, styles), styles, default_style)
    _blocks(body, state)

    text = "\n".join(state.lines)
    if not text.strip():
        has_images = any(True for _ in body.iter(w("drawing"), w("pict")))
        raise InputError(f"{name}: {DOCX_ONLY_IMAGES if has_images else DOCX_NO_TEXT}")
    warnings: list[Warning] = []
    if state.tables:
        warnings.append(Warning(
            "docx_tables",
            f"文档含有 {state.tables} 个表格，表格内容已按行、逐个单元格读出，请核对层级",
            state.first_table_line,
        ))
    if any(True for _ in body.iter(w("ins"), w("del"), w("moveFrom"), w("moveTo"))):
        warnings.append(Warning(
            "docx_tracked_changes",
            "文档含有未处理的修订，已按“接受全部修订”后的文字读取，请确认是否为定稿",
        ))
    if state.embedded_chunks:
        warnings.append(Warning(
            "docx_embedded_content",
            f"文档嵌入了 {state.embedded_chunks} 段其他格式的内容（altChunk），未能读取",
        ))
    return ExtractedText(
        text=text,
        source=make_source(data, "docx", filename=filename),
        warnings=tuple(warnings),
    )


def _open(data: bytes, name: str) -> tuple[etree._Element, etree._Element | None,
                                           etree._Element | None]:
    """The body element and the numbering and styles roots (None when absent)."""
    from docx.opc.package import OpcPackage

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InputError(f"{name}: {DOCX_CORRUPT}") from None
    names = {m.filename for m in members}
    if "word/document.xml" not in names:
        for marker, kind in OTHER_ZIP_FORMATS:
            if marker in names:
                raise InputError(f"{name}: {DOCX_OTHER_OFFICE.format(kind=kind)}")
    unzipped = sum(m.file_size for m in members)
    if unzipped > MAX_UNZIPPED_BYTES:
        raise InputError(f"{name}: " + DOCX_TOO_LARGE_UNZIPPED.format(
            size=f"{unzipped / 1048576:.0f}", limit=MAX_UNZIPPED_BYTES // 1048576))
    try:
        package = OpcPackage.open(io.BytesIO(data))
        main = package.main_document_part
    except Exception:  # python-docx raises KeyError/ValueError/XMLSyntaxError/zip errors
        raise InputError(f"{name}: {DOCX_CORRUPT}") from None
    if main.content_type not in WORD_MAIN_TYPES:
        raise InputError(f"{name}: {DOCX_OTHER_OFFICE.format(kind=main.content_type)}")
    try:
        root = _parse(main.blob)
        body = root.find(w("body"))
        if body is None:
            raise ValueError("no body")
        numbering = _related(main, _RT_NUMBERING)
        styles = _related(main, _RT_STYLES)
    except (etree.XMLSyntaxError, ValueError):
        raise InputError(f"{name}: {DOCX_CORRUPT}") from None
    return body, numbering, styles


def _parse(blob: bytes) -> etree._Element:
    # No entities, no network: the XML comes from an uploaded file.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    return etree.fromstring(blob, parser)


def _related(part: object, reltype: str) -> etree._Element | None:
    try:
        related = part.part_related_by(reltype)  # type: ignore[attr-defined]
    except KeyError:
        return None
    return _parse(related.blob)


# -- walking the body ---------------------------------------------------------------------
def _blocks(container: etree._Element, state: _State) -> None:
    """Block-level content in document order: paragraphs, tables, content controls."""
    for child in container:
        tag = child.tag
        if tag == w("p"):
            _paragraph(child, state)
        elif tag == w("tbl"):
            _table(child, state)
        elif tag == w("sdt"):
            if not _is_table_of_contents(child):
                _blocks_in(child, state)
        elif tag in {w("customXml"), w("ins"), w("moveTo"), w("smartTag")}:
            _blocks(child, state)
        elif tag == w("altChunk"):
            state.embedded_chunks += 1


def _blocks_in(sdt: etree._Element, state: _State) -> None:
    content = sdt.find(w("sdtContent"))
    if content is not None:
        _blocks(content, state)


def _is_table_of_contents(sdt: etree._Element) -> bool:
    gallery = sdt.find(f"{w('sdtPr')}/{w('docPartObj')}/{w('docPartGallery')}")
    return gallery is not None and (gallery.get(w("val")) or "").lower() == "table of contents"


def _table(table: etree._Element, state: _State) -> None:
    state.tables += 1
    if state.first_table_line is None:
        state.first_table_line = len(state.lines) + 1
    for row in _children(table, w("tr")):
        for cell in _children(row, w("tc")):
            # Empty cells (vertically merged continuations among them) add no lines.
            cell_state = _State(state.numbering, state.styles, state.default_style)
            _blocks(cell, cell_state)
            state.lines.extend(line for line in cell_state.lines if line.strip())
            state.tables += cell_state.tables
            state.embedded_chunks += cell_state.embedded_chunks


def _children(element: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Children with `tag`, also when wrapped in content controls or custom XML."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag == w("sdt"):
            content = child.find(w("sdtContent"))
            if content is not None:
                yield from _children(content, tag)
        elif child.tag == w("customXml"):
            yield from _children(child, tag)


def _paragraph(p: etree._Element, state: _State) -> None:
    ppr = p.find(w("pPr"))
    style_id = w_val(ppr, "pStyle") or state.default_style
    style = state.styles.get(style_id or "")
    if style is not None and style.name.startswith("toc "):
        return  # a table-of-contents entry repeats a heading found later
    pieces: list[str] = []
    boxes: list[etree._Element] = []
    _inline(p, pieces, boxes)
    text = "".join(pieces)
    numbered = state.numbering.resolve(num_pr(ppr), style_id)
    if numbered is not None:
        label = state.numbering.label(*numbered)
        # The label takes the paragraph mark's formatting: a hidden mark hides it too.
        if not (ppr is not None and _hidden(ppr.find(w("rPr")))):
            text = label + text
    state.lines.extend(text.split("\n"))
    for box in boxes:
        _blocks(box, state)


def _inline(element: etree._Element, out: list[str], boxes: list[etree._Element]) -> None:
    for child in element:
        tag = child.tag
        if tag == w("t"):
            out.append(child.text or "")
        elif tag in _SKIPPED:
            continue
        elif tag in _TABS:
            out.append("\t")
        elif tag in _BREAKS:
            out.append("\n")
        elif tag == w("noBreakHyphen"):
            out.append("-")
        elif tag == w("txbxContent"):
            boxes.append(child)  # read after the paragraph that anchors it
        elif tag == w("r") and _hidden(child.find(w("rPr"))):
            continue
        elif isinstance(tag, str):
            _inline(child, out, boxes)


def _hidden(rpr: etree._Element | None) -> bool:
    if rpr is None:
        return False
    vanish = rpr.find(w("vanish"))
    return vanish is not None and vanish.get(w("val"), "true") not in _OFF
