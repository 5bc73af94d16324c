"""Render a document to DOCX and PDF in the GB/T 9704-2012 official-document layout.

Both formats are built from one list of paragraphs (`blocks`), so that the DOCX an office
edits and the PDF it publishes say the same thing in the same places. The layout follows
GB/T 9704-2012: A4, margins 37/35/28/26 mm (top/bottom/left/right), body 3号 (16 pt)
仿宋_GB2312 with a two-character first-line indent and a fixed line pitch of 28.95 pt (22
lines on the 225 mm type area), title 2号 方正小标宋简体, level headings 黑体 → 楷体_GB2312 →
仿宋 bold → 仿宋, page numbers "— 1 —" in 4号 宋体 on the outer side, and the issuer and
date placed as §7.3.5.2 (no seal) asks.

DOCX names the fonts as offices have them (Word substitutes what is missing); the PDF is
drawn with the faces `fonts/fonts.conf` maps those names to. Pure Python: no Django import.
python-docx and WeasyPrint are imported only when a format needs them.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from io import BytesIO
from pathlib import Path
from typing import Any, Literal

from zhenggai.core.document import Document, Finding, Problem, Section
from zhenggai.core.errors import InputError
from zhenggai.core.render import compose_answer, default_marker

# -- layout constants (GB/T 9704-2012) ------------------------------------------------------
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGIN_TOP_MM, MARGIN_BOTTOM_MM, MARGIN_LEFT_MM, MARGIN_RIGHT_MM = 37, 35, 28, 26
#: 3号 body text; 2号 title; 4号 page numbers.
BODY_PT, TITLE_PT, PAGE_NO_PT = 16.0, 22.0, 14.0
#: 225 mm type area / 22 lines ≈ 28.95 pt: the standard's 22 lines per page.
LINE_PT = 28.95
#: The page number's top edge sits 7 mm below the type area.
PAGE_NO_GAP_MM = 7
#: 28 characters to a 156 mm line: 3号 is 16 pt, 156 mm / 28 ≈ 15.79 pt, so characters
#: are drawn 0.21 pt closer (Word does the same through the document grid's charSpace).
CHARS_PER_LINE = 28
TYPE_WIDTH_PT = (PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM) * 72 / 25.4
LETTER_SPACING_PT = -0.21
CHAR_PITCH_PT = BODY_PT + LETTER_SPACING_PT
#: Word's docGrid: line pitch in twips (28.95 pt) and charSpace in 1/4096 pt of extra width.
DOCX_LINE_PITCH = round(LINE_PT * 20)
DOCX_CHAR_SPACE = round(LETTER_SPACING_PT * 4096)

FONT_BODY = "仿宋_GB2312"
FONT_TITLE = "方正小标宋简体"
FONT_H1 = "黑体"
FONT_H2 = "楷体_GB2312"
FONT_PAGE_NO = "宋体"

FONTS_CONF = Path(__file__).with_name("fonts") / "fonts.conf"
FONT_DIR_ENV = "ZHENGGAI_FONT_DIR"

#: Font role of a run: which face, size and weight it gets.
Role = Literal["title", "h1", "h2", "h3", "body", "label"]
#: Paragraph kind: how the paragraph is placed (alignment, indents).
Kind = Literal["title", "para", "signature", "date"]

_ROLE_FONT: dict[str, str] = {
    "title": FONT_TITLE,
    "h1": FONT_H1,
    "h2": FONT_H2,
    "h3": FONT_BODY,
    "body": FONT_BODY,
    "label": FONT_BODY,
}
_BOLD_ROLES = frozenset({"h3", "label"})
_HEADING_ROLES: tuple[Role, ...] = ("h1", "h2", "h3")
_SENTENCE_END = "。．.；;！？!?"


@dataclass(frozen=True)
class Run:
    text: str
    role: Role


@dataclass(frozen=True)
class Block:
    """One paragraph of the output; `keep_with_next` keeps a bare heading off a page foot."""

    kind: Kind
    runs: tuple[Run, ...]
    keep_with_next: bool = False

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


# -- the document as paragraphs -----------------------------------------------------------
def _role_for_depth(depth: int) -> Role:
    """一、 → 黑体, （一） → 楷体, 1． → 仿宋 bold, deeper (（1）) → plain body text."""
    return _HEADING_ROLES[depth] if depth < len(_HEADING_ROLES) else "body"


def _heading_blocks(
    marker: str | None,
    depth: int,
    no: int | None,
    title: str | None,
    run_in: str | None = None,
) -> list[Block]:
    """A numbered heading; `run_in` is body text that continues on the heading's line.

    A heading that ends a sentence ("（一）统一思想，切实增强政治自觉。") is followed on
    the same line by its text, as offices write it: the heading keeps its face, the text
    is body face.
    """
    role = _role_for_depth(depth)
    mark = marker if marker else default_marker(depth, no)
    lines = (title or "").split("\n")
    first = mark + lines[0]
    blocks: list[Block] = []
    if first:
        blocks.append(Block("para", (Run(first, role),)))
    blocks.extend(Block("para", (Run(line, role),)) for line in lines[1:] if line)
    if run_in and blocks:
        last = blocks[-1]
        blocks[-1] = Block("para", (*last.runs, Run(run_in, "body")))
    elif run_in:
        blocks.append(Block("para", (Run(run_in, "body"),)))
    elif blocks and role != "body":
        blocks[-1] = Block("para", blocks[-1].runs, keep_with_next=True)
    return blocks


def _body_blocks(text: str) -> Iterator[Block]:
    for line in text.split("\n"):
        if line.strip():
            yield Block("para", (Run(line, "body"),))


def _labelled(label: str, text: str) -> Iterator[Block]:
    """The "整改情况：…" paragraph: the label in bold, the text after it; later lines as paragraphs."""
    first, *rest = text.split("\n")
    yield Block("para", (Run(f"{label}：", "label"), Run(first, "body")))
    for line in rest:
        if line.strip():
            yield Block("para", (Run(line, "body"),))


def _section_blocks(section: Section, depth: int) -> Iterator[Block]:
    text_lines = section.text.split("\n") if section.text else []
    title = section.title or ""
    run_in = None
    if text_lines and title[-1:] in _SENTENCE_END:  # an empty title also runs in, as in txt
        run_in = text_lines.pop(0)
    yield from _heading_blocks(section.marker, depth, section.no, section.title, run_in)
    for line in text_lines:
        yield from _body_blocks(line)
    for sub in section.subsections:
        yield from _section_blocks(sub, depth + 1)


def _finding_blocks(finding: Finding, problem: Problem, depth: int) -> Iterator[Block]:
    if finding.no is not None:
        yield from _heading_blocks(finding.marker, depth, finding.no, finding.text)
    elif not (finding.label is None and finding.text == (problem.title or "")):
        yield Block(
            "para", (Run(f"{finding.label or '主要问题'}：", "label"),), keep_with_next=True
        )
        yield from _body_blocks(finding.text)
    if finding.answer_kind == "none" and not finding.measures:
        return
    parts = finding.answer_parts
    if parts:
        for part in parts:
            yield from _labelled(part.label, part.text)
    else:
        label = "情况说明" if finding.answer_kind == "explained" else "整改情况"
        yield from _labelled(label, compose_answer(finding))


def _problem_blocks(problem: Problem, depth: int) -> Iterator[Block]:
    yield from _heading_blocks(problem.marker, depth, problem.no, problem.title)
    if any(f.no is not None for f in problem.findings):
        yield Block("para", (Run("主要问题：", "label"),), keep_with_next=True)
    for finding in problem.findings:
        yield from _finding_blocks(finding, problem, depth + 1)


def blocks(document: Document) -> list[Block]:
    """The document as paragraphs, in the same order and words as `render.document_lines`.

    Walking the tree (instead of re-reading the text lines) tells each paragraph its level,
    which decides its face.
    """
    out: list[Block] = []
    if document.title:
        out.extend(
            Block("title", (Run(line, "title"),)) for line in document.title.split("\n") if line
        )
    out.extend(_body_blocks(document.preamble) if document.preamble else ())
    parts: list[tuple[int, Section | None]] = [(s.order, s) for s in document.sections]
    fp = document.findings_part
    parts.append((fp.order if fp else len(document.sections), None))
    base = 1 if fp else 0
    for _, section in sorted(parts, key=lambda p: p[0]):
        if section is not None:
            out.extend(_section_blocks(section, 0))
            continue
        if fp:
            out.extend(_heading_blocks(fp.marker, 0, fp.no, fp.title))
            if fp.text:
                out.extend(_body_blocks(fp.text))
        for aspect in document.aspects:
            if aspect.no is None and aspect.title is None:
                for problem in aspect.problems:
                    out.extend(_problem_blocks(problem, base))
                continue
            out.extend(_heading_blocks(aspect.marker, base, aspect.no, aspect.title))
            for problem in aspect.problems:
                out.extend(_problem_blocks(problem, base + 1))
    if document.closing:
        out.extend(_body_blocks(document.closing))
    if document.issuer:
        out.append(Block("signature", (Run(document.issuer, "body"),)))
    if document.issue_date:
        d = document.issue_date
        out.append(Block("date", (Run(f"{d.year}年{d.month}月{d.day}日", "body"),)))
    return out


def text_width_chars(text: str) -> float:
    """Width in body characters: Han and full-width forms count 1, ASCII digits ½."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)


