"""Importing a parsed document (`core.document.Document`) into the ledger (DESIGN.md §5, §7).

One transaction: the inspection, its findings tree, one measure per parsed measure, the
source document (file, hash, what the parser saw) and the audit entry are written together
or not at all. The same bytes are imported once: `SourceDocument.sha256` is unique, and a
re-import is refused with the id of the inspection that already holds them.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from zhenggai.accounts.choices import OrganisationKind
from zhenggai.accounts.models import Organisation, User, organisation_path
from zhenggai.accounts.permissions import Action, require
from zhenggai.audit.services import audit_record
from zhenggai.core.document import Document
from zhenggai.core.errors import InputError
from zhenggai.ledger.choices import InspectionKind, InspectionLevel, MeasureState, Urgency
from zhenggai.ledger.models import (
    Aspect,
    Finding,
    Inspection,
    Measure,
    MeasureFinding,
    Problem,
    SourceDocument,
)
from zhenggai.ledger.services.search_index import search_index_rebuild

ALREADY_IMPORTED = "{name}: 该文件已导入过（SHA-256 {sha}…），对应巡察 #{inspection_id}，不重复导入"
NO_ORGANISATION = "{name}: 文件中没有落款单位，也没有被巡察对象，无法确定被巡察党组织"
DUPLICATE_NUMBER = "{level}序号 {no} 重复（第 {line} 行），导入时该项不记序号"
#: The title when the document has none: "区委第二巡察组对区城管局党委的常规巡察".
TITLE_FROM_INSPECTION = "{group}对{target}的{kind}"

AUDIT_ACTION = "document.import"


class AlreadyImported(InputError):
    """The same bytes were imported before; `inspection_id` names the inspection."""

    def __init__(self, message: str, *, inspection_id: int | None) -> None:
        super().__init__(message)
        self.inspection_id = inspection_id


@dataclasses.dataclass(frozen=True)
class ImportResult:
    inspection: Inspection
    source_document: SourceDocument
    organisation_created: bool
    counts: dict[str, int]
    #: The parser's warnings plus those of the import (e.g. a repeated number).
    warnings: list[dict[str, Any]]


def document_import(
    *,
    document: Document,
    data: bytes | None,
    filename: str,
    actor: User | None,
    organisation: Organisation | None = None,
) -> ImportResult:
    """Import `document` (parsed from `data`, the file's bytes, when there is a file).

    `organisation` is the inspected Party organisation when the importer chose it (the
    import wizard); by default it is the document's signature, else its target.
    """
    sha = document.source.sha256
    # A progress summary without a tree has nothing to track: refused with the parser's words.
    for warning in document.warnings:
        if warning.code == "no_structure":
            raise InputError(f"{filename}: {warning.message}")
    _refuse_reimport(sha, filename)
    try:
        return _import(
            document=document, data=data, filename=filename, actor=actor,
            organisation=organisation,
        )
    except IntegrityError:
        # Two imports of the same bytes raced past the check above: the unique sha256
        # stopped the second one; say so rather than show a database error.
        _refuse_reimport(sha, filename)
        raise


def _refuse_reimport(sha: str, filename: str) -> None:
    rows = list(SourceDocument.objects.filter(sha256=sha).values_list("inspection_id", flat=True)[:1])
    if rows:
        existing = rows[0]
        raise AlreadyImported(
            ALREADY_IMPORTED.format(name=filename, sha=sha[:12], inspection_id=existing),
            inspection_id=existing,
        )


@transaction.atomic
def _import(
    *,
    document: Document,
    data: bytes | None,
    filename: str,
    actor: User | None,
    organisation: Organisation | None = None,
) -> ImportResult:
    if organisation is not None:
        if actor is not None:
            require(actor, Action.IMPORT, organisation=organisation)
        organisation_created = False
    else:
        organisation, organisation_created = _inspected_organisation(document, filename, actor)
    info = document.inspection
    inspection = Inspection.objects.create(
        title=_title(document, filename)[:255],
        group=(info.group or "")[:128],
        organisation=organisation,
        level=info.level or InspectionLevel.XUNCHA,
        kind=info.kind or InspectionKind.REGULAR,
        start=info.start,
        end=info.end,
        feedback_date=info.feedback_date,
    )
    inspection.inspected_organisations.add(organisation)
    extra_warnings = _create_tree(inspection, document)
    search_index_rebuild(inspection=inspection)
    warnings = [dataclasses.asdict(w) for w in document.warnings] + extra_warnings

    source = SourceDocument(
        inspection=inspection,
        original_name=filename[:255],
        sha256=document.source.sha256,
        size=len(data) if data is not None else document.source.size_bytes,
        format=document.source.format,
        encoding=(document.source.encoding or "")[:32],
        ocr_confidence=document.source.ocr_confidence,
        parser_version=document.parser_version[:32],
        title=(document.title or "")[:255],
        issuer=(document.issuer or "")[:255],
        issue_date=document.issue_date,
        claims=dict(document.claims),
        claims_text={k: dataclasses.asdict(v) for k, v in document.claims_text.items()},
        counts=dict(document.counts),
        warnings=warnings,
        parsed=document.to_dict(),
        imported_by=actor,
    )
    stored_name = None
    try:
        if data is not None:
            # save=False: the row is inserted below, inside this transaction.
            source.file.save(filename or "document", ContentFile(data), save=False)
            stored_name = source.file.name
        source.save()
        counts = {
            "aspects": inspection.aspects.count(),
            "problems": inspection.problems.count(),
            "findings": inspection.findings.count(),
            "measures": inspection.measures.count(),
        }
        audit_record(
            actor=actor,
            action=AUDIT_ACTION,
            obj=inspection,
            after={
                "source_document": source.pk,
                "sha256": source.sha256,
                "original_name": source.original_name,
                "organisation": organisation.pk,
                "counts": counts,
                "claims": source.claims,
            },
        )
    except BaseException:
        # The database rolls back; the stored file does not, so remove it here.
        if stored_name:
            source.file.storage.delete(stored_name)
        raise
    return ImportResult(
        inspection=inspection,
        source_document=source,
        organisation_created=organisation_created,
        counts=counts,
        warnings=warnings,
    )


def _title(document: Document, filename: str) -> str:
    if document.title:
        return document.title
    info = document.inspection
    kind = InspectionKind(info.kind).label if info.kind else InspectionLevel(info.level or "xuncha").label
    if info.group and info.target:
        return TITLE_FROM_INSPECTION.format(group=info.group, target=info.target, kind=kind)
    owner = document.issuer or info.target
    if owner:
        return f"{owner}{kind}整改"
    return filename


def _inspected_organisation(
    document: Document, filename: str, actor: User | None
) -> tuple[Organisation, bool]:
    """The Party committee that owns the rectification: the signature, else the target.

    The issuer (落款, "中共…委员会") is the committee's full name; the target as the
    preamble words it ("区城管局党委和局属二级单位") is only used when there is no issuer.
    An existing organisation of that name is reused, else a new root is created.
    """
    name = (document.issuer or document.inspection.target or "").strip()[:128]
    if not name:
        raise InputError(NO_ORGANISATION.format(name=filename))
    existing = Organisation.objects.filter(name=name).order_by("path", "id").first()
    if actor is not None:
        # Importing into an existing organisation needs the right there; creating a new
        # root organisation is for administrators (where=None → a root admin role).
        require(actor, Action.IMPORT, organisation=existing)
    if existing is not None:
        return existing, False
    organisation = Organisation.objects.create(name=name, kind=OrganisationKind.COMMITTEE)
    organisation.path = organisation_path(None, organisation.pk)
    organisation.save(update_fields=["path"])
    return organisation, True


def _unique_no(
    no: int | None, seen: set[int], level: str, line: int | None, warnings: list[dict[str, Any]]
) -> int | None:
    """Numbers are unique within their parent; a repeated one is kept as text only, and said."""
    if no is None:
        return None
    if no in seen:
        warnings.append(
            {
                "code": "duplicate_number",
                "message": DUPLICATE_NUMBER.format(level=level, no=no, line=line or "?"),
                "line": line,
            }
        )
        return None
    seen.add(no)
    return no


def _create_tree(inspection: Inspection, document: Document) -> list[dict[str, Any]]:
    warnings: list[dict[str, Any]] = []
    measures: list[Measure] = []
    measure_findings: list[Finding] = []
    aspect_nos: set[int] = set()
    order = 0
    for a_index, doc_aspect in enumerate(document.aspects):
        aspect = Aspect.objects.create(
            inspection=inspection,
            no=_unique_no(doc_aspect.no, aspect_nos, "方面", doc_aspect.line, warnings),
            marker=(doc_aspect.marker or "")[:16],
            title=doc_aspect.title or "",
            sort_order=a_index,
        )
        problem_nos: set[int] = set()
        for p_index, doc_problem in enumerate(doc_aspect.problems):
            problem = Problem.objects.create(
                aspect=aspect,
                inspection=inspection,
                no=_unique_no(doc_problem.no, problem_nos, "问题", doc_problem.line, warnings),
                marker=(doc_problem.marker or "")[:16],
                title=doc_problem.title or "",
                sort_order=p_index,
            )
            finding_nos: set[int] = set()
            for f_index, doc_finding in enumerate(doc_problem.findings):
                finding = Finding.objects.create(
                    problem=problem,
                    inspection=inspection,
                    no=_unique_no(doc_finding.no, finding_nos, "具体问题", doc_finding.line, warnings),
                    marker=(doc_finding.marker or "")[:16],
                    label=(doc_finding.label or "")[:32],
                    text=doc_finding.text,
                    answer_kind=doc_finding.answer_kind,
                    answer=doc_finding.answer or "",
                    sort_order=f_index,
                )
                for doc_measure in doc_finding.measures:
                    measures.append(
                        Measure(
                            inspection=inspection,
                            no=doc_measure.no,
                            marker=(doc_measure.marker or "")[:16],
                            content=doc_measure.text,
                            state=MeasureState.PLANNED,
                            urgency=Urgency.SCHEDULED,
                            sort_order=order,
                        )
                    )
                    measure_findings.append(finding)
                    order += 1
    # Measures are the bulk of a document; one INSERT (ids come back on SQLite ≥ 3.35 and
    # PostgreSQL) instead of one per measure.
    Measure.objects.bulk_create(measures)
    MeasureFinding.objects.bulk_create(
        MeasureFinding(measure=m, finding=f, is_primary=True)
        for m, f in zip(measures, measure_findings, strict=True)
    )
    return warnings
