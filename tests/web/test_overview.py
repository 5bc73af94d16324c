"""The cross-inspection dashboard (总览): every live number equals the rows of the ledger list
it opens; the year selects the inspections; aspects merge by title; recurring returns; the
rollup (its day stated, its rows equal to the live ones the day it is taken); who may open
it; bounded queries whatever the number of inspections."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    AspectFactory,
    FindingFactory,
    InspectionFactory,
    MeasureFactory,
    OrganisationFactory,
    ProblemFactory,
    UserFactory,
)
from tests.ledger.dashboard_world import Board, build_board
from zhenggai import clock
from zhenggai.accounts.models import User
from zhenggai.ledger.choices import CloseOutState
from zhenggai.ledger.models import CloseOutRequest, Inspection, Measure
from zhenggai.ledger.selectors.filters import LedgerQuery, filtered_measures
from zhenggai.urging.services import snapshot_take
from zhenggai.web import overview as overview_module
from zhenggai.web.overview import overview

pytestmark = pytest.mark.django_db

CARD = re.compile(r'href="([^"]+)" data-testid="card" data-card="[^"]*" data-count="(\d+)"')
URL = "/overview/"


@dataclass
class Wide:
    board: Board
    earlier: Inspection
    shared_title: str
    recurring: Measure


def _returned(measure: Measure, by: User, times: int) -> None:
    for _i in range(times):
        CloseOutRequest.objects.create(
            measure=measure, requested_by=by, summary="已整改。", state=CloseOutState.RETURNED
        )


@pytest.fixture
def wide() -> Wide:
    """The dashboard world (2026) and an earlier inspection of the same committee (2025)
    whose aspect shares a title with one of the 2026 inspection's."""
    board = build_board()
    earlier = InspectionFactory(
        organisation=board.inspection.organisation, feedback_date=dt.date(2025, 11, 3)
    )
    title = board.findings[0].problem.aspect.title
    aspect = AspectFactory(inspection=earlier, title=title)
    finding = FindingFactory(problem=ProblemFactory(aspect=aspect), inspection=earlier)
    unit = board.unit_a
    today = clock.today()
    for days in (-3, 40):
        MeasureFactory(
            inspection=earlier, findings=[finding], lead_unit=unit,
            deadline=today + dt.timedelta(days=days),
        )
    recurring = board.measures["returned"]
    _returned(recurring, board.users["unit_b"], 2)
    _returned(board.measures["requested"], board.users["unit_a"], 1)  # once: not recurring
    return Wide(board, earlier, title, recurring)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rows_behind(user: User, link: str) -> int:
    parts = urlsplit(link)
    assert parts.path == "/ledger/"
    return filtered_measures(user, LedgerQuery.from_querydict(QueryDict(parts.query))).count()


@pytest.mark.parametrize("year", [None, 2026, 2025])
def test_every_live_card_equals_its_list(wide, year):
    office = wide.board.users["office"]
    board = overview(office, year=year)
    assert board.rollup_on is None
    cards = board.live_cards()
    assert len(cards) >= 6 + 3 + 6
    for card in cards:
        assert rows_behind(office, card.url) == card.count, (card.key, card.url)


def test_every_number_on_the_page_equals_its_list(wide):
    leader = wide.board.users["leader"]
    response = client_for(leader).get(URL, {"year": 2026})
    assert response.status_code == 200
    found = CARD.findall(response.content.decode())
    assert len(found) >= 6 + 2 * 6
    for href, count in found:
        assert rows_behind(leader, html_lib.unescape(href)) == int(count), href
    html = response.content.decode()
    data = json.loads(
        re.search(r'<script id="chart-inspections" type="application/json">(.*?)</script>',
                  html, re.S).group(1)
    )
    for item in data["done"] + data["undone"]:
        assert rows_behind(leader, item["url"]) == item["value"]
    assert "vendor/echarts/echarts.min.js" in html


