"""`zhenggai render --inspection ID`: the announcement of an inspection, from the database.

Without `--announcement-version` the announcement is generated from the ledger and the
records as they are now (every figure read at this moment); with it, a stored version is
written — its Party-internal edition, or with `--edition public` its public edition (the
masked text fixed on approval, or for a draft the masked text approval would fix).
Exit codes: 0 done, 2 bad input (one line on stderr, e.g. an unknown inspection).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenggai.core.announcement import compose
from zhenggai.core.edition import render_edition
from zhenggai.core.errors import InputError
from zhenggai.core.render_formats import FORMATS, render_document
from zhenggai.ledger.models import Inspection
from zhenggai.publication.choices import Edition, Visibility
from zhenggai.publication.models import Announcement
from zhenggai.publication.selectors import announcement_facts, public_text

NOT_A_NUMBER = "{what}应为数字：{value}"
UNKNOWN_INSPECTION = "未找到巡察 #{id}"
UNKNOWN_VERSION = "巡察 #{id} 没有第{version}版整改情况通报"
UNKNOWN_FORMAT = "不支持的输出格式：{fmt}（可选 {choices}）"
UNKNOWN_EDITION = "不支持的版别：{edition}（可选 internal 党内版、public 公开版）"
PUBLIC_NEEDS_VERSION = "公开版须用 --announcement-version 指定通报版本（隐去的名称随版本保存）"
NO_PUBLIC_EDITION = "第{version}版仅党内通报，没有公开版"
BINARY_NEEDS_OUTPUT = "--format {fmt} 是二进制格式，请用 --output 指定输出文件"
CANNOT_WRITE = "{path}: 无法写入（{reason}）"
WRITTEN = "已生成 {path}"


def _number(value: str, what: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise CommandError(NOT_A_NUMBER.format(what=what, value=value), returncode=2) from None


class Command(BaseCommand):
    help = "由整改台账生成整改情况通报（txt/md/docx/pdf），或输出已保存的通报版本"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--inspection", required=True, help="巡察编号")
        parser.add_argument("--format", default="txt", help="txt、md、docx 或 pdf（默认 txt）")
        parser.add_argument("--output", "-o", help="输出文件；txt 和 md 缺省时写到标准输出")
        parser.add_argument(
            "--announcement-version", help="已保存的通报版本号；缺省时按台账现状生成"
        )
        parser.add_argument(
            "--edition", default=Edition.INTERNAL, help="internal 党内版（默认）或 public 公开版"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        fmt, edition = options["format"], options["edition"]
        if fmt not in FORMATS:
            raise CommandError(UNKNOWN_FORMAT.format(fmt=fmt, choices=", ".join(FORMATS)), returncode=2)
        if edition not in Edition.values:
            raise CommandError(UNKNOWN_EDITION.format(edition=edition), returncode=2)
        if fmt in {"docx", "pdf"} and not options["output"]:
            raise CommandError(BINARY_NEEDS_OUTPUT.format(fmt=fmt), returncode=2)
        inspection_id = _number(options["inspection"], "巡察编号")
        inspection = (
            Inspection.objects.select_related("organisation").filter(pk=inspection_id).first()
        )
        if inspection is None:
            raise CommandError(UNKNOWN_INSPECTION.format(id=inspection_id), returncode=2)
        try:
            if options["announcement_version"] is None:
                if edition == Edition.PUBLIC:
                    raise CommandError(PUBLIC_NEEDS_VERSION, returncode=2)
                data = render_document(compose(announcement_facts(inspection=inspection)), fmt=fmt)
            else:
                data = render_edition(self._stored_text(inspection, options), fmt=fmt)
        except InputError as exc:
            raise CommandError(str(exc), returncode=2) from None
        self._write(data, options["output"])

    def _stored_text(self, inspection: Inspection, options: dict[str, Any]) -> str:
        version = _number(options["announcement_version"], "通报版本号")
        announcement = Announcement.objects.filter(inspection=inspection, version=version).first()
        if announcement is None:
            raise CommandError(
                UNKNOWN_VERSION.format(id=inspection.pk, version=version), returncode=2
            )
        if options["edition"] == Edition.INTERNAL:
            return announcement.body
        if announcement.visibility != Visibility.PUBLIC:
            raise CommandError(NO_PUBLIC_EDITION.format(version=version), returncode=2)
        return public_text(announcement)

    def _write(self, data: bytes, output: str | None) -> None:
        if not output:
            self.stdout.write(data.decode("utf-8"), ending="")
            return
        try:
            with open(output, "wb") as fh:
                fh.write(data)
        except OSError as exc:
            raise CommandError(
                CANNOT_WRITE.format(path=output, reason=exc.strerror or exc), returncode=2
            ) from None
        self.stdout.write(WRITTEN.format(path=output))
