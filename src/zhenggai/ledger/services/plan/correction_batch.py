"""One plan revision for many corrections of an approved plan (bulk actions).

A single correction after approval is a revision of its own (`correction_revision_create`).
A bulk assignment of twenty rows made through the same service would leave twenty revisions,
each with a one-row diff and the same reason — a history nobody can read, and twenty whole-
plan snapshots taken twice each. Inside `corrections_batched()` the correction services
instead take the "before" snapshot once per plan (at its first correction), and when the
block ends without an error one revision per plan records every change of the block against
it. On an error nothing is recorded (the caller's transaction rolls back the rows too).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from zhenggai.accounts.models import User
from zhenggai.ledger.models import RectificationPlan
from zhenggai.ledger.services.plan.revisions import correction_revision_create
from zhenggai.ledger.services.plan.snapshot import plan_snapshot


@dataclass
class _Pending:
    plan: RectificationPlan
    before: dict[str, Any]
    reason: str
    actor: User
    recorded: bool = False


_batch: ContextVar[dict[int, _Pending] | None] = ContextVar("correction_batch", default=None)


@contextmanager
def corrections_batched() -> Iterator[None]:
    """Run corrections whose revisions are recorded as one per plan at the end.

    Must be entered inside the caller's transaction: the revisions are written when the
    block ends, before that transaction commits."""
    pending: dict[int, _Pending] = {}
    token = _batch.set(pending)
    try:
        yield
    finally:
        _batch.reset(token)
    for item in pending.values():
        if item.recorded:
            correction_revision_create(
                plan=item.plan, before=item.before, reason=item.reason, actor=item.actor
            )


def correction_before(plan: RectificationPlan, *, actor: User, reason: str) -> dict[str, Any]:
    """The plan's snapshot before a correction: taken now, or in a batch the one its first
    correction took."""
    pending = _batch.get()
    if pending is None:
        return plan_snapshot(plan.inspection)
    if plan.pk not in pending:
        pending[plan.pk] = _Pending(plan, plan_snapshot(plan.inspection), reason, actor)
    return pending[plan.pk].before


def correction_recorded(
    plan: RectificationPlan, *, before: dict[str, Any], reason: str, actor: User
) -> None:
    """Record a saved correction: a revision now, or in a batch one at the block's end."""
    pending = _batch.get()
    if pending is None:
        correction_revision_create(plan=plan, before=before, reason=reason, actor=actor)
        return
    pending[plan.pk].recorded = True