def test_the_year_selects_the_inspections_by_feedback_date(wide):
    office = wide.board.users["office"]
    counts = {y: {c.key: c.count for c in overview(office, year=y).cards} for y in (2025, 2026)}
    assert counts[2025]["total"] == 2 and counts[2025]["overdue"] == 1
    assert counts[2026]["total"] == 8
    every = {c.key: c.count for c in overview(office, year=None).cards}
    assert every["total"] == 10
    assert [r.title for r in overview(office, year=2025).by_inspection] == [wide.earlier.title]
    assert overview(office, year=2024).cards[0].count == 0


def test_aspects_merge_by_title_across_inspections(wide):
    rows = {r.label: r for r in overview(wide.board.users["office"], year=None).by_aspect}
    # Five measures of the 2026 inspection's first aspect, two of the 2025 one's.
    shared = rows[wide.shared_title]
    assert shared.total.count == 7
    assert shared.total.query == LedgerQuery(aspect_title=wide.shared_title)


def test_recurring_returns_count_measures_returned_at_least_twice(wide):
    board = overview(wide.board.users["office"], year=2026)
    returns = next(c for c in board.cards if c.key == "returns")
    assert returns.count == 1
    assert list(filtered_measures(wide.board.users["office"], returns.query)) == [wide.recurring]


def test_units_across_inspections(wide):
    units = {r.label: r.total.count for r in overview(wide.board.users["office"], year=None).by_unit}
    assert units == {"环卫所": 6, "市政所": 4}


def test_the_rollup_serves_large_selections_and_says_how_fresh(wide, monkeypatch):
    office = wide.board.users["office"]
    live = overview(office, year=None)
    live_rows = {r.inspection_id: [c.count for c in r.cards()] for r in live.by_inspection}
    today = clock.today()
    snapshot_take(today=today)
    monkeypatch.setattr(overview_module, "LIVE_INSPECTIONS", 1)
    with CaptureQueriesContext(connection) as ctx:
        board = overview(office, year=None)
    assert board.rollup_on == today and board.live_cards() == []
    # It sums the coarse rollup, never the snapshot's fine rows (docs/benchmarks.md).
    tables = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "urging_overviewrollup" in tables and "urging_snapshot" not in tables
    # The day it is taken, the rollup's figures are the live ones.
    assert {r.inspection_id: [c.count for c in r.cards()] for r in board.by_inspection} == (
        live_rows
    )
    assert [c.count for c in board.cards] == [c.count for c in live.cards]
    # Units by lead unit only (环卫所 leads 3 + 2; its assigned share is not in the rollup).
    assert {r.label: r.total.count for r in board.by_unit} == {"环卫所": 5, "市政所": 4}
    # By primary aspect: the shared title's seven measures (all primary there).
    assert {r.label: r.total.count for r in board.by_aspect}[wide.shared_title] == 7
    # Beyond MAX_INSPECTIONS rows, the most overdue first and the rest counted as left out.
    monkeypatch.setattr(overview_module, "MAX_INSPECTIONS", 1)
    capped = overview(office, year=None)
    assert [r.inspection_id for r in capped.by_inspection] == [
        max(live.by_inspection, key=lambda r: (r.overdue.count, r.total.count)).inspection_id
    ]
    assert capped.inspections_left_out == 1 and capped.cards[0].count == 10
    # Until the next rollup, a new measure is not in the figures: they are the day's.
    MeasureFactory(inspection=wide.earlier, lead_unit=wide.board.unit_a)
    assert overview(office, year=None).cards[0].count == 10
    html = client_for(office).get(URL, {"year": ""}).content.decode()
    assert f"统计截至 {today:%Y-%m-%d}，每日更新" in html
    assert 'data-testid="freshness"' in html and 'data-testid="rollup-note"' in html
    # The rollup's figures are not links (a link promises the live list's count) …
    assert CARD.findall(html) == []
    assert html.count('data-testid="rollup-figure"') >= 6 + 2 * 6
    # … and the one link to the live ledger of the selection is there.
    assert 'href="/ledger/" data-testid="live-ledger"' in html
    data = json.loads(
        re.search(r'<script id="chart-units" type="application/json">(.*?)</script>',
                  html, re.S).group(1)
    )
    assert {item["url"] for item in data["done"]} == {""}


