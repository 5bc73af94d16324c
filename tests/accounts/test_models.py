"""Constraints and helpers of the accounts models."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from tests.factories import InspectionFactory, OrganisationFactory, PersonFactory, UserFactory
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import Organisation, RoleAssignment, User, organisation_path

pytestmark = pytest.mark.django_db


def test_the_user_model_is_ours() -> None:
    assert get_user_model() is User


def test_user_str_prefers_display_name() -> None:
    assert str(User(username="wangjg", display_name="王建国")) == "王建国"
    assert str(User(username="wangjg")) == "wangjg"


def test_organisation_path_lists_ancestors_then_self() -> None:
    root = Organisation(pk=1, path="/1/")
    assert organisation_path(None, 1) == "/1/"
    assert organisation_path(root, 5) == "/1/5/"


def test_subtree_is_one_prefix_query() -> None:
    bureau = OrganisationFactory(name="示范区城市管理局")
    team = OrganisationFactory(name="综合行政执法大队", parent=bureau)
    squad = OrganisationFactory(name="第一中队", parent=team)
    other = OrganisationFactory(name="示范区交通运输局")
    assert bureau.path == f"/{bureau.pk}/"
    assert squad.path == f"/{bureau.pk}/{team.pk}/{squad.pk}/"
    subtree = Organisation.objects.filter(path__startswith=bureau.path)
    assert set(subtree) == {bureau, team, squad}
    assert other not in subtree


def test_organisation_names_are_unique_under_one_parent() -> None:
    bureau = OrganisationFactory()
    OrganisationFactory(name="办公室", parent=bureau)
    OrganisationFactory(name="办公室", parent=OrganisationFactory())  # another parent: fine
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="办公室", parent=bureau)


def test_root_organisation_names_are_unique() -> None:
    OrganisationFactory(name="中共示范区委员会")
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="中共示范区委员会")


def test_an_organisation_cannot_be_its_own_parent() -> None:
    organisation = OrganisationFactory()
    with (
        pytest.raises(IntegrityError, match="accounts_organisation_not_own_parent"),
        transaction.atomic(),
    ):
        Organisation.objects.filter(pk=organisation.pk).update(parent=organisation.pk)


def test_person_str_shows_position() -> None:
    person = PersonFactory(name="李丽华", position="办公室主任")
    assert str(person) == "李丽华（办公室主任）"
    person.position = ""
    assert str(person) == "李丽华"


def test_role_assignment_is_unique_without_inspection() -> None:
    user, organisation = UserFactory(), OrganisationFactory()
    RoleAssignment.objects.create(user=user, role=Role.OFFICE, organisation=organisation)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role=Role.OFFICE, organisation=organisation)


def test_role_assignment_is_unique_per_inspection() -> None:
    user, organisation = UserFactory(), OrganisationFactory()
    first, second = InspectionFactory(), InspectionFactory()
    RoleAssignment.objects.create(
        user=user, role=Role.INSPECTOR, organisation=organisation, inspection=first
    )
    # The same role scoped to another inspection, or unscoped, is a different assignment.
    RoleAssignment.objects.create(
        user=user, role=Role.INSPECTOR, organisation=organisation, inspection=second
    )
    RoleAssignment.objects.create(user=user, role=Role.INSPECTOR, organisation=organisation)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(
            user=user, role=Role.INSPECTOR, organisation=organisation, inspection=first
        )


def test_role_assignment_str() -> None:
    assignment = RoleAssignment.objects.create(
        user=UserFactory(display_name="张志强"),
        role=Role.UNIT,
        organisation=OrganisationFactory(name="市政管理所"),
    )
    assert str(assignment) == "张志强 · 责任单位 · 市政管理所"
