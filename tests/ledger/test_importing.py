"""document_import: the seed into the ledger, once, atomically (DESIGN.md §2, §7)."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied

from tests.factories import OrganisationFactory, UserFactory
from zhenggai.accounts.choices import OrganisationKind
from zhenggai.accounts.models import Organisation
from zhenggai.audit.models import AuditEntry
from zhenggai.core.document import Document
from zhenggai.core.parser import parse_bytes
from zhenggai.ledger.choices import AnswerKind, MeasureState, Urgency
from zhenggai.ledger.models import (
    Aspect,
    Finding,
    Inspection,
    Measure,
    MeasureFinding,
    Problem,
    SourceDocument,
)
from zhenggai.ledger.services import importing
from zhenggai.ledger.services.importing import (
    ALREADY_IMPORTED,
    AUDIT_ACTION,
    DUPLICATE_NUMBER,
    AlreadyImported,
    document_import,
)

pytestmark = pytest.mark.django_db
SEED_ISSUER = "中共蚌埠市龙子湖区城市管理局委员会"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="module")
def seed(seed_path: Path) -> tuple[bytes, Document]:
    data = seed_path.read_bytes()
    return data, parse_bytes(data, filename=seed_path.name)


def import_seed(seed: tuple[bytes, Document], **kwargs: Any) -> importing.ImportResult:
    data, document = seed
    return document_import(
        document=document, data=data, filename="seed.txt", **{"actor": None, **kwargs}
    )


def stored_files(settings: Any) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_the_seed_becomes_a_ledger_of_6_12_25_44(seed):
    result = import_seed(seed)
    inspection = result.inspection
    assert result.counts == {"aspects": 6, "problems": 12, "findings": 25, "measures": 44}
    assert Aspect.objects.filter(inspection=inspection).count() == 6
    assert Problem.objects.filter(inspection=inspection).count() == 12
    assert Finding.objects.filter(inspection=inspection).count() == 25
    assert Measure.objects.filter(inspection=inspection).count() == 44
    assert Finding.objects.filter(answer_kind=AnswerKind.RECTIFIED).count() == 23
    explained = Finding.objects.filter(answer_kind=AnswerKind.EXPLAINED)
    assert explained.count() == 2
    assert not Measure.objects.filter(findings__in=explained).exists()
    # Problems are numbered 1–12 across aspects, in document order.
    assert list(Problem.objects.order_by("aspect__sort_order", "sort_order").values_list("no", flat=True)) == list(range(1, 13))


def test_the_inspection_carries_what_the_document_says(seed):
    inspection = import_seed(seed).inspection
    # The seed has no title line: the title is built from group, target and kind.
    assert inspection.title == "区委第二巡察组对区城管局党委和局属二级单位的常规巡察"
    assert inspection.group == "区委第二巡察组"
    assert (inspection.level, inspection.kind) == ("xuncha", "regular")
    assert str(inspection.start) == "2019-03-26"
    assert str(inspection.end) == "2019-05-15"
    assert str(inspection.feedback_date) == "2019-07-08"
    organisation = inspection.organisation
    assert organisation.name == SEED_ISSUER
    assert organisation.kind == OrganisationKind.COMMITTEE
    assert organisation.path == f"/{organisation.pk}/"
    assert list(inspection.inspected_organisations.all()) == [organisation]


def test_findings_and_measures_keep_markers_and_answers(seed):
    _, document = seed
    parsed_first = next(document.findings())
    import_seed(seed)
    first = Finding.objects.order_by("problem__aspect__sort_order", "problem__sort_order", "sort_order").first()
    assert first is not None
    assert (first.no, first.marker) == (1, "(1)")
    assert first.label == (parsed_first.label or "")
    assert first.text.startswith("重业务轻党建")
    assert first.answer.startswith("一是压紧压实责任")
    measures = list(first.measures.order_by("sort_order"))
    assert [m.no for m in measures] == [1, 2, 3]
    # The seed's typo "二加强" (missing 是) is kept as written.
    assert [m.marker for m in measures] == ["一是", "二", "三是"]
    assert all(m.state == MeasureState.PLANNED and m.urgency == Urgency.SCHEDULED for m in measures)
    # Every measure has exactly one finding, as its primary link.
    assert MeasureFinding.objects.count() == 44
    assert MeasureFinding.objects.filter(is_primary=True).count() == 44


def test_the_source_document_keeps_file_hash_claims_and_warnings(seed, settings):
    data, document = seed
    result = import_seed(seed)
    source = result.source_document
    assert source.sha256 == hashlib.sha256(data).hexdigest() == document.source.sha256
    assert source.inspection == result.inspection
    assert (source.format, source.encoding, source.size) == ("txt", "utf-8", len(data))
    assert source.parser_version == document.parser_version
    assert source.issuer == SEED_ISSUER and str(source.issue_date) == "2020-11-25"
    assert source.claims["measures"] == 47 and source.claims["institutions"] == 16
    assert source.claims_text["measures"]["text"] == "整改措施47条"
    assert source.counts == {"aspects": 6, "problems": 12, "findings": 25, "measures": 44}
    assert "claim_mismatch" in {w["code"] for w in source.warnings}
    assert source.parsed == document.to_dict()
    with source.file.open("rb") as fh:
        assert fh.read() == data
    assert len(stored_files(settings)) == 1


def test_the_import_writes_one_audit_entry(seed):
    result = import_seed(seed)
    entry = AuditEntry.objects.get()
    assert entry.action == AUDIT_ACTION
    assert entry.object_id == str(result.inspection.pk)
    assert entry.after["sha256"] == result.source_document.sha256
    assert entry.after["counts"]["measures"] == 44


def test_a_reimport_of_the_same_bytes_is_refused_naming_the_inspection(seed):
    first = import_seed(seed)
    with pytest.raises(AlreadyImported) as caught:
        import_seed(seed)
    assert caught.value.inspection_id == first.inspection.pk
    assert str(caught.value) == ALREADY_IMPORTED.format(
        name="seed.txt", sha=first.source_document.sha256[:12], inspection_id=first.inspection.pk
    )
    assert Inspection.objects.count() == 1
    assert SourceDocument.objects.count() == 1
    assert AuditEntry.objects.count() == 1


@pytest.mark.parametrize(
    "target",
    ["zhenggai.ledger.services.importing.audit_record", "zhenggai.ledger.models.MeasureFinding.objects.bulk_create"],
)
def test_a_failure_mid_import_leaves_nothing(seed, settings, target):
    with mock.patch(target, side_effect=RuntimeError("injected")), pytest.raises(RuntimeError):
        import_seed(seed)
    assert Inspection.objects.count() == 0
    assert Organisation.objects.count() == 0
    assert Measure.objects.count() == 0
    assert SourceDocument.objects.count() == 0
    assert AuditEntry.objects.count() == 0
    assert stored_files(settings) == []


def test_an_existing_organisation_of_the_issuers_name_is_reused(seed):
    committee = OrganisationFactory(name=SEED_ISSUER, kind=OrganisationKind.COMMITTEE)
    result = import_seed(seed)
    assert result.inspection.organisation == committee
    assert not result.organisation_created
    assert Organisation.objects.count() == 1


def test_an_actor_without_the_import_right_is_refused_and_nothing_is_written(seed):
    OrganisationFactory(name=SEED_ISSUER, kind=OrganisationKind.COMMITTEE)
    with pytest.raises(PermissionDenied):
        import_seed(seed, actor=UserFactory())
    assert Inspection.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_an_office_user_of_the_organisation_may_import(seed):
    from zhenggai.accounts.choices import Role
    from zhenggai.accounts.models import RoleAssignment

    committee = OrganisationFactory(name=SEED_ISSUER, kind=OrganisationKind.COMMITTEE)
    office = UserFactory()
    RoleAssignment.objects.create(user=office, role=Role.OFFICE, organisation=committee)
    result = import_seed(seed, actor=office)
    assert result.source_document.imported_by == office
    assert AuditEntry.objects.get().actor == office


def test_without_bytes_no_file_is_stored(seed, settings):
    _, document = seed
    result = document_import(document=document, data=None, filename="seed.json", actor=None)
    assert not result.source_document.file
    assert stored_files(settings) == []


def test_a_repeated_number_is_imported_without_it_and_reported(seed):
    _, document = seed
    first, second, *rest = document.aspects
    twin = dataclasses.replace(second, no=first.no)
    doubled = dataclasses.replace(document, aspects=(first, twin, *rest))
    result = document_import(document=doubled, data=None, filename="x.json", actor=None)
    assert list(Aspect.objects.order_by("sort_order").values_list("no", flat=True))[:3] == [1, None, 3]
    warning = result.warnings[-1]
    assert warning["code"] == "duplicate_number"
    assert warning["message"] == DUPLICATE_NUMBER.format(level="方面", no=1, line=twin.line)
