"""A request reads its user's role rows once; outside a request every call reads them."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import OrganisationFactory, UserFactory
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import RoleAssignment
from zhenggai.accounts.permissions import roles_held, roles_read_once, view_scope

pytestmark = pytest.mark.django_db


def _role_queries(queries: list[dict[str, Any]]) -> int:
    return sum('FROM "accounts_roleassignment"' in q["sql"] for q in queries)


def test_within_a_block_the_rows_are_read_once_per_user() -> None:
    office, unit = UserFactory(), UserFactory()
    organisation = OrganisationFactory()
    RoleAssignment.objects.create(user=office, role=Role.OFFICE, organisation=organisation)
    RoleAssignment.objects.create(user=unit, role=Role.UNIT, organisation=organisation)
    with roles_read_once(), CaptureQueriesContext(connection) as ctx:
        first = view_scope(office)
        assert view_scope(office) == first and roles_held(office) == {Role.OFFICE}
        assert roles_held(unit) == {Role.UNIT} and view_scope(unit).units
    assert _role_queries(ctx.captured_queries) == 2  # one per user


def test_outside_a_block_a_new_role_is_seen_at_once() -> None:
    user, organisation = UserFactory(), OrganisationFactory()
    assert roles_held(user) == frozenset()
    RoleAssignment.objects.create(user=user, role=Role.LEADER, organisation=organisation)
    assert roles_held(user) == {Role.LEADER}
    with CaptureQueriesContext(connection) as ctx:
        view_scope(user)
        view_scope(user)
    assert _role_queries(ctx.captured_queries) == 2


def test_a_page_reads_its_user_roles_once(client: Client) -> None:
    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=Role.OFFICE, organisation=OrganisationFactory())
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/ledger/", secure=True).status_code == 200
    assert _role_queries(ctx.captured_queries) == 1
