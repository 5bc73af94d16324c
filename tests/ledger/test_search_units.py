"""The units under each problem and finding (`SearchUnit`), which scope a unit's search:
kept current by the services that change a measure's lead unit and its assignments, equal
to a rebuild, held to a grant's inspection, and filled by the migration that made them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.factories import OrganisationFactory, UserFactory
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import Organisation, RoleAssignment, User
from zhenggai.core.parser import parse_bytes, parse_text
from zhenggai.core.synthetic import generate
from zhenggai.ledger.choices import FindingScope
from zhenggai.ledger.models import Finding, Inspection, Measure, SearchUnit
from zhenggai.ledger.selectors.search import search
from zhenggai.ledger.services.importing import document_import
from zhenggai.ledger.services.plan.assignments import assignment_create, finding_set_scope
from zhenggai.ledger.services.plan.measures import measure_update
from zhenggai.ledger.services.search_index import search_index_rebuild

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def seed(seed_path: Path) -> Inspection:
    data = seed_path.read_bytes()
    return document_import(
        document=parse_bytes(data, filename="seed.txt"), data=data, filename="seed.txt", actor=None
    ).inspection


def _user(role: str, organisation: Organisation) -> User:
    user = UserFactory()
    RoleAssignment.objects.create(
        user=user, role=role, organisation=organisation, include_subtree=role == Role.OFFICE
    )
    return user


def _found(user: User, finding: Finding) -> tuple[bool, bool]:
    """Whether `user` finds `finding` and its problem by a word of each."""
    in_finding = {h.obj.pk for h in search(user, finding.text[:4], kind="f").hits}
    problem = finding.problem
    in_problem = {h.obj.pk for h in search(user, problem.title[:4], kind="p").hits}
    return finding.pk in in_finding, problem.pk in in_problem


def _rows() -> set[tuple[str, int, int, int]]:
    return set(SearchUnit.objects.values_list("kind", "object_id", "unit_id", "inspection_id"))


def _assert_a_rebuild_changes_nothing() -> None:
    kept = _rows()
    search_index_rebuild()
    assert _rows() == kept


def _first_measure(seed: Inspection) -> tuple[Measure, Finding]:
    measure = seed.measures.order_by("pk").first()
    assert measure is not None
    finding = measure.findings.get()
    assert len(finding.text) >= 4 and len(finding.problem.title) >= 4
    return measure, finding


def test_a_new_lead_unit_finds_the_finding_and_the_old_one_no_longer(seed: Inspection) -> None:
    office = _user(Role.OFFICE, seed.organisation)
    first, second = (OrganisationFactory(parent=seed.organisation) for _ in range(2))
    measure, finding = _first_measure(seed)
    one, two = _user(Role.UNIT, first), _user(Role.UNIT, second)
    assert _found(one, finding) == (False, False)
    measure_update(measure=measure, actor=office, lead_unit=first)
    assert _found(one, finding) == (True, True)
    measure_update(measure=measure, actor=office, lead_unit=second)
    assert _found(one, finding) == (False, False)
    assert _found(two, finding) == (True, True)
    _assert_a_rebuild_changes_nothing()


def test_an_assignment_made_and_withdrawn(seed: Inspection) -> None:
    office = _user(Role.OFFICE, seed.organisation)
    unit = OrganisationFactory(parent=seed.organisation)
    measure, finding = _first_measure(seed)
    reader = _user(Role.UNIT, unit)
    assignment_create(measure=measure, unit=unit, actor=office)
    assert _found(reader, finding) == (True, True)
    search_index_rebuild(inspection=seed)
    assert _found(reader, finding) == (True, True)
    # A common finding's per-unit assignments go with the unit it no longer concerns.
    other = OrganisationFactory(parent=seed.organisation)
    finding_set_scope(finding=finding, scope=FindingScope.COMMON, concerned_units=[other],
                      actor=office)
    assert _found(_user(Role.UNIT, other), finding) == (True, True)
    incremental = _rows()
    finding_set_scope(finding=finding, scope=FindingScope.INDIVIDUAL, concerned_units=[],
                      actor=office)
    assert _found(_user(Role.UNIT, other), finding) == (False, False)
    assert _found(reader, finding) == (True, True)  # its own assignment stays
    assert _rows() < incremental
    _assert_a_rebuild_changes_nothing()


def test_a_grant_for_one_inspection_reads_only_that_inspection(seed: Inspection) -> None:
    office = _user(Role.OFFICE, seed.organisation)
    unit = OrganisationFactory(parent=seed.organisation)
    measure, finding = _first_measure(seed)
    measure_update(measure=measure, actor=office, lead_unit=unit)
    other = document_import(
        document=parse_text(generate(seed=3)[0], filename="other.txt"), data=None,
        filename="other.txt", actor=None,
    ).inspection
    readers = {}
    for inspection in (seed, other):
        readers[inspection.pk] = UserFactory()
        RoleAssignment.objects.create(
            user=readers[inspection.pk], role=Role.UNIT, organisation=unit, inspection=inspection
        )
    assert _found(readers[seed.pk], finding) == (True, True)
    assert _found(readers[other.pk], finding) == (False, False)


def test_the_migration_fills_the_units_of_the_ledger_already_there(seed: Inspection) -> None:
    from importlib import import_module

    from django.apps import apps

    office = _user(Role.OFFICE, seed.organisation)
    unit = OrganisationFactory(parent=seed.organisation)
    measure, _finding = _first_measure(seed)
    measure_update(measure=measure, actor=office, lead_unit=unit)
    assignment_create(measure=measure, unit=OrganisationFactory(parent=seed.organisation),
                      actor=office)
    expected = _rows()
    assert expected
    SearchUnit.objects.all().delete()
    import_module("zhenggai.ledger.migrations.0014_search_unit").fill(apps, None)
    assert _rows() == expected
