"""Workbooks as offices make them, written with openpyxl for the import tests."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

from tests.factories import (
    AspectFactory,
    FindingFactory,
    InspectionFactory,
    MeasureFactory,
    ProblemFactory,
    ProgressReportFactory,
)
from zhenggai.ledger.models import Inspection

HEADERS = [
    "序号",
    "方面",
    "问题",
    "具体问题",
    "整改措施",
    "责任领导",
    "责任单位",
    "责任人",
    "整改时限",
    "状态",
    "整改进展",
]
INFO = [
    (
        "巡察",
        "巡察组",
        "被巡察党组织",
        "层级",
        "巡察类型",
        "巡察开始日期",
        "巡察结束日期",
        "反馈日期",
    ),
    (
        "区委第一巡察组对示范区交通局党组的常规巡察",
        "区委第一巡察组",
        "中共示范区交通局党组",
        "巡察",
        "常规巡察",
        dt.date(2026, 3, 1),
        dt.date(2026, 4, 30),
        dt.date(2026, 6, 10),
    ),
]


def row(
    problem: str = "1.执法程序不规范。",
    finding: str = "（1）部分案卷缺少审批记录。",
    measure: str = "一是全面梳理案卷。",
    unit: str = "",
    deadline: Any = dt.date(2026, 12, 31),
    state: str = "",
    progress: str = "",
    aspect: str = "（一）党的纪律建设方面",
    leader: str = "",
    person: str = "",
) -> list[Any]:
    return [
        None,
        aspect,
        problem,
        finding,
        measure,
        leader,
        unit,
        person,
        deadline,
        state,
        progress,
    ]


def workbook(
    rows: Sequence[Sequence[Any]],
    *,
    headers: Sequence[str] = HEADERS,
    title: str | None = "示范区交通局巡察整改台账",
    merges: Sequence[str] = (),
    info: Sequence[Sequence[Any]] | None = INFO,
) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    if title:
        ws.append([title])
    ws.append(list(headers))
    for r in rows:
        ws.append(list(r))
    for ref in merges:
        ws.merge_cells(ref)
    if info is not None:
        sheet = wb.create_sheet("巡察信息")
        for r in info:
            sheet.append(list(r))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def small_ledger(measures_per_finding: int = 2, findings: int = 2) -> Inspection:
    """An inspection of two numbered problems (3 and 4), each with `findings` findings of
    `measures_per_finding` measures that have one progress report each."""
    inspection = InspectionFactory()
    aspect = AspectFactory(inspection=inspection, no=1, title="党的政治建设方面")
    for p in range(2):
        problem = ProblemFactory(aspect=aspect, no=p + 3, title=f"问题{p}", sort_order=p)
        for f in range(findings):
            finding = FindingFactory(
                problem=problem, no=f + 1, text=f"具体问题{p}-{f}", sort_order=f
            )
            for m in range(measures_per_finding):
                measure = MeasureFactory(
                    inspection=inspection,
                    findings=[finding],
                    no=m + 1,
                    sort_order=m,
                    content=f"措施{p}-{f}-{m}",
                    marker="",
                )
                ProgressReportFactory(measure=measure, narrative=f"进展{measure.pk}")
    return inspection
