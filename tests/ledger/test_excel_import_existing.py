"""An Excel sheet imported into an existing inspection, and a sheet imported twice (#13).

Rows join the chosen inspection's tree by title; the same bytes a second time, or rows the
ledger already holds, are refused with a sentence that says where they already are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from tests.factories import (
    AspectFactory,
    FindingFactory,
    InspectionFactory,
    MeasureFactory,
    OrganisationFactory,
    ProblemFactory,
    UserFactory,
)
from tests.ledger.excel_helpers import row, workbook
from zhenggai.accounts.choices import OrganisationKind, Role
from zhenggai.accounts.models import RoleAssignment, User
from zhenggai.core.errors import InputError
from zhenggai.ledger.choices import FindingState, MeasureState
from zhenggai.ledger.excel_import.existing import importable_inspections
from zhenggai.ledger.models import Aspect, Finding, ImportStaging, Inspection, Measure, Problem
from zhenggai.ledger.services.excel_import import excel_confirm, excel_preview, excel_stage
from zhenggai.ledger.services.importing import AlreadyImported

pytestmark = pytest.mark.django_db

COMMITTEE = "中共示范区交通局党组"  # the sheet's 巡察信息 names it


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def inspection() -> Inspection:
    """An inspection holding 1.执法程序不规范。 → （1）部分案卷缺少审批记录。 → 一是全面梳理案卷。"""
    committee = OrganisationFactory(name=COMMITTEE, kind=OrganisationKind.COMMITTEE)
    inspection = InspectionFactory(organisation=committee, title="已有的巡察")
    aspect = AspectFactory(inspection=inspection, no=1, title="党的纪律建设方面", sort_order=0)
    problem = ProblemFactory(aspect=aspect, no=1, title="执法程序不规范。", sort_order=0)
    finding = FindingFactory(problem=problem, no=1, text="部分案卷缺少审批记录。", sort_order=0)
    MeasureFactory(
        inspection=inspection, findings=[finding], no=1, marker="一是", content="全面梳理案卷。"
    )
    return inspection


def office_of(inspection: Inspection) -> User:
    user = UserFactory()
    RoleAssignment.objects.create(
        user=user, role=Role.OFFICE, organisation=inspection.organisation, include_subtree=True
    )
    return user


def confirm(data: bytes, into: int | None, actor: User | None = None, **kw: Any) -> Any:
    staging = excel_stage(data=data, filename="台账.xlsx", actor=actor, inspection_id=into)
    return excel_confirm(staging=staging, sha256=staging.sha256, actor=actor, **kw)


NEW_FINDING = row(finding="（2）执法记录仪使用不规范。", measure="一是规范执法记录仪使用。")
NEW_PROBLEM = row(problem="2.案卷归档不及时。", finding="（1）归档滞后。", measure="一是按月归档。")


def test_rows_join_the_inspections_tree_by_title(inspection):
    result = confirm(
        workbook([row(measure="二是建立审批台账。"), NEW_FINDING, NEW_PROBLEM]),
        into=inspection.pk,
        create_missing=True,
    )
    assert result.inspection == inspection and not result.inspection_created
    assert result.counts | {} == {
        "aspects": 0,
        "problems": 1,
        "findings": 2,
        "measures": 3,
        "progress_reports": 0,
    }
    assert Inspection.objects.count() == 1 and Aspect.objects.count() == 1
    first = Finding.objects.get(text="部分案卷缺少审批记录。")
    assert list(first.measures.order_by("sort_order").values_list("content", flat=True)) == [
        "全面梳理案卷。",
        "建立审批台账。",
    ]
    old_problem = Problem.objects.get(title="执法程序不规范。")
    assert list(
        old_problem.findings.order_by("sort_order").values_list("no", "sort_order", "text")
    ) == [(1, 0, "部分案卷缺少审批记录。"), (2, 1, "执法记录仪使用不规范。")]
    # The new problem's number 2 is free in the aspect; its finding number 1 is its own.
    new_problem = Problem.objects.get(title="案卷归档不及时。")
    assert (new_problem.no, new_problem.sort_order) == (2, 1)


def test_a_number_the_inspection_uses_is_kept_in_the_marker_only(inspection):
    confirm(workbook([row(finding="（1）另一个问题。", measure="一是整改。")]), into=inspection.pk)
    added = Finding.objects.get(text="另一个问题。")
    assert (added.no, added.marker, added.sort_order) == (None, "（1）", 1)


def test_a_closed_new_measure_does_not_close_an_existing_finding(inspection):
    confirm(workbook([row(measure="二是建立审批台账。", state="已销号")]), into=inspection.pk)
    assert Finding.objects.get(text="部分案卷缺少审批记录。").state != FindingState.CLOSED
    assert Measure.objects.get(content="建立审批台账。").state == MeasureState.CLOSED


def test_the_same_file_twice_into_the_same_inspection_is_refused(inspection):
    data = workbook([NEW_FINDING])
    confirm(data, into=inspection.pk)
    before = Measure.objects.count()
    with pytest.raises(
        AlreadyImported, match=rf"该文件已导入过.*巡察 #{inspection.pk}，不重复导入"
    ):
        confirm(data, into=inspection.pk)
    assert Measure.objects.count() == before


def test_the_same_file_twice_as_a_new_inspection_is_refused():
    data = workbook([row()])
    first = confirm(data, into=None, create_missing=True).inspection
    with pytest.raises(AlreadyImported, match=rf"该文件已导入过.*巡察 #{first.pk}") as caught:
        confirm(data, into=None, create_missing=True)
    assert caught.value.inspection_id is None and Inspection.objects.count() == 1


def test_a_sheet_whose_rows_are_all_there_is_refused_even_when_skipping(inspection):
    with pytest.raises(AlreadyImported, match=r"表中的行都已在巡察 #\d+ 的台账中，不重复导入"):
        confirm(workbook([row()]), into=inspection.pk, skip_bad_rows=True)
    assert Measure.objects.count() == 1


def test_rows_already_there_are_listed_and_refused_unless_skipped(inspection):
    data = workbook([row(), NEW_FINDING])
    staging = excel_stage(data=data, filename="台账.xlsx", actor=None, inspection_id=inspection.pk)
    plan = excel_preview(staging=staging)
    assert [(e.row, e.column) for e in plan.errors] == [(3, "整改措施")]
    assert f"已在巡察 #{inspection.pk} 的台账中" in plan.errors[0].reason
    with pytest.raises(
        AlreadyImported, match=r"1 行已在巡察 #.*未导入任何内容；如只导入其余的行，请选择跳过错误行"
    ):
        excel_confirm(staging=staging, sha256=staging.sha256, actor=None)
    assert Measure.objects.count() == 1
    result = excel_confirm(staging=staging, sha256=staging.sha256, actor=None, skip_bad_rows=True)
    assert result.skipped == [3] and result.counts["measures"] == 1
    assert Measure.objects.filter(content="全面梳理案卷。").count() == 1


def test_an_exported_sheet_does_not_make_a_second_inspection_of_its_rows(inspection):
    info = [
        ("巡察", "巡察组", "被巡察党组织"),
        ("已有的巡察", "区委第一巡察组", COMMITTEE),
    ]
    with pytest.raises(AlreadyImported, match=r"巡察“已有的巡察”已存在.*导入到已有巡察"):
        confirm(workbook([row(), NEW_FINDING], info=info), into=None, create_missing=True)
    assert Inspection.objects.count() == 1
    # A sheet of the same title whose rows are all new is another inspection's.
    confirm(workbook([NEW_PROBLEM], info=info), into=None, create_missing=True)
    assert Inspection.objects.count() == 2


def test_only_an_inspection_the_user_may_import_into_is_taken(inspection):
    other = InspectionFactory()
    office = office_of(inspection)
    with pytest.raises(PermissionDenied):
        excel_stage(
            data=workbook([row()]), filename="台账.xlsx", actor=office, inspection_id=other.pk
        )
    with pytest.raises(InputError, match="没有编号为 999999 的巡察"):
        excel_stage(
            data=workbook([row()]), filename="台账.xlsx", actor=office, inspection_id=999999
        )
    assert not ImportStaging.objects.exists()
    assert list(importable_inspections(office)) == [inspection]


def test_an_inspection_scoped_role_offers_that_inspection_only(inspection):
    sibling = InspectionFactory(organisation=inspection.organisation)
    user = UserFactory()
    RoleAssignment.objects.create(
        user=user, role=Role.OFFICE, organisation=inspection.organisation, inspection=sibling
    )
    RoleAssignment.objects.create(user=user, role=Role.LEADER, organisation=inspection.organisation)
    assert list(importable_inspections(user)) == [sibling]


# --- the pages -------------------------------------------------------------------------


def client_of(user: User) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def upload(client: Any, data: bytes, into: Any = "") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        "/import/excel/", {"file": SimpleUploadedFile("台账.xlsx", data), "inspection": into}
    )


def test_the_upload_page_offers_the_users_inspections_only(inspection):
    other = InspectionFactory(title="别处的巡察")
    page = client_of(office_of(inspection)).get("/import/excel/").content.decode()
    assert "导入到已有巡察" in page and f'value="{inspection.pk}"' in page
    assert "别处的巡察" not in page and f'value="{other.pk}"' not in page


def test_another_inspections_id_is_an_error_beside_the_field_and_nothing_is_staged(inspection):
    other = InspectionFactory()
    response = upload(client_of(office_of(inspection)), workbook([NEW_FINDING]), into=other.pk)
    assert response.status_code == 400
    assert "选择一个有效的选项" in response.content.decode()
    assert not ImportStaging.objects.exists() and Measure.objects.count() == 1


def test_an_upload_into_an_inspection_is_previewed_and_confirmed_into_it(inspection):
    client = client_of(office_of(inspection))
    response = upload(client, workbook([row(), NEW_FINDING]), into=inspection.pk)
    staging = ImportStaging.objects.get()
    assert response.status_code == 302 and staging.choices["inspection"] == inspection.pk
    page = client.get(response.url).content.decode()
    assert "导入到：" in page and "已有的巡察" in page
    assert "1 行无误，1 行有错误。" in page and "已在巡察" in page
    # Saving the column mapping (here as it was read) keeps the chosen inspection.
    keys = ["no", "aspect", "problem", "finding", "measure", "leader", "unit", "person"]
    keys += ["deadline", "state", "progress"]
    client.post(response.url, {f"col_{i}": key for i, key in enumerate(keys)})
    staging.refresh_from_db()
    assert staging.choices["inspection"] == inspection.pk and staging.choices["manual"]
    done = client.post(
        f"/import/excel/{staging.pk}/confirm/", {"sha256": staging.sha256, "skip_bad_rows": "on"}
    )
    assert done.status_code == 302 and done.url == f"/inspections/{inspection.pk}/"
    assert Inspection.objects.count() == 1
    assert Measure.objects.filter(inspection=inspection).count() == 2


def test_a_second_upload_of_the_same_file_shows_why_and_cannot_be_confirmed(inspection):
    client = client_of(office_of(inspection))
    data = workbook([NEW_FINDING])
    first = upload(client, data, into=inspection.pk)
    staging = ImportStaging.objects.get()
    client.post(f"/import/excel/{staging.pk}/confirm/", {"sha256": staging.sha256})
    again = upload(client, data, into=inspection.pk)
    page = client.get(again.url).content.decode()
    assert first.url != again.url
    assert 'data-testid="refusal"' in page and "该文件已导入过" in page
    assert 'data-testid="confirm" disabled' in page
    second = ImportStaging.objects.order_by("-pk").first()
    assert second is not None
    response = client.post(f"/import/excel/{second.pk}/confirm/", {"sha256": second.sha256})
    assert response.status_code == 400 and "不重复导入" in response.content.decode()
    assert Measure.objects.count() == 2
