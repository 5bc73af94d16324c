"""Shared fixtures: the seed document is read once per run from ../shared."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

REPO = Path(__file__).resolve().parent.parent
# Fontconfig reads its configuration once per process: point it at the project's file
# before any test (the PDF readers' fixtures included) loads WeasyPrint.
os.environ.setdefault("FONTCONFIG_FILE", str(REPO / "src" / "zhenggai" / "core" / "fonts" / "fonts.conf"))
SEED_PATH = REPO.parent / "shared" / "seed" / "longzihu-urban-management-2020.txt"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    if not SEED_PATH.is_file():
        pytest.fail(f"the seed document is missing: {SEED_PATH}")
    return SEED_PATH


@pytest.fixture(scope="session")
def seed_text(seed_path: Path) -> str:
    return seed_path.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _fresh_workday_calendar() -> Iterator[None]:
    """The calendar is cached per process; no test may see another test's holidays."""
    from zhenggai.workdays.selectors import invalidate_workday_calendar

    invalidate_workday_calendar()
    yield
    invalidate_workday_calendar()


def pytest_configure(config: pytest.Config) -> None:
    """Tests have no collected manifest: serve static names as they are."""
    from django.conf import settings as django_settings

    django_settings.STORAGES = {
        **django_settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    Path(django_settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    # Tests (and Chromium against live_server) speak plain HTTP; production keeps HTTPS.
    # DESIGN §4: django-tasks runs immediately in tests (a test that needs the queue sets
    # the database backend itself).
    django_settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }
    django_settings.SECURE_SSL_REDIRECT = False
    django_settings.SESSION_COOKIE_SECURE = False
    django_settings.CSRF_COOKIE_SECURE = False
