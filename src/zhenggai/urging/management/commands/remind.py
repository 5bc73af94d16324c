"""`zhenggai remind [--today YYYY-MM-DD]`: enqueue the daily urging cycle.

cron or a systemd timer runs this once a day (DESIGN.md §8). With the database task
backend it enqueues the cycle for `db_worker`; with the immediate backend (tests, a
machine without a worker) the cycle runs here and its outcome is printed. Exit 1 when the
cycle failed, 2 on a bad date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tasks import TaskResultStatus

from zhenggai import clock
from zhenggai.urging.tasks import remind_cycle

BAD_DATE = "--today 须为 YYYY-MM-DD 格式的日期：{value}"
CYCLE_FAILED = "督办任务执行失败：{error}"
QUEUED = "已加入任务队列（{id}），{today} 的督办将由任务进程执行"
DONE = (
    "{today} 督办完成：发送提醒 {reminders} 条，印发督办文书 {notices} 份，"
    "每日汇总 {digests} 份，跳过已发送 {skipped} 项，统计快照 {snapshot_rows} 行"
)


class Command(BaseCommand):
    help = "执行每日督办：到期提醒、逐级督办、每日汇总和统计快照"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="按此日期执行（YYYY-MM-DD），默认今天")

    def handle(self, *args: Any, **options: Any) -> None:
        raw = options.get("today")
        try:
            today = dt.date.fromisoformat(raw) if raw else clock.today()
        except ValueError:
            raise CommandError(BAD_DATE.format(value=raw), returncode=2) from None
        result = remind_cycle.enqueue(today=today.isoformat())
        if result.status == TaskResultStatus.FAILED:
            error = result.errors[-1].exception_class_path if result.errors else "?"
            raise CommandError(CYCLE_FAILED.format(error=error), returncode=1)
        if result.status != TaskResultStatus.SUCCESSFUL:
            self.stdout.write(QUEUED.format(id=result.id, today=today.isoformat()))
            return
        outcome = result.return_value or {}
        self.stdout.write(DONE.format(**outcome))
        for warning in outcome["warnings"]:
            self.stderr.write(f"警告：{warning}")
