"""`zhenggai stats [--inspection ID] [--format json|text]`: counts of the ledger."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenggai.ledger.models import Inspection
from zhenggai.ledger.services.stats import ledger_stats, measures_by_state_text

NO_SUCH_INSPECTION = "没有编号为 {id} 的巡察"


class Command(BaseCommand):
    help = "统计整改台账：巡察、方面、问题、具体问题、整改措施及各状态数量"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--inspection", type=int, metavar="ID", help="只统计这一次巡察")
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        inspection = None
        if options["inspection"] is not None:
            inspection = Inspection.objects.filter(pk=options["inspection"]).first()
            if inspection is None:
                raise CommandError(
                    NO_SUCH_INSPECTION.format(id=options["inspection"]), returncode=2
                )
        stats = ledger_stats(inspection=inspection)
        if options["format"] == "json":
            self.stdout.write(json.dumps(stats, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"巡察 {stats['inspections']} 次，方面 {stats['aspects']} 个，问题 {stats['problems']} 个，"
            f"具体问题 {stats['findings']} 个，整改措施 {stats['measures']} 条"
        )
        self.stdout.write(measures_by_state_text(stats))
