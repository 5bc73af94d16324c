"""The ledger page's orders and their keyset cursors.

Four orders, each ascending or descending, each served by an index of ledger/0005 (within
one inspection the `ledger_measure_insp_*` ones, across inspections `ledger_measure_dl`,
`_rank`, `_upd`; by unit across inspections only the open measures' partial index): the
deadline (deadline, id), the state in lifecycle order (state_rank, deadline, id), the lead
unit (lead_unit, deadline, id) and the last update (updated_at, id). The id breaks ties, so
every order is total and a cursor — the key of the last row shown — says exactly where the
next page starts (no OFFSET: page 100 costs what page 1 costs, DESIGN.md §6).

NULLs: the leading column's empty values (no deadline, no unit) come last in both
directions, fetched by a second statement only when a page reaches them (as `pages.py`
does, for the reason its docstring gives: one statement with `NULLS LAST` cannot seek).
A NULL in a later column (a measure without deadline among one state's rows) keeps the
database's own order — last ascending on PostgreSQL, first on SQLite — so that the index
still delivers the rows in order; the keyset condition follows the same rule.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db import connection
from django.db.models import F, Q
from django.db.models.expressions import OrderBy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

#: Error messages (module constants, asserted by the tests).
CURSOR_INVALID = gettext_lazy("翻页位置无效（链接可能已过期或被修改），已从第一页重新显示")
SORT_INVALID = gettext_lazy("未知的排序方式：%(value)s")


class LedgerSort(StrEnum):
    DEADLINE = "deadline"
    STATE = "state"
    UNIT = "unit"
    UPDATED = "updated"


#: The columns of each order; the last is always the id.
SORT_COLUMNS: dict[LedgerSort, tuple[str, ...]] = {
    LedgerSort.DEADLINE: ("deadline", "id"),
    LedgerSort.STATE: ("state_rank", "deadline", "id"),
    LedgerSort.UNIT: ("lead_unit_id", "deadline", "id"),
    LedgerSort.UPDATED: ("updated_at", "id"),
}
#: Orders whose leading column may be NULL (those rows come last, by a second statement).
NULLABLE_LEAD = frozenset({LedgerSort.DEADLINE, LedgerSort.UNIT})

SORT_LABELS: dict[LedgerSort, Any] = {
    LedgerSort.DEADLINE: gettext_lazy("整改时限"),
    LedgerSort.STATE: gettext_lazy("状态"),
    LedgerSort.UNIT: gettext_lazy("责任单位"),
    LedgerSort.UPDATED: gettext_lazy("最近更新"),
}

#: A key value as a cursor carries it: dates and times in ISO form, numbers, or None.
KeyValue = dt.date | dt.datetime | int | None


class InvalidCursor(ValueError):
    """A cursor not made by `LedgerOrder.encode` for this order."""


@dataclass(frozen=True)
class LedgerOrder:
    """How the ledger is ordered: one of `LedgerSort`, ascending or descending."""

    sort: LedgerSort = LedgerSort.DEADLINE
    descending: bool = False

    @classmethod
    def from_querydict(cls, data: Mapping[str, Any]) -> tuple[LedgerOrder, str | None]:
        """The order named by `sort` in a query string ("state" ascending, "-state"
        descending), and a Chinese error for an unknown value (the default order then)."""
        raw = str(data.get("sort") or "")
        name = raw.removeprefix("-")
        try:
            sort = LedgerSort(name) if name else LedgerSort.DEADLINE
        except ValueError:
            return cls(), str(SORT_INVALID) % {"value": raw[:40]}
        return cls(sort, raw.startswith("-")), None

    @property
    def value(self) -> str:
        """This order as the `sort` parameter writes it."""
        return f"-{self.sort.value}" if self.descending else self.sort.value

    @property
    def reversed(self) -> LedgerOrder:
        return LedgerOrder(self.sort, not self.descending)

    @property
    def columns(self) -> tuple[str, ...]:
        return SORT_COLUMNS[self.sort]

    def order_by(self, columns: tuple[str, ...]) -> list[OrderBy]:
        # No NULLS FIRST/LAST: the database's own order is what its index delivers.
        return [F(c).desc() if self.descending else F(c).asc() for c in columns]

    def key_of(self, row: Any) -> tuple[KeyValue, ...]:
        return tuple(getattr(row, c) for c in self.columns)

    def encode(self, key: tuple[KeyValue, ...]) -> str:
        """An opaque, URL-safe cursor for the position after `key` in this order."""
        values = [v.isoformat() if isinstance(v, dt.date) else v for v in key]
        raw = json.dumps([self.sort.value, int(self.descending), *values], separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode("ascii").rstrip("=")

    def decode(self, cursor: str) -> tuple[KeyValue, ...]:
        """The key a cursor of this order stands for; `InvalidCursor` for anything else
        (edited, truncated, or made for another order)."""
        try:
            raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode("ascii"))
            data = json.loads(raw.decode())
            sort, descending, *values = data
            if sort != self.sort.value or descending != int(self.descending):
                raise InvalidCursor
            if len(values) != len(self.columns):
                raise InvalidCursor
            key = tuple(_parse(c, v) for c, v in zip(self.columns, values, strict=True))
        except (UnicodeError, binascii.Error, ValueError, TypeError):
            raise InvalidCursor(str(CURSOR_INVALID)) from None
        if key[-1] is None:
            raise InvalidCursor(str(CURSOR_INVALID))
        return key


def _parse(column: str, value: Any) -> KeyValue:
    if value is None and column != "id":
        return None
    if column == "deadline":
        if not isinstance(value, str):
            raise ValueError
        return dt.date.fromisoformat(value)
    if column == "updated_at":
        if not isinstance(value, str):
            raise ValueError
        stamp = dt.datetime.fromisoformat(value)
        if stamp.tzinfo is None:
            raise ValueError
        return stamp
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**63:
        raise ValueError
    return value


def _nulls_largest() -> bool:
    """Whether the database sorts NULL after every value (PostgreSQL) or before (SQLite)."""
    return bool(connection.features.nulls_order_largest)


def _beyond(column: str, value: KeyValue, *, descending: bool, nullable: bool) -> Q:
    """Rows strictly after `value` in one column, in the database's order of NULLs."""
    if not nullable:
        return Q(**{f"{column}__{'lt' if descending else 'gt'}": value})
    null_last = _nulls_largest() != descending  # NULL comes at the end of this scan
    if value is None:
        return Q(pk__in=[]) if null_last else Q(**{f"{column}__isnull": False})
    after = Q(**{f"{column}__{'lt' if descending else 'gt'}": value})
    return after | Q(**{f"{column}__isnull": True}) if null_last else after


