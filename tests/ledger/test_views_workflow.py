"""The close-out path as forms (views/workflow_*.py): each form posts to one service; errors
beside the field with nothing typed lost (400); 403 with the service's reason; 404 for
another unit's or organisation's ids; the conflict message when two reviewers decide at
once; htmx answers; the evidence preview."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.web.world import PNG, World, _grant, build_world
from zhenggai import clock
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import Action, may
from zhenggai.ledger.choices import (
    AcceptanceParty,
    CloseOutState,
    ExtensionStatus,
    MeasureState,
    Urgency,
)
from zhenggai.ledger.models import (
    Acceptance,
    CheckIn,
    CloseOutRequest,
    Extension,
    Finding,
    Inspection,
    Measure,
    ProgressReport,
)
from zhenggai.ledger.selectors.measure_actions import Permits
from zhenggai.ledger.services.close_out import (
    CHECK_IN_NOTE_REQUIRED,
    EVIDENCE_REQUIRED,
    RETURN_NEEDS_REASON,
    close_out_request_approve,
    close_out_request_create,
)
from zhenggai.ledger.services.extension import EXTENSION_NOT_LATER
from zhenggai.ledger.services.progress import EVIDENCE_BAD_TYPE, NARRATIVE_REQUIRED

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def w() -> World:
    return build_world()


def client_of(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def html(response: Any) -> str:
    return response.content.decode()


def field_errors(response: Any, name: str) -> str:
    match = re.search(
        rf'data-field="{name}".*?(?:<div class="invalid-feedback[^>]*>(.*?)</div>|data-field=|$)',
        html(response), re.S,
    )
    return (match.group(1) or "") if match else ""


def upload(name: str = "照片.png", content: bytes = PNG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/png")


def user(w: World, role: str) -> User:
    found = w.users[role]
    assert found is not None
    return found


# --- progress report with evidence -----------------------------------------------------------


def test_a_unit_files_progress_with_files(w: World) -> None:
    unit = client_of(user(w, "unit_b"))
    response = unit.post(f"/measures/{w.measure_b.pk}/progress/", {
        "target": "measure", "as_of": clock.today().isoformat(), "percent": "50",
        "narrative": "完成一半。", "files": [upload("一.png", PNG + b"1"), upload("二.png", PNG + b"2")],
    })
    assert response.status_code == 302
    assert response["Location"] == f"/measures/{w.measure_b.pk}/"
    report = ProgressReport.objects.get(measure=w.measure_b)
    assert (report.narrative, report.percent) == ("完成一半。", 50)
    assert sorted(report.evidence.values_list("original_name", flat=True)) == ["一.png", "二.png"]
    page = html(unit.get(response["Location"]))
    assert "整改进展已提交。" in page and "完成一半。" in page


def test_a_wrong_file_type_is_refused_beside_the_field_and_the_text_kept(w: World) -> None:
    unit = client_of(user(w, "unit_b"))
    response = unit.post(f"/measures/{w.measure_b.pk}/progress/", {
        "target": "measure", "as_of": clock.today().isoformat(), "percent": "30",
        "narrative": "已开展排查。", "files": [upload("病毒.png", b"MZ\x90\x00not an image")],
    })
    assert response.status_code == 400
    assert EVIDENCE_BAD_TYPE.split("{", 1)[0] in field_errors(response, "files")
    assert "已开展排查。" in html(response)
    assert 'value="30"' in html(response)
    assert not ProgressReport.objects.filter(measure=w.measure_b).exists()


def test_an_empty_narrative_gets_the_service_s_message(w: World) -> None:
    response = client_of(user(w, "unit_b")).post(f"/measures/{w.measure_b.pk}/progress/", {
        "target": "measure", "as_of": clock.today().isoformat(), "narrative": "  ",
    })
    assert response.status_code == 400
    assert NARRATIVE_REQUIRED in field_errors(response, "narrative")


def test_htmx_gets_the_form_alone_with_errors_and_a_client_redirect(w: World) -> None:
    unit = client_of(user(w, "unit_b"))
    url = f"/measures/{w.measure_b.pk}/progress/"
    data = {"target": "measure", "as_of": clock.today().isoformat(), "narrative": " "}
    bad = unit.post(url, data, HTTP_HX_REQUEST="true")
    assert bad.status_code == 400
    assert "<html" not in html(bad) and 'id="form-report-m"' in html(bad)
    good = unit.post(url, {**data, "narrative": "已完成。"}, HTTP_HX_REQUEST="true")
    assert good["HX-Redirect"] == f"/measures/{w.measure_b.pk}/"


def test_the_office_may_not_file_progress_and_another_unit_finds_nothing(w: World) -> None:
    url = f"/measures/{w.measure_b.pk}/progress/"
    data = {"target": "measure", "as_of": clock.today().isoformat(), "narrative": "x"}
    response = client_of(user(w, "office")).post(url, data)
    assert response.status_code == 403
    assert "填报整改进展" in html(response)
    assert client_of(user(w, "unit_a")).post(url, data).status_code == 404
    assert client_of(user(w, "unit_a")).get(url).status_code == 404
    assert not ProgressReport.objects.filter(measure=w.measure_b).exists()


def test_a_target_the_page_did_not_offer_is_refused(w: World) -> None:
    # Unit A reports on its share of the assigned measure, not on the whole (B leads it).
    unit = client_of(user(w, "unit_a"))
    url = f"/measures/{w.assigned.pk}/progress/"
    data = {"target": "measure", "as_of": clock.today().isoformat(), "narrative": "x"}
    response = unit.post(url, data)
    assert response.status_code == 400
    assert 'data-testid="hidden-errors"' in html(response)
    share = w.assigned.assignments.get()
    assert unit.post(url, {**data, "target": str(share.pk)}).status_code == 302
    assert ProgressReport.objects.get(measure=w.assigned).assignment == share


# --- close-out request, review, conflict ---------------------------------------------------


def test_a_close_out_request_needs_evidence_in_the_service_s_words(w: World) -> None:
    unit = client_of(user(w, "unit_b"))
    url = f"/measures/{w.measure_b.pk}/close-out/"
    response = unit.post(url, {"target": "measure", "summary": "已完成整改。"})
    assert response.status_code == 400
    assert EVIDENCE_REQUIRED in field_errors(response, "files")
    assert "已完成整改。" in html(response)
    response = unit.post(url, {"target": "measure", "summary": "已完成整改。", "files": [upload()]})
    assert response.status_code == 302
    w.measure_b.refresh_from_db()
    assert w.measure_b.state == MeasureState.CLOSE_REQUESTED


def test_the_office_returns_with_a_reason_and_then_approves(w: World) -> None:
    office = client_of(user(w, "office"))
    url = f"/close-out-requests/{w.request_a.pk}/review/"
    missing = office.post(url, {"decision": "return", "reason": " "})
    assert missing.status_code == 400
    assert RETURN_NEEDS_REASON in field_errors(missing, "reason")
    returned = office.post(url, {"decision": "return", "reason": "佐证不足"})
    assert returned.status_code == 302
    w.measure_a.refresh_from_db()
    assert w.measure_a.state == MeasureState.RETURNED
    page = html(office.get(f"/measures/{w.measure_a.pk}/"))
    assert "佐证不足" in page and "已退回，并通知申请单位。" in page
    # The unit asks again; the office approves: closed.
    again = client_of(user(w, "unit_a")).post(
        f"/measures/{w.measure_a.pk}/close-out/",
        {"target": "measure", "summary": "补充材料后再次申请。", "files": [upload("补.png", PNG + b"x")]},
    )
    assert again.status_code == 302
    request = CloseOutRequest.objects.get(measure=w.measure_a, state=CloseOutState.PENDING)
    assert office.post(f"/close-out-requests/{request.pk}/review/",
                       {"decision": "approve", "reason": ""}).status_code == 302
    w.measure_a.refresh_from_db()
    assert w.measure_a.state == MeasureState.CLOSED


def test_two_reviewers_at_once_the_second_gets_the_conflict(w: World) -> None:
    first = _grant(Role.OFFICE, w.committee, include_subtree=True)
    second = client_of(user(w, "office"))
    url = f"/close-out-requests/{w.request_a.pk}/review/"
    shown = second.get(url)  # the second reviewer has the form open
    assert shown.status_code == 200
    close_out_request_approve(request=w.request_a, actor=first)
    response = second.post(url, {"decision": "return", "reason": "材料不全"})
    assert response.status_code == 409
    page = html(response)
    assert "已被他人处理" in page and 'data-testid="reload"' in page
    w.request_a.refresh_from_db()
    assert w.request_a.state == CloseOutState.APPROVED


def test_a_unit_may_not_review_and_cannot_reach_another_unit_s_request(w: World) -> None:
    url = f"/close-out-requests/{w.request_a.pk}/review/"
    response = client_of(user(w, "unit_a")).post(url, {"decision": "approve"})
    assert response.status_code == 403
    assert "审核销号" in html(response)
    assert client_of(user(w, "unit_b")).post(url, {"decision": "approve"}).status_code == 404
    assert client_of(user(w, "office")).get("/close-out-requests/999999/review/").status_code == 404
    w.request_a.refresh_from_db()
    assert w.request_a.state == CloseOutState.PENDING


def test_the_leader_approves_a_key_finding_after_the_office(w: World) -> None:
    Finding.objects.filter(pk=w.finding.pk).update(is_key=True)
    office = client_of(user(w, "office"))
    assert office.post(f"/close-out-requests/{w.request_a.pk}/review/",
                       {"decision": "approve"}).status_code == 302
    w.request_a.refresh_from_db()
    assert w.request_a.state == CloseOutState.OFFICE_APPROVED
    leader = client_of(user(w, "leader"))
    page = html(leader.get(f"/measures/{w.measure_a.pk}/"))
    assert 'data-testid="form-leader"' in page
    assert leader.post(f"/close-out-requests/{w.request_a.pk}/leader/",
                       {"decision": "approve", "reason": "同意"}).status_code == 302
    w.measure_a.refresh_from_db()
    assert w.measure_a.state == MeasureState.CLOSED
    # The office may not give the leader's approval.
    assert client_of(user(w, "office")).get(
        f"/close-out-requests/{w.request_a.pk}/leader/").status_code == 403


def test_the_inspector_gives_the_inspection_group_s_acceptance(w: World) -> None:
    Inspection.objects.filter(pk=w.inspection.pk).update(requires_three_party_acceptance=True)
    close_out_request_approve(request=w.request_a, actor=user(w, "office"))
    inspector = client_of(user(w, "inspector"))
    page = html(inspector.get(f"/measures/{w.measure_a.pk}/"))
    assert 'data-testid="form-accept"' in page
    response = inspector.post(f"/close-out-requests/{w.request_a.pk}/acceptance/", {
        "party": AcceptanceParty.INSPECTION_GROUP, "decision": "accept", "note": "",
    })
    assert response.status_code == 302
    assert Acceptance.objects.get(request=w.request_a).party == AcceptanceParty.INSPECTION_GROUP
    # A party the page did not offer (the office's) is refused beside the field.
    response = inspector.post(f"/close-out-requests/{w.request_a.pk}/acceptance/", {
        "party": AcceptanceParty.OFFICE, "decision": "accept",
    })
    assert response.status_code in (400, 403, 409)
    assert Acceptance.objects.filter(request=w.request_a).count() == 1


def test_the_request_says_what_it_waits_for_leader_then_acceptance(w: World) -> None:
    Inspection.objects.filter(pk=w.inspection.pk).update(requires_three_party_acceptance=True)
    Finding.objects.filter(pk=w.finding.pk).update(is_key=True)
    office = client_of(user(w, "office"))
    close_out_request_approve(request=w.request_a, actor=user(w, "office"))

    def stage() -> str:
        page = html(office.get(f"/measures/{w.measure_a.pk}/"))
        found = re.search(r'data-testid="request-stage">([^<]+)<', page)
        assert found is not None
        return found.group(1)

    assert stage() == "待领导审批"
    leader = client_of(user(w, "leader"))
    assert leader.post(f"/close-out-requests/{w.request_a.pk}/leader/",
                       {"decision": "approve", "reason": "同意"}).status_code == 302
    w.request_a.refresh_from_db()
    assert w.request_a.state == CloseOutState.OFFICE_APPROVED  # now in acceptance
    assert stage() == "待三方验收"


# --- extension, check-in, reopen -------------------------------------------------------------


def test_an_extension_is_requested_by_the_unit_and_decided_by_the_leader(w: World) -> None:
    unit = client_of(user(w, "unit_b"))
    assert w.measure_b.deadline is not None
    url = f"/measures/{w.measure_b.pk}/extension/"
    early = unit.post(url, {"target": "measure", "new_deadline": w.measure_b.deadline.isoformat(),
                            "reason": "需要更多时间"})
    assert early.status_code == 400
    assert EXTENSION_NOT_LATER.split("{", 1)[0] in field_errors(early, "new_deadline")
    later = w.measure_b.deadline + dt.timedelta(days=30)
    assert unit.post(url, {"target": "measure", "new_deadline": later.isoformat(),
                           "reason": "需要更多时间"}).status_code == 302
    extension = Extension.objects.get(measure=w.measure_b)
    decision = f"/extensions/{extension.pk}/decision/"
    assert client_of(user(w, "office")).post(decision, {"decision": "approve"}).status_code == 403
    assert client_of(user(w, "unit_a")).post(decision, {"decision": "approve"}).status_code == 404
    assert client_of(user(w, "leader")).post(decision, {"decision": "approve"}).status_code == 302
    extension.refresh_from_db()
    w.measure_b.refresh_from_db()
    assert (extension.status, w.measure_b.deadline) == (ExtensionStatus.APPROVED, later)
    # Deciding again: the service's "already decided" as a conflict, never a 500.
    again = client_of(user(w, "leader")).post(decision, {"decision": "reject", "note": "不行"})
    assert again.status_code == 409


def _watched(w: World) -> Measure:
    Measure.objects.filter(pk=w.measure_b.pk).update(urgency=Urgency.LONG_TERM)
    request = close_out_request_create(
        measure=w.measure_b, summary="长期坚持。", files=[upload("长.png", PNG + b"l")],
        actor=user(w, "unit_b"),
    )
    close_out_request_approve(request=request, actor=user(w, "office"))
    measure = Measure.objects.get(pk=w.measure_b.pk)
    assert measure.state == MeasureState.WATCHING
    return measure


def test_a_watched_measure_is_checked_in(w: World) -> None:
    measure = _watched(w)
    check_in = CheckIn.objects.get(measure=measure, done_at__isnull=True)
    unit = client_of(user(w, "unit_b"))
    assert 'data-testid="form-check_in"' in html(unit.get(f"/measures/{measure.pk}/"))
    url = f"/check-ins/{check_in.pk}/"
    empty = unit.post(url, {"note": " "})
    assert empty.status_code == 400
    assert CHECK_IN_NOTE_REQUIRED in field_errors(empty, "note")
    assert unit.post(url, {"note": "制度执行良好。"}).status_code == 302
    check_in.refresh_from_db()
    assert check_in.done_at is not None
    assert client_of(user(w, "unit_a")).post(url, {"note": "x"}).status_code == 404


def test_the_inspector_reopens_a_closed_measure(w: World) -> None:
    measure = _watched(w)
    url = f"/measures/{measure.pk}/reopen/"
    assert client_of(user(w, "office")).post(url, {"reason": "反弹"}).status_code == 403
    response = client_of(user(w, "inspector")).post(url, {"reason": "回头看发现问题反弹"})
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.state == MeasureState.IN_PROGRESS
    # Reopening an open measure again: the service's conflict.
    assert client_of(user(w, "inspector")).post(url, {"reason": "再次"}).status_code == 409


# --- evidence preview ----------------------------------------------------------------------


def test_evidence_is_previewed_inline_only_by_its_readers(w: World) -> None:
    url = f"/evidence/{w.evidence_a.pk}/preview/"
    response = client_of(user(w, "office")).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    # Reading the stream to its end closes the file (the test client's wrapper).
    assert b"".join(response.streaming_content) == PNG  # type: ignore[attr-defined]
    assert client_of(user(w, "unit_b")).get(url).status_code == 404
    assert client_of(user(w, "stranger")).get(url).status_code == 404
    assert client_of(user(w, "office")).get("/evidence/999999/preview/").status_code == 404


# --- the page's permissions agree with accounts.permissions ------------------------------------


def test_permits_answer_as_may_does(w: World) -> None:
    units = [w.unit_a, w.unit_b, None]
    for role, who in w.users.items():
        if who is None:
            continue
        permits = Permits(who, w.inspection)
        for action in Action:
            for unit in units:
                assert permits.may(action, unit) == may(
                    who, action, inspection=w.inspection, unit=unit
                ), (role, action, unit)


def test_date_fields_carry_iso_dates_for_the_browser_s_date_input(w: World) -> None:
    page = html(client_of(user(w, "unit_b")).get(f"/measures/{w.measure_b.pk}/progress/"))
    assert f'type="date" name="as_of" value="{clock.today().isoformat()}"' in page


def test_every_form_of_another_organisation_s_measure_is_not_found(w: World) -> None:
    foreign = w.foreign_measure
    other = _grant(Role.UNIT, foreign.lead_unit)
    request = close_out_request_create(
        measure=foreign, summary="外单位申请。", files=[upload("外.png", PNG + b"f")], actor=other,
    )
    urls = [
        f"/measures/{foreign.pk}/progress/", f"/measures/{foreign.pk}/close-out/",
        f"/measures/{foreign.pk}/extension/", f"/measures/{foreign.pk}/reopen/",
        f"/close-out-requests/{request.pk}/review/", f"/close-out-requests/{request.pk}/leader/",
        f"/close-out-requests/{request.pk}/acceptance/",
        f"/evidence/{request.evidence.get().pk}/", f"/evidence/{request.evidence.get().pk}/preview/",
        f"/measures/{foreign.pk}/urging/", f"/measures/{foreign.pk}/audit/",
    ]
    for role in ("office", "leader", "inspector", "unit_a"):
        client = client_of(user(w, role))
        for url in urls:
            assert client.get(url).status_code == 404, (role, url)
            if not any(part in url for part in ("/evidence/", "/urging/", "/audit/")):
                data = {"decision": "approve", "reason": "x", "narrative": "x", "summary": "x"}
                assert client.post(url, data).status_code == 404, (role, url)
    request.refresh_from_db()
    assert request.state == CloseOutState.PENDING
