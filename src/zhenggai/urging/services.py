"""Urging (督办): reminders, the escalation ladder, notices, digests and the nightly snapshot.

`remind_run(today=…)` is the daily cycle that `zhenggai remind` enqueues (django-tasks
schedules nothing itself; cron or a timer runs the command, DESIGN.md §8):

1. **Before the deadline** the responsible person is reminded at each threshold of
   `ZHENGGAI_REMIND_BEFORE_WORKING_DAYS` (default 5 and 1 working days left). The reminder
   for a threshold goes out on the first run at or below it, so a missed cron day delays a
   reminder instead of losing it.
2. **After the deadline** the ladder climbs one step per `ZHENGGAI_ESCALATION_WORKING_DAYS`
   (default 5) working days overdue: 0 responsible person → 1 responsible leader → 2 the
   unit's principal (Organisation.principal) → 3 the office (users with the office role
   for the inspection). Each step is sent once and issues the matching formal notice
   (督办通知书 → 提醒书 → 告诫书 → 问责书), numbered per inspection and year, stored as DOCX.
   A step whose recipient is missing (no person, or one with neither account nor e-mail)
   goes to the next one up, so an overdue item never goes unurged silently.
3. A **daily digest** per recipient lists everything overdue or due soon that concerns them.
4. The **snapshot** of the figures per inspection × unit × aspect × signal, with the audit
   chain head copied into it, and an audit checkpoint.

Every reminder is a `Reminder` row whose `dedupe_key` is unique: running the cycle twice a
day sends nothing twice (the key holds the deadline, so an approved extension re-arms the
reminders). Mail leaves through a task enqueued on commit, never from inside a transaction
that might roll back. Working days come from the editable holiday table when an
administrator has completed a year there, else from the chinese-calendar package; a year
neither covers is counted in calendar days and the message says so.

Only assignments and measures without assignments in a working state (planned, in
progress, returned) are urged: a requested close-out waits for the office, not the unit.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from zhenggai import clock
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import Organisation, Person, RoleAssignment, User
from zhenggai.accounts.permissions import Action, _ancestor_paths, require
from zhenggai.audit.models import AuditHead
from zhenggai.audit.services import audit_checkpoint, audit_record
from zhenggai.core.signals import UNCOVERED_NOTE, SignalPolicy, measure_signal
from zhenggai.core.signals import Signal as CoreSignal
from zhenggai.core.workdays import WorkdayCalendar, from_chinese_calendar
from zhenggai.ledger.choices import MeasureState
from zhenggai.ledger.models import Assignment, Inspection, Measure, MeasureFinding
from zhenggai.urging.choices import Channel, EscalationStep, ReminderKind, UrgingLevel
from zhenggai.urging.documents import NoticeContent, chinese_date, notice_docx
from zhenggai.urging.models import Notification, Reminder, Snapshot, UrgingNotice
from zhenggai.workdays.models import CalendarDay, CalendarYear

#: Messages (asserted by the tests).
BEFORE_SUBJECT = "整改到期提醒：{measure}"
BEFORE_BODY = (
    "您负责的整改措施“{measure}”（责任单位：{unit}）整改时限为{deadline}，"
    "还剩{days}个工作日，请抓紧推进并及时填报整改进展。"
)
ESCALATION_SUBJECT = "{level}：{measure}"
ESCALATION_BODY = (
    "整改措施“{measure}”（责任单位：{unit}）整改时限为{deadline}，已超期{days}个工作日，"
    "现逐级督办至{step}。{notice}"
)
NOTICE_ISSUED = "已印发{level}（{number}）。"
DIGEST_SUBJECT = "整改督办每日汇总（{date}）"
DIGEST_HEAD = "截至{date}，您负责或督办的整改事项中，已超期{overdue}项，即将到期{due}项："
DIGEST_LINE_OVERDUE = "【已超期{days}个工作日】{measure}（{unit}，时限{deadline}）"
DIGEST_LINE_DUE = "【还剩{days}个工作日】{measure}（{unit}，时限{deadline}）"
NO_RECIPIENT = "“{measure}”没有可督办的接收人，请维护责任人、主要负责人或整改办账号"
NO_ISSUER = "巡察“{inspection}”没有整改办账号，未能印发{level}"
NOTICE_NEEDS_DEADLINE = "没有整改时限的措施不能印发督办文书"
NOT_YOUR_NOTIFICATION = "只能处理发给自己的站内消息"
ISSUING_BODY = "{organisation}巡察整改工作领导小组办公室"

#: Which formal document each escalation step issues.
LEVEL_FOR_STEP: dict[int, str] = {
    EscalationStep.RESPONSIBLE_PERSON: UrgingLevel.NOTICE,
    EscalationStep.RESPONSIBLE_LEADER: UrgingLevel.REMINDER_LETTER,
    EscalationStep.UNIT_PRINCIPAL: UrgingLevel.WARNING_LETTER,
    EscalationStep.OFFICE: UrgingLevel.ACCOUNTABILITY_LETTER,
}
URGED_STATES = (MeasureState.PLANNED, MeasureState.IN_PROGRESS, MeasureState.RETURNED)
TOP_STEP = int(EscalationStep.OFFICE)


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def remind_before_working_days() -> tuple[int, ...]:
    return tuple(sorted(int(d) for d in _setting("ZHENGGAI_REMIND_BEFORE_WORKING_DAYS", (5, 1))))


def escalation_working_days() -> int:
    return max(1, int(_setting("ZHENGGAI_ESCALATION_WORKING_DAYS", 5)))


def notice_number_prefix() -> str:
    return str(_setting("ZHENGGAI_URGING_NUMBER_PREFIX", "整改督"))


# --- calendar and people ---------------------------------------------------------------


def workday_calendar(*, years: Iterable[int]) -> WorkdayCalendar:
    """The holiday table when any year is marked complete there, else chinese-calendar."""
    complete = set(CalendarYear.objects.filter(complete=True).values_list("year", flat=True))
    if complete:
        rows = CalendarDay.objects.filter(date__year__in=complete).values_list(
            "date", "kind", "name"
        )
        return WorkdayCalendar.from_days(rows, complete)
    return from_chinese_calendar(years)


def _calendar_for(today: dt.date) -> WorkdayCalendar:
    # Overdue items may be years old; the package starts in 2004.
    return workday_calendar(years=range(min(2004, today.year), today.year + 2))


def _working_days(calendar: WorkdayCalendar, start: dt.date, end: dt.date) -> tuple[int, str]:
    """Working days from `start` to `end`, or calendar days with a note when uncovered."""
    missing = calendar.uncovered_years(start, end)
    if missing:
        note = UNCOVERED_NOTE.format(years="、".join(str(y) for y in missing))
        return (end - start).days, note
    return calendar.working_days_between(start, end), ""


def role_holders(*, role: str, inspection: Inspection) -> QuerySet[User]:
    """Active users holding `role` for `inspection` (its organisation, or above with sub-tree)."""
    organisation = inspection.organisation
    where = Q(organisation=organisation) | Q(
        include_subtree=True, organisation__path__in=_ancestor_paths(organisation)
    )
    scope = Q(inspection__isnull=True) | Q(inspection=inspection)
    holders = RoleAssignment.objects.filter(where, scope, role=role).values("user")
    return User.objects.filter(is_active=True, pk__in=holders).order_by("pk")


@dataclass(frozen=True)
class Recipient:
    level: int
    user: User | None
    person: Person | None
    email: str

    @property
    def token(self) -> str:
        return f"u{self.user.pk}" if self.user is not None else f"p{self.person.pk}"  # type: ignore[union-attr]

    @property
    def channels(self) -> list[str]:
        out: list[str] = [Channel.EMAIL] if self.email else []
        if self.user is not None:
            out.append(Channel.IN_APP)
        return out


def _person_recipient(level: int, person: Person | None) -> list[Recipient]:
    if person is None:
        return []
    user = person.user if person.user is not None and person.user.is_active else None
    email = (user.email if user is not None else "") or person.email
    if user is None and not email:
        return []
    return [Recipient(level, user, person, email)]


# --- targets ---------------------------------------------------------------------------


@dataclass
class Target:
    """One urged item: an assignment, or a measure that has none."""

    measure: Measure
    assignment: Assignment | None

    @property
    def key(self) -> str:
        if self.assignment is not None:
            return f"assignment:{self.assignment.pk}"
        return f"measure:{self.measure.pk}"

    @property
    def deadline(self) -> dt.date:
        item = self.assignment or self.measure
        assert item.deadline is not None
        return item.deadline

    @property
    def unit(self) -> Organisation | None:
        return self.assignment.unit if self.assignment is not None else self.measure.lead_unit

    @property
    def inspection(self) -> Inspection:
        return self.measure.inspection

    @property
    def label(self) -> str:
        return str(self.measure)

    @property
    def unit_name(self) -> str:
        return self.unit.name if self.unit is not None else "未明确"

    def people_at(self, level: int) -> list[Recipient]:
        if level == EscalationStep.RESPONSIBLE_PERSON:
            person = (
                self.assignment.responsible_person if self.assignment is not None else None
            ) or self.measure.responsible_person
            return _person_recipient(level, person)
        if level == EscalationStep.RESPONSIBLE_LEADER:
            return _person_recipient(level, self.measure.responsible_leader)
        if level == EscalationStep.UNIT_PRINCIPAL:
            unit = self.unit
            return _person_recipient(level, unit.principal if unit is not None else None)
        return []


def _targets(until: dt.date) -> Iterator[Target]:
    """Open, urgeable assignments and assignment-less measures with a deadline ≤ `until`."""
    people = [
        "measure__inspection__organisation",
        "measure__responsible_leader__user",
        "measure__responsible_person__user",
        "measure__lead_unit",
    ]
    assignments = (
        Assignment.objects.filter(state__in=URGED_STATES, deadline__lte=until)
        .select_related(*people, "unit__principal__user", "responsible_person__user")
        .order_by("deadline", "id")
    )
    for assignment in assignments.iterator(chunk_size=2000):
        yield Target(assignment.measure, assignment)
    measures = (
        Measure.objects.filter(state__in=URGED_STATES, deadline__lte=until)
        .exclude(Exists(Assignment.objects.filter(measure=OuterRef("pk"))))
        .select_related(
            "inspection__organisation",
            "responsible_leader__user",
            "responsible_person__user",
            "lead_unit__principal__user",
        )
        .order_by("deadline", "id")
    )
    for measure in measures.iterator(chunk_size=2000):
        yield Target(measure, None)


# --- the events of one day -------------------------------------------------------------


@dataclass
class Event:
    target: Target
    kind: str  # ReminderKind
    step: int  # escalation step (0 for before-deadline)
    days: int  # working days left (before) or overdue (escalation)
    note: str
    key: str
    recipients: list[Recipient] = field(default_factory=list)

    def dedupe_key(self, recipient: Recipient, channel: str) -> str:
        return f"{self.key}:{channel}:{recipient.token}"

    def dedupe_keys(self) -> list[str]:
        return [self.dedupe_key(r, c) for r in self.recipients for c in r.channels]


def _event_for(target: Target, today: dt.date, calendar: WorkdayCalendar) -> Event | None:
    deadline = target.deadline
    if today <= deadline:
        left, note = _working_days(calendar, today, deadline)
        tier = min((t for t in remind_before_working_days() if t >= left), default=None)
        if tier is None:
            return None
        key = f"{ReminderKind.BEFORE_DEADLINE}:{target.key}:{deadline.isoformat()}:{tier}"
        return Event(target, ReminderKind.BEFORE_DEADLINE, 0, left, note, key)
    over, note = _working_days(calendar, deadline, today)
    step = min(TOP_STEP, over // escalation_working_days())
    key = f"{ReminderKind.ESCALATION}:{target.key}:{deadline.isoformat()}:{step}"
    # A deadline just before a weekend is overdue on Saturday with 0 working days gone by.
    return Event(target, ReminderKind.ESCALATION, step, max(over, 1), note, key)


class _Offices:
    """Office users per inspection, one query per inspection met (not per item)."""

    def __init__(self) -> None:
        self._cache: dict[int, list[User]] = {}

    def __call__(self, inspection: Inspection) -> list[User]:
        if inspection.pk not in self._cache:
            self._cache[inspection.pk] = list(role_holders(role=Role.OFFICE, inspection=inspection))
        return self._cache[inspection.pk]

    def recipients(self, inspection: Inspection) -> list[Recipient]:
        return [Recipient(TOP_STEP, u, None, u.email) for u in self(inspection)]


def _ladder(target: Target, start: int, offices: _Offices) -> list[Recipient]:
    """The recipients of step `start`, or of the first step above it that has any."""
    for level in range(start, TOP_STEP + 1):
        found = (
            offices.recipients(target.inspection)
            if level == TOP_STEP
            else target.people_at(level)
        )
        if found:
            return found
    return []


@dataclass
class RemindResult:
    """What one cycle did; `as_dict` is the task's JSON return value."""

    today: dt.date
    reminders: int = 0
    notices: int = 0
    digests: int = 0
    skipped: int = 0
    snapshot_rows: int = 0
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "reminders": self.reminders,
            "notices": self.notices,
            "digests": self.digests,
            "skipped": self.skipped,
            "snapshot_rows": self.snapshot_rows,
            "warnings": self.warnings,
        }


