"""The export's rows: 编号 as the ledger page writes it, texts an office typed (with
characters XML must escape) kept, and one streamed query whatever the size (issue #13)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tests.ledger.excel_helpers import small_ledger as tree
from zhenggai.ledger.excel_export.export import export_ledger
from zhenggai.ledger.excel_export.writer import SHEET
from zhenggai.ledger.models import Inspection, Measure
from zhenggai.ledger.selectors.filters import LedgerQuery
from zhenggai.ledger.selectors.ledger_list import measure_path

pytestmark = pytest.mark.django_db


def sheet_rows(**query: Any) -> list[tuple[Any, ...]]:
    out = io.BytesIO()
    export_ledger(user=None, query=LedgerQuery(**query), out=out)
    ws = load_workbook(io.BytesIO(out.getvalue()))[SHEET]
    return list(ws.iter_rows(min_row=3, values_only=True))


def test_the_number_column_is_the_ledger_pages_number():
    inspection = tree()
    rows = sheet_rows(inspection=inspection.pk)
    expected = {}
    for measure in Measure.objects.filter(inspection=inspection):
        finding = measure.finding_links.get(is_primary=True).finding
        expected[measure.content] = measure_path(measure, finding)
    assert {r[4]: r[0] for r in rows} == expected
    assert rows[0][0] == "3-(1)-1" and rows[-1][0] == "4-(2)-2"


def test_a_finding_without_measures_is_numbered_by_problem_and_finding():
    inspection = tree(measures_per_finding=0, findings=1)
    assert [r[0] for r in sheet_rows(inspection=inspection.pk)] == ["3-(1)", "4-(1)"]


def test_texts_that_xml_must_escape_come_back_as_typed():
    inspection = tree(measures_per_finding=1, findings=1)
    measure = Measure.objects.filter(inspection=inspection).order_by("pk").first()
    assert measure is not None
    measure.marker = ""
    measure.content = "R&D <经费> 管理\x07不规范 & 其他"
    measure.target = "  首尾空格  "
    measure.save()
    rows = sheet_rows(inspection=inspection.pk)
    assert rows[0][4] == "R&D <经费> 管理不规范 & 其他"  # the control character dropped
    assert rows[0][5] == "  首尾空格  "


def test_the_export_reads_in_a_fixed_number_of_queries_whatever_its_size():
    small, large = (
        tree(measures_per_finding=1, findings=1),
        tree(measures_per_finding=3, findings=3),
    )

    def queries(inspection: Inspection) -> int:
        with CaptureQueriesContext(connection) as ctx:
            sheet_rows(inspection=inspection.pk)
        return len(ctx.captured_queries)

    assert queries(small) == queries(large)


def test_the_info_sheet_prints_like_the_ledger_with_its_long_title_wrapped():
    inspection = tree(measures_per_finding=1, findings=1)
    Inspection.objects.filter(pk=inspection.pk).update(
        title="中共示范县住房和城乡建设局党组关于县委第三巡察组巡察反馈意见整改情况的通报"
    )
    out = io.BytesIO()
    export_ledger(user=None, query=LedgerQuery(inspection=inspection.pk), out=out)
    ws = load_workbook(io.BytesIO(out.getvalue()))["巡察信息"]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.row_dimensions[2].height >= 2 * 13.5  # two lines of the 44-wide title column
    assert ws["A2"].alignment.wrap_text
