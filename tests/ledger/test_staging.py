"""The one staging service: file, hash, parse; confirm bound to the hash; expiry (issue #11)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from tests.factories import UserFactory
from tests.ledger.excel_helpers import row, workbook
from zhenggai import clock
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import RoleAssignment
from zhenggai.core.errors import InputError
from zhenggai.ledger.models import ImportStaging, Inspection, StagingKind
from zhenggai.ledger.services import staging as service
from zhenggai.ledger.services.excel_import import excel_confirm, excel_stage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def office_user() -> Any:
    from tests.factories import OrganisationFactory

    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=Role.OFFICE, organisation=OrganisationFactory())
    return user


def test_staging_keeps_the_file_its_hash_and_the_parse():
    data = workbook([row()])
    staging = excel_stage(data=data, filename="台账.xlsx", actor=None)
    assert staging.sha256 == service.sha256_of(data) and staging.size == len(data)
    assert service.staging_data(staging) == data
    assert staging.result["headers"][4] == "整改措施"
    assert staging.kind == StagingKind.EXCEL
    assert staging.expires_at - staging.created_at == dt.timedelta(days=7)


def test_a_confirm_with_another_hash_is_refused_and_writes_nothing():
    staging = excel_stage(data=workbook([row()]), filename="台账.xlsx", actor=None)
    with pytest.raises(InputError, match="SHA-256 不符"):
        excel_confirm(staging=staging, sha256="0" * 64, actor=None)
    assert not Inspection.objects.exists()


def test_an_expired_upload_cannot_be_confirmed():
    staging = excel_stage(data=workbook([row()]), filename="台账.xlsx", actor=None)
    ImportStaging.objects.filter(pk=staging.pk).update(
        expires_at=clock.now() - dt.timedelta(seconds=1),
        created_at=clock.now() - dt.timedelta(days=8),
    )
    staging.refresh_from_db()
    with pytest.raises(InputError, match="已过期"):
        excel_confirm(staging=staging, sha256=staging.sha256, actor=None)


def test_an_upload_is_confirmed_once():
    staging = excel_stage(data=workbook([row()]), filename="台账.xlsx", actor=None)
    result = excel_confirm(staging=staging, sha256=staging.sha256, actor=None)
    staging.refresh_from_db()
    assert staging.confirmed_at is not None and staging.inspection == result.inspection
    with pytest.raises(InputError, match="已经导入"):
        excel_confirm(staging=staging, sha256=staging.sha256, actor=None)
    assert Inspection.objects.count() == 1


def test_only_the_uploader_may_confirm_or_even_find_it():
    owner, other = office_user(), office_user()
    staging = excel_stage(data=workbook([row()]), filename="台账.xlsx", actor=owner)
    with pytest.raises(ImportStaging.DoesNotExist):
        service.staging_for(user=other, pk=staging.pk)
    with pytest.raises(PermissionDenied):
        service.staging_check(staging=staging, sha256=staging.sha256, actor=other)
    assert service.staging_for(user=owner, pk=staging.pk) == staging


def test_a_user_without_the_import_right_cannot_stage():
    with pytest.raises(PermissionDenied):
        excel_stage(data=workbook([row()]), filename="台账.xlsx", actor=UserFactory())
    assert not ImportStaging.objects.exists()


def test_a_new_inspection_needs_the_right_in_its_organisation():
    user = office_user()  # an office elsewhere; the sheet names a new committee
    staging = excel_stage(data=workbook([row()]), filename="台账.xlsx", actor=user)
    with pytest.raises(PermissionDenied):
        excel_confirm(staging=staging, sha256=staging.sha256, actor=user)
    assert not Inspection.objects.exists()


def test_purge_deletes_expired_rows_and_their_files(capsys):
    old = excel_stage(data=workbook([row()]), filename="旧.xlsx", actor=None)
    fresh = excel_stage(data=workbook([row(measure="一是新。")]), filename="新.xlsx", actor=None)
    ImportStaging.objects.filter(pk=old.pk).update(
        created_at=clock.now() - dt.timedelta(days=9), expires_at=clock.now() - dt.timedelta(days=2)
    )
    storage, name = old.file.storage, old.file.name
    assert storage.exists(name)
    call_command("purge_staging")
    assert "已删除 1 个过期的导入暂存，" in capsys.readouterr().out
    assert list(ImportStaging.objects.all()) == [fresh]
    assert not storage.exists(name)
