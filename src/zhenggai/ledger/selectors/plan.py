"""Reads of the plan page (整改方案): the inspection's plan, its revisions with their diffs
split into readable lines, what the user may do with it, and the plans waiting for a
leader's approval (the leader's home).

The page is the inspection's, so who may open it follows `tree_node`: the readers of the
whole inspection; a unit (which reads only part of the tree) and anyone outside the
inspection get None, which the page turns into the same 404 as an id that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from zhenggai.accounts.models import Person, User
from zhenggai.accounts.permissions import Action, may
from zhenggai.ledger.choices import PlanState
from zhenggai.ledger.models import (
    Inspection,
    LeadingGroupMember,
    PlanRevision,
    RectificationPlan,
)
from zhenggai.ledger.selectors.corrections import correction_people
from zhenggai.ledger.selectors.queues import QUEUE_SIZE, Queue, inspections_where, take
from zhenggai.ledger.selectors.tree import tree_node

#: Revisions shown per page of the history (keyset on the revision number, newest first).
REVISIONS_PER_PAGE = 10

#: How a diff line starts, and what kind of change it is (the page colours each kind).
_KINDS: tuple[tuple[str, str], ...] = (
    ("新增", "added"),
    ("删除", "removed"),
    ("修改", "changed"),
    ("问题", "changed"),  # a finding's scope: "问题“…”改为共性问题，涉及单位：…"
)


@dataclass(frozen=True)
class DiffLine:
    kind: str  # added, removed, changed, note
    text: str

    @property
    def head(self) -> str:
        """What changed ("修改措施“…”"), when the line lists its changes after a colon."""
        return self.text.split("：", 1)[0] if self._split else self.text

    @property
    def parts(self) -> list[str]:
        """The changes of a "修改…：a；b" line, one per field ([] for other lines)."""
        return self.text.split("：", 1)[1].split("；") if self._split else []

    @property
    def _split(self) -> bool:
        return self.kind == "changed" and self.text.startswith("修改") and "”：" in self.text


@dataclass(frozen=True)
class RevisionView:
    revision: PlanRevision
    lines: list[DiffLine]

    @property
    def counts(self) -> dict[str, int]:
        out = {"added": 0, "removed": 0, "changed": 0}
        for line in self.lines:
            if line.kind in out:
                out[line.kind] += 1
        return out


@dataclass
class PlanPage:
    inspection: Inspection
    plan: RectificationPlan | None
    may_manage: bool
    may_approve: bool
    revisions: list[RevisionView] = field(default_factory=list)
    revision_count: int = 0
    latest: int | None = None  # the number of the latest revision
    next_before: int | None = None  # the keyset cursor of the next page of revisions

    @property
    def approved(self) -> bool:
        return self.plan is not None and self.plan.state == PlanState.APPROVED

    @property
    def awaiting_approval(self) -> bool:
        """待审批: a revision went out for consultation and the leader has not approved."""
        return self.plan is not None and self.plan.state == PlanState.CONSULTING


def diff_lines(diff: str) -> list[DiffLine]:
    """A revision's diff, one line per change, each with its kind."""
    out = []
    for text in diff.splitlines():
        text = text.strip()
        if not text:
            continue
        kind = next((k for prefix, k in _KINDS if text.startswith(prefix)), "note")
        out.append(DiffLine(kind, text))
    return out


def plan_page(
    *, user: User | AnonymousUser, inspection_id: int, before: int | None = None
) -> PlanPage | None:
    """The plan page of inspection `inspection_id`, or None when the user may not read the
    whole inspection. A bounded number of queries: the inspection, the roles, the plan,
    one page of revisions and their count."""
    reading = tree_node(user=user, model=Inspection, pk=inspection_id)
    if reading is None or not reading.whole or not isinstance(user, User):
        return None
    inspection = reading.inspection
    plan = (
        RectificationPlan.objects.select_related("approved_by")
        .filter(inspection=inspection)
        .first()
    )
    page = PlanPage(
        inspection=inspection,
        plan=plan,
        may_manage=may(user, Action.MANAGE_PLAN, inspection=inspection),
        may_approve=may(user, Action.APPROVE_PLAN, inspection=inspection),
    )
    if plan is None:
        return page
    rows = PlanRevision.objects.filter(plan=plan).select_related("author").order_by("-number")
    page.revision_count = rows.count()
    if before is not None:
        rows = rows.filter(number__lt=before)
    chunk = list(rows[: REVISIONS_PER_PAGE + 1])
    if len(chunk) > REVISIONS_PER_PAGE:
        chunk = chunk[:REVISIONS_PER_PAGE]
        page.next_before = chunk[-1].number
    page.revisions = [RevisionView(r, diff_lines(r.diff)) for r in chunk]
    page.latest = (
        PlanRevision.objects.filter(plan=plan).order_by("-number")
        .values_list("number", flat=True).first()
    )
    return page


def plan_for_action(*, user: User | AnonymousUser, inspection_id: int) -> Inspection | None:
    """The inspection whose plan a form acts on, if the user reads it whole (else None: 404)."""
    reading = tree_node(user=user, model=Inspection, pk=inspection_id)
    if reading is None or not reading.whole:
        return None
    return reading.inspection


def plan_approval_queue(user: User, *, limit: int = QUEUE_SIZE) -> Queue[RectificationPlan]:
    """Plans out for consultation (待审批方案) where the user may approve them, oldest first."""
    rows = (
        RectificationPlan.objects.filter(
            state=PlanState.CONSULTING,
            inspection__in=inspections_where(user, Action.APPROVE_PLAN).values("pk"),
        )
        .select_related("inspection")
        .order_by("updated_at", "id")
    )
    return take(rows, limit)


@dataclass(frozen=True)
class LeadingGroupRows:
    """The leading group as the form's initial lines, and the people it may name."""

    members: list[dict[str, object]]
    principal: int | None
    choices: QuerySet[Person]


def leading_group_rows(inspection: Inspection) -> LeadingGroupRows:
    """The current members in order (one query) and the inspection's people to choose from."""
    members = [
        {"person": m.person_id, "role": m.role, "duty": m.duty}
        for m in LeadingGroupMember.objects.filter(inspection=inspection).order_by("sort_order", "id")
    ]
    return LeadingGroupRows(members, inspection.principal_leader_id, correction_people(inspection))
