"""Background work of urging (django-tasks): the daily cycle and the mail it sends.

Arguments are JSON (dates as ISO text) because the database backend stores them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.mail import send_mail
from django_tasks import task

from zhenggai import clock


@task()
def remind_cycle(*, today: str | None = None) -> dict[str, Any]:
    """Reminders, escalation, digests and the snapshot for `today` (ISO; default: today)."""
    from zhenggai.urging.services import remind_run

    day = dt.date.fromisoformat(today) if today else clock.today()
    return remind_run(today=day).as_dict()


@task()
def send_email(*, to: list[str], subject: str, body: str) -> int:
    """One plain-text mail; enqueued on commit by the urging services."""
    return send_mail(subject, body, None, to)
