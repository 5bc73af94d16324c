"""The ledger page in the role × view matrix (tests/web/test_permission_matrix.py).

Every signed-in user may open the ledger: it lists what the user reads, and nothing for a
user with no role (an empty ledger, not a refusal). A filter naming another organisation's
inspection is a bad value (400, "not found or not yours"), the same as an id that does not
exist, for every role.
"""

from __future__ import annotations

from tests.web.permission_matrix import Case, everyone

CASES = [
    Case("ledger", lambda w: "/ledger/", expect=everyone(200)),
    # Unit B reads unit A's share of the measure it leads, so A is a unit it may filter by.
    Case(
        "ledger (htmx results)",
        lambda w: f"/ledger/?unit={w.unit_a.pk}",
        htmx=True,
        expect=everyone(200, stranger=400),
    ),
    Case(
        "ledger filtered by its inspection",
        lambda w: f"/ledger/?inspection={w.inspection.pk}",
        expect=everyone(200, stranger=400),
    ),
    Case(
        "ledger filtered by another organisation's inspection",
        lambda w: f"/ledger/?inspection={w.foreign.pk}",
        expect=everyone(400),
    ),
    Case("ledger with an edited cursor", lambda w: "/ledger/?cursor=edited", expect=everyone(400)),
    Case("ledger post", lambda w: "/ledger/", method="post", expect=everyone(405)),
]
