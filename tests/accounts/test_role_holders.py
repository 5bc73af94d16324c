"""`role_holders`: who holds a role for an inspection (whom urging and evaluation notify)."""

from __future__ import annotations

import pytest

from tests.factories import InspectionFactory, OrganisationFactory, UserFactory
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import Organisation, RoleAssignment, User
from zhenggai.accounts.permissions import role_holders
from zhenggai.ledger.models import Inspection

pytestmark = pytest.mark.django_db


def _grant(
    role: str,
    organisation: Organisation,
    *,
    subtree: bool = False,
    inspection: Inspection | None = None,
    user: User | None = None,
) -> User:
    user = user or UserFactory()
    RoleAssignment.objects.create(
        user=user, role=role, organisation=organisation, include_subtree=subtree,
        inspection=inspection,
    )
    return user


@pytest.fixture
def inspection() -> Inspection:
    city = OrganisationFactory(name="某市委")
    committee = OrganisationFactory(name="某局党委", parent=city)
    return InspectionFactory(organisation=committee)


def test_it_finds_holders_in_the_organisation_and_above_with_sub_tree(
    inspection: Inspection,
) -> None:
    committee = inspection.organisation
    city = committee.parent
    assert city is not None
    own = _grant(Role.OFFICE, committee)
    above_with_tree = _grant(Role.OFFICE, city, subtree=True)
    _grant(Role.OFFICE, city)  # above, but without the sub-tree
    _grant(Role.OFFICE, OrganisationFactory(parent=committee), subtree=True)  # below
    _grant(Role.OFFICE, OrganisationFactory(name="另一单位"), subtree=True)  # elsewhere
    _grant(Role.SUPERVISOR, committee)  # another role
    assert list(role_holders(role=Role.OFFICE, inspection=inspection)) == sorted(
        [own, above_with_tree], key=lambda u: u.pk
    )


def test_it_leaves_out_inactive_users(inspection: Inspection) -> None:
    active = _grant(Role.INSPECTOR, inspection.organisation)
    _grant(Role.INSPECTOR, inspection.organisation, user=UserFactory(is_active=False))
    assert list(role_holders(role=Role.INSPECTOR, inspection=inspection)) == [active]


def test_it_counts_roles_scoped_to_this_inspection_but_not_to_another(
    inspection: Inspection,
) -> None:
    committee = inspection.organisation
    other = InspectionFactory(organisation=committee)
    scoped_here = _grant(Role.INSPECTOR, committee, inspection=inspection)
    scoped_there = _grant(Role.INSPECTOR, committee, inspection=other)
    assert list(role_holders(role=Role.INSPECTOR, inspection=inspection)) == [scoped_here]
    assert list(role_holders(role=Role.INSPECTOR, inspection=other)) == [scoped_there]


def test_a_user_holding_the_role_twice_is_listed_once(inspection: Inspection) -> None:
    committee = inspection.organisation
    assert committee.parent is not None
    user = _grant(Role.OFFICE, committee)
    _grant(Role.OFFICE, committee.parent, subtree=True, user=user)
    assert list(role_holders(role=Role.OFFICE, inspection=inspection)) == [user]