def signature_indents(issuer: str | None, date: str | None) -> tuple[float, float]:
    """Right indents (in characters) of the issuer and date lines, GB/T 9704 §7.3.5.2.

    Without a seal the issuer stands two characters from the right, the date on the next
    line starts two characters to the right of the issuer's first character; a date longer
    than that stands two characters from the right and pushes the issuer left instead.
    """
    sig_w = text_width_chars(issuer or "")
    date_w = text_width_chars(date or "")
    sig_right = 2.0
    date_right = sig_right + sig_w - date_w - 2.0
    if not issuer or date_right < 2.0:
        date_right = 2.0
        sig_right = date_right + date_w + 2.0 - sig_w if issuer else 2.0
    return sig_right, date_right


def _closing_texts(items: list[Block]) -> tuple[str | None, str | None]:
    sig = next((b.text for b in items if b.kind == "signature"), None)
    date = next((b.text for b in items if b.kind == "date"), None)
    return sig, date


# -- DOCX ------------------------------------------------------------------------------------
def _set_fonts(rpr: Any, name: str) -> None:
    """Name one face for every script on a run or style (`w:eastAsia` is what CJK text uses).

    python-docx's `font.name` sets only ascii/hAnsi; the theme attributes of the default
    template would otherwise still win for East Asian text.
    """
    from docx.oxml.ns import qn

    rfonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)


