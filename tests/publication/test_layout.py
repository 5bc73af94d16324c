"""The announcement generated from the ledger in the GB/T 9704 layout, DOCX and PDF, laid
out by the one official-document builder (checked as the builder's own tests check it)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pdfplumber
import pytest
from docx import Document as open_docx
from docx.shared import Pt

from tests.core.official_layout import (
    MM_PER_PT,
    TYPE_RIGHT_MM,
    assert_docx_layout,
    assert_pdf_layout,
    east_asia,
    pdf_lines,
)
from zhenggai.core import official_document as od
from zhenggai.core.announcement import compose
from zhenggai.core.render_formats import render_document
from zhenggai.ledger.models import Inspection
from zhenggai.publication.selectors import announcement_facts

pytestmark = pytest.mark.django_db

ISSUER = "中共蚌埠市龙子湖区城市管理局委员会"
DATE = dt.date(2020, 11, 25)


def _render(inspection: Inspection, fmt: str) -> bytes:
    return render_document(compose(announcement_facts(inspection=inspection, issue_date=DATE)), fmt=fmt)


def _faces(paragraph) -> list[str | None]:
    return [east_asia(run._element) for run in paragraph.runs]


def test_docx_of_the_seeds_ledger(seed_inspection: Inspection) -> None:
    document = open_docx(io.BytesIO(_render(seed_inspection, "docx")))
    assert_docx_layout(document)
    paragraphs = [p for p in document.paragraphs if p.text]
    # The title on two lines, broken before 关于, the upper line the longer.
    title = paragraphs[:2]
    assert [p.text for p in title] == [ISSUER, "关于巡察整改情况的通报"]
    for line in title:
        assert line.alignment == 1 and _faces(line) == ["方正小标宋简体"]
        assert line.runs[0].font.size == Pt(22)

    def find(prefix: str):
        return next(p for p in paragraphs if p.text.startswith(prefix))

    for part in ("一、加强组织领导", "二、坚持问题导向", "三、完善长效机制"):
        assert _faces(find(part)) == ["黑体"]
    assert _faces(find("（一）统一思想，提高政治站位。")) == ["楷体_GB2312", "仿宋_GB2312"]
    assert _faces(find("（一）党的政治建设方面")) == ["楷体_GB2312"]
    problem = find("1．党委领导核心作用发挥不足")
    assert _faces(problem)[0] == "仿宋_GB2312" and problem.runs[0].bold
    answer = find("整改情况：一是压紧压实责任")
    assert answer.runs[0].text == "整改情况：" and answer.runs[0].bold
    signature, date = paragraphs[-2], paragraphs[-1]
    assert (signature.text, date.text) == (ISSUER, "2020年11月25日")
    assert signature.alignment == date.alignment == 2
    pitch = od.CHAR_PITCH_PT
    assert signature.paragraph_format.right_indent.pt == pytest.approx(2 * pitch, abs=0.5)
    assert date.paragraph_format.right_indent.pt == pytest.approx(10 * pitch, abs=0.5)


def test_pdf_of_the_seeds_ledger(seed_inspection: Inspection, tmp_path: Path) -> None:
    path = tmp_path / "announcement.pdf"
    path.write_bytes(_render(seed_inspection, "pdf"))
    assert_pdf_layout(path)
    first = pdf_lines(path)
    assert [line[1] for line in first[:2]] == [ISSUER, "关于巡察整改情况的通报"]
    with pdfplumber.open(path) as pdf:
        last = len(pdf.pages) - 1
    *_, signature, date, page_no = pdf_lines(path, last)
    assert (signature[1], date[1]) == (ISSUER, "2020年11月25日")
    assert page_no[1] == f"— {last + 1} —"
    two_chars = 2 * od.CHAR_PITCH_PT * MM_PER_PT
    assert TYPE_RIGHT_MM - signature[3] == pytest.approx(two_chars, abs=0.5)
    assert date[2] - signature[2] == pytest.approx(two_chars, abs=0.5)
