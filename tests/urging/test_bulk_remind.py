"""Reminders by hand (urging/services/manual.py): the first reachable of those responsible,
once a day per measure, audited; in bulk all or nothing, refused rows named."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction

from tests.factories import MeasureFactory, OrganisationFactory, PersonFactory
from tests.urging.conftest import Ladder, user_with
from zhenggai import clock
from zhenggai.accounts.choices import Role
from zhenggai.audit.models import AuditEntry
from zhenggai.ledger.choices import MeasureState
from zhenggai.ledger.services.bulk import BulkInvalid, BulkRefused
from zhenggai.notifications.models import Notification
from zhenggai.urging.choices import Channel, EscalationStep, ReminderKind
from zhenggai.urging.models import Reminder
from zhenggai.urging.services.manual import (
    ALREADY_TODAY,
    NOBODY,
    NOT_URGED,
    measure_remind,
    measures_bulk_remind,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 9, 21)


def test_the_responsible_person_is_reminded_and_the_reminder_audited(ladder: Ladder) -> None:
    with transaction.atomic():
        sent = measure_remind(measure=ladder.measure, actor=ladder.office, today=TODAY)
    rows = Reminder.objects.filter(measure=ladder.measure)
    assert sent == rows.count() >= 1
    assert Channel.IN_APP in {r.channel for r in rows}
    assert {r.recipient_person_id for r in rows} == {ladder.person.pk}
    assert {r.step for r in rows} == {EscalationStep.RESPONSIBLE_PERSON}
    assert {r.kind for r in rows} == {ReminderKind.MANUAL}  # not counted as the cycle's
    note = Notification.objects.get(user=ladder.person.user)
    assert "2026-09-30" in note.body and note.object_id == str(ladder.measure.pk)
    [entry] = AuditEntry.objects.filter(action="measure.remind")
    assert entry.object_id == str(ladder.measure.pk)
    assert entry.after["recipients"] == [ladder.person.name]


def test_without_a_reachable_person_the_leader_is_reminded(ladder: Ladder) -> None:
    ladder.measure.responsible_person = PersonFactory(organisation=ladder.unit)  # no account
    ladder.measure.save()
    with transaction.atomic():
        measure_remind(measure=ladder.measure, actor=ladder.office, today=TODAY)
    assert {r.recipient_person_id for r in Reminder.objects.all()} == {ladder.leader.pk}


def test_bulk_reminds_every_row_once_a_day(ladder: Ladder) -> None:
    other = MeasureFactory(inspection=ladder.inspection, lead_unit=ladder.unit,
                           responsible_person=ladder.person, responsible_leader=ladder.leader)
    done = measures_bulk_remind(actor=ladder.office, ids=[ladder.measure.pk, other.pk], today=TODAY)
    assert len(done) == 2
    assert AuditEntry.objects.filter(action="measure.remind").count() == 2
    count = Reminder.objects.count()
    with pytest.raises(BulkInvalid) as caught:
        measures_bulk_remind(actor=ladder.office, ids=[ladder.measure.pk, other.pk], today=TODAY)
    assert [r.messages for r in caught.value.rows] == [[ALREADY_TODAY], [ALREADY_TODAY]]
    assert Reminder.objects.count() == count
    # The next day it may be sent again.
    measures_bulk_remind(actor=ladder.office, ids=[other.pk], today=TODAY + dt.timedelta(days=1))
    assert AuditEntry.objects.filter(action="measure.remind").count() == 3


def test_one_row_that_cannot_be_reminded_stops_every_row(ladder: Ladder) -> None:
    # People without account or e-mail, in a unit without a principal.
    nobody = MeasureFactory(inspection=ladder.inspection, content="无人可提醒的措施。",
                            lead_unit=OrganisationFactory(parent=ladder.inspection.organisation))
    closed = MeasureFactory(inspection=ladder.inspection, lead_unit=ladder.unit,
                            responsible_person=ladder.person, state=MeasureState.CLOSED,
                            closed_at=clock.now(), content="已销号的措施。")
    mail.outbox.clear()
    with pytest.raises(BulkInvalid) as caught:
        measures_bulk_remind(actor=ladder.office, ids=[ladder.measure.pk, nobody.pk, closed.pk],
                             today=TODAY)
    errors = {r.label.split(" ", 1)[1]: r.messages for r in caught.value.rows}
    assert errors == {"无人可提醒的措施。": [NOBODY],
                      "已销号的措施。": [NOT_URGED.format(state="已销号")]}
    assert not Reminder.objects.exists()
    assert not Notification.objects.exists()
    assert not AuditEntry.objects.filter(action="measure.remind").exists()
    assert mail.outbox == []


def test_a_unit_may_not_remind_its_rows_are_named(ladder: Ladder) -> None:
    unit_user = user_with(Role.UNIT, ladder.unit)
    with pytest.raises(BulkRefused) as caught:
        measures_bulk_remind(actor=unit_user, ids=[ladder.measure.pk], today=TODAY)
    [label] = caught.value.rows
    assert ladder.measure.content[:20] in label
    assert not Reminder.objects.exists()


def test_mail_goes_to_a_person_without_an_account_once_committed(ladder: Ladder) -> None:
    ladder.measure.responsible_person = PersonFactory(organisation=ladder.unit, email="zhang@example.cn")
    ladder.measure.save()
    measures_bulk_remind(actor=ladder.office, ids=[ladder.measure.pk], today=TODAY)
    [row] = Reminder.objects.all()
    assert row.channel == Channel.EMAIL and row.recipient_person_id is not None
