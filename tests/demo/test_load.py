"""demo_load: a demo inspection with units, users, roles and a realistic ledger, idempotent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import Organisation, Person, RoleAssignment, User
from zhenggai.accounts.permissions import Action, may
from zhenggai.audit.models import AuditEntry
from zhenggai.core.errors import InputError
from zhenggai.core.parser import parse_bytes
from zhenggai.demo.load import (
    CANNOT_READ,
    FALLBACK_UNIT,
    UNIT_CATALOGUE,
    demo_load,
    demo_source_bytes,
    unit_for,
)
from zhenggai.ledger.models import (
    Aspect,
    Finding,
    Inspection,
    Measure,
    MeasureFinding,
    Problem,
    ProgressReport,
    SourceDocument,
)

pytestmark = pytest.mark.django_db

DEMO_UNITS = ["建设工程质量安全监督站", "房地产服务中心", "城建档案馆", "市政公用事业服务中心", "机关科室"]
SEED_UNITS = ["行政执法大队", "环卫所", "市政所", "绿化所", "机关科室"]
MODELS = [
    Inspection, Aspect, Problem, Finding, Measure, MeasureFinding, ProgressReport,
    SourceDocument, Organisation, User, Person, RoleAssignment,
]


@pytest.fixture(autouse=True)
def _fast(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def row_counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in MODELS}


def test_the_demo_announcement_parses_cleanly():
    data, name = demo_source_bytes()
    document = parse_bytes(data, filename=name)
    assert document.counts == {"aspects": 6, "problems": 10, "findings": 21, "measures": 40}
    assert document.claims["measures"] == 40
    assert document.warnings == ()
    assert document.issuer == "中共示范县住房和城乡建设局党组"
    assert document.inspection.group == "县委第三巡察组"
    assert sum(f.answer_kind == "explained" for f in document.findings()) == 2


def test_the_demo_loads_an_inspection_with_its_units_under_the_committee():
    result = demo_load(password=None, source=None)
    inspection = result.inspection
    assert result.imported
    assert Measure.objects.filter(inspection=inspection).count() == 40
    committee = inspection.organisation
    assert [u.name for u in result.units] == DEMO_UNITS
    for unit in result.units:
        assert unit.parent == committee
        assert unit.path == f"{committee.path}{unit.pk}/"


def test_every_role_gets_a_user_with_the_right_scope():
    result = demo_load(password=None, source=None)
    inspection, committee = result.inspection, result.inspection.organisation
    names = {u.username for u in result.users}
    assert {"admin", "office", "leader", "supervisor", "inspector"} <= names
    assert len(names) == 5 + len(DEMO_UNITS)
    admin = User.objects.get(username="admin")
    assert RoleAssignment.objects.filter(
        user=admin, role=Role.ADMIN, organisation=committee, include_subtree=True
    ).exists()
    for username, role in [("office", Role.OFFICE), ("leader", Role.LEADER),
                           ("supervisor", Role.SUPERVISOR), ("inspector", Role.INSPECTOR)]:
        user = User.objects.get(username=username)
        assignment = RoleAssignment.objects.get(user=user)
        bound = None if role == Role.OFFICE else inspection
        assert (assignment.role, assignment.organisation, assignment.include_subtree,
                assignment.inspection) == (role, committee, True, bound)
        assert may(user, Action.VIEW, inspection=inspection)
    office = User.objects.get(username="office")
    assert may(office, Action.MANAGE_PLAN, inspection=inspection)
    # The office is the committee's standing body: it may import the next inspection.
    assert may(office, Action.IMPORT, organisation=committee)
    assert not may(User.objects.get(username="inspector"), Action.IMPORT, organisation=committee)
    quality = Organisation.objects.get(name="建设工程质量安全监督站")
    unit_user = User.objects.get(role_assignments__role=Role.UNIT, role_assignments__organisation=quality)
    measure = Measure.objects.filter(lead_unit=quality).first()
    assert measure is not None
    assert may(unit_user, Action.REPORT_PROGRESS, inspection=inspection, unit=quality)
    assert not may(unit_user, Action.MANAGE_PLAN, inspection=inspection)


def test_generated_passwords_are_shown_once_and_work():
    first = demo_load(password=None, source=None)
    assert set(first.passwords) == {u.username for u in first.users}
    office = User.objects.get(username="office")
    assert office.check_password(first.passwords["office"])
    again = demo_load(password=None, source=None)
    assert again.passwords == {}
    office.refresh_from_db()
    assert office.check_password(first.passwords["office"])


def test_a_given_password_is_set_for_every_demo_user():
    result = demo_load(password="演示-pw-2026", source=None)
    assert result.passwords == {}
    assert all(User.objects.get(pk=u.pk).check_password("演示-pw-2026") for u in result.users)


def test_running_the_demo_twice_duplicates_nothing():
    demo_load(password=None, source=None)
    before = row_counts()
    states_before = sorted(Measure.objects.values_list("id", "state", "deadline"))
    again = demo_load(password="x", source=None)
    assert not again.imported
    assert row_counts() == before
    assert sorted(Measure.objects.values_list("id", "state", "deadline")) == states_before


def test_the_demo_from_the_seed_creates_the_seeds_units(seed_path):
    result = demo_load(password="x", source=seed_path)
    assert [u.name for u in result.units] == SEED_UNITS
    committee = result.inspection.organisation
    assert committee.name == "中共蚌埠市龙子湖区城市管理局委员会"
    assert set(Organisation.objects.filter(parent=committee).values_list("name", flat=True)) == set(SEED_UNITS)
    # "以大队支部换届为契机" goes to the enforcement brigade, "市政所党支部…" to 市政所.
    brigade = Organisation.objects.get(parent=committee, name="行政执法大队")
    assert Measure.objects.filter(lead_unit=brigade, content__startswith="以大队支部换届").exists()
    assert Measure.objects.filter(lead_unit__name="市政所", content__startswith="制定档案管理制度").exists()
    before = row_counts()
    demo_load(password="x", source=seed_path)
    assert row_counts() == before


def test_the_demo_and_the_seed_share_the_role_users(seed_path):
    demo_load(password="x", source=None)
    seed_result = demo_load(password="x", source=seed_path)
    office = User.objects.get(username="office")
    assert may(office, Action.VIEW, inspection=seed_result.inspection)
    assert User.objects.filter(username="office").count() == 1


def test_the_demo_load_is_audited_and_atomic(monkeypatch):
    import zhenggai.demo.load as demo

    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("injected")

    monkeypatch.setattr(demo, "history_replay", boom)
    with pytest.raises(RuntimeError):
        demo_load(password="x", source=None)
    assert all(n == 0 for n in row_counts().values())
    monkeypatch.undo()
    demo_load(password="x", source=None)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"document.import", "plan.create", "progress_report.submit", "demo.load"} <= actions


def test_an_unreadable_source_is_bad_input(tmp_path):
    missing = tmp_path / "none.txt"
    with pytest.raises(InputError) as caught:
        demo_load(password=None, source=missing)
    assert str(caught.value).startswith(CANNOT_READ.split("（")[0].format(name=missing))


@pytest.mark.parametrize(
    ("texts", "unit"),
    [
        (["以大队、环卫所等支部换届为契机"], "行政执法大队"),
        (["配强环卫所支部班子，以大队为例"], "环卫所"),
        (["及时修订完善党委议事规则", "市政所党支部部分会议记录丢失"], "市政所"),
        (["严格执行财务制度", "公务接待无公函"], FALLBACK_UNIT.name),
    ],
)
def test_a_measure_goes_to_the_unit_it_or_its_finding_names_first(texts, unit):
    assert unit_for(texts, [*UNIT_CATALOGUE, FALLBACK_UNIT]).name == unit
