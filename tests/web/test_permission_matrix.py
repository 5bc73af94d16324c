"""Every view × every role: allowed, 403, or 404 outside the user's scope; anonymous users
go to the login page. Cases: tests/web/matrix/*.py (one module per area of the UI)."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

import tests.web.matrix as matrix_package
from tests.web.permission_matrix import Case
from tests.web.world import ROLES, build_world

pytestmark = pytest.mark.django_db


def _cases() -> list[Case]:
    cases: list[Case] = []
    for module in pkgutil.iter_modules(matrix_package.__path__):
        cases += importlib.import_module(f"tests.web.matrix.{module.name}").CASES
    return cases


CASES = _cases()


class _Rollback(Exception):
    pass


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def test_every_case_names_every_role() -> None:
    for case in CASES:
        assert set(case.expect) == set(ROLES), case.name


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_role_by_view(case: Case) -> None:
    world = build_world()
    got: dict[str, int] = {}
    for role in ROLES:
        client = Client()
        user = world.users[role]
        if user is not None:
            client.force_login(user)
        headers = {"HTTP_HX_REQUEST": "true"} if case.htmx else {}
        try:
            # Each role's request runs in a savepoint that is rolled back: every role
            # meets the same world, whatever the previous one changed.
            with transaction.atomic():
                send = getattr(client, case.method)
                response = send(case.url(world), case.data(world), **headers)
                got[role] = response.status_code
                if role == "anonymous" and response.status_code == 302:
                    assert response["Location"].startswith("/login/"), response["Location"]
                raise _Rollback
        except _Rollback:
            pass
    assert got == case.expect
