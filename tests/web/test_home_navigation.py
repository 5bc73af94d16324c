"""The navigation bar: sections by the actions of the roles held, one line per section."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import UserFactory
from tests.ledger.dashboard_world import build_board
from zhenggai.accounts.choices import Role
from zhenggai.accounts.permissions import Action
from zhenggai.web import navigation
from zhenggai.web.navigation import Section, nav_items


def offered_ids(roles: set[str]) -> list[str]:
    return [item.testid for item in nav_items(frozenset(roles))]


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_role_that_reads_a_ledger_is_offered_the_ledger_and_the_inspections(role):
    reads = ["nav-home", "nav-ledger", "nav-inspections", "nav-search", "nav-calendar"]
    importer = role in (Role.OFFICE, Role.ADMIN)
    overseer = role in (Role.OFFICE, Role.LEADER, Role.SUPERVISOR)
    urger = role == Role.OFFICE  # the overall list of urging notices (督办文书)
    assert offered_ids({role}) == (
        reads
        + (["nav-overview"] if overseer else [])
        + (["nav-import"] if importer else [])
        + (["nav-urging"] if urger else [])
    )


def test_a_user_without_roles_is_offered_only_the_home():
    assert offered_ids(set()) == ["nav-home"]


def test_a_section_is_offered_by_the_actions_it_needs(monkeypatch):
    """The pattern the lead extends (公告, 导入): a line with the actions it needs."""
    extra = Section("公告", "web:home", "/x/", "nav-extra", (Action.DRAFT_ANNOUNCEMENT,))
    monkeypatch.setattr(navigation, "SECTIONS", (*navigation.SECTIONS, extra))
    assert "nav-extra" in offered_ids({Role.OFFICE})
    assert "nav-extra" not in offered_ids({Role.UNIT, Role.LEADER})


@pytest.mark.django_db
def test_the_bar_marks_the_inspections_section_active_on_a_dashboard():
    board = build_board()
    client = Client()
    client.force_login(board.users["office"])
    html = client.get(f"/inspections/{board.inspection.pk}/dashboard/").content.decode()
    assert 'active" aria-current="page" href="/inspections/" data-testid="nav-inspections"' in html
    home = client.get("/").content.decode()
    assert 'active" aria-current="page" href="/" data-testid="nav-home"' in home


@pytest.mark.django_db
def test_a_user_without_roles_sees_no_ledger_link():
    client = Client()
    client.force_login(UserFactory())
    html = client.get("/").content.decode()
    assert 'data-testid="nav-home"' in html and 'data-testid="nav-ledger"' not in html
