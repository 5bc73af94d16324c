"""Background work of the ledger (django-tasks): the long Excel export.

Arguments are JSON because the database backend stores them.
"""

from __future__ import annotations

from django_tasks import task


@task()
def export_ledger_task(*, token: str, user_id: int, querystring: str) -> None:
    """Export the ledger `user_id` sees under `querystring`; progress in the job's state."""
    from zhenggai.ledger.excel_export.jobs import run_export_job

    run_export_job(token=token, user_id=user_id, querystring=querystring)
