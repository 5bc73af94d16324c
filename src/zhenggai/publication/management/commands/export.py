"""`zhenggai export [--inspection ID] [filters] [--user NAME] --output FILE.xlsx`.

The filter flags are the ledger page's (`LedgerQuery`), read through the same
`from_querydict`, so a flag means exactly what the page's filter means. Without `--user`
the command acts as the system and sees every inspection, as the other commands do.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenggai.accounts.models import User
from zhenggai.ledger.choices import MeasureState, Urgency
from zhenggai.ledger.excel_export.export import export_ledger
from zhenggai.ledger.models import Inspection
from zhenggai.ledger.selectors.filters import LedgerQuery

NO_SUCH_INSPECTION = "没有编号为 {id} 的巡察"
NO_SUCH_USER = "没有用户名为 {name} 的用户"
BAD_FILTER = "筛选条件 --{name}：{error}"
NOT_XLSX = "--output 应为 .xlsx 文件：{name}"
CANNOT_WRITE = "{name}: 无法写入（{reason}）"


class Command(BaseCommand):
    help = "导出整改台账为 Excel（.xlsx），按台账页面的筛选条件"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", required=True, help="输出文件（.xlsx）")
        parser.add_argument(
            "--user", metavar="USERNAME", help="以该用户的可见范围导出（默认：系统，全部）"
        )
        parser.add_argument("--inspection", metavar="ID", help="巡察编号")
        parser.add_argument("--aspect", metavar="ID", help="方面编号")
        parser.add_argument("--unit", metavar="ID", help="责任单位（组织）编号")
        parser.add_argument("--leader", metavar="ID", help="责任领导（人员）编号")
        parser.add_argument("--person", metavar="ID", help="责任人（人员）编号")
        parser.add_argument(
            "--state", action="append", choices=MeasureState.values, help="状态，可重复"
        )
        parser.add_argument("--signal", action="append", choices=["green", "yellow", "red", "none"])
        parser.add_argument("--urgency", choices=Urgency.values)
        parser.add_argument("--due-from", metavar="YYYY-MM-DD")
        parser.add_argument("--due-to", metavar="YYYY-MM-DD")
        parser.add_argument("--stalled", action="store_true", help="只导出进展停滞的措施")

    def handle(self, *args: Any, **options: Any) -> None:
        output = options["output"]
        if not output.lower().endswith(".xlsx"):
            raise CommandError(NOT_XLSX.format(name=output), returncode=2)
        query = LedgerQuery.from_querydict(
            {
                name: options[name.replace("-", "_")]
                for name in (
                    "inspection",
                    "aspect",
                    "unit",
                    "leader",
                    "person",
                    "state",
                    "signal",
                    "urgency",
                    "due_from",
                    "due_to",
                )
                if options[name] is not None
            }
            | ({"stalled": "1"} if options["stalled"] else {})
        )
        for name, error in query.errors.items():
            raise CommandError(
                BAD_FILTER.format(name=name.replace("_", "-"), error=error), returncode=2
            )
        if (
            query.inspection is not None
            and not Inspection.objects.filter(pk=query.inspection).exists()
        ):
            raise CommandError(NO_SUCH_INSPECTION.format(id=query.inspection), returncode=2)
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(NO_SUCH_USER.format(name=options["user"]), returncode=2)
        started = time.perf_counter()
        try:
            result = export_ledger(user=user, query=query, out=output)
        except OSError as exc:
            raise CommandError(
                CANNOT_WRITE.format(name=output, reason=exc.strerror or exc), returncode=2
            ) from None
        self.stdout.write(
            f"已导出 {result.measures} 条整改措施（共 {result.rows} 行，{result.inspections} 次巡察）"
            f"到 {output}，用时 {time.perf_counter() - started:.1f} 秒"
        )
