"""The audit entries of a measure's page: the measure's own and those of the rows its page
shows (units' shares, progress reports, evidence, close-out requests and their reviews and
acceptances, extensions, check-ins, reopenings), newest first, in one query.

Only for a user who already reads the measure (the page asks `measure_for_reader` first):
what the audit log says about an object is part of reading it.
"""

from __future__ import annotations

from django.db.models import Q

from zhenggai.audit.models import AuditEntry
from zhenggai.ledger.selectors.measure_detail import MeasurePage

#: How many entries the page shows (the full log is the admin's).
AUDIT_LIMIT = 50


def _ids(label: str, pks: list[int]) -> Q:
    return Q(object_type=label, object_id__in=[str(pk) for pk in pks]) if pks else Q(pk__in=[])


def measure_audit_entries(page: MeasurePage, *, limit: int = AUDIT_LIMIT) -> list[AuditEntry]:
    """The latest `limit` entries about the measure and the rows its page shows."""
    reviews = [v.pk for r in page.requests for v in r.reviews.all()]
    acceptances = [a.pk for r in page.requests for a in r.acceptances.all()]
    evidence = [e.pk for r in page.reports for e in r.evidence.all()]
    evidence += [e.pk for r in page.requests for e in r.evidence.all()]
    q = Q(object_type="ledger.measure", object_id=str(page.measure.pk))
    for label, pks in (
        ("ledger.assignment", [a.pk for a in page.assignments]),
        ("ledger.progressreport", [r.pk for r in page.reports]),
        ("ledger.evidencefile", evidence),
        ("ledger.closeoutrequest", [r.pk for r in page.requests]),
        ("ledger.closeoutreview", reviews),
        ("ledger.acceptance", acceptances),
        ("ledger.extension", [e.pk for e in page.extensions]),
        ("ledger.checkin", [c.pk for c in page.check_ins]),
        ("ledger.reopening", [r.pk for r in page.reopenings]),
    ):
        if pks:
            q |= _ids(label, pks)
    return list(
        AuditEntry.objects.filter(q)
        .only("seq", "created_at", "actor_repr", "action", "object_type", "object_repr")
        .order_by("-seq")[:limit]
    )


#: How the page names the actions it shows (others are shown by their code).
ACTION_NAMES = {
    "measure.create": "创建措施", "measure.update": "修改措施", "measure.correct": "更正措施",
    "measure.start": "开始整改", "measure.request_close_out": "申请销号",
    "measure.return": "退回", "measure.close": "销号", "measure.reopen": "重新打开",
    "measure.extend": "延期", "assignment.create": "分解任务", "assignment.start": "开始整改",
    "assignment.request_close_out": "申请销号", "assignment.return": "退回",
    "assignment.close": "销号", "assignment.extend": "延期",
    "progress_report.submit": "填报进展", "progress_report.correct": "更正进展",
    "evidence.add": "上传佐证材料", "close_out_request.create": "提交销号申请",
    "close_out_request.advance": "转入下一环节", "close_out_request.close": "销号申请通过",
    "close_out_request.return": "销号申请退回", "close_out_review.approve": "审核通过",
    "close_out_review.return": "审核退回", "acceptance.accept": "同意验收",
    "acceptance.reject": "不同意验收", "extension.request": "申请延期",
    "extension.approve": "批准延期", "extension.reject": "不批准延期",
    "check_in.schedule": "安排跟踪检查", "check_in.record": "登记跟踪检查",
    "check_in.cancel": "取消跟踪检查", "reopening.create": "重新打开",
}


def action_name(action: str) -> str:
    """The Chinese name of an audit action ("" → the code itself)."""
    return ACTION_NAMES.get(action, action)
