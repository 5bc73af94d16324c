"""The inspection dashboard: every number equals the rows of the ledger list it links to,
the charts carry the same links, scope (404 outside it, a unit sees its share), bounded
queries."""

from __future__ import annotations

import html as html_lib
import json
import re
from urllib.parse import urlsplit

import pytest
from django.http import QueryDict
from django.test import Client

from tests.factories import MeasureFactory, UserFactory
from tests.ledger.dashboard_world import Board, add_measures, build_board
from zhenggai.accounts.models import User
from zhenggai.ledger.selectors.dashboard import inspection_dashboard
from zhenggai.ledger.selectors.filters import LedgerQuery, filtered_measures

pytestmark = pytest.mark.django_db

#: A linked number on the page: its href and the count it shows.
CARD = re.compile(r'href="([^"]+)" data-testid="card" data-card="[^"]*" data-count="(\d+)"')


@pytest.fixture
def board() -> Board:
    return build_board()


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(board: Board) -> str:
    return f"/inspections/{board.inspection.pk}/dashboard/"


def rows_behind(user: User, link: str) -> int:
    """How many rows the ledger page lists for `link` (the ledger reads the same query)."""
    parts = urlsplit(link)
    assert parts.path == "/ledger/"
    return filtered_measures(user, LedgerQuery.from_querydict(QueryDict(parts.query))).count()


@pytest.mark.parametrize("who", ["office", "leader", "unit_a", "unit_b"])
def test_every_number_on_the_page_equals_the_rows_of_the_list_it_opens(board, who):
    user = board.users[who]
    response = client_for(user).get(url(board))
    assert response.status_code == 200
    cards = CARD.findall(response.content.decode())
    assert len(cards) >= 8 + 4 + 3 * 2  # headline, signals, at least one row per breakdown
    for href, count in cards:
        assert rows_behind(user, html_lib.unescape(href)) == int(count), href


@pytest.mark.parametrize("who", ["office", "unit_a"])
def test_every_card_of_the_selector_equals_its_list(board, who):
    user = board.users[who]
    dashboard = inspection_dashboard(user, board.inspection)
    for card in dashboard.all_cards():
        assert rows_behind(user, card.url) == card.count, (card.key, card.url)


def test_the_office_sees_the_numbers_of_the_whole_inspection(board):
    d = inspection_dashboard(board.users["office"], board.inspection)
    counts = {c.key: c.count for c in [*d.cards, *d.signals]}
    assert counts["total"] == 8
    assert counts["done"] == 2  # closed and watching
    assert counts["undone"] == 6
    assert counts["overdue"] == 1 and counts["signal_red"] == 1
    assert counts["due_soon"] == 1
    # In progress, started 90 days ago, no report: stalled. The shared one reported
    # yesterday; the returned one was returned (and reported) recently? It has no report
    # and was created long ago, so it is stalled too.
    assert counts["stalled"] == 2
    assert counts["close_requested"] == 1
    assert [m.content for m in d.overdue[1]] == ["措施超期"]
    assert {m.content for m in d.stalled[1]} == {"措施超期", "措施已退回"}
    # By unit: unit A leads three and is assigned the shared one; B leads four.
    units = {row.label: (row.total.count, row.done.count) for row in d.by_unit}
    assert units == {"环卫所": (4, 0), "市政所": (4, 2)}
    assert sum(m.count for m in d.months) == 2


def test_a_unit_sees_only_its_share(board):
    d = inspection_dashboard(board.users["unit_a"], board.inspection)
    counts = {c.key: c.count for c in d.cards}
    assert counts["total"] == 4  # three led, one assigned
    assert [row.label for row in d.by_unit] == ["环卫所", "市政所"]
    assert d.by_unit[1].total.count == 1  # the shared measure, led by B


def test_the_charts_carry_the_links_of_their_numbers(board):
    html = client_for(board.users["office"]).get(url(board)).content.decode()
    data = json.loads(
        re.search(
            r'<script id="chart-units" type="application/json">(.*?)</script>', html, re.S
        ).group(1)
    )
    assert data["names"] == ["环卫所", "市政所"]
    for item in data["done"] + data["undone"]:
        assert rows_behind(board.users["office"], item["url"]) == item["value"]
    signals = json.loads(
        re.search(
            r'<script id="chart-signals" type="application/json">(.*?)'
            r"</script>",
            html,
            re.S,
        ).group(1)
    )
    assert {s["value"] for s in signals} >= {1}
    assert "vendor/echarts/echarts.min.js" in html and "ledger/dashboard.js" in html


def test_another_organisations_inspection_is_not_found(board):
    foreign = MeasureFactory().inspection
    assert (
        client_for(board.users["office"]).get(f"/inspections/{foreign.pk}/dashboard/").status_code
        == 404
    )
    stranger = client_for(UserFactory())
    assert stranger.get(url(board)).status_code == 404
    assert (
        client_for(board.users["office"]).get("/inspections/999999/dashboard/").status_code == 404
    )


def test_anonymous_visitors_are_sent_to_log_in(board, client):
    response = client.get(url(board))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_an_empty_inspection_says_so():
    inspection = MeasureFactory().inspection
    inspection.measures.all().delete()
    from tests.ledger.dashboard_world import _grant
    from zhenggai.accounts.choices import Role

    user = _grant(Role.OFFICE, inspection.organisation, include_subtree=True)
    html = client_for(user).get(f"/inspections/{inspection.pk}/dashboard/").content.decode()
    assert "暂无整改措施" in html and "没有超期的措施" in html


@pytest.mark.parametrize("who", ["office", "unit_a"])
def test_queries_do_not_grow_with_the_ledger(board, who, django_assert_max_num_queries):
    client = client_for(board.users[who])
    add_measures(board, 5)
    client.get(url(board))  # the holiday calendar is read once per process, then cached
    with django_assert_max_num_queries(40) as small:
        assert client.get(url(board)).status_code == 200
    add_measures(board, 45)
    with django_assert_max_num_queries(40) as large:
        assert client.get(url(board)).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
