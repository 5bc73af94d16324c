"""The landing page, login and logout (Chinese UI, bounded queries)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.factories import PASSWORD, MeasureFactory, OrganisationFactory, UserFactory
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import RoleAssignment, User
from zhenggai.core.parser import parse_bytes
from zhenggai.demo.load import demo_load
from zhenggai.ledger.models import Inspection
from zhenggai.ledger.services.importing import document_import

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _settings(settings: Any, tmp_path: Path) -> None:
    """Pages link static files; tests have no collected manifest to look them up in."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def seed_inspection(seed_path: Path) -> Inspection:
    data = seed_path.read_bytes()
    document = parse_bytes(data, filename=seed_path.name)
    return document_import(document=document, data=data, filename=seed_path.name, actor=None).inspection


def office_client(inspection: Inspection) -> Client:
    user = UserFactory()
    RoleAssignment.objects.create(
        user=user, role=Role.OFFICE, organisation=inspection.organisation, include_subtree=True
    )
    client = Client()
    client.force_login(user)
    return client


def page(client: Client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_anonymous_visitors_get_the_login_page_and_nothing_of_any_inspection(
    client, seed_inspection
):
    """DESIGN §7: the public sees only what was published; the ledger is not published."""
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/login/?next=/"
    html = client.get(response["Location"]).content.decode()
    assert seed_inspection.title not in html
    assert seed_inspection.organisation.name not in html
    assert "vendor/bootstrap/css/bootstrap.min.css" in html
    assert 'lang="zh-hans"' in html


def test_the_office_sees_its_inspection_with_counts_and_parse_warnings(seed_inspection):
    html = page(office_client(seed_inspection))
    assert 'data-testid="ledger"' in html
    assert seed_inspection.title in html
    assert 'data-card="total" data-count="44"' in html
    assert 'data-card="undone" data-count="44"' in html
    # The seed claims 47 measures; 44 were parsed: the page says so.
    assert "文中称整改措施 47 条" in html and "解析出 44 条" in html
    assert "退出" in html


def test_the_home_query_count_does_not_grow_with_rows(django_assert_max_num_queries):
    organisation = OrganisationFactory()
    inspection = MeasureFactory(inspection__organisation=organisation).inspection
    client = office_client(inspection)
    client.get("/")  # the holiday calendar is read once per process, then cached
    with django_assert_max_num_queries(40) as small:
        client.get("/")
    MeasureFactory.create_batch(30, inspection=inspection, findings=[inspection.findings.get()])
    with django_assert_max_num_queries(40) as large:
        html = client.get("/").content.decode()
    assert 'data-card="total" data-count="31"' in html
    assert len(large.captured_queries) == len(small.captured_queries)


def test_a_user_sees_only_inspections_they_may_view(seed_inspection):
    other = MeasureFactory().inspection
    html = page(office_client(other))
    assert other.title in html
    assert seed_inspection.title not in html


def test_a_user_without_roles_is_told_so(seed_inspection):
    client = Client()
    client.force_login(UserFactory())
    html = page(client)
    assert "您暂无可查看的巡察台账" in html
    assert seed_inspection.title not in html


def test_a_unit_user_sees_the_section_of_their_unit():
    result = demo_load(password="x", source=None)
    unit = next(u for u in result.units if u.name == "房地产服务中心")
    user = User.objects.get(role_assignments__organisation=unit, role_assignments__role=Role.UNIT)
    client = Client()
    client.force_login(user)
    html = page(client)
    assert 'data-testid="home-unit"' in html and "房地产服务中心的整改任务" in html
    assert 'data-testid="home-office"' not in html


def test_the_login_page_is_chinese_and_logs_in(client):
    response = client.get("/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "用户名" in html and "密码" in html
    user = UserFactory()
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert 'data-testid="current-user"' in page(client)


def test_a_wrong_password_shows_an_error(client):
    user = UserFactory()
    response = client.post("/login/", {"username": user.username, "password": "wrong"})
    assert response.status_code == 200
    assert 'alert-danger' in response.content.decode()


def test_logout_is_a_post_and_leaves_nothing_to_read(seed_inspection):
    client = office_client(seed_inspection)
    response = client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 302