def _add_page_field(paragraph: Any) -> None:
    """The "— N —" footer: the page number as a PAGE field between two em dashes (一字线)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt
    from docx.text.run import Run as DocxRun

    def styled(run: Any) -> Any:
        run.font.size = Pt(PAGE_NO_PT)
        _set_fonts(run._element.get_or_add_rPr(), FONT_PAGE_NO)
        return run

    styled(paragraph.add_run("— "))
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), " PAGE ")
    inner = OxmlElement("w:r")
    field.append(inner)
    paragraph._p.append(field)
    number = styled(DocxRun(inner, paragraph))
    number.text = "1"
    styled(paragraph.add_run(" —"))


def render_docx(document: Document) -> bytes:
    """A DOCX an office can open and edit in Word or WPS, fonts named as offices have them."""
    try:
        import docx
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Mm, Pt
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise InputError(f"生成 DOCX 需要 python-docx：pip install python-docx（{exc}）") from None

    items = blocks(document)
    out = docx.Document()

    section = out.sections[0]
    section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(MARGIN_TOP_MM), Mm(MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(MARGIN_LEFT_MM), Mm(MARGIN_RIGHT_MM)
    section.header_distance = Mm(15)
    # Footer baseline so that the number's top edge is about 7 mm under the type area.
    section.footer_distance = Mm(MARGIN_BOTTOM_MM - PAGE_NO_GAP_MM - 6)
    # 22 lines of 28 characters: Word lays text on this grid (type "linesAndChars").
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(DOCX_LINE_PITCH))
    grid.set(qn("w:charSpace"), str(DOCX_CHAR_SPACE))

    normal = out.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    normal_rpr = normal.element.get_or_add_rPr()
    _set_fonts(normal_rpr, FONT_BODY)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal_rpr.append(lang)
    npf = normal.paragraph_format
    npf.line_spacing = Pt(LINE_PT)  # a Length makes the rule "exact" (固定值)
    npf.space_before = npf.space_after = Pt(0)
    npf.widow_control = False

    sig_text, date_text = _closing_texts(items)
    sig_right, date_right = signature_indents(sig_text, date_text)
    first_signature = True
    last_title = next((b for b in reversed(items) if b.kind == "title"), None)
    for block in items:
        starts_closing = block.kind == "signature" or (block.kind == "date" and sig_text is None)
        if starts_closing and first_signature:
            # GB/T 9704: one blank line between text and issuer; keep the last text line,
            # the issuer and the date on one page.
            if out.paragraphs:
                out.paragraphs[-1].paragraph_format.keep_with_next = True
            out.add_paragraph().paragraph_format.keep_with_next = True
            first_signature = False
        para = out.add_paragraph()
        pf = para.paragraph_format
        if block.kind == "title":
            pf.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif block.kind in {"signature", "date"}:
            chars = sig_right if block.kind == "signature" else date_right
            pf.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            pf.right_indent = Pt(CHAR_PITCH_PT * chars)
            # Indents in grid characters (hundredths), which Word prefers over twips.
            para._p.get_or_add_pPr().get_or_add_ind().set(
                qn("w:rightChars"), str(round(chars * 100))
            )
        else:
            pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            pf.first_line_indent = Pt(2 * CHAR_PITCH_PT)
            para._p.get_or_add_pPr().get_or_add_ind().set(qn("w:firstLineChars"), "200")
        if block.keep_with_next or block.kind == "signature":
            pf.keep_with_next = True
        for item in block.runs:
            run = para.add_run(item.text)
            run.font.size = Pt(TITLE_PT if item.role == "title" else BODY_PT)
            if item.role in _BOLD_ROLES:
                run.font.bold = True
            _set_fonts(run._element.get_or_add_rPr(), _ROLE_FONT[item.role])
        if block is last_title:
            out.add_paragraph()  # GB/T 9704: one blank line under the title

    # Page numbers on the outer side: odd pages right, even pages left, one character in.
    out.settings.odd_and_even_pages_header_footer = True
    odd = section.footer.paragraphs[0]
    odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    odd.paragraph_format.right_indent = Pt(PAGE_NO_PT)
    _add_page_field(odd)
    even = section.even_page_footer.paragraphs[0]
    even.alignment = WD_ALIGN_PARAGRAPH.LEFT
    even.paragraph_format.left_indent = Pt(PAGE_NO_PT)
    _add_page_field(even)

    props = out.core_properties
    props.title = document.title or ""
    props.author = document.issuer or ""
    props.comments = "zhenggai"
    buffer = BytesIO()
    out.save(buffer)
    return buffer.getvalue()


# -- PDF -------------------------------------------------------------------------------------
def _css() -> str:
    page_no = (
        f'content: "— " counter(page) " —"; font-family: "{FONT_PAGE_NO}"; '
        f"font-size: {PAGE_NO_PT}pt; vertical-align: top; padding-top: {PAGE_NO_GAP_MM}mm; "
        "letter-spacing: 0; white-space: nowrap; width: 8em;"
    )
    return f"""
