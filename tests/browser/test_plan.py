"""The plan's path in Chromium: the office creates the plan, corrects a measure, saves a
revision with its reason (the plan goes to the leader), the leader finds it on the home
page and approves it, and the revision's Chinese diff is there to read; at 1280 and 390 px.

The demo's own plan is approved (a revision is refused after approval), so the test works
on an inspection of its own: a separate organisation with its own office and leader users,
made once in the demo's database by `_own_inspection` (a `zhenggai shell` in the server's
data folder). No demo user reads it, so the other browser tests see the demo as loaded.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.browser.conftest import DemoServer, log_in, screenshot, watch_console

REPO = Path(__file__).resolve().parents[2]

SETUP = """
from tests.factories import FindingFactory, InspectionFactory, MeasureFactory, OrganisationFactory
from zhenggai.accounts.choices import OrganisationKind, Role
from zhenggai.accounts.models import RoleAssignment, User
committee = OrganisationFactory(name="方案测试局党委", kind=OrganisationKind.COMMITTEE, parent=None)
unit = OrganisationFactory(name="方案测试科", parent=committee)
inspection = InspectionFactory(title="方案测试局巡察", organisation=committee)
finding = FindingFactory(inspection=inspection, text="学习制度落实不到位。")
MeasureFactory(inspection=inspection, findings=[finding], lead_unit=unit,
               content="建立学习台账，每月检查。", target="学习制度落实到位。")
for username, role in (("plan-office", Role.OFFICE), ("plan-leader", Role.LEADER)):
    user = User.objects.create(username=username, display_name=username)
    user.set_password({password!r})
    user.save()
    RoleAssignment.objects.create(user=user, role=role, organisation=committee,
                                  include_subtree=True)
