"""`zhenggai remind [--today YYYY-MM-DD] [--inline]`: the daily urging cycle.

cron or a systemd timer runs this once a day (DESIGN.md §8). Without `--inline` it hands
the cycle to the task backend: the database backend queues it for `db_worker`; the
immediate backend (tests, a machine without a worker) runs it at once and its outcome is
printed. With `--inline` the cycle runs in this process whatever the backend, and so does
its mail (nothing is left in a queue no worker reads): the simplest production set-up, one
cron line and no worker. Exit 1 when the cycle failed (the message names the error) or,
with `--inline`, when a mail could not be sent (the outcome line is printed first, each
failed mail named); 2 on a bad date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tasks import TaskResultStatus

from zhenggai import clock
from zhenggai.notifications.services import mail_sent_inline
from zhenggai.urging.tasks import remind_cycle

BAD_DATE = "--today 须为 YYYY-MM-DD 格式的日期：{value}"
CYCLE_FAILED = "督办任务执行失败：{error}"
MAIL_FAILED_COUNT = "督办已执行，但有 {count} 封邮件未能发送，请检查邮件服务器设置"
QUEUED = "已加入任务队列（{id}），{today} 的督办将由任务进程执行"
DONE = (
    "{today} 督办完成：发送提醒 {reminders} 条，印发督办文书 {notices} 份，"
    "每日汇总 {digests} 份，跳过已发送 {skipped} 项，情况说明到期重新打开 {explanations_expired} 项，"
    "统计快照 {snapshot_rows} 行"
)


class Command(BaseCommand):
    help = (
        "执行每日督办：到期提醒、逐级督办、每日汇总和统计快照。"
        "默认交给任务队列（由 db_worker 执行）；加 --inline 则在本进程内直接执行"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="按此日期执行（YYYY-MM-DD），默认今天")
        parser.add_argument(
            "--inline",
            action="store_true",
            help="在本进程内执行督办并发送邮件，不经任务队列（无需运行 db_worker）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        raw = options.get("today")
        try:
            today = dt.date.fromisoformat(raw) if raw else clock.today()
        except ValueError:
            raise CommandError(BAD_DATE.format(value=raw), returncode=2) from None
        mail_failures: list[str] = []
        if options.get("inline"):
            outcome, mail_failures = self._run_inline(today)
        else:
            result = remind_cycle.enqueue(today=today.isoformat())
            if result.status == TaskResultStatus.FAILED:
                error = result.errors[-1].exception_class_path if result.errors else "?"
                raise CommandError(CYCLE_FAILED.format(error=error), returncode=1)
            if result.status != TaskResultStatus.SUCCESSFUL:
                self.stdout.write(QUEUED.format(id=result.id, today=today.isoformat()))
                return
            outcome = result.return_value or {}
        self.stdout.write(DONE.format(**outcome))
        self._warn([*outcome["warnings"], *mail_failures])
        if mail_failures:
            raise CommandError(MAIL_FAILED_COUNT.format(count=len(mail_failures)), returncode=1)

    def _run_inline(self, today: dt.date) -> tuple[dict[str, Any], list[str]]:
        """The cycle and its mail in this process: its outcome and the mail that failed."""
        with mail_sent_inline() as mail_failures:
            try:
                outcome = remind_cycle.call(today=today.isoformat())
            except Exception as exc:
                self._warn(mail_failures)
                # The class path, as the task backends report it, and what it said.
                error = f"{type(exc).__module__}.{type(exc).__qualname__}"
                if str(exc):
                    error = f"{error}（{exc}）"
                raise CommandError(CYCLE_FAILED.format(error=error), returncode=1) from exc
        return outcome, mail_failures

    def _warn(self, warnings: list[str]) -> None:
        for warning in warnings:
            self.stderr.write(f"警告：{warning}")
