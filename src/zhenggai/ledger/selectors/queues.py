"""What waits for a user's decision: close-out requests to review, key close-outs and
extensions to approve, acceptances (三方验收) to give, follow-up reviews held.

A queue holds the decisions of the inspections where the user may take them
(`accounts.permissions`: the roles holding the action, through `organisations_where`), and
only on measures the user may read (`visible_measures`). Each queue is one bounded list and
one count, whatever the ledger's size: the homes show the first rows and the total.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.db.models import Count, Exists, Model, OuterRef, QuerySet

from zhenggai.accounts.models import Organisation, User
from zhenggai.accounts.permissions import ROLE_ACTIONS, Action, organisations_where
from zhenggai.ledger.choices import (
    AcceptanceParty,
    CloseOutState,
    ExtensionStatus,
    ReviewStage,
)
from zhenggai.ledger.models import (
    Acceptance,
    CloseOutRequest,
    CloseOutReview,
    Extension,
    FollowUpReview,
    Inspection,
    MeasureFinding,
)
from zhenggai.ledger.selectors.scope import visible_inspections, visible_measures

#: Rows of a queue shown on a home; the total is shown beside them.
QUEUE_SIZE = 8

T = TypeVar("T", bound=Model)


@dataclass(frozen=True)
class Queue(Generic[T]):
    """The first rows of a queue and how many there are in all."""

    items: list[T]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.items)


def take(rows: QuerySet[T], limit: int) -> Queue[T]:
    """Two queries: the count, and the first `limit` rows (none when the count is 0)."""
    total = rows.count()
    return Queue(list(rows[:limit]) if total else [], total)


def roles_holding(action: Action) -> list[str]:
    """The roles that hold `action` (no query)."""
    return [role for role, actions in ROLE_ACTIONS.items() if action in actions]


def inspections_where(user: User, action: Action) -> QuerySet[Inspection]:
    """Inspections of the organisations where the user holds a role granting `action`,
    among those the user may open."""
    organisations = Organisation.objects.filter(organisations_where(user, roles_holding(action)))
    return visible_inspections(user).filter(organisation__in=organisations)


def _requests(user: User, action: Action, states: Iterable[str]) -> QuerySet[CloseOutRequest]:
    return (
        CloseOutRequest.objects.filter(
            state__in=list(states),
            measure__inspection__in=inspections_where(user, action).values("pk"),
            measure__in=visible_measures(user).values("pk"),
        )
        .select_related("measure__inspection", "measure__lead_unit", "assignment__unit")
        .order_by("requested_at", "id")
    )


def review_queue(user: User, *, limit: int = QUEUE_SIZE) -> Queue[CloseOutRequest]:
    """Close-out requests waiting for the office's review (待审核), oldest first."""
    return take(_requests(user, Action.REVIEW_CLOSE_OUT, [CloseOutState.PENDING]), limit)


def key_approval_queue(user: User, *, limit: int = QUEUE_SIZE) -> Queue[CloseOutRequest]:
    """Close-outs of key findings (重点问题) the office approved, waiting for the leader."""
    key = MeasureFinding.objects.filter(measure_id=OuterRef("measure_id"), finding__is_key=True)
    leader_reviewed = CloseOutReview.objects.filter(
        request_id=OuterRef("pk"), stage=ReviewStage.LEADER
    )
    rows = _requests(user, Action.APPROVE_KEY_CLOSE_OUT, [CloseOutState.OFFICE_APPROVED]).filter(
        Exists(key), ~Exists(leader_reviewed)
    )
    return take(rows, limit)


def acceptance_queue(user: User, *, limit: int = QUEUE_SIZE) -> Queue[CloseOutRequest]:
    """Close-outs waiting for the inspection group's acceptance (三方验收): approved by the
    office in an inspection that requires it, with no acceptance of the group yet."""
    given = Acceptance.objects.filter(
        request_id=OuterRef("pk"), party=AcceptanceParty.INSPECTION_GROUP
    )
    rows = _requests(user, Action.FOLLOW_UP_REVIEW, [CloseOutState.OFFICE_APPROVED]).filter(
        ~Exists(given), measure__inspection__requires_three_party_acceptance=True
    )
    return take(rows, limit)


def extension_queue(
    user: User, *, action: Action = Action.APPROVE_EXTENSION, limit: int = QUEUE_SIZE
) -> Queue[Extension]:
    """Extension requests (延期) waiting for a decision, in the inspections where the user
    holds `action`: the leader decides them; the office (REVIEW_CLOSE_OUT) follows them."""
    rows = (
        Extension.objects.filter(
            status=ExtensionStatus.PENDING,
            measure__inspection__in=inspections_where(user, action).values("pk"),
            measure__in=visible_measures(user).values("pk"),
        )
        .select_related("measure__inspection", "measure__lead_unit", "assignment__unit")
        .order_by("requested_at", "id")
    )
    return take(rows, limit)


def follow_up_reviews(user: User, *, limit: int = QUEUE_SIZE) -> Queue[FollowUpReview]:
    """Follow-up reviews (回头看) of the inspections where the user runs them, latest first."""
    rows = (
        FollowUpReview.objects.filter(
            inspection__in=inspections_where(user, Action.FOLLOW_UP_REVIEW).values("pk")
        )
        .select_related("inspection")
        .annotate(reopened=Count("reopenings"))
        .order_by("-date", "-id")
    )
    return take(rows, limit)
