"""Bulk actions (批量操作) on selected ledger rows: each row through the service a single
edit uses, all rows in one transaction.

The rules, whatever the action:

- at most `MAX_BULK_ROWS` rows (`TOO_MANY` above that), at least one (`NOTHING_SELECTED`);
- an id the user may not read refuses the whole selection as not found (`SelectionNotFound`,
  a 404 for the pages: forged ids reveal nothing and change nothing);
- rows the user may read but not change are named (编号 + text) in `BulkRefused` and
  nothing is written;
- a row the service refuses (a closed measure, a deadline after approval, …) rolls back
  every row: `BulkInvalid` lists each row with its errors;
- each row writes its own audit entry (the single-row service does), in the one
  transaction of the action.

`run_bulk` is that frame; `measures_bulk_correct` the plan columns (unit, leader, person,
deadline and time-limit type through `measure_correct`). The reminder (urging) uses the
same frame for its own single-row service.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import Action, may
from zhenggai.ledger.selectors.bulk import MAX_BULK_ROWS, BulkRow, bulk_rows
from zhenggai.ledger.services.corrections import measure_correct
from zhenggai.ledger.services.plan.correction_batch import corrections_batched

#: Messages (asserted by the tests).
TOO_MANY = "一次最多处理 {limit} 条，已选 {count} 条，请分批操作"
NOTHING_SELECTED = "请先勾选要处理的整改措施"
REFUSED = "您无权修改以下整改措施，未作任何修改"

#: The plan columns a bulk correction may set (the arguments of `measure_correct`).
CORRECTABLE = frozenset(
    {"lead_unit", "responsible_leader", "responsible_person", "deadline", "urgency"}
)


@dataclass(frozen=True)
class RowError:
    """One row that stopped the action: its name and why (the service's messages)."""

    label: str
    messages: list[str]
    #: The service's errors by field ("" when not tied to a field).
    fields: dict[str, list[str]] = field(default_factory=dict)


class BulkRefused(PermissionDenied):
    """Rows the user may read but not change; nothing was written."""

    def __init__(self, rows: list[str]) -> None:
        super().__init__(REFUSED)
        self.rows = rows


class BulkInvalid(ValidationError):
    """Rows the service refused; every row was rolled back."""

    def __init__(self, rows: list[RowError]) -> None:
        super().__init__([f"{r.label}：{'；'.join(r.messages)}" for r in rows])
        self.rows = rows


def selection_check(ids: Iterable[int]) -> list[int]:
    """The distinct ids, or a ValidationError when there are none or too many."""
    wanted = sorted(set(ids))
    if not wanted:
        raise ValidationError(NOTHING_SELECTED)
    if len(wanted) > MAX_BULK_ROWS:
        raise ValidationError(TOO_MANY.format(limit=MAX_BULK_ROWS, count=len(wanted)))
    return wanted


def refused_rows(*, user: User, rows: list[BulkRow], action: Action) -> list[str]:
    """The names of the rows `user` may not do `action` on (asked once per inspection):
    the pages say them before anything is typed, `run_bulk` refuses with them."""
    allowed: dict[int, bool] = {}
    for row in rows:
        inspection = row.measure.inspection
        if inspection.pk not in allowed:
            allowed[inspection.pk] = may(user, action, inspection=inspection)
    return [row.label for row in rows if not allowed[row.measure.inspection_id]]


def _row_error(row: BulkRow, exc: ValidationError) -> RowError:
    fields: dict[str, list[str]] = {}
    if hasattr(exc, "error_dict"):
        fields = {name: list(msgs) for name, msgs in exc.message_dict.items()}
    return RowError(row.label, list(exc.messages), fields)


def run_bulk(
    *,
    actor: User,
    ids: Iterable[int],
    action: Action,
    apply: Callable[[BulkRow], Any],
) -> list[BulkRow]:
    """Apply `apply` (one row's service) to every selected row, all or nothing.

    The permission is asked once per inspection of the selection (not per row); the rows
    are read in one query before the transaction's writes.
    """
    rows = bulk_rows(user=actor, ids=selection_check(ids))
    refused = refused_rows(user=actor, rows=rows, action=action)
    if refused:
        raise BulkRefused(refused)
    with transaction.atomic():
        errors: list[RowError] = []
        for row in rows:
            try:
                apply(row)
            except ValidationError as exc:
                # The row's own service rolled back its savepoint; the others go on, so
                # that every refused row is listed at once, then all are rolled back.
                errors.append(_row_error(row, exc))
        if errors:
            raise BulkInvalid(errors)
    return rows


def measures_bulk_correct(
    *,
    actor: User,
    ids: Iterable[int],
    values: dict[str, Any],
    reason: str = "",
    versions: dict[int, int] | None = None,
) -> list[BulkRow]:
    """Set the same plan columns on every selected measure through `measure_correct`
    (the correction page's service: units and people of the inspection's tree, a deadline
    only before approval, and after approval a reason and one plan revision for the whole
    action per inspection, with every row's change in its diff).

    `versions` (measure id → the version the preview showed) makes a row someone changed
    since the preview a refused row (MEASURE_STALE), as on the single correction page."""
    unknown = set(values) - CORRECTABLE
    if unknown or not values:
        raise ValueError(f"not a bulk correction: {sorted(unknown) or 'nothing'}")
    shown = versions or {}
    # After approval the whole action is one plan revision (per inspection), not one per row.
    with transaction.atomic(), corrections_batched():
        return run_bulk(
            actor=actor,
            ids=ids,
            action=Action.MANAGE_PLAN,
            apply=lambda row: measure_correct(
                measure=row.measure, actor=actor, reason=reason,
                expected_version=shown.get(row.measure.pk), **values,
            ),
        )
