"""Counts of the ledger for `zhenggai stats` and the demo: five queries, any size.

The command line sees the whole database (it runs as the operator), so nothing is scoped
to a user here; the by-state count is the one the pages and the snapshot use.
"""

from __future__ import annotations

from typing import Any

from zhenggai.ledger.choices import MeasureState
from zhenggai.ledger.models import Aspect, Finding, Inspection, Measure, Problem
from zhenggai.ledger.selectors import measure_state_counts


def ledger_stats(*, inspection: Inspection | None = None) -> dict[str, Any]:
    """Rows per level of the ledger, and measures per state (every state, zeros included).

    With `inspection`, only that inspection is counted. Each count filters on the
    denormalised `inspection` column, so none of them joins.
    """
    scope: dict[str, Any] = {"inspection": inspection} if inspection is not None else {}
    by_state = measure_state_counts(Measure.objects.filter(**scope))[()]
    return {
        "inspections": 1 if inspection is not None else Inspection.objects.count(),
        "aspects": Aspect.objects.filter(**scope).count(),
        "problems": Problem.objects.filter(**scope).count(),
        "findings": Finding.objects.filter(**scope).count(),
        "measures": sum(by_state.values()),
        "measures_by_state": by_state,
    }


def measures_by_state_text(stats: dict[str, Any]) -> str:
    """"整改措施状态：未开始 3，整改中 9，…" from `ledger_stats`, for the commands' output."""
    labels = dict(MeasureState.choices)
    return "整改措施状态：" + "，".join(
        f"{labels[state]} {n}" for state, n in stats["measures_by_state"].items()
    )
