"""Background work of the ledger (django-tasks): the long Excel export, the OCR of a
staged document (the import wizard).

Arguments are JSON because the database backend stores them.
"""

from __future__ import annotations

from django_tasks import task


@task()
def export_ledger_task(*, token: str, user_id: int, querystring: str) -> None:
    """Export the ledger `user_id` sees under `querystring`; progress in the job's state."""
    from zhenggai.ledger.excel_export.jobs import run_export_job

    run_export_job(token=token, user_id=user_id, querystring=querystring)


@task()
def parse_document_task(*, staging_id: int) -> None:
    """Parse (OCR) a staged document for the import wizard; the outcome in its row."""
    from zhenggai.ledger.services.document_staging import document_parse_staged

    document_parse_staged(staging_id=staging_id)