@page {{
  size: A4;
  margin: {MARGIN_TOP_MM}mm {MARGIN_RIGHT_MM}mm {MARGIN_BOTTOM_MM}mm {MARGIN_LEFT_MM}mm;
}}
@page :right {{ @bottom-right {{ {page_no} text-align: right; padding-right: {PAGE_NO_PT}pt; }} }}
@page :left {{ @bottom-left {{ {page_no} text-align: left; padding-left: {PAGE_NO_PT}pt; }} }}
html {{
  font-family: "{FONT_BODY}"; font-size: {BODY_PT}pt; line-height: {LINE_PT}pt;
  letter-spacing: {LETTER_SPACING_PT}pt;
}}
body {{ margin: 0; }}
p {{ margin: 0; }}
p.title {{
  font-family: "{FONT_TITLE}"; font-size: {TITLE_PT}pt; text-align: center; letter-spacing: 0;
}}
p.title.last {{ margin-bottom: {LINE_PT}pt; }}
p.para {{ text-indent: {2 * CHAR_PITCH_PT:.2f}pt; text-align: justify; }}
p.keep {{ break-after: avoid; }}
span.h1 {{ font-family: "{FONT_H1}"; }}
span.h2 {{ font-family: "{FONT_H2}"; }}
span.h3, span.label {{ font-weight: bold; }}
div.sign {{ display: table; margin: {LINE_PT}pt 2em 0 auto; break-inside: avoid; break-before: avoid; }}
div.sign p {{ white-space: nowrap; }}
div.sign p.date {{ padding-left: 2em; }}
"""


def render_html(document: Document) -> str:
    """The HTML WeasyPrint draws; the issuer/date box shrink-wraps to place them exactly."""
    items = blocks(document)
    body: list[str] = []
    titles = [b for b in items if b.kind == "title"]
    sign: list[str] = []
    for block in items:
        runs = "".join(
            f'<span class="{r.role}">{escape(r.text)}</span>'
            if r.role != "body"
            else escape(r.text)
            for r in block.runs
        )
        if block.kind in {"signature", "date"}:
            sign.append(f'<p class="{block.kind}">{runs}</p>')
            continue
        classes: list[str] = [block.kind]
        if block.kind == "title" and block is titles[-1]:
            classes.append("last")
        if block.keep_with_next:
            classes.append("keep")
        body.append(f'<p class="{" ".join(classes)}">{runs}</p>')
    if sign:
        body.append(f'<div class="sign">{"".join(sign)}</div>')
    title = escape(document.title or document.issuer or "")
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{_css()}</style></head>"
        f"<body>{''.join(body)}</body></html>"
    )


def fontconfig_file() -> Path:
    """The fonts.conf to use: the project's, wrapped to add $ZHENGGAI_FONT_DIR when set.

    fontconfig cannot read environment variables inside a config file, so an office's
    licensed font folder is added by a small generated file that includes ours.
    """
    extra = os.environ.get(FONT_DIR_ENV, "").strip()
    if not extra:
        return FONTS_CONF
    folder = Path(extra).expanduser().resolve()
    if not folder.is_dir():
        raise InputError(f"{FONT_DIR_ENV} 指向的字体目录不存在：{folder}")
    content = (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig>\n  <dir>{escape(str(folder))}</dir>\n"
        f"  <include>{escape(str(FONTS_CONF))}</include>\n</fontconfig>\n"
    )
    digest = hashlib.sha256(content.encode()).hexdigest()[:16]
    wrapper = Path(tempfile.gettempdir()) / f"zhenggai-fonts-{digest}.conf"
    if not wrapper.is_file() or wrapper.read_text(encoding="utf-8") != content:
        tmp = wrapper.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(content, encoding="utf-8")
        tmp.replace(wrapper)
    return wrapper


def render_pdf(document: Document) -> bytes:
    """The PDF through WeasyPrint, with the project's font mapping."""
    # fontconfig reads FONTCONFIG_FILE when WeasyPrint builds its font map; a value set by
    # the operator wins.
    os.environ.setdefault("FONTCONFIG_FILE", str(fontconfig_file()))
    try:
        import weasyprint
    except ImportError:
        raise InputError(
            "生成 PDF 需要 WeasyPrint：pip install weasyprint（或 pip install -e '.[dev]'）"
        ) from None
    except OSError as exc:
        raise InputError(
            "生成 PDF 需要 WeasyPrint 的系统库 Pango（Debian：apt-get install -y "
            f"libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0）：{exc}"
        ) from None
    pdf: bytes = weasyprint.HTML(string=render_html(document)).write_pdf()
    return pdf


def render(document: Document, *, fmt: str) -> bytes:
    """Entry point used by `render.render_document` for "docx" and "pdf"."""
    if fmt == "docx":
        return render_docx(document)
    if fmt == "pdf":
        return render_pdf(document)
    raise InputError(f"render_office 只生成 docx 或 pdf，不支持：{fmt}")
