"""`zhenggai search_index [--inspection ID]`: rebuild the search index from the ledger (the
texts' bigrams and the units under each problem and finding).

The services keep the index current as they write; this is for data written around them
(a restore, a bulk load by SQL, the benchmarks' generated ledgers)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenggai.ledger.models import Inspection
from zhenggai.ledger.services.search_index import search_index_rebuild

NO_SUCH_INSPECTION = "没有编号为 {id} 的巡察"


class Command(BaseCommand):
    help = "重建检索索引（问题、具体问题、整改措施的文字，以及各问题涉及的责任单位）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--inspection", type=int, metavar="ID", help="只重建这一次巡察的索引")

    def handle(self, *args: Any, **options: Any) -> None:
        inspection = None
        if options["inspection"] is not None:
            inspection = Inspection.objects.filter(pk=options["inspection"]).first()
            if inspection is None:
                raise CommandError(NO_SUCH_INSPECTION.format(id=options["inspection"]), returncode=2)
        started = time.perf_counter()
        rows = search_index_rebuild(inspection=inspection)
        self.stdout.write(f"检索索引已重建：{rows} 条，用时 {time.perf_counter() - started:.1f} 秒")
