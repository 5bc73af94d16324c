"""Evidence download (ledger:evidence-download): only for those who may read it, else 404."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import include, path, reverse

from tests.factories import AssignmentFactory
from tests.ledger.test_formal_reports import report_of
from tests.ledger.test_formal_reports import submit as formal_submit
from tests.ledger.test_progress import PERSONAS, World, make_world, pdf_bytes, submit, upload
from zhenggai.ledger.models import EvidenceFile
from zhenggai.ledger.services.close_out import close_out_request_create

# Until the project's urls.py includes ledger.urls, this module is its own URLconf.
urlpatterns = [path("", include("zhenggai.ledger.urls"))]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _evidence(w: World, data: bytes) -> EvidenceFile:
    report = submit(w, files=[upload("会议纪要（第3次）.pdf", data)])
    return report.evidence.get()


def _get(client: Client, user: Any, evidence_id: int) -> Any:
    if user is not None:
        client.force_login(user)
    return client.get(reverse("ledger:evidence-download", args=[evidence_id]))


def test_the_url_is_named_as_agreed() -> None:
    assert reverse("ledger:evidence-download", args=[7]) == "/evidence/7/"


#: Who reads the evidence of unit A's measure: its own unit and whoever has VIEW on the
#: inspection (accounts.permissions gives VIEW to every role of the organisation, admin too).
READERS = {"unit", "office", "leader", "supervisor", "inspector", "admin"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_download_matrix(persona: str, client: Client) -> None:
    w = make_world()
    data = pdf_bytes()
    evidence = _evidence(w, data)
    response = _get(client, w.users[persona], evidence.pk)
    if persona in READERS:
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == data
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
    else:
        assert response.status_code == 404


def test_a_forbidden_file_and_a_missing_one_look_the_same(client: Client) -> None:
    w = make_world()
    evidence = _evidence(w, pdf_bytes())
    forbidden = _get(client, w.other_unit, evidence.pk)
    missing = _get(client, w.other_unit, evidence.pk + 1000)
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.content == missing.content


def test_anonymous_users_get_nothing(client: Client) -> None:
    w = make_world()
    evidence = _evidence(w, pdf_bytes())
    assert _get(client, None, evidence.pk).status_code == 404


def test_only_get_is_served(client: Client) -> None:
    w = make_world()
    evidence = _evidence(w, pdf_bytes())
    client.force_login(w.office)
    url = reverse("ledger:evidence-download", args=[evidence.pk])
    assert client.post(url).status_code == 405


def test_an_assignment_unit_reads_its_own_close_out_evidence(client: Client) -> None:
    w = make_world()
    assignment = AssignmentFactory(measure=w.measure, unit=w.unit_b)
    request = close_out_request_create(
        measure=w.measure,
        assignment=assignment,
        summary="已完成",
        files=[upload("验收单.pdf")],
        actor=w.other_unit,
    )
    evidence = request.evidence.get()
    assert _get(client, w.other_unit, evidence.pk).status_code == 200
    client.logout()
    # The lead unit of the measure does not read another unit's assignment evidence.
    assert _get(client, w.unit, evidence.pk).status_code == 404


def test_the_original_name_is_the_download_name(client: Client) -> None:
    w = make_world()
    evidence = _evidence(w, pdf_bytes())
    response = _get(client, w.office, evidence.pk)
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert "%E4%BC%9A%E8%AE%AE" in response["Content-Disposition"]  # 会议


#: A formal report's files belong to the inspection: every role on it reads them, a
#: responsible unit (which holds VIEW only for its own unit's items) does not.
REPORT_READERS = {"office", "leader", "supervisor", "inspector", "admin"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_formal_report_files_are_served_to_the_inspections_readers(
    persona: str, client: Client
) -> None:
    w = make_world()
    data = pdf_bytes()
    submission = formal_submit(w, report_of(w), files=[upload("整改情况报告.pdf", data)])
    evidence = submission.evidence.get()
    response = _get(client, w.users[persona], evidence.pk)
    if persona in REPORT_READERS:
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == data
    else:
        assert response.status_code == 404
