"""The holiday table: seeding from chinese-calendar, administrators' edits, the DB calendar."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from tests.factories import OrganisationFactory, UserFactory
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import Organisation, RoleAssignment, User
from zhenggai.audit.models import AuditEntry
from zhenggai.core.workdays import from_chinese_calendar
from zhenggai.workdays import selectors
from zhenggai.workdays.choices import CalendarDayKind, CalendarSource
from zhenggai.workdays.models import CalendarDay, CalendarYear
from zhenggai.workdays.selectors import invalidate_workday_calendar, workday_calendar
from zhenggai.workdays.services import (
    DAY_NOT_ARRANGED,
    WORKDAY_ON_WEEKDAY,
    YEAR_EMPTY,
    calendar_day_delete,
    calendar_day_set,
    calendar_year_mark_complete,
    holidays_seed,
)

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def _fresh_cache():
    invalidate_workday_calendar()
    yield
    invalidate_workday_calendar()


def grant(role: str, organisation: Organisation) -> User:
    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=role, organisation=organisation)
    return user


@pytest.fixture
def admin() -> User:
    return grant(Role.ADMIN, OrganisationFactory())


def test_the_seed_fills_the_years_the_package_covers_and_marks_them_complete() -> None:
    result = holidays_seed(years=[2025, 2026, 2027])
    assert result.seeded == [2025, 2026]
    assert result.not_covered == [2027]
    assert not CalendarYear.objects.filter(year=2027).exists()
    for year in (2025, 2026):
        row = CalendarYear.objects.get(year=year)
        assert (row.complete, row.source) == (True, CalendarSource.CHINESE_CALENDAR)
    # National Day 2025: 1–8 Oct off, Sun 28 Sep and Sat 11 Oct worked.
    national_day = CalendarDay.objects.filter(date__range=(D(2025, 9, 28), D(2025, 10, 11)))
    assert {(d.date, d.kind) for d in national_day} == {
        (D(2025, 9, 28), CalendarDayKind.WORKDAY),
        *((D(2025, 10, n), CalendarDayKind.HOLIDAY) for n in range(1, 9)),
        (D(2025, 10, 11), CalendarDayKind.WORKDAY),
    }
    assert CalendarDay.objects.get(date=D(2025, 10, 6)).name == "中秋节"
    assert CalendarDay.objects.get(date=D(2026, 2, 17)).name == "春节"
    assert AuditEntry.objects.filter(action="calendar_year.seed").count() == 2


def test_seeding_twice_changes_nothing_and_writes_no_audit_entry() -> None:
    holidays_seed(years=[2025, 2026])
    days = list(CalendarDay.objects.values_list("date", "kind", "name", "updated_at"))
    entries = AuditEntry.objects.count()
    result = holidays_seed(years=[2025, 2026])
    assert (result.seeded, result.unchanged) == ([], [2025, 2026])
    assert list(CalendarDay.objects.values_list("date", "kind", "name", "updated_at")) == days
    assert AuditEntry.objects.count() == entries


def test_the_seed_repairs_a_seeded_year_but_never_overwrites_an_administrators(admin) -> None:
    holidays_seed(years=[2025, 2026])
    CalendarDay.objects.filter(date=D(2025, 10, 8)).delete()  # behind the application's back
    calendar_day_set(day=D(2026, 10, 9), kind=CalendarDayKind.HOLIDAY, name="调整", actor=admin)
    result = holidays_seed(years=[2025, 2026])
    assert result.seeded == [2025]
    assert result.skipped_manual == [2026]
    assert CalendarDay.objects.filter(date=D(2025, 10, 8)).exists()
    assert CalendarDay.objects.get(date=D(2026, 10, 9)).name == "调整"


def test_the_db_calendar_matches_the_package_and_covers_only_complete_years() -> None:
    holidays_seed(years=[2025, 2026])
    calendar = workday_calendar()
    reference = from_chinese_calendar([2025, 2026])
    assert calendar.covered_years == {2025, 2026}
    in_table = {d for d in calendar.holidays | calendar.workdays if d.year in (2025, 2026)}
    assert in_table == reference.holidays | reference.workdays
    # The other years the package has are the one rule's reference, not confirmed.
    assert calendar.reference_years == frozenset(range(2004, 2025))
    # 22 Sep → 10 Oct 2025 across National Day: 9 working days, the make-up Sunday included.
    assert calendar.working_days_between(D(2025, 9, 22), D(2025, 10, 10)) == 9
    # Spring Festival 2026: Sat 14 Feb is worked, 15–23 Feb are off.
    assert calendar.is_working_day(D(2026, 2, 14))
    assert not calendar.is_working_day(D(2026, 2, 16))
    # 2027 is in neither: Monday to Friday, flagged (the one rule, core/workdays.py).
    assert calendar.is_working_day(D(2027, 1, 4))
    assert calendar.provisional_note(D(2027, 1, 4), D(2027, 1, 4))


def test_the_db_calendar_is_one_query_and_then_cached(django_assert_num_queries) -> None:
    holidays_seed(years=[2025])
    with django_assert_num_queries(1):  # the UNION of days and complete years
        first = workday_calendar()
    with django_assert_num_queries(0):
        assert workday_calendar() is first


def test_the_cache_expires(settings) -> None:
    holidays_seed(years=[2025])
    first = workday_calendar()
    settings.ZHENGGAI_WORKDAYS_CACHE_SECONDS = 0
    assert workday_calendar() is not first


def test_an_administrator_enters_a_year_the_package_lacks(admin) -> None:
    calendar_day_set(day=D(2027, 2, 8), kind=CalendarDayKind.HOLIDAY, name="春节", actor=admin)
    calendar_day_set(day=D(2027, 2, 6), kind=CalendarDayKind.WORKDAY, name="春节", actor=admin)
    assert 2027 not in workday_calendar().covered_years  # entered, but not declared complete
    row = CalendarYear.objects.get(year=2027)
    assert (row.complete, row.source) == (False, CalendarSource.MANUAL)
    calendar_year_mark_complete(year=2027, actor=admin, note="国务院办公厅通知")
    calendar = workday_calendar()  # the service cleared the cached copy
    assert 2027 in calendar.covered_years
    assert calendar.is_working_day(D(2027, 2, 6))
    assert not calendar.is_working_day(D(2027, 2, 8))
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    assert actions == ["calendar_day.set", "calendar_day.set", "calendar_year.mark_complete"]


def test_an_edit_changes_the_cached_calendar_at_once(admin) -> None:
    holidays_seed(years=[2025])
    assert workday_calendar().is_working_day(D(2025, 12, 31))
    calendar_day_set(day=D(2025, 12, 31), kind=CalendarDayKind.HOLIDAY, actor=admin)
    assert not workday_calendar().is_working_day(D(2025, 12, 31))
    calendar_day_delete(day=D(2025, 12, 31), actor=admin)
    assert workday_calendar().is_working_day(D(2025, 12, 31))
    entry = AuditEntry.objects.get(action="calendar_day.delete")
    assert entry.before["date"] == "2025-12-31"


def test_a_make_up_working_day_must_be_a_weekend_day(admin) -> None:
    with pytest.raises(ValidationError) as exc:
        calendar_day_set(day=D(2027, 2, 10), kind=CalendarDayKind.WORKDAY, actor=admin)
    assert exc.value.messages == [WORKDAY_ON_WEEKDAY.format(day="2027-02-10")]
    assert not CalendarDay.objects.exists()


def test_deleting_a_day_that_is_not_arranged_is_refused(admin) -> None:
    with pytest.raises(ValidationError) as exc:
        calendar_day_delete(day=D(2027, 3, 3), actor=admin)
    assert exc.value.messages == [DAY_NOT_ARRANGED.format(day="2027-03-03")]


def test_an_empty_year_cannot_be_complete(admin) -> None:
    with pytest.raises(ValidationError) as exc:
        calendar_year_mark_complete(year=2028, actor=admin)
    assert exc.value.messages == [YEAR_EMPTY.format(year=2028)]
    assert not CalendarYear.objects.exists()


def test_marking_a_seeded_year_incomplete_sticks(admin) -> None:
    holidays_seed(years=[2026])
    calendar_year_mark_complete(year=2026, complete=False, actor=admin)
    holidays_seed(years=[2026])
    assert not CalendarYear.objects.get(year=2026).complete
    assert workday_calendar().covered_years == frozenset()


# --- permissions: only an administrator at a root organisation manages holidays ------------


ACTIONS = {
    "set": lambda u: calendar_day_set(day=D(2027, 1, 1), kind="holiday", name="元旦", actor=u),
    "delete": lambda u: calendar_day_delete(day=D(2026, 12, 31), actor=u),
    "complete": lambda u: calendar_year_mark_complete(year=2026, actor=u),
}


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("where", ["root", "child"])
@pytest.mark.parametrize("role", Role.values)
def test_permission_matrix(role: str, where: str, action: str) -> None:
    CalendarDay.objects.create(date=D(2026, 12, 31), kind="holiday", name="测试")
    root = OrganisationFactory()
    organisation = root if where == "root" else OrganisationFactory(parent=root)
    user = grant(role, organisation)
    before = (
        list(CalendarDay.objects.values_list("date", "kind")),
        list(CalendarYear.objects.values_list("year", "complete")),
    )
    allowed = role == Role.ADMIN and where == "root"
    if allowed:
        ACTIONS[action](user)
        assert AuditEntry.objects.filter(actor=user).count() == 1
    else:
        with pytest.raises(PermissionDenied, match="维护节假日"):
            ACTIONS[action](user)
        after = (
            list(CalendarDay.objects.values_list("date", "kind")),
            list(CalendarYear.objects.values_list("year", "complete")),
        )
        assert after == before
        assert not AuditEntry.objects.exists()


def test_an_anonymous_or_inactive_user_is_refused(admin) -> None:
    admin.is_active = False
    admin.save()
    with pytest.raises(PermissionDenied):
        calendar_day_set(day=D(2027, 1, 1), kind="holiday", actor=admin)


# --- the command ------------------------------------------------------------------------------


def test_the_command_seeds_and_lists(capsys) -> None:
    call_command("holidays", "seed", "--year", "2025", "--year", "2026")
    out = capsys.readouterr().out
    assert "已导入：2025、2026" in out
    call_command("holidays", "seed", "--year", "2025")
    assert "无变化：2025" in capsys.readouterr().out
    call_command("holidays", "list", "--year", "2025")
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "2025 年：已完整录入（chinese-calendar 库）"
    assert "2025-09-28 周日 调休上班日 国庆节" in out
    assert "2025-10-06 周一 法定节假日 中秋节" in out


def test_the_command_reports_years_the_package_lacks(capsys) -> None:
    call_command("holidays", "seed", "--year", "2027")
    assert "2027" in capsys.readouterr().err
    call_command("holidays", "list", "--year", "2027")
    assert capsys.readouterr().out.splitlines() == [
        "2027 年：未录入",
        "注意：2027 年的节假日安排尚未在平台确认，暂按周一至周五计算",
    ]


def test_the_command_needs_one_year_to_list() -> None:
    with pytest.raises(CommandError) as exc:
        call_command("holidays", "list")
    assert exc.value.returncode == 2


def test_the_seed_without_years_covers_the_whole_package_range() -> None:
    result = holidays_seed()
    assert result.seeded[0] == 2004
    assert 2026 in result.seeded
    assert selectors.workday_calendar(fresh=True).covered_years == set(result.seeded)
