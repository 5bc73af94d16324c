"""The navigation bar: which sections a signed-in user is offered, by the roles they hold.

Only what the user's roles may do is offered (`accounts.permissions.roles_held` and
`actions_of`); each page still asks about its own object, so a link here is a convenience,
never a permission. Sections whose page is not installed are left out by the template
(`{% url … as %}`), so the bar never links to a 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhenggai.accounts.permissions import Action, actions_of


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    #: The path prefix that marks the item active ("" only for the home page).
    prefix: str
    testid: str


def nav_items(roles: frozenset[str]) -> list[NavItem]:
    """The sections for a user holding `roles`, in the order of the bar."""
    actions = actions_of(roles)
    items = [NavItem(_("工作台"), "web:home", "/", "nav-home")]
    if Action.VIEW in actions:
        items += [
            NavItem(_("整改台账"), "ledger:ledger", "/ledger/", "nav-ledger"),
            NavItem(_("巡察"), "ledger:inspection-list", "/inspections/", "nav-inspections"),
        ]
    return items
