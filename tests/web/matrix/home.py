"""The dashboard in the role × view matrix (tests/web/test_permission_matrix.py); the home
page itself is in shell.py.

Every role that reads the inspection opens its dashboard (a unit sees its own share of the
numbers); a role-less user, and everyone on another organisation's inspection, gets 404.
"""

from __future__ import annotations

from tests.web.permission_matrix import Case, everyone

CASES = [
    Case(
        "inspection dashboard",
        lambda w: f"/inspections/{w.inspection.pk}/dashboard/",
        expect=everyone(200, stranger=404),
    ),
    Case(
        "dashboard of another organisation's inspection",
        lambda w: f"/inspections/{w.foreign.pk}/dashboard/",
        expect=everyone(404),
    ),
    Case(
        "dashboard of an inspection that does not exist",
        lambda w: "/inspections/999999/dashboard/",
        expect=everyone(404),
    ),
]
