"""The formal urging notices: title, number, addressee, fonts, layout, storage."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from tests.core.official_layout import assert_docx_layout, assert_pdf_layout, pdf_lines
from tests.urging.conftest import Ladder
from zhenggai.core.official_document import FONT_BODY, FONT_TITLE, signature_lines
from zhenggai.core.official_pdf import official_pdf
from zhenggai.urging.choices import UrgingLevel
from zhenggai.urging.documents import REQUIREMENTS, NoticeContent, notice_document, notice_docx
from zhenggai.urging.models import UrgingNotice
from zhenggai.urging.services import remind_run


def content(level: str = UrgingLevel.WARNING_LETTER) -> NoticeContent:
    return NoticeContent(
        level=level,
        number="城管整改督〔2026〕3号",
        addressee="示范区城市管理局综合行政执法大队",
        measure="修订公务接待管理办法，严格执行公函制度和接待清单制度。",
        finding="部分公务接待无公函、无清单。",
        deadline=dt.date(2026, 9, 30),
        today=dt.date(2026, 10, 20),
        days_overdue=10,
        issuing_body="中共示范区城市管理局委员会巡察整改工作领导小组办公室",
    )


def east_asian(paragraph: Paragraph) -> set[str | None]:
    fonts = set()
    for run in paragraph.runs:
        rpr = run._element.rPr
        fonts.add(rpr.rFonts.get(qn("w:eastAsia")) if rpr is not None and rpr.rFonts is not None else None)
    return fonts


def texts(data: bytes) -> list[Paragraph]:
    return [p for p in Document(io.BytesIO(data)).paragraphs if p.text.strip()]


@pytest.mark.parametrize(
    ("level", "title"),
    [
        (UrgingLevel.NOTICE, "督办通知书"),
        (UrgingLevel.REMINDER_LETTER, "提醒书"),
        (UrgingLevel.WARNING_LETTER, "告诫书"),
        (UrgingLevel.ACCOUNTABILITY_LETTER, "问责书"),
    ],
)
def test_each_level_has_its_title_and_requirement(level: str, title: str) -> None:
    paragraphs = texts(notice_docx(content(level)))
    assert paragraphs[0].text == title
    assert REQUIREMENTS[level] in [p.text for p in paragraphs]


def test_layout_number_addressee_body_signature_and_date() -> None:
    data = notice_docx(content())
    paragraphs = texts(data)
    assert [p.text for p in paragraphs[:3]] == [
        "告诫书",
        "城管整改督〔2026〕3号",
        "示范区城市管理局综合行政执法大队：",
    ]
    body = paragraphs[3].text
    assert "整改时限为2026年9月30日" in body
    assert "截至2026年10月20日" in body and "已超期10个工作日" in body
    assert "修订公务接待管理办法" in body and "部分公务接待无公函" in body
    # 26 characters do not fit one signature line: broken before the office's name.
    assert [p.text for p in paragraphs[-3:]] == [
        "中共示范区城市管理局委员会",
        "巡察整改工作领导小组办公室",
        "2026年10月20日",
    ]
    assert paragraphs[-1].alignment == 2  # right
    assert paragraphs[1].alignment == 1  # centred
    section = Document(io.BytesIO(data)).sections[0]
    sizes = [section.page_width, section.page_height, section.top_margin, section.left_margin]
    assert [round(s.mm) if s is not None else None for s in sizes] == [210, 297, 37, 28]


def test_fonts_are_official_east_asian_faces() -> None:
    document = Document(io.BytesIO(notice_docx(content())))
    paragraphs = [p for p in document.paragraphs if p.text.strip()]
    assert east_asian(paragraphs[0]) == {FONT_TITLE} == {"方正小标宋简体"}
    assert paragraphs[0].runs[0].font.size == Pt(22)
    for paragraph in paragraphs[1:]:
        assert east_asian(paragraph) == {FONT_BODY} == {"仿宋_GB2312"}
        assert paragraph.runs[0].font.size == Pt(16)
    normal = document.styles["Normal"].element.rPr
    assert normal.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"


def test_notice_takes_the_announcement_layout() -> None:
    """The notices had drifted from the announcement: a fixed 28 pt line and no page
    numbers. GB/T 9704-2012 asks for 22 lines on the 225 mm type area (28.95 pt, as the
    announcement had) and a page number on every page, so the notice now has both."""
    document = Document(io.BytesIO(notice_docx(content())))
    assert_docx_layout(document)
    for paragraph in document.paragraphs:
        spacing = paragraph.paragraph_format.line_spacing
        assert spacing is None or spacing.pt != 28  # every line on the 28.95 pt pitch


def test_notice_pdf_is_laid_out_like_the_docx(tmp_path: Path) -> None:
    path = tmp_path / "notice.pdf"
    path.write_bytes(official_pdf(notice_document(content())))
    assert_pdf_layout(path)
    texts = [text for _, text, _, _ in pdf_lines(path)]
    assert texts[:3] == ["告诫书", "城管整改督〔2026〕3号", "示范区城市管理局综合行政执法大队："]
    assert texts[-4:] == [
        "中共示范区城市管理局委员会", "巡察整改工作领导小组办公室", "2026年10月20日", "— 1 —",
    ]


@pytest.mark.django_db
def test_the_cycle_stores_the_notice_as_docx(ladder: Ladder) -> None:
    for day in (1, 13, 20):  # the ladder climbs: 通知书, 提醒书, then the 告诫书
        remind_run(today=dt.date(2026, 10, day))
    notice = UrgingNotice.objects.latest("id")
    assert notice.number == "城管整改督〔2026〕3号"
    assert notice.unit == ladder.unit and notice.measure == ladder.measure
    assert notice.issued_by == ladder.office
    with notice.file.open("rb") as fh:
        paragraphs = texts(fh.read())
    assert [p.text for p in paragraphs[:3]] == [
        "告诫书",
        "城管整改督〔2026〕3号",
        f"{ladder.unit.name}：",
    ]
    assert "已超期10个工作日" in paragraphs[3].text
    issuer = f"{ladder.inspection.organisation.name}巡察整改工作领导小组办公室"
    lines = signature_lines(issuer)
    assert [p.text for p in paragraphs[-1 - len(lines) : -1]] == lines
    assert paragraphs[-1].text == "2026年10月20日"


def test_quoted_sentences_lose_their_final_stop() -> None:
    content = NoticeContent(
        level=UrgingLevel.NOTICE,
        number="整改督〔2026〕1号",
        addressee="机关科室",
        finding="个别车辆行驶记录与派车单不符。",
        measure="修订公务用车管理制度；",
        deadline=dt.date(2026, 8, 10),
        today=dt.date(2026, 11, 26),
        days_overdue=3,
        issuing_body="办公室",
    )
    first = content.body_paragraphs()[0]
    assert "“个别车辆行驶记录与派车单不符”，" in first
    assert "“修订公务用车管理制度”，" in first
