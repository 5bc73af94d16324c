"""The `zhenggai` command's parse/render paths and exit codes (DESIGN.md §5)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from zhenggai.cli import main


def test_parse_json_on_the_seed(seed_path, capsys):
    assert main(["parse", str(seed_path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["counts"] == {"aspects": 6, "problems": 12, "findings": 25, "measures": 44}


def test_parse_text_format_is_readable(seed_path, capsys):
    assert main(["parse", str(seed_path), "--format", "text"]) == 0
    out = capsys.readouterr().out
    assert "6 个方面，12 个问题，25 个具体问题，44 条整改措施" in out
    assert "claim_mismatch" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "文件为空"), ("没有结构的一段话。".encode(), "未识别出文件结构")],
)
def test_bad_input_exits_2_with_one_line(tmp_path, capsys, content, message):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    assert main(["parse", str(bad)]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_missing_file_exits_2(tmp_path, capsys):
    assert main(["parse", str(tmp_path / "none.txt")]) == 2
    assert "无法读取文件" in capsys.readouterr().err


def test_render_to_stdout_and_file(seed_path, tmp_path, capsys):
    assert main(["render", str(seed_path)]) == 0
    assert "二、坚持问题导向,抓好问题整改" in capsys.readouterr().out
    out = tmp_path / "a.md"
    assert main(["render", str(seed_path), "--format", "md", "--output", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("按照区委统一部署")


def test_render_accepts_parse_json(seed_path, tmp_path, capsys):
    main(["parse", str(seed_path)])
    js = tmp_path / "seed.json"
    js.write_text(capsys.readouterr().out, encoding="utf-8")
    assert main(["render", str(js)]) == 0
    assert "(一)党的政治建设方面" in capsys.readouterr().out


def test_the_installed_command_runs_without_a_traceback(tmp_path):
    bad = tmp_path / "junk.bin"
    bad.write_bytes(bytes(range(256)) * 10)
    proc = subprocess.run([sys.executable, "-m", "zhenggai", "parse", str(bad)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "不是文本文件" in proc.stderr


def _run(args: list[str], env_extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    import os

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(env_extra)
    return subprocess.run([sys.executable, "-m", "zhenggai", *args],
                          capture_output=True, text=True, check=False, env=env)


def test_a_fresh_data_folder_is_created_for_sqlite(tmp_path):
    data = tmp_path / "new" / "data"
    proc = _run(["migrate", "-v0"], {"ZHENGGAI_DATA_DIR": str(data)})
    assert proc.returncode == 0, proc.stderr
    assert (data / "zhenggai.sqlite3").is_file()


def test_an_unusable_data_folder_is_named_in_one_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    proc = _run(["stats"], {"ZHENGGAI_DATA_DIR": str(blocker / "data")})
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "无法创建数据目录" in proc.stderr and str(blocker / "data") in proc.stderr