def remind_run(*, today: dt.date, calendar: WorkdayCalendar | None = None) -> RemindResult:
    """The daily cycle: reminders, escalation with notices, digests, snapshot, checkpoint."""
    calendar = calendar or _calendar_for(today)
    result = RemindResult(today=today)
    offices = _Offices()
    horizon = today + dt.timedelta(days=max(remind_before_working_days(), default=0) * 2 + 14)

    events: list[Event] = []
    for target in _targets(horizon):
        event = _event_for(target, today, calendar)
        if event is None:
            continue
        event.recipients = _ladder(target, event.step, offices)
        if not event.recipients:
            result.warnings.append(NO_RECIPIENT.format(measure=target.label))
        events.append(event)

    done = _existing_keys(k for e in events for k in e.dedupe_keys())
    for event in events:
        if not event.recipients or any(k in done for k in event.dedupe_keys()):
            result.skipped += 1
            continue
        try:
            sent, notice = _send_event(event, today, offices, result.warnings)
        except IntegrityError:
            result.skipped += 1  # a concurrent run sent it first (dedupe_key is unique)
            continue
        result.reminders += sent
        result.notices += notice is not None

    result.digests = _send_digests(events, today, offices)
    result.snapshot_rows = snapshot_take(today=today, calendar=calendar)
    return result


