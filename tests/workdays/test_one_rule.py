"""The one working-day rule (core/workdays.py): a deadline gets the same signal on the
ledger page and the same reminder day from the daily cycle whether or not the holiday
table was ever seeded, and an unconfirmed year is flagged the same way everywhere."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.factories import InspectionFactory, MeasureFactory, OrganisationFactory, PersonFactory
from zhenggai.ledger.signals_view import measure_signals
from zhenggai.urging.services.events import event_for
from zhenggai.urging.services.recipients import Target
from zhenggai.workdays.selectors import invalidate_workday_calendar, workday_calendar
from zhenggai.workdays.services import holidays_seed

pytestmark = pytest.mark.django_db
D = dt.date

#: Around National Day 2026, Spring Festival 2026 and the turn of 2026 into 2027 (a year
#: neither the table nor the package has).
DEADLINES = [D(2026, 10, 9), D(2026, 2, 27), D(2027, 1, 8), D(2027, 2, 12)]


@pytest.fixture(autouse=True)
def _reminders(settings: Any) -> None:
    settings.ZHENGGAI_REMIND_BEFORE_WORKING_DAYS = (5, 1)
    settings.ZHENGGAI_ESCALATION_WORKING_DAYS = 5


def _answers() -> list[tuple[Any, ...]]:
    """For each deadline: the signal and days left on a few days, and the first day the
    5-working-day reminder is owed."""
    invalidate_workday_calendar()
    calendar = workday_calendar()
    inspection = InspectionFactory(yellow_working_days=5)
    unit = OrganisationFactory()
    out = []
    for deadline in DEADLINES:
        measure = MeasureFactory(
            inspection=inspection, lead_unit=unit, deadline=deadline,
            responsible_person=PersonFactory(organisation=unit),
        )
        days = [deadline - dt.timedelta(days=n) for n in (40, 12, 6, 1)] + [
            deadline + dt.timedelta(days=3)
        ]
        signals = [
            (r.signal, r.working_days_left, r.note)
            for r in (
                measure_signals([measure], today=day, inspection=inspection)[measure.pk]
                for day in days
            )
        ]
        first = next(
            day
            for day in (deadline - dt.timedelta(days=n) for n in range(30, -1, -1))
            if event_for(Target(measure, None), day, calendar) is not None
        )
        out.append((deadline, signals, first))
    return out


def test_the_same_deadline_gets_the_same_signal_and_reminder_day_with_or_without_a_table(
) -> None:
    without = _answers()
    holidays_seed(years=None)  # what `make run` does: every year the package has
    with_table = _answers()
    for (deadline, signals_a, first_a), (_, signals_b, first_b) in zip(
        without, with_table, strict=True
    ):
        assert [s[:2] for s in signals_a] == [s[:2] for s in signals_b], deadline
        assert first_a == first_b, deadline
    # 中秋 (25 September) and National Day (1–7 October) 2026 are off: from 24 September
    # only 28–30 September and 8–9 October are left, five working days, whichever way the
    # calendar was fed (Monday to Friday would have reached 5 left only on 2 October).
    assert without[0][2] == D(2026, 9, 24)
    # Unseeded, every note says the year is not confirmed; seeded, only 2027 is flagged.
    assert all(note for _, signals, _ in without for _, _, note in signals)
    seeded_notes = {note for _, signals, _ in with_table for _, _, note in signals}
    assert None in seeded_notes
    assert all("2026" not in note for note in seeded_notes if note)
