"""The records admin only shows activities: the records services record them (with their
findings, permission and audit entry), so the admin refuses to add or change one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tests.factories import FindingFactory, UserFactory
from zhenggai.audit.admin_mixins import WORKFLOW_NOTICE
from zhenggai.records.choices import ActivityKind
from zhenggai.records.models import Activity

pytestmark = pytest.mark.django_db

NOTICE = WORKFLOW_NOTICE.format(name="学习教育活动")


@pytest.fixture
def admin_client_zh() -> Client:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _form(finding_pk: int, inspection_pk: int, title: str) -> dict[str, object]:
    return {
        "inspection": inspection_pk,
        "kind": ActivityKind.TRAINING,
        "title": title,
        "held_on": "2026-08-12",
        "participants": "40",
        "findings": [finding_pk],
        "note": "",
    }


def test_the_admin_refuses_to_add_an_activity_and_says_why(admin_client_zh: Client) -> None:
    finding = FindingFactory()
    assert Activity._meta.verbose_name_plural == "学习教育活动"
    page = admin_client_zh.get("/admin/records/activity/add/")
    assert page.status_code == 403
    assert NOTICE in page.content.decode()
    response = admin_client_zh.post(
        "/admin/records/activity/add/", _form(finding.pk, finding.inspection.pk, "整改业务培训")
    )
    assert response.status_code == 403
    assert NOTICE in response.content.decode()
    assert not Activity.objects.exists()


def test_the_admin_shows_an_activity_but_refuses_to_change_it(admin_client_zh: Client) -> None:
    finding = FindingFactory()
    activity = Activity.objects.create(
        inspection=finding.inspection,
        kind=ActivityKind.TRAINING,
        title="整改业务培训",
        held_on=dt.date(2026, 8, 12),
        participants=40,
    )
    activity.findings.add(finding)
    url = f"/admin/records/activity/{activity.pk}/change/"
    page = admin_client_zh.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "整改业务培训" in html and NOTICE in html
    assert 'name="title"' not in html  # shown, not offered as a field
    response = admin_client_zh.post(url, _form(finding.pk, finding.inspection.pk, "改过的标题"))
    assert response.status_code == 403
    assert NOTICE in response.content.decode()
    activity.refresh_from_db()
    assert activity.title == "整改业务培训"
    assert list(activity.findings.all()) == [finding]
