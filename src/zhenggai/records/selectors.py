"""Reads of the records app, and the live figures an announcement states.

The figures ("制定整改措施47条…建立完善制度16项，问责2人") are computed here from the ledger
and the records, never typed in, in ONE query whatever the size of the inspection: each
figure is a scalar subquery on an indexed (inspection, …) column.
"""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    Model,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import Action, require
from zhenggai.ledger.choices import FindingState, MeasureState, Urgency
from zhenggai.ledger.models import (
    Aspect,
    Finding,
    Inspection,
    Measure,
    MeasureFinding,
    PlanRevision,
    Problem,
)
from zhenggai.records.models import Accountability, Activity, Institution

#: The keys of `live_figures`, in the order an announcement states them.
FIGURE_KEYS = (
    "aspects",
    "problems",
    "findings",
    "closed_findings",
    "measures",
    "closed_measures",
    "watching_measures",
    "immediate_measures",
    "long_term_measures",
    "completed_problems",
    "continuing_problems",
    "plan_revisions",
    "institutions",
    "accountable_people",
    "activities",
    "activity_participants",
)

#: A measure whose work is done: closed, or kept under watch (长期坚持, 持续整改).
MEASURE_DONE = (MeasureState.CLOSED, MeasureState.WATCHING)


def _scalar(
    model: type[Model], aggregate: Any, *conditions: Any, via: str = "inspection",
    **filters: Any,
) -> Coalesce:
    """`(SELECT aggregate FROM model WHERE <via> = outer.id AND conditions)`, 0 if none."""
    inner = (
        model._default_manager.filter(*conditions, **{via: OuterRef("pk")}, **filters)
        .order_by()
        .values(via)
        .annotate(v=aggregate)
        .values("v")
    )
    return Coalesce(Subquery(inner, output_field=IntegerField()), Value(0))


def _problem_measures(**filters: Any) -> Exists:
    """Whether the (outer) problem has a measure, through any finding link, with `filters`."""
    return Exists(MeasureFinding.objects.filter(finding__problem=OuterRef("pk"), **filters))


def _problem_has_open_measure() -> Exists:
    return Exists(
        MeasureFinding.objects.filter(finding__problem=OuterRef("pk")).exclude(
            measure__state__in=MEASURE_DONE
        )
    )


def live_figures(*, inspection: Inspection) -> dict[str, int]:
    """The announcement's figures for `inspection`, computed in one query.

    Closed means the state `closed`; a measure or finding in continued watch (`watching`)
    still counts as open, as everywhere in the ledger (GLOSSARY). `accountable_people`
    counts distinct names: one person held to account in two forms (诫勉谈话 and 党纪处分)
    is one person in "问责2人".

    A problem is *completed* (what "12个问题均得到有效整改" counts) when it has measures and
    each is closed or, for long-term work, under watch; `continuing_problems` are the
    completed ones with a measure under watch — the announcement says 持续整改 for those.
    A problem answered only by explanations has no measure and is not counted completed.
    `plan_revisions` counts the plan's revisions after the first ("进行了4轮修改").
    """
    annotations = {
        "aspects": _scalar(Aspect, Count("pk")),
        "problems": _scalar(Problem, Count("pk")),
        "findings": _scalar(Finding, Count("pk")),
        "closed_findings": _scalar(Finding, Count("pk"), state=FindingState.CLOSED),
        "measures": _scalar(Measure, Count("pk")),
        "closed_measures": _scalar(Measure, Count("pk"), state=MeasureState.CLOSED),
        "watching_measures": _scalar(Measure, Count("pk"), state=MeasureState.WATCHING),
        "immediate_measures": _scalar(Measure, Count("pk"), urgency=Urgency.IMMEDIATE),
        "long_term_measures": _scalar(Measure, Count("pk"), urgency=Urgency.LONG_TERM),
        "completed_problems": _scalar(
            Problem, Count("pk"), _problem_measures(), ~_problem_has_open_measure()
        ),
        "continuing_problems": _scalar(
            Problem,
            Count("pk"),
            _problem_measures(measure__state=MeasureState.WATCHING),
            ~_problem_has_open_measure(),
        ),
        "plan_revisions": _scalar(
            PlanRevision, Count("pk"), via="plan__inspection", number__gt=1
        ),
        "institutions": _scalar(Institution, Count("pk")),
        "accountable_people": _scalar(Accountability, Count("person_name", distinct=True)),
        "activities": _scalar(Activity, Count("pk")),
        "activity_participants": _scalar(Activity, Sum("participants")),
    }
    # Prefixed: "aspects", "findings", "measures" … are also reverse relations of Inspection.
    row = (
        Inspection.objects.filter(pk=inspection.pk)
        .annotate(**{f"figure_{key}": expr for key, expr in annotations.items()})
        .values(*(f"figure_{key}" for key in FIGURE_KEYS))
        .get()
    )
    return {key: int(row[f"figure_{key}"]) for key in FIGURE_KEYS}


def institution_list(*, user: User, inspection: Inspection) -> QuerySet[Institution]:
    """An inspection's institutions, for anyone who may read its ledger."""
    require(user, Action.VIEW, inspection=inspection)
    return (
        Institution.objects.filter(inspection=inspection)
        .prefetch_related("findings")
        .order_by("issued_on", "id")
    )


def accountability_list(*, user: User, inspection: Inspection) -> QuerySet[Accountability]:
    """Who was held to account: personal data, only for roles with VIEW_ACCOUNTABILITY."""
    require(user, Action.VIEW_ACCOUNTABILITY, inspection=inspection)
    return (
        Accountability.objects.filter(inspection=inspection)
        .select_related("person")
        .prefetch_related("findings")
        .order_by("decided_on", "id")
    )


def activity_list(*, user: User, inspection: Inspection) -> QuerySet[Activity]:
    """An inspection's study, warning-education and training activities."""
    require(user, Action.VIEW, inspection=inspection)
    return (
        Activity.objects.filter(inspection=inspection)
        .prefetch_related("findings")
        .order_by("held_on", "id")
    )


#: Rows per page of a records list.
PAGE_SIZE = 20


def record_page(
    records: QuerySet[Any], *, after: int | None, size: int = PAGE_SIZE
) -> tuple[list[Any], int | None]:
    """One keyset page of a records list, newest recorded first, and the id to continue
    after (None on the last page).

    The newest first (by id), not by date: the office checks what it has just entered,
    and dates may be empty on imported history, which would make a date cursor ambiguous.
    Two queries whatever the page (the rows, their findings), plus the list's own check.
    """
    qs = records.order_by("-id")
    if after is not None:
        qs = qs.filter(pk__lt=after)
    rows = list(qs[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return rows, (rows[-1].pk if more and rows else None)
