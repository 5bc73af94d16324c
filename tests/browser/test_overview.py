"""The cross-inspection dashboard (总览) in Chromium at 1280 and 390 px: the office opens it
from the navigation, the charts draw, no console errors; a card opens the ledger filtered
to its rows (the count the ledger shows is the card's)."""

from __future__ import annotations

from tests.browser.conftest import log_in, screenshot, watch_console


def test_the_office_opens_the_overview_at_both_widths(page, phone, demo_server):
    for name, pg in (("desktop", page), ("phone", phone)):
        problems = watch_console(pg)
        log_in(pg, demo_server, "office")
        pg.goto(f"{demo_server.url}/overview/")
        pg.wait_for_selector("[data-chart] svg")
        assert pg.get_by_role("heading", name="总览", exact=True).is_visible()
        assert pg.get_by_test_id("by-inspection").is_visible()
        assert pg.locator("[data-chart] svg").count() >= 2
        screenshot(pg, f"overview-office-{name}")
        assert problems == [], (name, problems)


def test_a_card_opens_the_ledger_with_its_count(page, demo_server):
    log_in(page, demo_server, "office")
    page.get_by_test_id("nav-overview").first.click()
    page.wait_for_load_state()
    card = page.get_by_test_id("cards").locator('[data-card="undone"]')
    count = int(card.get_attribute("data-count") or "-1")
    card.click()
    page.wait_for_load_state()
    assert "/ledger/" in page.url
    assert f"共 {count} 条整改措施" in page.get_by_test_id("ledger-count").inner_text()
