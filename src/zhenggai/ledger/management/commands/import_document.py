"""`zhenggai import FILE`: a document (txt/docx/pdf/image) or an Excel ledger (.xlsx) into
the ledger, atomically; `ledger.importers` picks the importer by the file's type."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenggai.core.errors import InputError
from zhenggai.ledger.importers import RowErrors, importer_for

CANNOT_READ = "{name}: 无法读取文件（{reason}）"


class Command(BaseCommand):
    help = "导入巡察反馈意见、整改情况通报（txt/docx/pdf/图片）或 Excel 整改台账（.xlsx）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="要导入的文件")
        parser.add_argument(
            "--inspection", type=int, metavar="ID", help="Excel 台账导入到已有的这次巡察"
        )
        parser.add_argument(
            "--skip-bad-rows", action="store_true", help="Excel 台账：跳过有错误的行（逐行列出）"
        )
        parser.add_argument(
            "--create-missing", action="store_true", help="Excel 台账：新建表中未知的责任单位和人员"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                CANNOT_READ.format(name=path, reason=exc.strerror or exc), returncode=2
            ) from None
        try:
            lines = importer_for(path.name)(data, path.name, None, options)
        except RowErrors as exc:
            for line in exc.lines:
                self.stderr.write(line)
            raise CommandError(str(exc), returncode=2) from None
        except (InputError, PermissionDenied) as exc:
            raise CommandError(str(exc), returncode=2) from None
        for line in lines:
            self.stdout.write(line)
