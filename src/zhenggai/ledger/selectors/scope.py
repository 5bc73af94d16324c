"""What of the ledger a user may read, as a condition on measures.

The answer is `accounts.permissions.view_scope` (the one place roles are read); this module
only turns it into a `Q` on `Measure`. A unit sees the measures it leads and those it is
assigned a share of (整改任务分解), in any inspection; every other role sees whole
inspections of the organisations it is held in.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet

from zhenggai.accounts.models import Organisation, User
from zhenggai.accounts.permissions import ViewScope, view_scope
from zhenggai.ledger.models import Assignment, Inspection, Measure


def sees_whole(scope: ViewScope, inspection: Inspection) -> bool:
    """Whether `scope` reads all of `inspection` (no query: the grants are in hand)."""
    path = inspection.organisation.path
    return any(
        (g.inspection_id is None or g.inspection_id == inspection.pk)
        and (
            g.organisation_id == inspection.organisation_id
            or (g.include_subtree and path.startswith(g.path))
        )
        for g in scope.whole
    )


def covers_unit(scope: ViewScope, unit: Organisation, inspection: Inspection | None) -> bool:
    """Whether `scope` reads everything `unit` leads or is assigned (in `inspection`, or in
    every inspection when None)."""
    return any(
        (g.inspection_id is None or (inspection is not None and g.inspection_id == inspection.pk))
        and (g.organisation_id == unit.pk or (g.include_subtree and unit.path.startswith(g.path)))
        for g in scope.units
    )


def measure_scope(
    user: User | AnonymousUser,
    *,
    inspection: Inspection | None = None,
    unit: Organisation | None = None,
    ordered: bool = False,
    correlated: bool = False,
) -> Q | None:
    """A condition on Measure for what `user` may read; None when nothing needs filtering:
    the user reads the whole of `inspection`, or all of `unit`'s measures, which the caller
    already filters on. Without a condition the ledger's partial index serves the page.

    Two queries at most: the role assignments, and whether the user's units have any
    assignment at all (while none has, the condition stays on the indexed lead unit).

    Two shapes of the same condition. By default, for counts and lists that visit every
    row, a unit's OR has an index per term: the inspections read whole become a subquery
    on the inspection table (`inspection.organisation = U OR lead_unit = U` across the join
    made SQLite scan every measure: the busiest unit's ledger count at scale 0.1 went from
    42 ms to 7–13 ms). `ordered=True`, for one page in a sort order, keeps the condition
    on the join: the database then walks the sort's index and stops after a page, where
    the indexed OR collects and sorts all of the unit's rows (35,000 for the busiest).
    """
    scope = view_scope(user)
    if inspection is not None and sees_whole(scope, inspection):
        return None
    if unit is not None and covers_unit(scope, unit, inspection):
        return None
    if correlated:
        q = whole_exists(scope)
    elif ordered or not scope.units:
        # Whole inspections alone are one condition through the join, in both shapes: as
        # an IN list of every readable inspection SQLite fetched and sorted all of an
        # office's 250,000 measures for one page.
        q = scope.whole_q(organisation="inspection__organisation", inspection="inspection")
    else:
        readable = Inspection.objects.filter(
            scope.whole_q(organisation="organisation", inspection="pk")
        )
        q = Q(inspection_id__in=readable.values("pk")) if scope.whole else Q(pk__in=[])
    if scope.units:
        q |= scope.unit_q(unit="lead_unit", inspection="inspection")
        assigned = Assignment.objects.filter(
            scope.unit_q(unit="unit", inspection="measure__inspection")
        )
        if assigned.exists():
            q |= Q(pk__in=assigned.values("measure_id"))
    return q


def whole_exists(scope: ViewScope, inspection: str = "inspection_id") -> Q:
    """Rows whose inspection (field `inspection`) `scope` reads whole, as a correlated
    EXISTS on the inspection table (see `measure_scope`'s `correlated`)."""
    if not scope.whole:
        return Q(pk__in=[])
    readable = Inspection.objects.filter(
        scope.whole_q(organisation="organisation", inspection="pk"), pk=OuterRef(inspection)
    )
    return Q(Exists(readable))


def measure_scope_terms(user: User | AnonymousUser) -> list[Q]:
    """What `user` may read as disjoint conditions whose union is `measure_scope(user)`:
    the measures the user's units lead, then those of the inspections read whole (a
    subquery on the inspection table) that they do not lead, then those the units are
    assigned (only while any assignment exists) that neither term holds. Empty: nothing.
    Same queries as `measure_scope`.

    For counting the rows as a UNION ALL of each term's ids: each term then has the whole
    WHERE to choose its index with (a unit's led measures seek `ledger_measure_unit_rank`
    with the state), where SQLite plans an OR of terms without statistics as one scan of
    the state's index and PostgreSQL planned the unit's OR as a sequential scan. Disjoint,
    so nothing needs de-duplicating and a LIMIT stops in the first term (the busiest
    unit's capped count on PostgreSQL: 29 → 2 ms)."""
    scope = view_scope(user)
    terms: list[Q] = []
    if scope.units:
        terms.append(scope.unit_q(unit="lead_unit", inspection="inspection"))
    if scope.whole:
        readable = Inspection.objects.filter(
            scope.whole_q(organisation="organisation", inspection="pk")
        )
        terms.append(Q(inspection_id__in=readable.values("pk")))
    if scope.units:
        assigned = Assignment.objects.filter(
            scope.unit_q(unit="unit", inspection="measure__inspection")
        )
        if assigned.exists():
            terms.append(Q(pk__in=assigned.values("measure_id")))
    disjoint: list[Q] = []
    for i, term in enumerate(terms):
        for earlier in terms[:i]:
            term &= ~earlier
        disjoint.append(term)
    return disjoint


def visible_measures(user: User | AnonymousUser, *, ordered: bool = False) -> QuerySet[Measure]:
    """Every measure `user` may read (unordered; `ordered`: see `measure_scope`)."""
    scope = measure_scope(user, ordered=ordered)
    return Measure.objects.filter(scope) if scope is not None else Measure.objects.all()


def visible_inspections(user: User | AnonymousUser) -> QuerySet[Inspection]:
    """Inspections `user` may open: read whole, or holding a measure of the user's units.

    A unit's inspections are found by correlated `EXISTS` on the measures it leads and the
    assignments it holds, not `pk IN (every measure the user may read)`: the subqueries
    seek through the (lead unit, …) and (unit, …) indexes and stop at the first row, where
    the IN list scanned every visible measure (scale 0.1 on SQLite, the busiest unit's first
    21 inspections: 20–33 ms against 207–298 ms, load 5 on 2 cores). One query for
    the role assignments, none more until the inspections are read.
    """
    scope = view_scope(user)
    if scope.is_empty:
        return Inspection.objects.none()
    q = scope.whole_q(organisation="organisation", inspection="pk")
    if scope.units:
        led = Measure.objects.filter(
            scope.unit_q(unit="lead_unit", inspection="inspection"), inspection=OuterRef("pk")
        )
        assigned = Assignment.objects.filter(
            scope.unit_q(unit="unit", inspection="measure__inspection"),
            measure__inspection=OuterRef("pk"),
        )
        q |= Q(Exists(led)) | Q(Exists(assigned))
    return Inspection.objects.filter(q)
