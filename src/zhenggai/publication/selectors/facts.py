"""The ledger and the records as `core.announcement.AnnouncementFacts`, at this moment.

A fixed number of queries whatever the size of the inspection: the live figures (one), the
latest source document, the leading group, the plan, the tree (aspects, problems, findings,
primary measure links with their measures), the accepted progress and the institutions.

*Accepted progress* is the latest progress report (not superseded by a correction) of a
measure whose work was accepted — closed after review, or kept under watch. A measure
still open says it is under way instead: a unit's report nobody has reviewed yet is not
published as done.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from zhenggai import clock
from zhenggai.accounts.choices import Role
from zhenggai.accounts.permissions import role_holders
from zhenggai.core.announcement import (
    AnnouncementFacts,
    AspectFacts,
    FindingFacts,
    LeadingGroupFacts,
    MeasureFacts,
    MeasureStatus,
    ProblemFacts,
)
from zhenggai.core.announcement_text import basis_from
from zhenggai.ledger.choices import InspectionKind, LeadingGroupRole, MeasureState
from zhenggai.ledger.models import (
    Aspect,
    Finding,
    Inspection,
    LeadingGroupMember,
    MeasureFinding,
    Problem,
    ProgressReport,
    RectificationPlan,
    SourceDocument,
)
from zhenggai.records.models import Institution
from zhenggai.records.selectors import MEASURE_DONE, live_figures

_STATUS: dict[str, MeasureStatus] = {
    MeasureState.CLOSED: "closed",
    MeasureState.WATCHING: "watching",
}


def _accepted_progress(inspection: Inspection) -> dict[int, str]:
    """measure id → narrative of its latest current report, for measures whose work is done."""
    reports = (
        ProgressReport.objects.filter(
            measure__inspection=inspection,
            measure__state__in=MEASURE_DONE,
            superseded_by__isnull=True,
        )
        .order_by("measure_id", "-reported_at", "-id")
        .values_list("measure_id", "narrative")
    )
    latest: dict[int, str] = {}
    for measure_id, narrative in reports:
        latest.setdefault(measure_id, narrative)
    return latest


def _measures_by_finding(inspection: Inspection) -> dict[int, list[MeasureFacts]]:
    """Each finding's measures (through their primary link), in plan order."""
    progress = _accepted_progress(inspection)
    links = (
        MeasureFinding.objects.filter(finding__inspection=inspection, is_primary=True)
        .select_related("measure")
        .order_by("measure__sort_order", "measure__no", "measure_id")
    )
    out: dict[int, list[MeasureFacts]] = defaultdict(list)
    for link in links:
        measure = link.measure
        out[link.finding_id].append(
            MeasureFacts(
                content=measure.content,
                status=_STATUS.get(measure.state, "open"),
                progress=progress.get(measure.pk, ""),
            )
        )
    return out


def _tree(inspection: Inspection) -> tuple[AspectFacts, ...]:
    measures = _measures_by_finding(inspection)
    findings: dict[int, list[FindingFacts]] = defaultdict(list)
    for f in Finding.objects.filter(inspection=inspection).order_by("sort_order", "id"):
        findings[f.problem_id].append(
            FindingFacts(
                no=f.no,
                text=f.text,
                answer_kind=f.answer_kind,
                answer=f.answer,
                label=f.label,
                measures=tuple(measures.get(f.pk, ())),
            )
        )
    problems: dict[int, list[ProblemFacts]] = defaultdict(list)
    for p in Problem.objects.filter(inspection=inspection).order_by("sort_order", "id"):
        problems[p.aspect_id].append(ProblemFacts(p.no, p.title, tuple(findings.get(p.pk, ()))))
    return tuple(
        AspectFacts(a.no, a.title, tuple(problems.get(a.pk, ())))
        for a in Aspect.objects.filter(inspection=inspection).order_by("sort_order", "id")
    )


def _leading_group(inspection: Inspection) -> LeadingGroupFacts | None:
    members = list(
        LeadingGroupMember.objects.filter(inspection=inspection)
        .select_related("person")
        .order_by("sort_order", "id")
    )
    if not members:
        return None
    leaders = [m for m in members if m.role == LeadingGroupRole.LEADER]
    return LeadingGroupFacts(
        leader_position=leaders[0].person.position if leaders else "",
        deputies=sum(m.role == LeadingGroupRole.DEPUTY_LEADER for m in members),
        members=sum(m.role == LeadingGroupRole.MEMBER for m in members),
        # The office (整改办) is the leading group's office, a member or a role holder.
        has_office=any(m.role == LeadingGroupRole.OFFICE for m in members)
        or role_holders(role=Role.OFFICE, inspection=inspection).exists(),
    )


def _source(inspection: Inspection) -> dict[str, Any]:
    """What the inspection's latest imported document said (its parse), or nothing."""
    row = (
        SourceDocument.objects.filter(inspection=inspection)
        .order_by("-imported_at", "-id")
        .values_list("parsed", flat=True)
        .first()
    )
    return row or {}


def announcement_facts(
    *, inspection: Inspection, issue_date: dt.date | None = None, closing: str = ""
) -> AnnouncementFacts:
    """The facts an announcement of `inspection` is composed from, read now.

    `closing` keeps a contact paragraph the office wrote in an earlier version; without
    it the imported document's is kept, else the default invitation is written.
    """
    parsed = _source(inspection)
    kind = InspectionKind(inspection.kind).label if inspection.kind else "常规巡察"
    return AnnouncementFacts(
        issuer=inspection.organisation.name,
        issue_date=issue_date or clock.today(),
        figures=live_figures(inspection=inspection),
        level=inspection.level,
        kind_label=str(kind),
        group=inspection.group,
        target=(parsed.get("inspection") or {}).get("target") or "",
        start=inspection.start,
        end=inspection.end,
        feedback_date=inspection.feedback_date,
        basis=inspection.basis or basis_from(parsed.get("preamble", "")),
        leading_group=_leading_group(inspection),
        has_plan=RectificationPlan.objects.filter(inspection=inspection).exists(),
        aspects=_tree(inspection),
        institutions=tuple(
            Institution.objects.filter(inspection=inspection)
            .order_by("issued_on", "id")
            .values_list("name", flat=True)
        ),
        closing=closing or parsed.get("closing", ""),
    )
