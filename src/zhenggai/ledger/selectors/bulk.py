"""Reads of the bulk actions (批量操作): the selected rows, if the user may read every one,
and the units and people the selection's inspections may name.

The selection arrives as ids from a form; an id the user may not read (another unit's
measure, another organisation's, one that does not exist) makes the whole selection
unknown — the same answer for all three, so ids reveal nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q, QuerySet

from zhenggai.accounts.models import Organisation, Person, User
from zhenggai.ledger.choices import PlanState
from zhenggai.ledger.models import Inspection, Measure, RectificationPlan
from zhenggai.ledger.selectors.ledger_list import measure_path
from zhenggai.ledger.selectors.pages import _attach_primary_findings
from zhenggai.ledger.selectors.scope import visible_measures
from zhenggai.ledger.services.corrections import inspection_organisations

#: The most rows one action changes (a page of the ledger is 50; ten pages at most).
MAX_BULK_ROWS = 500


class SelectionNotFound(ObjectDoesNotExist):
    """Some selected id is not a measure the user may read."""


@dataclass(frozen=True)
class BulkRow:
    """A selected measure and how the office names it: its 编号 and the start of its text."""

    measure: Measure
    path: str

    @property
    def label(self) -> str:
        text = self.measure.content
        text = text if len(text) <= 30 else text[:29] + "…"
        return f"{self.path} {text}"


def bulk_rows(*, user: User | AnonymousUser, ids: Iterable[int]) -> list[BulkRow]:
    """The measures `ids` in ledger order (inspection, then id), each with its 编号.

    Two queries whatever the number of rows (the measures with everything the preview
    shows, their primary findings), plus the user's role assignments.
    Raises `SelectionNotFound` when one id is not a measure the user may read.
    """
    wanted = set(ids)
    measures = list(
        visible_measures(user)
        .filter(pk__in=wanted)
        .select_related(
            "inspection__organisation", "lead_unit", "responsible_leader__organisation",
            "responsible_person__organisation",
        )
        .order_by("inspection_id", "deadline", "pk")
    )
    if len(measures) != len(wanted):
        raise SelectionNotFound
    _attach_primary_findings(measures)
    return [
        BulkRow(m, measure_path(m, getattr(m, "primary_finding", None))) for m in measures
    ]


def _organisations(inspections: Iterable[Inspection]) -> Q:
    q = Q(pk__in=[])
    for inspection in {i.pk: i for i in inspections}.values():
        q |= inspection_organisations(inspection)
    return q


def bulk_units(inspections: Iterable[Inspection]) -> QuerySet[Organisation]:
    """The units the selection's measures may name (their inspections' trees), in tree order."""
    return Organisation.objects.filter(_organisations(inspections)).order_by(
        "path", "sort_order", "name"
    )


def bulk_people(inspections: Iterable[Inspection]) -> QuerySet[Person]:
    """The people the selection's measures may name as leader or responsible person."""
    return (
        Person.objects.filter(
            organisation__in=Organisation.objects.filter(_organisations(inspections))
        )
        .select_related("organisation")
        .order_by("organisation__path", "name", "id")
    )


def approved_inspections(rows: Iterable[BulkRow]) -> set[int]:
    """The selection's inspections whose plan the leader approved (one query): there a
    correction asks for a reason and a deadline moves only through an extension."""
    ids = {row.measure.inspection_id for row in rows}
    return set(
        RectificationPlan.objects.filter(inspection_id__in=ids, state=PlanState.APPROVED)
        .values_list("inspection_id", flat=True)
    )
