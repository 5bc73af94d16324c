"""Which importer takes a file, by its type: `zhenggai import FILE` (and the upload page)
takes documents and Excel ledgers alike.

An importer is a function `(data, filename, actor, options) -> list of output lines`;
`options` are the command's (`inspection`, `skip_bad_rows`, `create_missing`). The
Excel importer goes through the staging service like the upload page (stage, then confirm
bound to the hash), so the command and the page write the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import PurePath
from typing import Any

from zhenggai.accounts.models import User
from zhenggai.core.errors import InputError

Importer = Callable[[bytes, str, User | None, Mapping[str, Any]], list[str]]

ROW_ERROR = "第 {row} 行，“{column}”列：{reason}"
UNKNOWN_NAMES = "未知的{what}（可加 --create-missing 新建）：{names}"
OLD_EXCEL = "{name}: 旧版 Excel（.xls）文件无法读取；请在 Excel 中“另存为 .xlsx”后再导入"


def import_document_file(
    data: bytes, filename: str, actor: User | None, options: Mapping[str, Any]
) -> list[str]:
    from zhenggai.core.parser import parse_bytes
    from zhenggai.ledger.services.importing import document_import

    document = parse_bytes(data, filename=filename)
    result = document_import(document=document, data=data, filename=filename, actor=actor)
    inspection, counts = result.inspection, result.counts
    lines = [
        f"已导入巡察 #{inspection.pk}：{inspection.title}",
        f"被巡察党组织：{inspection.organisation.name}"
        + ("（新建）" if result.organisation_created else ""),
        f"{counts['aspects']} 个方面，{counts['problems']} 个问题，"
        f"{counts['findings']} 个具体问题，{counts['measures']} 条整改措施",
    ]
    for warning in result.warnings:
        line = f"第 {warning['line']} 行：" if warning.get("line") else ""
        lines.append(f"警告（{warning['code']}）：{line}{warning['message']}")
    return lines


class RowErrors(InputError):
    """The sheet has row-level errors: `lines` lists them, one per line."""

    def __init__(self, message: str, lines: list[str]) -> None:
        super().__init__(message)
        self.lines = lines


def import_excel_file(
    data: bytes, filename: str, actor: User | None, options: Mapping[str, Any]
) -> list[str]:
    from django.db import transaction

    from zhenggai.ledger.services.excel_import import excel_confirm, excel_preview, excel_stage

    create_missing = bool(options.get("create_missing"))
    skip = bool(options.get("skip_bad_rows"))
    with transaction.atomic():
        staging = excel_stage(
            data=data, filename=filename, actor=actor, inspection_id=options.get("inspection")
        )
        plan = excel_preview(staging=staging, create_missing=create_missing)
        problems = [
            ROW_ERROR.format(row=e.row, column=e.column, reason=e.reason) for e in plan.errors
        ]
        if plan.unknown_units:
            problems.append(
                UNKNOWN_NAMES.format(what="责任单位", names="、".join(plan.unknown_units))
            )
        if plan.unknown_people:
            problems.append(UNKNOWN_NAMES.format(what="人员", names="、".join(plan.unknown_people)))
        try:
            result = excel_confirm(
                staging=staging,
                sha256=staging.sha256,
                actor=actor,
                create_missing=create_missing,
                skip_bad_rows=skip,
                inspection_id=options.get("inspection"),
            )
        except InputError as exc:
            raise RowErrors(str(exc), problems) from None
    counts = result.counts
    lines = [
        f"已导入巡察 #{result.inspection.pk}：{result.inspection.title}"
        + ("（新建）" if result.inspection_created else ""),
        f"{counts['aspects']} 个方面，{counts['problems']} 个问题，"
        f"{counts['findings']} 个具体问题，{counts['measures']} 条整改措施，"
        f"{counts['progress_reports']} 条整改进展",
    ]
    if result.created_units:
        lines.append("新建责任单位：" + "、".join(result.created_units))
    if result.created_people:
        lines.append("新建人员：" + "、".join(result.created_people))
    if skip and result.skipped:
        lines.append(f"跳过 {len(result.skipped)} 个错误行：")
        lines.extend(problems)
    return lines


def refuse_xls(
    data: bytes, filename: str, actor: User | None, options: Mapping[str, Any]
) -> list[str]:
    raise InputError(OLD_EXCEL.format(name=filename))


#: File suffix → importer; anything else is a document for the parser to judge.
IMPORTERS: dict[str, Importer] = {
    ".xlsx": import_excel_file,
    ".xlsm": import_excel_file,
    ".xls": refuse_xls,
}


def importer_for(filename: str) -> Importer:
    return IMPORTERS.get(PurePath(filename).suffix.lower(), import_document_file)
