"""The records admin offers the findings an activity answers, as for institutions."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.factories import FindingFactory, UserFactory
from zhenggai.records.choices import ActivityKind
from zhenggai.records.models import Activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_zh() -> Client:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_activity_form_chooses_findings_by_autocomplete(admin_client_zh: Client) -> None:
    response = admin_client_zh.get("/admin/records/activity/add/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "对应问题" in html
    select = re.search(r'<select[^>]*name="findings"[^>]*>', html)
    assert select is not None
    assert "admin-autocomplete" in select.group(0)
    assert "/admin/autocomplete/" in select.group(0)


def test_an_activity_saved_in_the_admin_keeps_its_findings(admin_client_zh: Client) -> None:
    finding = FindingFactory()
    response = admin_client_zh.post(
        "/admin/records/activity/add/",
        {
            "inspection": finding.inspection.pk,
            "kind": ActivityKind.TRAINING,
            "title": "整改业务培训",
            "held_on": "2026-08-12",
            "participants": "40",
            "findings": [finding.pk],
            "note": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(Activity.objects.get(title="整改业务培训").findings.all()) == [finding]
