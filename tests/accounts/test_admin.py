"""The organisation admin keeps the materialised path right."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import OrganisationFactory, UserFactory
from zhenggai.accounts.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_zh() -> Client:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_adding_an_organisation_in_the_admin_sets_its_path(admin_client_zh: Client) -> None:
    bureau = OrganisationFactory(name="示范区城市管理局")
    response = admin_client_zh.post(
        "/admin/accounts/organisation/add/",
        {
            "name": "市政管理所",
            "short_name": "",
            "kind": "unit",
            "parent": bureau.pk,
            "sort_order": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Organisation.objects.get(name="市政管理所")
    assert created.path == f"{bureau.path}{created.pk}/"


def test_an_organisation_with_children_cannot_be_moved_in_the_admin(
    admin_client_zh: Client,
) -> None:
    bureau = OrganisationFactory()
    OrganisationFactory(parent=bureau)
    response = admin_client_zh.get(f"/admin/accounts/organisation/{bureau.pk}/change/")
    assert response.status_code == 200
    assert 'name="parent"' not in response.content.decode()
