"""Formal reports (services/formal_reports.py): submitted by the office, accepted or returned by
the inspection office, never reviewed by their submitter, every submission kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.ledger.test_progress import (
    PERSONAS,
    World,
    grant,
    make_world,
    pdf_bytes,
    stored_files,
    upload,
)
from zhenggai import clock
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import User
from zhenggai.audit.models import AuditEntry
from zhenggai.ledger.choices import FormalReportKind, FormalReportState, ReviewDecision
from zhenggai.ledger.models import EvidenceFile, FormalReport, FormalReportSubmission
from zhenggai.ledger.services.formal_reports import (
    REPORT_ACCEPTED,
    REPORT_AWAITING_REVIEW,
    RETURN_NEEDS_REASON,
    REVIEWER_IS_SUBMITTER,
    SUMMARY_REQUIRED,
    formal_report_accept,
    formal_report_return,
    formal_report_submit,
    formal_reports_ensure,
)
from zhenggai.ledger.signals_view import formal_report_signals

pytestmark = pytest.mark.django_db

SUBMITTED_AT = timezone.make_aware(dt.datetime(2026, 8, 10, 9, 30))
REVIEWED_AT = timezone.make_aware(dt.datetime(2026, 8, 14, 16, 0))
SUMMARY = "已完成反馈问题整改 44 项，建立完善制度 16 项，问责 2 人。"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def report_of(w: World, kind: str = FormalReportKind.RECTIFICATION_REPORT) -> FormalReport:
    formal_reports_ensure(inspection=w.inspection)
    return FormalReport.objects.get(inspection=w.inspection, kind=kind)


def submit(w: World, report: FormalReport, **kwargs: Any) -> FormalReportSubmission:
    params: dict[str, Any] = {"report": report, "summary": SUMMARY, "actor": w.office}
    params.update(kwargs)
    return formal_report_submit(**params)


def actions(after_seq: int = 0) -> list[str]:
    return list(
        AuditEntry.objects.filter(seq__gt=after_seq).order_by("seq").values_list("action", flat=True)
    )


def last_seq() -> int:
    entry = AuditEntry.objects.order_by("-seq").first()
    return entry.seq if entry else 0


def fingerprint(media: Path) -> dict[str, Any]:
    """Everything these services may change: a refused call must leave it equal."""
    return {
        "audit": AuditEntry.objects.count(),
        "reports": list(
            FormalReport.objects.order_by("pk").values_list("pk", "state", "submitted_at")
        ),
        "submissions": list(
            FormalReportSubmission.objects.order_by("pk").values_list(
                "pk", "version", "decision", "opinion", "reviewed_by", "reviewed_at"
            )
        ),
        "evidence": EvidenceFile.objects.count(),
        "files": stored_files(media),
    }


# --- the happy path -----------------------------------------------------------------------


def test_the_office_submits_and_the_inspection_office_accepts(_media: Path) -> None:
    w = make_world(feedback_date=dt.date(2026, 6, 15))
    report = report_of(w)
    seq = last_seq()
    first, second = pdf_bytes(), pdf_bytes()
    with clock.travel(SUBMITTED_AT):
        submission = submit(w, report, files=[upload("整改情况报告.pdf", first),
                                              upload("附件：整改台账.pdf", second)])
    assert submission.version == 1
    assert submission.summary == SUMMARY
    assert (submission.submitted_by, submission.submitted_at) == (w.office, SUBMITTED_AT)
    assert submission.decision == ""
    files = list(submission.evidence.order_by("id"))
    assert [f.original_name for f in files] == ["整改情况报告.pdf", "附件：整改台账.pdf"]
    assert all(f.uploaded_by == w.office for f in files)
    with default_storage.open(files[0].file.name, "rb") as handle:
        assert handle.read() == first
    report.refresh_from_db()
    assert (report.state, report.submitted_at) == (FormalReportState.SUBMITTED, SUBMITTED_AT)
    assert actions(seq) == [
        "formal_report_submission.create", "evidence.add", "evidence.add", "formal_report.submit",
    ]

    seq = last_seq()
    with clock.travel(REVIEWED_AT):
        accepted = formal_report_accept(submission=submission, actor=w.inspector, opinion="同意")
    assert accepted.decision == ReviewDecision.APPROVE
    assert (accepted.reviewed_by, accepted.reviewed_at, accepted.opinion) == (
        w.inspector, REVIEWED_AT, "同意"
    )
    report.refresh_from_db()
    assert report.state == FormalReportState.ACCEPTED
    assert report.submitted_at == SUBMITTED_AT
    assert actions(seq) == ["formal_report_submission.accept", "formal_report.accept"]
    entry = AuditEntry.objects.get(action="formal_report.accept")
    assert entry.before["state"] == FormalReportState.SUBMITTED
    assert entry.after["state"] == FormalReportState.ACCEPTED
    assert entry.actor == w.inspector


def test_each_of_the_two_reports_is_submitted_on_its_own() -> None:
    w = make_world()
    leader_report = report_of(w, FormalReportKind.LEADER_REPORT)
    submit(w, leader_report, files=[])
    states = dict(FormalReport.objects.values_list("kind", "state"))
    assert states == {
        FormalReportKind.LEADER_REPORT: FormalReportState.SUBMITTED,
        FormalReportKind.RECTIFICATION_REPORT: FormalReportState.PLANNED,
    }


# --- return and resubmission ----------------------------------------------------------------


def test_return_then_resubmit_keeps_every_version(_media: Path) -> None:
    w = make_world()
    report = report_of(w)
    kept = pdf_bytes()
    v1 = submit(w, report, summary="初稿", files=[upload("报告初稿.pdf", kept)])
    v1_file = v1.evidence.get()
    formal_report_return(submission=v1, reason="未逐条说明整改措施落实情况", actor=w.inspector)
    report.refresh_from_db()
    assert (report.state, report.submitted_at) == (FormalReportState.PLANNED, None)

    v2 = submit(w, report, summary="修改稿", actor=w.office2,
                files=[upload("报告初稿（原件）.pdf", kept), upload("补充说明.pdf")])
    formal_report_accept(submission=v2, actor=w.inspector)

    history = list(report.submissions.order_by("version"))
    assert [(s.version, s.summary, s.submitted_by, s.decision, s.opinion) for s in history] == [
        (1, "初稿", w.office, ReviewDecision.RETURN, "未逐条说明整改措施落实情况"),
        (2, "修改稿", w.office2, ReviewDecision.APPROVE, ""),
    ]
    assert [e.pk for e in history[0].evidence.all()] == [v1_file.pk]  # v1's files stay v1's
    assert history[1].evidence.count() == 2
    # The same bytes sent again are recognised: one stored copy serves both versions.
    again = history[1].evidence.get(sha256=v1_file.sha256)
    assert again.file.name == v1_file.file.name
    assert len(stored_files(_media)) == 2
    report.refresh_from_db()
    assert report.state == FormalReportState.ACCEPTED
    assert actions()[-2:] == ["formal_report_submission.accept", "formal_report.accept"]
    assert "formal_report.return" in actions()


def test_a_returned_report_is_open_again_for_the_deadline_signals() -> None:
    w = make_world(feedback_date=dt.date(2026, 6, 15))  # due 2026-08-15
    returned, accepted = report_of(w), report_of(w, FormalReportKind.LEADER_REPORT)
    formal_report_return(submission=submit(w, returned), reason="材料不全", actor=w.inspector)
    formal_report_accept(submission=submit(w, accepted), actor=w.inspector)
    returned.refresh_from_db()
    accepted.refresh_from_db()
    signals = formal_report_signals(
        [returned, accepted], today=dt.date(2026, 9, 1), inspection=w.inspection
    )
    assert signals[returned.pk].overdue
    assert not signals[accepted.pk].overdue


def test_a_return_needs_a_reason(_media: Path) -> None:
    w = make_world()
    submission = submit(w, report_of(w))
    before = fingerprint(_media)
    with pytest.raises(ValidationError, match=RETURN_NEEDS_REASON):
        formal_report_return(submission=submission, reason="  ", actor=w.inspector)
    assert fingerprint(_media) == before


def test_nobody_reviews_what_they_submitted(_media: Path) -> None:
    w = make_world()
    both = grant(w.office, Role.INSPECTOR, w.committee)  # one person, two roles
    submission = submit(w, report_of(w), actor=both)
    before = fingerprint(_media)
    with pytest.raises(PermissionDenied, match=REVIEWER_IS_SUBMITTER):
        formal_report_accept(submission=submission, actor=both)
    with pytest.raises(PermissionDenied, match=REVIEWER_IS_SUBMITTER):
        formal_report_return(submission=submission, reason="自己退回", actor=both)
    assert fingerprint(_media) == before


def test_a_report_awaiting_review_or_accepted_cannot_be_submitted_again() -> None:
    w = make_world()
    report = report_of(w)
    submission = submit(w, report)
    with pytest.raises(ValidationError, match=REPORT_AWAITING_REVIEW):
        submit(w, report)
    formal_report_accept(submission=submission, actor=w.inspector)
    with pytest.raises(ValidationError, match=REPORT_ACCEPTED):
        submit(w, report)
    assert report.submissions.count() == 1


def test_a_decided_submission_cannot_be_decided_again() -> None:
    w = make_world()
    submission = submit(w, report_of(w))
    formal_report_return(submission=submission, reason="请补充问责情况", actor=w.inspector)
    with pytest.raises(ValidationError, match="已审核（退回）"):
        formal_report_accept(submission=submission, actor=w.inspector)
    submission.refresh_from_db()
    assert (submission.decision, submission.opinion) == (ReviewDecision.RETURN, "请补充问责情况")


def test_a_summary_is_required_and_a_bad_file_writes_nothing(_media: Path) -> None:
    w = make_world()
    report = report_of(w)
    before = fingerprint(_media)
    with pytest.raises(ValidationError, match=SUMMARY_REQUIRED):
        submit(w, report, summary=" ")
    with pytest.raises(ValidationError, match="类型不受支持"):
        submit(w, report, files=[upload("好.pdf"), upload("坏.pdf", b"MZ not a pdf")])
    with pytest.raises(ValidationError, match="请勿重复上传"):
        data = pdf_bytes()
        submit(w, report, files=[upload("一.pdf", data), upload("二.pdf", data)])
    assert fingerprint(_media) == before


# --- permissions ------------------------------------------------------------------------------


def _submit(w: World, user: User) -> Any:
    return submit(w, report_of(w), actor=user, files=[upload()])


def _accept(w: World, user: User) -> Any:
    return formal_report_accept(submission=submit(w, report_of(w)), actor=user)


def _return(w: World, user: User) -> Any:
    return formal_report_return(submission=submit(w, report_of(w)), reason="退回", actor=user)


#: Who may: the office submits, the inspection office (inspector) reviews. Nobody else —
#: not the leader (who signs the leader report), not the supervisor, not the units.
ACTIONS: dict[str, tuple[Callable[[World, User], Any], set[str]]] = {
    "formal_report_submit": (_submit, {"office"}),
    "formal_report_accept": (_accept, {"inspector"}),
    "formal_report_return": (_return, {"inspector"}),
}


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(action: str, persona: str, _media: Path) -> None:
    w = make_world()
    run, allowed = ACTIONS[action]
    user = w.users[persona]
    if persona in allowed:
        seq = last_seq()
        run(w, user)
        assert AuditEntry.objects.filter(seq__gt=seq, actor=user).exists()
        return
    if action != "formal_report_submit":
        submission = submit(w, report_of(w))
        before = fingerprint(_media)
        with pytest.raises(PermissionDenied, match="审核正式报告"):
            if action == "formal_report_accept":
                formal_report_accept(submission=submission, actor=user)
            else:
                formal_report_return(submission=submission, reason="退回", actor=user)
    else:
        report = report_of(w)
        before = fingerprint(_media)
        with pytest.raises(PermissionDenied, match="报送正式报告"):
            submit(w, report, actor=user, files=[upload()])
    assert fingerprint(_media) == before


# --- the table's own checks -------------------------------------------------------------------


def _pending(w: World) -> FormalReportSubmission:
    return submit(w, report_of(w))


@pytest.mark.parametrize(
    ("change", "constraint"),
    [
        ({"decision": ReviewDecision.RETURN, "opinion": ""},
         "ledger_formalreportsub_return_has_reason"),
        ({"decision": ReviewDecision.APPROVE, "reviewed_by": None},
         "ledger_formalreportsub_decision_complete"),
        ({"decision": "maybe"}, "ledger_formalreportsub_decision_valid"),
        ({"version": 0}, "ledger_formalreportsub_version_positive"),
        ({"reviewed_at": "before"}, "ledger_formalreportsub_reviewed_after_submitted"),
    ],
)
def test_the_table_refuses_inconsistent_decisions(
    change: dict[str, Any], constraint: str
) -> None:
    w = make_world()
    submission = _pending(w)
    decided = {
        "decision": ReviewDecision.APPROVE,
        "opinion": "同意",
        "reviewed_by": w.inspector,
        "reviewed_at": submission.submitted_at + dt.timedelta(hours=1),
    }
    if change.get("reviewed_at") == "before":
        change = {"reviewed_at": submission.submitted_at - dt.timedelta(hours=1)}
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        FormalReportSubmission.objects.filter(pk=submission.pk).update(**{**decided, **change})


def test_the_table_refuses_a_self_review_and_a_second_pending_submission() -> None:
    w = make_world()
    submission = _pending(w)
    with pytest.raises(IntegrityError, match="reviewer_not_submitter"), transaction.atomic():
        FormalReportSubmission.objects.filter(pk=submission.pk).update(
            decision=ReviewDecision.APPROVE,
            reviewed_by=w.office,
            reviewed_at=submission.submitted_at + dt.timedelta(hours=1),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        FormalReportSubmission.objects.create(
            report=submission.report, version=2, summary="另一份", submitted_by=w.office
        )


def test_a_planned_report_has_no_submission_time() -> None:
    w = make_world()
    report = report_of(w)
    with (
        pytest.raises(IntegrityError, match="ledger_formalreport_planned_has_no_time"),
        transaction.atomic(),
    ):
        FormalReport.objects.filter(pk=report.pk).update(submitted_at=SUBMITTED_AT)
