"""The knobs of urging (settings with their defaults) and the fixed shape of the ladder.

Kept apart so every other module reads the same numbers: the tiers before the deadline,
the working days per escalation step, the notice number prefix, which document each step
issues and which measure states are urged at all.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from zhenggai.ledger.choices import MeasureState
from zhenggai.urging.choices import EscalationStep, UrgingLevel

#: Which formal document each escalation step issues.
LEVEL_FOR_STEP: dict[int, str] = {
    EscalationStep.RESPONSIBLE_PERSON: UrgingLevel.NOTICE,
    EscalationStep.RESPONSIBLE_LEADER: UrgingLevel.REMINDER_LETTER,
    EscalationStep.UNIT_PRINCIPAL: UrgingLevel.WARNING_LETTER,
    EscalationStep.OFFICE: UrgingLevel.ACCOUNTABILITY_LETTER,
}
#: A requested close-out waits for the office, not the unit: only working states are urged.
URGED_STATES = (MeasureState.PLANNED, MeasureState.IN_PROGRESS, MeasureState.RETURNED)
TOP_STEP = int(EscalationStep.OFFICE)


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def remind_before_working_days() -> tuple[int, ...]:
    """`ZHENGGAI_REMIND_BEFORE_WORKING_DAYS`: the tiers before the deadline (default 5, 1)."""
    return tuple(sorted(int(d) for d in _setting("ZHENGGAI_REMIND_BEFORE_WORKING_DAYS", (5, 1))))


def escalation_working_days() -> int:
    """`ZHENGGAI_ESCALATION_WORKING_DAYS`: working days overdue per step up (default 5)."""
    return max(1, int(_setting("ZHENGGAI_ESCALATION_WORKING_DAYS", 5)))


def notice_number_prefix() -> str:
    """`ZHENGGAI_URGING_NUMBER_PREFIX`: the 字 of notice numbers (default 整改督)."""
    return str(_setting("ZHENGGAI_URGING_NUMBER_PREFIX", "整改督"))
