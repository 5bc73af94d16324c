"""Role scoping: organisation, sub-tree, inspection, unit-scoped actions."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from tests.factories import InspectionFactory, OrganisationFactory, UserFactory
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import RoleAssignment
from zhenggai.accounts.permissions import Action, may, require

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    committee = OrganisationFactory(name="某局党委")
    unit_a = OrganisationFactory(name="环卫所", parent=committee)
    unit_b = OrganisationFactory(name="市政所", parent=committee)
    other = OrganisationFactory(name="另一单位")
    inspection = InspectionFactory(organisation=committee)
    return committee, unit_a, unit_b, other, inspection


def _grant(role, organisation, *, subtree=False, inspection=None):
    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=role, organisation=organisation,
                                  include_subtree=subtree, inspection=inspection)
    return user


def test_office_runs_its_inspection_but_not_another(tree):
    committee, _, _, other, inspection = tree
    office = _grant(Role.OFFICE, committee, subtree=True)
    assert may(office, Action.REVIEW_CLOSE_OUT, inspection=inspection)
    foreign = InspectionFactory(organisation=other)
    assert not may(office, Action.REVIEW_CLOSE_OUT, inspection=foreign)


def test_unit_acts_only_on_its_own_unit(tree):
    _, unit_a, unit_b, _, inspection = tree
    user = _grant(Role.UNIT, unit_a)
    assert may(user, Action.REPORT_PROGRESS, inspection=inspection, unit=unit_a)
    assert not may(user, Action.REPORT_PROGRESS, inspection=inspection, unit=unit_b)
    assert not may(user, Action.REVIEW_CLOSE_OUT, inspection=inspection)


def test_sub_tree_reaches_down_but_a_plain_role_does_not(tree):
    committee, unit_a, _, _, inspection = tree
    with_tree = _grant(Role.SUPERVISOR, committee, subtree=True)
    without = _grant(Role.SUPERVISOR, committee)
    assert may(with_tree, Action.VIEW, organisation=unit_a)
    assert not may(without, Action.VIEW, organisation=unit_a)
    assert may(without, Action.VIEW_ACCOUNTABILITY, inspection=inspection)


def test_role_scoped_to_another_inspection_does_not_apply(tree):
    committee, _, _, _, inspection = tree
    other_inspection = InspectionFactory(organisation=committee)
    user = _grant(Role.INSPECTOR, committee, inspection=other_inspection)
    assert may(user, Action.FOLLOW_UP_REVIEW, inspection=other_inspection)
    assert not may(user, Action.FOLLOW_UP_REVIEW, inspection=inspection)


@pytest.mark.parametrize(
    ("role", "action", "allowed"),
    [
        (Role.LEADER, Action.APPROVE_EXTENSION, True),
        (Role.OFFICE, Action.APPROVE_EXTENSION, False),
        (Role.SUPERVISOR, Action.RECORD_ACCOUNTABILITY, True),
        (Role.OFFICE, Action.RECORD_ACCOUNTABILITY, False),
        (Role.INSPECTOR, Action.ACCEPT, True),
        (Role.INSPECTOR, Action.MANAGE_PLAN, False),
        (Role.ADMIN, Action.MANAGE_PLAN, False),
    ],
)
def test_role_action_table(tree, role, action, allowed):
    committee, _, _, _, inspection = tree
    user = _grant(role, committee, subtree=True)
    assert may(user, action, inspection=inspection) is allowed


def test_admin_manages_holidays_globally_only_from_a_root(tree):
    committee, unit_a, _, _, _ = tree
    root_admin = _grant(Role.ADMIN, committee, subtree=True)
    unit_admin = _grant(Role.ADMIN, unit_a)
    assert may(root_admin, Action.MANAGE_HOLIDAYS)
    assert not may(unit_admin, Action.MANAGE_HOLIDAYS)


def test_anonymous_and_inactive_users_may_nothing(tree):
    committee, _, _, _, inspection = tree
    assert not may(AnonymousUser(), Action.VIEW, inspection=inspection)  # type: ignore[arg-type]
    user = _grant(Role.OFFICE, committee, subtree=True)
    user.is_active = False
    assert not may(user, Action.VIEW, inspection=inspection)
    with pytest.raises(PermissionDenied, match="您没有权限执行此操作：查看台账"):
        require(user, Action.VIEW, inspection=inspection)


# --- helpers the services ask instead of deciding themselves --------------------------------


def test_require_any_returns_what_is_held_and_refuses_in_the_first_actions_words(tree):
    from zhenggai.accounts.permissions import FORBIDDEN, require_any

    committee, _, _, _, inspection = tree
    leader = _grant(Role.LEADER, committee)
    held = require_any(
        leader, [Action.REVIEW_CLOSE_OUT, Action.APPROVE_KEY_CLOSE_OUT], inspection=inspection
    )
    assert held == {Action.APPROVE_KEY_CLOSE_OUT}
    unit_user = _grant(Role.UNIT, committee)
    with pytest.raises(PermissionDenied) as error:
        require_any(unit_user, [Action.REVIEW_CLOSE_OUT, Action.APPROVE_KEY_CLOSE_OUT],
                    inspection=inspection)
    assert str(error.value) == FORBIDDEN.format(action="审核销号")


def test_separation_of_duty_refuses_the_same_person_with_the_services_message(tree):
    from zhenggai.accounts.permissions import require_other_person

    user = UserFactory()
    require_other_person(user, None, "x")
    require_other_person(user, user.pk + 1, "x")
    with pytest.raises(PermissionDenied, match="审核人不能是申请人"):
        require_other_person(user, user.pk, "审核人不能是申请人")


def test_check_in_is_the_units_on_its_own_measure_and_the_offices_on_the_inspection(tree):
    from zhenggai.accounts.permissions import may_for_any_unit

    committee, unit_a, unit_b, _, inspection = tree
    unit_user = _grant(Role.UNIT, unit_a)
    office = _grant(Role.OFFICE, committee)
    leader = _grant(Role.LEADER, committee)
    assert may_for_any_unit(unit_user, Action.CHECK_IN, inspection=inspection, units=[unit_b, unit_a])
    assert not may_for_any_unit(unit_user, Action.CHECK_IN, inspection=inspection, units=[unit_b])
    assert may_for_any_unit(office, Action.CHECK_IN, inspection=inspection, units=[unit_b])
    assert not may_for_any_unit(leader, Action.CHECK_IN, inspection=inspection, units=[unit_a])
    # The office holds no unit-scoped reporting: REPORT_PROGRESS stays the unit's.
    assert not may(office, Action.REPORT_PROGRESS, inspection=inspection, unit=unit_a)


@pytest.mark.parametrize(
    ("role", "party", "allowed"),
    [
        (Role.OFFICE, "office", True),
        (Role.INSPECTOR, "inspection_group", True),
        (Role.INSPECTOR, "office", False),
        (Role.UNIT, "inspected_unit", True),
        (Role.UNIT, "office", False),
        (Role.LEADER, "inspection_group", False),
    ],
)
def test_who_speaks_for_each_acceptance_party(tree, role, party, allowed):
    from zhenggai.accounts.permissions import require_acceptance_party

    committee, unit_a, _, _, inspection = tree
    user = _grant(role, unit_a if role == Role.UNIT else committee)
    if allowed:
        require_acceptance_party(user, party, inspection=inspection, unit=unit_a)
    else:
        with pytest.raises(PermissionDenied):
            require_acceptance_party(user, party, inspection=inspection, unit=unit_a)


def test_the_view_scope_lists_whole_and_unit_grants(tree):
    from zhenggai.accounts.permissions import view_scope

    committee, unit_a, _, _, inspection = tree
    user = _grant(Role.OFFICE, committee, subtree=True)
    RoleAssignment.objects.create(user=user, role=Role.UNIT, organisation=unit_a,
                                  inspection=inspection)
    scope = view_scope(user)
    assert [(g.organisation_id, g.include_subtree, g.inspection_id) for g in scope.whole] == [
        (committee.pk, True, None), (unit_a.pk, False, inspection.pk)
    ]
    assert [g.organisation_id for g in scope.units] == [unit_a.pk]
    assert view_scope(AnonymousUser()).is_empty
