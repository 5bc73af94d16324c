"""The office corrects what the import got wrong, in Chromium on the shared demo: a finding's
text and a measure's unit, each previewed, saved with its reason (the demo's plan is
approved) and seen again as a plan revision; at 1280 and 390 px."""

from __future__ import annotations

import sqlite3

from tests.browser.conftest import DemoServer, log_in, screenshot, watch_console

SUFFIX = "（经核对更正）"


def _targets(server: DemoServer) -> tuple[int, int]:
    """The last open finding and the last open measure of the demo, which the other browser
    tests (working from the start of the ledger and the units' lists) leave alone.

    Read from the demo's database, read-only: this is only how the test finds the two ids
    (the pages that list them belong to other areas); everything else goes through pages.
    """
    uri = f"file:{server.data_dir / 'zhenggai.sqlite3'}?mode=ro"
    with sqlite3.connect(uri, uri=True) as db:
        finding = db.execute(
            "SELECT f.id FROM ledger_finding f"
            " JOIN ledger_problem p ON p.id = f.problem_id"
            " JOIN ledger_aspect a ON a.id = p.aspect_id"
            " WHERE f.state = 'open' AND f.text NOT LIKE ?"
            " ORDER BY a.sort_order DESC, p.sort_order DESC, f.sort_order DESC, f.id DESC"
            " LIMIT 1",
            (f"%{SUFFIX}%",),
        ).fetchone()
        measure = db.execute(
            "SELECT id FROM ledger_measure WHERE state NOT IN ('closed', 'watching')"
            " ORDER BY sort_order DESC, id DESC LIMIT 1"
        ).fetchone()
    assert finding and measure, "the demo has an open finding and an open measure"
    return finding[0], measure[0]


def _save(page, reason: str) -> None:  # type: ignore[no-untyped-def]
    """Preview, give the reason when the plan is approved, confirm; back on the object."""
    page.get_by_test_id("preview").click()
    page.locator("[data-step=preview]").wait_for()
    reason_field = page.get_by_label("修订原因")
    if reason_field.count():
        reason_field.fill(reason)
    with page.expect_navigation():
        page.get_by_test_id("save").click()
    assert "更正已保存" in page.get_by_test_id("messages").inner_text()


def test_the_office_corrects_a_finding_text_and_a_measure_unit(page, demo_server):
    problems = watch_console(page)
    finding_id, measure_id = _targets(demo_server)
    log_in(page, demo_server, "office")

    # A finding's text: one half-sentence the import lost.
    url = f"{demo_server.url}/findings/{finding_id}/edit/"
    page.goto(url)
    text = page.get_by_label("问题表述")
    before = text.input_value()
    assert before
    screenshot(page, "correction-finding-edit-desktop")
    text.fill(before.rstrip("。") + SUFFIX + "。")
    page.get_by_test_id("preview").click()
    changes = page.get_by_test_id("changes")
    changes.wait_for()
    assert SUFFIX in changes.inner_text()
    assert page.get_by_label("修订原因").count() == 1  # the demo's plan is approved
    page.get_by_label("修订原因").fill("导入时漏了半句，按原文补齐")
    screenshot(page, "correction-finding-preview-desktop")
    with page.expect_navigation():
        page.get_by_test_id("save").click()
    assert "更正已保存" in page.get_by_test_id("messages").inner_text()
    page.goto(url)
    assert SUFFIX in page.get_by_label("问题表述").input_value()
    latest = page.get_by_test_id("revision").first.inner_text()
    assert "导入时漏了半句，按原文补齐" in latest
    assert "问题表述由" in latest and SUFFIX in latest
    screenshot(page, "correction-finding-revision-desktop")

    # A measure's lead unit: another unit of the bureau.
    url = f"{demo_server.url}/measures/{measure_id}/edit/"
    page.goto(url)
    unit = page.get_by_label("责任单位")
    current = unit.input_value()
    options = unit.locator("option")
    values = [options.nth(i).get_attribute("value") for i in range(options.count())]
    other = next(v for v in values if v and v != current)
    other_name = unit.locator(f"option[value='{other}']").inner_text().strip()
    assert page.get_by_label("整改时限", exact=True).is_disabled()  # approved: deadlines move by extension
    screenshot(page, "correction-measure-edit-desktop")
    unit.select_option(other)
    _save(page, "责任单位认定有误")
    page.goto(url)
    assert page.get_by_label("责任单位").input_value() == other
    latest = page.get_by_test_id("revision").first.inner_text()
    assert "责任单位认定有误" in latest
    assert f"改为“{other_name}”" in latest
    screenshot(page, "correction-measure-revision-desktop")
    assert problems == []


def test_the_correction_form_fits_a_phone(phone, demo_server):
    problems = watch_console(phone)
    _finding_id, measure_id = _targets(demo_server)
    log_in(phone, demo_server, "office")
    phone.goto(f"{demo_server.url}/measures/{measure_id}/edit/")
    form = phone.get_by_test_id("correction-form")
    assert form.is_visible()
    # One column: the form is no wider than the screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "correction-measure-edit-phone")
    target = phone.get_by_label("整改目标")
    target.fill(target.input_value() + "（核对）")
    phone.get_by_test_id("preview").click()
    phone.get_by_test_id("changes").wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "correction-measure-preview-phone")
    # Back to editing keeps the text; nothing is saved from the phone here.
    phone.get_by_test_id("back").click()
    phone.locator("[data-step=edit]").wait_for()
    assert phone.get_by_label("整改目标").input_value().endswith("（核对）")
    assert problems == []
