"""Each role's home and the inspection dashboard in Chromium, at 1280 and 390 px: no console
errors, no failed requests; the dashboard's charts draw and a click opens the ledger
filtered to the clicked element's rows."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import log_in, screenshot, watch_console

ROLES = ["office", "leader", "supervisor", "inspector", "housing"]


@pytest.mark.parametrize("username", ROLES)
def test_each_role_sees_its_home_at_both_widths(page, phone, demo_server, username):
    for name, pg in (("desktop", page), ("phone", phone)):
        problems = watch_console(pg)
        log_in(pg, demo_server, username)
        assert pg.get_by_role("heading", name="工作台").is_visible()
        assert pg.locator("section").count() >= 1
        screenshot(pg, f"home-{username}-{name}")
        assert problems == [], (name, problems)


def test_the_office_home_shows_its_queue_and_numbers(page, demo_server):
    log_in(page, demo_server, "office")
    assert page.get_by_test_id("home-office").is_visible()
    assert page.get_by_test_id("review-queue").is_visible()
    total = page.get_by_test_id("ledger").first.locator('[data-card="total"]')
    assert int(total.get_attribute("data-count") or "0") > 0


def _dashboard(pg, demo_server):  # type: ignore[no-untyped-def]
    log_in(pg, demo_server, "office")
    pg.get_by_test_id("dashboard-link").first.click()
    pg.wait_for_load_state()
    pg.wait_for_selector("[data-chart] svg")


def test_the_dashboard_draws_its_charts_at_both_widths(page, phone, demo_server):
    for name, pg in (("desktop", page), ("phone", phone)):
        problems = watch_console(pg)
        _dashboard(pg, demo_server)
        assert "/dashboard/" in pg.url
        assert pg.locator("[data-chart] svg").count() == 4
        assert pg.get_by_test_id("by-aspect").is_visible()
        screenshot(pg, f"dashboard-office-{name}")
        assert problems == [], (name, problems)


def test_a_click_on_a_chart_opens_the_ledger_filtered_to_its_rows(page, demo_server):
    _dashboard(page, demo_server)
    inspection = page.url.rstrip("/").split("/")[-2]
    chart = page.locator('[data-source="chart-aspects"]')
    box = chart.bounding_box()
    assert box is not None
    # The first aspect's bar starts at the left of the plot, below the legend.
    first = page.locator('[data-source="chart-aspects"] svg path[fill="#198754"]').first
    with page.expect_navigation():
        first.click()
    query = parse_qs(urlsplit(page.url).query)
    assert urlsplit(page.url).path == "/ledger/"
    assert query["inspection"] == [inspection] and "aspect" in query
    assert query["state"] == ["closed", "watching"]
