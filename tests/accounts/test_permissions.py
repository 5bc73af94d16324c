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