def _existing_keys(keys: Iterable[str]) -> set[str]:
    wanted = list(dict.fromkeys(keys))
    found: set[str] = set()
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        found.update(Reminder.objects.filter(dedupe_key__in=chunk).values_list("dedupe_key", flat=True))
    return found


def _email_on_commit(messages: list[tuple[str, str, str]]) -> None:
    if not messages:
        return
    from zhenggai.urging.tasks import send_email

    def enqueue() -> None:
        for to, subject, body in messages:
            send_email.enqueue(to=[to], subject=subject, body=body)

    transaction.on_commit(enqueue)


def _deliver(
    *,
    recipient: Recipient,
    kind: str,
    subject: str,
    body: str,
    key_for: Any,
    target: Target | None,
    sent_at: dt.datetime,
    mail: list[tuple[str, str, str]],
    channels: list[str] | None = None,
) -> int:
    """One Reminder per channel (and the in-app Notification, the mail to send on commit)."""
    count = 0
    for channel in channels if channels is not None else recipient.channels:
        Reminder.objects.create(
            measure=target.measure if target is not None else None,
            assignment=target.assignment if target is not None else None,
            recipient=recipient.user,
            recipient_person=recipient.person,
            kind=kind,
            step=min(recipient.level, TOP_STEP),
            channel=channel,
            sent_at=sent_at,
            subject=subject[:255],
            body=body,
            dedupe_key=key_for(recipient, channel),
        )
        if channel == Channel.IN_APP:
            assert recipient.user is not None
            notification_send(user=recipient.user, title=subject, body=body)
        else:
            mail.append((recipient.email, subject[:255], body))
        count += 1
    return count


