"""Records, evaluation, formal reports and urging notices in the role × view matrix.

The whole-inspection pages (records, evaluation, formal reports) are read by the
inspection's readers; a unit, which reads only its own measures, may open the inspection
but not these pages (403 with the reason); someone with no role gets 404. Accountability is
read by leader and supervisor only and recorded by the supervisor only. The objects a case
needs (a report's pending submission, a notice) are made inside the case's savepoint.
"""

from __future__ import annotations

from tests.web.permission_matrix import Case, everyone
from tests.web.world import World
from zhenggai.ledger.models import FormalReport, FormalReportSubmission
from zhenggai.ledger.services.formal_reports import formal_report_submit, formal_reports_ensure
from zhenggai.urging.choices import UrgingLevel
from zhenggai.urging.models import UrgingNotice
from zhenggai.urging.services.notices import urging_notice_issue

#: The whole-inspection pages: readers 200, units 403, no role 404.
READERS = everyone(200, stranger=404, unit_a=403, unit_b=403)


def only(role: str, status: int = 302) -> dict[str, int]:
    """`status` for `role`, 403 for the other readers and units, 404 for the role-less."""
    return everyone(403, stranger=404, **{role: status})


def _report(w: World) -> FormalReport:
    office = w.users["office"]
    assert office is not None
    return formal_reports_ensure(inspection=w.inspection, actor=office)[0]


def _pending(w: World) -> FormalReportSubmission:
    office = w.users["office"]
    assert office is not None
    return formal_report_submit(report=_report(w), summary="整改情况报告正文摘要。", actor=office)


def _notice(w: World) -> UrgingNotice:
    office = w.users["office"]
    assert office is not None
    return urging_notice_issue(measure=w.measure_a, level=UrgingLevel.NOTICE, actor=office)


def _records(w: World, kind: str) -> str:
    return f"/inspections/{w.inspection.pk}/records/{kind}/"


CASES = [
    Case("institutions", lambda w: _records(w, "institutions"), expect=READERS),
    Case("activities", lambda w: _records(w, "activities"), expect=READERS),
    Case("accountability", lambda w: _records(w, "accountability"),
         expect=everyone(403, stranger=404, leader=200, supervisor=200)),
    Case("records of another inspection", lambda w: f"/inspections/{w.foreign.pk}/records/institutions/",
         expect=everyone(404)),
    Case("record an institution", lambda w: _records(w, "institutions"), method="post",
         data=lambda w: {"name": "公务用车管理办法", "kind": "established"}, expect=only("office")),
    Case("record accountability", lambda w: _records(w, "accountability"), method="post",
         data=lambda w: {"person_name": "张三", "form": "admonition_talk"},
         expect=only("supervisor")),
    Case("record an activity", lambda w: _records(w, "activities"), method="post",
         data=lambda w: {"kind": "study", "title": "专题学习", "held_on": "2020-01-02",
                         "participants": "30"}, expect=only("office")),
    Case("evaluation", lambda w: f"/inspections/{w.inspection.pk}/evaluation/", expect=READERS),
    Case("record an evaluation", lambda w: f"/inspections/{w.inspection.pk}/evaluation/",
         method="post", data=lambda w: {"reasons": "整改扎实。"}, expect=only("supervisor")),
    Case("formal reports", lambda w: f"/inspections/{w.inspection.pk}/formal-reports/",
         expect=READERS),
    Case("formal reports of another inspection",
         lambda w: f"/inspections/{w.foreign.pk}/formal-reports/", expect=everyone(404)),
    Case("submit a formal report", lambda w: f"/formal-reports/{_report(w).pk}/submit/",
         method="post", data=lambda w: {"summary": "报告摘要"}, expect=only("office")),
    Case("review a formal report",
         lambda w: f"/formal-report-submissions/{_pending(w).pk}/review/", method="post",
         data=lambda w: {"decision": "approve"}, expect=only("inspector")),
    Case("urging notices", lambda w: "/urging/", expect=everyone(200)),
    Case("urging notices of an inspection", lambda w: f"/inspections/{w.inspection.pk}/urging/",
         expect=everyone(200, stranger=404)),
    Case("urging notice", lambda w: f"/urging/notices/{_notice(w).pk}/",
         expect=everyone(200, stranger=404, unit_b=404)),
    Case("urging notice document", lambda w: f"/urging/notices/{_notice(w).pk}/download/",
         expect=everyone(200, stranger=404, unit_b=404)),
]
