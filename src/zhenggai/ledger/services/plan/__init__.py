"""The rectification plan (整改方案): revisions, measures, scopes, assignments, leading group.

A plan is revised (征求意见, the seed's plan went through four versions) and then approved
by the leader. Each revision keeps a snapshot of every measure as data and a readable
Chinese diff against the previous revision, so "what changed in version 3" needs no replay.
Approval fixes the deadlines: after it, a deadline moves only through an approved extension
(services/extension.py), which keeps the original.

A common finding (共性问题) concerns several units; each of its measures gets one assignment
per concerned unit, reported and closed on its own.

One module per purpose:

- `snapshot`: the plan as data and the readable diff between two revisions;
- `revisions`: create, revise and approve the plan;
- `measures`: edit a measure's plan columns, deadlines (and the assignments that follow);
- `assignments`: a finding's scope (individual/common) and the units' assignments;
- `leading_group`: the leading group and the principal leader;
- the formal reports the plan's creation sets up live in `services/formal_reports.py`
  (they are owed to the inspection office, not part of the plan) and are re-exported here.

Every name below was importable from the former single module and stays so.
"""

from zhenggai.ledger.services.formal_reports import add_months, formal_reports_ensure
from zhenggai.ledger.services.plan.assignments import (
    ASSIGNMENT_AFTER_MEASURE,
    ASSIGNMENT_EXISTS,
    ASSIGNMENT_STARTED,
    COMMON_NEEDS_UNITS,
    FINDING_CLOSED,
    INDIVIDUAL_ONE_UNIT,
    assignment_create,
    finding_set_scope,
)
from zhenggai.ledger.services.plan.leading_group import (
    LEADING_GROUP_DUPLICATE,
    LEADING_GROUP_NEEDS_LEADER,
    LeadingGroupEntry,
    leading_group_set,
)
from zhenggai.ledger.services.plan.measures import (
    DEADLINE_NEEDS_EXTENSION,
    MEASURE_CLOSED,
    MEASURE_STALE,
    measure_update,
    move_assignment_deadlines,
)
from zhenggai.ledger.services.plan.revisions import (
    PLAN_ALREADY_APPROVED,
    PLAN_APPROVED,
    PLAN_CHANGED_SINCE_REVISION,
    PLAN_EXISTS,
    plan_approve,
    plan_create,
    plan_is_approved,
    plan_revise,
)
from zhenggai.ledger.services.plan.snapshot import (
    EMPTY,
    MEASURE_FIELD_LABELS,
    NO_CHANGE,
    plan_diff,
    plan_snapshot,
)
from zhenggai.ledger.services.plan.unset import UNSET

__all__ = [
    "ASSIGNMENT_AFTER_MEASURE",
    "ASSIGNMENT_EXISTS",
    "ASSIGNMENT_STARTED",
    "COMMON_NEEDS_UNITS",
    "DEADLINE_NEEDS_EXTENSION",
    "EMPTY",
    "FINDING_CLOSED",
    "INDIVIDUAL_ONE_UNIT",
    "LEADING_GROUP_DUPLICATE",
    "LEADING_GROUP_NEEDS_LEADER",
    "MEASURE_CLOSED",
    "MEASURE_FIELD_LABELS",
    "MEASURE_STALE",
    "NO_CHANGE",
    "PLAN_ALREADY_APPROVED",
    "PLAN_APPROVED",
    "PLAN_CHANGED_SINCE_REVISION",
    "PLAN_EXISTS",
    "UNSET",
    "LeadingGroupEntry",
    "add_months",
    "assignment_create",
    "finding_set_scope",
    "formal_reports_ensure",
    "leading_group_set",
    "measure_update",
    "move_assignment_deadlines",
    "plan_approve",
    "plan_create",
    "plan_diff",
    "plan_is_approved",
    "plan_revise",
    "plan_snapshot",
]
