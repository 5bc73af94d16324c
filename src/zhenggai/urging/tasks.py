"""Background work of urging (django-tasks): the daily cycle (its mail is the
notifications app's `send_email` task).

Arguments are JSON (dates as ISO text) because the database backend stores them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django_tasks import task

from zhenggai import clock


@task()
def remind_cycle(*, today: str | None = None) -> dict[str, Any]:
    """Reminders, escalation, digests and the snapshot for `today` (ISO; default: today)."""
    from zhenggai.urging.services import remind_run

    day = dt.date.fromisoformat(today) if today else clock.today()
    return remind_run(today=day).as_dict()
