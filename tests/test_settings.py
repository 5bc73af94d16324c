"""Production settings pass Django's deployment checks; development defaults do not."""

from __future__ import annotations

import os
import subprocess
import sys


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
