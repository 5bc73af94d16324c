"""The holiday table in the admin goes through the workdays services: the 维护节假日
permission is checked (superusers need the 系统管理员 role too), each edit is one audit entry,
and the cached working-day calendar answers with the edit at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tests.factories import OrganisationFactory, UserFactory
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import RoleAssignment, User
from zhenggai.audit.models import AuditEntry
from zhenggai.audit.services import audit_verify
from zhenggai.workdays.admin import HOLIDAYS_NOTICE, HOLIDAYS_ROLE_NEEDED, YEAR_NOT_DELETABLE
from zhenggai.workdays.choices import CalendarDayKind, CalendarSource
from zhenggai.workdays.models import CalendarDay, CalendarYear
from zhenggai.workdays.selectors import workday_calendar
from zhenggai.workdays.services import WORKDAY_ON_WEEKDAY

pytestmark = pytest.mark.django_db
D = dt.date
MONDAY = D(2027, 3, 1)
ADD_URL = "/admin/workdays/calendarday/add/"


@pytest.fixture
def administrator() -> User:
    user = UserFactory(username="holiday-admin", is_staff=True, is_superuser=True)
    RoleAssignment.objects.create(user=user, role=Role.ADMIN, organisation=OrganisationFactory())
    return user


@pytest.fixture
def client_(administrator: User) -> Client:
    client = Client()
    client.force_login(administrator)
    return client


@pytest.fixture
def year_2027() -> CalendarYear:
    """2027 entered and complete (one arranged day), so the calendar counts in it."""
    CalendarDay.objects.create(date=D(2027, 1, 1), kind=CalendarDayKind.HOLIDAY, name="元旦")
    return CalendarYear.objects.create(year=2027, complete=True, source=CalendarSource.MANUAL)


def _new_entries(since: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(seq__gt=since).order_by("seq"))


def _head() -> int:
    last = AuditEntry.objects.order_by("-seq").first()
    return last.seq if last else 0


@pytest.mark.usefixtures("year_2027")
def test_a_holiday_added_changed_and_deleted_in_the_admin_is_audited_and_used_at_once(
    client_: Client, administrator: User
) -> None:
    assert workday_calendar().is_working_day(MONDAY)  # and now the calendar is cached

    since = _head()
    response = client_.post(ADD_URL, {"date": "2027-03-01", "kind": "holiday", "name": "调整"})
    assert response.status_code == 302, response.content.decode()[:3000]
    day = CalendarDay.objects.get(date=MONDAY)
    [entry] = _new_entries(since)
    assert (entry.action, entry.object_id, entry.actor) == (
        "calendar_day.set",
        str(day.pk),
        administrator,
    )
    assert entry.after == {"date": "2027-03-01", "kind": "holiday", "name": "调整"}
    assert not workday_calendar().is_working_day(MONDAY)
    # The year is the administrator's now: the seed will not overwrite it.
    assert CalendarYear.objects.get(year=2027).source == CalendarSource.MANUAL

    since = _head()
    url = f"/admin/workdays/calendarday/{day.pk}/change/"
    assert client_.post(url, {"kind": "holiday", "name": "春季调休"}).status_code == 302
    [entry] = _new_entries(since)
    assert (entry.action, entry.before["name"], entry.after["name"]) == (
        "calendar_day.set",
        "调整",
        "春季调休",
    )

    since = _head()
    url = f"/admin/workdays/calendarday/{day.pk}/delete/"
    assert client_.post(url, {"post": "yes"}).status_code == 302
    assert not CalendarDay.objects.filter(date=MONDAY).exists()
    [entry] = _new_entries(since)
    assert (entry.action, entry.actor, entry.after) == ("calendar_day.delete", administrator, None)
    assert workday_calendar().is_working_day(MONDAY)
    assert audit_verify().ok


def test_the_holiday_pages_say_edits_are_audited(client_: Client) -> None:
    assert HOLIDAYS_NOTICE in client_.get("/admin/workdays/calendarday/").content.decode()


def test_the_services_rules_show_as_form_errors(client_: Client) -> None:
    since = _head()
    response = client_.post(ADD_URL, {"date": "2027-03-01", "kind": "workday", "name": ""})
    assert response.status_code == 200
    assert WORKDAY_ON_WEEKDAY.format(day="2027-03-01") in response.content.decode()
    assert not CalendarDay.objects.exists()
    assert _new_entries(since) == []


def test_a_superuser_without_the_administrator_role_may_only_look() -> None:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    day = CalendarDay.objects.create(date=MONDAY, kind=CalendarDayKind.HOLIDAY, name="调整")
    since = _head()
    refused = client.post(ADD_URL, {"date": "2027-03-02", "kind": "holiday", "name": ""})
    assert refused.status_code == 403
    assert HOLIDAYS_ROLE_NEEDED in refused.content.decode()
    url = f"/admin/workdays/calendarday/{day.pk}/change/"
    assert client.post(url, {"kind": "holiday", "name": "改名"}).status_code == 403
    assert client.post(f"/admin/workdays/calendarday/{day.pk}/delete/", {"post": "yes"}).status_code == 403
    page = client.get(url)
    assert page.status_code == 200 and HOLIDAYS_ROLE_NEEDED in page.content.decode()
    day.refresh_from_db()
    assert day.name == "调整"
    assert CalendarDay.objects.count() == 1
    assert _new_entries(since) == []


@pytest.mark.usefixtures("year_2027")
def test_a_year_is_marked_through_the_service_and_never_deleted(
    client_: Client, administrator: User
) -> None:
    year = CalendarYear.objects.get(year=2027)
    since = _head()
    url = f"/admin/workdays/calendaryear/{year.pk}/change/"
    assert client_.post(url, {"note": ""}).status_code == 302  # "complete" unticked
    [entry] = _new_entries(since)
    assert (entry.action, entry.actor) == ("calendar_year.mark_complete", administrator)
    assert (entry.before["complete"], entry.after["complete"]) == (True, False)
    assert not workday_calendar().covers(MONDAY)

    refused = client_.post(f"/admin/workdays/calendaryear/{year.pk}/delete/", {"post": "yes"})
    assert refused.status_code == 403
    assert YEAR_NOT_DELETABLE in refused.content.decode()
    assert CalendarYear.objects.filter(year=2027).exists()
    assert audit_verify().ok
