"""The daily urging cycle: reminders, the escalation ladder, notices, digests, `zhenggai remind`."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from tests.factories import AssignmentFactory, MeasureFactory, OrganisationFactory, PersonFactory
from tests.urging.conftest import DEADLINE, Ladder, user_with
from zhenggai.accounts.choices import Role
from zhenggai.audit.models import AuditEntry
from zhenggai.cli import main as zhenggai_main
from zhenggai.ledger.choices import MeasureState
from zhenggai.notifications.models import Notification
from zhenggai.urging.choices import Channel, EscalationStep, ReminderKind, UrgingLevel
from zhenggai.urging.models import Reminder, Snapshot, UrgingNotice
from zhenggai.urging.services import (
    NO_ISSUER,
    RemindResult,
    remind_run,
    urging_notice_issue,
)
from zhenggai.workdays.models import CalendarDay, CalendarYear
from zhenggai.workdays.selectors import invalidate_workday_calendar, workday_calendar

pytestmark = pytest.mark.django_db

Capture = Callable[..., Any]


@pytest.fixture
def run(django_capture_on_commit_callbacks: Capture) -> Callable[[dt.date], RemindResult]:
    """Run the cycle for a day, executing the on-commit mail tasks as a real commit would."""

    def _run(today: dt.date) -> RemindResult:
        with django_capture_on_commit_callbacks(execute=True):
            return remind_run(today=today)

    return _run


def escalations(ladder: Ladder) -> list[tuple[int, int | None]]:
    return list(
        Reminder.objects.filter(kind=ReminderKind.ESCALATION, channel=Channel.IN_APP)
        .order_by("id")
        .values_list("step", "recipient_id")
    )


# --- before the deadline ---------------------------------------------------------------


def test_responsible_person_is_reminded_5_and_1_working_days_before(
    ladder: Ladder, run: Callable[[dt.date], RemindResult]
) -> None:
    assert run(dt.date(2026, 9, 21)).reminders == 0  # 6 working days left
    # 23, 24, 28, 29, 30: five left (Friday 25 September is the Mid-Autumn Festival).
    result = run(dt.date(2026, 9, 22))
    assert result.reminders == 2  # e-mail and in-app
    rows = Reminder.objects.filter(kind=ReminderKind.BEFORE_DEADLINE)
    assert {r.channel for r in rows} == {Channel.EMAIL, Channel.IN_APP}
    assert {r.recipient_person_id for r in rows} == {ladder.person.pk}
    assert all(r.step == EscalationStep.RESPONSIBLE_PERSON for r in rows)
    assert "还剩5个工作日" in rows[0].body
    note = Notification.objects.get(user=ladder.person.user)
    assert note.title.startswith("整改到期提醒")
    reminder_mail = [m for m in mail.outbox if m.subject.startswith("整改到期提醒")]
    assert [m.to for m in reminder_mail] == [[ladder.person.user.email]]

    # Four left: the 5-day reminder went out already; nothing new (digest aside).
    assert run(dt.date(2026, 9, 23)).reminders == 0
    assert run(dt.date(2026, 9, 29)).reminders == 2  # one working day left
    assert Reminder.objects.filter(kind=ReminderKind.BEFORE_DEADLINE).count() == 4


def test_a_missed_day_delays_the_reminder_instead_of_losing_it(
    ladder: Ladder, run: Callable[[dt.date], RemindResult]
) -> None:
    assert run(dt.date(2026, 9, 24)).reminders == 2  # 3 left: the 5-day tier still owed
    assert "还剩3个工作日" in Reminder.objects.filter(kind=ReminderKind.BEFORE_DEADLINE)[0].body


def test_running_twice_a_day_sends_nothing_twice(
    ladder: Ladder, run: Callable[[dt.date], RemindResult]
) -> None:
    for day in (dt.date(2026, 9, 23), dt.date(2026, 10, 13)):
        first = run(day)
        count, sent, notices, notes = (
            Reminder.objects.count(), len(mail.outbox), UrgingNotice.objects.count(),
            Notification.objects.count(),
        )
        assert first.reminders > 0 and first.digests > 0
        second = run(day)
        assert (second.reminders, second.notices, second.digests) == (0, 0, 0)
        assert Reminder.objects.count() == count
        assert len(mail.outbox) == sent
        assert UrgingNotice.objects.count() == notices
        assert Notification.objects.count() == notes


def test_an_approved_extension_rearms_the_reminders(
    ladder: Ladder, run: Callable[[dt.date], RemindResult]
) -> None:
    run(dt.date(2026, 9, 29))
    ladder.measure.original_deadline = DEADLINE
    ladder.measure.deadline = dt.date(2026, 10, 16)
    ladder.measure.save()
    # 9 October: 10 (a make-up Saturday), 12, 13, 14, 15, 16 — six left, no reminder yet.
    assert run(dt.date(2026, 10, 9)).reminders == 0
    assert run(dt.date(2026, 10, 12)).reminders == 2  # four left: the 5-day tier again


# --- after the deadline: the ladder ----------------------------------------------------


def test_escalation_climbs_one_step_per_5_working_days_across_the_holiday(
    ladder: Ladder, run: Callable[[dt.date], RemindResult]
) -> None:
    # 1 October is a holiday: overdue, 0 working days gone by → step 0, the 督办通知书.
    run(dt.date(2026, 10, 1))
    assert escalations(ladder) == [(0, ladder.person.user_id)]
    # 9 October: nine calendar days but only 2 working days overdue (8th, 9th).
    run(dt.date(2026, 10, 9))
    # 12 October: 4 working days (the make-up Saturday 10th counts) → still step 0;
    # counting calendar days (12) would have escalated twice already.
    run(dt.date(2026, 10, 12))
    assert escalations(ladder) == [(0, ladder.person.user_id)]
    run(dt.date(2026, 10, 13))  # 5 working days → step 1: the responsible leader
    run(dt.date(2026, 10, 20))  # 10 → step 2: the unit's principal
    run(dt.date(2026, 10, 27))  # 15 → step 3: the office
    run(dt.date(2026, 11, 30))  # the top step is not repeated
    assert escalations(ladder) == [
        (0, ladder.person.user_id),
        (1, ladder.leader.user_id),
        (2, ladder.principal.user_id),
        (3, ladder.office.pk),
    ]
    notices = list(UrgingNotice.objects.order_by("id").values_list("number", "level"))
    assert notices == [
        ("城管整改督〔2026〕1号", UrgingLevel.NOTICE),
        ("城管整改督〔2026〕2号", UrgingLevel.REMINDER_LETTER),
        ("城管整改督〔2026〕3号", UrgingLevel.WARNING_LETTER),
        ("城管整改督〔2026〕4号", UrgingLevel.ACCOUNTABILITY_LETTER),
    ]
    body = Reminder.objects.get(step=1, channel=Channel.IN_APP).body
    assert "已超期5个工作日" in body and "城管整改督〔2026〕2号" in body
    assert all(n.file.name.endswith(".docx") and n.file.size > 0 for n in UrgingNotice.objects.all())
    # Every escalation and notice is in the audit log, with no contact details.
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions.count("urging.escalation") == 4
    assert actions.count("urging_notice.issue") == 4
    for entry in AuditEntry.objects.all():
        assert "@example.gov.cn" not in str(entry.after)


def test_notice_numbers_restart_per_inspection(
    ladder: Ladder, run: Callable[[dt.date], RemindResult]
) -> None:
    other = MeasureFactory(deadline=DEADLINE)
    user_with(Role.OFFICE, other.inspection.organisation)
    run(dt.date(2026, 10, 8))
    assert sorted(UrgingNotice.objects.values_list("inspection_id", "number")) == sorted(
        [
            (ladder.inspection.pk, "城管整改督〔2026〕1号"),
            (other.inspection.pk, "城管整改督〔2026〕1号"),
        ]
    )


def test_a_missing_step_goes_to_the_next_one_up(
    ladder: Ladder, run: Callable[[dt.date], RemindResult]
) -> None:
    ladder.unit.principal = None
    ladder.unit.save()
    run(dt.date(2026, 10, 1))
    run(dt.date(2026, 10, 13))
    run(dt.date(2026, 10, 20))  # step 2, but the unit has no principal on record
    assert escalations(ladder) == [
        (0, ladder.person.user_id), (1, ladder.leader.user_id), (3, ladder.office.pk)
    ]
    assert UrgingNotice.objects.latest("id").level == UrgingLevel.WARNING_LETTER
    run(dt.date(2026, 10, 21))  # the step was sent (one level up): not again
    assert len(escalations(ladder)) == 3


def test_a_person_without_account_is_reminded_by_email_only(
    ladder: Ladder, run: Callable[[dt.date], RemindResult]
) -> None:
    ladder.measure.responsible_person = PersonFactory(
        organisation=ladder.unit, email="zhao@example.gov.cn"
    )
    ladder.measure.save()
    run(dt.date(2026, 10, 8))
    (row,) = Reminder.objects.filter(kind=ReminderKind.ESCALATION)
    assert (row.channel, row.recipient_id) == (Channel.EMAIL, None)
    assert row.recipient_person == ladder.measure.responsible_person
    assert ["zhao@example.gov.cn"] in [m.to for m in mail.outbox]


def test_without_an_office_account_no_notice_is_issued_but_the_person_is_urged(
    ladder: Ladder, run: Callable[[dt.date], RemindResult]
) -> None:
    ladder.office.role_assignments.all().delete()
    result = run(dt.date(2026, 10, 8))
    assert not UrgingNotice.objects.exists()
    assert NO_ISSUER.format(inspection=ladder.inspection.title, level="督办通知书") in result.warnings
    assert escalations(ladder) == [(0, ladder.person.user_id)]


def test_assignments_are_urged_each_with_its_own_unit_and_deadline(
    ladder: Ladder, run: Callable[[dt.date], RemindResult]
) -> None:
    co_unit = OrganisationFactory(parent=ladder.inspection.organisation)
    late = AssignmentFactory(measure=ladder.measure, unit=co_unit, deadline=DEADLINE)
    AssignmentFactory(measure=ladder.measure, unit=ladder.unit, deadline=dt.date(2026, 12, 31))
    late.responsible_person.user = user_with(Role.UNIT, co_unit)
    late.responsible_person.save()
    run(dt.date(2026, 10, 8))
    (notice,) = UrgingNotice.objects.all()
    assert (notice.assignment, notice.unit) == (late, co_unit)
    assert escalations(ladder) == [(0, late.responsible_person.user_id)]


def test_closed_and_close_requested_items_are_not_urged(
    ladder: Ladder, run: Callable[[dt.date], RemindResult]
) -> None:
    ladder.measure.state = MeasureState.CLOSE_REQUESTED
    ladder.measure.close_requested_at = dt.datetime(2026, 9, 29, tzinfo=dt.UTC)
    ladder.measure.save()
    assert run(dt.date(2026, 10, 20)).reminders == 0
    assert not UrgingNotice.objects.exists()


# --- the digest ------------------------------------------------------------------------


def test_one_digest_per_recipient_per_day(
    ladder: Ladder, run: Callable[[dt.date], RemindResult]
) -> None:
    MeasureFactory(
        inspection=ladder.inspection,
        lead_unit=ladder.unit,
        responsible_person=ladder.person,
        responsible_leader=ladder.leader,
        content="开展固定资产全面清查，建立资产台账。",
        deadline=dt.date(2026, 10, 15),  # 2 working days left on the 13th
    )
    run(dt.date(2026, 10, 1))  # the first measure: step 0 (the person)
    result = run(dt.date(2026, 10, 13))  # five working days on: step 1 (leader)
    digests = Reminder.objects.filter(
        kind=ReminderKind.DIGEST, dedupe_key__startswith="digest:2026-10-13:"
    )
    by_person = {d.recipient_id: d for d in digests}
    assert result.digests == len(digests) == 2  # the person and the leader, once each
    person_digest = by_person[ladder.person.user_id]
    assert person_digest.channel == Channel.EMAIL
    assert "已超期1项，即将到期1项" in person_digest.body
    assert "【已超期5个工作日】" in person_digest.body
    assert "【还剩2个工作日】" in person_digest.body
    assert "已超期1项，即将到期0项" in by_person[ladder.leader.user_id].body
    assert sum(m.subject == "整改督办每日汇总（2026年10月13日）" for m in mail.outbox) == 2
    assert run(dt.date(2026, 10, 13)).digests == 0
    assert run(dt.date(2026, 10, 14)).digests == 2


# --- calendar --------------------------------------------------------------------------


def test_the_holiday_table_is_used_once_a_year_is_complete() -> None:
    empty = workday_calendar()  # an empty table: the one rule, from the reference
    assert not empty.is_working_day(dt.date(2026, 10, 5))
    assert not empty.covers(dt.date(2026, 1, 1))
    CalendarYear.objects.create(year=2026, complete=True)
    CalendarDay.objects.create(date=dt.date(2026, 10, 1), kind="holiday", name="国庆节")
    invalidate_workday_calendar()  # written past the workdays services, which would do this
    table = workday_calendar()
    assert not table.is_working_day(dt.date(2026, 10, 1))
    assert table.is_working_day(dt.date(2026, 10, 5))  # not entered in the table
    # 2025 is not confirmed: the reference still counts its National Day off.
    assert not table.is_working_day(dt.date(2025, 10, 5))


def test_the_cycle_counts_with_the_holiday_table(
    ladder: Ladder, run: Callable[[dt.date], RemindResult]
) -> None:
    # The table makes 28 and 29 September days off: on the 25th only the 30th is left.
    CalendarYear.objects.create(year=2026, complete=True)
    for day in (28, 29):
        CalendarDay.objects.create(date=dt.date(2026, 9, day), kind="holiday", name="测试")
    invalidate_workday_calendar()
    run(dt.date(2026, 9, 25))
    body = Reminder.objects.filter(kind=ReminderKind.BEFORE_DEADLINE)[0].body
    assert "还剩1个工作日" in body  # the package would say 3


def test_a_deadline_in_an_uncovered_year_counts_by_the_one_rule_and_says_so(
    ladder: Ladder, run: Callable[[dt.date], RemindResult]
) -> None:
    """31 December 2026 (reference), 1 and 4 January 2027 (Monday to Friday): 3 working
    days, as the ledger's signal counts them — not 5 calendar days, as before."""
    ladder.measure.deadline = dt.date(2027, 1, 4)
    ladder.measure.save()
    run(dt.date(2026, 12, 30))
    body = Reminder.objects.filter(kind=ReminderKind.BEFORE_DEADLINE)[0].body
    assert "还剩3个工作日" in body
    assert "2027 年的节假日安排尚未在平台确认，暂按周一至周五计算" in body
    assert "2026 年的节假日安排尚未在平台确认，暂按国务院公布的安排" in body