@transaction.atomic
def _send_event(
    event: Event, today: dt.date, offices: _Offices, warnings: list[str]
) -> tuple[int, UrgingNotice | None]:
    target = event.target
    notice: UrgingNotice | None = None
    deadline = chinese_date(target.deadline)
    if event.kind == ReminderKind.BEFORE_DEADLINE:
        subject = BEFORE_SUBJECT.format(measure=target.label)
        body = BEFORE_BODY.format(
            measure=target.label, unit=target.unit_name, deadline=deadline, days=event.days
        )
    else:
        level = LEVEL_FOR_STEP[event.step]
        issuers = offices(target.inspection)
        if issuers:
            notice = _issue_notice(
                target=target, level=level, today=today, days_overdue=event.days,
                issued_by=issuers[0], actor=None,
            )
        else:
            warnings.append(
                NO_ISSUER.format(inspection=target.inspection.title, level=UrgingLevel(level).label)
            )
        subject = ESCALATION_SUBJECT.format(level=UrgingLevel(level).label, measure=target.label)
        body = ESCALATION_BODY.format(
            measure=target.label,
            unit=target.unit_name,
            deadline=deadline,
            days=event.days,
            step=EscalationStep(event.step).label,
            notice=NOTICE_ISSUED.format(level=notice.get_level_display(), number=notice.number)
            if notice is not None
            else "",
        )
    if event.note:
        body = f"{body}（{event.note}）"
    mail: list[tuple[str, str, str]] = []
    sent_at = clock.now()
    sent = 0
    for recipient in event.recipients:
        sent += _deliver(
            recipient=recipient, kind=event.kind, subject=subject, body=body,
            key_for=event.dedupe_key, target=target, sent_at=sent_at, mail=mail,
        )
    audit_record(
        actor=None,
        action=f"urging.{event.kind}",
        obj=target.assignment or target.measure,
        before=None,
        after={
            "key": event.key,
            "step": event.step,
            "days": event.days,
            "recipients": [r.token for r in event.recipients],
            "notice": notice.number if notice is not None else None,
        },
    )
    _email_on_commit(mail)
    return sent, notice


