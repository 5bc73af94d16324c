"""The two formal reports owed after feedback: set up, submitted, accepted or returned.

The Party's inspection rules ask the inspected organisation to send its rectification
report (整改情况报告) and its principal leader's report on organising the rectification
(主要负责人组织落实情况报告) to the inspection office within two months of the feedback
(`Inspection.report_period_months`). `formal_reports_ensure` sets both up — plan creation
and the importer call it — due that long after the feedback date.

Who does what (accounts/permissions.py):

- the office (整改办) submits (`SUBMIT_FORMAL_REPORT`): it runs the rectification and
  drafts both reports, the leader report for the principal leader's signature;
- the inspection office (巡察办, role `inspector`), to which both are addressed, accepts
  or returns them (`REVIEW_FORMAL_REPORT`). Not the leader: the principal leader signs the
  leader report and answers for the rectification, so the leader would be reviewing their
  own report. Not the supervisor: the discipline inspection body reads the reports (VIEW)
  and judges the rectification through the effectiveness evaluation (EVALUATE).
- nobody reviews a submission they made (a user may hold several roles).

A report is submitted, then accepted or returned with reasons. Submissions are never
overwritten: each is a `FormalReportSubmission` row (version 1, 2, …) keeping its text, its
files, its reviewer and the reason of a return; a returned report is open again (`planned`)
until the office submits the next version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Max, Q

from zhenggai import clock
from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import Action, require
from zhenggai.audit.services import audit_record, field_values
from zhenggai.ledger.choices import FormalReportKind, FormalReportState, ReviewDecision
from zhenggai.ledger.models import FormalReport, FormalReportSubmission, Inspection
from zhenggai.ledger.services.progress import check_files, store_evidence

#: Error messages (asserted by the tests).
SUMMARY_REQUIRED = "请填写报告内容摘要"
REPORT_AWAITING_REVIEW = "该报告已报送，正在审核，不能重复报送"
REPORT_ACCEPTED = "该报告已审核通过，不能再报送"
SUBMISSION_DECIDED = "该报送记录已审核（{decision}），请刷新后查看"
REVIEWER_IS_SUBMITTER = "审核人不能是报告的报送人本人"
RETURN_NEEDS_REASON = "退回须说明理由"

_REPORT_FIELDS = ["inspection", "kind", "due_date", "state"]
_REPORT_STATE_FIELDS = ["state", "submitted_at"]
_SUBMISSION_FIELDS = [
    "report",
    "version",
    "summary",
    "submitted_by",
    "submitted_at",
    "decision",
    "opinion",
    "reviewed_by",
    "reviewed_at",
]


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus whole months, clamped to the month's end (31 Dec + 2 → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    last = (following - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


# --- setting up the two reports -----------------------------------------------------------


def formal_reports_ensure_unchecked(
    inspection: Inspection, *, actor: User | None
) -> list[FormalReport]:
    """`formal_reports_ensure` for a caller that checked permission and holds the lock."""
    due = (
        add_months(inspection.feedback_date, inspection.report_period_months)
        if inspection.feedback_date
        else None
    )
    existing = {
        r.kind: r
        for r in FormalReport.objects.select_for_update().filter(inspection=inspection)
    }
    reports: list[FormalReport] = []
    for kind in FormalReportKind.values:
        report = existing.get(kind)
        if report is None:
            report = FormalReport(inspection=inspection, kind=kind, due_date=due)
            report.full_clean()
            report.save()
            audit_record(actor=actor, action="formal_report.create", obj=report,
                         after=field_values(report, _REPORT_FIELDS))
        elif report.state == FormalReportState.PLANNED and report.due_date != due:
            # The feedback date or the period changed; a submitted report keeps its history.
            before = field_values(report, _REPORT_FIELDS)
            report.due_date = due
            report.save(update_fields=["due_date", "updated_at"])
            audit_record(actor=actor, action="formal_report.update", obj=report, before=before,
                         after=field_values(report, _REPORT_FIELDS))
        reports.append(report)
    return reports


@transaction.atomic
def formal_reports_ensure(
    *, inspection: Inspection, actor: User | None = None
) -> list[FormalReport]:
    """Make sure both formal reports exist, due `report_period_months` after the feedback.

    The rectification report and the principal leader's report are owed by the Party's
    inspection rules. Idempotent; a planned report's due date follows the inspection's
    feedback date and period. Without an actor it runs as the system (import, plan creation).
    """
    if actor is not None:
        require(actor, Action.MANAGE_PLAN, inspection=inspection)
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    return formal_reports_ensure_unchecked(inspection, actor=actor)


# --- submitting -----------------------------------------------------------------------------


def _report_state(report: FormalReport) -> dict[str, Any]:
    return field_values(report, _REPORT_STATE_FIELDS)


@transaction.atomic
def formal_report_submit(
    *,
    report: FormalReport,
    summary: str,
    files: Sequence[File[Any]] = (),
    actor: User,
) -> FormalReportSubmission:
    """The office sends a report (next version after a return), with summary and files.

    Files are checked like progress evidence (type by content, size limit, no file twice)
    before anything is written; the same bytes as in an earlier submission of this report
    are not stored again.
    """
    require(actor, Action.SUBMIT_FORMAL_REPORT, inspection=report.inspection)
    locked = FormalReport.objects.select_for_update().get(pk=report.pk)
    if locked.state == FormalReportState.SUBMITTED:
        raise ValidationError(REPORT_AWAITING_REVIEW, code="conflict")
    if locked.state == FormalReportState.ACCEPTED:
        raise ValidationError(REPORT_ACCEPTED, code="conflict")
    if not summary.strip():
        raise ValidationError(SUMMARY_REQUIRED, code="required")
    checked = check_files(files)
    now = clock.now()
    last = locked.submissions.aggregate(last=Max("version"))["last"] or 0
    submission = FormalReportSubmission(
        report=locked,
        version=last + 1,
        summary=summary.strip(),
        submitted_by=actor,
        submitted_at=now,
    )
    submission.full_clean()
    submission.save()
    audit_record(
        actor=actor,
        action="formal_report_submission.create",
        obj=submission,
        after=field_values(submission, _SUBMISSION_FIELDS),
    )
    for item in checked:
        store_evidence(
            item,
            actor=actor,
            reuse_within=Q(formal_report_submission__report=locked),
            formal_report_submission=submission,
        )
    before = _report_state(locked)
    locked.state = FormalReportState.SUBMITTED
    locked.submitted_at = now
    locked.full_clean()
    locked.save()
    audit_record(
        actor=actor,
        action="formal_report.submit",
        obj=locked,
        before=before,
        after={**_report_state(locked), "submission": submission.pk, "version": submission.version},
    )
    return submission


# --- reviewing ------------------------------------------------------------------------------


def _lock_for_review(
    submission: FormalReportSubmission, actor: User
) -> tuple[FormalReport, FormalReportSubmission]:
    """Check permission, lock report then submission (the order `submit` locks in), re-check."""
    report = FormalReport.objects.select_related("inspection").get(pk=submission.report_id)
    require(actor, Action.REVIEW_FORMAL_REPORT, inspection=report.inspection)
    report = FormalReport.objects.select_for_update().get(pk=report.pk)
    locked = FormalReportSubmission.objects.select_for_update().get(pk=submission.pk)
    if locked.submitted_by_id == actor.pk:
        raise PermissionDenied(REVIEWER_IS_SUBMITTER)
    if locked.decision:
        raise ValidationError(
            SUBMISSION_DECIDED.format(decision=locked.get_decision_display()), code="conflict"
        )
    return report, locked


def _decide(
    report: FormalReport,
    submission: FormalReportSubmission,
    *,
    decision: str,
    opinion: str,
    report_state: str,
    actor: User,
) -> None:
    now = clock.now()
    before = field_values(submission, _SUBMISSION_FIELDS)
    submission.decision = decision
    submission.opinion = opinion.strip()
    submission.reviewed_by = actor
    submission.reviewed_at = now
    submission.full_clean()
    submission.save()
    verb = "accept" if decision == ReviewDecision.APPROVE else "return"
    audit_record(
        actor=actor,
        action=f"formal_report_submission.{verb}",
        obj=submission,
        before=before,
        after=field_values(submission, _SUBMISSION_FIELDS),
    )
    report_before = _report_state(report)
    report.state = report_state
    if report_state == FormalReportState.PLANNED:
        report.submitted_at = None  # returned: open again until the next version is sent
    report.full_clean()
    report.save()
    audit_record(
        actor=actor,
        action=f"formal_report.{verb}",
        obj=report,
        before=report_before,
        after={**_report_state(report), "submission": submission.pk, "version": submission.version},
    )


@transaction.atomic
def formal_report_accept(
    *, submission: FormalReportSubmission, actor: User, opinion: str = ""
) -> FormalReportSubmission:
    """The inspection office accepts a submitted report (审核通过); the report is done."""
    report, locked = _lock_for_review(submission, actor)
    _decide(
        report,
        locked,
        decision=ReviewDecision.APPROVE,
        opinion=opinion,
        report_state=FormalReportState.ACCEPTED,
        actor=actor,
    )
    return locked


@transaction.atomic
def formal_report_return(
    *, submission: FormalReportSubmission, reason: str, actor: User
) -> FormalReportSubmission:
    """The inspection office returns a submitted report with reasons (退回); it is open again."""
    report, locked = _lock_for_review(submission, actor)
    if not reason.strip():
        raise ValidationError(RETURN_NEEDS_REASON, code="required")
    _decide(
        report,
        locked,
        decision=ReviewDecision.RETURN,
        opinion=reason,
        report_state=FormalReportState.PLANNED,
        actor=actor,
    )
    return locked
