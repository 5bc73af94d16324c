"""Progress reports and evidence (ledger.services.progress).

`make_world()` and the upload helpers here are shared by the other workflow test modules
(close-out, evidence view, concurrency, scenario).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from docx import Document as DocxDocument

from tests.factories import (
    AssignmentFactory,
    FindingFactory,
    InspectionFactory,
    MeasureFactory,
    OrganisationFactory,
    UserFactory,
)
from zhenggai import clock
from zhenggai.accounts.choices import OrganisationKind, Role
from zhenggai.accounts.models import Organisation, RoleAssignment, User
from zhenggai.audit.models import AuditEntry
from zhenggai.ledger.choices import MeasureState
from zhenggai.ledger.models import (
    Acceptance,
    CheckIn,
    CloseOutRequest,
    CloseOutReview,
    EvidenceFile,
    Finding,
    FollowUpReview,
    Inspection,
    Measure,
    ProgressReport,
    Reopening,
)
from zhenggai.ledger.services import progress as svc
from zhenggai.ledger.services.progress import (
    evidence_add,
    progress_report_correct,
    progress_report_submit,
)

# --- shared helpers --------------------------------------------------------------------

_counter = iter(range(1, 10**9))


def _unique() -> bytes:
    return f"zhenggai-{next(_counter)}".encode()


def pdf_bytes(tag: bytes | None = None) -> bytes:
    return b"%PDF-1.4\n% " + (tag or _unique()) + b"\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def png_bytes() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + _unique()


def jpg_bytes() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + _unique() + b"\xff\xd9"


def docx_bytes() -> bytes:
    document = DocxDocument()
    document.add_paragraph("整改佐证：" + _unique().decode())
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["整改台账", _unique().decode()])  # type: ignore[union-attr]
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def zip_bytes(names: list[str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "x" + _unique().decode())
    return out.getvalue()


def upload(name: str = "佐证.pdf", data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes() if data is None else data)


@dataclass
class World:
    """One inspection of a committee with two units, a persona per role, and outsiders."""

    inspection: Inspection
    committee: Organisation
    unit_a: Organisation
    unit_b: Organisation
    finding: Finding
    measure: Measure
    users: dict[str, User] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


def grant(
    user: User,
    role: str,
    organisation: Organisation,
    *,
    subtree: bool = True,
    inspection: Inspection | None = None,
) -> User:
    RoleAssignment.objects.create(
        user=user,
        role=role,
        organisation=organisation,
        include_subtree=subtree,
        inspection=inspection,
    )
    return user


#: Every persona of the permission matrices: in the organisation and outside it.
PERSONAS = [
    "office",
    "leader",
    "unit",
    "other_unit",
    "supervisor",
    "inspector",
    "admin",
    "office_out",
    "leader_out",
    "unit_out",
    "supervisor_out",
    "inspector_out",
]


def make_world(**inspection_kwargs: Any) -> World:
    committee = OrganisationFactory(kind=OrganisationKind.COMMITTEE)
    unit_a = OrganisationFactory(parent=committee)
    unit_b = OrganisationFactory(parent=committee)
    elsewhere = OrganisationFactory(kind=OrganisationKind.COMMITTEE)
    elsewhere_unit = OrganisationFactory(parent=elsewhere)
    inspection = InspectionFactory(organisation=committee, **inspection_kwargs)
    finding = FindingFactory(inspection=inspection)
    measure = MeasureFactory(inspection=inspection, lead_unit=unit_a, findings=[finding])
    u = UserFactory
    users = {
        "office": grant(u(), Role.OFFICE, committee),
        "office2": grant(u(), Role.OFFICE, committee),
        "leader": grant(u(), Role.LEADER, committee),
        "unit": grant(u(), Role.UNIT, unit_a, subtree=False),
        "unit2": grant(u(), Role.UNIT, unit_a, subtree=False),
        "other_unit": grant(u(), Role.UNIT, unit_b, subtree=False),
        "supervisor": grant(u(), Role.SUPERVISOR, committee),
        "inspector": grant(u(), Role.INSPECTOR, committee, inspection=inspection),
        "admin": grant(u(), Role.ADMIN, committee),
        "office_out": grant(u(), Role.OFFICE, elsewhere),
        "leader_out": grant(u(), Role.LEADER, elsewhere),
        "unit_out": grant(u(), Role.UNIT, elsewhere_unit, subtree=False),
        "supervisor_out": grant(u(), Role.SUPERVISOR, elsewhere),
        "inspector_out": grant(u(), Role.INSPECTOR, elsewhere),
    }
    return World(
        inspection=inspection,
        committee=committee,
        unit_a=unit_a,
        unit_b=unit_b,
        finding=finding,
        measure=measure,
        users=users,
    )


def fingerprint() -> dict[str, Any]:
    """Everything a workflow service may change: a forbidden call must leave it equal."""
    return {
        "audit": AuditEntry.objects.count(),
        "reports": ProgressReport.objects.count(),
        "evidence": EvidenceFile.objects.count(),
        "requests": list(CloseOutRequest.objects.order_by("pk").values_list("pk", "state")),
        "reviews": CloseOutReview.objects.count(),
        "acceptances": Acceptance.objects.count(),
        "reopenings": Reopening.objects.count(),
        "follow_ups": FollowUpReview.objects.count(),
        "check_ins": list(CheckIn.objects.order_by("pk").values_list("pk", "done_at")),
        "measures": list(Measure.objects.order_by("pk").values_list("pk", "state", "version")),
        "findings": list(Finding.objects.order_by("pk").values_list("pk", "state")),
    }


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


TODAY = timezone.localdate


def submit(w: World, **kwargs: Any) -> ProgressReport:
    params: dict[str, Any] = {
        "measure": w.measure,
        "narrative": "已召开专题会议研究部署，制度修订稿已印发。",
        "percent": 60,
        "as_of": TODAY(),
        "files": [upload()],
        "actor": w.unit,
    }
    params.update(kwargs)
    return progress_report_submit(**params)


# --- submitting -------------------------------------------------------------------------

pytestmark = pytest.mark.django_db


def test_it_files_a_report_and_starts_a_planned_measure() -> None:
    w = make_world()
    report = submit(w)
    w.measure.refresh_from_db()
    assert report.version == 1 and report.supersedes is None
    assert report.author == w.unit and report.percent == 60
    assert w.measure.state == MeasureState.IN_PROGRESS
    assert w.measure.started_at is not None
    assert w.measure.version == 2
    assert report.evidence.count() == 1
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions == ["progress_report.submit", "evidence.add", "measure.start"]


def test_a_second_report_keeps_the_first_start_time() -> None:
    w = make_world()
    submit(w)
    w.measure.refresh_from_db()
    started = w.measure.started_at
    submit(w, percent=80)
    w.measure.refresh_from_db()
    assert w.measure.started_at == started
    assert w.measure.version == 2  # no state change, no version bump
    assert ProgressReport.objects.filter(measure=w.measure).count() == 2


def test_a_returned_measure_goes_back_to_in_progress() -> None:
    w = make_world()
    first = timezone.now() - dt.timedelta(days=5)
    Measure.objects.filter(pk=w.measure.pk).update(
        state=MeasureState.RETURNED, started_at=first, returned_at=timezone.now()
    )
    submit(w)
    w.measure.refresh_from_db()
    assert w.measure.state == MeasureState.IN_PROGRESS
    assert w.measure.started_at == first


def test_an_assignment_report_starts_the_assignment_and_the_measure() -> None:
    w = make_world()
    assignment = AssignmentFactory(measure=w.measure, unit=w.unit_b)
    submit(w, assignment=assignment, actor=w.other_unit)
    assignment.refresh_from_db()
    w.measure.refresh_from_db()
    assert assignment.state == MeasureState.IN_PROGRESS and assignment.started_at
    assert w.measure.state == MeasureState.IN_PROGRESS


def test_the_lead_unit_may_not_report_on_another_units_assignment() -> None:
    w = make_world()
    assignment = AssignmentFactory(measure=w.measure, unit=w.unit_b)
    before = fingerprint()
    with pytest.raises(PermissionDenied, match="填报整改进展"):
        submit(w, assignment=assignment, actor=w.unit)
    assert fingerprint() == before


def test_an_assignment_of_another_measure_is_refused() -> None:
    w = make_world()
    other = AssignmentFactory(
        measure=MeasureFactory(inspection=w.inspection, lead_unit=w.unit_a), unit=w.unit_a
    )
    with pytest.raises(ValidationError, match=svc.ASSIGNMENT_NOT_OF_MEASURE):
        submit(w, assignment=other)


@pytest.mark.parametrize("state", [MeasureState.CLOSED, MeasureState.WATCHING])
def test_nothing_is_reported_after_close_out(state: str) -> None:
    w = make_world()
    now = timezone.now()
    Measure.objects.filter(pk=w.measure.pk).update(state=state, closed_at=now, watching_since=now)
    before = fingerprint()
    with pytest.raises(ValidationError, match=svc.MEASURE_CLOSED):
        submit(w)
    assert fingerprint() == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"narrative": "  "}, svc.NARRATIVE_REQUIRED),
        ({"percent": 101}, svc.PERCENT_RANGE),
        ({"as_of": dt.date.today() + dt.timedelta(days=3)}, svc.AS_OF_IN_FUTURE),
    ],
)
def test_bad_report_fields_are_refused(changes: dict[str, Any], message: str) -> None:
    w = make_world()
    before = fingerprint()
    with pytest.raises(ValidationError, match=message):
        submit(w, **changes)
    assert fingerprint() == before


# --- corrections --------------------------------------------------------------------------


def test_a_correction_is_a_new_version_and_the_original_stays() -> None:
    w = make_world()
    original = submit(w, narrative="原始表述", percent=40)
    corrected = progress_report_correct(
        report=original, narrative="更正后的表述", percent=45, as_of=TODAY(), actor=w.unit2
    )
    original.refresh_from_db()
    assert original.narrative == "原始表述" and original.percent == 40
    assert corrected.version == 2 and corrected.supersedes == original
    assert corrected.author == w.unit2
    entry = AuditEntry.objects.get(action="progress_report.correct")
    assert entry.before["narrative"] == "原始表述"
    assert entry.after["narrative"] == "更正后的表述"


def test_filing_and_correcting_a_report_keep_the_measures_last_report_time() -> None:
    """The stalled filter reads `Measure.last_reported_at`: both paths that file a
    report set it to that report's time, and a report is not an edit of the measure."""
    w = make_world()
    assert Measure.objects.get(pk=w.measure.pk).last_reported_at is None
    earlier = timezone.now() - dt.timedelta(days=3)
    with clock.travel(earlier):
        original = submit(w, as_of=timezone.localtime(earlier).date())
    measure = Measure.objects.get(pk=w.measure.pk)
    assert measure.last_reported_at == original.reported_at
    version, updated = measure.version, measure.updated_at
    corrected = progress_report_correct(
        report=original, narrative="更正后的表述", percent=45, as_of=TODAY(), actor=w.unit
    )
    measure = Measure.objects.get(pk=w.measure.pk)
    assert corrected.reported_at > original.reported_at
    assert measure.last_reported_at == corrected.reported_at
    assert (measure.version, measure.updated_at) == (version, updated)


