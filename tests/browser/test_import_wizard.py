"""The document import wizard in Chromium on the shared demo: the office uploads the seed,
reads the figures and warnings, imports it into its committee, gives a measure a unit,
marks a key finding, confirms and lands on the new inspection, whose ledger lists the
seed's 44 measures. At 1280 and 390 px, with no console error and no failed request.

This adds an inspection (the seed, feedback in 2019) to the shared demo: the other browser
tests open the newest inspection or filter by their own, so they still meet the demo's.
The demo's office holds its role on the whole committee (not on the demo inspection only),
so it may import the committee's next inspection as it is.
"""

from __future__ import annotations

import re

from tests.browser.conftest import log_in, screenshot, watch_console
from tests.conftest import SEED_PATH

COMMITTEE = "中共示范县住房和城乡建设局党组"


def _upload_seed(pg, name: str) -> None:  # type: ignore[no-untyped-def]
    pg.get_by_test_id("nav-import").click()
    pg.wait_for_url(re.compile(r"/import/$"))
    screenshot(pg, f"import-landing-{name}")
    pg.get_by_test_id("import-document").click()
    pg.wait_for_url(re.compile(r"/import/document/$"))
    pg.set_input_files("input[name=file]", str(SEED_PATH))
    pg.get_by_test_id("upload").click()
    pg.wait_for_url(re.compile(r"/import/document/\d+/$"))


def test_the_office_imports_the_seed_through_the_wizard(page, phone, demo_server):
    # At phone width first: the preview reads as one column (this upload stays staged).
    phone_problems = watch_console(phone)
    log_in(phone, demo_server, "office")
    phone.goto(f"{demo_server.url}/")
    phone.locator(".navbar-toggler").click()
    _upload_seed(phone, "phone")
    assert "识别出 6 个方面、12 个问题、25 个具体问题、44 条整改措施" in phone.get_by_test_id(
        "parsed-counts"
    ).inner_text()
    screenshot(phone, "import-wizard-phone")
    assert phone_problems == []

    problems = watch_console(page)
    log_in(page, demo_server, "office")
    _upload_seed(page, "desktop")
    figures = page.get_by_test_id("figures")
    assert "47" in figures.inner_text() and "不一致" in figures.inner_text()
    assert page.get_by_test_id("warnings").locator("li").count() >= 1
    screenshot(page, "import-wizard-desktop")

    page.get_by_label("被巡察党组织").select_option(label=COMMITTEE)
    first = page.get_by_test_id("measure").first
    first.get_by_label("责任单位").select_option(label="机关科室")
    first.get_by_label("整改时限").fill("2026-12-31")
    page.get_by_test_id("key-key_f0").check()
    with page.expect_navigation():
        page.get_by_test_id("confirm").click()
    alerts = page.locator(".alert-danger, .invalid-feedback").all_inner_texts()
    assert re.search(r"/inspections/\d+/$", page.url), (page.url, alerts)
    inspection = page.url.rstrip("/").split("/")[-1]
    assert "龙子湖区" in page.content() or "城管" in page.content()

    page.get_by_test_id("tool-ledger").click()
    page.wait_for_url(re.compile(rf"inspection={inspection}"))
    count = page.get_by_test_id("ledger-count").inner_text()
    assert re.search(r"共\s*44\s*条", count), count
    assert page.get_by_test_id("ledger-row").filter(has_text="机关科室").count() == 1
    screenshot(page, "import-wizard-ledger")
    assert problems == []
