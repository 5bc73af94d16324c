"""`zhenggai purge_staging`: delete expired uploads waiting for import (run daily by cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from zhenggai.ledger.services.staging import staging_purge


class Command(BaseCommand):
    help = "删除过期（超过 7 天未确认）的导入暂存文件"

    def handle(self, *args: Any, **options: Any) -> None:
        count = staging_purge()
        self.stdout.write(f"已删除 {count} 个过期的导入暂存")
