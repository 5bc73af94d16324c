"""The demo's hand-written Word and Excel files read back in the real libraries."""

from __future__ import annotations

import io

import docx
import openpyxl
from django.core.files.base import ContentFile

from zhenggai.demo.files import docx_bytes, xlsx_bytes
from zhenggai.ledger.services.progress import inspect_upload


def test_a_docx_reads_back_with_its_title_and_lines() -> None:
    data = docx_bytes("第1项整改进展佐证 <&>", ["正文一\n正文二", "日期"])
    document = docx.Document(io.BytesIO(data))
    assert [p.text for p in document.paragraphs] == ["第1项整改进展佐证 <&>", "正文一", "正文二", "日期"]
    assert document.paragraphs[0].runs[0].bold


def test_an_xlsx_reads_back_with_text_and_numbers() -> None:
    data = xlsx_bytes("销号材料:清单[1]", [["序号", "材料名称"], [1, "a&b"], [2.5, "第二项"]])
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["销号材料清单1"]
    assert list(book["销号材料清单1"].values) == [("序号", "材料名称"), (1, "a&b"), (2.5, "第二项")]


def test_equal_content_gives_equal_bytes_and_the_evidence_check_accepts_both() -> None:
    assert docx_bytes("标题", ["内容"]) == docx_bytes("标题", ["内容"])
    assert docx_bytes("标题", ["内容"]) != docx_bytes("标题", ["内容二"])
    assert inspect_upload(ContentFile(docx_bytes("标题", ["内容"]), name="a.docx")).extension == "docx"
    assert inspect_upload(ContentFile(xlsx_bytes("表", [["a"]]), name="a.xlsx")).extension == "xlsx"


def test_xlsx_columns_are_wide_enough_for_chinese_text() -> None:
    data = xlsx_bytes("表", [["序号", "说明"], [1, "问题已整改到位，佐证材料齐全"]])
    sheet = openpyxl.load_workbook(io.BytesIO(data))["表"]
    # 14 CJK characters need 28 columns of width; the default (8.43) would cut them off.
    assert sheet.column_dimensions["B"].width >= 28
    assert sheet.column_dimensions["A"].width < sheet.column_dimensions["B"].width
