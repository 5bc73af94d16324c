"""`zhenggai render --inspection ID`: exit codes and outputs (DESIGN.md §5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.publication.helpers import People, draft
from zhenggai.cli import main
from zhenggai.core.parser import parse_file, parse_text
from zhenggai.ledger.models import Inspection

pytestmark = pytest.mark.django_db


# One `main` call per test: a management command closes the database connections when it
# ends (Django's run_from_argv), and PostgreSQL's test transaction goes with them.
def test_the_announcement_is_rendered_from_the_ledger_to_stdout(
    ledger: Inspection, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["render", "--inspection", str(ledger.pk)]) == 0
    text = capsys.readouterr().out
    assert text.startswith("中共示范区城市管理局委员会关于巡察整改情况的通报\n")
    assert parse_text(text).counts == {"aspects": 2, "problems": 3, "findings": 4, "measures": 4}


@pytest.mark.parametrize("fmt", ["md", "docx", "pdf"])
def test_the_announcement_is_rendered_from_the_ledger_to_a_file(
    ledger: Inspection, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    out = tmp_path / f"a.{fmt}"
    assert main(["render", f"--inspection={ledger.pk}", "--format", fmt, "--output", str(out)]) == 0
    assert capsys.readouterr().out == f"已生成 {out}\n"
    assert parse_file(out).counts == {"aspects": 2, "problems": 3, "findings": 4, "measures": 4}


def test_a_stored_version_is_rendered_as_saved(
    ledger: Inspection, people: People, capsys: pytest.CaptureFixture[str]
) -> None:
    announcement = draft(ledger, people)
    assert main(["render", "--inspection", str(ledger.pk), "--announcement-version", "1"]) == 0
    assert capsys.readouterr().out == announcement.body


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--inspection", "999999"], "未找到巡察 #999999"),
        (["--inspection", "abc"], "巡察编号应为数字：abc"),
        (["--inspection", "{pk}", "--format", "rtf"], "不支持的输出格式：rtf"),
        (["--inspection", "{pk}", "--format", "pdf"], "--format pdf 是二进制格式，请用 --output 指定输出文件"),
        (["--inspection", "{pk}", "--announcement-version", "3"], "巡察 #{pk} 没有第3版整改情况通报"),
        (["--inspection", "{pk}", "--edition", "public"], "公开版须用 --announcement-version 指定通报版本"),
        (["--inspection", "{pk}", "--edition", "secret"], "不支持的版别：secret"),
        (["--inspection", "{pk}", "--output", "/nonexistent/dir/a.txt"], "/nonexistent/dir/a.txt: 无法写入"),
    ],
)
def test_bad_input_exits_2_with_one_chinese_line(
    ledger: Inspection, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    args = [a.format(pk=ledger.pk) for a in args]
    assert main(["render", *args]) == 2
    captured = capsys.readouterr()
    assert message.format(pk=ledger.pk) in captured.err
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert captured.out == ""
