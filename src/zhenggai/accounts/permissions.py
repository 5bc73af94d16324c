"""The one answer to "may this user do this here" (STYLE.md: CISO's RoleAssignment).

A role is held in one organisation, optionally with its sub-tree and optionally for one
inspection. Services call `require(...)` (or `require_any`, `require_other_person`);
selectors call `view_scope(...)` or `organisations_where(...)` to scope querysets. Nothing
else in the code base compares roles or builds a refusal of its own: a service asks here
and raises what it is given.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import Organisation, RoleAssignment, User

if TYPE_CHECKING:
    # Only for the annotation: ledger's models import accounts, not the other way round.
    from zhenggai.ledger.models import Inspection


class Action(StrEnum):
    VIEW = "view"  # read an inspection's ledger
    VIEW_ACCOUNTABILITY = "view_accountability"
    IMPORT = "import"
    MANAGE_PLAN = "manage_plan"  # plan, measures, assignments, leading group
    APPROVE_PLAN = "approve_plan"
    REQUEST_EXTENSION = "request_extension"
    APPROVE_EXTENSION = "approve_extension"
    REPORT_PROGRESS = "report_progress"
    REQUEST_CLOSE_OUT = "request_close_out"
    REVIEW_CLOSE_OUT = "review_close_out"
    APPROVE_KEY_CLOSE_OUT = "approve_key_close_out"
    ACCEPT = "accept"  # three-party acceptance
    ACCEPT_EXPLANATION = "accept_explanation"
    FOLLOW_UP_REVIEW = "follow_up_review"
    SUBMIT_FORMAL_REPORT = "submit_formal_report"  # send the two reports owed after feedback
    REVIEW_FORMAL_REPORT = "review_formal_report"  # the addressee (巡察办) accepts or returns
    URGE = "urge"
    RECORD_INSTITUTION = "record_institution"
    RECORD_ACCOUNTABILITY = "record_accountability"
    RECORD_ACTIVITY = "record_activity"
    EVALUATE = "evaluate"
    DRAFT_ANNOUNCEMENT = "draft_announcement"  # generate, edit and submit an announcement
    APPROVE_ANNOUNCEMENT = "approve_announcement"  # the leader's own: approve a version
    PUBLISH = "publish"
    HANDLE_PUBLIC_FEEDBACK = "handle_public_feedback"
    MANAGE_USERS = "manage_users"
    MANAGE_HOLIDAYS = "manage_holidays"
    CHECK_IN = "check_in"  # the periodic check of a long-term measure kept under watch


A = Action
ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.ADMIN: frozenset({A.VIEW, A.MANAGE_USERS, A.MANAGE_HOLIDAYS, A.IMPORT}),
    Role.OFFICE: frozenset({
        A.VIEW, A.IMPORT, A.MANAGE_PLAN, A.REQUEST_EXTENSION, A.REVIEW_CLOSE_OUT, A.ACCEPT,
        A.ACCEPT_EXPLANATION, A.URGE, A.RECORD_INSTITUTION, A.RECORD_ACTIVITY, A.PUBLISH,
        A.HANDLE_PUBLIC_FEEDBACK, A.SUBMIT_FORMAL_REPORT, A.CHECK_IN, A.DRAFT_ANNOUNCEMENT,
    }),
    Role.LEADER: frozenset({
        A.VIEW, A.APPROVE_PLAN, A.APPROVE_EXTENSION, A.APPROVE_KEY_CLOSE_OUT,
        A.ACCEPT_EXPLANATION, A.PUBLISH, A.VIEW_ACCOUNTABILITY, A.APPROVE_ANNOUNCEMENT,
    }),
    Role.UNIT: frozenset({
        A.VIEW, A.REPORT_PROGRESS, A.REQUEST_CLOSE_OUT, A.REQUEST_EXTENSION, A.CHECK_IN,
    }),
    Role.SUPERVISOR: frozenset({
        A.VIEW, A.VIEW_ACCOUNTABILITY, A.RECORD_ACCOUNTABILITY, A.EVALUATE,
        A.HANDLE_PUBLIC_FEEDBACK,
    }),
    Role.INSPECTOR: frozenset({A.VIEW, A.ACCEPT, A.FOLLOW_UP_REVIEW, A.REVIEW_FORMAL_REPORT}),
}

#: Actions a unit holds only on its own assignments, never on the whole inspection. Other
#: roles that hold one of them (the office checks in on watched measures too) hold it on
#: the whole inspection.
UNIT_SCOPED = frozenset({A.REPORT_PROGRESS, A.REQUEST_CLOSE_OUT, A.CHECK_IN})

#: Who may speak for each party of a three-party acceptance (三方验收), by the party's code
#: (ledger's AcceptanceParty): the office reviews, the inspection group runs follow-up
#: reviews, the inspected unit is the unit that did the rectification. Apart from the
#: inspected unit, the person must also hold ACCEPT.
ACCEPTANCE_PARTY_ACTIONS: dict[str, Action] = {
    "office": A.REVIEW_CLOSE_OUT,
    "inspection_group": A.FOLLOW_UP_REVIEW,
    "inspected_unit": A.REQUEST_CLOSE_OUT,
}

FORBIDDEN = "您没有权限执行此操作：{action}"
ACTION_LABELS = {
    A.VIEW: "查看台账", A.VIEW_ACCOUNTABILITY: "查看问责记录", A.IMPORT: "导入文件",
    A.MANAGE_PLAN: "编制整改方案", A.APPROVE_PLAN: "审定整改方案", A.REQUEST_EXTENSION: "申请延期",
    A.APPROVE_EXTENSION: "审批延期", A.REPORT_PROGRESS: "填报整改进展",
    A.REQUEST_CLOSE_OUT: "申请销号", A.REVIEW_CLOSE_OUT: "审核销号",
    A.APPROVE_KEY_CLOSE_OUT: "审批重点问题销号", A.ACCEPT: "参加验收",
    A.ACCEPT_EXPLANATION: "认可情况说明", A.FOLLOW_UP_REVIEW: "开展回头看", A.URGE: "督办",
    A.RECORD_INSTITUTION: "登记制度建设", A.RECORD_ACCOUNTABILITY: "登记问责",
    A.RECORD_ACTIVITY: "登记学习教育活动", A.EVALUATE: "整改成效评估", A.PUBLISH: "发布整改情况",
    A.HANDLE_PUBLIC_FEEDBACK: "处理群众意见", A.MANAGE_USERS: "管理用户和组织",
    A.MANAGE_HOLIDAYS: "维护节假日",
    A.SUBMIT_FORMAL_REPORT: "报送正式报告", A.REVIEW_FORMAL_REPORT: "审核正式报告",
    A.CHECK_IN: "登记跟踪检查",
    A.DRAFT_ANNOUNCEMENT: "起草整改情况通报", A.APPROVE_ANNOUNCEMENT: "审定整改情况通报",
}


def _ancestor_paths(organisation: Organisation) -> list[str]:
    """"/1/5/12/" → ["/1/", "/1/5/", "/1/5/12/"]: holders above reach down with sub-tree."""
    parts = [p for p in organisation.path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def _assignments_covering(
    user: User, organisation: Organisation, inspection_id: int | None
) -> QuerySet[RoleAssignment]:
    paths = _ancestor_paths(organisation)
    own = Q(organisation=organisation)
    above = Q(include_subtree=True, organisation__path__in=paths)
    scope = Q(inspection__isnull=True)
    if inspection_id is not None:
        scope |= Q(inspection_id=inspection_id)
    return RoleAssignment.objects.filter(own | above, scope, user=user)


def roles_in(user: User, organisation: Organisation, *, inspection_id: int | None = None) -> set[str]:
    if not user.is_authenticated or not user.is_active:
        return set()
    return set(_assignments_covering(user, organisation, inspection_id).values_list("role", flat=True))


def may(
    user: User,
    action: Action,
    *,
    organisation: Organisation | None = None,
    inspection: object | None = None,
    unit: Organisation | None = None,
) -> bool:
    """True when one of the user's roles grants `action` where it is done.

    `inspection` scopes to the inspected organisation (its Party committee) and sub-tree;
    `unit` is the responsible unit for unit-scoped actions (own assignments only).
    Administrators' global actions need a role in the organisation or one above it.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    inspection_id = getattr(inspection, "pk", None)
    if action in UNIT_SCOPED:
        if unit is not None and Role.UNIT in roles_in(user, unit, inspection_id=inspection_id):
            return True
        if inspection is None:
            return False
        roles = roles_in(user, inspection.organisation, inspection_id=inspection_id)  # type: ignore[attr-defined]
        return any(
            action in ROLE_ACTIONS.get(role, ()) for role in roles if role != Role.UNIT
        )
    where = organisation or (getattr(inspection, "organisation", None)) or unit
    if where is None:
        # Global actions (users, holidays): an admin role anywhere at a root organisation.
        return RoleAssignment.objects.filter(
            user=user, role=Role.ADMIN, organisation__parent__isnull=True
        ).exists() and action in ROLE_ACTIONS[Role.ADMIN]
    roles = roles_in(user, where, inspection_id=inspection_id)
    if unit is not None and Role.UNIT not in roles:
        # A unit user may also act (e.g. request an extension) for its own unit.
        roles |= {r for r in roles_in(user, unit, inspection_id=inspection_id) if r == Role.UNIT}
    return any(action in ROLE_ACTIONS.get(role, ()) for role in roles)


