"""Reads of the correction pages: the object to correct if the user may read it, and the units
and people a measure may name.

Who reads what follows `scope`: the inspection's readers (office, leader, supervisor,
inspector, administrator of the organisation) read its whole tree; a unit reads the
measures it leads or is assigned and the findings, problems and aspects above them. Anyone
else gets None, which the pages turn into the same 404 as for an id that does not exist.
"""

from __future__ import annotations

from typing import TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, QuerySet

from zhenggai.accounts.models import Organisation, Person, User
from zhenggai.accounts.permissions import view_scope
from zhenggai.ledger.models import Aspect, Finding, Inspection, Measure, PlanRevision, Problem
from zhenggai.ledger.selectors.scope import sees_whole, visible_measures
from zhenggai.ledger.services.corrections import inspection_organisations

T = TypeVar("T", Aspect, Problem, Finding, Measure)

#: What each correctable model loads with it (its page shows the tree above it) and the
#: path from a measure to it, for a unit's reading.
_RELATED: dict[type[Model], tuple[list[str], str]] = {
    Aspect: (["inspection__organisation"], "finding_links__finding__problem__aspect"),
    Problem: (["inspection__organisation", "aspect"], "finding_links__finding__problem"),
    Finding: (["inspection__organisation", "problem__aspect"], "finding_links__finding"),
    Measure: (
        ["inspection__organisation", "lead_unit", "responsible_leader", "responsible_person"],
        "pk",
    ),
}


def correction_target(*, user: User | AnonymousUser, model: type[T], pk: int) -> T | None:
    """The aspect, problem, finding or measure `pk` if `user` may read it, else None.

    Two queries for a reader of the whole inspection (the row, the role assignments);
    a unit's reading adds the measures it may read.
    """
    related, from_measure = _RELATED[model]
    obj = model._default_manager.select_related(*related).filter(pk=pk).first()
    if obj is None or not isinstance(user, User):
        return None
    scope = view_scope(user)
    if sees_whole(scope, obj.inspection):
        return obj
    if scope.units and visible_measures(user).filter(**{from_measure: obj.pk}).exists():
        return obj
    return None


def correction_units(inspection: Inspection) -> QuerySet[Organisation]:
    """The units a measure of `inspection` may name: its organisations' tree, in tree order."""
    return Organisation.objects.filter(inspection_organisations(inspection)).order_by(
        "path", "sort_order", "name"
    )


def correction_people(inspection: Inspection) -> QuerySet[Person]:
    """The people a measure of `inspection` may name as leader or responsible person."""
    return (
        Person.objects.filter(
            organisation__in=Organisation.objects.filter(inspection_organisations(inspection))
        )
        .select_related("organisation")
        .order_by("organisation__path", "name", "id")
    )


def recent_revisions(inspection: Inspection, *, limit: int = 3) -> list[PlanRevision]:
    """The plan's latest revisions, newest first, with their authors (one query): the
    correction page shows what was corrected before and why."""
    return list(
        PlanRevision.objects.filter(plan__inspection=inspection)
        .select_related("author")
        .order_by("-number")[:limit]
    )
