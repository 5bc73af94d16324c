"""A user's saved views, and the one their home opens with."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from zhenggai.accounts.models import User
from zhenggai.ledger.models import SavedView


def saved_views(user: User | AnonymousUser) -> QuerySet[SavedView]:
    """The user's own views by name (none for anonymous visitors)."""
    if not isinstance(user, User):
        return SavedView.objects.none()
    return SavedView.objects.filter(user=user).order_by("name", "pk")


def default_view(user: User | AnonymousUser) -> SavedView | None:
    return saved_views(user).filter(is_default=True).first()
