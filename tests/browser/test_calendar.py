"""The deadline calendar in Chromium on the shared demo: the office opens 日历, goes to
October 2026 (国庆节 off, the make-up Saturday 10 October at work and four deadlines on it),
sees the holiday marked and a deadline, and follows it to the measure; on a phone the same
month is an agenda by day. Reads only: no data changes."""

from __future__ import annotations

import re

from tests.browser.conftest import log_in, screenshot, watch_console


def test_the_office_follows_a_deadline_from_the_calendar(page, demo_server):
    problems = watch_console(page)
    log_in(page, demo_server, "office")
    page.get_by_test_id("nav-calendar").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("calendar-grid").is_visible()
    assert not page.get_by_test_id("calendar-agenda").is_visible()
    # Month navigation: htmx swaps the month and the URL follows.
    page.get_by_test_id("month-prev").click()
    page.wait_for_url(re.compile(r"month=2026-11"))
    page.goto(f"{demo_server.url}/calendar/?month=2026-10")
    holiday = page.locator("[data-testid=day][data-date='2026-10-01']")
    assert holiday.get_attribute("data-kind") == "holiday"
    assert "国庆节" in holiday.inner_text()
    makeup = page.locator("[data-testid=day][data-date='2026-10-10']")
    assert makeup.get_attribute("data-kind") == "makeup"
    assert makeup.get_by_test_id("deadline").count() >= 1
    screenshot(page, "calendar-office-desktop")
    link = makeup.get_by_test_id("deadline").first.locator("a")
    link.click()
    page.wait_for_url(re.compile(r"/measures/\d+/$"))
    assert "2026" in page.inner_text("body")
    assert problems == []


def test_a_phone_reads_the_month_as_an_agenda(phone, demo_server):
    problems = watch_console(phone)
    log_in(phone, demo_server, "office")
    phone.goto(f"{demo_server.url}/calendar/?month=2026-10")
    assert not phone.get_by_test_id("calendar-grid").is_visible()
    days = phone.get_by_test_id("agenda-day")
    assert days.count() > 0
    makeup = phone.locator("[data-testid=agenda-day][data-date='2026-10-10']")
    assert "调休上班" in makeup.inner_text()
    assert makeup.get_by_test_id("agenda-deadline").count() >= 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "calendar-office-phone")
    assert problems == []
