"""The findings tree in Chromium on the shared demo: from the inspection list down through an
inspection, an aspect, a problem and a finding to a measure's link, at 1280 and 390 px, as
the office and as a unit; no console errors, no 404s. Read-only: it changes no data."""

from __future__ import annotations

import pytest

from tests.browser.conftest import (
    DemoServer,
    log_in,
    open_demo_inspection,
    screenshot,
    watch_console,
)


def _walk_down(page, server: DemoServer, name: str) -> None:  # type: ignore[no-untyped-def]
    """Inspection list → inspection → aspect → problem → finding, a screenshot of each."""
    page.goto(f"{server.url}/inspections/")
    assert page.get_by_test_id("inspection-row").count() >= 1
    screenshot(page, f"tree-list-{name}")
    open_demo_inspection(page, server)
    assert "/inspections/" in page.url
    assert page.get_by_test_id("breadcrumbs").is_visible()
    screenshot(page, f"tree-inspection-{name}")
    for level in ("aspect", "problem", "finding"):
        page.get_by_test_id("child").first.locator("a").first.click()
        page.wait_for_load_state()
        assert f"/{level}s/" in page.url
        assert page.get_by_test_id("node-title").is_visible()
        screenshot(page, f"tree-{level}-{name}")
    crumbs = page.get_by_test_id("breadcrumbs").locator("a")
    assert crumbs.count() == 5  # 工作台 › 巡察 › inspection › aspect › problem


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_the_office_walks_the_tree_down_to_the_measures(page, phone, demo_server, width):
    pg = page if width == "desktop" else phone
    problems = watch_console(pg)
    log_in(pg, demo_server, "office")
    _walk_down(pg, demo_server, f"office-{width}")
    measures = pg.get_by_test_id("measure")
    if measures.count():  # a finding answered by an explanation has none
        link = measures.first.get_by_test_id("measure-link")
        assert link.is_visible()
        assert not link.inner_text().startswith("一是")
    assert pg.get_by_test_id("correct").is_visible()
    assert problems == []


def test_a_unit_sees_its_part_of_the_tree(phone, demo_server):
    problems = watch_console(phone)
    log_in(phone, demo_server, "housing")
    _walk_down(phone, demo_server, "unit-phone")
    assert phone.get_by_test_id("unit-note").count() == 0  # a finding lists measures
    assert phone.get_by_test_id("correct").count() == 0
    assert phone.get_by_test_id("measure").count() >= 1
    assert problems == []
