"""The Excel import pages: upload → mapping and preview → confirm (issue #13)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.factories import OrganisationFactory, UserFactory
from tests.ledger.excel_helpers import HEADERS, row, workbook
from zhenggai.accounts.choices import OrganisationKind, Role
from zhenggai.accounts.models import RoleAssignment
from zhenggai.ledger.models import ImportStaging, Inspection, Measure

pytestmark = pytest.mark.django_db

COMMITTEE = "中共示范区交通局党组"  # the sheet's 巡察信息 names it


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def office() -> Client:
    committee = OrganisationFactory(name=COMMITTEE, kind=OrganisationKind.COMMITTEE)
    user = UserFactory()
    RoleAssignment.objects.create(
        user=user, role=Role.OFFICE, organisation=committee, include_subtree=True
    )
    client = Client()
    client.force_login(user)
    return client


def upload(client: Client, data: bytes, name: str = "台账.xlsx") -> Any:
    return client.post("/import/excel/", {"file": SimpleUploadedFile(name, data)})


def test_the_upload_page_renders_its_form(office):
    response = office.get("/import/excel/")
    assert response.status_code == 200
    assert 'data-testid="upload-form"' in response.content.decode()


def test_an_upload_is_staged_and_previewed(office):
    response = upload(office, workbook([row(), row(measure="二是。", deadline="下月")]))
    staging = ImportStaging.objects.get()
    assert response.status_code == 302 and response.url == f"/import/excel/{staging.pk}/"
    page = office.get(response.url).content.decode()
    assert "1 行无误，1 行有错误。" in page
    assert "不是日期：下月" in page
    assert staging.sha256 in page  # the confirm form is bound to the hash


def test_a_file_that_is_not_a_workbook_is_an_error_beside_the_field(office):
    response = upload(office, b"not a workbook")
    assert response.status_code == 400
    assert "不是 Excel 工作簿" in response.content.decode()
    assert not ImportStaging.objects.exists()


def test_a_manual_mapping_is_kept_and_applied(office):
    headers = [*HEADERS[:4], "工作安排", *HEADERS[5:]]
    upload(office, workbook([row()], headers=headers))
    staging = ImportStaging.objects.get()
    page = office.get(f"/import/excel/{staging.pk}/").content.decode()
    assert "没有对应“整改措施”的列" in page
    data = {f"col_{i}": "" for i in range(len(headers))} | {
        "col_4": "measure",
        "col_3": "finding",
        "col_2": "problem",
    }
    response = office.post(f"/import/excel/{staging.pk}/", data)
    assert response.status_code == 302
    staging.refresh_from_db()
    assert staging.choices["manual"]["4"] == "measure"
    assert "1 行无误，0 行有错误。" in office.get(f"/import/excel/{staging.pk}/").content.decode()


def test_unknown_units_are_offered_for_mapping_or_creation(office):
    existing = OrganisationFactory(name="执法大队", parent=None)
    upload(office, workbook([row(unit="大队")]))
    staging = ImportStaging.objects.get()
    page = office.get(f"/import/excel/{staging.pk}/").content.decode()
    assert 'data-testid="unknown-names"' in page and "大队" in page
    data = {
        f"col_{i}": k
        for i, k in enumerate(
            [
                "no",
                "aspect",
                "problem",
                "finding",
                "measure",
                "leader",
                "unit",
                "person",
                "deadline",
                "state",
                "progress",
            ]
        )
    }
    office.post(f"/import/excel/{staging.pk}/", data | {"unit_0": "new"})
    staging.refresh_from_db()
    assert staging.choices["names"] == {"大队": None}
    assert "1 行无误，0 行有错误。" in office.get(f"/import/excel/{staging.pk}/").content.decode()
    assert existing.pk  # an existing unit outside the office's tree is not offered
    assert f'value="{existing.pk}"' not in page


def test_the_confirm_writes_the_ledger_and_opens_the_inspection(office):
    upload(office, workbook([row()]))
    staging = ImportStaging.objects.get()
    response = office.post(f"/import/excel/{staging.pk}/confirm/", {"sha256": staging.sha256})
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and response.url == f"/inspections/{inspection.pk}/"
    assert Measure.objects.get().inspection == inspection


def test_a_confirm_with_errors_writes_nothing_unless_bad_rows_are_skipped(office):
    upload(office, workbook([row(), row(measure="二是。", deadline="下月")]))
    staging = ImportStaging.objects.get()
    response = office.post(f"/import/excel/{staging.pk}/confirm/", {"sha256": staging.sha256})
    assert response.status_code == 400
    assert "1 行有错误，未导入任何内容" in response.content.decode()
    assert not Measure.objects.exists()
    response = office.post(
        f"/import/excel/{staging.pk}/confirm/", {"sha256": staging.sha256, "skip_bad_rows": "on"}
    )
    assert response.status_code == 302
    assert list(Measure.objects.values_list("content", flat=True)) == ["全面梳理案卷。"]


def test_a_confirm_for_another_hash_is_refused(office):
    upload(office, workbook([row()]))
    staging = ImportStaging.objects.get()
    response = office.post(f"/import/excel/{staging.pk}/confirm/", {"sha256": "f" * 64})
    assert response.status_code == 400 and "SHA-256 不符" in response.content.decode()
    assert not Inspection.objects.exists()


def test_another_users_upload_is_not_found(office):
    upload(office, workbook([row()]))
    staging = ImportStaging.objects.get()
    other = UserFactory()
    RoleAssignment.objects.create(user=other, role=Role.OFFICE, organisation=OrganisationFactory())
    client = Client()
    client.force_login(other)
    assert client.get(f"/import/excel/{staging.pk}/").status_code == 404
    assert (
        client.post(f"/import/excel/{staging.pk}/confirm/", {"sha256": staging.sha256}).status_code
        == 404
    )


def test_the_preview_runs_the_same_queries_for_5_and_50_rows(office, django_assert_num_queries):
    counts = []
    for n in (5, 50):
        upload(office, workbook([row(measure=f"第{i}条措施。", unit="法制科") for i in range(n)]))
        staging = ImportStaging.objects.order_by("-pk").first()
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert office.get(f"/import/excel/{staging.pk}/").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
