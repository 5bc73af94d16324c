"""The measure page (views/measure.py): the tree above it, its columns, the units' shares,
progress reports with evidence, close-out requests with reviews, the audit entries, the
forms of the steps the user may take now; 404 outside the user's scope; bounded queries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.web.world import World, build_world, png
from zhenggai import clock
from zhenggai.accounts.models import User
from zhenggai.ledger.services.progress import progress_report_submit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def w() -> World:
    return build_world()


def client_of(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def html(response: Any) -> str:
    return response.content.decode()


def test_the_office_sees_the_measure_its_report_evidence_and_request(w: World) -> None:
    response = client_of(w.users["office"]).get(f"/measures/{w.measure_a.pk}/")
    assert response.status_code == 200
    page = html(response)
    assert 'data-testid="breadcrumbs"' in page
    assert w.inspection.title[:10] in page
    assert "已完成初步排查。" in page  # the progress report
    assert "整改完成情况" not in page or "整改已完成。" in page
    assert "整改已完成。" in page  # the close-out request's summary
    assert f"/evidence/{w.evidence_a.pk}/" in page
    assert f"/evidence/{w.evidence_a.pk}/preview/" in page
    assert "环卫所" in page
    assert 'data-testid="form-review"' in page  # the office may review the pending request
    assert 'data-testid="form-report"' not in page  # the office does not report progress
    assert f'hx-get="/measures/{w.measure_a.pk}/audit/"' in page
    audit = client_of(w.users["office"]).get(f"/measures/{w.measure_a.pk}/audit/", HTTP_HX_REQUEST="true")
    assert audit.status_code == 200 and "<html" not in html(audit)
    assert 'data-testid="audit-entry"' in html(audit)
    assert "填报进展" in html(audit) and "提交销号申请" in html(audit)


def test_the_unit_sees_its_forms_and_not_the_office_s(w: World) -> None:
    page = html(client_of(w.users["unit_b"]).get(f"/measures/{w.measure_b.pk}/"))
    assert 'data-testid="form-report"' in page
    assert 'data-testid="form-close_out"' in page
    assert 'data-testid="form-extension"' in page
    assert 'data-testid="form-review"' not in page


def test_a_measure_outside_the_scope_is_not_found(w: World) -> None:
    unit_b = client_of(w.users["unit_b"])
    assert unit_b.get(f"/measures/{w.measure_a.pk}/").status_code == 404
    assert unit_b.get(f"/measures/{w.assigned.pk}/").status_code == 200
    assert client_of(w.users["office"]).get(f"/measures/{w.foreign_measure.pk}/").status_code == 404
    assert client_of(w.users["office"]).get("/measures/999999/").status_code == 404
    assert client_of(w.users["stranger"]).get(f"/measures/{w.measure_a.pk}/").status_code == 404
    response = Client().get(f"/measures/{w.measure_a.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_page_runs_the_same_queries_for_5_or_50_reports(w: World) -> None:
    office = client_of(w.users["office"])
    unit = w.users["unit_b"]
    assert unit is not None
    url = f"/measures/{w.measure_b.pk}/"

    def add(n: int, start: int) -> None:
        for i in range(n):
            progress_report_submit(
                measure=w.measure_b, narrative=f"第{start + i}次进展。", percent=10,
                as_of=clock.today(), files=[png(salt=f"{start + i}".encode())], actor=unit,
            )

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert office.get(url).status_code == 200
        return len(queries)

    add(5, 0)
    office.get(url)  # the session's first use
    few = count()
    add(45, 5)
    assert count() == few
    assert few <= 30
