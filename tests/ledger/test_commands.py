"""zhenggai import / stats / demo / serve: output, exit codes (DESIGN.md §5)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from zhenggai.cli import main
from zhenggai.ledger.models import Inspection, SourceDocument
from zhenggai.ledger.services.importing import ALREADY_IMPORTED

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """`run_from_argv` closes every connection when a command ends; on PostgreSQL that
    would drop the test's transaction, so `main([...])` runs with the close disabled."""
    with mock.patch.object(connections, "close_all"):
        yield


def test_import_prints_what_it_created(seed_path, capsys):
    assert main(["import", str(seed_path)]) == 0
    out = capsys.readouterr().out
    inspection = Inspection.objects.get()
    assert f"已导入巡察 #{inspection.pk}：{inspection.title}" in out
    assert "6 个方面，12 个问题，25 个具体问题，44 条整改措施" in out
    assert "claim_mismatch" in out and "47" in out


def test_a_reimport_exits_2_with_one_line(seed_path, capsys):
    assert main(["import", str(seed_path)]) == 0
    capsys.readouterr()
    assert main(["import", str(seed_path)]) == 2
    err = capsys.readouterr().err
    source = SourceDocument.objects.get()
    expected = ALREADY_IMPORTED.format(
        name=seed_path.name, sha=source.sha256[:12], inspection_id=source.inspection_id
    )
    assert expected in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert Inspection.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "无法读取文件"), (b"", "文件为空"), ("没有结构的一段话。".encode(), "未识别出文件结构")],
)
def test_import_of_bad_input_exits_2_and_writes_nothing(tmp_path, capsys, content, message):
    path = tmp_path / "bad.txt"
    if content is not None:
        path.write_bytes(content)
    assert main(["import", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert Inspection.objects.count() == 0


def test_stats_text_and_json(seed_path, capsys):
    call_command("import_document", str(seed_path))
    capsys.readouterr()
    assert main(["stats"]) == 0
    assert "巡察 1 次，方面 6 个，问题 12 个，具体问题 25 个，整改措施 44 条" in capsys.readouterr().out
    inspection = Inspection.objects.get()
    assert main(["stats", "--inspection", str(inspection.pk), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["inspections"], data["aspects"], data["problems"], data["findings"], data["measures"]) == (1, 6, 12, 25, 44)
    assert data["measures_by_state"]["planned"] == 44


def test_stats_of_an_unknown_inspection_exits_2(capsys):
    assert main(["stats", "--inspection", "999"]) == 2
    assert "没有编号为 999 的巡察" in capsys.readouterr().err


def test_demo_prints_users_and_passwords_once(capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "演示巡察 #" in out and "（已导入）" in out
    assert "6 个方面，10 个问题，21 个具体问题，40 条整改措施" in out
    assert "office" in out and "仅显示这一次" in out
    assert "整改措施状态：未开始 " in out and "演示历史：按整改流程办理至今天共 " in out
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "已存在，未重复导入" in out and "仅显示这一次" not in out
    assert "演示历史" not in out
    assert Inspection.objects.count() == 1


def test_demo_from_the_seed_with_a_password(seed_path, capsys):
    assert main(["demo", "--from", str(seed_path), "--password", "pw-2026-demo"]) == 0
    out = capsys.readouterr().out
    assert "行政执法大队、环卫所、市政所、绿化所、机关科室" in out
    assert "密码为 --password 指定的密码" in out


def test_demo_from_a_missing_file_exits_2(tmp_path, capsys):
    assert main(["demo", "--from", str(tmp_path / "none.txt")]) == 2
    assert "无法读取文件" in capsys.readouterr().err


def test_serve_runs_the_development_server_when_debug(settings):
    settings.DEBUG = True
    with mock.patch("zhenggai.ledger.management.commands.serve.call_command") as run, \
            mock.patch("os.execv") as execv:
        call_command("serve", "--host", "0.0.0.0", "--port", "8123")
    run.assert_called_once_with("runserver", "0.0.0.0:8123")
    execv.assert_not_called()


def test_serve_collects_static_files_then_execs_gunicorn(settings, tmp_path):
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "static"
    with mock.patch("zhenggai.ledger.management.commands.serve.call_command") as run, \
            mock.patch("os.execv") as execv:
        call_command("serve", "--port", "8124")
    run.assert_called_once_with("collectstatic", interactive=False, verbosity=0)
    argv = execv.call_args.args[1]
    assert argv[1:4] == ["-m", "gunicorn", "zhenggai.wsgi"]
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:8124"


def test_serve_skips_collectstatic_when_the_manifest_exists(settings, tmp_path):
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path
    (tmp_path / "staticfiles.json").write_text("{}")
    with mock.patch("zhenggai.ledger.management.commands.serve.call_command") as run, \
            mock.patch("os.execv") as execv:
        call_command("serve")
    run.assert_not_called()
    execv.assert_called_once()


def test_import_via_call_command_raises_with_returncode_2(tmp_path):
    with pytest.raises(CommandError) as caught:
        call_command("import_document", str(tmp_path / "none.txt"))
    assert caught.value.returncode == 2