def forbidden(action: Action) -> PermissionDenied:
    """The refusal of `action`, worded the same everywhere."""
    return PermissionDenied(FORBIDDEN.format(action=ACTION_LABELS[action]))


def require(user: User, action: Action, **where: object) -> None:
    """Raise PermissionDenied with a clear Chinese message unless `may(...)`."""
    if not may(user, action, **where):  # type: ignore[arg-type]
        raise forbidden(action)


def actions_held(user: User, actions: Iterable[Action], **where: object) -> frozenset[Action]:
    """Those of `actions` the user may do there (a service picks its step by them)."""
    return frozenset(a for a in actions if may(user, a, **where))  # type: ignore[arg-type]


def require_any(user: User, actions: Iterable[Action], **where: object) -> frozenset[Action]:
    """The held ones of `actions`; refused in the first one's words when none is held."""
    wanted = list(actions)
    held = actions_held(user, wanted, **where)
    if not held:
        raise forbidden(wanted[0])
    return held


def may_for_any_unit(
    user: User, action: Action, *, inspection: object, units: Iterable[Organisation | None]
) -> bool:
    """`may` for a unit-scoped action on any of `units` (a measure's lead unit and the
    units of its assignments), or at the inspection for the roles that hold it there."""
    return any(may(user, action, inspection=inspection, unit=u) for u in [*units, None])


