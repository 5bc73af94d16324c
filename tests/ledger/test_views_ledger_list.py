"""The ledger page (views/ledger_list.py): the columns offices know, filters kept in the URL
with their errors beside the field, sorting and "more" by cursor, htmx partials, the empty
state, the export button only when the export exists, and a constant number of queries."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib import admin
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import include, path

from tests.factories import FindingFactory, MeasureFactory, ProgressReportFactory
from tests.web.world import World, build_world
from zhenggai.accounts.models import User
from zhenggai.ledger import urls as ledger_urls
from zhenggai.ledger.choices import MeasureState, Urgency
from zhenggai.ledger.models import Measure
from zhenggai.ledger.selectors.filters import LedgerQuery, filtered_measures
from zhenggai.ledger.selectors.ledger_list import NOT_VISIBLE
from zhenggai.ledger.selectors.ledger_sort import CURSOR_INVALID, SORT_INVALID

pytestmark = pytest.mark.django_db


def _export(request: HttpRequest) -> HttpResponse:
    return HttpResponse("xlsx")


#: The site with an export view in the ledger's namespace (for the export button's test).
urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "",
        include(
            (
                [
                    *ledger_urls.urlpatterns,
                    path("ledger/export/", _export, name="ledger-export"),
                ],
                "ledger",
            )
        ),
    ),
    path("", include("zhenggai.web.urls")),
]


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


def row_ids(response: Any) -> list[int]:
    return [
        int(pk)
        for pk in re.findall(r'data-testid="ledger-row" data-measure="(\d+)"', html(response))
    ]


def error_of(response: Any, name: str) -> str:
    match = re.search(rf'data-testid="error-{name}">(.*?)</div>', html(response), re.S)
    return match.group(1) if match else ""


def test_the_office_sees_every_measure_in_the_columns_offices_know(w: World) -> None:
    ProgressReportFactory(measure=w.measure_b, narrative="已完成排查，正在整改。", percent=30)
    response = client_of(w.users["office"]).get("/ledger/")
    assert response.status_code == 200
    page = html(response)
    for column in (
        "编号",
        "方面",
        "问题",
        "具体问题",
        "整改措施",
        "整改目标",
        "责任领导",
        "责任单位",
        "责任人",
        "整改时限",
        "时限类型",
        "整改进展",
        "状态",
        "信号",
    ):
        assert f">{column}" in page, column
    assert set(row_ids(response)) == {w.measure_a.pk, w.measure_b.pk, w.assigned.pk}
    assert "共 3 条整改措施" in page
    finding = w.finding
    # 编号 is the tree path (problem-(finding)-measure), linked to the measure's page.
    path_ = f"{finding.problem.no}-({finding.no})-{w.measure_a.no}"
    assert f'href="/measures/{w.measure_a.pk}/" data-testid="measure-link">{path_}</a>' in page
    for url in (
        f"/aspects/{finding.problem.aspect_id}/",
        f"/problems/{finding.problem_id}/",
        f"/findings/{finding.pk}/",
    ):
        assert f'href="{url}"' in page
    assert "已完成排查，正在整改。" in page and "30%" in page
    assert 'data-signal="' in page and 'data-state="' in page
    assert 'class="table table-sm table-hover table-ledger table-cards' in page
    assert 'data-label="整改措施"' in page


def test_measure_text_is_shown_without_its_enumeration_marker(w: World) -> None:
    Measure.objects.filter(pk=w.measure_a.pk).update(marker="二是", content="二是加强制度建设。")
    page = html(client_of(w.users["office"]).get("/ledger/"))
    assert "加强制度建设。" in page
    assert "二是加强制度建设" not in page


def select_options(response: Any, name: str) -> dict[str, str]:
    match = re.search(rf'<select name="{name}".*?</select>', html(response), re.S)
    assert match, name
    return dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', match.group(0)))


def test_a_unit_sees_only_its_measures_and_choices(w: World) -> None:
    other = MeasureFactory(inspection=w.inspection, findings=[w.finding])  # a third unit's
    response = client_of(w.users["unit_b"]).get("/ledger/")
    assert response.status_code == 200
    assert set(row_ids(response)) == {w.measure_b.pk, w.assigned.pk}
    units = select_options(response, "unit")
    # Its own unit, and unit A which shares a measure it leads; not the third unit.
    assert set(units) == {"", str(w.unit_a.pk), str(w.unit_b.pk)}
    assert str(other.lead_unit_id) not in units
    leaders = select_options(response, "leader")
    assert str(other.responsible_leader_id) not in leaders


def test_filters_stay_in_the_url_and_in_the_form(w: World) -> None:
    Measure.objects.filter(pk=w.measure_b.pk).update(urgency=Urgency.IMMEDIATE)
    url = (
        f"/ledger/?inspection={w.inspection.pk}&unit={w.unit_b.pk}&urgency=immediate"
        f"&state=planned&sort=-state&due_to=2099-01-01"
    )
    response = client_of(w.users["office"]).get(url)
    assert response.status_code == 200
    assert row_ids(response) == [w.measure_b.pk]
    page = html(response)
    assert f'<option value="{w.unit_b.pk}" selected>' in page
    assert '<option value="immediate" selected>' in page
    assert '<option value="-state" selected>' in page
    assert re.search(r'name="state" value="planned" id="[^"]+" checked', page)
    assert 'value="2099-01-01"' in page
    assert "共 1 条整改措施（已筛选）" in page
    # The sort links keep the filters.
    link = re.search(r'<a [^>]*href="([^"]+)"[^>]*data-testid="sort-deadline"', page)
    assert link and f"unit={w.unit_b.pk}" in link.group(1) and "sort=deadline" not in link.group(1)
    current = re.search(r'<a [^>]*href="([^"]+)"[^>]*data-testid="sort-state"', page)
    assert current and "sort=state" in current.group(1)  # the current order, reversed


def test_bad_values_are_shown_beside_their_field_with_status_400(w: World) -> None:
    office = client_of(w.users["office"])
    response = office.get("/ledger/?unit=abc&due_from=2026-13-01&state=lost&sort=colour")
    assert response.status_code == 400
    assert "不是有效的编号：abc" in error_of(response, "unit")
    assert "日期格式应为" in error_of(response, "due_from")
    assert "未知的选项：lost" in error_of(response, "state")
    assert error_of(response, "sort") == str(SORT_INVALID) % {"value": "colour"}
    assert 'aria-invalid="true"' in html(response)
    # Another organisation's inspection: the same words as an id that does not exist.
    for pk in (w.foreign.pk, 999_999):
        response = office.get(f"/ledger/?inspection={pk}")
        assert response.status_code == 400
        assert error_of(response, "inspection") == str(NOT_VISIBLE)
        assert row_ids(response) == []
    assert w.foreign.title not in html(response)


def test_more_follows_the_cursor_and_a_bad_cursor_is_a_message_not_an_error(w: World) -> None:
    for _i in range(55):
        MeasureFactory(inspection=w.inspection, findings=[w.finding], lead_unit=w.unit_a)
    office = client_of(w.users["office"])
    first = office.get("/ledger/?sort=-updated")
    ids = row_ids(first)
    assert len(ids) == 50
    next_url = re.search(r'href="([^"]+)" hx-get="[^"]+" hx-target="#ledger-more"', html(first))
    assert next_url and "sort=-updated" in next_url.group(1)
    url = next_url.group(1).replace("&amp;", "&")
    second = office.get(url)
    assert len(row_ids(second)) == 8 and not set(row_ids(second)) & set(ids)
    expected = list(
        filtered_measures(w.users["office"], LedgerQuery())
        .order_by("-updated_at", "-id")
        .values_list("pk", flat=True)
    )
    assert ids + row_ids(second) == expected
    # htmx "more": only the rows (and the next "more"), appended in place.
    more = office.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="ledger-more")
    assert more.status_code == 200
    assert row_ids(more) == row_ids(second)
    assert "<form" not in html(more) and "<html" not in html(more)
    # A cursor that was edited: the message, the first page, never a server error.
    bad = office.get("/ledger/?cursor=not-a-cursor")
    assert bad.status_code == 400
    assert str(CURSOR_INVALID) in html(bad)
    assert row_ids(bad) == row_ids(office.get("/ledger/"))
    bad_more = office.get(
        "/ledger/?cursor=zz", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="ledger-more"
    )
    assert bad_more.status_code == 400
    assert row_ids(bad_more) == [] and str(CURSOR_INVALID) in html(bad_more)


def test_htmx_filter_changes_swap_the_results_and_a_new_inspection_the_form(w: World) -> None:
    office = client_of(w.users["office"])
    results = office.get(
        f"/ledger/?unit={w.unit_a.pk}", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="ledger-results"
    )
    assert results.status_code == 200
    body = html(results)
    assert body.lstrip().startswith('<section id="ledger-results"')
    assert "<form" not in body
    assert set(row_ids(results)) == {w.measure_a.pk, w.assigned.pk}
    page = office.get(
        f"/ledger/?inspection={w.inspection.pk}",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="ledger-page",
    )
    assert html(page).lstrip().startswith('<div id="ledger-page"')
    assert 'id="ledger-filter"' in html(page) and "<html" not in html(page)


def test_the_empty_states(w: World) -> None:
    stranger = client_of(w.users["stranger"]).get("/ledger/")
    assert stranger.status_code == 200
    assert 'data-testid="empty"' in html(stranger) and "暂无可查看的整改措施" in html(stranger)
    office = client_of(w.users["office"]).get("/ledger/?state=closed")
    assert "没有符合筛选条件的整改措施" in html(office)
    assert 'data-testid="clear-filter"' in html(office)


def test_the_export_button_exports_what_the_filters_show(w: World) -> None:
    page = html(client_of(w.users["office"]).get("/ledger/?state=planned"))
    assert 'href="/ledger/export/?state=planned" data-testid="export"' in page


@pytest.mark.urls(__name__)
def test_the_export_button_carries_the_same_query(w: World) -> None:
    page = html(client_of(w.users["office"]).get(f"/ledger/?state=planned&unit={w.unit_a.pk}"))
    expected = f'href="/ledger/export/?unit={w.unit_a.pk}&amp;state=planned"'
    assert expected in page


def test_anonymous_visitors_go_to_the_login_page(w: World) -> None:
    response = Client().get("/ledger/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def _grow(w: World, n: int) -> None:
    for i in range(n):
        finding = FindingFactory(inspection=w.inspection) if i % 3 == 0 else w.finding
        m = MeasureFactory(
            inspection=w.inspection,
            findings=[finding],
            lead_unit=w.unit_a if i % 2 else w.unit_b,
            deadline=None if i % 7 == 0 else dt.date(2026, 9, 1) + dt.timedelta(days=i),
            state=MeasureState.PLANNED,
        )
        if i % 2:
            ProgressReportFactory(measure=m)


def _queries(client: Client, url: str) -> int:
    """Queries of one page view: session and user; the scope (role assignments, whether the
    user's units have assignments); dated rows with inspection, units and people (and the
    undated ones when the page reaches them); primary findings with problem and aspect;
    latest progress reports; the count; the choices (inspections, aspects, units, leaders,
    each with the scope again); the shell (unread notices, roles for the navigation).
    A signal or stalled filter adds one query for the inspections' thresholds."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, html(response)[:500]
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["office", "unit_a"])
@pytest.mark.parametrize(
    "url",
    [
        "/ledger/",
        "/ledger/?sort=-state",
        "/ledger/?sort=unit&signal=red&signal=green",
        "/ledger/?sort=-updated&stalled=1",
        "/ledger/?inspection={inspection}",
    ],
)
def test_the_number_of_queries_does_not_grow_with_the_rows(w: World, role: str, url: str) -> None:
    url = url.format(inspection=w.inspection.pk)
    client = client_of(w.users[role])
    _grow(w, 5)
    client.get(url)  # the working-day calendar, cached per process, is read once
    small = _queries(client, url)
    _grow(w, 45)
    assert _queries(client, url) == small


def test_beyond_the_count_cap_the_page_says_more_than(
    w: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zhenggai.ledger.selectors import ledger_list

    client = client_of(w.users["office"])
    total = filtered_measures(w.users["office"], LedgerQuery()).count()
    assert total > 1
    assert f"共 {total} 条整改措施" in html(client.get("/ledger/"))
    monkeypatch.setattr(ledger_list, "COUNT_CAP", total - 1)
    page = html(client.get("/ledger/"))
    assert f"超过 {total - 1} 条整改措施" in page and f"共 {total - 1} 条" not in page
