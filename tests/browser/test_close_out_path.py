"""The close-out path end to end in Chromium on the shared demo: a unit files progress with a
file, requests close-out; the office returns it with a reason; the unit asks again; the
office approves; the leader approves the key finding — each through the measure page's
forms, at 1280 px and (the measure page and a form) at 390 px, with no console errors.

The demo inspection does not require three-party acceptance, so the inspector's step is
covered by the Django client tests (tests/ledger/test_views_workflow.py), not here.
"""

from __future__ import annotations

import sqlite3
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
    assert page.locator("[data-state=closed]").first.is_visible()
    screenshot(page, "measure-closed-1280")
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
