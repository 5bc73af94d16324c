"""The one official-document builder (GB/T 9704-2012): title block, grid, closing, DOCX, PDF."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from pathlib import Path

import pytest
from docx import Document as open_docx
from docx.oxml.ns import qn
from docx.shared import Pt

from tests.core.official_layout import (
    MM_PER_PT,
    TYPE_LEFT_MM,
    TYPE_RIGHT_MM,
    assert_docx_layout,
    assert_pdf_layout,
    east_asia,
    pdf_lines,
)
from zhenggai.core import official_document as od
from zhenggai.core.chinese_date import chinese_date
from zhenggai.core.official_docx import DOCX_CHAR_SPACING, official_docx
from zhenggai.core.official_pdf import official_pdf

ISSUER = "中共示范县住房和城乡建设局党组巡察整改工作领导小组办公室"


def letter() -> od.OfficialDocument:
    """A document with every part of the title block and a two-line issuer."""
    return od.OfficialDocument(
        title="关于示范县住房和城乡建设局巡察整改情况的通报",
        number="建整改〔2026〕5号",
        addressee="局属各单位",
        body=(
            *od.heading_blocks("一、基本情况", 0),
            od.Block((od.Run("按照县委统一部署，王**同志牵头整改。"),)),
            *od.heading_blocks("（一）统一思想。", 1, run_in="局党组专题研究部署。"),
            *od.labelled_blocks("整改情况", "已完成。"),
        ),
        issuer=ISSUER,
        issue_date=dt.date(2026, 3, 9),
    )


@pytest.fixture(scope="module")
def letter_docx():
    return open_docx(io.BytesIO(official_docx(letter())))


@pytest.fixture(scope="module")
def letter_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("official") / "letter.pdf"
    path.write_bytes(official_pdf(letter()))
    return path


@pytest.mark.parametrize(
    ("day", "text"),
    [(dt.date(2026, 1, 5), "2026年1月5日"), (dt.date(2026, 10, 19), "2026年10月19日")],
)
def test_chinese_date_has_no_zero_padding(day: dt.date, text: str) -> None:
    assert chinese_date(day) == text


def test_28_characters_fit_the_line_and_29_do_not() -> None:
    pitch_docx = od.BODY_PT + DOCX_CHAR_SPACING / 20
    for pitch in (od.CHAR_PITCH_PT, pitch_docx):
        assert 28 * pitch <= od.TYPE_WIDTH_PT < 29 * pitch
    type_height_pt = (od.PAGE_HEIGHT_MM - od.MARGIN_TOP_MM - od.MARGIN_BOTTOM_MM) / MM_PER_PT
    lines = od.LINES_PER_PAGE
    assert lines * od.LINE_PT <= type_height_pt < (lines + 1) * od.LINE_PT


@pytest.mark.parametrize(
    ("title", "lines"),
    [
        ("告诫书", ["告诫书"]),
        ("关于示范县住房和城乡建设局巡察整改情况的通报", ["关于示范县住房和城乡建设局", "巡察整改情况的通报"]),
        (
            "中共蚌埠市龙子湖区城市管理局委员会关于巡察整改进展情况的通报",
            ["中共蚌埠市龙子湖区城市管理局委员会", "关于巡察整改进展情况的通报"],
        ),
        ("关于巡察整改情况的通报\n（征求意见稿）", ["关于巡察整改情况的通报", "（征求意见稿）"]),
    ],
)
def test_a_long_title_is_broken_between_words_upper_line_longer(
    title: str, lines: list[str]
) -> None:
    """§7.3.1: words whole, a trapezoid; never "通报" alone on the last line (the wrap
    WeasyPrint would make of a 22-character 2号 line)."""
    assert od.title_lines(title) == lines
    assert all(len(line) <= od.TITLE_CHARS for line in lines)


def test_heading_levels_pick_their_faces() -> None:
    assert [od.ROLE_FONT[od.heading_role(level)] for level in range(4)] == [
        "黑体", "楷体_GB2312", "仿宋_GB2312", "仿宋_GB2312",
    ]
    assert od.heading_role(2) in od.BOLD_ROLES and od.heading_role(3) == "body"
    alone, = od.heading_blocks("一、基本情况", 0)
    assert alone.keep_with_next  # a bare heading never ends a page
    run_in, = od.heading_blocks("（一）统一思想。", 1, run_in="局党组专题研究部署。")
    assert [r.role for r in run_in.runs] == ["h2", "body"] and not run_in.keep_with_next


@pytest.mark.parametrize(
    ("issuer", "lines"),
    [
        ("区委巡察整改工作领导小组办公室", ["区委巡察整改工作领导小组办公室"]),
        (ISSUER, ["中共示范县住房和城乡建设局党组", "巡察整改工作领导小组办公室"]),
        ("甲" * 30, ["甲" * 24, "甲" * 6]),
    ],
)
def test_a_long_issuer_is_broken_before_the_office_name(issuer: str, lines: list[str]) -> None:
    assert od.signature_lines(issuer) == lines
    assert "".join(lines) == issuer


def test_signature_indents_when_the_date_is_longer() -> None:
    issuer, date = "某局党组", "2024年11月20日"
    sig_right, date_right = od.signature_indents(issuer, date)
    assert date_right == 2
    sig_start = sig_right + od.text_width_chars(issuer)
    date_start = date_right + od.text_width_chars(date)
    assert sig_start - date_start == pytest.approx(2)


def test_docx_layout(letter_docx) -> None:
    assert_docx_layout(letter_docx)


def test_docx_gets_28_characters_from_spacing_not_from_the_character_grid(letter_docx) -> None:
    """The announcement's DOCX used Word's character grid (charSpace −0.21 pt); LibreOffice
    gives each 16 pt character two of those 15.79 pt cells and set 17–18 characters to the
    line (seen on its rendering). Character spacing of −0.25 pt gives 28 in Word and
    LibreOffice alike, so the grid keeps only the 22 lines."""
    grid = letter_docx.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:charSpace")) is None and grid.get(qn("w:type")) == "lines"
    assert 28 * (od.BODY_PT + DOCX_CHAR_SPACING / 20) <= od.TYPE_WIDTH_PT


def test_docx_title_block_and_faces(letter_docx) -> None:
    paragraphs = letter_docx.paragraphs
    texts = [p.text for p in paragraphs]
    # Title (broken after the organisation, upper line longer), a blank line, the number,
    # a blank line, the addressee flush left.
    assert texts[:6] == [
        "关于示范县住房和城乡建设局", "巡察整改情况的通报", "", "建整改〔2026〕5号", "",
        "局属各单位：",
    ]
    titles, number, addressee = paragraphs[:2], paragraphs[3], paragraphs[5]
    for title in titles:
        assert title.alignment == 1  # centred
        assert east_asia(title.runs[0]._element) == "方正小标宋简体"
        assert title.runs[0].font.size == Pt(22)
    assert number.alignment == 1
    assert east_asia(number.runs[0]._element) == "仿宋_GB2312"
    assert addressee.paragraph_format.first_line_indent is None
    heading = paragraphs[6]
    assert heading.text == "一、基本情况" and east_asia(heading.runs[0]._element) == "黑体"
    assert heading.paragraph_format.keep_with_next
    body = paragraphs[7]
    assert body.paragraph_format.first_line_indent.pt == pytest.approx(2 * od.CHAR_PITCH_PT)
    assert "王**同志" in body.text  # masked names are plain text
    run_in = paragraphs[8]
    assert [east_asia(r._element) for r in run_in.runs] == ["楷体_GB2312", "仿宋_GB2312"]
    label = paragraphs[9]
    assert label.runs[0].text == "整改情况：" and label.runs[0].bold


def test_docx_closing_lines_share_the_right_edge(letter_docx) -> None:
    paragraphs = letter_docx.paragraphs
    *_, last_text, blank, first, second, date = paragraphs
    assert (blank.text, first.text, second.text, date.text) == (
        "", "中共示范县住房和城乡建设局党组", "巡察整改工作领导小组办公室", "2026年3月9日",
    )
    # The text, the blank line and the issuer stay on one page with the date.
    assert last_text.paragraph_format.keep_with_next and blank.paragraph_format.keep_with_next
    pitch = od.CHAR_PITCH_PT
    assert first.paragraph_format.right_indent.pt == pytest.approx(2 * pitch, abs=0.05)
    assert second.paragraph_format.right_indent == first.paragraph_format.right_indent
    # The date starts two characters right of the widest issuer line's start.
    widest = od.text_width_chars(first.text)
    date_right = 2 + widest - 2 - od.text_width_chars(date.text)
    assert date.paragraph_format.right_indent.pt == pytest.approx(date_right * pitch, abs=0.05)
    assert {p.alignment for p in (first, second, date)} == {2}  # right


def test_docx_names_the_file_after_title_and_number(letter_docx) -> None:
    props = letter_docx.core_properties
    assert props.title == "关于示范县住房和城乡建设局巡察整改情况的通报 建整改〔2026〕5号"
    assert props.author == ISSUER


def test_pdf_layout(letter_pdf: Path) -> None:
    assert_pdf_layout(letter_pdf)


def test_pdf_title_block_and_closing(letter_pdf: Path) -> None:
    lines = pdf_lines(letter_pdf)
    texts = [text for _, text, _, _ in lines]
    centre = (TYPE_LEFT_MM + TYPE_RIGHT_MM) / 2
    *titles, number, addressee = lines[:4]
    assert [line[1] for line in lines[:4]] == [
        "关于示范县住房和城乡建设局", "巡察整改情况的通报", "建整改〔2026〕5号", "局属各单位：",
    ]
    for _, _, left, right in (*titles, number):
        assert (left + right) / 2 == pytest.approx(centre, abs=0.5)
    # Title lines one pitch apart; one blank line under the title and under the number.
    pitch_mm = od.LINE_PT * MM_PER_PT
    assert titles[1][0] - titles[0][0] == pytest.approx(pitch_mm, abs=0.3)
    assert number[0] - titles[1][0] == pytest.approx(2 * pitch_mm, abs=1.5)
    assert addressee[0] - number[0] == pytest.approx(2 * pitch_mm, abs=0.3)
    assert addressee[2] == pytest.approx(TYPE_LEFT_MM, abs=0.3)  # flush left
    assert "按照县委统一部署，王**同志牵头整改。" in texts
    first, second, date = lines[-4], lines[-3], lines[-2]
    assert (first[1], second[1], date[1]) == (
        "中共示范县住房和城乡建设局党组", "巡察整改工作领导小组办公室", "2026年3月9日",
    )
    two_chars = 2 * od.CHAR_PITCH_PT * MM_PER_PT
    assert TYPE_RIGHT_MM - first[3] == pytest.approx(two_chars, abs=0.5)
    assert second[3] == pytest.approx(first[3], abs=0.3)
    assert date[2] - first[2] == pytest.approx(two_chars, abs=0.5)


def test_pdf_puts_28_characters_on_a_line_and_22_lines_on_a_page(tmp_path: Path) -> None:
    """A page holds 22 lines even when a paragraph's last line runs over: no widow/orphan
    control, as in the DOCX (the PDF used to move a line over and leave 21 on a page)."""
    first = "甲" * (26 + 20 * 28)  # 21 lines
    second = "乙" * (26 + 28)  # 2 lines: one on each page
    document = od.OfficialDocument(body=(od.Block((od.Run(first),)), od.Block((od.Run(second),))))
    path = tmp_path / "grid.pdf"
    path.write_bytes(official_pdf(document))
    body = [line for line in pdf_lines(path) if line[1][0] in "甲乙"]
    assert [len(line[1]) for line in body[:3]] == [26, 28, 28]  # two-character indent
    assert len(body) == 22 and body[-1][1] == "乙" * 26
    tops = [top for top, *_ in body]
    gaps = [b - a for a, b in itertools.pairwise(tops)]
    assert all(gap == pytest.approx(od.LINE_PT * MM_PER_PT, abs=0.02) for gap in gaps)
    assert [line[1] for line in pdf_lines(path, 1)] == ["乙" * 28, "— 2 —"]
