"""The close-out path end to end in Chromium on the shared demo: a unit files progress with a
file, requests close-out; the office returns it with a reason; the unit asks again; the
office approves; the leader approves the key finding; the three parties accept (三方验收),
the inspector last, which closes the measure; the inspection's dashboard counts one more
completed measure — each through the pages' forms, at 1280 px and (the measure page and a
form) at 390 px, with no console errors.

The demo inspection does not require three-party acceptance and no page sets it (it is the
inspection's setting from its import), and the unit's only liaison asked for the close-out,
so may not accept for the unit: the test's set-up turns the setting on and gives the unit a
second liaison, through the ORM in a `zhenggai shell` on the server's data folder, and
turns the setting off again at the end.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.browser.conftest import DemoServer, log_in, screenshot, watch_console
from tests.web.world import PNG
from zhenggai.demo.load import FALLBACK_UNIT, UNIT_CATALOGUE

USERNAMES = {spec.name: spec.username for spec in (*UNIT_CATALOGUE, FALLBACK_UNIT)}


def _target(server: DemoServer) -> tuple[int, str]:
    """A measure of a key finding, open and not shared out, led by a demo unit: the first
    by id (the corrections test works on the last). Read-only: only how the test finds the
    id; everything else goes through the pages."""
    uri = f"file:{server.data_dir / 'zhenggai.sqlite3'}?mode=ro"
    with sqlite3.connect(uri, uri=True) as db:
        rows = db.execute(
            "SELECT m.id, o.name FROM ledger_measure m"
            " JOIN accounts_organisation o ON o.id = m.lead_unit_id"
            " WHERE m.state IN ('planned', 'in_progress')"
            " AND NOT EXISTS (SELECT 1 FROM ledger_assignment a WHERE a.measure_id = m.id)"
            " AND EXISTS (SELECT 1 FROM ledger_measurefinding l JOIN ledger_finding f"
            "   ON f.id = l.finding_id WHERE l.measure_id = m.id AND f.is_key)"
            " ORDER BY m.id"
        ).fetchall()
    for pk, unit in rows:
        if unit in USERNAMES:
            return pk, USERNAMES[unit]
    raise AssertionError("the demo has an open measure of a key finding led by a unit")


def _shell(server: DemoServer, code: str) -> None:
    """Run `code` in `zhenggai shell` against the demo server's database."""
    env = {**os.environ, "ZHENGGAI_DATA_DIR": str(server.data_dir)}
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "-m", "zhenggai", "shell", "-c", code],
        env=env, check=True, capture_output=True,
    )


def _acceptance_set_up(server: DemoServer, measure_id: int, *, on: bool, liaison: str) -> None:
    """The measure's inspection requires three-party acceptance (or not, `on`), and its lead
    unit has the second liaison `liaison`, with the demo's password."""
    _shell(
        server,
        "from zhenggai.accounts.choices import Role\n"
        "from zhenggai.accounts.models import RoleAssignment, User\n"
        "from zhenggai.ledger.models import Measure\n"
        f"m = Measure.objects.select_related('inspection', 'lead_unit').get(pk={measure_id})\n"
        f"m.inspection.requires_three_party_acceptance = {on}\n"
        "m.inspection.save(update_fields=['requires_three_party_acceptance'])\n"
        f"u, _ = User.objects.get_or_create(username={liaison!r}, "
        "defaults={'display_name': '第二联络员'})\n"
        f"u.set_password({server.password!r})\n"
        "u.save()\n"
        "RoleAssignment.objects.get_or_create(user=u, role=Role.UNIT, organisation=m.lead_unit)\n",
    )


def _inspection_of(server: DemoServer, measure_id: int) -> int:
    uri = f"file:{server.data_dir / 'zhenggai.sqlite3'}?mode=ro"
    with sqlite3.connect(uri, uri=True) as db:
        row = db.execute("SELECT inspection_id FROM ledger_measure WHERE id = ?", (measure_id,))
        return int(row.fetchone()[0])


def _done(page, server: DemoServer, inspection_id: int) -> int:  # type: ignore[no-untyped-def]
    """The dashboard's headline number of completed measures (已完成)."""
    page.goto(f"{server.url}/inspections/{inspection_id}/dashboard/")
    card = page.get_by_test_id("cards").locator("[data-card=done]")
    return int(card.get_attribute("data-count"))


def _accept(page, url: str, party: str) -> None:  # type: ignore[no-untyped-def]
    """Give the acceptance of `party` on the measure page."""
    page.goto(url)
    form = page.get_by_test_id("form-accept")
    form.get_by_label("代表").select_option(label=party)
    form.get_by_label("同意验收", exact=True).check()
    form.get_by_label("验收意见").fill("现场核查，整改到位。")
    _submit(page, "submit-accept", "验收意见已提交")


def _submit(page, testid: str, message: str) -> None:  # type: ignore[no-untyped-def]
    """Submit the form (htmx posts it and follows the redirect); the page says `message`."""
    with page.expect_navigation():
        page.get_by_test_id(testid).click()
    assert message in page.get_by_test_id("messages").inner_text()


def _as(browser, server: DemoServer, username: str, width: int = 1280):  # type: ignore[no-untyped-def]
    phone = {"is_mobile": True, "has_touch": True, "device_scale_factor": 2} if width < 600 else {}
    context = browser.new_context(
        locale="zh-CN", viewport={"width": width, "height": 900}, **phone
    )
    page = context.new_page()
    problems = watch_console(page)
    log_in(page, server, username)
    return context, page, problems


