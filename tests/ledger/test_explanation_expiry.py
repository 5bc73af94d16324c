"""An explanation accepted until a date reopens its finding once that date has passed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import PersonFactory
from tests.ledger.test_close_out import explained_finding
from tests.ledger.test_progress import World, make_world
from zhenggai import clock
from zhenggai.audit.models import AuditEntry
from zhenggai.audit.services import audit_verify
from zhenggai.ledger.choices import FindingState
from zhenggai.ledger.models import Finding, Reopening
from zhenggai.ledger.services.close_out import explanation_accept
from zhenggai.ledger.services.explanation_expiry import explanations_expire
from zhenggai.notifications.models import Notification
from zhenggai.urging.services import remind_run

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 6, 1)


def accepted(w: World, *, expires_on: dt.date | None) -> Finding:
    finding = explained_finding(w)
    approver = PersonFactory(organisation=w.committee, position="党委书记")
    with clock.travel(timezone.make_aware(dt.datetime.combine(DAY, dt.time(10)))):
        return explanation_accept(
            finding=finding, approver_person=approver, expires_on=expires_on, actor=w.leader
        )


def test_the_day_after_the_expiry_the_finding_reopens_by_the_system_and_the_office_is_told() -> None:
    w = make_world()
    finding = accepted(w, expires_on=dt.date(2026, 12, 31))
    assert explanations_expire(today=dt.date(2026, 12, 31)) == []  # the last valid day
    reopened = explanations_expire(today=dt.date(2027, 1, 1))
    assert [f.pk for f in reopened] == [finding.pk]
    finding.refresh_from_db()
    assert finding.state == FindingState.OPEN and finding.closed_at is None
    # The acceptance stays on record; the reopening says why and that nobody did it by hand.
    assert finding.explanation_approver is not None
    row = Reopening.objects.get(finding=finding)
    assert row.reopened_by is None and "2026年12月31日届满" in row.reason
    entry = AuditEntry.objects.get(action="finding.explanation_expired")
    assert entry.actor is None and entry.actor_repr == "系统"
    assert entry.before["state"] == "closed" and entry.after["state"] == "open"
    told = Notification.objects.filter(user=w.office)
    assert told.count() == 1 and "2026年12月31日" in told.get().body
    assert not Notification.objects.filter(user=w.unit).exists()
    assert audit_verify().ok


def test_running_it_again_changes_nothing_and_open_ended_acceptances_stay_closed() -> None:
    w = make_world()
    expiring = accepted(w, expires_on=dt.date(2026, 7, 1))
    lasting = accepted(w, expires_on=None)
    assert len(explanations_expire(today=dt.date(2026, 7, 2))) == 1
    entries = AuditEntry.objects.count()
    assert explanations_expire(today=dt.date(2026, 7, 3)) == []
    assert AuditEntry.objects.count() == entries
    assert Finding.objects.get(pk=lasting.pk).state == FindingState.CLOSED
    assert Finding.objects.get(pk=expiring.pk).state == FindingState.OPEN


def test_a_reopened_explanation_can_be_accepted_again() -> None:
    w = make_world()
    finding = accepted(w, expires_on=dt.date(2026, 7, 1))
    explanations_expire(today=dt.date(2026, 7, 2))
    again = explanation_accept(
        finding=Finding.objects.get(pk=finding.pk),
        approver_person=PersonFactory(organisation=w.committee),
        expires_on=None,
        actor=w.leader,
    )
    assert again.state == FindingState.CLOSED and again.explanation_expires_on is None


def test_the_daily_cycle_reopens_expired_explanations() -> None:
    w = make_world()
    accepted(w, expires_on=dt.date(2026, 7, 1))
    result = remind_run(today=dt.date(2026, 7, 2))
    assert result.explanations_expired == 1
    assert result.as_dict()["explanations_expired"] == 1
