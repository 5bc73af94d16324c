"""Write an `OfficialDocument` as DOCX, in the GB/T 9704-2012 layout offices edit in Word/WPS.

Fonts are named as offices have them (Word substitutes what is missing). python-docx sets
only the Latin font names, and the default template's theme fonts would still win for
Chinese text, so every run and style names its face on every script, `w:eastAsia` included.
python-docx is imported when a document is written, not when this module is.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from zhenggai.core.errors import InputError
from zhenggai.core.official_document import (
    BODY_PT,
    BOLD_ROLES,
    CHAR_PITCH_PT,
    FONT_BODY,
    FONT_PAGE_NO,
    LETTER_SPACING_PT,
    LINE_PT,
    MARGIN_BOTTOM_MM,
    MARGIN_LEFT_MM,
    MARGIN_RIGHT_MM,
    MARGIN_TOP_MM,
    PAGE_HEIGHT_MM,
    PAGE_NO_GAP_MM,
    PAGE_NO_PT,
    PAGE_WIDTH_MM,
    ROLE_FONT,
    TITLE_PT,
    Block,
    OfficialDocument,
    Run,
)

#: Word's docGrid: 22 lines, a line pitch of 28.95 pt in twips. The 28 characters come from
#: the character spacing (1/20 pt) rather than the grid's charSpace: LibreOffice gives each
#: character whole grid cells, and a 16 pt character in a 15.79 pt cell takes two of them
#: (18 characters to the line), where Word and LibreOffice both honour the spacing.
DOCX_LINE_PITCH = round(LINE_PT * 20)
DOCX_CHAR_SPACING = round(LETTER_SPACING_PT * 20)
#: Word measures the footer from the page's bottom edge to the footer line's bottom; the
#: number's line is exactly 4号 high and its dashes sit at mid-height, 7 mm under the type
#: area, so the line's bottom is half a line lower.
FOOTER_DISTANCE_PT = (MARGIN_BOTTOM_MM - PAGE_NO_GAP_MM) * 72 / 25.4 - PAGE_NO_PT / 2

_MISSING = "生成 DOCX 需要 python-docx：pip install python-docx（{exc}）"


def set_fonts(rpr: Any, name: str) -> None:
    """Name one face for every script on a run or style (`w:eastAsia` is what CJK text uses)."""
    from docx.oxml.ns import qn

    rfonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)


def _child(parent: Any, tag: str) -> Any:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    found = parent.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        parent.append(found)
    return found


#: What follows `w:snapToGrid` in a paragraph's properties (ECMA-376 order, which Word checks).
_AFTER_SNAP = (
    "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap",
    "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
    "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)


def _off_grid(paragraph: Any) -> None:
    """Keep a paragraph off the line grid: LibreOffice would give a 2号 title line two."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    paragraph._p.get_or_add_pPr().insert_element_before(snap, *_AFTER_SNAP)


def _page_setup(out: Any) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    section = out.sections[0]
    section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(MARGIN_TOP_MM), Mm(MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(MARGIN_LEFT_MM), Mm(MARGIN_RIGHT_MM)
    section.header_distance = Mm(15)
    section.footer_distance = Pt(FOOTER_DISTANCE_PT)
    # 22 lines to the page: Word lays lines on this grid (type "lines").
    grid = _child(section._sectPr, "w:docGrid")
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(DOCX_LINE_PITCH))
    grid.attrib.pop(qn("w:charSpace"), None)


