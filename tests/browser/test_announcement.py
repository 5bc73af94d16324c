"""The announcement in Chromium on the shared demo: the office generates the draft from the
ledger, edits it (a revision, diffed), answers the checklist and submits; the leader
approves; the office publishes and downloads the DOCX; at 1280 and 390 px, no console
errors. It runs on the demo's inspection, whose announcement no other test touches."""

from __future__ import annotations

import sqlite3

from tests.browser.conftest import SCREENSHOTS, DemoServer, log_in, screenshot, watch_console

EDIT = "（经整改办核改）"


def _inspection(server: DemoServer) -> int:
    """The demo's inspection (read-only: only how the test finds the id; the rest goes
    through the pages, which the inspection's page will link to)."""
    uri = f"file:{server.data_dir / 'zhenggai.sqlite3'}?mode=ro"
    with sqlite3.connect(uri, uri=True) as db:
        row = db.execute("SELECT id FROM ledger_inspection ORDER BY id LIMIT 1").fetchone()
    assert row, "the demo has an inspection"
    return int(row[0])


def _post(page, testid: str) -> None:  # type: ignore[no-untyped-def]
    with page.expect_navigation():
        page.get_by_test_id(testid).click()


def test_office_generates_edits_submits_leader_approves_office_publishes(page, phone, demo_server):
    problems = watch_console(page)
    phone_problems = watch_console(phone)
    url = f"{demo_server.url}/inspections/{_inspection(demo_server)}/announcement/"
    log_in(page, demo_server, "office")
    page.goto(url)
    assert page.get_by_test_id("empty").is_visible()
    _post(page, "generate")
    assert "由台账生成通报稿" in page.get_by_test_id("messages").inner_text()
    assert page.get_by_test_id("state").inner_text() == "草稿"
    # Every figure the draft states is held against the ledger, beside the text.
    figures = page.get_by_test_id("figure")
    assert figures.count() >= 3
    assert page.locator("[data-testid=figure][data-status=mismatch]").count() == 0
    screenshot(page, "announcement-draft-desktop")

    # An edit is a revision; the difference is shown character by character.
    editor = page.get_by_label("通报正文")
    lines = editor.input_value().split("\n")
    lines[1] += EDIT
    editor.fill("\n".join(lines))
    page.get_by_label("修改说明").fill("核改开头一段")
    _post(page, "save")
    assert page.get_by_test_id("revision").count() == 2
    assert "核改开头一段" in page.get_by_test_id("revisions").inner_text()
    page.get_by_test_id("diff-previous").first.click()
    page.get_by_test_id("diff").wait_for()
    assert EDIT in page.locator(".announcement-diff ins").first.inner_text()
    screenshot(page, "announcement-diff-desktop")

    # The public edition: the checklist answered for this text, then submitted.
    page.goto(f"{url}?tab=public")
    assert page.get_by_test_id("public-text").is_visible()
    for item in (
        "state_secrets",
        "cases_under_investigation",
        "personal_data",
        "sensitive_matters",
    ):
        page.check(f"#checklist-{item}_0")
    _post(page, "save-checklist")
    assert page.get_by_test_id("checklist-done").is_visible()
    _post(page, "submit")
    assert page.get_by_test_id("state").inner_text() == "待审定"
    assert page.get_by_test_id("approve").count() == 0  # the office does not approve

    # The leader approves, on a phone.
    log_in(phone, demo_server, "leader")
    phone.goto(url)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "announcement-submitted-phone")
    _post(phone, "approve")
    assert phone.get_by_test_id("state").inner_text() == "已审定"

    # The office publishes; the version is fixed, a correction is offered.
    page.goto(url)
    _post(page, "publish")
    assert page.get_by_test_id("state").inner_text() == "已发布"
    assert page.get_by_test_id("draft-form").count() == 0
    assert page.get_by_test_id("correct-form").is_visible()
    # Files come through the official-document builder; a PDF takes seconds (a spinner).
    for edition, fmt in (("public", "docx"), ("internal", "pdf")):
        with page.expect_download(timeout=60_000) as download:
            page.get_by_test_id(f"download-{edition}-{fmt}").click()
        label = "公开版" if edition == "public" else "党内版"
        assert download.value.suggested_filename.endswith(f"{label}）.{fmt}")
        saved = SCREENSHOTS / f"announcement-{edition}.{fmt}"
        download.value.save_as(saved)
        assert saved.stat().st_size > 1000
    screenshot(page, "announcement-published-desktop")
    phone.goto(f"{url}?tab=public")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "announcement-published-phone")
    assert problems == [] and phone_problems == []