# --- notices by hand, notifications: permissions -----------------------------------------


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_only_the_office_issues_a_notice_by_hand(ladder: Ladder, role: str) -> None:
    actor = user_with(role, ladder.inspection.organisation)
    if role == Role.OFFICE:
        notice = urging_notice_issue(
            measure=ladder.measure, level=UrgingLevel.NOTICE, actor=actor,
            today=dt.date(2026, 10, 9),
        )
        assert notice.number == "城管整改督〔2026〕1号"
        assert notice.issued_by == actor
        assert AuditEntry.objects.get(action="urging_notice.issue").actor == actor
    else:
        with pytest.raises(PermissionDenied, match="督办"):
            urging_notice_issue(measure=ladder.measure, level=UrgingLevel.NOTICE, actor=actor)
        assert not UrgingNotice.objects.exists()


# --- the command -----------------------------------------------------------------------


def test_the_remind_command_runs_the_cycle(
    ladder: Ladder, django_capture_on_commit_callbacks: Capture
) -> None:
    out, err = io.StringIO(), io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind", "--today", "2026-10-01", stdout=io.StringIO())
        call_command("remind", "--today", "2026-10-13", stdout=out, stderr=err)
    assert "2026-10-13 督办完成：发送提醒 2 条，印发督办文书 1 份" in out.getvalue()
    assert UrgingNotice.objects.latest("id").level == UrgingLevel.REMINDER_LETTER
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind", "--today", "2026-10-13", stdout=out)
    assert "发送提醒 0 条，印发督办文书 0 份" in out.getvalue()


