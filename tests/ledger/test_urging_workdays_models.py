"""Constraints of the urging and workdays models.

Kept here until tests/urging/ and tests/workdays/ exist (they belong there, mirroring src/).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from tests.factories import InspectionFactory, MeasureFactory, UserFactory
from zhenggai.ledger.choices import Signal
from zhenggai.ledger.models import Inspection
from zhenggai.notifications.models import Notification
from zhenggai.urging.choices import Channel, EscalationStep, ReminderKind, UrgingLevel
from zhenggai.urging.models import Reminder, Snapshot, UrgingNotice
from zhenggai.workdays.choices import CalendarDayKind
from zhenggai.workdays.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db


def reminder(key: str = "", step: int = EscalationStep.RESPONSIBLE_PERSON) -> Reminder:
    return Reminder.objects.create(
        measure=MeasureFactory(),
        kind=ReminderKind.BEFORE_DEADLINE,
        step=step,
        channel=Channel.EMAIL,
        subject="整改措施即将到期提醒",
        dedupe_key=key,
    )


def test_a_reminder_key_is_used_once() -> None:
    reminder("before_deadline:measure:1:2026-09-23:0:email")
    reminder()  # reminders without a key are never deduplicated
    reminder()
    with pytest.raises(IntegrityError), transaction.atomic():
        reminder("before_deadline:measure:1:2026-09-23:0:email")


def test_escalation_stops_at_the_office() -> None:
    assert str(reminder(step=EscalationStep.OFFICE)) == "整改措施即将到期提醒"
    with pytest.raises(IntegrityError, match="urging_reminder_step_range"), transaction.atomic():
        reminder(step=4)


def notice(inspection: Inspection, number: str) -> UrgingNotice:
    return UrgingNotice.objects.create(
        inspection=inspection, level=UrgingLevel.NOTICE, number=number, issued_by=UserFactory()
    )


def test_urging_notice_numbers_are_unique_per_inspection() -> None:
    inspection = InspectionFactory()
    assert str(notice(inspection, "督〔2026〕3号")) == "督〔2026〕3号 督办通知书"
    notice(InspectionFactory(), "督〔2026〕3号")
    with pytest.raises(IntegrityError), transaction.atomic():
        notice(inspection, "督〔2026〕3号")


def snapshot(**counts: int) -> Snapshot:
    return Snapshot.objects.create(
        taken_on=dt.date(2026, 9, 1), inspection=InspectionFactory(), signal=Signal.YELLOW, **counts
    )


def test_snapshot_counts_add_up() -> None:
    snapshot(measures=44, open_measures=30, closed_measures=14, overdue=3)
    with pytest.raises(IntegrityError, match="urging_snapshot_counts_add_up"), transaction.atomic():
        snapshot(measures=44, open_measures=30, closed_measures=13)
    with pytest.raises(IntegrityError, match="urging_snapshot_overdue_open"), transaction.atomic():
        snapshot(measures=44, open_measures=30, closed_measures=14, overdue=31)


def test_notification_is_unread_until_read() -> None:
    notification = Notification.objects.create(user=UserFactory(), title="您有1条整改任务即将到期")
    assert notification.read_at is None
    assert str(notification) == "您有1条整改任务即将到期"


def test_a_date_is_arranged_once() -> None:
    day = CalendarDay.objects.create(
        date=dt.date(2027, 2, 6), kind=CalendarDayKind.HOLIDAY, name="春节"
    )
    assert str(day) == "2027-02-06 法定节假日 春节"
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarDay.objects.create(date=dt.date(2027, 2, 6), kind=CalendarDayKind.WORKDAY)


def test_calendar_years_are_plausible_and_unique() -> None:
    CalendarYear.objects.create(year=2027, complete=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarYear.objects.create(year=2027)
    with pytest.raises(IntegrityError, match="workdays_calendaryear_range"), transaction.atomic():
        CalendarYear.objects.create(year=1999)