def require_acceptance_party(
    user: User, party: str, *, inspection: object, unit: Organisation | None
) -> None:
    """May `user` give the acceptance of `party` (ACCEPTANCE_PARTY_ACTIONS)?"""
    allowed = may(user, ACCEPTANCE_PARTY_ACTIONS[party], inspection=inspection, unit=unit)
    if party != "inspected_unit":
        allowed = allowed and may(user, Action.ACCEPT, inspection=inspection)
    if not allowed:
        raise forbidden(Action.ACCEPT)


def require_other_person(user: User, other_user_id: int | None, message: str) -> None:
    """Separation of duty: refuse with `message` when `user` is the one who acted before
    (the requester reviewing their own close-out, the office reviewer approving again)."""
    if other_user_id is not None and user.pk == other_user_id:
        raise PermissionDenied(message)


def organisations_where(user: User, roles: Iterable[str]) -> Q:
    """A Q on Organisation for "where the user holds one of `roles`" (with sub-trees)."""
    q = Q(pk__in=[])
    for ra in RoleAssignment.objects.filter(user=user, role__in=list(roles)).select_related("organisation"):
        if ra.include_subtree:
            q |= Q(path__startswith=ra.organisation.path)
        else:
            q |= Q(pk=ra.organisation_id)
    return q


def role_holders(*, role: str, inspection: Inspection) -> QuerySet[User]:
    """Active users who hold `role` for `inspection`, ordered by pk.

    An assignment counts when it is in the inspection's organisation, or in an organisation
    above it with `include_subtree`, and is scoped to no inspection or to this one (a role
    held for another inspection does not). Inactive users are left out. The answer to
    "whom do we notify": the office that signs urging notices, the inspectors asked for a
    follow-up review.
    """
    organisation = inspection.organisation
    where = Q(organisation=organisation) | Q(
        include_subtree=True, organisation__path__in=_ancestor_paths(organisation)
    )
    scope = Q(inspection__isnull=True) | Q(inspection=inspection)
    holders = RoleAssignment.objects.filter(where, scope, role=role).values("user")
    return User.objects.filter(is_active=True, pk__in=holders).order_by("pk")


