"""`zhenggai import FILE`: parse a document and import it into the ledger, atomically."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenggai.core.errors import InputError
from zhenggai.core.parser import parse_bytes
from zhenggai.ledger.services.importing import document_import

CANNOT_READ = "{name}: 无法读取文件（{reason}）"


class Command(BaseCommand):
    help = "导入巡察反馈意见或整改情况通报（txt/docx/pdf/图片）到整改台账"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="要导入的文件")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                CANNOT_READ.format(name=path, reason=exc.strerror or exc), returncode=2
            ) from None
        try:
            document = parse_bytes(data, filename=path.name)
            result = document_import(document=document, data=data, filename=path.name, actor=None)
        except (InputError, PermissionDenied) as exc:
            raise CommandError(str(exc), returncode=2) from None
        inspection, counts = result.inspection, result.counts
        self.stdout.write(f"已导入巡察 #{inspection.pk}：{inspection.title}")
        self.stdout.write(
            f"被巡察党组织：{inspection.organisation.name}"
            + ("（新建）" if result.organisation_created else "")
        )
        self.stdout.write(
            f"{counts['aspects']} 个方面，{counts['problems']} 个问题，"
            f"{counts['findings']} 个具体问题，{counts['measures']} 条整改措施"
        )
        for warning in result.warnings:
            line = f"第 {warning['line']} 行：" if warning.get("line") else ""
            self.stdout.write(f"警告（{warning['code']}）：{line}{warning['message']}")