# --- formal notices --------------------------------------------------------------------


def _next_number(inspection: Inspection, year: int) -> str:
    """The next 〔year〕N号 of this inspection; the inspection row is locked meanwhile."""
    Inspection.objects.select_for_update().filter(pk=inspection.pk).first()
    prefix = f"{notice_number_prefix()}〔{year}〕"
    used = UrgingNotice.objects.filter(inspection=inspection, number__startswith=prefix)
    numbers = [
        int(n.removeprefix(prefix).removesuffix("号"))
        for n in used.values_list("number", flat=True)
        if n.removeprefix(prefix).removesuffix("号").isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1}号"


def _issue_notice(
    *,
    target: Target,
    level: str,
    today: dt.date,
    days_overdue: int,
    issued_by: User,
    actor: User | None,
) -> UrgingNotice:
    inspection = target.inspection
    number = _next_number(inspection, today.year)
    primary = next(
        (link.finding for link in MeasureFinding.objects.filter(
            measure=target.measure, is_primary=True).select_related("finding")),
        None,
    )
    content = NoticeContent(
        level=level,
        number=number,
        addressee=target.unit_name,
        measure=target.measure.content,
        finding=primary.text if primary is not None else "",
        deadline=target.deadline,
        today=today,
        days_overdue=days_overdue,
        issuing_body=ISSUING_BODY.format(organisation=inspection.organisation.name),
    )
    notice = UrgingNotice(
        inspection=inspection,
        measure=target.measure,
        assignment=target.assignment,
        unit=target.unit,
        level=level,
        number=number,
        body="\n".join(content.body_paragraphs()),
        issued_by=issued_by,
    )
    notice.full_clean(exclude=["file"])
    number_digits = number.removeprefix(f"{notice_number_prefix()}〔{today.year}〕").removesuffix("号")
    name = f"urging-{inspection.pk}-{today.year}-{number_digits}-{level}.docx"
    notice.file.save(name, ContentFile(notice_docx(content)), save=False)
    notice.save()
    audit_record(
        actor=actor,
        action="urging_notice.issue",
        obj=notice,
        before=None,
        after={
            "number": number,
            "level": level,
            "measure": target.measure.pk,
            "assignment": target.assignment.pk if target.assignment is not None else None,
            "unit": target.unit.pk if target.unit is not None else None,
            "days_overdue": days_overdue,
            "file": notice.file.name,
        },
    )
    return notice


