"""Reads of the ledger, each taking the user: what the user may read (`scope`), the
measure list with keyset pages (`pages`), counts by state (`counts`).

This package re-exports the public names.
"""

from zhenggai.ledger.selectors.counts import measure_state_counts
from zhenggai.ledger.selectors.evidence import evidence_for_reader
from zhenggai.ledger.selectors.pages import (
    CURSOR_INVALID,
    MAX_PAGE_SIZE,
    OPEN_LITERAL,
    PAGE_SIZE_INVALID,
    STATE_INVALID,
    CursorKey,
    InvalidCursor,
    MeasurePage,
    SqlLiteral,
    decode_cursor,
    encode_cursor,
    measure_count,
    measure_page,
)
from zhenggai.ledger.selectors.scope import (
    measure_scope,
    sees_whole,
    visible_inspections,
    visible_measures,
)
from zhenggai.ledger.selectors.sources import import_warnings

__all__ = [
    "CURSOR_INVALID",
    "MAX_PAGE_SIZE",
    "OPEN_LITERAL",
    "PAGE_SIZE_INVALID",
    "STATE_INVALID",
    "CursorKey",
    "InvalidCursor",
    "MeasurePage",
    "SqlLiteral",
    "decode_cursor",
    "encode_cursor",
    "evidence_for_reader",
    "import_warnings",
    "measure_count",
    "measure_page",
    "measure_scope",
    "measure_state_counts",
    "sees_whole",
    "visible_inspections",
    "visible_measures",
]
