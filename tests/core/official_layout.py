"""Checks of the GB/T 9704-2012 layout that every official document shares (DOCX and PDF).

Used by the builder's tests and by the clients' (announcement, urging notices), so that
each client is checked against the same page, grid, fonts and page numbers.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm

from zhenggai.core import official_document as od

MM_PER_PT = 25.4 / 72
TYPE_TOP_MM = od.MARGIN_TOP_MM
TYPE_BOTTOM_MM = od.PAGE_HEIGHT_MM - od.MARGIN_BOTTOM_MM
TYPE_LEFT_MM = od.MARGIN_LEFT_MM
TYPE_RIGHT_MM = od.PAGE_WIDTH_MM - od.MARGIN_RIGHT_MM


def east_asia(element: Any) -> str | None:
    """The `w:eastAsia` font of a run or style (the attribute Word uses for Chinese text)."""
    rfonts = element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
    return rfonts.get(qn("w:eastAsia")) if rfonts is not None else None


def assert_docx_layout(document: Any) -> None:
    """A4, margins 37/35/28/26 mm, 仿宋 3号 on a 28.95 pt exact pitch, 22-line grid,
    characters 0.25 pt closer, "— PAGE —" in 4号 宋体 on odd (right) and even (left) pages."""
    section = document.sections[0]
    # Word stores twips: A4 is 11906 × 16838, within a tenth of a millimetre of 210 × 297.
    for value, mm in (
        (section.page_width, 210), (section.page_height, 297),
        (section.top_margin, 37), (section.bottom_margin, 35),
        (section.left_margin, 28), (section.right_margin, 26),
    ):
        assert abs(value - Mm(mm)) < Mm(0.1)
    normal = document.styles["Normal"]
    assert east_asia(normal.element) == "仿宋_GB2312"
    assert normal.font.size.pt == 16
    assert normal.paragraph_format.line_spacing.pt == pytest.approx(28.95, abs=0.01)
    assert normal.paragraph_format.line_spacing_rule == 4  # WD_LINE_SPACING.EXACTLY
    spacing = normal.element.find(f"{qn('w:rPr')}/{qn('w:spacing')}")
    assert spacing is not None and spacing.get(qn("w:val")) == "-5"  # −0.25 pt
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines" and grid.get(qn("w:linePitch")) == "579"

    assert document.settings.odd_and_even_pages_header_footer
    for footer, align in ((section.footer, 2), (section.even_page_footer, 0)):
        paragraph = footer.paragraphs[0]
        assert paragraph.alignment == align  # odd pages right, even pages left
        # python-docx's `text` skips the field's run: read every w:t.
        assert "".join(t.text for t in paragraph._p.iter(qn("w:t"))) == "— 1 —"
        field = paragraph._p.find(qn("w:fldSimple"))
        assert field is not None and field.get(qn("w:instr")).strip() == "PAGE"
        for run in paragraph._p.iter(qn("w:r")):
            rpr = run.find(qn("w:rPr"))
            assert rpr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "宋体"
            assert rpr.find(qn("w:sz")).get(qn("w:val")) == "28"  # 4号, half-points


def pdf_lines(path: Path, page: int = 0) -> list[tuple[float, str, float, float]]:
    """The text lines of a page: (top in mm, text, left and right edges in mm).

    Characters whose tops lie within 3 mm are one line: faces of one line (楷体 heading,
    仿宋 text) differ in their ascent, lines are 10 mm apart.
    """
    with pdfplumber.open(path) as pdf:
        chars = sorted(pdf.pages[page].chars, key=lambda c: c["top"])
    rows: list[list[dict[str, Any]]] = []
    for char in chars:
        if rows and (char["top"] - rows[-1][0]["top"]) * MM_PER_PT < 3:
            rows[-1].append(char)
        else:
            rows.append([char])
    return [
        (
            min(c["top"] for c in row) * MM_PER_PT,
            "".join(c["text"] for c in sorted(row, key=lambda c: c["x0"])),
            min(c["x0"] for c in row) * MM_PER_PT,
            max(c["x1"] for c in row) * MM_PER_PT,
        )
        for row in rows
    ]


def assert_pdf_layout(path: Path) -> None:
    """A4; text inside the type area; "— 1 —" under it on the outer side, the dashes about
    7 mm below the type area (the number's line is 4号 high, the dashes at mid-height)."""
    with pdfplumber.open(path) as pdf:
        first = pdf.pages[0]
        assert (round(first.width * MM_PER_PT), round(first.height * MM_PER_PT)) == (210, 297)
        pages = len(pdf.pages)
    for index in range(min(pages, 2)):
        lines = pdf_lines(path, index)
        body = [line for line in lines if line[0] < TYPE_BOTTOM_MM]
        assert body
        assert min(left for _, _, left, _ in body) >= TYPE_LEFT_MM - 0.5
        assert max(right for *_, right in body) <= TYPE_RIGHT_MM + 0.5
        assert min(top for top, *_ in body) >= TYPE_TOP_MM
        (top, text, left, right), *rest = [line for line in lines if line[0] >= TYPE_BOTTOM_MM]
        assert not rest
        assert re.fullmatch(rf"— {index + 1} —", text)
        middle = top + od.PAGE_NO_PT * MM_PER_PT / 2
        assert middle - TYPE_BOTTOM_MM == pytest.approx(od.PAGE_NO_GAP_MM, abs=0.5)
        one_char = od.PAGE_NO_PT * MM_PER_PT
        if index % 2 == 0:  # odd page: right, one character in
            assert TYPE_RIGHT_MM - right == pytest.approx(one_char, abs=0.5)
        else:
            assert left - TYPE_LEFT_MM == pytest.approx(one_char, abs=0.5)