@transaction.atomic
def urging_notice_issue(
    *,
    measure: Measure,
    level: str,
    actor: User,
    assignment: Assignment | None = None,
    today: dt.date | None = None,
) -> UrgingNotice:
    """The office issues a formal urging notice by hand (the cycle issues them by itself)."""
    require(actor, Action.URGE, inspection=measure.inspection)
    today = today or clock.today()
    target = Target(measure, assignment)
    if (assignment or measure).deadline is None:
        raise ValidationError(NOTICE_NEEDS_DEADLINE)
    over, _ = _working_days(_calendar_for(today), target.deadline, today)
    return _issue_notice(
        target=target, level=UrgingLevel(level), today=today, days_overdue=max(over, 0),
        issued_by=actor, actor=actor,
    )


# --- digests ---------------------------------------------------------------------------


def _send_digests(events: list[Event], today: dt.date, offices: _Offices) -> int:
    """One digest per recipient per day: every overdue or soon-due item that concerns them.

    An overdue item concerns every step of the ladder up to the current one; a soon-due
    item concerns the responsible person (or whoever stands in for them).
    """
    lines: dict[str, tuple[Recipient, list[str], list[str]]] = {}
    for event in events:
        target = event.target
        top = event.step if event.kind == ReminderKind.ESCALATION else 0
        recipients: dict[str, Recipient] = {}
        for level in range(0, top + 1):
            for r in _ladder(target, level, offices):
                recipients.setdefault(r.token, r)
        values = {
            "days": event.days,
            "measure": target.label,
            "unit": target.unit_name,
            "deadline": chinese_date(target.deadline),
        }
        for token, r in recipients.items():
            entry = lines.setdefault(token, (r, [], []))
            if event.kind == ReminderKind.ESCALATION:
                entry[1].append(DIGEST_LINE_OVERDUE.format(**values))
            else:
                entry[2].append(DIGEST_LINE_DUE.format(**values))

    def key_for(recipient: Recipient, channel: str) -> str:
        return f"{ReminderKind.DIGEST}:{today.isoformat()}:{channel}:{recipient.token}"

    def digest_channels(r: Recipient) -> list[str]:
        # The digest is a mail; in the app only for those without an address.
        return [Channel.EMAIL] if r.email else [Channel.IN_APP]

    done = _existing_keys(
        key_for(r, c) for r, _, _ in lines.values() for c in digest_channels(r)
    )
    sent = 0
    subject = DIGEST_SUBJECT.format(date=chinese_date(today))
    for recipient, overdue, due in lines.values():
        channel = digest_channels(recipient)[0]
        if key_for(recipient, channel) in done:
            continue
        head = DIGEST_HEAD.format(date=chinese_date(today), overdue=len(overdue), due=len(due))
        body = "\n".join([head, *overdue, *due])
        try:
            with transaction.atomic():
                mail: list[tuple[str, str, str]] = []
                _deliver(
                    recipient=recipient, kind=ReminderKind.DIGEST, subject=subject, body=body,
                    key_for=key_for, target=None, sent_at=clock.now(), mail=mail,
                    channels=[channel],
                )
                _email_on_commit(mail)
        except IntegrityError:
            continue
        sent += 1
    return sent


