"""The ledger export from the web: the file at once, or a task with progress (issue #13)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from tests.publication.helpers import user_with
from zhenggai.accounts.choices import Role
from zhenggai.ledger.excel_export.writer import SHEET
from zhenggai.ledger.models import Inspection, Measure
from zhenggai.ledger.views import excel as views

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rows_of(content: bytes) -> list[tuple[Any, ...]]:
    ws = load_workbook(io.BytesIO(content))[SHEET]
    return list(ws.iter_rows(min_row=3, values_only=True))


def test_a_small_export_is_the_file_at_once(ledger: Inspection):
    office = client_for(user_with(Role.OFFICE, ledger.organisation))
    response = office.get(f"/ledger/export/?inspection={ledger.pk}&state=closed")
    assert response.status_code == 200
    assert response["Content-Type"] == views.XLSX
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert len(rows_of(response.content)) == 2


def test_a_unit_exports_only_what_it_sees(ledger: Inspection):
    measure = Measure.objects.filter(inspection=ledger).order_by("pk").first()
    unit = client_for(user_with(Role.UNIT, measure.lead_unit))
    response = unit.get(f"/ledger/export/?inspection={ledger.pk}")
    assert [r[4] for r in rows_of(response.content)] == [f"一是{measure.content}"]


def test_bad_filters_are_a_400_that_says_why(ledger: Inspection):
    office = client_for(user_with(Role.OFFICE, ledger.organisation))
    response = office.get("/ledger/export/?due_from=明天&state=nonsense")
    assert response.status_code == 400
    page = response.content.decode()
    assert "日期格式应为" in page and "未知的选项：nonsense" in page


def test_a_large_export_runs_as_a_task_with_progress_and_a_download(
    ledger: Inspection, monkeypatch
):
    monkeypatch.setattr(views, "EXPORT_AT_ONCE", 2)
    owner = user_with(Role.OFFICE, ledger.organisation)
    office = client_for(owner)
    response = office.get(f"/ledger/export/?inspection={ledger.pk}")
    assert response.status_code == 302
    job_url = response.url
    page = office.get(job_url).content.decode()  # the immediate backend ran the task
    assert 'data-state="done"' in page
    download = office.get(job_url + "download/")
    assert download.status_code == 200
    assert len(rows_of(b"".join(download.streaming_content))) == Measure.objects.count() + 1
    # Another user (even of the same office) finds neither the job nor its file.
    other = client_for(user_with(Role.OFFICE, ledger.organisation))
    assert other.get(job_url).status_code == 404
    assert other.get(job_url + "download/").status_code == 404


def test_a_running_job_shows_its_progress_and_polls(ledger: Inspection):
    from zhenggai.ledger.excel_export import jobs

    owner = user_with(Role.OFFICE, ledger.organisation)
    jobs.write_state("tok123", {"user": owner.pk, "state": "running", "done": 2000, "total": 8000})
    page = client_for(owner).get("/ledger/export/tok123/", HTTP_HX_REQUEST="true").content.decode()
    assert "2000 / 8000" in page and "25%" in page and 'hx-trigger="every 2s"' in page
    assert "<html" not in page  # the partial only
    assert client_for(owner).get("/ledger/export/tok123/download/").status_code == 404
