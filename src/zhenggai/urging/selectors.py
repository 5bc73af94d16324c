"""Reads of urging (督办) for pages: a measure's urging notices, for a user who reads it."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from zhenggai.accounts.models import User
from zhenggai.ledger.models import Measure
from zhenggai.ledger.selectors.measure_detail import measure_for_reader
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