def test_the_close_out_path(browser, demo_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    measure_id, unit_name = _target(demo_server)
    second = f"{unit_name}-2"
    _acceptance_set_up(demo_server, measure_id, on=True, liaison=second)
    try:
        _the_path(browser, demo_server, tmp_path, measure_id, unit_name, second)
    finally:
        _acceptance_set_up(demo_server, measure_id, on=False, liaison=second)


def _the_path(browser, demo_server, tmp_path, measure_id, unit_name, second):  # type: ignore[no-untyped-def]
    inspection_id = _inspection_of(demo_server, measure_id)
    url = f"{demo_server.url}/measures/{measure_id}/"
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(PNG + b"browser")
    again = tmp_path / "补充材料.png"
    again.write_bytes(PNG + b"browser-2")

    context, page, problems = _as(browser, demo_server, unit_name, width=390)
    page.goto(url)
    screenshot(page, "measure-unit-forms-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()

    context, page, more = _as(browser, demo_server, unit_name)
    problems += more
    page.goto(url)
    assert page.get_by_test_id("breadcrumbs").is_visible()
    screenshot(page, "measure-unit-1280")
    form = page.get_by_test_id("form-report")
    form.get_by_label("完成进度（%）").fill("100")
    form.get_by_label("进展情况").fill("已全部整改到位，建立长效机制。")
    form.get_by_label("佐证材料").set_input_files(str(photo))
    _submit(page, "submit-report", "整改进展已提交")
    assert "已全部整改到位" in page.get_by_test_id("reports").inner_text()
    assert page.get_by_test_id("evidence-preview").first.is_visible()

    form = page.get_by_test_id("form-close_out")
    form.get_by_label("整改完成情况").fill("整改完成，申请销号。")
    form.get_by_label("佐证材料").set_input_files(str(photo))
    # The same file again for this request is fine (the duplicate rule is per target).
    _submit(page, "submit-close_out", "销号申请已提交")
    context.close()

    context, page, office_problems = _as(browser, demo_server, "office")
    done_before = _done(page, demo_server, inspection_id)
    page.goto(url)
    screenshot(page, "measure-office-review-1280")
    review = page.get_by_test_id("form-review")
    review.get_by_label("退回").check()
    seen = len(office_problems)
    review.get_by_test_id("submit-review").click()  # no reason: refused beside the field
    page.get_by_test_id("form-review").locator(".invalid-feedback").wait_for()
    # That refusal is a 400 answer by design (the form with its error): not a problem.
    refused = office_problems[seen:]
    assert refused and all("400" in p for p in refused), refused
    del office_problems[seen:]
    assert "退回须说明理由" in page.get_by_test_id("form-review").inner_text()
    review = page.get_by_test_id("form-review")
    review.get_by_label("理由").fill("佐证材料不足，请补充整改前后对比照片。")
    _submit(page, "submit-review", "已退回")
    context.close()

    context, page, more = _as(browser, demo_server, unit_name)
    page.goto(url)
    assert "佐证材料不足" in page.get_by_test_id("requests").inner_text()
    form = page.get_by_test_id("form-close_out")
    form.get_by_label("整改完成情况").fill("已补充整改前后对比照片。")
    form.get_by_label("佐证材料").set_input_files(str(again))
    _submit(page, "submit-close_out", "销号申请已提交")
    context.close()
    problems += more

    context, page, more = _as(browser, demo_server, "office")
    page.goto(url)
    review = page.get_by_test_id("form-review")
    review.get_by_label("通过").check()
    _submit(page, "submit-review", "审核通过")
    context.close()
    problems += office_problems + more

    context, page, more = _as(browser, demo_server, "leader")
    page.goto(url)
    screenshot(page, "measure-leader-1280")
    leader = page.get_by_test_id("form-leader")
    leader.get_by_label("通过").check()
    _submit(page, "submit-leader", "领导审批通过")
    # Approved, not closed: the three parties' acceptance comes next.
    assert not page.locator("[data-state=closed]").count()
    context.close()
    problems += more

    # 三方验收: the office, the unit (not the liaison who asked), the inspection group last.
    for username, party in (("office", "整改办"), (second, "被巡察单位")):
        context, page, more = _as(browser, demo_server, username)
        _accept(page, url, party)
        assert not page.locator("[data-state=closed]").count()
        context.close()
        problems += more
    context, page, more = _as(browser, demo_server, "inspector")
    page.goto(url)
    screenshot(page, "measure-inspector-acceptance-1280")
    _accept(page, url, "巡察组")
    assert page.locator("[data-state=closed]").first.is_visible()
    assert "巡察组：同意验收" in page.content()
    screenshot(page, "measure-closed-1280")
    context.close()
    problems += more

    context, page, more = _as(browser, demo_server, "office")
    assert _done(page, demo_server, inspection_id) == done_before + 1
    screenshot(page, "dashboard-after-close-out-1280")
    context.close()
    problems += more

    phone = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
        device_scale_factor=2,
    )
    page = phone.new_page()
    problems += watch_console(page)
    log_in(page, demo_server, "office")
    page.goto(url)
    screenshot(page, "measure-office-390")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    page.goto(f"{url}extension/")
    screenshot(page, "measure-extension-form-390")
    phone.close()
    assert problems == [], problems