@dataclass(frozen=True)
class Grant:
    """One role assignment, as a scope: an organisation (with or without its sub-tree),
    for every inspection or one."""

    organisation_id: int
    path: str
    include_subtree: bool
    inspection_id: int | None

    def q(self, organisation: str, inspection: str) -> Q:
        """Rows whose organisation (field path `organisation`) lies in this grant."""
        if self.include_subtree:
            where = Q(**{f"{organisation}__path__startswith": self.path})
        else:
            where = Q(**{organisation: self.organisation_id})
        if self.inspection_id is not None:
            where &= Q(**{inspection: self.inspection_id})
        return where


@dataclass(frozen=True)
class ViewScope:
    """Where a user may read, as `may(user, VIEW, …)` answers it, for whole querysets.

    `whole`: inspections of these organisations are visible whole (every role reads the
    inspections of the organisation it is held in). `units`: the measures these units lead
    or are assigned, in any inspection (a unit sees its own work, not its neighbours').
    """

    whole: tuple[Grant, ...] = ()
    units: tuple[Grant, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.whole and not self.units

    def whole_q(self, *, organisation: str, inspection: str) -> Q:
        """Rows of inspections visible whole; `organisation` is the field path to the
        inspection's organisation, `inspection` to the inspection's id."""
        q = Q(pk__in=[])
        for grant in self.whole:
            q |= grant.q(organisation, inspection)
        return q

    def unit_q(self, *, unit: str, inspection: str) -> Q:
        """Rows whose unit (field path `unit`) is one of the user's units."""
        q = Q(pk__in=[])
        for grant in self.units:
            q |= grant.q(unit, inspection)
        return q


#: The role rows read in the current `roles_read_once` block, by user id; None outside one.
_READ: ContextVar[dict[int, tuple[tuple[str, Grant], ...]] | None] = ContextVar(
    "zhenggai_roles", default=None
)


@contextmanager
def roles_read_once() -> Iterator[None]:
    """Within the block, each user's role rows are read once (`view_scope`, `roles_held`).

    A page asks for them from its view, its selectors and the shell's navigation — five to
    seven identical queries a page, a few milliseconds of each ledger page on PostgreSQL.
    The middleware `accounts.middleware.roles_read_once_middleware` opens one block per
    request; outside a block (services, commands, tests calling selectors) every call reads
    the database, so a role granted a moment ago is always seen."""
    token = _READ.set({})
    try:
        yield
    finally:
        _READ.reset(token)


def _held(user: User) -> tuple[tuple[str, Grant], ...]:
    """(role, where it is held) of each of the user's role assignments."""
    read = _READ.get()
    if read is not None and user.pk in read:
        return read[user.pk]
    rows = tuple(
        (ra.role, Grant(ra.organisation_id, ra.organisation.path, ra.include_subtree, ra.inspection_id))
        for ra in RoleAssignment.objects.filter(user=user).select_related("organisation").order_by("pk")
    )
    if read is not None:
        read[user.pk] = rows
    return rows


def view_scope(user: User | AnonymousUser) -> ViewScope:
    """The user's `ViewScope` (one query, none more within `roles_read_once`); empty for
    anonymous and inactive users."""
    if not isinstance(user, User) or not user.is_active:
        return ViewScope()
    whole: list[Grant] = []
    units: list[Grant] = []
    for role, grant in _held(user):
        if Action.VIEW in ROLE_ACTIONS.get(role, ()):
            whole.append(grant)
        if role == Role.UNIT:
            units.append(grant)
    return ViewScope(tuple(whole), tuple(units))


def roles_held(user: User | AnonymousUser) -> frozenset[str]:
    """The roles the user holds somewhere (one query, none more within `roles_read_once`):
    which home page and which links suit them. Only for choosing what to show; each page
    and service still asks `may` about its own object, so a link shown by mistake leads to
    a refusal, never to access."""
    if not isinstance(user, User) or not user.is_active:
        return frozenset()
    return frozenset(role for role, _ in _held(user))


def actions_of(roles: Iterable[str]) -> frozenset[Action]:
    """Every action some role of `roles` holds (no query)."""
    return frozenset(a for role in roles for a in ROLE_ACTIONS.get(role, ()))