def _styles(out: Any) -> None:
    """Normal: 3号 仿宋, 28.95 pt exact line spacing, Chinese, characters 0.25 pt closer."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    normal = out.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    rpr = normal.element.get_or_add_rPr()
    set_fonts(rpr, FONT_BODY)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(DOCX_CHAR_SPACING))
    rpr.insert_element_before(spacing, "w:w", "w:kern", "w:position", "w:sz", "w:szCs")
    lang = _child(rpr, "w:lang")
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")
    npf = normal.paragraph_format
    npf.line_spacing = Pt(LINE_PT)  # a Length makes the rule "exact" (固定值)
    npf.space_before = npf.space_after = Pt(0)
    npf.widow_control = False


def _add_runs(paragraph: Any, runs: tuple[Run, ...]) -> None:
    from docx.shared import Pt

    for item in runs:
        run = paragraph.add_run(item.text)
        run.font.size = Pt(TITLE_PT if item.role == "title" else BODY_PT)
        if item.role in BOLD_ROLES:
            run.font.bold = True
        set_fonts(run._element.get_or_add_rPr(), ROLE_FONT[item.role])


def _centred(out: Any, runs: tuple[Run, ...]) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    para = out.add_paragraph()
    para.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _add_runs(para, runs)
    return para


def _body(out: Any, block: Block, *, indent: bool = True) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    para = out.add_paragraph()
    pf = para.paragraph_format
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if indent:
        pf.first_line_indent = Pt(2 * CHAR_PITCH_PT)
        # Also in characters (hundredths): Word's 首行缩进 2 字符, which it prefers.
        para._p.get_or_add_pPr().get_or_add_ind().set(qn("w:firstLineChars"), "200")
    if block.keep_with_next:
        pf.keep_with_next = True
    _add_runs(para, block.runs)
    return para


def _right(out: Any, text: str, chars: float) -> Any:
    """A closing line, right-aligned `chars` characters from the right margin."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    para = out.add_paragraph()
    pf = para.paragraph_format
    pf.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    pf.right_indent = Pt(CHAR_PITCH_PT * chars)
    para._p.get_or_add_pPr().get_or_add_ind().set(qn("w:rightChars"), str(round(chars * 100)))
    _add_runs(para, (Run(text),))
    return para


def _closing(out: Any, document: OfficialDocument) -> None:
    """One blank line under the text, then the issuer and the date (§7.3.5.2).

    The last text line, the issuer and the date stay on one page.
    """
    lines, date = document.issuer_lines, document.date_text
    if not lines and not date:
        return
    if out.paragraphs:
        out.paragraphs[-1].paragraph_format.keep_with_next = True
    out.add_paragraph().paragraph_format.keep_with_next = True
    sig_right, date_right = document.closing_indents
    for line in lines:
        _right(out, line, sig_right).paragraph_format.keep_with_next = True
    if date:
        _right(out, date, date_right)


def _add_page_field(paragraph: Any) -> None:
    """"— N —": the page number as a PAGE field between two em dashes (一字线)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt
    from docx.text.run import Run as DocxRun

    def styled(run: Any) -> Any:
        run.font.size = Pt(PAGE_NO_PT)
        set_fonts(run._element.get_or_add_rPr(), FONT_PAGE_NO)
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


def _page_numbers(out: Any) -> None:
    """On the outer side: odd pages right, even pages left, one character in (§7.5)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    out.settings.odd_and_even_pages_header_footer = True
    section = out.sections[0]
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        para = footer.paragraphs[0]
        pf = para.paragraph_format
        pf.alignment = align
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            pf.right_indent = Pt(PAGE_NO_PT)
        else:
            pf.left_indent = Pt(PAGE_NO_PT)
        # One exact 4号 line, so that the footer distance places the dashes.
        pf.line_spacing = Pt(PAGE_NO_PT)
        _add_page_field(para)


def official_docx(document: OfficialDocument) -> bytes:
    """The document as DOCX bytes an office can open and edit in Word or WPS."""
    try:
        import docx
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise InputError(_MISSING.format(exc=exc)) from None

    out = docx.Document()
    _page_setup(out)
    _styles(out)
    titles = document.title_lines
    for line in titles:
        _off_grid(_centred(out, (Run(line, "title"),)))
    if titles:
        out.add_paragraph()  # §7.3.1: one blank line under the title
    if document.number:
        _centred(out, (Run(document.number),))
        out.add_paragraph()
    if document.addressee_line:
        _body(out, Block((Run(document.addressee_line),)), indent=False)  # flush left
    for block in document.body:
        _body(out, block)
    _closing(out, document)
    _page_numbers(out)

    props = out.core_properties
    props.title = document.label
    props.author = document.issuer or ""
    props.comments = "zhenggai"
    buffer = BytesIO()
    out.save(buffer)
    return buffer.getvalue()
