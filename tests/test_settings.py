"""Production settings pass Django's deployment checks; development defaults do not."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def _check_deploy(extra: dict[str, str], tmp_path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update({"ZHENGGAI_DATA_DIR": str(tmp_path), **extra})
    return subprocess.run([sys.executable, "-m", "zhenggai", "check", "--deploy", "--fail-level", "WARNING"],
                          capture_output=True, text=True, env=env, check=False)


def test_production_settings_pass_check_deploy(tmp_path):
    proc = _check_deploy({"SECRET_KEY": "x" * 20 + "-production-secret-key-with-enough-entropy-9f3k2",
                          "ALLOWED_HOSTS": "zhenggai.example.cn"}, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "no issues" in proc.stdout


def test_the_development_key_fails_check_deploy(tmp_path):
    proc = _check_deploy({}, tmp_path)
    assert proc.returncode != 0
    assert "SECRET_KEY" in proc.stderr


@pytest.mark.django_db
def test_the_admin_is_chinese_even_for_a_browser_asking_for_english(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    html = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "巡察整改平台 · 管理后台" in html and "数据查看与基础数据维护" in html
    assert "Site administration" not in html and "Django" not in html.split("<body")[1].split("</header>")[0]
