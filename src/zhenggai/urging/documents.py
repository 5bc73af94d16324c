"""The formal urging documents (督办通知书 → 提醒书 → 告诫书 → 问责书) as DOCX.

Laid out like an office's own: A4 with the GB/T 9704-2012 margins, the title in
方正小标宋简体 二号 (22 pt), the number (发文字号, e.g. 城管整改督〔2026〕3号) and the body in
仿宋_GB2312 三号 (16 pt), the issuing body and date at the bottom right. Word picks the
Chinese face from `w:eastAsia` on `rFonts`, which python-docx does not set by itself, so
every run and the Normal style get it explicitly (DESIGN.md §8).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.run import Run

from zhenggai.urging.choices import UrgingLevel

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
LATIN_FONT = "Times New Roman"
TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号

#: What each level asks for; the ladder gets sharper with each step.
REQUIREMENTS: dict[str, str] = {
    UrgingLevel.NOTICE: (
        "请你单位接此通知后，立即研究部署，压实整改责任，于5个工作日内完成整改，"
        "并将整改进展及佐证材料报送整改办。"
    ),
    UrgingLevel.REMINDER_LETTER: (
        "该项整改经督办仍未按期完成。现予以提醒，请责任领导切实履行“一岗双责”，"
        "亲自督促推进，于5个工作日内完成整改并书面报告。"
    ),
    UrgingLevel.WARNING_LETTER: (
        "该项整改经督办、提醒仍未完成。现予以告诫，请单位主要负责人切实履行第一责任人职责，"
        "限期完成整改并书面说明逾期原因；逾期仍未完成的，将按规定启动问责程序。"
    ),
    UrgingLevel.ACCOUNTABILITY_LETTER: (
        "该项整改经督办、提醒、告诫仍未完成，整改工作严重滞后。"
        "依据有关规定，现移送纪检监察机关，对相关责任人启动问责程序。"
    ),
}


@dataclass(frozen=True)
class NoticeContent:
    """Everything a notice says; built by the urging service from the ledger."""

    level: str  # UrgingLevel
    number: str
    addressee: str
    measure: str
    deadline: dt.date
    today: dt.date
    days_overdue: int
    issuing_body: str
    finding: str = ""

    @property
    def title(self) -> str:
        return str(UrgingLevel(self.level).label)

    @property
    def requirement(self) -> str:
        return REQUIREMENTS[self.level]

    def body_paragraphs(self) -> list[str]:
        about = f"针对巡察反馈问题“{quoted(self.finding)}”，" if self.finding else ""
        return [
            f"{about}你单位负责的整改措施“{quoted(self.measure)}”，"
            f"整改时限为{chinese_date(self.deadline)}。"
            f"截至{chinese_date(self.today)}，该项整改仍未完成销号，已超期{self.days_overdue}个工作日。",
            self.requirement,
            "特此通知。",
        ]


def quoted(text: str) -> str:
    """A sentence quoted inside another loses its final stop: “…不符”， not “…不符。”，"""
    return text.strip().rstrip("。；;，,")


def chinese_date(day: dt.date) -> str:
    """2026年10月9日 — Arabic numerals, no zero padding, as GB/T 9704-2012 writes dates."""
    return f"{day.year}年{day.month}月{day.day}日"


def _set_fonts(run: Run, east_asian: str, size: Pt) -> None:
    run.font.name = LATIN_FONT
    run.font.size = size
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), east_asian)


def _paragraph(
    document: DocxDocument,
    text: str,
    *,
    font: str = BODY_FONT,
    size: Pt = BODY_SIZE,
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent: bool = False,
) -> None:
    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.line_spacing = Pt(28)  # 固定值28磅: 22 lines a page in the standard layout
    fmt.space_before = fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(32)  # two characters of 16 pt
    _set_fonts(paragraph.add_run(text), font, size)


#: Characters of 三号 that fit a signature line: 27 fit the type area, less a margin.
SIGNATURE_WIDTH = 24
#: Where a long issuing body is broken: before its office's name, as offices print it.
SIGNATURE_BREAKS = ("巡察整改工作领导小组办公室", "巡察整改工作领导小组", "办公室")


def signature_lines(issuer: str, width: int = SIGNATURE_WIDTH) -> list[str]:
    """The issuing body on as many right-aligned lines as it needs, broken at a sensible
    place: Word would otherwise wrap "…领导小组办公" / "室" and leave one character alone."""
    if len(issuer) <= width:
        return [issuer]
    for suffix in SIGNATURE_BREAKS:
        head = issuer[: -len(suffix)]
        if issuer.endswith(suffix) and head and len(suffix) <= width:
            return [*signature_lines(head, width), suffix]
    return [issuer[i : i + width] for i in range(0, len(issuer), width)]


def notice_docx(content: NoticeContent) -> bytes:
    """The notice as DOCX bytes."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)

    normal = document.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)

    props = document.core_properties
    props.title = f"{content.title} {content.number}"
    props.author = content.issuing_body

    _paragraph(document, content.title, font=TITLE_FONT, size=TITLE_SIZE,
               align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, "")
    _paragraph(document, content.number, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, "")
    _paragraph(document, f"{content.addressee}：")
    for text in content.body_paragraphs():
        _paragraph(document, text, indent=True)
    _paragraph(document, "")
    for line in signature_lines(content.issuing_body):
        _paragraph(document, line, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(document, chinese_date(content.today), align=WD_ALIGN_PARAGRAPH.RIGHT)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
