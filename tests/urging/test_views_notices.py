"""The urging notices' pages (urging/views.py): the list of an inspection and of all the
user reads (keyset pages, query counts at two sizes), one notice, its DOCX only for its
readers (a unit reads the notices about its own measures), IDOR."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.web.world import World, build_world
from zhenggai.accounts.models import User
from zhenggai.urging.choices import UrgingLevel
from zhenggai.urging.models import UrgingNotice
from zhenggai.urging.services.notices import urging_notice_issue

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def w() -> World:
    return build_world()


def client_of(w: World, role: str) -> Client:
    client = Client()
    user = w.users[role]
    assert isinstance(user, User)
    client.force_login(user)
    return client


def issue(w: World) -> UrgingNotice:
    office = w.users["office"]
    assert office is not None
    return urging_notice_issue(measure=w.measure_a, level=UrgingLevel.NOTICE, actor=office)


def test_lists_show_number_level_measure_date_and_document(w: World) -> None:
    notice = issue(w)
    for path in ("/urging/", f"/inspections/{w.inspection.pk}/urging/"):
        page = client_of(w, "office").get(path).content.decode()
        assert notice.number in page and "督办通知书" in page
        assert f"/measures/{w.measure_a.pk}/" in page
        assert f"/urging/notices/{notice.pk}/download/" in page
        assert 'data-state="' in page  # the measure's state
    assert 'data-testid="empty"' in client_of(w, "stranger").get("/urging/").content.decode()


def test_a_unit_reads_the_notices_about_its_own_measures_only(w: World) -> None:
    notice = issue(w)
    unit_a, unit_b = client_of(w, "unit_a"), client_of(w, "unit_b")
    assert notice.number in unit_a.get("/urging/").content.decode()
    assert notice.number not in unit_b.get("/urging/").content.decode()
    assert notice.number not in unit_b.get(f"/inspections/{w.inspection.pk}/urging/").content.decode()
    assert unit_a.get(f"/urging/notices/{notice.pk}/").status_code == 200
    assert unit_b.get(f"/urging/notices/{notice.pk}/").status_code == 404
    assert unit_b.get(f"/urging/notices/{notice.pk}/download/").status_code == 404


def test_detail_and_download(w: World) -> None:
    notice = issue(w)
    client = client_of(w, "leader")
    page = client.get(f"/urging/notices/{notice.pk}/").content.decode()
    assert notice.number in page and 'data-testid="notice-download"' in page
    response = client.get(f"/urging/notices/{notice.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert b"".join(response.streaming_content).startswith(b"PK")  # type: ignore[attr-defined]
    assert "attachment" in response["Content-Disposition"]


def test_another_inspection_or_a_missing_notice_is_404(w: World) -> None:
    client = client_of(w, "office")
    assert client.get(f"/inspections/{w.foreign.pk}/urging/").status_code == 404
    assert client.get("/urging/notices/999999/").status_code == 404
    assert client.get("/urging/notices/999999/download/").status_code == 404


def _notices(w: World, n: int, start: int = 0) -> None:
    office = w.users["office"]
    UrgingNotice.objects.bulk_create(
        UrgingNotice(inspection=w.inspection, measure=w.measure_a, unit=w.unit_a,
                     level=UrgingLevel.NOTICE, number=f"督〔2026〕{i}号", issued_by=office)
        for i in range(start, start + n))


def test_keyset_pages_and_htmx_rows(w: World) -> None:
    _notices(w, 25)
    client = client_of(w, "office")
    first = client.get(f"/inspections/{w.inspection.pk}/urging/").content.decode()
    assert first.count('data-testid="notice-row"') == 20
    assert "督〔2026〕24号" in first
    found = re.search(r'href="([^"]+)" data-testid="next-page"', first)
    assert found is not None
    rest = client.get(found.group(1), HTTP_HX_REQUEST="true").content.decode()
    assert rest.count('data-testid="notice-row"') == 5
    assert "<html" not in rest and "督〔2026〕0号" in rest


@pytest.mark.parametrize("role", ["office", "unit_a"])
def test_query_count_does_not_grow_with_the_list(w: World, role: str) -> None:
    client = client_of(w, role)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/urging/").status_code == 200
        return len(ctx.captured_queries)

    _notices(w, 5)
    small = queries()
    _notices(w, 45, start=5)
    assert queries() == small
