"""The demo's history is replayed through the workflow services, dated, and consistent.

The demo is loaded "on" a fixed day (clock.travel) so the spread of states is the same on
every run: 2026-11-25 for our announcement (feedback 2026-07-10: a ledger in full swing)
and for the seed (feedback 2019-07-08: long finished, a follow-up review behind it).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Count
from django.utils import timezone

from zhenggai import clock
from zhenggai.audit.models import AuditEntry
from zhenggai.audit.services import audit_verify
from zhenggai.demo.load import DemoResult, demo_load
from zhenggai.ledger.choices import (
    CloseOutState,
    FindingState,
    FormalReportKind,
    FormalReportState,
    MeasureState,
    ReviewDecision,
    ReviewStage,
    Urgency,
)
from zhenggai.ledger.models import (
    CheckIn,
    CloseOutRequest,
    CloseOutReview,
    EvidenceFile,
    Extension,
    Finding,
    FormalReport,
    Inspection,
    Measure,
    PlanRevision,
    ProgressReport,
    Reopening,
    SearchUnit,
)
from zhenggai.ledger.services.search_index import search_index_rebuild
from zhenggai.ledger.signals_view import measure_signals
from zhenggai.records.models import Accountability, Activity, Institution
from zhenggai.records.selectors import live_figures
from zhenggai.workdays.selectors import workday_calendar
from zhenggai.workdays.services import holidays_seed

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

TODAY = dt.date(2026, 11, 25)
NOW = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(18, 0)))


@pytest.fixture(autouse=True)
def _fast(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def load(source: Path | None = None, *, at: dt.datetime = NOW) -> DemoResult:
    with clock.travel(at):
        return demo_load(password="x", source=source)


def states(inspection: Inspection) -> dict[str, int]:
    rows = Measure.objects.filter(inspection=inspection).values_list("state").annotate(n=Count("pk"))
    return dict(rows)  # type: ignore[arg-type]


def test_the_demo_ledger_is_in_full_swing_on_the_day() -> None:
    result = load()
    inspection = result.inspection
    got = states(inspection)
    # Every stage of the workflow is represented.
    for state in (MeasureState.PLANNED, MeasureState.IN_PROGRESS, MeasureState.CLOSED,
                  MeasureState.WATCHING, MeasureState.CLOSE_REQUESTED):
        assert got.get(state, 0) >= 1, (state, got)
    assert sum(got.values()) == 40
    signals = measure_signals(Measure.objects.filter(inspection=inspection), today=TODAY)
    colours = {str(s.signal) for s in signals.values()}
    assert {"green", "red"} <= colours, colours
    assert any(s.overdue for s in signals.values())
    # The summary counts what was done, not what was planned.
    assert result.history is not None and result.history.returns >= 1
    assert result.history.returns == CloseOutReview.objects.filter(
        request__measure__inspection=inspection, decision=ReviewDecision.RETURN
    ).count()
    assert result.history.extensions == Extension.objects.filter(
        measure__inspection=inspection
    ).count() >= 1
    # The demo sets lead units after the import, and its history makes assignments: the
    # units that scope a unit's search follow both, as a rebuild would have them.
    units = set(SearchUnit.objects.values_list("kind", "object_id", "unit_id", "inspection_id"))
    assert {kind for kind, *_ in units} == {"f", "p"}
    search_index_rebuild()
    assert set(SearchUnit.objects.values_list("kind", "object_id", "unit_id", "inspection_id")) == units


def test_every_state_is_backed_by_the_records_the_services_write() -> None:
    inspection = load().inspection
    measures = Measure.objects.filter(inspection=inspection)
    for measure in measures.filter(state=MeasureState.PLANNED):
        assert not ProgressReport.objects.filter(measure=measure).exists()
        assert measure.started_at is None
    for measure in measures.exclude(state=MeasureState.PLANNED):
        reports = ProgressReport.objects.filter(measure=measure)
        assert reports.exists(), measure
        # The stored last report time (the stalled filter's) is the latest report's.
        assert measure.last_reported_at == reports.latest("reported_at").reported_at
        assert EvidenceFile.objects.filter(progress_report__in=reports).exists()
    for measure in measures.filter(state__in=[MeasureState.CLOSED, MeasureState.WATCHING]):
        approved = CloseOutRequest.objects.filter(measure=measure, state=CloseOutState.APPROVED)
        assert approved.exists(), measure
        request = approved.latest("requested_at")
        office = request.reviews.get(stage=ReviewStage.OFFICE, decision=ReviewDecision.APPROVE)
        assert office.reviewer != request.requested_by
        if measure.findings.filter(is_key=True).exists():
            assert request.reviews.filter(stage=ReviewStage.LEADER).exists()
    for measure in measures.filter(state=MeasureState.WATCHING):
        assert measure.urgency == Urgency.LONG_TERM
    # A returned request carries its reasons, and the item was requested again.
    returned = CloseOutReview.objects.filter(
        request__measure__inspection=inspection, decision=ReviewDecision.RETURN
    )
    assert returned.exists() and all(r.reason for r in returned)
    # Findings follow their measures (情况说明 ones by acceptance).
    for finding in Finding.objects.filter(inspection=inspection, state=FindingState.CLOSED):
        measure_states = set(finding.measures.values_list("state", flat=True))
        assert measure_states <= {MeasureState.CLOSED} or finding.explanation_approver_id


def test_the_history_is_dated_on_working_days_between_feedback_and_now() -> None:
    inspection = load().inspection
    feedback = inspection.feedback_date
    assert feedback == dt.date(2026, 7, 10)
    reports = ProgressReport.objects.filter(measure__inspection=inspection)
    for report in reports:
        day = timezone.localdate(report.reported_at)
        assert feedback < day <= TODAY
        assert report.as_of == day
        assert 9 <= timezone.localtime(report.reported_at).hour < 19
    requests = CloseOutRequest.objects.filter(measure__inspection=inspection)
    assert all(feedback < timezone.localdate(r.requested_at) <= TODAY for r in requests)
    # Each review comes after its request.
    for review in CloseOutReview.objects.filter(request__in=requests).select_related("request"):
        assert review.decided_at > review.request.requested_at
    # The plan was drafted, revised twice and approved in the weeks after the feedback.
    revisions = PlanRevision.objects.filter(plan__inspection=inspection).order_by("created_at")
    assert revisions.count() == 3
    assert all(feedback < timezone.localdate(r.created_at) < feedback + dt.timedelta(days=30) for r in revisions)
    assert Inspection.objects.get(pk=inspection.pk).plan.approved_at is not None
    # Extensions keep the original deadline and name the approver.
    for extension in Extension.objects.filter(measure__inspection=inspection):
        assert extension.original_deadline < extension.new_deadline
        assert extension.decided_by is not None


def test_records_and_live_figures_come_from_the_replay() -> None:
    inspection = load().inspection
    figures = live_figures(inspection=inspection)
    assert figures["institutions"] == Institution.objects.filter(inspection=inspection).count() == 8
    assert figures["activities"] == Activity.objects.filter(inspection=inspection).count() == 5
    assert figures["accountable_people"] == 2 == Accountability.objects.filter(inspection=inspection).count()
    assert figures["closed_measures"] == states(inspection)[MeasureState.CLOSED]
    assert all(i.findings.exists() for i in Institution.objects.filter(inspection=inspection))


def test_the_history_audit_chain_verifies_and_names_the_actors() -> None:
    load()
    result = audit_verify()
    assert result.ok, result
    actors = dict(
        AuditEntry.objects.filter(action__in=[
            "progress_report.submit", "close_out_request.create", "plan.approve",
            "measure.update", "finding.accept_explanation",
        ]).values_list("action", "actor__username").distinct()
    )
    assert actors["plan.approve"] == "leader"
    assert actors["measure.update"] == "office"
    assert actors["finding.accept_explanation"] == "leader"
    unit_users = {"quality", "housing", "archives", "utilities", "offices"}
    reporters = set(
        AuditEntry.objects.filter(action="progress_report.submit").values_list(
            "actor__username", flat=True
        )
    )
    assert reporters and reporters <= unit_users


def test_a_feedback_days_ago_gets_only_the_first_steps() -> None:
    # Two working days after the feedback meeting: the leading group exists, no plan yet.
    result = load(at=timezone.make_aware(dt.datetime(2026, 7, 14, 18, 0)))
    inspection = result.inspection
    assert inspection.leading_group.exists()
    assert not PlanRevision.objects.filter(plan__inspection=inspection).exists()
    assert states(inspection) == {MeasureState.PLANNED: 40}
    assert not ProgressReport.objects.exists()


def test_the_seed_history_is_finished_with_a_follow_up_review(seed_path: Path) -> None:
    result = load(seed_path)
    inspection = result.inspection
    got = states(inspection)
    assert got[MeasureState.CLOSED] > 30
    assert Reopening.objects.filter(measure__inspection=inspection).count() == 1
    reopened = Reopening.objects.get(measure__inspection=inspection)
    assert reopened.measure is not None and reopened.measure.state == MeasureState.IN_PROGRESS
    # Long-term measures under watch had their periodic check-ins.
    assert CheckIn.objects.filter(measure__inspection=inspection, done_at__isnull=False).exists()
    assert audit_verify().ok


def test_the_holiday_calendar_moves_events_off_holidays() -> None:
    holidays_seed(years=[2026])
    calendar = workday_calendar(fresh=True)
    inspection = load().inspection
    national_day = {dt.date(2026, 10, d) for d in range(1, 8)}  # 1–7 Oct 2026
    days = {
        timezone.localdate(r.reported_at)
        for r in ProgressReport.objects.filter(measure__inspection=inspection)
    }
    assert days and not days & national_day
    assert all(calendar.is_working_day(d) for d in days)


def test_the_formal_reports_were_sent_and_accepted_after_one_return() -> None:
    inspection = load().inspection
    reports = FormalReport.objects.filter(inspection=inspection)
    assert {r.kind for r in reports} == set(FormalReportKind.values)
    assert {r.state for r in reports} == {FormalReportState.ACCEPTED}
    rectification = reports.get(kind=FormalReportKind.RECTIFICATION_REPORT)
    versions = list(rectification.submissions.order_by("version"))
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].opinion and versions[0].reviewed_by is not None
    assert all(v.submitted_by.username == "office" for v in versions)
    assert all(v.reviewed_by is not None and v.reviewed_by.username == "inspector" for v in versions)
    assert rectification.due_date is not None
    assert all(timezone.localdate(v.submitted_at) <= rectification.due_date for v in versions)


def test_the_first_urging_after_the_demo_reaches_the_unit_users_at_the_bottom_step() -> None:
    from zhenggai.urging.choices import ReminderKind, UrgingLevel
    from zhenggai.urging.models import Reminder, UrgingNotice
    from zhenggai.urging.services import remind_run

    load()
    with clock.travel(NOW):
        result = remind_run(today=TODAY)
    assert result.reminders >= 1
    escalations = Reminder.objects.filter(kind=ReminderKind.ESCALATION)
    assert escalations.exists()
    # The unit's liaison (a user with a person) is the responsible person: step 0 reaches them.
    unit_users = {"quality", "housing", "archives", "utilities", "offices"}
    assert set(escalations.values_list("recipient__username", flat=True)) <= unit_users
    assert set(escalations.values_list("step", flat=True)) == {0}
    assert set(UrgingNotice.objects.values_list("level", flat=True)) == {UrgingLevel.NOTICE}
