"""finding_set_key: the office marks key findings (重点问题) while no close-out is under review."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.ledger.test_progress import PERSONAS, World, make_world, upload
from zhenggai.audit.models import AuditEntry
from zhenggai.ledger.choices import FindingState
from zhenggai.ledger.models import Finding
from zhenggai.ledger.services.close_out import (
    close_out_request_approve,
    close_out_request_create,
    close_out_request_leader_approve,
)
from zhenggai.ledger.services.key_findings import FINDING_CLOSED, UNDER_REVIEW, finding_set_key
from zhenggai.ledger.services.progress import progress_report_submit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def w() -> World:
    return make_world()


def _request(w: World) -> Any:
    from django.utils import timezone

    progress_report_submit(
        measure=w.measure, narrative="已完成", percent=100, as_of=timezone.localdate(),
        files=[upload()], actor=w.unit,
    )
    return close_out_request_create(
        measure=w.measure, summary="申请销号", files=[upload("销号.pdf", b"%PDF-1.4 other")], actor=w.unit
    )


def test_the_office_marks_a_key_finding_and_it_is_audited(w: World) -> None:
    finding_set_key(finding=w.finding, is_key=True, actor=w.office)
    assert Finding.objects.get(pk=w.finding.pk).is_key
    entry = AuditEntry.objects.get(action="finding.set_key")
    assert (entry.before, entry.after, entry.actor) == ({"is_key": False}, {"is_key": True}, w.office)


def test_an_unchanged_mark_writes_nothing(w: World) -> None:
    finding_set_key(finding=w.finding, is_key=False, actor=w.office)
    assert not AuditEntry.objects.filter(action="finding.set_key").exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_inspections_office_may(w: World, persona: str) -> None:
    user = getattr(w, persona)
    if persona == "office":
        finding_set_key(finding=w.finding, is_key=True, actor=user)
        assert Finding.objects.get(pk=w.finding.pk).is_key
        return
    with pytest.raises(PermissionDenied):
        finding_set_key(finding=w.finding, is_key=True, actor=user)
    assert not Finding.objects.get(pk=w.finding.pk).is_key
    assert not AuditEntry.objects.filter(action="finding.set_key").exists()


def test_refused_while_a_close_out_is_under_review(w: World) -> None:
    request = _request(w)
    with pytest.raises(ValidationError) as caught:
        finding_set_key(finding=w.finding, is_key=True, actor=w.office)
    assert caught.value.messages == [UNDER_REVIEW]
    assert not Finding.objects.get(pk=w.finding.pk).is_key
    assert request.state == "pending"


def test_a_key_finding_makes_its_close_out_wait_for_the_leader(w: World) -> None:
    finding_set_key(finding=w.finding, is_key=True, actor=w.office)
    request = _request(w)
    close_out_request_approve(request=request, actor=w.office2)
    request.refresh_from_db()
    assert request.state == "office_approved"
    with pytest.raises(ValidationError) as caught:
        finding_set_key(finding=w.finding, is_key=False, actor=w.office)
    assert caught.value.messages == [UNDER_REVIEW]
    close_out_request_leader_approve(request=request, actor=w.leader)
    finding = Finding.objects.get(pk=w.finding.pk)
    assert finding.state == FindingState.CLOSED
    with pytest.raises(ValidationError) as caught:
        finding_set_key(finding=finding, is_key=False, actor=w.office)
    assert caught.value.messages == [FINDING_CLOSED]
