"""A long export from the ledger page runs as a task (issue #13): queued with the database
backend as in production, run by `db_worker`, its progress saved chunk by chunk, then its
file downloaded by its own user only; a failed run says so."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from tests.factories import UserFactory
from tests.ledger.excel_helpers import small_ledger
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import RoleAssignment, User
from zhenggai.ledger.excel_export import export, jobs
from zhenggai.ledger.models import Inspection
from zhenggai.ledger.views import excel as views

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def office_of(inspection: Inspection) -> tuple[User, Client]:
    user = UserFactory()
    RoleAssignment.objects.create(
        user=user, role=Role.OFFICE, organisation=inspection.organisation, include_subtree=True
    )
    client = Client()
    client.force_login(user)
    return user, client


def test_the_task_is_queued_run_by_the_worker_and_reports_its_progress(settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    inspection = small_ledger(measures_per_finding=2, findings=2)  # 8 measures
    monkeypatch.setattr(views, "EXPORT_AT_ONCE", 3)
    monkeypatch.setattr(export, "CHUNK", 3)
    user, client = office_of(inspection)

    response = client.get(f"/ledger/export/?inspection={inspection.pk}")
    assert response.status_code == 302
    job_url = response.url
    page = client.get(job_url).content.decode()
    assert 'data-state="queued"' in page and 'hx-trigger="every 2s"' in page
    assert "0 / 8" in page
    assert DBTaskResult.objects.count() == 1

    states: list[dict[str, Any]] = []
    saved = jobs.write_state
    monkeypatch.setattr(jobs, "write_state", lambda t, s: (states.append(s), saved(t, s)))
    # The worker drops connections it believes stale; inside the test's transaction that
    # would close the test's own connection on PostgreSQL.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())

    running = [(s["done"], s["total"]) for s in states if s["state"] == "running"]
    assert running[:2] == [(3, 8), (6, 8)] and running[-1] == (8, 8)
    assert states[-1] == {"user": user.pk, "state": "done", "done": 8, "total": 8}
    page = client.get(job_url, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-state="done"' in page and "hx-trigger" not in page
    download = client.get(job_url + "download/")
    assert download.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(download.streaming_content)))["整改台账"]
    assert ws.max_row - 2 == 8


def test_a_failed_export_says_so_and_offers_no_file(monkeypatch):
    inspection = small_ledger(measures_per_finding=1, findings=1)
    user, client = office_of(inspection)

    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(export, "export_ledger", broken)
    jobs.write_state("tokfail", {"user": user.pk, "state": "queued", "done": 0, "total": 2})
    with pytest.raises(RuntimeError):
        jobs.run_export_job(
            token="tokfail", user_id=user.pk, querystring=f"inspection={inspection.pk}"
        )
    page = client.get("/ledger/export/tokfail/").content.decode()
    assert 'data-state="failed"' in page and "导出失败" in page
    assert "hx-trigger" not in page  # no more polling
    assert client.get("/ledger/export/tokfail/download/").status_code == 404
