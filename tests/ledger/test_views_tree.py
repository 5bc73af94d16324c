"""The findings tree's pages (views/tree.py): the inspection list, the inspection, aspect,
problem and finding pages — content, a unit's part of the tree, IDOR, audit entries, the
office's warnings and correction links, and query counts at two sizes."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    AspectFactory,
    FindingFactory,
    InspectionFactory,
    MeasureFactory,
    ProblemFactory,
    UserFactory,
)
from tests.web.world import World, build_world
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import RoleAssignment, User
from zhenggai.audit.services import audit_record
from zhenggai.ledger.choices import MeasureState
from zhenggai.ledger.models import Measure, SourceDocument
from zhenggai.ledger.selectors.tree_inspections import CURSOR_INVALID
from zhenggai.ledger.services.corrections import aspect_update, correction_token
from zhenggai.ledger.services.plan import plan_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def w() -> World:
    return build_world()


def client_of(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def html(response: Any) -> str:
    return response.content.decode()


def count_testid(page: str, name: str) -> int:
    return page.count(f'data-testid="{name}"')


def only_a(w: World) -> Measure:
    """A measure of unit A alone, under a finding, problem and aspect of its own."""
    return MeasureFactory(inspection=w.inspection, lead_unit=w.unit_a, marker="二是",
                          content="二是建立健全巡查台账。")


# --- the inspection list --------------------------------------------------------------------


def test_the_list_shows_the_inspections_the_user_reads_with_counts(w: World) -> None:
    page = html(client_of(w.users["office"]).get("/inspections/"))
    assert w.inspection.title in page
    assert w.foreign.title not in page
    assert f'href="/inspections/{w.inspection.pk}/"' in page
    assert "共 3 条" in page  # the world's three measures
    assert "2026年6月15日" in page  # the feedback date, as documents write it


def test_a_unit_counts_only_its_own_measures(w: World) -> None:
    page = html(client_of(w.users["unit_a"]).get("/inspections/"))
    assert w.inspection.title in page
    assert "共 2 条" in page  # measure A and the one assigned to A


def test_a_user_without_a_role_gets_the_empty_state(w: World) -> None:
    response = client_of(w.users["stranger"]).get("/inspections/")
    assert response.status_code == 200
    assert 'data-testid="empty"' in html(response)
    assert w.inspection.title not in html(response)


def test_anonymous_visitors_go_to_the_login_page(w: World) -> None:
    response = Client().get("/inspections/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def _office_over(n: int) -> tuple[User, list[Any]]:
    """An office user over a committee with `n` inspections (a third without feedback date)."""
    first = InspectionFactory()
    inspections = [first] + [
        InspectionFactory(organisation=first.organisation,
                          feedback_date=None if i % 3 == 0 else dt.date(2026, 1, 1)
                          + dt.timedelta(days=i % 7))
        for i in range(1, n)
    ]
    for inspection in inspections[::5]:
        MeasureFactory(inspection=inspection, state=MeasureState.IN_PROGRESS)
    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=Role.OFFICE, organisation=first.organisation)
    return user, inspections


def _titles(page: str) -> list[str]:
    return re.findall(r'<a class="fw-semibold" href="/inspections/\d+/">([^<]+)</a>', page)


def test_the_list_pages_by_keyset_through_dated_then_undated_inspections() -> None:
    user, inspections = _office_over(45)
    client = client_of(user)
    seen: list[str] = []
    url = "/inspections/"
    pages = 0
    while url:
        page = html(client.get(url))
        seen += _titles(page)
        match = re.search(r'href="(\?cursor=[^"]+)" data-testid="next-page"', page)
        url = "/inspections/" + match.group(1) if match else ""
        pages += 1
    assert pages == 3
    assert sorted(seen) == sorted(i.title for i in inspections)  # each once, none lost
    dated = [i for i in inspections if i.feedback_date]
    expected = sorted(dated, key=lambda i: (i.feedback_date, i.pk), reverse=True)
    expected += sorted((i for i in inspections if not i.feedback_date), key=lambda i: -i.pk)
    assert seen == [i.title for i in expected]


def test_a_bad_cursor_is_refused_with_the_first_page(w: World) -> None:
    response = client_of(w.users["office"]).get("/inspections/?cursor=nonsense")
    assert response.status_code == 400
    assert CURSOR_INVALID in html(response)
    assert w.inspection.title in html(response)


@pytest.mark.parametrize("n", [5, 50])
def test_the_list_runs_a_bounded_number_of_queries(
    n: int, django_assert_max_num_queries: Any
) -> None:
    user, _ = _office_over(n)
    client = client_of(user)
    client.get("/inspections/")  # warm: the working-day calendar is cached per process
    # session, user, role assignments (inspections' scope), dated page, undated page (only
    # when the dated rows do not fill the page), role assignments (measures' scope), counts
    # by state, the shell's unread count and roles.
    with django_assert_max_num_queries(9):
        client.get("/inspections/")


# --- the inspection page --------------------------------------------------------------------


def test_the_inspection_page_shows_particulars_aspects_and_tools(w: World) -> None:
    aspect = w.finding.problem.aspect
    page = html(client_of(w.users["leader"]).get(f"/inspections/{w.inspection.pk}/"))
    assert 'data-testid="breadcrumbs"' in page
    assert w.inspection.group in page
    assert "2026年3月2日 — 2026年4月30日" in page
    assert 'data-testid="inspection-tools"' in page
    assert f'href="/aspects/{aspect.pk}/"' in page
    assert "1 个问题 · 1 个具体问题" in page
    assert 'data-testid="no-plan"' in page
    assert 'data-testid="correct"' not in page


def test_the_plan_its_revisions_and_the_formal_reports_are_listed(w: World) -> None:
    office = w.users["office"]
    assert office is not None
    with transaction.atomic():
        plan_create(inspection=w.inspection, title="整改工作方案", actor=office)
    page = html(client_of(w.users["supervisor"]).get(f"/inspections/{w.inspection.pk}/"))
    assert "整改工作方案" in page
    assert count_testid(page, "revision") == 1
    assert count_testid(page, "formal-report") == 2  # the two reports the plan owes
    assert "整改情况报告" in page


def test_import_warnings_are_shown_to_the_office_only(w: World) -> None:
    SourceDocument.objects.create(
        inspection=w.inspection, sha256="a" * 64, format="txt",
        warnings=[{"code": "claims_mismatch", "message": "文中称措施47条，解析得到44条", "line": 3}],
    )
    url = f"/inspections/{w.inspection.pk}/"
    assert "文中称措施47条" in html(client_of(w.users["office"]).get(url))
    assert "文中称措施47条" not in html(client_of(w.users["inspector"]).get(url))
    assert "文中称措施47条" not in html(client_of(w.users["unit_a"]).get(url))


def test_a_unit_sees_only_the_aspects_above_its_measures(w: World) -> None:
    mine = only_a(w)
    aspect_a = mine.findings.get().problem.aspect
    url = f"/inspections/{w.inspection.pk}/"
    page_a = html(client_of(w.users["unit_a"]).get(url))
    page_b = html(client_of(w.users["unit_b"]).get(url))
    assert f'href="/aspects/{aspect_a.pk}/"' in page_a
    assert f'href="/aspects/{aspect_a.pk}/"' not in page_b
    assert 'data-testid="unit-note"' in page_b
    assert 'data-testid="plan"' not in page_b  # the inspection's own papers: its readers'


def test_another_organisation_s_inspection_is_not_found(w: World) -> None:
    assert client_of(w.users["office"]).get(f"/inspections/{w.foreign.pk}/").status_code == 404
    assert client_of(w.users["stranger"]).get(f"/inspections/{w.inspection.pk}/").status_code == 404


# --- aspect, problem, finding ---------------------------------------------------------------


def test_the_finding_page_lists_its_measures_without_markers(w: World) -> None:
    finding = w.finding
    page = html(client_of(w.users["office"]).get(f"/findings/{finding.pk}/"))
    crumbs = page[page.index('data-testid="breadcrumbs"'):page.index("</nav>", page.index('data-testid="breadcrumbs"'))]
    assert f'href="/inspections/{w.inspection.pk}/"' in crumbs
    assert f'href="/aspects/{finding.problem.aspect_id}/"' in crumbs
    assert f'href="/problems/{finding.problem_id}/"' in crumbs
    assert count_testid(page, "measure") == 3
    for measure in (w.measure_a, w.measure_b, w.assigned):
        assert f'href="/measures/{measure.pk}/"' in page
    # The measure's link shows its text without the marker (the finding's answer, which the
    # factories may fill with the same sentence, keeps its own wording).
    link = f'href="/measures/{w.measure_a.pk}/" data-testid="measure-link">'
    assert f"{link}{w.measure_a.marker}" not in page
    assert link in page
    assert w.measure_a.content[:10] in page
    assert 'data-testid="scope"' in page and 'data-testid="answer-kind"' in page
    assert f'href="/findings/{finding.pk}/edit/"' in page
    assert f'href="/measures/{w.measure_a.pk}/edit/"' in page


def test_the_key_flag_is_shown(w: World) -> None:
    w.finding.is_key = True
    w.finding.save()
    page = html(client_of(w.users["inspector"]).get(f"/findings/{w.finding.pk}/"))
    assert 'data-testid="key-flag"' in page
    assert 'data-testid="correct"' not in page  # only the office corrects


def test_a_unit_sees_only_its_own_measures_of_a_finding(w: World) -> None:
    page = html(client_of(w.users["unit_a"]).get(f"/findings/{w.finding.pk}/"))
    assert f'href="/measures/{w.measure_a.pk}/"' in page
    assert f'href="/measures/{w.assigned.pk}/"' in page  # assigned to unit A
    assert f'href="/measures/{w.measure_b.pk}/"' not in page


def test_another_unit_s_part_of_the_tree_is_not_found(w: World) -> None:
    finding = only_a(w).findings.get()
    unit_b, unit_a = client_of(w.users["unit_b"]), client_of(w.users["unit_a"])
    for url in (f"/findings/{finding.pk}/", f"/problems/{finding.problem_id}/",
                f"/aspects/{finding.problem.aspect_id}/"):
        assert unit_b.get(url).status_code == 404, url
        assert unit_a.get(url).status_code == 200, url


def test_another_organisation_s_nodes_are_not_found(w: World) -> None:
    finding = w.foreign_measure.findings.get()
    office = client_of(w.users["office"])
    for url in (f"/findings/{finding.pk}/", f"/problems/{finding.problem_id}/",
                f"/aspects/{finding.problem.aspect_id}/", "/findings/999999/"):
        assert office.get(url).status_code == 404, url


def test_the_aspect_and_problem_pages_list_their_children(w: World) -> None:
    problem = w.finding.problem
    office = client_of(w.users["office"])
    aspect_page = html(office.get(f"/aspects/{problem.aspect_id}/"))
    assert f'href="/problems/{problem.pk}/"' in aspect_page
    assert "1 个具体问题" in aspect_page
    assert f'href="/aspects/{problem.aspect_id}/edit/"' in aspect_page
    problem_page = html(office.get(f"/problems/{problem.pk}/"))
    assert f'href="/findings/{w.finding.pk}/"' in problem_page
    assert 'data-state="close_requested"' in problem_page  # measure A's request


def test_an_empty_aspect_shows_the_empty_state(w: World) -> None:
    aspect = AspectFactory(inspection=w.inspection)
    page = html(client_of(w.users["office"]).get(f"/aspects/{aspect.pk}/"))
    assert "这一方面下没有问题。" in page


def test_an_explained_finding_says_why_it_has_no_measures(w: World) -> None:
    finding = FindingFactory(inspection=w.inspection, answer_kind="explained", answer="已说明。")
    page = html(client_of(w.users["office"]).get(f"/findings/{finding.pk}/"))
    assert "以情况说明作答，没有整改措施" in page


# --- audit entries --------------------------------------------------------------------------


def test_the_object_s_audit_entries_are_shown_and_paged(w: World) -> None:
    aspect = w.finding.problem.aspect
    office = w.users["office"]
    assert office is not None
    with transaction.atomic():
        aspect_update(aspect=aspect, actor=office, title="党的政治建设方面（更正）",
                      expected_token=correction_token(aspect))
        for i in range(24):
            audit_record(actor=office, action="aspect.note", obj=aspect, after={"n": i})
    client = client_of(w.users["leader"])
    page = html(client.get(f"/aspects/{aspect.pk}/"))
    assert count_testid(page, "audit-entry") == 20
    match = re.search(r'hx-get="(/aspects/\d+/\?audit_before=\d+)"', page)
    assert match
    more = client.get(match.group(1), HTTP_HX_REQUEST="true")
    rest = html(more)
    assert "<html" not in rest  # the list alone
    assert count_testid(rest, "audit-entry") == 5
    assert "更正方面标题" in rest  # the oldest: the correction, with what it changed
    assert "党的政治建设方面（更正）" in rest
    assert 'data-testid="audit-more"' not in rest


def test_audit_entries_of_other_objects_are_not_shown(w: World) -> None:
    office = w.users["office"]
    assert office is not None
    other = w.foreign_measure.findings.get()
    with transaction.atomic():
        audit_record(actor=office, action="finding.set_key", obj=other,
                     before={"is_key": False}, after={"is_key": True})
    page = html(client_of(office).get(f"/findings/{w.finding.pk}/"))
    assert "设定重点问题" not in page


# --- query counts ---------------------------------------------------------------------------


def _grow(w: World, n: int) -> None:
    """`n` more findings under the world's problem, each with a measure of unit A."""
    for _i in range(n):
        finding = FindingFactory(problem=w.finding.problem)
        MeasureFactory(inspection=w.inspection, lead_unit=w.unit_a, findings=[finding, w.finding],
                       deadline=dt.date(2026, 9, 30) + dt.timedelta(days=_i))
        ProblemFactory(aspect=w.finding.problem.aspect)


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["office", "unit_a"])
def test_each_page_runs_the_same_number_of_queries_at_two_sizes(w: World, role: str) -> None:
    client = client_of(w.users[role])
    urls = [
        f"/inspections/{w.inspection.pk}/", f"/aspects/{w.finding.problem.aspect_id}/",
        f"/problems/{w.finding.problem_id}/", f"/findings/{w.finding.pk}/",
    ]
    _grow(w, 5)
    for url in urls:  # warm: the working-day calendar is cached per process
        client.get(url)
    small = [_queries(client, url) for url in urls]
    _grow(w, 45)
    large = [_queries(client, url) for url in urls]
    assert small == large
