"""The fields each plan service records in its audit entries, one list per model."""

from __future__ import annotations

MEASURE_AUDIT_FIELDS = [
    "content",
    "target",
    "lead_unit",
    "responsible_leader",
    "responsible_person",
    "urgency",
    "deadline",
    "original_deadline",
    "version",
]
PLAN_AUDIT_FIELDS = ["title", "state", "approved_at", "approved_by"]
ASSIGNMENT_AUDIT_FIELDS = ["measure", "unit", "responsible_person", "deadline", "state", "note"]
