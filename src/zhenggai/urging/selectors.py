"""Reads of urging (督办) for pages: a measure's urging notices, for a user who reads it;
the notices of an inspection or of all the user reads, one keyset page at a time; one notice."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import view_scope
from zhenggai.ledger.models import Inspection, Measure
from zhenggai.ledger.selectors.measure_detail import measure_for_reader
from zhenggai.ledger.selectors.scope import visible_measures
from zhenggai.urging.models import UrgingNotice


def measure_notices(
    *, user: User | AnonymousUser, pk: int
) -> tuple[Measure, list[UrgingNotice]] | None:
    """The measure `pk` and its urging notices, newest first; None when `user` may not
    read the measure (the page answers 404, as for an id that does not exist)."""
    measure = measure_for_reader(user=user, pk=pk)
    if measure is None:
        return None
    notices = list(
        UrgingNotice.objects.filter(measure=measure)
        .select_related("unit", "issued_by", "assignment__unit")
        .order_by("-issued_at", "-id")
    )
    return measure, notices


#: Notices per page of a list.
NOTICE_PAGE_SIZE = 20


def _readable_notices(user: User | AnonymousUser) -> QuerySet[UrgingNotice]:
    """The notices `user` may read: all of an inspection the user reads whole, and for a
    unit those about the measures it leads or shares (the notices addressed to it)."""
    scope = view_scope(user)
    if scope.is_empty:
        return UrgingNotice.objects.none()
    q = scope.whole_q(organisation="inspection__organisation", inspection="inspection")
    if scope.units:
        q |= Q(measure__in=visible_measures(user).values("pk"))
    return UrgingNotice.objects.filter(q)


def notice_page(
    *, user: User | AnonymousUser, inspection: Inspection | None = None,
    after: int | None = None, size: int = NOTICE_PAGE_SIZE,
) -> tuple[list[UrgingNotice], int | None]:
    """One keyset page of the notices `user` may read (of `inspection`, or of all), newest
    first, and the id to continue after (None on the last page). A fixed number of queries
    whatever the page: the role assignments, (for a unit, whether it holds assignments,)
    the rows with their measure, unit, issuer and inspection."""
    qs = _readable_notices(user)
    if inspection is not None:
        qs = qs.filter(inspection=inspection)
    if after is not None:
        qs = qs.filter(pk__lt=after)
    rows = list(
        qs.select_related("measure", "unit", "issued_by", "inspection").order_by("-id")[
            : size + 1
        ]
    )
    more = len(rows) > size
    rows = rows[:size]
    return rows, (rows[-1].pk if more and rows else None)


def notice_for_reader(*, user: User | AnonymousUser, pk: int) -> UrgingNotice | None:
    """The notice `pk` if `user` may read it, else None (also when it does not exist)."""
    return (
        _readable_notices(user)
        .select_related("measure", "unit", "issued_by", "inspection", "assignment__unit")
        .filter(pk=pk)
        .first()
    )
