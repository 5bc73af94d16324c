"""What a user may read of the ledger: whole inspections, or a unit's led and assigned
measures; and the one count by state."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.factories import (
    AssignmentFactory,
    InspectionFactory,
    MeasureFactory,
    OrganisationFactory,
    UserFactory,
)
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import RoleAssignment, User
from zhenggai.ledger.choices import MeasureState
from zhenggai.ledger.models import Measure
from zhenggai.ledger.selectors import (
    measure_count,
    measure_page,
    measure_state_counts,
    visible_inspections,
    visible_measures,
)

pytestmark = pytest.mark.django_db


def grant(role: str, organisation, **kw) -> User:
    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=role, organisation=organisation, **kw)
    return user


@pytest.fixture
def world():
    inspection = InspectionFactory()
    committee = inspection.organisation
    sanitation = OrganisationFactory(name="环卫所", parent=committee)
    roads = OrganisationFactory(name="市政所", parent=committee)
    led = MeasureFactory(inspection=inspection, lead_unit=sanitation)
    assigned = MeasureFactory(inspection=inspection, lead_unit=roads)
    AssignmentFactory(measure=assigned, unit=sanitation)
    neighbours = MeasureFactory(inspection=inspection, lead_unit=roads)
    other = MeasureFactory()  # another inspection, another organisation
    return {
        "inspection": inspection, "committee": committee, "sanitation": sanitation,
        "roads": roads, "led": led, "assigned": assigned, "neighbours": neighbours,
        "other": other,
    }


def ids(qs) -> set[int]:
    return {m.pk for m in qs}


def test_a_unit_reads_the_measures_it_leads_and_those_it_is_assigned(world) -> None:
    unit = grant(Role.UNIT, world["sanitation"])
    assert ids(visible_measures(unit)) == {world["led"].pk, world["assigned"].pk}
    page = measure_page(user=unit, states=MeasureState.values)
    assert ids(page.measures) == {world["led"].pk, world["assigned"].pk}
    assert measure_count(user=unit, states=MeasureState.values) == 2
    assert list(visible_inspections(unit)) == [world["inspection"]]


def test_the_unit_filter_means_led_or_assigned(world) -> None:
    office = grant(Role.OFFICE, world["committee"], include_subtree=True)
    page = measure_page(user=office, unit=world["sanitation"], states=MeasureState.values)
    assert ids(page.measures) == {world["led"].pk, world["assigned"].pk}
    roads = measure_page(user=office, unit=world["roads"], states=MeasureState.values)
    assert ids(roads.measures) == {world["assigned"].pk, world["neighbours"].pk}


def test_the_office_reads_its_whole_inspection_and_nothing_else(world) -> None:
    office = grant(Role.OFFICE, world["committee"])
    expected = {world["led"].pk, world["assigned"].pk, world["neighbours"].pk}
    assert ids(visible_measures(office)) == expected
    page = measure_page(user=office, inspection=world["inspection"], states=MeasureState.values)
    assert ids(page.measures) == expected
    foreign = measure_page(
        user=office, inspection=world["other"].inspection, states=MeasureState.values
    )
    assert foreign.measures == []


def test_a_role_held_for_one_inspection_reads_that_one_only(world) -> None:
    second = InspectionFactory(organisation=world["committee"])
    later = MeasureFactory(inspection=second)
    inspector = grant(Role.INSPECTOR, world["committee"], inspection=second)
    assert ids(visible_measures(inspector)) == {later.pk}
    assert list(visible_inspections(inspector)) == [second]


def test_a_sub_tree_role_reads_the_inspections_below(world) -> None:
    province = OrganisationFactory(name="某市纪委监委")
    inspection = InspectionFactory(organisation=OrganisationFactory(parent=province))
    below = MeasureFactory(inspection=inspection)
    supervisor = grant(Role.SUPERVISOR, province, include_subtree=True)
    plain = grant(Role.SUPERVISOR, province)
    assert ids(visible_measures(supervisor)) == {below.pk}
    assert ids(visible_measures(plain)) == set()


def test_anonymous_inactive_and_roleless_users_read_nothing(world) -> None:
    inactive = grant(Role.OFFICE, world["committee"])
    inactive.is_active = False
    inactive.save()
    for user in (AnonymousUser(), inactive, UserFactory()):
        assert ids(visible_measures(user)) == set()
        assert list(visible_inspections(user)) == []
        assert measure_page(user=user, states=MeasureState.values).measures == []


def test_the_state_count_has_every_state_and_groups_on_request(world) -> None:
    world["led"].state = MeasureState.CLOSED
    world["led"].closed_at = world["led"].created_at
    world["led"].save()
    counts = measure_state_counts(Measure.objects.filter(inspection=world["inspection"]))
    assert counts[()][MeasureState.CLOSED] == 1
    assert counts[()][MeasureState.PLANNED] == 2
    assert set(counts[()]) == set(MeasureState.values)
    by = measure_state_counts(Measure.objects.all(), by=("inspection_id",))
    assert sum(by[(world["inspection"].pk,)].values()) == 3
    assert sum(by[(world["other"].inspection_id,)].values()) == 1
    assert measure_state_counts(Measure.objects.none())[()] == dict.fromkeys(
        MeasureState.values, 0
    )
