"""The document import wizard's service: stage a document, parse it, confirm it (issue #11).

`document_stage` keeps an uploaded feedback document through the one staging service.
A text, docx or text PDF is parsed at once, and a file that cannot be read or in which the
parser finds no structure is refused before anything is kept. OCR (images, scanned or big
PDFs) is long: the row is staged as `queued` and `document_parse_staged` (a task) fills its
`result` — the page polls the row, so a reload loses nothing.

`document_confirm` is bound to the SHA-256 the page showed (`staging_check`) and goes
through `document_import`, the same function `zhenggai import FILE` uses; the choices the
office made on the way (titles, key findings, units, leaders, deadlines, the inspected
organisation) are applied in the same transaction through the correction, key-finding and
plan services, each with its audit entry. Nothing reaches the ledger before the confirm.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import Organisation, Person, RoleAssignment, User
from zhenggai.core.document import Document
from zhenggai.core.errors import InputError
from zhenggai.core.parser import parse_bytes
from zhenggai.core.readers import MAX_BYTES, OLE2_MAGIC, OLE2_REFUSED, sniff_format
from zhenggai.ledger.models import Aspect, Finding, ImportStaging, Measure, Problem, StagingKind
from zhenggai.ledger.services.corrections import aspect_update, measure_correct, problem_update
from zhenggai.ledger.services.importing import ImportResult, document_import
from zhenggai.ledger.services.key_findings import finding_set_key
from zhenggai.ledger.services.staging import (
    sha256_of,
    staging_check,
    staging_create,
    staging_data,
    staging_mark_confirmed,
)

#: A PDF larger than this is parsed by a task (it may hold scanned pages to OCR).
LONG_PDF_BYTES = 2 * 1024 * 1024
#: Pages looked at for a missing text layer before a PDF is parsed in the request.
SCAN_CHECK_PAGES = 50
TOO_LARGE = "{name}: 文件过大（{size:.1f} MB），上限为 {limit} MB"
EMPTY = "{name}: 文件为空"
NO_STRUCTURE = "{name}: 未识别出编号的方面、问题和整改措施，不能导入为空的巡察；请确认这是巡察反馈意见或整改情况通报"
NOT_PARSED = "文件还在解析中，解析完成后才能确认导入"
PARSE_FAILED = "文件未能解析，不能导入：{error}"
GONE = "所选的单位或人员已不存在，请重新选择"
FILE_CHANGED = "暂存的文件已被改动（SHA-256 不符），请重新上传"

#: Parse states kept in `ImportStaging.result["state"]`.
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


def import_targets(user: User) -> Q:
    """A Q on Organisation: where `user` may import a new inspection — an office or
    administrator role there (or above, with its sub-tree) that is not scoped to one
    inspection (an office for one inspection may not open another)."""
    q = Q(pk__in=[])
    rows = RoleAssignment.objects.filter(
        user=user, role__in=[Role.OFFICE, Role.ADMIN], inspection__isnull=True
    ).select_related("organisation")
    for ra in rows:
        if ra.include_subtree:
            q |= Q(path__startswith=ra.organisation.path)
        else:
            q |= Q(pk=ra.organisation_id)
    return q


def is_long(data: bytes) -> bool:
    """Whether parsing these bytes may take long (OCR): an image, a big PDF, or a PDF
    with a page that has no text layer (a scan)."""
    fmt = sniff_format(data)
    if fmt == "image":
        return True
    if fmt != "pdf":
        return False
    return len(data) > LONG_PDF_BYTES or _pdf_has_scanned_page(data)


def _pdf_has_scanned_page(data: bytes) -> bool:
    """A quick look for a page without text; a broken PDF is left to the reader's refusal."""
    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return any(not page.chars for page in pdf.pages[:SCAN_CHECK_PAGES])
    except Exception:  # pdfminer raises many unrelated types for broken files
        return False


def parse_for_import(data: bytes, filename: str) -> Document:
    """Parse the bytes, refusing (InputError) a document the ledger would not take."""
    document = parse_bytes(data, filename=filename)
    if any(w.code == "no_structure" for w in document.warnings) or not document.counts.get(
        "problems"
    ):
        raise InputError(NO_STRUCTURE.format(name=filename))
    return document


