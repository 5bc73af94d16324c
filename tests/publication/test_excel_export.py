"""The ledger export: the sheet offices send upward, opened back with openpyxl (issue #13)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.publication.helpers import user_with
from zhenggai.accounts.choices import Role
from zhenggai.cli import main
from zhenggai.core.ledger_sheet import COLUMNS, INFO_SHEET
from zhenggai.ledger.excel_export.export import export_ledger
from zhenggai.ledger.excel_export.writer import SHEET
from zhenggai.ledger.models import Inspection, Measure
from zhenggai.ledger.selectors.filters import LedgerQuery, filtered_measures

pytestmark = pytest.mark.django_db


def export(tmp_path: Path, user: Any, **query: Any) -> Any:
    path = tmp_path / "out.xlsx"
    export_ledger(user=user, query=LedgerQuery(**query), out=str(path))
    return load_workbook(path)


def data_rows(ws: Any) -> list[tuple[Any, ...]]:
    return [r for r in ws.iter_rows(min_row=3, values_only=True)]


def test_the_sheet_has_title_headers_frozen_panes_and_print_settings(ledger: Inspection, tmp_path):
    wb = export(tmp_path, None, inspection=ledger.pk)
    ws = wb[SHEET]
    assert wb.sheetnames == [SHEET, INFO_SHEET]
    assert ws["A1"].value == f"{ledger.title}整改台账"
    assert [c.value for c in ws[2]] == [label for _key, label in COLUMNS]
    assert ws.freeze_panes == "A3"
    assert ws.print_title_rows == "$2:$2"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9
    assert ws.column_dimensions["E"].width == 40
    assert ws["E3"].alignment.wrap_text


def test_dates_are_dates_and_states_are_labels(ledger: Inspection, tmp_path):
    ws = export(tmp_path, None, inspection=ledger.pk)[SHEET]
    deadline = ws.cell(row=3, column=10)
    assert deadline.is_date and deadline.value.date() == dt.date(2026, 9, 30)
    states = {r[12] for r in data_rows(ws)}
    assert {"已销号", "整改中", "持续跟踪", "情况说明"} <= states


def test_problem_and_finding_cells_are_merged_over_their_measures(ledger: Inspection, tmp_path):
    ws = export(tmp_path, None, inspection=ledger.pk)[SHEET]
    merged = {str(r) for r in ws.merged_cells.ranges}
    rows = data_rows(ws)
    # Rows 3–5 hold the first problem's three measures (two findings: 2 + 1 measures).
    assert rows[0][2].startswith("1.党委领导核心作用")
    assert "C3:C5" in merged and "D3:D4" in merged
    assert "B3:B6" in merged  # the first aspect: its two problems' four measures
    assert "A1:M1" in merged


def test_rows_are_the_filtered_ledger_plus_the_explained_finding(ledger: Inspection, tmp_path):
    ws = export(tmp_path, None, inspection=ledger.pk)[SHEET]
    rows = data_rows(ws)
    assert len(rows) == Measure.objects.filter(inspection=ledger).count() + 1
    explained = [r for r in rows if r[4] is None]
    assert len(explained) == 1 and explained[0][11].startswith("该项目一直未能实施")


def test_a_filter_exports_exactly_the_filtered_measures(ledger: Inspection, tmp_path):
    ws = export(tmp_path, None, inspection=ledger.pk, state=("closed",))[SHEET]
    rows = data_rows(ws)
    assert len(rows) == 2 and {r[12] for r in rows} == {"已销号"}


def test_a_unit_sees_only_its_own_measures(ledger: Inspection, tmp_path):
    measure = Measure.objects.filter(inspection=ledger).order_by("pk").first()
    unit_user = user_with(Role.UNIT, measure.lead_unit)
    ws = export(tmp_path, unit_user, inspection=ledger.pk)[SHEET]
    rows = data_rows(ws)
    expected = filtered_measures(unit_user, LedgerQuery(inspection=ledger.pk)).count()
    assert expected == 1 and len(rows) == 1
    assert rows[0][4] == f"一是{measure.content}"


def test_an_outsider_gets_an_empty_sheet_without_the_inspection(ledger: Inspection, tmp_path):
    outsider = user_with(Role.OFFICE, ledger.organisation.__class__.objects.create(name="别的党委"))
    wb = export(tmp_path, outsider, inspection=ledger.pk)
    assert data_rows(wb[SHEET]) == []
    assert list(wb[INFO_SHEET].iter_rows(min_row=2, values_only=True)) == []


def test_the_info_sheet_carries_the_particulars(ledger: Inspection, tmp_path):
    info = list(export(tmp_path, None, inspection=ledger.pk)[INFO_SHEET].values)
    assert info[0][:3] == ("巡察", "巡察组", "被巡察党组织")
    assert info[1][0] == ledger.title and info[1][2] == ledger.organisation.name
    assert info[1][7].date() == ledger.feedback_date


def test_several_inspections_get_an_inspection_column(
    ledger: Inspection, seed_inspection, tmp_path
):
    ws = export(tmp_path, None)[SHEET]
    assert ws.cell(row=2, column=14).value == "巡察"
    assert {r[13] for r in data_rows(ws)} == {ledger.title, seed_inspection.title}


def test_the_command_exports_and_says_how_many(ledger: Inspection, tmp_path, capsys):
    out = tmp_path / "台账.xlsx"
    assert (
        main(["export", "--inspection", str(ledger.pk), "--state", "closed", "-o", str(out)]) == 0
    )
    assert "已导出 2 条整改措施" in capsys.readouterr().out
    assert len(data_rows(load_workbook(out)[SHEET])) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--inspection", "999999"], "没有编号为 999999 的巡察"),
        (["--user", "nobody"], "没有用户名为 nobody 的用户"),
        (["--due-from", "明天"], "--due-from"),
    ],
)
def test_bad_input_exits_2_with_one_line(ledger, tmp_path, capsys, args, message):
    assert main(["export", *args, "-o", str(tmp_path / "x.xlsx")]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_an_output_that_is_not_xlsx_is_refused(tmp_path, capsys):
    assert main(["export", "-o", str(tmp_path / "x.csv")]) == 2
    assert "应为 .xlsx" in capsys.readouterr().err


def test_rows_are_as_tall_as_their_wrapped_text(ledger: Inspection, tmp_path):
    Measure.objects.filter(inspection=ledger, content="严格规范会议记录。").update(
        content="严格规范会议记录。" * 20
    )
    ws = export(tmp_path, None, inspection=ledger.pk)[SHEET]
    heights = {r[4]: ws.row_dimensions[i].height for i, r in enumerate(data_rows(ws), start=3)}
    assert heights["一是" + "严格规范会议记录。" * 20] >= 13.5 * 8
    # Up to three lines: the factories' unit and person names grow with the run's sequence.
    assert heights["一是修订意识形态工作责任制实施细则。"] < 13.5 * 4