# --- notifications ---------------------------------------------------------------------


def notification_send(*, user: User, title: str, body: str = "", link: str = "") -> Notification:
    """An in-app message; part of the caller's transaction (and audit entry)."""
    notification = Notification(user=user, title=title[:255], body=body, link=link)
    notification.full_clean()
    notification.save()
    return notification


@transaction.atomic
def notification_mark_read(*, notification: Notification, user: User) -> Notification:
    """Mark one's own message read; reading it again changes nothing."""
    locked = Notification.objects.select_for_update().get(pk=notification.pk)
    if locked.user_id != user.pk:
        raise PermissionDenied(NOT_YOUR_NOTIFICATION)
    if locked.read_at is None:
        locked.read_at = clock.now()
        locked.save(update_fields=["read_at"])
        audit_record(
            actor=user,
            action="notification.mark_read",
            obj=locked,
            before={"read_at": None},
            after={"read_at": locked.read_at},
        )
    return locked


# --- snapshot --------------------------------------------------------------------------


@transaction.atomic
def snapshot_take(*, today: dt.date, calendar: WorkdayCalendar | None = None) -> int:
    """Counts per inspection × unit × aspect × signal for `today`, replacing that day's rows.

    Measures are grouped in SQL by (inspection, lead unit, primary aspect, state, deadline)
    and only the groups get a signal, so the work follows the number of distinct deadlines,
    not of measures. A measure in continued watch (`watching`) counts as open, as in the
    ledger, but shows no signal: its deadline has been met. The audit head of this moment
    is copied into every row, and a checkpoint is written, so truncating the log is caught.
    """
    calendar = calendar or _calendar_for(today)
    policies = {
        pk: SignalPolicy(days)
        for pk, days in Inspection.objects.values_list("pk", "yellow_working_days")
    }
    aspect = Subquery(
        MeasureFinding.objects.filter(measure=OuterRef("pk"), is_primary=True).values(
            "finding__problem__aspect_id"
        )[:1]
    )
    groups = (
        Measure.objects.annotate(snap_aspect=aspect)
        .values("inspection_id", "lead_unit_id", "snap_aspect", "state", "deadline")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[tuple[int, int | None, int | None, str], list[int]] = defaultdict(
        lambda: [0, 0, 0, 0]
    )
    for g in groups.iterator(chunk_size=5000):
        state = g["state"]
        signal = measure_signal(
            deadline=g["deadline"],
            today=today,
            is_open=state not in (MeasureState.CLOSED, MeasureState.WATCHING),
            calendar=calendar,
            policy=policies[g["inspection_id"]],
        )
        row = counts[(g["inspection_id"], g["lead_unit_id"], g["snap_aspect"], signal.signal)]
        n = g["n"]
        row[0] += n
        if state == MeasureState.CLOSED:
            row[2] += n
        else:
            row[1] += n
        if signal.signal == CoreSignal.RED:
            row[3] += n
    head = AuditHead.objects.filter(pk=1).first()
    seq = head.seq if head is not None and head.seq else None
    digest = head.hash if seq is not None and head is not None else ""
    Snapshot.objects.filter(taken_on=today).delete()
    Snapshot.objects.bulk_create(
        [
            Snapshot(
                taken_on=today,
                inspection_id=inspection_id,
                unit_id=unit_id,
                aspect_id=aspect_id,
                signal=str(signal),
                measures=c[0],
                open_measures=c[1],
                closed_measures=c[2],
                overdue=c[3],
                audit_head_seq=seq,
                audit_head_hash=digest,
            )
            for (inspection_id, unit_id, aspect_id, signal), c in sorted(
                counts.items(), key=lambda kv: tuple(str(x) for x in kv[0])
            )
        ],
        batch_size=1000,
    )
    audit_checkpoint()
    return len(counts)
