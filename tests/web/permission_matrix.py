"""The role × view permission matrix: every page and form of the web application, for every
role, anonymous and role-less users included.

Each app's cases live in `tests/web/matrix/<area>.py` as `CASES`; a case names a URL built
from the world (tests/web/world.py), the method, the data to post and the status each role
gets: 200 (allowed), 302 (allowed and redirected, or anonymous sent to the login page),
403 (may read the object but not do this), 404 (the object is outside the user's scope —
the same answer as for an id that does not exist, so ids reveal nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.web.world import ROLES, World

#: Anonymous visitors are sent to the login page.
ANON_LOGIN = 302


def everyone(status: int, **overrides: int) -> dict[str, int]:
    """`status` for every signed-in role, ANON_LOGIN for anonymous, with overrides."""
    expect = {role: status for role in ROLES}
    expect["anonymous"] = ANON_LOGIN
    expect.update(overrides)
    return expect


@dataclass(frozen=True)
class Case:
    name: str
    url: Callable[[World], str]
    method: str = "get"
    data: Callable[[World], dict[str, Any]] = field(default=lambda w: {})
    expect: dict[str, int] = field(default_factory=dict)
    htmx: bool = False
