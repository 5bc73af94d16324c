"""Importing an office's Excel ledger (台账.xlsx): stage, preview, confirm (issue #13).

`excel_stage` reads the workbook and keeps it through the staging service; `excel_preview`
builds the plan (mapping, row errors, unknown names) the page shows; `excel_confirm` builds
the same plan again from the same staging row, bound to its SHA-256, and writes it in one
transaction — all rows, or with `skip_bad_rows` the valid ones (the skipped rows are
returned and audited) — never a half.

States other than 未开始 go through `measure_import_state`, the one import service that sets
a state with its milestone time and writes "imported from FILE row N" to the audit log;
progress text becomes an imported progress report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from zhenggai.accounts.choices import OrganisationKind
from zhenggai.accounts.models import Organisation, Person, User, organisation_path
from zhenggai.accounts.permissions import Action, require
from zhenggai.audit.services import audit_record
from zhenggai.core.errors import InputError
from zhenggai.core.ledger_sheet import HEADERS
from zhenggai.ledger.choices import (
    InspectionKind,
    InspectionLevel,
)
from zhenggai.ledger.excel_import.existing import (
    file_imported_into,
    rows_already_there,
    sheet_inspection,
)
from zhenggai.ledger.excel_import.plan import Directory, ImportPlan, build_plan, parse_date
from zhenggai.ledger.excel_import.reader import read_workbook
from zhenggai.ledger.excel_import.write import LedgerWriter
from zhenggai.ledger.models import (
    ImportStaging,
    Inspection,
    StagingKind,
)
from zhenggai.ledger.services.importing import ALREADY_IMPORTED, AlreadyImported
from zhenggai.ledger.services.search_index import search_index_rebuild
from zhenggai.ledger.services.staging import (
    staging_check,
    staging_create,
    staging_mark_confirmed,
    staging_save_choices,
)

NO_INSPECTION_INFO = "{name}: 没有“巡察信息”工作表，无法新建巡察；请指定导入到哪次巡察"
SEVERAL_INSPECTIONS = "{name}: “巡察信息”中有 {n} 次巡察；请按巡察分别导出，或指定导入到哪次巡察"
NO_ORGANISATION = "{name}: “巡察信息”中没有被巡察党组织"
HAS_ERRORS = "{name}: {n} 行有错误，未导入任何内容；请修正后重新导入，或选择跳过错误行"
NOTHING_TO_IMPORT = "{name}: 没有可导入的行"
NO_SUCH_INSPECTION = "没有编号为 {id} 的巡察"
INSPECTION_EXISTS = (
    "{name}: 巡察“{title}”已存在（#{inspection_id}）且已有表中的行，不重复新建；"
    "如要把表中新增的行加入该巡察，请在上传时选择“导入到已有巡察”"
)
ROW_THERE = "已在巡察 #{inspection_id} 的台账中（同一问题下有相同的整改措施），不重复导入"
ROWS_THERE = (
    "{name}: {n} 行已在巡察 #{inspection_id} 的台账中，未导入任何内容；"
    "如只导入其余的行，请选择跳过错误行"
)
ALL_THERE = "{name}: 表中的行都已在巡察 #{inspection_id} 的台账中，不重复导入"

AUDIT_IMPORT = "excel.import"


@dataclass
class ExcelImportResult:
    inspection: Inspection
    inspection_created: bool
    counts: dict[str, int]
    skipped: list[int] = field(default_factory=list)
    created_units: list[str] = field(default_factory=list)
    created_people: list[str] = field(default_factory=list)


def excel_stage(
    *, data: bytes, filename: str, actor: User | None, inspection_id: int | None = None
) -> ImportStaging:
    """Read the workbook (refused with a Chinese sentence if it cannot be) and stage it,
    with the inspection to import into when one is chosen (None: a new one from the
    sheet's 巡察信息) — refused before anything is kept if the actor may not import there."""
    sheet = read_workbook(data, filename)
    if inspection_id is not None:
        _existing_target(inspection_id, actor)
    staging = staging_create(
        kind=StagingKind.EXCEL, data=data, filename=filename, result=sheet, actor=actor
    )
    if inspection_id is not None:
        staging_save_choices(staging=staging, choices={"inspection": inspection_id})
    return staging


def _existing_target(inspection_id: int, actor: User | None, *, lock: bool = False) -> Inspection:
    """The chosen inspection, if it exists and the actor may import into it."""
    rows = Inspection.objects.select_related("organisation").filter(pk=inspection_id)
    inspection = (rows.select_for_update(of=("self",)) if lock else rows).first()
    if inspection is None:
        raise InputError(NO_SUCH_INSPECTION.format(id=inspection_id))
    if actor is not None:
        require(actor, Action.IMPORT, inspection=inspection)
    return inspection


def _check_existing(
    plan: ImportPlan, staging: ImportStaging, inspection_id: int | None
) -> Inspection | None:
    """Hold the plan against what the database already has; return the existing target.

    The same bytes are imported once, and a sheet whose rows an inspection of its title and
    organisation already holds does not make a second one (`plan.refusal`); into an existing
    inspection, rows its ledger already holds become rows in error, which the confirm
    refuses or, told to, skips (an office's updated sheet adds only its new rows)."""
    name = staging.original_name
    before = file_imported_into(staging.sha256)
    sha = staging.sha256[:12]
    if inspection_id is None:
        existing = sheet_inspection(plan)
        if before:
            plan.refusal = ALREADY_IMPORTED.format(name=name, sha=sha, inspection_id=before[0])
        elif existing is not None and rows_already_there(plan, existing):
            plan.refusal = INSPECTION_EXISTS.format(
                name=name, title=existing.title, inspection_id=existing.pk
            )
        return None
    inspection = Inspection.objects.filter(pk=inspection_id).first()
    if inspection is None:
        return None
    if inspection.pk in before:
        plan.refusal = ALREADY_IMPORTED.format(name=name, sha=sha, inspection_id=inspection.pk)
    there = rows_already_there(plan, inspection)
    if there:
        plan.reject(there, HEADERS["measure"], ROW_THERE.format(inspection_id=inspection.pk))
    return inspection


def _directory(
    staging: ImportStaging, names: Mapping[str, int | None] | None, create_missing: bool
) -> Directory:
    """The sheet's unit and people names the database knows, plus the user's mapping."""
    sheet = staging.result
    mapping = build_plan(sheet, manual=staging.choices.get("manual")).mapping
    wanted: dict[str, set[str]] = {"unit": set(), "leader": set(), "person": set()}
    for _row, cells in sheet["rows"]:
        for key, found in wanted.items():
            if key in mapping and mapping[key] < len(cells) and cells[mapping[key]]:
                found.add(cells[mapping[key]])
    units: dict[str, int | None] = {}
    for org in Organisation.objects.filter(name__in=wanted["unit"]).order_by("-path", "-pk"):
        units[org.name] = org.pk
    people: dict[str, int | None] = {}
    for person in Person.objects.filter(name__in=wanted["leader"] | wanted["person"]).order_by(
        "-pk"
    ):
        people[person.name] = person.pk
    for name, target in (names or {}).items():
        if name in wanted["unit"]:
            units[name] = target
        if name in wanted["leader"] | wanted["person"]:
            people[name] = target
    return Directory(units=units, people=people, create_missing=create_missing)


def excel_preview(
    *,
    staging: ImportStaging,
    manual: Mapping[str, str] | None = None,
    names: Mapping[str, int | None] | None = None,
    create_missing: bool = False,
) -> ImportPlan:
    """The plan the confirm would write now (for the preview page and the command)."""
    manual = staging.choices.get("manual") if manual is None else manual
    plan = build_plan(
        staging.result, manual=manual, directory=_directory(staging, names, create_missing)
    )
    if not plan.column_errors:
        _check_existing(plan, staging, staging.choices.get("inspection"))
    return plan


@transaction.atomic
def excel_confirm(
    *,
    staging: ImportStaging,
    sha256: str,
    actor: User | None,
    manual: Mapping[str, str] | None = None,
    names: Mapping[str, int | None] | None = None,
    create_missing: bool = False,
    skip_bad_rows: bool = False,
    inspection_id: int | None = None,
) -> ExcelImportResult:
    """Write the staged sheet to the ledger: all of it, or the valid rows when told to."""
    staging_check(staging=staging, sha256=sha256, actor=actor)
    name = staging.original_name
    manual = staging.choices.get("manual") if manual is None else manual
    directory = _directory(staging, names, create_missing)
    plan = build_plan(staging.result, manual=manual, directory=directory)
    if plan.column_errors:
        raise InputError(f"{name}: {plan.column_errors[0]}")
    if inspection_id is None:
        inspection_id = staging.choices.get("inspection")
    if inspection_id is not None:
        # Locked: two confirms into one inspection check its rows one after the other.
        _existing_target(inspection_id, actor, lock=True)
    existing = _check_existing(plan, staging, inspection_id)
    _refuse(plan, name, existing, skip_bad_rows)
    inspection, created = _target(plan, name, actor, inspection_id)
    writer = LedgerWriter(inspection, actor, name, plan, directory)
    counts = writer.write()
    search_index_rebuild(inspection=inspection)
    staging_mark_confirmed(staging=staging, inspection=inspection)
    audit_record(
        actor=actor,
        action=AUDIT_IMPORT,
        obj=inspection,
        after={
            "staging": staging.pk,
            "sha256": staging.sha256,
            "original_name": name,
            "inspection_created": created,
            "counts": counts,
            "skipped_rows": plan.bad_rows if skip_bad_rows else [],
            "created_units": writer.created_units,
            "created_people": writer.created_people,
        },
    )
    return ExcelImportResult(
        inspection=inspection,
        inspection_created=created,
        counts=counts,
        skipped=list(plan.bad_rows),
        created_units=writer.created_units,
        created_people=writer.created_people,
    )


def _refuse(plan: ImportPlan, name: str, existing: Inspection | None, skip_bad_rows: bool) -> None:
    """Raise the one sentence that says why nothing is written, if nothing may be."""
    if plan.refusal:
        raise AlreadyImported(plan.refusal, inspection_id=existing.pk if existing else None)
    if existing is not None:
        reason = ROW_THERE.format(inspection_id=existing.pk)
        there = sum(1 for e in plan.errors if e.reason == reason)
        if there and there == len(plan.errors) and (not plan.rows or not skip_bad_rows):
            message = ALL_THERE if not plan.rows else ROWS_THERE
            raise AlreadyImported(
                message.format(name=name, n=there, inspection_id=existing.pk),
                inspection_id=existing.pk,
            )
    if plan.errors and not skip_bad_rows:
        raise InputError(HAS_ERRORS.format(name=name, n=len(plan.bad_rows)))
    if not plan.rows:
        raise InputError(NOTHING_TO_IMPORT.format(name=name))


def _target(
    plan: ImportPlan, name: str, actor: User | None, inspection_id: int | None
) -> tuple[Inspection, bool]:
    """The inspection to import into: the one named, or a new one from 巡察信息."""
    if inspection_id is not None:
        return _existing_target(inspection_id, actor), False
    if not plan.info:
        raise InputError(NO_INSPECTION_INFO.format(name=name))
    if len(plan.info) > 1:
        raise InputError(SEVERAL_INSPECTIONS.format(name=name, n=len(plan.info)))
    info = plan.info[0]
    org_name = (info.get("organisation") or "").strip()[:128]
    if not org_name:
        raise InputError(NO_ORGANISATION.format(name=name))
    organisation = Organisation.objects.filter(name=org_name).order_by("path", "id").first()
    if actor is not None:
        require(actor, Action.IMPORT, organisation=organisation)
    if organisation is None:
        organisation = Organisation.objects.create(name=org_name, kind=OrganisationKind.COMMITTEE)
        organisation.path = organisation_path(None, organisation.pk)
        organisation.save(update_fields=["path"])
    labels = {
        key: dict(choices)
        for key, choices in (("level", InspectionLevel.choices), ("kind", InspectionKind.choices))
    }
    inspection = Inspection.objects.create(
        title=(info.get("title") or f"{org_name}整改台账")[:255],
        group=(info.get("group") or "")[:128],
        organisation=organisation,
        level=_code(info.get("level"), labels["level"], InspectionLevel.XUNCHA),
        kind=_code(info.get("kind"), labels["kind"], InspectionKind.REGULAR),
        start=_date(info.get("start")),
        end=_date(info.get("end")),
        feedback_date=_date(info.get("feedback_date")),
    )
    inspection.inspected_organisations.add(organisation)
    return inspection, True


def _code(value: str | None, labels: Mapping[Any, Any], default: str) -> str:
    for code, label in labels.items():
        if value in (code, str(label)):
            return str(code)
    return default


def _date(value: str | None) -> dt.date | None:
    try:
        return parse_date(value) if value else None
    except ValueError:
        return None
