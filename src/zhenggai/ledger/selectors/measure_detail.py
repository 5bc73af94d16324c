"""Reads of the measure page: the measure if the user may read it, and everything its page
shows — the tree above it, the units' shares, the progress reports with their evidence,
the close-out requests with reviews and acceptances, extensions, check-ins and reopenings
(urging notices come from the urging app's own fragment: it sits above the ledger).

Who reads a measure follows `scope`: the inspection's readers read every measure of it, a
unit the measures it leads or is assigned. Anyone else gets None, which the page turns
into the same 404 as for an id that does not exist. The page costs a fixed number of
queries whatever the number of reports, files or reviews (each list is one query, its
children one prefetch).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import view_scope
from zhenggai.core.signals import SignalResult
from zhenggai.ledger.choices import CloseOutState, ReviewStage
from zhenggai.ledger.models import (
    Acceptance,
    Assignment,
    CheckIn,
    CloseOutRequest,
    CloseOutReview,
    EvidenceFile,
    Extension,
    Finding,
    Measure,
    MeasureFinding,
    ProgressReport,
    Reopening,
)
from zhenggai.ledger.selectors.ledger_list import measure_path
from zhenggai.ledger.selectors.scope import sees_whole, visible_measures
from zhenggai.ledger.signals_view import assignment_signals, measure_signals

#: Image types shown inline; PDF is shown in a frame (both by the evidence preview view).
INLINE_IMAGE_TYPES = frozenset({"image/png", "image/jpeg"})
INLINE_PDF_TYPE = "application/pdf"


def measure_for_reader(*, user: User | AnonymousUser, pk: int) -> Measure | None:
    """The measure `pk` with its inspection, units and people if `user` may read it, else
    None (also when it does not exist, so that an id reveals nothing)."""
    if not isinstance(user, User):
        return None
    measure = (
        Measure.objects.select_related(
            "inspection__organisation", "lead_unit", "responsible_leader", "responsible_person"
        )
        .filter(pk=pk)
        .first()
    )
    if measure is None:
        return None
    scope = view_scope(user)
    if sees_whole(scope, measure.inspection):
        return measure
    if scope.units and visible_measures(user).filter(pk=pk).exists():
        return measure
    return None


def measure_code(link: MeasureFinding | None, measure: Measure) -> str:
    """编号: the same stable path the ledger shows (`ledger_list.measure_path`)."""
    return measure_path(measure, link.finding if link is not None else None)


@dataclass
class MeasurePage:
    """What the measure page shows (lists in display order)."""

    measure: Measure
    finding: Finding | None
    findings: list[Finding]
    code: str
    signal: SignalResult
    is_key: bool
    assignments: list[Assignment]
    assignment_signals: dict[int, SignalResult]
    reports: list[ProgressReport]
    requests: list[CloseOutRequest]
    extensions: list[Extension]
    check_ins: list[CheckIn]
    reopenings: list[Reopening]
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def active_request(self) -> CloseOutRequest | None:
        """The request of the whole measure awaiting a decision (at most one)."""
        return next(
            (r for r in self.requests if r.state in ("pending", "office_approved")), None
        )

    def active_requests(self) -> list[CloseOutRequest]:
        """Every request awaiting a decision (the measure's and its assignments')."""
        return [r for r in self.requests if r.state in ("pending", "office_approved")]

    def __post_init__(self) -> None:
        for request in self.requests:
            request.stage_label = request_stage_label(request, is_key=self.is_key)  # type: ignore[attr-defined]

    @property
    def pending_extensions(self) -> list[Extension]:
        return [e for e in self.extensions if e.status == "pending"]

    @property
    def due_check_ins(self) -> list[CheckIn]:
        return [c for c in self.check_ins if c.done_at is None]


def request_stage_label(request: CloseOutRequest, *, is_key: bool) -> str:
    """What a request waits for, in words. "Office approved" covers two waits — the leader's
    approval of a key finding, then the three-party acceptance — and the stored state's own
    label names only the first, which misled readers once the leader had signed."""
    if request.state != CloseOutState.OFFICE_APPROVED:
        return str(request.get_state_display())
    signed = any(v.stage == ReviewStage.LEADER for v in request.reviews.all())
    if is_key and not signed:
        return str(_("待领导审批"))
    return str(_("待三方验收"))


def _evidence() -> Prefetch[Any]:
    return Prefetch("evidence", queryset=EvidenceFile.objects.order_by("uploaded_at", "id"))


def _reports(measure: Measure) -> QuerySet[ProgressReport]:
    return (
        ProgressReport.objects.filter(measure=measure)
        .select_related("author", "assignment__unit")
        .prefetch_related(_evidence())
        .order_by("-reported_at", "-id")
    )


def _requests(measure: Measure) -> QuerySet[CloseOutRequest]:
    return (
        CloseOutRequest.objects.filter(measure=measure)
        .select_related("requested_by", "assignment__unit")
        .prefetch_related(
            _evidence(),
            Prefetch(
                "reviews",
                queryset=CloseOutReview.objects.select_related("reviewer").order_by(
                    "decided_at", "id"
                ),
            ),
            Prefetch(
                "acceptances",
                queryset=Acceptance.objects.select_related("person").order_by("decided_at", "id"),
            ),
        )
        .order_by("-requested_at", "-id")
    )


def measure_detail(
    *, user: User | AnonymousUser, pk: int, today: dt.date | None = None
) -> MeasurePage | None:
    """The measure page's data, or None when `user` may not read the measure.

    (This module is not called `measure_page`: the package re-exports `pages.measure_page`,
    which a submodule of that name would shadow.)"""
    measure = measure_for_reader(user=user, pk=pk)
    if measure is None:
        return None
    links = list(
        MeasureFinding.objects.filter(measure=measure)
        .select_related("finding__problem__aspect")
        .order_by("-is_primary", "finding__sort_order", "finding_id")
    )
    primary = links[0] if links else None
    assignments = list(
        Assignment.objects.filter(measure=measure)
        .select_related("unit", "responsible_person")
        .order_by("unit__path", "id")
    )
    inspection = measure.inspection
    return MeasurePage(
        measure=measure,
        finding=primary.finding if primary else None,
        findings=[link.finding for link in links],
        code=measure_code(primary, measure),
        signal=measure_signals([measure], inspection=inspection, today=today)[measure.pk],
        is_key=any(link.finding.is_key for link in links),
        assignments=assignments,
        assignment_signals=assignment_signals(assignments, inspection=inspection, today=today),
        reports=list(_reports(measure)),
        requests=list(_requests(measure)),
        extensions=list(
            Extension.objects.filter(measure=measure)
            .select_related("requested_by", "decided_by", "assignment__unit")
            .order_by("-requested_at", "-id")
        ),
        check_ins=list(
            CheckIn.objects.filter(measure=measure).select_related("author").order_by("-due_date")
        ),
        reopenings=list(
            Reopening.objects.filter(measure=measure)
            .select_related("reopened_by")
            .order_by("-reopened_at", "-id")
        ),
    )
