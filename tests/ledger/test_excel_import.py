"""Importing an office's Excel ledger: mapping, row errors, all-or-nothing (issue #13)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.db import connections

from tests.factories import OrganisationFactory, PersonFactory
from tests.ledger.excel_helpers import HEADERS, row, workbook
from zhenggai.audit.models import AuditEntry
from zhenggai.cli import main
from zhenggai.core.errors import InputError
from zhenggai.ledger.choices import AnswerKind, FindingState, MeasureState
from zhenggai.ledger.excel_import import plan as plan_module
from zhenggai.ledger.excel_import import reader
from zhenggai.ledger.models import Finding, ImportStaging, Inspection, Measure, ProgressReport
from zhenggai.ledger.services.excel_import import excel_confirm, excel_preview, excel_stage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    with mock.patch.object(connections, "close_all"):
        yield


def run_import(tmp_path: Path, data: bytes, *args: str, name: str = "台账.xlsx") -> int:
    path = tmp_path / name
    path.write_bytes(data)
    return main(["import", str(path), *args])


def stage(data: bytes) -> ImportStaging:
    return excel_stage(data=data, filename="台账.xlsx", actor=None)


def test_a_valid_sheet_becomes_an_inspection_with_its_tree(tmp_path, capsys):
    data = workbook(
        [
            row(measure="一是全面梳理案卷。"),
            row(problem=None, finding=None, measure="二是建立审批台账。", aspect=None),
            row(
                finding="（2）执法记录仪使用不规范。",
                measure="规范执法记录仪使用。",
                aspect=None,
                problem=None,
            ),
        ],
        merges=["B3:B5", "C3:C5", "D3:D4"],
    )
    assert run_import(tmp_path, data, "--create-missing") == 0
    out = capsys.readouterr().out
    assert "1 个方面，1 个问题，2 个具体问题，3 条整改措施" in out
    inspection = Inspection.objects.get()
    assert inspection.title == "区委第一巡察组对示范区交通局党组的常规巡察"
    assert inspection.organisation.name == "中共示范区交通局党组"
    assert inspection.feedback_date == dt.date(2026, 6, 10)
    first = Finding.objects.get(no=1)
    assert first.marker == "（1）" and first.text == "部分案卷缺少审批记录。"
    assert [(m.marker, m.no, m.content) for m in first.measures.order_by("sort_order")] == [
        ("一是", 1, "全面梳理案卷。"),
        ("二是", 2, "建立审批台账。"),
    ]


def test_headers_are_read_through_their_synonyms():
    headers = [
        "序号",
        "问题类别",
        "反馈问题",
        "问题表现",
        "整改举措",
        "分管领导",
        "牵头单位",
        "具体责任人",
        "完成时限",
        "整改状态",
        "完成情况",
    ]
    staging = stage(workbook([row()], headers=headers))
    plan = excel_preview(staging=staging, create_missing=True)
    assert set(plan.mapping) == {
        "no",
        "aspect",
        "problem",
        "finding",
        "measure",
        "leader",
        "unit",
        "person",
        "deadline",
        "state",
        "progress",
    }
    assert plan.is_valid


def test_a_manual_mapping_names_an_unknown_column():
    headers = [*HEADERS[:4], "工作安排", *HEADERS[5:]]
    staging = stage(workbook([row()], headers=headers))
    assert excel_preview(staging=staging).column_errors == [plan_module.NO_MEASURE_COLUMN]
    plan = excel_preview(staging=staging, manual={"4": "measure"}, create_missing=True)
    assert plan.is_valid and plan.rows[0].measure.text == "全面梳理案卷。"


@pytest.mark.parametrize(
    ("cells", "column", "reason"),
    [
        ({"measure": ""}, "整改措施", plan_module.MISSING_MEASURE),
        ({"deadline": "年底前"}, "整改时限", plan_module.NOT_A_DATE.format(value="年底前")),
        ({"state": "差不多"}, "状态", plan_module.UNKNOWN_STATE.format(value="差不多")),
        ({"unit": "不存在的科"}, "责任单位", plan_module.UNKNOWN_UNIT.format(value="不存在的科")),
        ({"person": "无名氏"}, "责任人", plan_module.UNKNOWN_PERSON.format(value="无名氏")),
        ({"problem": "", "finding": ""}, "具体问题", plan_module.MISSING_FINDING),
    ],
)
def test_each_error_names_row_column_and_reason(cells, column, reason):
    good = row()
    bad = row(**cells)
    staging = stage(workbook([good, bad]))
    plan = excel_preview(staging=staging)
    assert [(e.row, e.column, e.reason) for e in plan.errors] == [(4, column, reason)]
    assert plan.bad_rows == [4] and len(plan.rows) == 1


def test_a_sheet_with_errors_writes_nothing(tmp_path, capsys):
    data = workbook([row(), row(deadline="下个月")])
    assert run_import(tmp_path, data) == 2
    err = capsys.readouterr().err
    assert "第 4 行，“整改时限”列：不是日期：下个月" in err
    assert "1 行有错误，未导入任何内容" in err
    assert not Inspection.objects.exists() and not Measure.objects.exists()
    assert not ImportStaging.objects.exists()


def test_skip_bad_rows_imports_the_valid_ones_and_lists_the_others(tmp_path, capsys):
    data = workbook(
        [row(), row(measure="二是整改。", deadline="下个月"), row(measure="三是复查。")]
    )
    assert run_import(tmp_path, data, "--skip-bad-rows") == 0
    out = capsys.readouterr().out
    assert "跳过 1 个错误行" in out and "第 4 行，“整改时限”列" in out
    assert sorted(Measure.objects.values_list("content", flat=True)) == ["全面梳理案卷。", "复查。"]
    entry = AuditEntry.objects.get(action="excel.import")
    assert entry.after["skipped_rows"] == [4]


def test_unknown_units_are_listed_and_created_only_when_asked(tmp_path, capsys):
    data = workbook([row(unit="法制科", person="张三", leader="李四")])
    staging = stage(data)
    plan = excel_preview(staging=staging)
    assert plan.unknown_units == ["法制科"] and plan.unknown_people == [
        "李四",
        "张三",
    ]  # leader column first
    assert run_import(tmp_path, data, "--create-missing") == 0
    measure = Measure.objects.get()
    assert measure.lead_unit.name == "法制科"
    assert measure.lead_unit.parent == measure.inspection.organisation
    assert measure.responsible_person.name == "张三"
    assert measure.responsible_leader.name == "李四"


def test_known_names_and_mapped_names_are_matched():
    unit = OrganisationFactory(name="法制科")
    person = PersonFactory(name="张三", organisation=unit)
    other = OrganisationFactory(name="执法大队")
    staging = stage(
        workbook([row(unit="法制科", person="张三"), row(measure="二是。", unit="大队")])
    )
    plan = excel_preview(staging=staging, names={"大队": other.pk})
    assert plan.is_valid
    result = excel_confirm(
        staging=staging, sha256=staging.sha256, actor=None, names={"大队": other.pk}
    )
    measures = Measure.objects.filter(inspection=result.inspection).order_by("sort_order")
    assert [m.lead_unit for m in measures] == [unit, other]
    assert measures[0].responsible_person == person


def test_states_and_progress_are_imported_with_their_source_in_the_audit_log(tmp_path):
    data = workbook(
        [
            row(state="已销号", progress="已完成案卷评查。"),
            row(measure="二是整改中。", state="整改中"),
            row(
                finding="（2）情况说明的问题。",
                measure="",
                state="情况说明",
                progress="因客观原因暂不能整改。",
            ),
        ]
    )
    assert run_import(tmp_path, data) == 0
    closed = Measure.objects.get(content="全面梳理案卷。")
    assert closed.state == MeasureState.CLOSED and closed.closed_at is not None
    imported = ProgressReport.objects.get(measure=closed)
    assert imported.narrative == "已完成案卷评查。"
    # The imported report is the measure's last one (the stalled filter reads the time).
    assert closed.last_reported_at == imported.reported_at
    in_progress = Measure.objects.get(content="整改中。")
    assert in_progress.state == MeasureState.IN_PROGRESS
    assert in_progress.last_reported_at is None
    entries = AuditEntry.objects.filter(action="measure.import_state").order_by("seq")
    assert [e.after["source"] for e in entries] == [
        "imported from 台账.xlsx row 3",
        "imported from 台账.xlsx row 4",
    ]
    explained = Finding.objects.get(no=2)
    assert explained.answer_kind == AnswerKind.EXPLAINED and not explained.measures.exists()
    assert explained.answer == "因客观原因暂不能整改。"
    assert Finding.objects.get(no=1).state == FindingState.OPEN  # one measure still open


def test_an_existing_inspection_receives_the_rows(tmp_path, capsys):
    from tests.factories import InspectionFactory

    inspection = InspectionFactory()
    assert (
        run_import(tmp_path, workbook([row()], info=None), "--inspection", str(inspection.pk)) == 0
    )
    assert Measure.objects.get().inspection == inspection


def test_without_inspection_info_a_target_is_required(tmp_path, capsys):
    assert run_import(tmp_path, workbook([row()], info=None)) == 2
    assert "没有“巡察信息”工作表" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"plain text, not a zip", "不是 Excel 工作簿"),
        (b"", "不是 Excel 工作簿"),
    ],
)
def test_a_file_that_is_not_a_workbook_is_refused_in_chinese(tmp_path, capsys, data, message):
    assert run_import(tmp_path, data) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and err.count("\n") == 1
    assert not ImportStaging.objects.exists()


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(InputError, match="不是 Excel 工作簿"):
        stage(out.getvalue())


def test_a_broken_workbook_is_refused():
    data = workbook([row()])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item)
            if item.filename.startswith("xl/worksheets/sheet"):
                body = body[: len(body) // 2]  # truncated XML
            dst.writestr(item, body)
    with pytest.raises(InputError, match="已损坏或格式不对"):
        stage(out.getvalue())
    assert not ImportStaging.objects.exists()


def test_a_huge_file_is_refused_before_it_is_read(monkeypatch):
    monkeypatch.setattr(reader, "MAX_BYTES", 1000)
    with pytest.raises(InputError, match="文件过大"):
        stage(workbook([row()] * 20))


def test_a_zip_bomb_is_refused_by_its_unzipped_size(monkeypatch):
    monkeypatch.setattr(reader, "MAX_UNZIPPED", 1000)
    with pytest.raises(InputError, match="解压后过大"):
        stage(workbook([row()]))


def test_an_old_xls_file_is_refused_with_advice(tmp_path, capsys):
    assert run_import(tmp_path, b"\xd0\xcf\x11\xe0", name="台账.xls") == 2
    assert "另存为 .xlsx" in capsys.readouterr().err


def test_dates_are_read_in_the_ways_offices_write_them():
    parse = plan_module.parse_date
    assert (
        parse("2026-03-31") == parse("2026/3/31") == parse("2026年3月31日") == dt.date(2026, 3, 31)
    )
    assert parse("2026年2月底") == dt.date(2026, 2, 28)
    with pytest.raises(ValueError):
        parse("年底")


def test_imported_texts_are_found_by_search(tmp_path):
    from tests.factories import UserFactory
    from zhenggai.accounts.choices import Role
    from zhenggai.accounts.models import RoleAssignment
    from zhenggai.ledger.selectors.search import search

    data = workbook([row(measure="一是全面梳理鹦鹉螺案卷。")])
    assert run_import(tmp_path, data, "--create-missing") == 0
    inspection = Inspection.objects.get()
    user = UserFactory()
    RoleAssignment.objects.create(
        user=user, role=Role.OFFICE, organisation=inspection.organisation, include_subtree=True
    )
    found = search(user, "鹦鹉螺案卷", kind="m")
    assert [h.obj.content for h in found.hits] == ["全面梳理鹦鹉螺案卷。"]
