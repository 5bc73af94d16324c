"""Nobody edits the audit log through the admin, not even a superuser."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import UserFactory
from zhenggai.audit.models import AuditEntry
from zhenggai.core.auditchain import HASH_V2

pytestmark = pytest.mark.django_db


def test_audit_entries_are_read_only_in_the_admin() -> None:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    entry = AuditEntry.objects.create(
        seq=1,
        action="inspection.create",
        object_type="ledger.inspection",
        object_id="1",
        prev_hash="0" * 64,
        hash="a" * 64,
        hash_version=HASH_V2,
    )
    assert client.get("/admin/audit/auditentry/").status_code == 200
    assert client.get(f"/admin/audit/auditentry/{entry.pk}/change/").status_code == 200  # view only
    assert client.get("/admin/audit/auditentry/add/").status_code == 403
    assert (
        client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"action": "x"}).status_code
        == 403
    )
    assert (
        client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    entry.refresh_from_db()
    assert entry.action == "inspection.create"