def _refuse_early(data: bytes, filename: str) -> None:
    """What can be said of a file without reading it (before a task is queued)."""
    if len(data) > MAX_BYTES:
        raise InputError(
            TOO_LARGE.format(name=filename, size=len(data) / 1048576, limit=MAX_BYTES // 1048576)
        )
    if not data.strip():
        raise InputError(EMPTY.format(name=filename))
    if data.startswith(OLE2_MAGIC):
        raise InputError(OLE2_REFUSED.format(name=filename))


def document_stage(*, data: bytes, filename: str, actor: User | None) -> ImportStaging:
    """Stage an uploaded document: parsed now, or queued for the OCR task."""
    _refuse_early(data, filename)
    if is_long(data):
        staging = staging_create(
            kind=StagingKind.DOCUMENT, data=data, filename=filename,
            result={"state": QUEUED}, actor=actor,
        )
        from zhenggai.ledger.tasks import parse_document_task

        transaction.on_commit(lambda: parse_document_task.enqueue(staging_id=staging.pk))
        return staging
    document = parse_for_import(data, filename)
    return staging_create(
        kind=StagingKind.DOCUMENT, data=data, filename=filename,
        result={"state": DONE, "document": document.to_dict()}, actor=actor,
    )


def _set_result(staging_id: int, result: dict[str, Any]) -> None:
    ImportStaging.objects.filter(pk=staging_id).update(result=result)


def document_parse_staged(*, staging_id: int) -> None:
    """The task's body: parse the staged file; the outcome (or the refusal) in `result`."""
    staging = ImportStaging.objects.filter(pk=staging_id, confirmed_at__isnull=True).first()
    if staging is None or staging.result.get("state") not in (QUEUED, RUNNING):
        return
    _set_result(staging_id, {"state": RUNNING})
    try:
        document = parse_for_import(staging_data(staging), staging.original_name)
    except InputError as exc:
        _set_result(staging_id, {"state": FAILED, "error": str(exc)})
        return
    except Exception:
        _set_result(staging_id, {"state": FAILED, "error": PARSE_FAILED.format(error="内部错误")})
        raise
    _set_result(staging_id, {"state": DONE, "document": document.to_dict()})


def staged_document(staging: ImportStaging) -> Document | None:
    """The parsed document of a staging row, None while it is parsed or after a failure."""
    if staging.result.get("state") != DONE:
        return None
    return Document.from_dict(staging.result["document"])


# -- the choices and their application -------------------------------------------------


@dataclass(frozen=True)
class TreeKeys:
    """The keys the choices use for the tree's nodes: indices in document order."""

    aspects: list[str]
    problems: list[str]
    findings: list[str]
    measures: list[str]


def tree_keys(document: Document) -> TreeKeys:
    aspects: list[str] = []
    problems: list[str] = []
    findings: list[str] = []
    measures: list[str] = []
    for a in document.aspects:
        aspects.append(f"a{len(aspects)}")
        for p in a.problems:
            problems.append(f"p{len(problems)}")
            for f in p.findings:
                findings.append(f"f{len(findings)}")
                measures.extend(f"m{len(measures) + i}" for i in range(len(f.measures)))
    return TreeKeys(aspects, problems, findings, measures)


def _apply_choices(result: ImportResult, choices: dict[str, Any], actor: User) -> None:
    """The office's choices, each through the service that owns the change (and audits it)."""
    inspection = result.inspection
    titles: dict[str, str] = choices.get("titles", {})
    aspects = list(Aspect.objects.filter(inspection=inspection).order_by("sort_order", "pk"))
    for index, aspect in enumerate(aspects):
        title = titles.get(f"a{index}")
        if title is not None and title.strip() != aspect.title:
            aspect_update(aspect=aspect, actor=actor, title=title)
    problems = list(
        Problem.objects.filter(inspection=inspection).order_by("aspect__sort_order", "sort_order")
    )
    for index, problem in enumerate(problems):
        title = titles.get(f"p{index}")
        if title is not None and title.strip() != problem.title:
            problem_update(problem=problem, actor=actor, title=title)
    key = set(choices.get("key", []))
    findings = Finding.objects.filter(inspection=inspection).order_by(
        "problem__aspect__sort_order", "problem__sort_order", "sort_order"
    )
    for index, finding in enumerate(findings):
        if f"f{index}" in key:
            finding_set_key(finding=finding, is_key=True, actor=actor)
    per_measure: dict[str, dict[str, Any]] = choices.get("measures", {})
    if not per_measure:
        return
    units = Organisation.objects.in_bulk([v["unit"] for v in per_measure.values() if v.get("unit")])
    people = Person.objects.in_bulk([v["leader"] for v in per_measure.values() if v.get("leader")])
    measures = Measure.objects.filter(inspection=inspection).order_by("sort_order")
    for index, measure in enumerate(measures):
        chosen = per_measure.get(f"m{index}")
        if not chosen:
            continue
        values: dict[str, Any] = {}
        if chosen.get("unit"):
            values["lead_unit"] = units.get(chosen["unit"])
        if chosen.get("leader"):
            values["responsible_leader"] = people.get(chosen["leader"])
        if None in (values.get("lead_unit", True), values.get("responsible_leader", True)):
            raise InputError(GONE)
        if chosen.get("deadline"):
            values["deadline"] = dt.date.fromisoformat(chosen["deadline"])
        if values:
            measure_correct(measure=measure, actor=actor, **values)


def _chosen_organisation(choices: dict[str, Any]) -> Organisation | None:
    pk = choices.get("organisation")
    if not pk:
        return None
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None:
        raise InputError(GONE)
    return organisation


@transaction.atomic
def document_confirm(*, staging: ImportStaging, sha256: str, actor: User) -> ImportResult:
    """Import the staged document as previewed, with the office's choices, in one go."""
    staging_check(staging=staging, sha256=sha256, actor=actor)
    state = staging.result.get("state")
    if state == FAILED:
        raise InputError(PARSE_FAILED.format(error=staging.result.get("error", "")))
    document = staged_document(staging)
    if document is None:
        raise InputError(NOT_PARSED)
    data = staging_data(staging)
    if sha256_of(data) != staging.sha256:
        raise InputError(FILE_CHANGED)
    result = document_import(
        document=document,
        data=data,
        filename=staging.original_name,
        actor=actor,
        organisation=_chosen_organisation(staging.choices),
    )
    try:
        _apply_choices(result, staging.choices, actor)
    except ValidationError as exc:
        raise InputError("；".join(_messages(exc))) from None
    staging_mark_confirmed(staging=staging, inspection=result.inspection)
    return result


def _messages(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]