print(inspection.pk, MeasureFactory._meta.model.objects.get(inspection=inspection).pk)
"""


def _own_inspection(server: DemoServer) -> tuple[int, int]:
    """An inspection without a plan, its measure, and users for it (see the module)."""
    env = {**os.environ, "ZHENGGAI_DATA_DIR": str(server.data_dir),
           "DJANGO_SETTINGS_MODULE": "zhenggai.settings", "PYTHONPATH": f"{REPO}/src:{REPO}"}
    env.pop("DATABASE_URL", None)
    out = subprocess.run(
        [sys.executable, "-m", "zhenggai", "shell", "-c", SETUP.format(password=server.password)],
        env=env, cwd=REPO, check=True, capture_output=True, text=True,
    ).stdout.split()
    return int(out[-2]), int(out[-1])


def test_the_office_revises_the_plan_and_the_leader_approves_it(page, phone, demo_server):
    problems = watch_console(page)
    inspection_id, measure_id = _own_inspection(demo_server)
    log_in(page, demo_server, "plan-office")

    # From the inspection page to its plan, which does not exist yet.
    page.goto(f"{demo_server.url}/inspections/{inspection_id}/")
    page.get_by_test_id("tool-plan").click()
    page.get_by_test_id("form-create").wait_for()
    page.get_by_label("方案名称").fill("方案测试局巡察反馈意见整改方案")
    with page.expect_navigation():
        page.get_by_test_id("submit-create").click()
    assert "整改方案已建立" in page.get_by_test_id("messages").inner_text()
    assert "初始版本" in page.get_by_test_id("revision").first.inner_text()

    # A reason is required: the error stands beside the field, nothing is saved.
    page.get_by_test_id("submit-revise").click()
    page.locator("#id_reason_errors").wait_for()
    assert "请填写修订原因" in page.locator("#id_reason_errors").inner_text()
    assert page.get_by_test_id("revision").count() == 1
    screenshot(page, "plan-reason-required-desktop")
    problems.clear()  # that 400 was the answer asked for

    # The consultation sharpens a measure's target on its correction page, then the
    # office saves the revision with its reason.
    page.goto(f"{demo_server.url}/measures/{measure_id}/edit/")
    page.get_by_label("整改目标").fill("学习制度落实到位，并建立长效机制。")
    page.get_by_test_id("preview").click()
    page.locator("[data-step=preview]").wait_for()
    with page.expect_navigation():
        page.get_by_test_id("save").click()
    page.goto(f"{demo_server.url}/inspections/{inspection_id}/plan/")
    page.get_by_label("修订原因").fill("征求班子成员和各责任单位意见后修订")
    with page.expect_navigation():
        page.get_by_test_id("submit-revise").click()
    assert page.get_by_test_id("plan-state").inner_text() == "待审批"
    screenshot(page, "plan-revised-desktop")
    assert problems == []

    # The leader finds the plan on the home page and approves the revision shown.
    leader_problems = watch_console(phone)
    log_in(phone, demo_server, "plan-leader")
    queue = phone.get_by_test_id("plan-approvals")
    assert "方案测试局巡察反馈意见整改方案" in queue.inner_text()
    screenshot(phone, "plan-leader-home-phone")
    with phone.expect_navigation():
        queue.get_by_role("link").first.click()
    latest = phone.get_by_test_id("revision").first
    assert latest.get_attribute("data-number") == "2"
    text = latest.inner_text()
    assert "征求班子成员和各责任单位意见后修订" in text
    assert "整改目标由“学习制度落实到位。”改为“学习制度落实到位，并建立长效机制。”" in text
    assert latest.locator("[data-kind=changed]").count() == 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "plan-approve-phone")
    with phone.expect_navigation():
        phone.get_by_test_id("submit-approve").click()
    assert "整改方案已审定" in phone.get_by_test_id("messages").inner_text()
    assert phone.get_by_test_id("plan-state").inner_text() == "已审定"
    assert leader_problems == []

    # The office sees the approval and the diff at desktop width.
    page.goto(f"{demo_server.url}/inspections/{inspection_id}/plan/")
    assert page.get_by_test_id("approved-note").is_visible()
    assert "整改目标由" in page.get_by_test_id("revision").first.inner_text()
    screenshot(page, "plan-approved-desktop")
    page.get_by_test_id("plan-leading-group").click()
    page.get_by_test_id("form-leading-group").wait_for()
    screenshot(page, "plan-leading-group-desktop")


def test_a_findings_tools_and_the_follow_up_page_read_well(page, phone, demo_server):
    """Looked at only (nothing submitted): the demo's first open finding with the office's
    tools and its scope form, and the inspection group's follow-up page, at both widths."""
    import sqlite3

    uri = f"file:{demo_server.data_dir / 'zhenggai.sqlite3'}?mode=ro"
    with sqlite3.connect(uri, uri=True) as db:
        finding_id, inspection_id = db.execute(
            "SELECT f.id, f.inspection_id FROM ledger_finding f JOIN ledger_measurefinding l"
            " ON l.finding_id = f.id WHERE f.state = 'open' ORDER BY f.id LIMIT 1"
        ).fetchone()
    problems = watch_console(page)
    log_in(page, demo_server, "office")
    page.goto(f"{demo_server.url}/findings/{finding_id}/")
    tools = page.get_by_test_id("finding-tools")
    assert tools.is_visible() and tools.get_by_test_id("tool-scope").is_visible()
    screenshot(page, "finding-tools-desktop")
    tools.get_by_test_id("tool-scope").click()
    page.get_by_test_id("tool-scope").wait_for()
    assert page.get_by_label("共性问题").count() == 1
    screenshot(page, "finding-scope-desktop")
    assert problems == []

    phone_problems = watch_console(phone)
    log_in(phone, demo_server, "inspector")
    phone.goto(f"{demo_server.url}/inspections/{inspection_id}/follow-up/")
    phone.get_by_test_id("form-follow-up").wait_for()
    assert phone.get_by_test_id("review").count() >= 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "follow-up-phone")
    phone.context.clear_cookies()  # signed out
    log_in(phone, demo_server, "office")
    phone.goto(f"{demo_server.url}/findings/{finding_id}/scope/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "finding-scope-phone")
    assert phone_problems == []
