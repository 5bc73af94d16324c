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
from zhenggai.ledger.models import Inspection, Measure
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


def test_the_office_sees_the_ledger_with_state_counts_and_parse_warnings(seed_inspection):
    html = page(office_client(seed_inspection))
    assert 'data-testid="ledger"' in html
    assert seed_inspection.title in html
    assert "整改措施 44" in html
    assert 'data-state="planned">未开始 44<' in html
    # The seed claims 47 measures; 44 were parsed: the page says so.
    assert "文中称整改措施 47 条" in html and "解析出 44 条" in html
    assert html.count('data-testid="measure-row"') == 44
    assert "退出" in html


def test_the_first_page_holds_50_measures_ordered_by_deadline(seed_inspection):
    import datetime as dt

    measures = list(Measure.objects.filter(inspection=seed_inspection).order_by("id"))
    for i, m in enumerate(measures):
        m.deadline = dt.date(2026, 1, 1) + dt.timedelta(days=i)
    Measure.objects.bulk_update(measures, ["deadline"])
    finding = measures[0].findings.get()
    MeasureFactory.create_batch(
        10, inspection=seed_inspection, findings=[finding], deadline=dt.date(2025, 1, 1), content="更早的整改措施"
    )
    html = page(office_client(seed_inspection))
    assert html.count('data-testid="measure-row"') == 50
    assert html.index("更早的整改措施") < html.index(measures[0].content[:20])
    assert "显示前 50 条，共 54 条" in html


def test_the_ledger_query_count_does_not_grow_with_rows(django_assert_max_num_queries):
    organisation = OrganisationFactory()
    inspection = MeasureFactory(inspection__organisation=organisation).inspection
    client = office_client(inspection)
    with django_assert_max_num_queries(20) as small:
        client.get("/")
    MeasureFactory.create_batch(30, inspection=inspection, findings=[inspection.findings.get()])
    with django_assert_max_num_queries(20) as large:
        html = client.get("/").content.decode()
    assert html.count('data-testid="measure-row"') == 31
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


def test_a_unit_user_sees_the_measures_of_their_unit():
    result = demo_load(password="x", source=None)
    unit = next(u for u in result.units if u.name == "房地产服务中心")
    user = User.objects.get(role_assignments__organisation=unit, role_assignments__role=Role.UNIT)
    client = Client()
    client.force_login(user)
    html = page(client)
    led = Measure.objects.filter(inspection=result.inspection, lead_unit=unit)
    assigned = Measure.objects.filter(inspection=result.inspection, assignments__unit=unit)
    mine = (led | assigned).distinct().count()
    assert 0 < mine < 40
    assert html.count('data-testid="measure-row"') == mine


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


def test_an_extended_deadline_shows_the_original_one(seed_inspection):
    import datetime as dt

    measure = Measure.objects.filter(inspection=seed_inspection).order_by("id").first()
    assert measure is not None
    Measure.objects.filter(pk=measure.pk).update(
        deadline=dt.date(2026, 12, 31), original_deadline=dt.date(2026, 11, 30)
    )
    html = page(office_client(seed_inspection))
    assert "2026-12-31" in html and "已延期，原定 2026-11-30" in html
    assert html.count("已延期") == 1