def test_the_remind_command_refuses_a_bad_date(capsys: pytest.CaptureFixture[str]) -> None:
    assert zhenggai_main(["remind", "--today", "2026-13-01"]) == 2
    assert "--today 须为 YYYY-MM-DD 格式的日期：2026-13-01" in capsys.readouterr().err


DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_without_inline_the_database_backend_queues_the_cycle(
    ladder: Ladder, settings: Any
) -> None:
    settings.TASKS = DATABASE_TASKS
    out = io.StringIO()
    call_command("remind", "--today", "2026-10-13", stdout=out)
    assert "2026-10-13 的督办将由任务进程执行" in out.getvalue()
    assert DBTaskResult.objects.count() == 1  # waiting for db_worker
    assert not Reminder.objects.exists()


def test_inline_runs_the_cycle_and_its_mail_here_with_the_database_backend(
    ladder: Ladder, settings: Any, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        remind_run(today=dt.date(2026, 10, 1))  # step 0, with the immediate backend
    mail.outbox.clear()
    settings.TASKS = DATABASE_TASKS
    out, err = io.StringIO(), io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind", "--today", "2026-10-13", "--inline", stdout=out, stderr=err)
    assert "2026-10-13 督办完成：发送提醒 2 条，印发督办文书 1 份，每日汇总 2 份" in out.getvalue()
    assert Reminder.objects.filter(kind=ReminderKind.ESCALATION, step=1).count() == 2
    assert UrgingNotice.objects.latest("id").level == UrgingLevel.REMINDER_LETTER
    assert Snapshot.objects.filter(taken_on=dt.date(2026, 10, 13)).exists()
    # The mail went out from this process: nothing waits for a worker that may not exist.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [ladder.leader.user.email, ladder.leader.user.email, ladder.person.user.email]
    )
    assert DBTaskResult.objects.count() == 0


