"""The cross-inspection dashboard (总览) in the role × view matrix: offered to those who plan,
approve or oversee (office, leader, supervisor); a unit, the administrator, an inspector and
a user without roles get 403 with the reason; anonymous visitors log in first. A year that
cannot be read is 400 for those who may open the page."""

from __future__ import annotations

from tests.web.permission_matrix import Case, everyone

ALLOWED = ("office", "leader", "supervisor")


def _open(status: int) -> dict[str, int]:
    return everyone(403, **dict.fromkeys(ALLOWED, status))


CASES = [
    Case("overview", lambda w: "/overview/", expect=_open(200)),
    Case("overview of a year", lambda w: "/overview/?year=2026", expect=_open(200)),
    Case("overview bad year", lambda w: "/overview/?year=abc", expect=_open(400)),
]
