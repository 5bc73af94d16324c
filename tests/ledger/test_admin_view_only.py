"""Workflow data is view-only in the admin, for superusers too: adding, changing and
deleting are refused with a page saying that the platform's functions make those changes
(so each is checked and audited), and nothing in the database moves. Evidence files are
linked through the checked download view, never by their storage URL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from tests.factories import MeasureFactory, ProgressReportFactory, UserFactory
from zhenggai.audit.admin_mixins import WORKFLOW_NOTICE
from zhenggai.audit.models import AuditEntry
from zhenggai.demo.load import demo_load
from zhenggai.ledger.choices import MeasureState
from zhenggai.ledger.models import CloseOutRequest, EvidenceFile, Measure, ProgressReport
from zhenggai.publication.models import Announcement
from zhenggai.records.models import Institution
from zhenggai.urging.choices import Channel, ReminderKind
from zhenggai.urging.models import Reminder

pytestmark = pytest.mark.django_db


def _measure() -> Measure:
    return MeasureFactory()


def _close_out_request() -> CloseOutRequest:
    measure = MeasureFactory(state=MeasureState.IN_PROGRESS)
    return CloseOutRequest.objects.create(
        measure=measure, requested_by=UserFactory(), summary="已按期完成整改。"
    )


def _progress_report() -> ProgressReport:
    return ProgressReportFactory()


def _institution() -> Institution:
    return Institution.objects.create(inspection=MeasureFactory().inspection, name="公务接待管理办法")


def _reminder() -> Reminder:
    return Reminder.objects.create(
        kind=ReminderKind.BEFORE_DEADLINE, channel=Channel.IN_APP, subject="整改措施即将到期"
    )


def _announcement() -> Announcement:
    return Announcement.objects.create(
        inspection=MeasureFactory().inspection, title="关于巡察整改进展情况的通报", body="正文"
    )


# (make a row, a field to try to change, the value tried, form data for an add)
CASES: list[tuple[Callable[[], Model], str, Any]] = [
    (_measure, "content", "改过的措施内容"),
    (_close_out_request, "summary", "改过的说明"),
    (_progress_report, "narrative", "改过的进展"),
    (_institution, "name", "改过的制度名称"),
    (_reminder, "subject", "改过的主题"),
    (_announcement, "title", "改过的标题"),
]
IDS = ["measure", "close_out_request", "progress_report", "institution", "reminder", "announcement"]


@pytest.fixture
def superuser_client() -> Client:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _urls(obj: Model) -> tuple[str, str, str, str]:
    info = f"admin:{obj._meta.app_label}_{obj._meta.model_name}"
    return (
        reverse(f"{info}_changelist"),
        reverse(f"{info}_add"),
        reverse(f"{info}_change", args=[obj.pk]),
        reverse(f"{info}_delete", args=[obj.pk]),
    )


def _state(obj: Model) -> dict[str, Any]:
    return type(obj)._default_manager.filter(pk=obj.pk).values().get()


@pytest.mark.parametrize(("make", "field", "value"), CASES, ids=IDS)
def test_a_superuser_cannot_add_change_or_delete_workflow_data(
    superuser_client: Client, make: Callable[[], Model], field: str, value: Any
) -> None:
    obj = make()
    model = type(obj)
    notice = WORKFLOW_NOTICE.format(name=model._meta.verbose_name_plural)
    changelist, add, change, delete = _urls(obj)
    before = _state(obj)
    rows, entries = model._default_manager.count(), AuditEntry.objects.count()
    form = {**{k: v for k, v in before.items() if v is not None}, field: value}

    refused = superuser_client.post(add, form)
    assert refused.status_code == 403
    assert notice in refused.content.decode()
    assert superuser_client.get(add).status_code == 403

    refused = superuser_client.post(change, form)
    assert refused.status_code == 403
    assert notice in refused.content.decode()

    refused = superuser_client.post(delete, {"post": "yes"})
    assert refused.status_code == 403
    assert notice in refused.content.decode()

    actions = superuser_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    )
    assert actions.status_code in (200, 302)  # no such action: Django says "none selected"

    assert model._default_manager.count() == rows
    assert _state(obj) == before
    assert AuditEntry.objects.count() == entries


@pytest.mark.parametrize(("make", "field", "value"), CASES, ids=IDS)
def test_workflow_pages_are_viewable_and_say_why_they_are_read_only(
    superuser_client: Client, make: Callable[[], Model], field: str, value: Any
) -> None:
    obj = make()
    notice = WORKFLOW_NOTICE.format(name=type(obj)._meta.verbose_name_plural)
    changelist, _add, change, _delete = _urls(obj)
    listing = superuser_client.get(changelist)
    assert listing.status_code == 200
    assert notice in listing.content.decode()
    detail = superuser_client.get(change)
    assert detail.status_code == 200
    html = detail.content.decode()
    assert notice in html
    assert f'name="{field}"' not in html  # shown as text, no form field
    assert 'name="_save"' not in html
    # Search and filters still work on the view-only list.
    assert superuser_client.get(changelist, {"q": "整改"}).status_code == 200


def test_evidence_links_to_the_checked_download_not_the_storage_url(
    superuser_client: Client, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    report = ProgressReportFactory()
    evidence = EvidenceFile(
        progress_report=report,
        original_name="会议纪要.pdf",
        content_type="application/pdf",
        size=4,
        sha256="0" * 64,
        uploaded_at=dt.datetime(2026, 7, 31, 9, tzinfo=dt.UTC),
    )
    evidence.file.save("minutes.pdf", ContentFile(b"%PDF"), save=False)
    evidence.save()
    download = reverse("ledger:evidence-download", args=[evidence.pk])
    for url in (
        reverse("admin:ledger_evidencefile_change", args=[evidence.pk]),
        reverse("admin:ledger_progressreport_change", args=[report.pk]),  # the inline
    ):
        html = superuser_client.get(url).content.decode()
        assert f'href="{download}"' in html, url
        assert evidence.file.url not in html, url
        assert "/media/" not in html, url


def test_every_admin_page_renders_with_the_demo_ledger_and_links_no_stored_file(
    superuser_client: Client, settings: Any, tmp_path: Any
) -> None:
    """The demo fills every workflow table (evidence, reviews, reports, records, …)."""
    settings.MEDIA_ROOT = tmp_path
    demo_load(password=None, source=None)
    rendered = 0
    for model in admin.site._registry:
        first = model._default_manager.order_by("-pk").first()
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        assert superuser_client.get(reverse(f"{info}_changelist")).status_code == 200, model
        if first is None:
            continue
        page = superuser_client.get(reverse(f"{info}_change", args=[first.pk]))
        assert page.status_code == 200, model
        assert "/media/" not in page.content.decode(), model
        rendered += 1
    assert rendered >= 30
