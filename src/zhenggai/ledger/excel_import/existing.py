"""What the database already holds that an Excel import must respect (issue #13).

- `importable_inspections`: the inspections a user may import a sheet into (the upload
  page's choice; the confirm checks the permission again);
- `sheet_inspection`: the inspection a sheet's 巡察信息 names, if it already exists (a
  second import of an exported file must not make a second inspection);
- `rows_already_there`: the sheet's rows that the inspection's ledger already holds — the
  same measure text under the same aspect, problem and finding titles;
- `file_imported_into`: where the same bytes (SHA-256) were imported before, as documents
  are refused a second import (`services.importing.AlreadyImported`).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import RoleAssignment, User
from zhenggai.ledger.excel_import.plan import ImportPlan
from zhenggai.ledger.models import Finding, ImportStaging, Inspection, MeasureFinding, StagingKind

#: Inspections offered on the upload page (the most recent first).
MAX_TARGETS = 200


def importable_inspections(user: User) -> QuerySet[Inspection]:
    """Inspections where `user` holds a role with the import action (office, admin): at
    the inspected organisation or above it with its sub-tree, for every inspection or
    for that one — the same rule as `accounts.permissions.may`."""
    where = Q(pk__in=[])
    assignments = RoleAssignment.objects.filter(
        user=user, role__in=[Role.OFFICE, Role.ADMIN]
    ).select_related("organisation")
    for ra in assignments:
        if ra.include_subtree:
            q = Q(organisation__path__startswith=ra.organisation.path)
        else:
            q = Q(organisation_id=ra.organisation_id)
        if ra.inspection_id is not None:
            q &= Q(pk=ra.inspection_id)
        where |= q
    return Inspection.objects.filter(where).order_by("-feedback_date", "-pk")


def sheet_inspection(plan: ImportPlan) -> Inspection | None:
    """The existing inspection the sheet's one 巡察信息 row describes (title and
    organisation), if any."""
    if len(plan.info) != 1:
        return None
    info = plan.info[0]
    title, organisation = (info.get("title") or "").strip(), (info.get("organisation") or "")
    if not title:
        return None
    return (
        Inspection.objects.filter(title=title[:255], organisation__name=organisation.strip())
        .order_by("pk")
        .first()
    )


def rows_already_there(plan: ImportPlan, inspection: Inspection) -> set[int]:
    """Row numbers of `plan` whose measure (or, for a row without one, whose finding) the
    inspection already has at the same place in its tree. Two queries."""
    measures = set(
        MeasureFinding.objects.filter(finding__inspection=inspection, is_primary=True).values_list(
            "finding__problem__aspect__title",
            "finding__problem__title",
            "finding__text",
            "measure__content",
        )
    )
    findings = set(
        Finding.objects.filter(inspection=inspection).values_list(
            "problem__aspect__title", "problem__title", "text"
        )
    )
    out = set()
    for row in plan.rows:
        place = (row.aspect.text, row.problem.text, row.finding.text)
        if row.measure is None:
            if place in findings:
                out.add(row.row)
        elif (*place, row.measure.text) in measures:
            out.add(row.row)
    return out


def file_imported_into(sha256: str) -> list[int]:
    """Inspections that an Excel import of these exact bytes went into."""
    return list(
        ImportStaging.objects.filter(
            kind=StagingKind.EXCEL, sha256=sha256, confirmed_at__isnull=False
        )
        .exclude(inspection=None)
        .order_by("confirmed_at")
        .values_list("inspection_id", flat=True)
    )
