"""Bulk assignment in Chromium on the shared demo server: an office ticks 20 open rows of
the ledger, assigns them one unit in one action (choose → preview → confirm), and the ledger
then shows that unit on those 20 rows; the bar counts the ticked rows, "select all" ticks
the page, and a phone's cards carry the checkbox too. At 1280 and 390 px, no console error
and no failed request.

Data: the demo has fewer than 20 open measures (most are closed, and a closed measure is
not edited), and the other browser tests rely on them. So this module adds, once, its own
committee with an inspection of 24 open measures and its own office user ("bulk-office"),
written into the demo server's database by a subprocess through the test factories — no
demo user reads that committee, and no demo object changes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser.conftest import DemoServer, log_in, screenshot, watch_console

USERNAME = "bulk-office"
UNIT = "乙单位"
LEDGER = "/ledger/?sort=-deadline"
ROOT = Path(__file__).resolve().parents[2]

#: Run in the demo server's environment: the committee, its units, 24 open measures, the user.
SETUP = """
import django
django.setup()
from tests.factories import FindingFactory, InspectionFactory, MeasureFactory, OrganisationFactory, ProblemFactory
from zhenggai.accounts.choices import OrganisationKind, Role
from zhenggai.accounts.models import RoleAssignment, User
from zhenggai.ledger.services.search_index import search_index_refresh
if not User.objects.filter(username="bulk-office").exists():
    committee = OrganisationFactory(name="批量测试局党委", kind=OrganisationKind.COMMITTEE)
    unit_a = OrganisationFactory(name="甲单位", parent=committee)
    OrganisationFactory(name="乙单位", parent=committee)
    inspection = InspectionFactory(organisation=committee, title="批量操作测试巡察")
    problem = ProblemFactory(inspection=inspection, no=1)
    measures = [
        MeasureFactory(inspection=inspection, lead_unit=unit_a, no=1,
                       findings=[FindingFactory(problem=problem, no=i + 1)])
        for i in range(24)
    ]
    search_index_refresh(measures=[m.pk for m in measures])
    user = User.objects.create_user(username="bulk-office", password=PASSWORD, display_name="批量整改办")
    RoleAssignment.objects.create(user=user, role=Role.OFFICE, organisation=committee, include_subtree=True)
"""


@pytest.fixture(scope="module")
def bulk_office(demo_server: DemoServer) -> str:
    env = {
        **os.environ,
        "ZHENGGAI_DATA_DIR": str(demo_server.data_dir),
        "DJANGO_SETTINGS_MODULE": "zhenggai.settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
    }
    env.pop("DATABASE_URL", None)
    script = SETUP.replace("PASSWORD", repr(demo_server.password))
    subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, check=True,
                   capture_output=True)
    return USERNAME


def test_the_office_assigns_a_unit_to_20_rows_at_once(page, demo_server, bulk_office):
    problems = watch_console(page)
    log_in(page, demo_server, bulk_office)
    page.goto(f"{demo_server.url}{LEDGER}")
    bar = page.get_by_test_id("bulk-bar")
    assert not bar.is_visible()  # shown once a row is ticked

    # "Select all on this page", then none again.
    rows = page.get_by_test_id("ledger-row")
    page.get_by_test_id("bulk-all").check()
    assert bar.is_visible()
    assert page.get_by_test_id("bulk-count").inner_text() == f"已选 {rows.count()} 项"
    page.get_by_test_id("bulk-all").uncheck()
    assert not bar.is_visible()

    chosen = [rows.nth(i).get_attribute("data-measure") or "" for i in range(20)]
    for pk in chosen:
        page.locator(f"[data-testid=ledger-row][data-measure='{pk}'] [data-testid=bulk-check]").check()
    assert page.get_by_test_id("bulk-count").inner_text() == "已选 20 项"
    screenshot(page, "bulk-ledger-selected-desktop")

    page.get_by_test_id("bulk-action").select_option("unit")
    with page.expect_navigation():
        page.get_by_test_id("bulk-submit").click()
    assert page.get_by_test_id("bulk-row").count() == 20
    page.get_by_label("责任单位").select_option(label=UNIT)
    assert page.get_by_label("修订原因").count() == 0  # no approved plan: no reason asked
    screenshot(page, "bulk-choose-desktop")
    with page.expect_navigation():
        page.get_by_test_id("bulk-preview").click()
    assert page.locator("[data-step=preview]").count() == 1
    assert page.locator("[data-testid=bulk-row] ins").all_inner_texts() == [UNIT] * 20
    screenshot(page, "bulk-preview-desktop")
    with page.expect_navigation():
        page.get_by_test_id("bulk-confirm").click()

    assert "已调整责任单位：20 条整改措施。" in page.get_by_test_id("messages").inner_text()
    assert "sort=-deadline" in page.url  # back on the ledger as it was
    assert page.locator("td[data-label=责任单位]", has_text=UNIT).count() == 20
    for pk in chosen:
        cell = page.locator(f"[data-testid=ledger-row][data-measure='{pk}'] td[data-label=责任单位]")
        assert cell.inner_text().strip() == UNIT, pk
    screenshot(page, "bulk-done-desktop")
    assert problems == []


def test_the_cards_carry_the_checkbox_on_a_phone(phone, demo_server, bulk_office):
    problems = watch_console(phone)
    log_in(phone, demo_server, bulk_office)
    phone.goto(f"{demo_server.url}{LEDGER}")
    first = phone.get_by_test_id("ledger-row").first
    box = first.get_by_test_id("bulk-check")
    assert box.is_visible()
    box.check()
    bar = phone.get_by_test_id("bulk-bar")
    assert bar.is_visible() and phone.get_by_test_id("bulk-count").inner_text() == "已选 1 项"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "bulk-ledger-phone")
    phone.screenshot(path=str(screenshot(phone, "bulk-ledger-phone").with_name("bulk-bar-phone.png")))
    # The next step fits the phone too (looked at, then left without changing anything).
    phone.get_by_test_id("bulk-action").select_option("deadline")
    with phone.expect_navigation():
        phone.get_by_test_id("bulk-submit").click()
    assert phone.get_by_label("整改时限").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "bulk-choose-phone")
    with phone.expect_navigation():
        phone.get_by_test_id("bulk-cancel").click()
    box = phone.get_by_test_id("ledger-row").first.get_by_test_id("bulk-check")
    assert not box.is_checked() and not bar.is_visible()
    assert problems == []
