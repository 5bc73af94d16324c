"""Background work of notifications (django-tasks): one mail per task.

Arguments are JSON because the database backend stores them.
"""

from __future__ import annotations

from django.core.mail import send_mail
from django_tasks import task


@task()
def send_email(*, to: list[str], subject: str, body: str) -> int:
    """One plain-text mail; enqueued on commit by `mail_on_commit`."""
    return send_mail(subject, body, None, to)
