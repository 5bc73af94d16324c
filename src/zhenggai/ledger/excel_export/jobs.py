"""A long export from the ledger page runs as a task (django-tasks) with progress.

The job needs no table: its state is a small JSON file beside the workbook in the default
storage (`exports/<token>.json`), which the web process and the task worker both reach —
also when the worker is another machine with S3-compatible storage. The token is random;
the state names the user, and only that user may see the progress or download the file.
Files are kept for `KEEP_DAYS` and removed by `zhenggai purge_staging`.
"""

from __future__ import annotations

import io
import json
import secrets
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from zhenggai.accounts.models import User
from zhenggai.ledger.selectors.filters import LedgerQuery

FOLDER = "exports"
KEEP_DAYS = 1


def _state_name(token: str) -> str:
    return f"{FOLDER}/{token}.json"


def file_name(token: str) -> str:
    return f"{FOLDER}/{token}.xlsx"


def write_state(token: str, state: dict[str, Any]) -> None:
    name = _state_name(token)
    if default_storage.exists(name):
        default_storage.delete(name)
    default_storage.save(name, ContentFile(json.dumps(state).encode()))


def job_state(*, user: User, token: str) -> dict[str, Any] | None:
    """The job's state for its own user; None for a missing job or another user's."""
    if not token.replace("-", "").replace("_", "").isalnum():
        return None
    name = _state_name(token)
    if not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as fh:
        state: dict[str, Any] = json.loads(fh.read())
    return state if state.get("user") == user.pk else None


def start_export_job(*, user: User, query: LedgerQuery, total: int) -> str:
    """Record the job and enqueue the task; return the job's token."""
    from zhenggai.ledger.tasks import export_ledger_task

    token = secrets.token_urlsafe(16)
    write_state(token, {"user": user.pk, "state": "queued", "done": 0, "total": total})
    export_ledger_task.enqueue(token=token, user_id=user.pk, querystring=query.to_querystring())
    return token


def run_export_job(*, token: str, user_id: int, querystring: str) -> None:
    """The task's body: export, saving progress every chunk, then the file."""
    from django.http import QueryDict

    from zhenggai.ledger.excel_export.export import export_ledger

    user = User.objects.get(pk=user_id)
    query = LedgerQuery.from_querydict(QueryDict(querystring))
    base = {"user": user_id}

    def progress(done: int, total: int) -> None:
        write_state(token, {**base, "state": "running", "done": done, "total": total})

    buffer = io.BytesIO()
    try:
        result = export_ledger(user=user, query=query, out=buffer, progress=progress)
    except Exception:
        write_state(token, {**base, "state": "failed", "done": 0, "total": 0})
        raise
    default_storage.save(file_name(token), ContentFile(buffer.getvalue()))
    write_state(token, {**base, "state": "done", "done": result.rows, "total": result.rows})


def purge_export_jobs(*, now: Any) -> int:
    """Delete job files older than KEEP_DAYS; return how many files went."""
    import datetime as dt

    try:
        _dirs, files = default_storage.listdir(FOLDER)
    except (FileNotFoundError, NotImplementedError):
        return 0
    count = 0
    for name in files:
        path = f"{FOLDER}/{name}"
        if default_storage.get_modified_time(path) < now - dt.timedelta(days=KEEP_DAYS):
            default_storage.delete(path)
            count += 1
    return count
