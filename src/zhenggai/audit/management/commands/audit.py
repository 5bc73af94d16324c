"""`zhenggai audit verify` (exit 1 naming the first bad entry) and `zhenggai audit checkpoint`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenggai.audit.services import audit_checkpoint, audit_verify


class Command(BaseCommand):
    help = "校验审计日志的哈希链（verify），或记录当前链头检查点（checkpoint）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "checkpoint"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "checkpoint":
            point = audit_checkpoint()
            self.stdout.write(f"检查点：第 {point.seq} 条 {point.hash}" if point else "审计日志为空")
            return
        result = audit_verify()
        if not result.ok:
            raise CommandError(f"审计日志校验失败：{result.problem}", returncode=1)
        self.stdout.write(f"审计日志完整：共 {result.checked} 条记录，哈希链校验通过")
