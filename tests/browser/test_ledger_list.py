"""The ledger page in Chromium on the shared demo: the office filters by state and sorts by
a column through htmx (the URL follows), a unit reads its rows as cards on a phone; at 1280
and 390 px, with no console error and no failed request. Reads only: no data changes."""

from __future__ import annotations

import re

from tests.browser.conftest import log_in, screenshot, watch_console


def _count(page) -> int:  # type: ignore[no-untyped-def]
    text = page.get_by_test_id("ledger-count").inner_text()
    match = re.search(r"共\s*(\d+)\s*条", text)
    assert match, text
    return int(match.group(1))


def test_the_office_filters_and_sorts_the_ledger(page, demo_server):
    problems = watch_console(page)
    log_in(page, demo_server, "office")
    page.get_by_test_id("nav-ledger").click()
    page.wait_for_load_state()
    assert page.url.endswith("/ledger/")
    rows = page.get_by_test_id("ledger-row")
    assert rows.count() > 0
    total = _count(page)
    assert total >= rows.count()
    # 编号 is a tree path like 3-(2)-1 and leads to the measure's page.
    link = rows.first.get_by_test_id("measure-link")
    assert re.fullmatch(r"\d+(-\(\d+\))?(-\d+)?|\d+-\d+|—", link.inner_text().strip())
    assert re.search(r"/measures/\d+/$", link.get_attribute("href") or "")
    screenshot(page, "ledger-office-desktop")

    # A state filter: htmx swaps the results and the URL keeps the filter.
    page.get_by_test_id("more-filters").locator("summary").click()
    with page.expect_response(lambda r: "state=in_progress" in r.url):
        page.get_by_label("整改中").check()
    page.wait_for_url(re.compile(r"state=in_progress"))
    filtered = _count(page)
    assert 0 < filtered < total
    states = page.locator("[data-testid=ledger-row] [data-state]")
    assert {states.nth(i).get_attribute("data-state") for i in range(states.count())} == {
        "in_progress"
    }
    screenshot(page, "ledger-office-filtered-desktop")

    # Sort by unit, then reverse it: the header link swaps the page, filters kept.
    with page.expect_response(lambda r: "sort=" in r.url):
        page.get_by_test_id("sort-unit").click()
    page.wait_for_url(re.compile(r"sort=unit"))
    assert "state=in_progress" in page.url
    assert _count(page) == filtered
    with page.expect_response(lambda r: "sort=-unit" in r.url):
        page.get_by_test_id("sort-unit").click()
    page.wait_for_url(re.compile(r"sort=-unit"))
    assert page.get_by_test_id("sort-unit").get_attribute("aria-sort") == "descending"

    # Reload: the same view from the URL alone (no JavaScript state).
    page.reload()
    assert _count(page) == filtered
    assert page.get_by_label("整改中").is_checked()
    screenshot(page, "ledger-office-sorted-desktop")
    assert problems == []


def test_a_unit_reads_its_ledger_as_cards_on_a_phone(phone, demo_server):
    problems = watch_console(phone)
    log_in(phone, demo_server, "offices")
    phone.goto(f"{demo_server.url}/ledger/")
    rows = phone.get_by_test_id("ledger-row")
    assert rows.count() > 0
    # Cards: no table header, each row a block no wider than the screen.
    assert not phone.locator("[data-testid=ledger-table] thead").is_visible()
    assert rows.first.evaluate("r => getComputedStyle(r).display") == "block"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "ledger-unit-phone")
    phone.get_by_test_id("ledger-filter").locator("summary").click()
    screenshot(phone, "ledger-unit-filters-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert problems == []
