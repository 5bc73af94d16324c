"""`zhenggai purge_staging`: delete expired uploads waiting for import and old export
files of the ledger page (run daily by cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from zhenggai import clock
from zhenggai.ledger.excel_export.jobs import purge_export_jobs
from zhenggai.ledger.services.staging import staging_purge


class Command(BaseCommand):
    help = "删除过期（超过 7 天未确认）的导入暂存文件和过期的台账导出文件"

    def handle(self, *args: Any, **options: Any) -> None:
        count = staging_purge()
        files = purge_export_jobs(now=clock.now())
        self.stdout.write(f"已删除 {count} 个过期的导入暂存，{files} 个过期的导出文件")
