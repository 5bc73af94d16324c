"""The document import wizard: upload → preview with choices → confirm (issue #11 item 2)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.factories import OrganisationFactory, PersonFactory, UserFactory
from zhenggai import clock
from zhenggai.accounts.choices import OrganisationKind, Role
from zhenggai.accounts.models import Organisation, RoleAssignment
from zhenggai.audit.models import AuditEntry
from zhenggai.core.errors import InputError
from zhenggai.ledger.models import (
    Aspect,
    Finding,
    ImportStaging,
    Inspection,
    Measure,
    Problem,
    SourceDocument,
)
from zhenggai.ledger.services import document_staging
from zhenggai.ledger.services.staging import (
    STAGING_EXPIRED,
    STAGING_HASH_MISMATCH,
)

pytestmark = pytest.mark.django_db

SEED_ISSUER = "中共蚌埠市龙子湖区城市管理局委员会"
#: A progress summary: figures, nothing numbered (the parser keeps its claims, no tree).
SUMMARY = (
    "关于巡察整改进展情况的通报\n"
    "区委巡察组反馈意见后，局党委制定整改措施47条，建立完善制度16项，问责2人。\n"
    "目前整改工作总体进展顺利。\n"
)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world() -> dict[str, Any]:
    committee = OrganisationFactory(name=SEED_ISSUER, kind=OrganisationKind.COMMITTEE)
    unit = OrganisationFactory(name="执法大队", parent=committee)
    leader = PersonFactory(organisation=unit, name="王副局长")
    elsewhere = OrganisationFactory(name="别的党组", kind=OrganisationKind.COMMITTEE)
    user = UserFactory()
    RoleAssignment.objects.create(
        user=user, role=Role.OFFICE, organisation=committee, include_subtree=True
    )
    RoleAssignment.objects.create(
        user=user, role=Role.OFFICE, organisation=elsewhere, include_subtree=True
    )
    client = Client()
    client.force_login(user)
    return {"client": client, "user": user, "committee": committee, "unit": unit,
            "leader": leader, "elsewhere": elsewhere}


@pytest.fixture(scope="module")
def seed(seed_path: Path) -> bytes:
    return seed_path.read_bytes()


def upload(client: Client, data: bytes, name: str = "seed.txt") -> Any:
    return client.post("/import/document/", {"file": SimpleUploadedFile(name, data)})


def staged(client: Client, data: bytes) -> ImportStaging:
    response = upload(client, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportStaging.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))


def choices_post(staging: ImportStaging, **extra: Any) -> dict[str, Any]:
    """What the page posts when nothing is changed (titles as parsed)."""
    document = document_staging.staged_document(staging)
    assert document is not None
    keys = document_staging.tree_keys(document)
    data: dict[str, Any] = {"organisation": "", "sha256": staging.sha256}
    for k, a in zip(keys.aspects, document.aspects, strict=True):
        data[f"title_{k}"] = a.title
    for k, p in zip(keys.problems, document.problems(), strict=True):
        data[f"title_{k}"] = p.title
    return data | extra


def test_the_landing_offers_a_document_or_an_excel_ledger(world):
    page = world["client"].get("/import/").content.decode()
    assert 'href="/import/document/"' in page and 'href="/import/excel/"' in page
    assert "没有未完成的导入" in page


def test_the_seed_is_staged_and_previewed_with_its_figures_and_nothing_in_the_ledger(world, seed):
    client = world["client"]
    staging = staged(client, seed)
    assert staging.kind == "document" and staging.result["state"] == "done"
    page = client.get(f"/import/document/{staging.pk}/").content.decode()
    assert "识别出 6 个方面、12 个问题、25 个具体问题、44 条整改措施。" in page
    figures = page.split('data-testid="figures"')[1].split("</table>")[0]
    assert "整改措施" in figures and ">47<" in figures and ">44<" in figures and "不一致" in figures
    assert 'data-testid="warnings"' in page
    assert staging.sha256 in page  # the confirm is bound to the previewed hash
    assert not Inspection.objects.exists() and not SourceDocument.objects.exists()
    # The landing lists the open upload, so a user finds it again.
    assert f"/import/document/{staging.pk}/" in client.get("/import/").content.decode()


def test_choices_are_kept_in_the_row_and_shown_after_a_reload(world, seed):
    client = world["client"]
    staging = staged(client, seed)
    data = choices_post(
        staging, title_a0="提高政治站位（已核对）", key_f1="on",
        unit_m0=str(world["unit"].pk), leader_m0=str(world["leader"].pk), deadline_m0="2020-12-31",
    )
    response = client.post(f"/import/document/{staging.pk}/", data)
    assert response.status_code == 302
    staging.refresh_from_db()
    assert staging.choices == {
        "organisation": None,
        "titles": {"a0": "提高政治站位（已核对）"},
        "key": ["f1"],
        "measures": {"m0": {"unit": world["unit"].pk, "leader": world["leader"].pk,
                            "deadline": "2020-12-31"}},
    }
    page = client.get(f"/import/document/{staging.pk}/").content.decode()
    assert 'value="提高政治站位（已核对）"' in page
    assert f'<option value="{world["unit"].pk}" selected>' in page
    assert 'value="2020-12-31"' in page
    assert not Inspection.objects.exists()


def test_the_confirm_imports_with_the_choices_and_opens_the_inspection(world, seed):
    client = world["client"]
    staging = staged(client, seed)
    data = choices_post(
        staging, title_p0="新的问题标题", key_f1="on",
        unit_m0=str(world["unit"].pk), leader_m0=str(world["leader"].pk), deadline_m0="2020-12-31",
    )
    response = client.post(f"/import/document/{staging.pk}/confirm/", data)
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and response.url == f"/inspections/{inspection.pk}/"
    assert inspection.organisation == world["committee"]
    assert inspection.measures.count() == 44
    problem = Problem.objects.filter(inspection=inspection).order_by("aspect__sort_order", "sort_order")[0]
    assert problem.title == "新的问题标题"
    findings = Finding.objects.filter(inspection=inspection).order_by(
        "problem__aspect__sort_order", "problem__sort_order", "sort_order"
    )
    assert [f.is_key for f in findings[:3]] == [False, True, False]
    first = Measure.objects.filter(inspection=inspection).order_by("sort_order")[0]
    assert first.lead_unit == world["unit"] and first.responsible_leader == world["leader"]
    assert first.deadline == dt.date(2020, 12, 31)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"document.import", "problem.update", "finding.set_key", "staging.create"} <= actions
    staging.refresh_from_db()
    assert staging.confirmed_at is not None and staging.inspection == inspection
    # A second confirm of the same upload is refused: nothing is imported twice.
    again = client.post(f"/import/document/{staging.pk}/confirm/", data)
    assert again.status_code == 400
    assert "该上传已经导入" in again.content.decode()
    assert Inspection.objects.count() == 1


def test_a_failing_choice_rolls_the_whole_import_back(world, seed, monkeypatch):
    client = world["client"]
    staging = staged(client, seed)
    data = choices_post(staging, key_f0="on")

    def refuse(**kwargs: Any) -> None:
        from django.core.exceptions import ValidationError

        raise ValidationError("该具体问题已被他人修改，请刷新后重试")

    monkeypatch.setattr(document_staging, "finding_set_key", refuse)
    response = client.post(f"/import/document/{staging.pk}/confirm/", data)
    assert response.status_code == 400
    assert "该具体问题已被他人修改" in response.content.decode()
    assert not Inspection.objects.exists() and not Aspect.objects.exists()
    staging.refresh_from_db()
    assert staging.confirmed_at is None


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "old.doc", "旧版 Word/WPS"),
        (b"\x00\x01\x02binary" * 10, "x.txt", "不是文本文件"),
        (b"\xef\xbb\xbf\xff\xfe broken", "bad.txt", "文本声明为 utf-8"),
        (b"PK\x03\x04 not a zip at all", "bad.docx", "不是有效的 Word 文档"),
        (b"%PDF-1.4 broken", "bad.pdf", "不是有效的 PDF 文件"),
        (b"   ", "empty.txt", "文件为空"),
        (SUMMARY.encode(), "summary.txt", "不能导入为空的巡察"),
        ("今天天气很好。\n".encode(), "plain.txt", "未识别出文件结构"),
    ],
)
def test_a_refused_file_says_why_beside_the_field_and_nothing_is_kept(world, data, name, message):
    response = upload(world["client"], data, name)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "invalid-feedback" in page
    assert not ImportStaging.objects.exists() and not Inspection.objects.exists()


def test_a_file_over_the_limit_is_refused(world, monkeypatch):
    monkeypatch.setattr(document_staging, "MAX_BYTES", 1024)
    response = upload(world["client"], "一".encode() * 1000, "big.txt")
    assert response.status_code == 400
    assert "文件过大" in response.content.decode()
    assert not ImportStaging.objects.exists()


def test_a_confirm_with_another_hash_is_refused_and_writes_nothing(world, seed):
    client = world["client"]
    staging = staged(client, seed)
    response = client.post(
        f"/import/document/{staging.pk}/confirm/", choices_post(staging, sha256="0" * 64)
    )
    assert response.status_code == 400
    assert STAGING_HASH_MISMATCH in response.content.decode()
    assert not Inspection.objects.exists()


def test_an_expired_upload_is_refused(world, seed):
    client = world["client"]
    staging = staged(client, seed)
    with clock.travel(clock.now() + dt.timedelta(days=8)):
        assert 'data-testid="expired"' in client.get(f"/import/document/{staging.pk}/").content.decode()
        response = client.post(f"/import/document/{staging.pk}/confirm/", choices_post(staging))
    assert response.status_code == 400
    assert STAGING_EXPIRED in response.content.decode()
    assert not Inspection.objects.exists()


def test_another_users_upload_is_404_and_untouched(world, seed):
    staging = staged(world["client"], seed)
    other = UserFactory()
    RoleAssignment.objects.create(
        user=other, role=Role.OFFICE, organisation=world["committee"], include_subtree=True
    )
    client = Client()
    client.force_login(other)
    assert client.get(f"/import/document/{staging.pk}/").status_code == 404
    assert client.post(f"/import/document/{staging.pk}/", choices_post(staging)).status_code == 404
    response = client.post(f"/import/document/{staging.pk}/confirm/", choices_post(staging))
    assert response.status_code == 404
    staging.refresh_from_db()
    assert staging.choices == {} and staging.confirmed_at is None
    assert not Inspection.objects.exists()


def test_a_unit_outside_the_inspected_organisation_is_an_error_beside_it(world, seed):
    client = world["client"]
    staging = staged(client, seed)
    data = choices_post(staging, unit_m0=str(world["elsewhere"].pk), title_a1="")
    response = client.post(f"/import/document/{staging.pk}/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "请选择被巡察党组织或其下属单位" in page
    assert "这个字段是必填项" in page  # the emptied title, beside its field
    assert f'<option value="{world["elsewhere"].pk}" selected>' in page  # nothing typed lost
    staging.refresh_from_db()
    assert staging.choices == {}


def test_the_office_may_import_into_an_organisation_it_chooses(world, seed):
    client = world["client"]
    world["committee"].name = "另一个名字"
    world["committee"].save()
    staging = staged(client, seed)
    refused = client.post(f"/import/document/{staging.pk}/confirm/", choices_post(staging))
    # The signature names no organisation the office may import to (a new one is the
    # administrator's): said on the page, nothing written.
    assert refused.status_code == 400
    assert not Inspection.objects.exists()
    assert Organisation.objects.filter(name=SEED_ISSUER).count() == 0
    data = choices_post(staging, organisation=str(world["committee"].pk))
    response = client.post(f"/import/document/{staging.pk}/confirm/", data)
    assert response.status_code == 302
    assert Inspection.objects.get().organisation == world["committee"]


def test_a_long_parse_runs_as_a_task_and_the_page_shows_its_progress(
    world, seed, monkeypatch, django_capture_on_commit_callbacks
):
    client = world["client"]
    monkeypatch.setattr(document_staging, "is_long", lambda data: True)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        staging = staged(client, seed)
    assert staging.result == {"state": "queued"}
    page = client.get(f"/import/document/{staging.pk}/")
    assert 'data-state="queued"' in page.content.decode() and 'hx-trigger="every 2s"' in page.content.decode()
    partial = client.get(f"/import/document/{staging.pk}/", headers={"HX-Request": "true"})
    assert partial.content.decode().lstrip().startswith('<div id="progress"')
    refused = client.post(f"/import/document/{staging.pk}/confirm/", choices_post_minimal(staging))
    assert refused.status_code == 400 and "还在解析中" in refused.content.decode()
    for callback in callbacks:
        callback()  # the immediate task backend parses now
    staging.refresh_from_db()
    assert staging.result["state"] == "done"
    done = client.get(f"/import/document/{staging.pk}/", headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"
    assert "识别出 6 个方面" in client.get(f"/import/document/{staging.pk}/").content.decode()


def choices_post_minimal(staging: ImportStaging) -> dict[str, Any]:
    return {"sha256": staging.sha256}


def test_a_failed_parse_in_the_task_is_shown_with_its_reason(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    client = world["client"]
    monkeypatch.setattr(document_staging, "is_long", lambda data: True)
    with django_capture_on_commit_callbacks(execute=True):
        staging = staged(client, SUMMARY.encode())
    staging.refresh_from_db()
    assert staging.result["state"] == "failed"
    page = client.get(f"/import/document/{staging.pk}/").content.decode()
    assert 'data-testid="parse-error"' in page and "不能导入为空的巡察" in page
    assert not Inspection.objects.exists()


def test_an_office_for_one_inspection_is_not_offered_its_committee(world, seed):
    scoped = UserFactory()
    existing = Inspection.objects.create(title="另一次巡察", organisation=world["elsewhere"])
    RoleAssignment.objects.create(
        user=scoped, role=Role.OFFICE, organisation=world["committee"], include_subtree=True,
        inspection=existing,
    )
    client = Client()
    client.force_login(scoped)
    staging = staged(client, seed)
    page = client.get(f"/import/document/{staging.pk}/").content.decode()
    select = page.split('name="organisation"')[1].split("</select>")[0]
    assert f'value="{world["committee"].pk}"' not in select
    refused = client.post(f"/import/document/{staging.pk}/confirm/", choices_post(staging))
    assert refused.status_code == 400 and "没有权限" in refused.content.decode()
    assert Inspection.objects.count() == 1


@pytest.mark.parametrize("n", [1, 6])
def test_the_landing_runs_the_same_queries_for_few_and_many_open_uploads(
    world, n, django_assert_max_num_queries
):
    for i in range(n):
        document_staging.staging_create(
            kind="document", data=f"文件{i}".encode(), filename=f"{i}.txt",
            result={"state": "queued"}, actor=world["user"],
        )
    with django_assert_max_num_queries(6):
        page = world["client"].get("/import/").content.decode()
    assert page.count('href="/import/document/') == n + 1  # the rows and the button


@pytest.mark.parametrize("fmt", ["docx"])  # the PDF reader has its tests in tests/core
def test_a_docx_of_the_seed_is_staged_like_the_text(world, seed, fmt):
    from zhenggai.core.parser import parse_bytes
    from zhenggai.core.render_office import render

    data = render(parse_bytes(seed, filename="seed.txt"), fmt=fmt)
    response = upload(world["client"], data, f"seed.{fmt}")
    assert response.status_code == 302
    page = world["client"].get(response.url).content.decode()
    assert "识别出 6 个方面、12 个问题、25 个具体问题、44 条整改措施。" in page


def test_the_wizard_imports_what_the_command_line_imports(world, seed):
    from zhenggai.core.parser import parse_bytes

    staging = staged(world["client"], seed)
    world["client"].post(f"/import/document/{staging.pk}/confirm/", choices_post(staging))
    source = SourceDocument.objects.get()
    assert source.parsed == parse_bytes(seed, filename="seed.txt").to_dict()
    assert source.sha256 == staging.sha256 and source.counts["measures"] == 44


def test_a_scanned_pdf_is_queued_for_the_ocr_task(world, django_capture_on_commit_callbacks):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (200, 280), "white").save(buffer, format="PDF")
    assert document_staging.is_long(buffer.getvalue())
    assert not document_staging.is_long(b"%PDF-1.4 broken")  # the reader refuses it at once
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        staging = staged(world["client"], buffer.getvalue())
    assert staging.result == {"state": "queued"} and callbacks


def test_an_organisation_or_person_the_user_may_not_import_to_is_refused(world, seed):
    client = world["client"]
    staging = staged(client, seed)
    foreign = OrganisationFactory(name="外单位党委", kind=OrganisationKind.COMMITTEE)
    stranger = PersonFactory(organisation=foreign)
    data = choices_post(staging, organisation=str(foreign.pk), leader_m0=str(stranger.pk))
    for url in (f"/import/document/{staging.pk}/", f"/import/document/{staging.pk}/confirm/"):
        response = client.post(url, data)
        assert response.status_code == 400
        assert response.content.decode().count("选择一个有效的选项") == 2
    staging.refresh_from_db()
    assert staging.choices == {} and not Inspection.objects.exists()


def test_a_chosen_unit_deleted_before_the_confirm_is_said_not_a_server_error(world, seed):
    client = world["client"]
    staging = staged(client, seed)
    gone = OrganisationFactory(name="撤并的科室", parent=world["committee"])
    data = choices_post(staging, unit_m0=str(gone.pk))
    assert client.post(f"/import/document/{staging.pk}/", data).status_code == 302
    gone.delete()
    staging.refresh_from_db()
    with pytest.raises(InputError) as refused:
        document_staging.document_confirm(staging=staging, sha256=staging.sha256, actor=world["user"])
    assert str(refused.value) == document_staging.GONE
    assert not Inspection.objects.exists()
