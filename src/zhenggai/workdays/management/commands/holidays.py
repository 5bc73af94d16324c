"""`zhenggai holidays seed [--year Y …]` and `zhenggai holidays list --year Y`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenggai.workdays.selectors import calendar_days, calendar_year, workday_calendar
from zhenggai.workdays.services import holidays_seed

WEEKDAYS = "一二三四五六日"


class Command(BaseCommand):
    help = "从 chinese-calendar 导入节假日安排（seed），或列出某年的节假日与调休（list）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["seed", "list"])
        parser.add_argument(
            "--year", type=int, action="append", help="年份；seed 可重复指定，缺省为库覆盖的全部年份"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        years: list[int] | None = options["year"]
        if options["action"] == "seed":
            self._seed(years)
        else:
            if not years or len(years) != 1:
                raise CommandError("list 需要且只需要一个 --year", returncode=2)
            self._list(years[0])

    def _seed(self, years: list[int] | None) -> None:
        try:
            result = holidays_seed(years=years)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages), returncode=2) from None
        def fmt(ys: list[int]) -> str:
            return "、".join(str(y) for y in ys) or "无"

        self.stdout.write(
            f"已导入：{fmt(result.seeded)}（写入 {result.days_written} 天，删除 {result.days_deleted} 天）"
        )
        self.stdout.write(f"无变化：{fmt(result.unchanged)}")
        if result.skipped_manual:
            self.stdout.write(f"已由管理员维护，未覆盖：{fmt(result.skipped_manual)}")
        if result.not_covered and years is not None:
            self.stderr.write(
                f"chinese-calendar 不含以下年份，请由管理员录入：{fmt(result.not_covered)}"
            )

    def _list(self, year: int) -> None:
        row = calendar_year(year=year)
        if row is None:
            status = "未录入"
        else:
            status = "已完整录入" if row.complete else "未完整录入"
            status += f"（{row.get_source_display()}）"
        self.stdout.write(f"{year} 年：{status}")
        first = dt.date(year, 1, 1)
        note = workday_calendar().provisional_note(first, first)
        if note:
            # The one rule (core/workdays.py): how deadlines in this year are counted now.
            self.stdout.write(f"注意：{note}")
        for day in calendar_days(year=year):
            self.stdout.write(
                f"{day.date.isoformat()} 周{WEEKDAYS[day.date.weekday()]} "
                f"{day.get_kind_display()} {day.name}".rstrip()
            )
