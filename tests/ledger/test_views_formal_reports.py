"""The formal reports' page and its forms (views/formal_reports.py): both reports with due
dates, states and history; the office submits with files, the inspection office accepts or
returns with a reason; errors beside the field (400, nothing lost or written), refusals
(403 with the reason), conflicts (409, never a 500), files only for readers, IDOR."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.web.world import PNG, World, build_world
from zhenggai.accounts.models import User
from zhenggai.ledger.choices import FormalReportState
from zhenggai.ledger.models import FormalReport, FormalReportSubmission
from zhenggai.ledger.services.formal_reports import (
    REPORT_AWAITING_REVIEW,
    RETURN_NEEDS_REASON,
    SUMMARY_REQUIRED,
    add_months,
    formal_report_submit,
    formal_reports_ensure,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def w() -> World:
    world = build_world()
    office = world.users["office"]
    assert office is not None
    formal_reports_ensure(inspection=world.inspection, actor=office)
    return world


def client_of(w: World, role: str) -> Client:
    client = Client()
    user = w.users[role]
    assert isinstance(user, User)
    client.force_login(user)
    return client


def user(w: World, role: str) -> User:
    found = w.users[role]
    assert isinstance(found, User)
    return found


def page_url(w: World) -> str:
    return f"/inspections/{w.inspection.pk}/formal-reports/"


def report(w: World) -> FormalReport:
    return FormalReport.objects.filter(inspection=w.inspection).order_by("kind").first()  # type: ignore[return-value]


def field_errors(page: str, name: str) -> str:
    found = re.search(rf'id="id_{name}_errors"[^>]*>(.*?)</div>', page, re.S)
    return found.group(1) if found else ""


def test_page_lists_both_reports_with_due_dates_and_states(w: World) -> None:
    page = client_of(w, "leader").get(page_url(w)).content.decode()
    assert page.count('data-testid="report"') == 2
    assert "整改情况报告" in page and "主要负责人组织落实情况报告" in page
    due = add_months(w.inspection.feedback_date, w.inspection.report_period_months)
    assert f"{due.year}年{due.month}月{due.day}日" in page
    assert page.count("待报送") >= 2
    assert 'data-testid="submit-form"' not in page  # the leader reads, does not submit


def test_office_submits_with_a_file_and_inspector_accepts(w: World) -> None:
    office = client_of(w, "office")
    target = report(w)
    response = office.post(f"/formal-reports/{target.pk}/submit/", {
        "summary": "全面完成整改任务。",
        "documents": [SimpleUploadedFile("整改报告.png", PNG, content_type="image/png")],
    })
    assert response.status_code == 302 and response["Location"] == page_url(w)
    submission = FormalReportSubmission.objects.get()
    evidence = submission.evidence.get()
    target.refresh_from_db()
    assert target.state == FormalReportState.SUBMITTED

    inspector = client_of(w, "inspector")
    page = inspector.get(page_url(w)).content.decode()
    assert "全面完成整改任务。" in page and "整改报告.png" in page
    assert f"/evidence/{evidence.pk}/" in page
    assert 'data-testid="review-form"' in page
    assert inspector.get(f"/evidence/{evidence.pk}/").status_code == 200
    # A unit may not read the whole inspection's files.
    assert client_of(w, "unit_a").get(f"/evidence/{evidence.pk}/").status_code == 404

    accepted = inspector.post(f"/formal-report-submissions/{submission.pk}/review/",
                              {"decision": "approve", "opinion": "同意。"})
    assert accepted.status_code == 302
    target.refresh_from_db()
    assert target.state == FormalReportState.ACCEPTED
    assert "审核通过" in inspector.get(page_url(w)).content.decode()


def test_submit_without_summary_keeps_the_file_choice_and_writes_nothing(w: World) -> None:
    response = client_of(w, "office").post(f"/formal-reports/{report(w).pk}/submit/",
                                           {"summary": "   "})
    assert response.status_code == 400
    assert SUMMARY_REQUIRED in field_errors(response.content.decode(), "summary")
    assert FormalReportSubmission.objects.count() == 0


def test_return_needs_a_reason_beside_the_field_then_reopens(w: World) -> None:
    submission = formal_report_submit(report=report(w), summary="初稿", actor=user(w, "office"))
    inspector = client_of(w, "inspector")
    review = f"/formal-report-submissions/{submission.pk}/review/"
    response = inspector.post(review, {"decision": "return", "opinion": ""})
    assert response.status_code == 400
    assert RETURN_NEEDS_REASON in field_errors(response.content.decode(), "opinion")
    submission.refresh_from_db()
    assert submission.decision == ""
    assert inspector.post(review, {"decision": "return", "opinion": "缺少数据支撑。"}).status_code == 302
    page = client_of(w, "office").get(page_url(w)).content.decode()
    assert "缺少数据支撑。" in page and "重新报送" in page


def test_refusals_carry_the_reason_and_write_nothing(w: World) -> None:
    submission = formal_report_submit(report=report(w), summary="初稿", actor=user(w, "office"))
    review = f"/formal-report-submissions/{submission.pk}/review/"
    office_review = client_of(w, "office").post(review, {"decision": "approve"})
    assert office_review.status_code == 403
    assert "审核正式报告" in office_review.content.decode()
    inspector_submit = client_of(w, "inspector").post(
        f"/formal-reports/{report(w).pk}/submit/", {"summary": "代报"})
    assert inspector_submit.status_code == 403
    assert "报送正式报告" in inspector_submit.content.decode()
    unit_page = client_of(w, "unit_a").get(page_url(w))
    assert unit_page.status_code == 403 and "查看台账" in unit_page.content.decode()
    submission.refresh_from_db()
    assert submission.decision == "" and FormalReportSubmission.objects.count() == 1


def test_a_second_submission_while_one_awaits_review_is_a_conflict(w: World) -> None:
    formal_report_submit(report=report(w), summary="初稿", actor=user(w, "office"))
    response = client_of(w, "office").post(f"/formal-reports/{report(w).pk}/submit/",
                                           {"summary": "又一稿"})
    assert response.status_code == 409
    assert REPORT_AWAITING_REVIEW in response.content.decode()
    assert FormalReportSubmission.objects.count() == 1


def test_another_inspections_report_is_404_and_nothing_written(w: World) -> None:
    foreign = formal_reports_ensure(inspection=w.foreign)[0]
    client = client_of(w, "office")
    assert client.post(f"/formal-reports/{foreign.pk}/submit/", {"summary": "越权"}).status_code == 404
    # A submission of another inspection cannot be reviewed from here either.
    other = FormalReportSubmission.objects.create(
        report=foreign, summary="他处报告", submitted_by=user(w, "stranger"))
    inspector = client_of(w, "inspector")
    review = inspector.post(f"/formal-report-submissions/{other.pk}/review/", {"decision": "approve"})
    assert review.status_code == 404
    other.refresh_from_db()
    assert other.decision == ""
    other.delete()
    assert client.get(f"/inspections/{w.foreign.pk}/formal-reports/").status_code == 404
    assert FormalReportSubmission.objects.count() == 0


def test_empty_state_before_the_reports_exist(w: World) -> None:
    FormalReport.objects.all().delete()
    page = client_of(w, "office").get(page_url(w)).content.decode()
    assert 'data-testid="empty"' in page
