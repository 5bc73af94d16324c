"""The platform's "now", which the demo can move into the past.

Services and model defaults take the time from `now()` rather than `timezone.now()` so
that the demo — and later the import of a ledger kept elsewhere — can replay months of
history through the very services users call, with every record dated when it happened.
Outside `travel()` it is plain wall time.

The audit log does not follow the clock: an entry records when the platform wrote the
change, and the chain's time never steps back, so a replay's entries carry the time of
the replay. `updated_at` columns (Django's `auto_now`) keep wall time for the same reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

_travelled: ContextVar[dt.datetime | None] = ContextVar("zhenggai_clock", default=None)

NAIVE_MOMENT = "clock.travel 需要带时区的时间"


def now() -> dt.datetime:
    """The current moment: wall time, or the moment `travel()` set."""
    return _travelled.get() or timezone.now()


def today() -> dt.date:
    """The current date in the project's time zone (Asia/Shanghai)."""
    return timezone.localdate(now())


@contextmanager
def travel(moment: dt.datetime) -> Iterator[dt.datetime]:
    """Run the block as if it were `moment` (aware); nests, and restores on exit."""
    if timezone.is_naive(moment):
        raise ValueError(NAIVE_MOMENT)
    token = _travelled.set(moment)
    try:
        yield moment
    finally:
        _travelled.reset(token)
