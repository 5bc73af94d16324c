"""The navigation bar: which sections a signed-in user is offered, by the roles they hold.

Only what the user's roles may do is offered (`accounts.permissions.roles_held` and
`actions_of`); each page still asks about its own object, so a link here is a convenience,
never a permission. Sections whose page is not installed are left out by the template
(`{% url … as %}`), so the bar never links to a 404.

A section is one line of `SECTIONS`: its label, URL name, the path prefix that marks it
active, a test id, and the actions of which the user must hold at least one (none: every
signed-in user). Adding a section (公告, 导入) is adding a line, e.g.
`Section(_("导入"), "ledger:import", "/import/", "nav-import", (Action.IMPORT,))`.
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
    #: The path prefix that marks the item active ("/" only for the home page).
    prefix: str
    testid: str


@dataclass(frozen=True)
class Section:
    """A possible entry of the bar and who is offered it."""

    label: str | Promise
    url_name: str
    prefix: str
    testid: str
    #: Offered to a user holding any of these actions; () offers it to everyone.
    needs: tuple[Action, ...] = ()

    def offered(self, actions: frozenset[Action]) -> bool:
        return not self.needs or any(a in actions for a in self.needs)


#: The bar, in order. 工作台 for everyone; the ledger and the inspections for readers.
SECTIONS: tuple[Section, ...] = (
    Section(_("工作台"), "web:home", "/", "nav-home"),
    Section(_("整改台账"), "ledger:ledger", "/ledger/", "nav-ledger", (Action.VIEW,)),
    Section(
        _("巡察"), "ledger:inspection-list", "/inspections/", "nav-inspections", (Action.VIEW,)
    ),
    Section(_("检索"), "ledger:search", "/search/", "nav-search", (Action.VIEW,)),
    Section(_("日历"), "ledger:calendar", "/calendar/", "nav-calendar", (Action.VIEW,)),
    Section(_("总览"), "web:overview", "/overview/", "nav-overview", (
        Action.MANAGE_PLAN, Action.APPROVE_PLAN, Action.VIEW_ACCOUNTABILITY)),
    Section(_("导入"), "ledger:import", "/import/", "nav-import", (Action.IMPORT,)),
    Section(_("督办文书"), "urging:notices", "/urging/", "nav-urging", (Action.URGE,)),
)


def nav_items(roles: frozenset[str]) -> list[NavItem]:
    """The sections for a user holding `roles`, in the order of the bar."""
    actions = actions_of(roles)
    return [
        NavItem(s.label, s.url_name, s.prefix, s.testid) for s in SECTIONS if s.offered(actions)
    ]
