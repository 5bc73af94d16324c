"""The replay's clock: the cast, the summary, and stories of events run oldest first.

Each event is dated by running its service inside `clock.travel(moment)`; stories of
different measures interleave, so every story's events are sorted and run oldest first.
Events that would fall after now are dropped.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from zhenggai import clock
from zhenggai.accounts.models import Person, User
from zhenggai.core.workdays import WorkdayCalendar
from zhenggai.ledger.models import (
    Inspection,
)


@dataclass
class Cast:
    """Who acts in the demo: the role users and the people named in the plan."""

    office: User
    leader: User
    supervisor: User
    inspector: User
    unit_users: dict[int, User]
    secretary: Person | None = None
    deputies: list[Person] = field(default_factory=list)
    unit_heads: dict[int, Person] = field(default_factory=dict)
    liaisons: dict[int, Person] = field(default_factory=dict)


@dataclass
class HistorySummary:
    """What the replay did, for the command's output and the tests."""

    events_run: int = 0
    returns: int = 0
    extensions: int = 0
    reopenings: int = 0


@dataclass(order=True)
class Event:
    at: dt.datetime
    seq: int
    run: Callable[[], Any] = field(compare=False)


class Timeline:
    """Events of every story; `story()` hands out strictly increasing working-day times."""

    def __init__(self, calendar: WorkdayCalendar, rng: random.Random, now: dt.datetime) -> None:
        self.calendar = calendar
        self.rng = rng
        self.now = now
        self.events: list[Event] = []

    def moment(self, day: dt.date, *, after: dt.datetime | None = None) -> dt.datetime:
        """A working-hours time on the first working day on or after `day` (and `after`)."""
        if after is not None:
            day = max(day, timezone.localdate(after))
        day = add_working_days(self.calendar, day, 0)
        minutes = self.rng.randint(9 * 60, 17 * 60)
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60)))
        if after is not None and at <= after:
            at = after + dt.timedelta(minutes=self.rng.randint(20, 90))
        return at

    def story(self) -> Story:
        return Story(self)

    def add(self, at: dt.datetime, run: Callable[[], Any]) -> bool:
        """Keep the event unless it lies in the future; False tells the story to stop."""
        if at > self.now:
            return False
        self.events.append(Event(at, len(self.events), run))
        return True


class Story:
    """One item's events in order; once an event falls after now, the rest are dropped."""

    def __init__(self, timeline: Timeline) -> None:
        self.timeline = timeline
        self.last: dt.datetime | None = None
        self.open = True

    def on(self, day: dt.date, run: Callable[[], Any]) -> bool:
        if not self.open:
            return False
        at = self.timeline.moment(day, after=self.last)
        self.open = self.timeline.add(at, run)
        self.last = at
        return self.open



def add_working_days(calendar: WorkdayCalendar, day: dt.date, n: int) -> dt.date:
    """`n` working days after `day` (n = 0: `day` itself, or the next working day), by the
    calendar every caller counts with (core/workdays.py's one rule for unconfirmed years)."""
    if not calendar.is_working_day(day):
        day = calendar.add_working_days(day, 1)
    return calendar.add_working_days(day, n)


def run(timeline: Timeline, summary: HistorySummary) -> None:
    for event in sorted(timeline.events):
        with clock.travel(event.at):
            event.run()
        summary.events_run += 1


def base_date(inspection: Inspection) -> dt.date:
    if inspection.feedback_date:
        return inspection.feedback_date
    issued = (
        inspection.source_documents.exclude(issue_date=None)
        .values_list("issue_date", flat=True)
        .first()
    )
    return issued or clock.today()