def test_without_a_rollup_large_selections_count_live(wide, monkeypatch):
    monkeypatch.setattr(overview_module, "LIVE_INSPECTIONS", 1)
    board = overview(wide.board.users["office"], year=None)
    assert board.rollup_on is None and len(board.by_inspection) == 2


def test_the_rollup_leaves_out_inspections_the_user_reads_only_in_part(wide, monkeypatch):
    """An office that is also a unit elsewhere: the rollup counts whole inspections, so
    that other inspection (of which the user reads a share) is not in its figures."""
    office = wide.board.users["office"]
    elsewhere = MeasureFactory()
    from zhenggai.accounts.models import RoleAssignment

    RoleAssignment.objects.create(user=office, role="unit", organisation=elsewhere.lead_unit)
    snapshot_take(today=clock.today())
    monkeypatch.setattr(overview_module, "LIVE_INSPECTIONS", 1)
    board = overview(office, year=None)
    assert board.rollup_on is not None
    assert elsewhere.inspection_id not in {r.inspection_id for r in board.by_inspection}
    assert board.cards[0].count == 10


def _grow(board: Board, inspections: int) -> None:
    committee = board.inspection.organisation
    for i in range(inspections):
        inspection = InspectionFactory(organisation=committee)
        unit = OrganisationFactory(parent=committee)
        finding = FindingFactory(inspection=inspection)
        MeasureFactory(inspection=inspection, findings=[finding], lead_unit=unit,
                       deadline=clock.today() + dt.timedelta(days=i - 2))


@pytest.mark.parametrize("rollup", [False, True])
def test_queries_do_not_grow_with_the_inspections(rollup, monkeypatch):
    board = build_board()
    office = board.users["office"]
    client = client_for(office)
    if rollup:
        monkeypatch.setattr(overview_module, "LIVE_INSPECTIONS", 0)
    assert client.get(URL).status_code == 200  # warm: the holiday calendar is cached
    counts = []
    for more in (2, 12):
        _grow(board, more)
        if rollup:
            snapshot_take(today=clock.today())
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(URL)
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 25


def test_opened_plainly_it_shows_the_newest_year_and_year_empty_every_year(wide):
    client = client_for(wide.board.users["office"])
    newest = client.get(URL).content.decode()
    assert "2026 年反馈的巡察" in newest and 'data-count="8"' in newest
    every = client.get(URL, {"year": ""}).content.decode()
    assert "全部巡察" in every and 'data-card="total" data-count="10"' in every


def test_a_unit_is_refused_with_the_reason(wide):
    response = client_for(wide.board.users["unit_a"]).get(URL)
    assert response.status_code == 403
    assert "总览供整改办、领导和监督部门查看" in response.content.decode()


def test_a_bad_year_is_shown_beside_the_field(wide):
    response = client_for(wide.board.users["office"]).get(URL, {"year": "二〇二六"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="error-year"' in html and "请输入年份" in html
    assert client_for(wide.board.users["office"]).get(URL, {"year": "1800"}).status_code == 400


def test_an_empty_selection_says_so(wide):
    html = client_for(wide.board.users["office"]).get(URL, {"year": 2019}).content.decode()
    assert "所选年度没有可查看的巡察" in html


def test_the_navigation_offers_it_to_the_office_not_to_a_unit(wide):
    assert 'data-testid="nav-overview"' in client_for(wide.board.users["office"]).get("/").content.decode()
    assert 'data-testid="nav-overview"' not in client_for(wide.board.users["unit_a"]).get("/").content.decode()
    assert 'data-testid="nav-overview"' not in client_for(UserFactory()).get("/").content.decode()


def test_the_ledger_keeps_the_cross_inspection_filters(wide):
    office = wide.board.users["office"]
    response = client_for(office).get("/ledger/", {"year": 2025, "returns": 2})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<input type="hidden" name="year" value="2025">' in html
    assert 'data-testid="cross-returns"' in html
    bad = client_for(office).get("/ledger/", {"year": "abc"})
    assert bad.status_code == 400
