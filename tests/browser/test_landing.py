"""Sign-in in Chromium against the shared demo server, as each demo role does it."""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in, screenshot, watch_console


def test_anonymous_visitor_is_sent_to_the_login_page(page, demo_server):
    page.goto(demo_server.url)
    assert "/login/" in page.url
    assert page.locator("input[name=username]").is_visible()
    screenshot(page, "login-desktop")


@pytest.mark.parametrize("username", ["office", "leader", "supervisor", "inspector"])
def test_each_role_signs_in_and_sees_its_home(page, demo_server, username):
    problems = watch_console(page)
    log_in(page, demo_server, username)
    assert page.get_by_test_id("current-user").is_visible()
    assert "/login/" not in page.url
    screenshot(page, f"home-{username}-desktop")
    assert problems == []


def test_wrong_password_is_refused_in_chinese(page, demo_server):
    page.goto(f"{demo_server.url}/login/")
    page.fill("input[name=username]", "office")
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    assert "/login/" in page.url
    assert page.get_by_test_id("current-user").count() == 0
    assert "用户名" in page.content()


def test_the_phone_menu_opens_and_shows_the_bell(phone, demo_server):
    log_in(phone, demo_server, "office")
    phone.get_by_role("button", name="展开菜单").click()
    assert phone.get_by_test_id("logout").count() == 1
    screenshot(phone, "home-office-phone")