def test_only_the_latest_version_can_be_corrected() -> None:
    w = make_world()
    original = submit(w)
    progress_report_correct(
        report=original, narrative="更正一", percent=50, as_of=TODAY(), actor=w.unit
    )
    with pytest.raises(ValidationError, match=svc.ALREADY_CORRECTED):
        progress_report_correct(
            report=original, narrative="更正二", percent=50, as_of=TODAY(), actor=w.unit
        )


def test_another_unit_may_not_correct_a_report() -> None:
    w = make_world()
    original = submit(w)
    before = fingerprint()
    with pytest.raises(PermissionDenied):
        progress_report_correct(
            report=original, narrative="篡改", percent=100, as_of=TODAY(), actor=w.other_unit
        )
    assert fingerprint() == before


def test_a_report_of_a_closed_measure_cannot_be_corrected() -> None:
    w = make_world()
    original = submit(w)
    Measure.objects.filter(pk=w.measure.pk).update(
        state=MeasureState.CLOSED, closed_at=timezone.now()
    )
    with pytest.raises(ValidationError, match=svc.MEASURE_CLOSED):
        progress_report_correct(
            report=original, narrative="改", percent=1, as_of=TODAY(), actor=w.unit
        )


# --- evidence -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "make", "content_type"),
    [
        ("通知.pdf", pdf_bytes, "application/pdf"),
        ("现场.png", png_bytes, "image/png"),
        ("现场.jpg", jpg_bytes, "image/jpeg"),
        (
            "制度.docx",
            docx_bytes,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "台账.xlsx",
            xlsx_bytes,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_each_allowed_type_is_stored_with_its_hash(name: str, make: Any, content_type: str) -> None:
    w = make_world()
    data = make()
    report = submit(w, files=[upload(name, data)])
    evidence = report.evidence.get()
    assert evidence.content_type == content_type
    assert evidence.size == len(data)
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    assert evidence.original_name == name
    assert evidence.uploaded_by == w.unit
    assert default_storage.exists(evidence.file.name)
    with default_storage.open(evidence.file.name, "rb") as handle:
        assert handle.read() == data


def test_the_type_comes_from_the_content_not_the_name() -> None:
    w = make_world()
    report = submit(w, files=[upload("扫描件.txt", pdf_bytes())])
    evidence = report.evidence.get()
    assert evidence.content_type == "application/pdf"
    assert evidence.file.name.endswith(".pdf")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("伪装.pdf", b"MZ\x90\x00\x03\x00\x00\x00 this is an executable"),
        ("旧版.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 legacy ole"),
        ("压缩包.docx", zip_bytes(["readme.txt"])),
        ("无内容类型.docx", zip_bytes(["word/document.xml"])),
        ("坏压缩.docx", b"PK\x03\x04 broken zip"),
        ("网页.png", b"<html><script>alert(1)</script></html>"),
    ],
)
def test_other_content_is_refused_and_nothing_is_written(
    name: str, data: bytes, _media: Path
) -> None:
    w = make_world()
    before = fingerprint()
    with pytest.raises(ValidationError, match="类型不受支持"):
        submit(w, files=[upload(name, data)])
    assert fingerprint() == before
    assert stored_files(_media) == []


