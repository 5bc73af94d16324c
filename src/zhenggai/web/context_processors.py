"""What every page of the signed-in shell shows: the navigation and the unread count.

Lazy: a page that does not render the bar (the login page) runs no query for it; a page
that does runs two (the user's roles, the unread count).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import roles_held
from zhenggai.notifications.selectors import unread_count
from zhenggai.web.navigation import nav_items


class Shell:
    """The shell's data for one request, computed on first use."""

    def __init__(self, user: User) -> None:
        self.user = user
        self._roles: frozenset[str] | None = None
        self._unread: int | None = None

    @property
    def roles(self) -> frozenset[str]:
        if self._roles is None:
            self._roles = roles_held(self.user)
        return self._roles

    @property
    def nav(self) -> list[Any]:
        return nav_items(self.roles)

    @property
    def unread(self) -> int:
        if self._unread is None:
            self._unread = unread_count(user=self.user)
        return self._unread


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        return {}
    return {"shell": SimpleLazyObject(lambda: Shell(user))}
