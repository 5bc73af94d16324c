"""`zhenggai demo [--password PW] [--from FILE]`: load a demo inspection with users."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenggai.core.errors import InputError
from zhenggai.demo.load import demo_load
from zhenggai.ledger.services.stats import ledger_stats, measures_by_state_text


class Command(BaseCommand):
    help = "载入演示数据：一次巡察的整改台账，以及各角色的演示用户（可重复运行，不会重复创建）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", help="所有演示用户的密码（不指定则为新用户随机生成）")
        parser.add_argument(
            "--from", dest="source", metavar="FILE", help="用这份文件代替内置的演示通报"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["source"]) if options["source"] else None
        try:
            result = demo_load(password=options["password"], source=source)
        except InputError as exc:
            raise CommandError(str(exc), returncode=2) from None
        inspection = result.inspection
        verb = "已导入" if result.imported else "已存在，未重复导入"
        self.stdout.write(f"演示巡察 #{inspection.pk}（{verb}）：{inspection.title}")
        stats = ledger_stats(inspection=inspection)
        self.stdout.write(
            f"{stats['aspects']} 个方面，{stats['problems']} 个问题，"
            f"{stats['findings']} 个具体问题，{stats['measures']} 条整改措施"
        )
        self.stdout.write(measures_by_state_text(stats))
        if result.history is not None:
            h = result.history
            self.stdout.write(
                f"演示历史：按整改流程办理至今天共 {h.events_run} 项操作"
                f"（销号退回 {h.returns} 次，延期 {h.extensions} 项，回头看重新打开 {h.reopenings} 项），"
                "可用 zhenggai audit verify 校验审计日志"
            )
        self.stdout.write("责任单位：" + "、".join(u.name for u in result.units))
        self.stdout.write("演示用户：")
        for user in result.users:
            if user.username in result.passwords:
                secret = f"密码 {result.passwords[user.username]}（仅显示这一次）"
            elif result.password_set:
                secret = "密码为 --password 指定的密码"
            else:
                secret = "密码未改变"
            self.stdout.write(f"  {user.username:<12} {user.display_name}  {secret}")