def _equal(column: str, value: KeyValue) -> Q:
    return Q(**{f"{column}__isnull": True}) if value is None else Q(**{column: value})


def keyset_after(
    columns: tuple[str, ...],
    key: tuple[KeyValue, ...],
    *,
    descending: bool,
    lead_nullable: bool = False,
) -> Q:
    """Rows after `key` in the lexicographic order of `columns`. The first column is not
    NULL in the rows searched (its NULL rows are a segment of their own) unless
    `lead_nullable`, the last (the id) never is; those between follow the database's order
    of NULLs."""
    return _after(columns, key, descending=descending, first=not lead_nullable)


def _after(
    columns: tuple[str, ...], key: tuple[KeyValue, ...], *, descending: bool, first: bool
) -> Q:
    column, value = columns[0], key[0]
    nullable = not first and len(columns) > 1
    beyond = _beyond(column, value, descending=descending, nullable=nullable)
    if len(columns) == 1:
        return beyond
    rest = _after(columns[1:], key[1:], descending=descending, first=False)
    return beyond | (_equal(column, value) & rest)


def keyset_start(column: str, value: KeyValue, *, descending: bool) -> Q:
    """A redundant bound on the leading column that gives both engines an index range start
    (the OR of `keyset_after` alone would be a filter over every earlier row)."""
    if value is None:
        return Q()
    return Q(**{f"{column}__{'lte' if descending else 'gte'}": value})


def sort_choices() -> list[tuple[str, str]]:
    """(value, label) of every order, for the filter form's select."""
    out = []
    for sort, label in SORT_LABELS.items():
        for order in (LedgerOrder(sort), LedgerOrder(sort, descending=True)):
            arrow = _("从晚到早") if order.descending else _("从早到晚")
            if sort in (LedgerSort.STATE, LedgerSort.UNIT):
                arrow = _("倒序") if order.descending else _("顺序")
            out.append((order.value, f"{label}（{arrow}）"))
    return out
