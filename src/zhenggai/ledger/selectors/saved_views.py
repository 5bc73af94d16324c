"""A user's saved views, and the one their home opens with."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import QueryDict

from zhenggai.accounts.models import User
from zhenggai.ledger.models import SavedView
from zhenggai.ledger.selectors.filters import LedgerQuery, filtered_measures


def saved_views(user: User | AnonymousUser) -> QuerySet[SavedView]:
    """The user's own views by name (none for anonymous visitors)."""
    if not isinstance(user, User):
        return SavedView.objects.none()
    return SavedView.objects.filter(user=user).order_by("name", "pk")


def default_view(user: User | AnonymousUser) -> SavedView | None:
    return saved_views(user).filter(is_default=True).first()


def default_view_count(user: User | AnonymousUser) -> tuple[SavedView, int] | None:
    """The home's default view and how many measures it shows now (the ledger's own count
    through `filtered_measures`, so the number equals the list it opens)."""
    view = default_view(user)
    if view is None:
        return None
    query = LedgerQuery.from_querydict(QueryDict(view.query))
    return view, filtered_measures(user, query).count()
