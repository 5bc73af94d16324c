"""The ledger's rows drawn in Python (`{% ledger_rows %}`): escaped, labelled and complete
as the template drew them."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.template import Context, Template
from django.utils.text import Truncator

from zhenggai.core.signals import NO_SIGNAL, Signal, SignalResult


def _row(**measure: Any) -> SimpleNamespace:
    fields: dict[str, Any] = {
        "pk": 7, "content": "一是<b>规范</b>\"审批\"&'流程'", "marker": "一是", "target": "",
        "responsible_leader": None, "lead_unit": SimpleNamespace(name="财务科<i>"),
        "responsible_person": None, "deadline": None, "original_deadline": None,
        "urgency": "short", "state": "in_progress",
        "inspection": SimpleNamespace(title="关于某某单位巡察反馈意见整改落实情况的报告全文"),
    }
    fields.update(measure)
    return SimpleNamespace(
        measure=SimpleNamespace(**fields), finding=None, path="3-(2)-1", signal=NO_SIGNAL,
        links={"measure": "/ledger/measures/7/?a=1&b=2"}, latest_progress=None,
    )


def _render(rows: list[Any], bulk: bool = False, show_inspection: bool = False) -> str:
    template = Template("{% load ledger_rows %}{% ledger_rows rows bulk show %}")
    return template.render(Context({"rows": rows, "bulk": bulk, "show": show_inspection}))


def test_every_text_is_escaped_and_the_marker_stripped() -> None:
    html = _render([_row()])
    assert "&lt;b&gt;规范&lt;/b&gt;&quot;审批&quot;&amp;&#x27;流程&#x27;" in html
    assert "一是" not in html
    assert "财务科&lt;i&gt;" in html and "<i>" not in html
    assert 'href="/ledger/measures/7/?a=1&amp;b=2"' in html
    assert html.count("<td ") == 14 and 'data-testid="ledger-row" data-measure="7"' in html


def test_empty_cells_say_so_and_labels_name_every_cell() -> None:
    html = _render([_row()])
    labels = ["编号", "方面", "问题", "具体问题", "整改措施", "整改目标", "责任领导",
              "责任单位", "责任人", "整改时限", "时限类型", "整改进展", "状态", "信号"]
    for label in labels:
        assert f'data-label="{label}"' in html
    assert "尚未填报" in html
    assert html.count("<div>—</div>") >= 5  # aspect, problem, finding, leader, person, deadline


def test_moved_deadline_progress_finding_bulk_and_inspection() -> None:
    row = _row(deadline=dt.date(2026, 3, 31), original_deadline=dt.date(2026, 1, 31))
    row.latest_progress = SimpleNamespace(narrative="已完成<50%", as_of=dt.date(2026, 2, 1), percent=50)
    problem = _Str("问题甲", aspect=_Str("思想建设", marker="一、"))
    row.finding = SimpleNamespace(no=2, text="审批不严", problem=problem)
    row.signal = SignalResult(signal=Signal.RED, working_days_left=-3, overdue=True)
    html = _render([row], bulk=True, show_inspection=True)
    assert "2026-03-31<div class=\"ledger-sub\">原定 2026-01-31</div>" in html
    assert "已完成&lt;50%" in html and "2026-02-01 · 50%" in html
    assert "（2）审批不严" in html and "一、思想建设" in html and "问题甲" in html
    assert 'aria-label="选择 3-(2)-1"' in html and 'data-testid="bulk-check"' in html
    title = row.measure.inspection.title
    assert f">{Truncator(title).chars(20)}<" in html and title not in html  # truncatechars:20
    assert 'data-signal="red"' in html and 'data-state="in_progress"' in html


class _Str:
    """A tree object whose str() is its title, as the models' are."""

    def __init__(self, text: str, **attrs: Any) -> None:
        self.text = text
        self.__dict__.update(attrs)

    def __str__(self) -> str:
        return self.text
