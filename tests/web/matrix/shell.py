"""The shell's views in the role × view matrix (tests/web/test_permission_matrix.py)."""

from __future__ import annotations

from tests.web.permission_matrix import ANON_LOGIN, Case, everyone

CASES = [
    Case("home", lambda w: "/", expect=everyone(200)),
    Case("notifications", lambda w: "/notifications/", expect=everyone(200)),
    Case("password change", lambda w: "/password/", expect=everyone(200)),
    # Someone else's message: not found, for every role (the office's message is used).
    Case(
        "open another's notification",
        lambda w: f"/notifications/{w.notice_of['office'].pk}/open/",
        method="post",
        expect=everyone(404, office=302, anonymous=ANON_LOGIN),
    ),
    Case(
        "mark another's notification read",
        lambda w: f"/notifications/{w.notice_of['office'].pk}/read/",
        method="post",
        expect=everyone(404, office=302, anonymous=ANON_LOGIN),
    ),
    Case("mark all read", lambda w: "/notifications/read-all/", method="post", expect=everyone(302)),
    Case("evidence download", lambda w: f"/evidence/{w.evidence_a.pk}/",
         expect=everyone(200, anonymous=404, stranger=404, unit_b=404)),
]
