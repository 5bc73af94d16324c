"""The clock the demo moves into the past, and what follows it (and what does not)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from tests.factories import InspectionFactory
from zhenggai import clock
from zhenggai.audit.models import AuditEntry
from zhenggai.audit.services import audit_record
from zhenggai.ledger.models import Inspection

PAST = timezone.make_aware(dt.datetime(2020, 3, 2, 10, 30))


def test_outside_travel_it_is_wall_time() -> None:
    before = timezone.now()
    assert before <= clock.now() <= timezone.now()
    assert clock.today() == timezone.localdate()


def test_travel_sets_now_and_today_and_restores_even_on_error() -> None:
    with pytest.raises(RuntimeError), clock.travel(PAST):
        assert clock.now() == PAST
        assert clock.today() == dt.date(2020, 3, 2)
        with clock.travel(PAST + dt.timedelta(days=1)):
            assert clock.today() == dt.date(2020, 3, 3)
        assert clock.now() == PAST
        raise RuntimeError
    assert clock.now().year == timezone.now().year != 2020


def test_naive_moment_refused() -> None:
    with pytest.raises(ValueError, match="时区"), clock.travel(dt.datetime(2020, 1, 1)):
        pass


def test_today_is_shanghai_date() -> None:
    # 20:00 UTC is already the next day in Asia/Shanghai.
    late = dt.datetime(2020, 3, 2, 20, 0, tzinfo=dt.UTC)
    with clock.travel(late):
        assert clock.today() == dt.date(2020, 3, 3)


@pytest.mark.django_db
def test_model_defaults_follow_the_clock_but_audit_keeps_wall_time() -> None:
    with clock.travel(PAST):
        inspection = InspectionFactory()
        with transaction.atomic():
            entry = audit_record(actor=None, action="test.clock", obj=inspection)
    assert Inspection.objects.get(pk=inspection.pk).created_at == PAST
    assert AuditEntry.objects.get(pk=entry.pk).created_at > PAST + dt.timedelta(days=365)
