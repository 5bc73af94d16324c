"""The deadline calendar page: holidays and make-up working days marked with their names,
each deadline linked to its measure, "+M 项" opening exactly M more rows of the ledger, an
empty month, a month or filter that cannot be read (400 with the reason, never a 500),
another organisation's inspection (404), month links, htmx and bounded queries."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
from urllib.parse import urlsplit

import pytest
from django.http import QueryDict
from django.test import Client

from tests.factories import InspectionFactory, MeasureFactory, OrganisationFactory, UserFactory
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import Organisation, RoleAssignment, User
from zhenggai.ledger.models import Inspection
from zhenggai.ledger.selectors.calendar import MONTH_INVALID, PER_DAY
from zhenggai.ledger.selectors.filters import LedgerQuery, filtered_measures
from zhenggai.workdays.services import holidays_seed

pytestmark = pytest.mark.django_db

MORE = re.compile(r'href="([^"]+)" data-testid="day-more" data-count="(\d+)"')


def _grant(role: str, organisation: Organisation, **kw: object) -> User:
    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=role, organisation=organisation, **kw)
    return user


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def inspection() -> Inspection:
    holidays_seed(years=[2026])
    return InspectionFactory()


@pytest.fixture
def office(inspection: Inspection) -> User:
    return _grant(Role.OFFICE, inspection.organisation, include_subtree=True)


def test_holidays_make_up_days_and_deadlines_are_shown(inspection, office):
    measure = MeasureFactory(inspection=inspection, deadline=dt.date(2026, 10, 12),
                             marker="一是", content="一是建立台账管理制度。")
    response = _client(office).get("/calendar/", {"month": "2026-10"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-date="2026-10-01" data-kind="holiday"' in page
    assert 'data-date="2026-10-10" data-kind="makeup"' in page
    assert 'data-date="2026-10-17" data-kind="weekend"' in page
    assert "国庆节" in page and 'data-testid="legend"' in page and "调休上班" in page
    assert f'href="/measures/{measure.pk}/"' in page
    assert "建立台账管理制度" in page and "一是建立" not in page  # the marker is stripped
    assert "2026年10月" in page
    assert 'href="/calendar/?month=2026-09" ' in page and 'href="/calendar/?month=2026-11" ' in page
    assert 'data-testid="calendar-agenda"' in page  # the phone's list is in the page too
    assert page.count('data-testid="agenda-deadline"') == 1


def test_a_busy_day_links_to_exactly_its_remaining_rows(inspection, office):
    day = dt.date(2026, 10, 20)
    for _i in range(PER_DAY + 4):
        MeasureFactory(inspection=inspection, deadline=day)
    page = _client(office).get("/calendar/", {"month": "2026-10"}).content.decode()
    assert "+4 项" in page
    ((href, count),) = MORE.findall(page)
    link = urlsplit(html_lib.unescape(href))
    assert link.path == "/ledger/"
    query = LedgerQuery.from_querydict(QueryDict(link.query))
    assert query.due_from == query.due_to == day
    assert filtered_measures(office, query).count() == int(count) == PER_DAY + 4
    ledger = _client(office).get(f"/ledger/?{link.query}").content.decode()
    assert ledger.count('data-testid="ledger-row"') == PER_DAY + 4


def test_an_empty_month_says_so(inspection, office):
    page = _client(office).get("/calendar/", {"month": "2026-10"}).content.decode()
    assert 'data-testid="empty"' in page and "本月没有到期的整改措施" in page


def test_a_month_that_cannot_be_read_shows_the_current_one_with_the_reason(inspection, office):
    response = _client(office).get("/calendar/", {"month": "2026-13", "inspection": inspection.pk})
    assert response.status_code == 400
    page = response.content.decode()
    assert MONTH_INVALID in page and 'aria-describedby="id_month_errors"' in page
    assert 'data-testid="calendar-grid"' in page
    # The filters are kept in the form, so nothing typed is lost.
    assert f'<option value="{inspection.pk}" selected>' in page


def test_a_filter_that_cannot_be_read_is_reported(inspection, office):
    response = _client(office).get("/calendar/", {"month": "2026-10", "state": "nonsense"})
    assert response.status_code == 400
    assert "未知的选项：nonsense" in response.content.decode()


def test_an_inspection_filter_narrows_and_another_organisations_is_not_found(inspection, office):
    day = dt.date(2026, 10, 21)
    mine = MeasureFactory(inspection=inspection, deadline=day)
    other_here = MeasureFactory(
        inspection=InspectionFactory(organisation=inspection.organisation), deadline=day
    )
    client = _client(office)
    page = client.get("/calendar/", {"month": "2026-10", "inspection": inspection.pk}).content.decode()
    assert f"/measures/{mine.pk}/" in page and f"/measures/{other_here.pk}/" not in page
    assert inspection.title in page
    # Month links keep the inspection.
    assert f'href="/calendar/?inspection={inspection.pk}&amp;month=2026-09"' in page
    foreign = MeasureFactory(deadline=day)
    choices = client.get("/calendar/", {"month": "2026-10"}).content.decode()
    assert f'<option value="{inspection.pk}"' in choices
    assert f'<option value="{foreign.inspection_id}"' not in choices
    response = client.get("/calendar/", {"month": "2026-10", "inspection": foreign.inspection_id})
    assert response.status_code == 404
    assert f"/measures/{foreign.pk}/" not in client.get("/calendar/", {"month": "2026-10"}).content.decode()


def test_a_unit_does_not_see_another_units_deadlines(inspection):
    unit_a = OrganisationFactory(parent=inspection.organisation)
    unit_b = OrganisationFactory(parent=inspection.organisation)
    day = dt.date(2026, 10, 22)
    own = MeasureFactory(inspection=inspection, lead_unit=unit_a, deadline=day)
    theirs = MeasureFactory(inspection=inspection, lead_unit=unit_b, deadline=day)
    client = _client(_grant(Role.UNIT, unit_a))
    page = client.get("/calendar/", {"month": "2026-10", "unit": unit_b.pk}).content.decode()
    assert f"/measures/{theirs.pk}/" not in page
    page = client.get("/calendar/", {"month": "2026-10"}).content.decode()
    assert f"/measures/{own.pk}/" in page and f"/measures/{theirs.pk}/" not in page


def test_htmx_gets_the_month_alone(inspection, office):
    response = _client(office).get("/calendar/", {"month": "2026-11"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="calendar-page"') and "<html" not in page


def test_the_inspection_page_and_the_bar_link_to_the_calendar(inspection, office):
    client = _client(office)
    page = client.get(f"/inspections/{inspection.pk}/").content.decode()
    assert f'href="/calendar/?inspection={inspection.pk}" data-testid="tool-calendar"' in page
    assert 'data-testid="nav-calendar"' in client.get("/calendar/").content.decode()


@pytest.mark.parametrize("who", ["office", "unit"])
def test_queries_do_not_grow_with_the_month(inspection, office, who, django_assert_max_num_queries):
    unit = OrganisationFactory(parent=inspection.organisation)
    user = office if who == "office" else _grant(Role.UNIT, unit)

    def add(n: int) -> None:
        for i in range(n):
            MeasureFactory(inspection=inspection, lead_unit=unit,
                           deadline=dt.date(2026, 10, 1) + dt.timedelta(days=i % 9))

    client = _client(user)
    add(5)
    client.get("/calendar/", {"month": "2026-10"})  # the holiday calendar is cached per process
    with django_assert_max_num_queries(12) as small:
        assert client.get("/calendar/", {"month": "2026-10"}).status_code == 200
    add(45)
    with django_assert_max_num_queries(12) as large:
        assert client.get("/calendar/", {"month": "2026-10"}).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