@pytest.mark.parametrize("inline", [False, True])
def test_the_remind_command_exits_1_naming_the_error_when_the_cycle_fails(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], inline: bool
) -> None:
    def broken(**kwargs: Any) -> RemindResult:
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr("zhenggai.urging.services.remind_run", broken)
    argv = ["remind", "--today", "2026-10-13", *(["--inline"] if inline else [])]
    assert zhenggai_main(argv) == 1
    err = capsys.readouterr().err
    assert "督办任务执行失败：builtins.RuntimeError" in err
    if inline:
        assert "督办任务执行失败：builtins.RuntimeError（磁盘已满）" in err
        assert "Traceback" not in err  # (the immediate backend logs one of its own)


@pytest.mark.django_db(transaction=True)
def test_inline_reports_mail_it_could_not_send_and_exits_1(
    ladder: Ladder, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def unreachable(*args: Any, **kwargs: Any) -> int:
        raise ConnectionRefusedError(111, "Connection refused")

    assert zhenggai_main(["remind", "--today", "2026-10-01", "--inline"]) == 0  # step 0
    capsys.readouterr()
    monkeypatch.setattr("zhenggai.notifications.tasks.send_mail", unreachable)
    assert zhenggai_main(["remind", "--today", "2026-10-13", "--inline"]) == 1
    out, err = capsys.readouterr()
    assert "督办完成：发送提醒 2 条，印发督办文书 1 份，每日汇总 2 份" in out  # the rest was done
    assert f"邮件未能发送给 {ladder.leader.user.email}（提醒书：" in err
    assert "督办已执行，但有 3 封邮件未能发送" in err
    assert Notification.objects.filter(user=ladder.leader.user).exists()


def test_the_ladder_never_skips_a_step_for_an_item_long_overdue(
    ladder: Ladder, run: Callable[[dt.date], RemindResult]
) -> None:
    # First seen 40 working days late (the platform installed late, an old ledger imported):
    # the 督办通知书 to the responsible person first, not a 问责书.
    run(dt.date(2026, 11, 30))
    assert escalations(ladder) == [(0, ladder.person.user_id)]
    assert UrgingNotice.objects.get().level == UrgingLevel.NOTICE
    # Then one step per 5 working days after the previous one, not all at once.
    run(dt.date(2026, 12, 4))  # 4 working days later: nothing new
    assert len(escalations(ladder)) == 1
    run(dt.date(2026, 12, 7))  # 5: the responsible leader
    run(dt.date(2026, 12, 14))  # 10: the unit's principal
    run(dt.date(2026, 12, 21))  # 15: the office
    assert [step for step, _ in escalations(ladder)] == [0, 1, 2, 3]
    assert list(UrgingNotice.objects.order_by("id").values_list("level", flat=True)) == [
        UrgingLevel.NOTICE, UrgingLevel.REMINDER_LETTER,
        UrgingLevel.WARNING_LETTER, UrgingLevel.ACCOUNTABILITY_LETTER,
    ]
