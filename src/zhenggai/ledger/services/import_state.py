"""The one import service for a measure's state (issue #13): an imported ledger may say a
measure is under way or closed; that state is set here, with the milestone time its
constraint requires, and the audit log says which file and row it came from. The web UI's
state changes go through the close-out services; this is only for imports.
"""

from __future__ import annotations

from zhenggai import clock
from zhenggai.accounts.models import User
from zhenggai.audit.services import audit_record
from zhenggai.ledger.choices import MeasureState
from zhenggai.ledger.models import Measure

#: The audit entry's note for a state set by an import (the issue's words).
IMPORTED_FROM = "imported from {name} row {row}"
AUDIT_STATE = "measure.import_state"

#: The milestone time each state requires (model constraints).
_MILESTONE = {
    MeasureState.IN_PROGRESS: "started_at",
    MeasureState.CLOSE_REQUESTED: "close_requested_at",
    MeasureState.RETURNED: "returned_at",
    MeasureState.CLOSED: "closed_at",
    MeasureState.WATCHING: "watching_since",
}


def measure_import_state(
    *, measure: Measure, state: str, filename: str, row: int, actor: User | None
) -> None:
    """The one import service for a state other than 未开始: the state, its milestone
    time, and an audit entry saying where it came from. Runs in the import's transaction."""
    now = clock.now()
    before = {"state": measure.state}
    measure.state = state
    updates = ["state", "version", "updated_at"]
    milestone = _MILESTONE.get(MeasureState(state))
    if milestone:
        setattr(measure, milestone, now)
        updates.append(milestone)
    measure.version += 1
    measure.save(update_fields=updates)
    audit_record(
        actor=actor,
        action=AUDIT_STATE,
        obj=measure,
        before=before,
        after={"state": state, "source": IMPORTED_FROM.format(name=filename, row=row)},
    )
