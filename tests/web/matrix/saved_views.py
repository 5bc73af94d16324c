"""Saved views in the role × view matrix: personal pages every signed-in user has; another
user's view is 404 (tests/ledger/test_saved_views.py), anonymous visitors log in first."""

from __future__ import annotations

from tests.web.permission_matrix import Case, everyone

CASES = [
    Case("saved views", lambda w: "/ledger/views/?signal=red", expect=everyone(200)),
    Case("saved view bar", lambda w: "/ledger/views/bar/", expect=everyone(200)),
    Case("saved view save", lambda w: "/ledger/views/", method="post",
         data=lambda w: {"name": "红灯", "query": "signal=red"}, expect=everyone(302)),
    Case("saved view of nobody", lambda w: "/ledger/views/999999/delete/", method="post",
         expect=everyone(404)),
]
