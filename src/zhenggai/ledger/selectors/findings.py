"""Reads of a finding's tools and of the follow-up review page: which tools the user may
use on a finding now (key finding, scope and units, explanation and its acceptance,
reopening), the choices each form offers, and an inspection's follow-up reviews by page.

What a user may read follows `tree_node` (None → the same 404 as an unknown id); what the
user may do follows `accounts.permissions`, and the finding's state decides which tools
make sense now (a closed finding is reopened, not edited).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from zhenggai.accounts.models import Organisation, Person, User
from zhenggai.accounts.permissions import Action, may
from zhenggai.ledger.choices import AnswerKind, FindingState
from zhenggai.ledger.models import Finding, FollowUpReview, Inspection
from zhenggai.ledger.selectors.corrections import correction_people, correction_units
from zhenggai.ledger.selectors.tree import Reading, tree_node

#: Follow-up reviews per page (keyset on date and id, newest first).
REVIEWS_PER_PAGE = 20


@dataclass(frozen=True)
class FindingTools:
    """The tools the finding page shows the user."""

    key: bool = False
    scope: bool = False
    explain: bool = False
    accept: bool = False
    reopen: bool = False

    def __bool__(self) -> bool:
        return any((self.key, self.scope, self.explain, self.accept, self.reopen))


def finding_reading(*, user: User | AnonymousUser, pk: int) -> Reading | None:
    """The finding `pk` as the user reads it, or None (404)."""
    return tree_node(user=user, model=Finding, pk=pk)


def finding_tools(user: User, finding: Finding, inspection: Inspection) -> FindingTools:
    """Which tools apply to the finding now, for this user (a few permission queries)."""
    manage = may(user, Action.MANAGE_PLAN, inspection=inspection)
    open_ = finding.state == FindingState.OPEN
    explained = finding.answer_kind == AnswerKind.EXPLAINED
    return FindingTools(
        key=manage and open_,
        scope=manage and open_ and not explained,
        explain=manage and open_ and not finding.measure_links.exists(),
        accept=open_ and explained and may(user, Action.ACCEPT_EXPLANATION, inspection=inspection),
        reopen=not open_ and may(user, Action.FOLLOW_UP_REVIEW, inspection=inspection),
    )


def scope_units(inspection: Inspection) -> QuerySet[Organisation]:
    """The units a finding of `inspection` may concern (the organisations of its tree)."""
    return correction_units(inspection)


def approver_people(inspection: Inspection) -> QuerySet[Person]:
    """The people who may be named as an explanation's approver."""
    return correction_people(inspection)


def inspection_reviews(inspection: Inspection) -> QuerySet[FollowUpReview]:
    """The follow-up reviews a reopening may cite, newest first."""
    return FollowUpReview.objects.filter(inspection=inspection).order_by("-date", "-id")


@dataclass
class FollowUpPage:
    inspection: Inspection
    reviews: list[FollowUpReview] = field(default_factory=list)
    may_review: bool = False
    next_cursor: str = ""


class InvalidCursor(ValueError):
    pass


def follow_up_page(
    *, user: User | AnonymousUser, inspection_id: int, cursor: str | None = None
) -> FollowUpPage | None:
    """One page of the inspection's follow-up reviews, if the user reads it whole.

    The cursor is "<date>_<id>" of the last row shown: two queries for the rows (the rows
    and their reviewers joined) whatever the number of reviews.
    """
    reading = tree_node(user=user, model=Inspection, pk=inspection_id)
    if reading is None or not reading.whole or not isinstance(user, User):
        return None
    inspection = reading.inspection
    rows = (
        FollowUpReview.objects.filter(inspection=inspection)
        .select_related("reviewer")
        .order_by("-date", "-id")
    )
    if cursor:
        try:
            day, pk = cursor.split("_", 1)
            after = dt.date.fromisoformat(day), int(pk)
        except ValueError as exc:
            raise InvalidCursor("无效的翻页位置") from exc
        rows = rows.filter(Q(date__lt=after[0]) | Q(date=after[0], id__lt=after[1]))
    chunk = list(rows[: REVIEWS_PER_PAGE + 1])
    page = FollowUpPage(
        inspection=inspection, reviews=chunk[:REVIEWS_PER_PAGE],
        may_review=may(user, Action.FOLLOW_UP_REVIEW, inspection=inspection),
    )
    if len(chunk) > REVIEWS_PER_PAGE:
        last = page.reviews[-1]
        page.next_cursor = f"{last.date.isoformat()}_{last.pk}"
    return page
