"""The search page in the role × view matrix: every signed-in user may search (and finds
only what they may read: tests/ledger/test_search.py); anonymous visitors log in first."""

from __future__ import annotations

from tests.web.permission_matrix import Case, everyone

CASES = [
    Case("search", lambda w: "/search/?q=整改", expect=everyone(200)),
    Case("search results (htmx)", lambda w: "/search/?q=整改&kind=f", htmx=True, expect=everyone(200)),
    Case("search too short", lambda w: "/search/?q=整", expect=everyone(200)),
]
