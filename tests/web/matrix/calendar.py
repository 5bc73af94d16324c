"""The deadline calendar in the role × view matrix: every signed-in user may open it (and
sees only the measures they may read: tests/ledger/test_selectors_calendar.py); naming an
inspection the user may not open is 404, as for one that does not exist."""

from __future__ import annotations

from tests.web.permission_matrix import Case, everyone

CASES = [
    Case("calendar", lambda w: "/calendar/", expect=everyone(200)),
    Case("calendar of a month", lambda w: "/calendar/?month=2026-10", expect=everyone(200)),
    Case("calendar (htmx)", lambda w: "/calendar/?month=2026-11", htmx=True, expect=everyone(200)),
    Case(
        "calendar of the inspection",
        lambda w: f"/calendar/?inspection={w.inspection.pk}",
        expect=everyone(200, stranger=404),
    ),
    Case(
        "calendar of another organisation's inspection",
        lambda w: f"/calendar/?inspection={w.foreign.pk}",
        expect=everyone(404),
    ),
    Case("calendar of a bad month", lambda w: "/calendar/?month=2026-13", expect=everyone(400)),
]
