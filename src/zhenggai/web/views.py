"""The landing page: public list of inspections, or the ledgers the user may view.

A first, small page (the full ledger UI is a later issue): a bounded number of queries
whatever the number of rows — counts are subqueries or one GROUP BY, the first page of
measures is one query per inspection shown, and at most MAX_INSPECTIONS are shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zhenggai import clock
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import Organisation, User
from zhenggai.accounts.permissions import Action, may, organisations_where
from zhenggai.ledger.choices import MeasureState
from zhenggai.ledger.models import (
    Aspect,
    Finding,
    Inspection,
    Measure,
    Problem,
    SourceDocument,
)

MAX_INSPECTIONS = 20
PAGE_SIZE = 50


@dataclass
class Ledger:
    inspection: Inspection
    #: None for the whole inspection; a unit user sees only their units' measures.
    units: list[Organisation] | None
    by_state: list[tuple[str, str, int]] = field(default_factory=list)
    total: int = 0
    measures: list[Measure] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)


def home(request: HttpRequest) -> HttpResponse:
    any_inspection = Inspection.objects.exists()
    if not request.user.is_authenticated:
        return render(
            request,
            "web/home.html",
            {"inspections": _public_inspections(), "any_inspection": any_inspection},
        )
    assert isinstance(request.user, User)
    return render(
        request,
        "web/home.html",
        {
            "ledgers": _ledgers(request.user),
            "any_inspection": any_inspection,
            "today": clock.today(),
        },
    )


def _count(model: type[Aspect | Problem | Finding | Measure]) -> Coalesce:
    rows = (
        model.objects.filter(inspection=OuterRef("pk"))
        .order_by()
        .values("inspection")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def _public_inspections() -> list[Inspection]:
    return list(
        Inspection.objects.select_related("organisation")
        .annotate(
            n_aspects=_count(Aspect),
            n_problems=_count(Problem),
            n_findings=_count(Finding),
            n_measures=_count(Measure),
        )
        .order_by(F("feedback_date").desc(nulls_last=True), "-id")[:PAGE_SIZE]
    )


def _ledgers(user: User) -> list[Ledger]:
    """Inspections the user may view whole (their organisation's), then by their units."""
    recent = F("feedback_date").desc(nulls_last=True)
    own = Organisation.objects.filter(organisations_where(user, Role.values))
    units = list(Organisation.objects.filter(organisations_where(user, [Role.UNIT])))
    candidates = list(
        Inspection.objects.filter(organisation__in=own)
        .select_related("organisation")
        .order_by(recent, "-id")[:MAX_INSPECTIONS]
    )
    ledgers = [Ledger(i, None) for i in candidates if may(user, Action.VIEW, inspection=i)]
    if units and len(ledgers) < MAX_INSPECTIONS:
        seen = {ledger.inspection.pk for ledger in ledgers}
        for inspection in (
            Inspection.objects.filter(measures__lead_unit__in=units)
            .exclude(pk__in=seen)
            .distinct()
            .select_related("organisation")
            .order_by(recent, "-id")[: MAX_INSPECTIONS - len(ledgers)]
        ):
            if may(user, Action.VIEW, inspection=inspection, unit=units[0]):
                ledgers.append(Ledger(inspection, units))
    _fill(ledgers)
    return ledgers


def _fill(ledgers: list[Ledger]) -> None:
    if not ledgers:
        return
    by_id = {ledger.inspection.pk: ledger for ledger in ledgers}
    counts: dict[int, dict[str, int]] = {pk: {} for pk in by_id}
    whole = [pk for pk, ledger in by_id.items() if ledger.units is None]
    # One GROUP BY for every whole-inspection ledger shown.
    for row in (
        Measure.objects.filter(inspection_id__in=whole)
        .order_by()
        .values("inspection_id", "state")
        .annotate(n=Count("id"))
    ):
        counts[row["inspection_id"]][row["state"]] = row["n"]
    # And one for the unit-scoped ones (a unit user's units are the same for all).
    unit_scoped = [ledger for ledger in ledgers if ledger.units is not None]
    if unit_scoped:
        for row in (
            Measure.objects.filter(
                inspection_id__in=[ledger.inspection.pk for ledger in unit_scoped],
                lead_unit__in=unit_scoped[0].units or [],
            )
            .order_by()
            .values("inspection_id", "state")
            .annotate(n=Count("id"))
        ):
            counts[row["inspection_id"]][row["state"]] = row["n"]
    for source in SourceDocument.objects.filter(inspection_id__in=list(by_id)).order_by(
        "imported_at", "id"
    ).only("inspection_id", "warnings"):
        by_id[source.inspection_id or 0].warnings.extend(source.warnings)
    for pk, ledger in by_id.items():
        ledger.by_state = [
            (state, str(label), counts[pk].get(state, 0)) for state, label in MeasureState.choices
        ]
        ledger.total = sum(counts[pk].values())
        measures = Measure.objects.filter(inspection_id=pk)
        if ledger.units is not None:
            measures = measures.filter(lead_unit__in=ledger.units)
        ledger.measures = list(
            measures.select_related("lead_unit")
            .order_by(F("deadline").asc(nulls_last=True), "id")[:PAGE_SIZE]
        )