def test_a_refused_file_in_a_batch_writes_no_other_file(_media: Path) -> None:
    w = make_world()
    with pytest.raises(ValidationError, match="类型不受支持"):
        submit(w, files=[upload("好.pdf"), upload("坏.pdf", b"not a pdf")])
    assert ProgressReport.objects.count() == 0
    assert stored_files(_media) == []


def test_the_size_limit_comes_from_the_setting(settings: Any) -> None:
    settings.ZHENGGAI_EVIDENCE_MAX_BYTES = 64
    w = make_world()
    with pytest.raises(ValidationError, match="超过大小上限"):
        submit(w, files=[upload("大.pdf", pdf_bytes(b"x" * 100))])
    submit(w, files=[upload("小.pdf", b"%PDF-1.4\n%%EOF\n")])


def test_the_default_size_limit_is_20_mb() -> None:
    assert svc.evidence_max_bytes() == 20 * 1024 * 1024


@pytest.mark.parametrize(("value", "expected"), [(None, 20 * 1024 * 1024), ("1048576", 1048576)])
def test_the_size_limit_is_declared_from_the_environment(
    value: str | None, expected: int, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "ZHENGGAI_EVIDENCE_MAX_BYTES"}
    env.update({"ZHENGGAI_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "zhenggai.settings"})
    if value is not None:
        env["ZHENGGAI_EVIDENCE_MAX_BYTES"] = value
    code = "from django.conf import settings; print(settings.ZHENGGAI_EVIDENCE_MAX_BYTES)"
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert int(proc.stdout.strip()) == expected


def test_an_empty_file_is_refused() -> None:
    w = make_world()
    with pytest.raises(ValidationError, match="文件为空"):
        submit(w, files=[upload("空.pdf", b"")])


def test_the_same_file_twice_in_one_report_is_refused() -> None:
    w = make_world()
    data = pdf_bytes()
    with pytest.raises(ValidationError, match="请勿重复上传"):
        submit(w, files=[upload("一.pdf", data), upload("二.pdf", data)])
    report = submit(w, files=[upload("一.pdf", data)])
    with pytest.raises(ValidationError, match="请勿重复上传"):
        evidence_add(upload=upload("一（副本）.pdf", data), progress_report=report, actor=w.unit)
    assert report.evidence.count() == 1


def test_the_same_file_on_another_report_is_recognised_and_reused(_media: Path) -> None:
    w = make_world()
    data = pdf_bytes()
    first = submit(w, files=[upload("通知.pdf", data)]).evidence.get()
    second = submit(w, files=[upload("通知（再次）.pdf", data)]).evidence.get()
    assert second.pk != first.pk
    assert second.file.name == first.file.name  # one stored copy
    assert second.sha256 == first.sha256
    assert len(stored_files(_media)) == 1
    entry = AuditEntry.objects.filter(action="evidence.add").order_by("-seq").first()
    assert entry is not None and entry.after["reused_from"] == first.pk


def test_the_same_file_for_another_measure_is_stored_on_its_own(_media: Path) -> None:
    w = make_world()
    data = pdf_bytes()
    submit(w, files=[upload("通知.pdf", data)])
    other = MeasureFactory(inspection=w.inspection, lead_unit=w.unit_a)
    submit(w, measure=other, files=[upload("通知.pdf", data)])
    assert len(stored_files(_media)) == 2


def test_evidence_can_be_added_to_the_latest_report_only() -> None:
    w = make_world()
    report = submit(w)
    added = evidence_add(upload=upload("补充.pdf"), progress_report=report, actor=w.unit)
    assert added.progress_report == report
    progress_report_correct(
        report=report, narrative="更正", percent=70, as_of=TODAY(), actor=w.unit
    )
    with pytest.raises(ValidationError, match=svc.EVIDENCE_REPORT_SUPERSEDED):
        evidence_add(upload=upload("再补充.pdf"), progress_report=report, actor=w.unit)


def test_evidence_needs_exactly_one_target() -> None:
    w = make_world()
    with pytest.raises(ValidationError, match=svc.EVIDENCE_ONE_TARGET):
        evidence_add(upload=upload(), actor=w.unit)


def test_evidence_add_checks_permission() -> None:
    w = make_world()
    report = submit(w)
    before = fingerprint()
    for name in ("other_unit", "office", "unit_out", "inspector"):
        with pytest.raises(PermissionDenied):
            evidence_add(upload=upload(), progress_report=report, actor=w.users[name])
    assert fingerprint() == before


# --- permission matrix ---------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix_progress_report_submit(persona: str) -> None:
    w = make_world()
    actor = w.users[persona]
    if persona == "unit":
        submit(w, actor=actor)
        assert ProgressReport.objects.count() == 1
        return
    before = fingerprint()
    with pytest.raises(PermissionDenied, match="填报整改进展"):
        submit(w, actor=actor)
    assert fingerprint() == before


@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix_progress_report_correct(persona: str) -> None:
    w = make_world()
    report = submit(w)
    actor = w.users[persona]
    if persona == "unit":
        progress_report_correct(
            report=report, narrative="更正", percent=1, as_of=TODAY(), actor=actor
        )
        return
    before = fingerprint()
    with pytest.raises(PermissionDenied):
        progress_report_correct(
            report=report, narrative="更正", percent=1, as_of=TODAY(), actor=actor
        )
    assert fingerprint() == before
