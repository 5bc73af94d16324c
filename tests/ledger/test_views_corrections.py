"""The correction pages (views/corrections.py): edit → what will change → save, errors beside
the field, nothing typed lost, the conflict message, the reason after approval, IDOR."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from tests.factories import MeasureFactory, OrganisationFactory, PersonFactory, UserFactory
from tests.web.world import World, build_world
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import RoleAssignment, User
from zhenggai.audit.models import AuditEntry
from zhenggai.ledger.choices import MeasureState, Urgency
from zhenggai.ledger.models import Measure, PlanRevision
from zhenggai.ledger.services.corrections import (
    ASPECT_STALE,
    HAS_MARKER,
    REASON_REQUIRED,
    TEXT_REQUIRED,
    TITLE_REQUIRED,
    aspect_update,
    correction_token,
)
from zhenggai.ledger.services.plan import (
    MEASURE_CLOSED,
    MEASURE_STALE,
    measure_update,
    plan_approve,
    plan_create,
)

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


@pytest.fixture
def office(w: World) -> Client:
    return client_of(w.users["office"])


def html(response: Any) -> str:
    return response.content.decode()


def field_errors(response: Any, name: str) -> str:
    """The error text shown under field `name` (the project's field template)."""
    match = re.search(
        rf'data-field="{name}".*?(?:<div class="invalid-feedback[^>]*>(.*?)</div>|data-field=|$)',
        html(response), re.S,
    )
    return (match.group(1) or "") if match else ""


def object_page(name: str, pk: int, inspection_id: int) -> str:
    """Where a saved correction leads: the object's page, else the inspection's, else home."""
    for url_name, key in ((name, pk), ("ledger:inspection-detail", inspection_id)):
        try:
            return reverse(url_name, kwargs={"pk": key})
        except NoReverseMatch:
            continue
    return reverse("web:home")


def approve(w: World) -> None:
    office = w.users["office"]
    leader = w.users["leader"]
    assert office is not None and leader is not None
    plan = plan_create(inspection=w.inspection, title="整改方案", actor=office)
    plan_approve(plan=plan, actor=leader)


# --- the aspect page: edit → preview → save -------------------------------------------------


def test_the_edit_page_shows_the_stored_title_and_the_lock(w: World, office: Client) -> None:
    aspect = w.finding.problem.aspect
    response = office.get(f"/aspects/{aspect.pk}/edit/")
    assert response.status_code == 200
    page = html(response)
    assert f'value="{aspect.title}"' in page
    assert f'value="{correction_token(aspect)}"' in page
    assert "更正方面" in page
    assert 'name="reason"' not in page or 'type="hidden" name="reason"' in page
    assert 'data-testid="breadcrumbs"' in page
    assert w.inspection.title[:10] in page


def test_preview_lists_what_will_change_and_saves_nothing(w: World, office: Client) -> None:
    aspect = w.finding.problem.aspect
    response = office.post(f"/aspects/{aspect.pk}/edit/", {
        "title": "党的政治建设方面（更正）", "token": correction_token(aspect), "step": "preview",
    })
    assert response.status_code == 200
    page = html(response)
    assert 'data-step="preview"' in page
    assert f"<del class=\"text-body-secondary\">{aspect.title}</del>" in page
    assert "党的政治建设方面（更正）</ins>" in page
    assert 'data-testid="save"' in page
    aspect.refresh_from_db()
    assert aspect.title != "党的政治建设方面（更正）"
    assert not AuditEntry.objects.filter(action="aspect.update").exists()


def test_a_preview_without_change_says_so(w: World, office: Client) -> None:
    aspect = w.finding.problem.aspect
    response = office.post(f"/aspects/{aspect.pk}/edit/", {
        "title": f"  {aspect.title} ", "token": correction_token(aspect), "step": "preview",
    })
    assert response.status_code == 200
    assert 'data-testid="no-changes"' in html(response)
    assert 'data-step="edit"' in html(response)


def test_saving_goes_back_to_the_object_with_a_message(w: World, office: Client) -> None:
    aspect = w.finding.problem.aspect
    response = office.post(f"/aspects/{aspect.pk}/edit/", {
        "title": "党的政治建设方面（更正）", "token": correction_token(aspect), "step": "save",
    })
    assert response.status_code == 302
    assert response["Location"] == object_page("ledger:aspect-detail", aspect.pk, w.inspection.pk)
    aspect.refresh_from_db()
    assert aspect.title == "党的政治建设方面（更正）"
    entry = AuditEntry.objects.get(action="aspect.update")
    assert entry.actor == w.users["office"]
    followed = office.get(response["Location"])
    assert "更正已保存。" in html(followed)


def test_back_from_the_preview_keeps_what_was_typed(w: World, office: Client) -> None:
    problem = w.finding.problem
    response = office.post(f"/problems/{problem.pk}/edit/", {
        "title": "问题标题的更正", "token": correction_token(problem), "step": "edit",
    })
    assert response.status_code == 200
    assert 'value="问题标题的更正"' in html(response)
    assert 'data-step="edit"' in html(response)


# --- errors beside the field, nothing lost ---------------------------------------------------


def test_an_empty_title_is_refused_beside_the_field(w: World, office: Client) -> None:
    problem = w.finding.problem
    response = office.post(f"/problems/{problem.pk}/edit/", {
        "title": " \u3000 ", "token": correction_token(problem), "step": "save",
    })
    assert response.status_code == 400
    assert TITLE_REQUIRED in field_errors(response, "title")
    assert 'aria-invalid="true"' in html(response)


def test_a_service_error_is_shown_beside_its_field_and_the_text_is_kept(
    w: World, office: Client
) -> None:
    finding = w.finding
    typed = f"{finding.marker}执法大队会议记录要素不全，缺少签字。"
    response = office.post(f"/findings/{finding.pk}/edit/", {
        "text": typed, "label": "主要问题", "token": correction_token(finding), "step": "save",
    })
    assert response.status_code == 400
    assert HAS_MARKER.format(marker=finding.marker) in field_errors(response, "text")
    assert typed in html(response)
    response = office.post(f"/findings/{finding.pk}/edit/", {
        "text": "", "label": "x", "token": correction_token(finding), "step": "preview",
    })
    assert response.status_code == 400
    assert TEXT_REQUIRED in field_errors(response, "text")
    assert 'value="x"' in html(response)


def test_a_finding_text_keeps_its_line_breaks_without_the_browser_s_cr(
    w: World, office: Client
) -> None:
    finding = w.finding
    response = office.post(f"/findings/{finding.pk}/edit/", {
        "text": "第一行，\r\n第二行。", "label": "", "token": correction_token(finding),
        "step": "save",
    })
    assert response.status_code == 302
    finding.refresh_from_db()
    assert (finding.text, finding.label) == ("第一行，\n第二行。", "")


def test_a_stale_form_shows_the_conflict_with_the_current_values(
    w: World, office: Client
) -> None:
    aspect = w.finding.problem.aspect
    shown = correction_token(aspect)
    office_user = w.users["office"]
    assert office_user is not None
    aspect_update(aspect=aspect, title="甲先保存的标题", actor=office_user)
    response = office.post(f"/aspects/{aspect.pk}/edit/", {
        "title": "乙的标题", "token": shown, "step": "save",
    })
    assert response.status_code == 409
    page = html(response)
    assert ASPECT_STALE in page
    assert "甲先保存的标题" in page  # the current value
    assert 'value="乙的标题"' in page  # what was typed
    aspect.refresh_from_db()
    assert aspect.title == "甲先保存的标题"
    # The page now carries the current lock: saving again is a knowing decision.
    assert f'value="{correction_token(aspect)}"' in page
    response = office.post(f"/aspects/{aspect.pk}/edit/", {
        "title": "乙的标题", "token": correction_token(aspect), "step": "save",
    })
    assert response.status_code == 302


def test_a_stale_measure_form_shows_the_conflict(w: World, office: Client) -> None:
    office_user = w.users["office"]
    assert office_user is not None
    measure = w.measure_b
    data = measure_form_data(measure, target="乙的目标")
    measure_update(measure=measure, target="甲的目标", actor=office_user)
    response = office.post(f"/measures/{measure.pk}/edit/", {**data, "step": "save"})
    assert response.status_code == 409
    assert MEASURE_STALE in html(response)
    assert "甲的目标" in html(response)
    assert "乙的目标" in html(response)


# --- the measure page -------------------------------------------------------------------------


def measure_form_data(measure: Measure, **changes: Any) -> dict[str, Any]:
    data = {
        "content": measure.content, "target": measure.target,
        "lead_unit": measure.lead_unit_id or "", "responsible_leader": measure.responsible_leader_id or "",
        "responsible_person": measure.responsible_person_id or "", "urgency": measure.urgency,
        "deadline": measure.deadline.isoformat() if measure.deadline else "",
        "version": measure.version,
    }
    data.update(changes)
    return data


def test_the_measure_page_offers_only_the_inspection_s_units_and_people(
    w: World, office: Client
) -> None:
    outsider = OrganisationFactory(name="别处的单位")
    stranger = PersonFactory(organisation=outsider, name="外单位人员")
    inside = PersonFactory(organisation=w.unit_b, name="市政所干部")
    response = office.get(f"/measures/{w.measure_b.pk}/edit/")
    assert response.status_code == 200
    page = html(response)
    assert "环卫所" in page and "市政所干部" in page
    assert "别处的单位" not in page and "外单位人员" not in page
    # Posting an id from elsewhere is refused beside the field; nothing changes.
    response = office.post(f"/measures/{w.measure_b.pk}/edit/", {
        **measure_form_data(w.measure_b, lead_unit=outsider.pk, responsible_person=stranger.pk),
        "step": "save",
    })
    assert response.status_code == 400
    assert field_errors(response, "lead_unit")
    assert field_errors(response, "responsible_person")
    w.measure_b.refresh_from_db()
    assert w.measure_b.lead_unit == w.unit_b
    assert inside.pk  # offered above


def test_the_office_corrects_a_measure_s_unit_person_and_time_limit_type(
    w: World, office: Client
) -> None:
    person = PersonFactory(organisation=w.unit_a, name="环卫所联络员")
    data = measure_form_data(
        w.measure_b, lead_unit=w.unit_a.pk, responsible_person=person.pk,
        urgency=Urgency.LONG_TERM, deadline="",
    )
    preview = office.post(f"/measures/{w.measure_b.pk}/edit/", {**data, "step": "preview"})
    assert preview.status_code == 200
    rows = html(preview)
    for label in ("责任单位", "责任人", "整改时限类型", "整改时限"):
        assert f'<th scope="row" class="text-nowrap">{label}</th>' in rows
    assert "长期坚持" in rows
    response = office.post(f"/measures/{w.measure_b.pk}/edit/", {**data, "step": "save"})
    assert response.status_code == 302
    assert response["Location"] == object_page(
        "ledger:measure-detail", w.measure_b.pk, w.inspection.pk
    )
    w.measure_b.refresh_from_db()
    assert (w.measure_b.lead_unit, w.measure_b.responsible_person) == (w.unit_a, person)
    assert (w.measure_b.urgency, w.measure_b.deadline, w.measure_b.version) == (
        Urgency.LONG_TERM, None, 2
    )


def test_after_approval_the_reason_is_asked_and_the_deadline_kept(
    w: World, office: Client
) -> None:
    approve(w)
    measure = w.measure_b
    page = html(office.get(f"/measures/{measure.pk}/edit/"))
    assert 'data-testid="approved-note"' in page
    assert re.search(r'<input type="date" name="deadline"[^>]*disabled', page)
    later = (measure.deadline + dt.timedelta(days=60)).isoformat()
    data = measure_form_data(measure, target="目标更正", deadline=later)
    preview = office.post(f"/measures/{measure.pk}/edit/", {**data, "step": "preview"})
    assert preview.status_code == 200
    assert 'name="reason"' in html(preview)
    assert "整改时限</th>" not in html(preview)  # the posted deadline is ignored
    missing = office.post(f"/measures/{measure.pk}/edit/", {**data, "step": "save", "reason": " "})
    assert missing.status_code == 400
    assert 'data-step="preview"' in html(missing)
    assert REASON_REQUIRED in field_errors(missing, "reason")
    saved = office.post(
        f"/measures/{measure.pk}/edit/", {**data, "step": "save", "reason": "导入时目标错位"}
    )
    assert saved.status_code == 302
    measure.refresh_from_db()
    assert (measure.target, measure.deadline) == ("目标更正", w.measure_b.deadline)
    revision = PlanRevision.objects.order_by("-number").first()
    assert revision is not None
    assert (revision.number, revision.reason) == (2, "导入时目标错位")
    assert "整改目标由" in revision.diff and "“目标更正”" in revision.diff
    assert "方案的一个修订版本" in html(office.get(saved["Location"]))


def test_a_closed_measure_says_so_and_offers_no_form(w: World, office: Client) -> None:
    now = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
    Measure.objects.filter(pk=w.measure_b.pk).update(state=MeasureState.CLOSED, closed_at=now)
    response = office.get(f"/measures/{w.measure_b.pk}/edit/")
    assert response.status_code == 200
    assert MEASURE_CLOSED in html(response)
    assert 'data-testid="correction-form"' not in html(response)
    response = office.post(f"/measures/{w.measure_b.pk}/edit/", {
        **measure_form_data(w.measure_b, target="改"), "step": "save"
    })
    assert response.status_code == 400
    w.measure_b.refresh_from_db()
    assert w.measure_b.target != "改"


# --- htmx -------------------------------------------------------------------------------------


def test_htmx_gets_the_form_part_and_a_client_redirect(w: World, office: Client) -> None:
    problem = w.finding.problem
    data = {"title": "新的问题标题", "token": correction_token(problem)}
    preview = office.post(f"/problems/{problem.pk}/edit/", {**data, "step": "preview"},
                          HTTP_HX_REQUEST="true")
    assert preview.status_code == 200
    assert "<html" not in html(preview)
    assert 'id="correction"' in html(preview)
    saved = office.post(f"/problems/{problem.pk}/edit/", {**data, "step": "save"},
                        HTTP_HX_REQUEST="true")
    assert saved["HX-Redirect"] == object_page(
        "ledger:problem-detail", problem.pk, w.inspection.pk
    )


# --- who may: IDOR and roles ------------------------------------------------------------------


def edit_urls(w: World) -> dict[str, str]:
    return {
        "aspect": f"/aspects/{w.finding.problem.aspect_id}/edit/",
        "problem": f"/problems/{w.finding.problem_id}/edit/",
        "finding": f"/findings/{w.finding.pk}/edit/",
        "measure": f"/measures/{w.measure_a.pk}/edit/",
    }


def test_another_organisation_s_objects_are_not_found(w: World) -> None:
    other = MeasureFactory()
    other_finding = other.findings.get()
    urls = [
        f"/aspects/{other_finding.problem.aspect_id}/edit/",
        f"/problems/{other_finding.problem_id}/edit/",
        f"/findings/{other_finding.pk}/edit/",
        f"/measures/{other.pk}/edit/",
        "/measures/999999/edit/",
    ]
    office = client_of(w.users["office"])
    for url in urls:
        assert office.get(url).status_code == 404, url
        assert office.post(url, {"step": "save", "title": "x"}).status_code == 404, url
    assert other.version == Measure.objects.get(pk=other.pk).version


def test_a_unit_reads_its_own_inspection_but_may_not_correct(w: World) -> None:
    unit = client_of(w.users["unit_a"])
    for url in edit_urls(w).values():
        response = unit.get(url)
        assert response.status_code == 403, url
        assert "编制整改方案" in html(response)
    # Posting changes nothing either.
    response = unit.post(f"/findings/{w.finding.pk}/edit/", {
        "text": "单位改的", "token": correction_token(w.finding), "step": "save",
    })
    assert response.status_code == 403
    w.finding.refresh_from_db()
    assert w.finding.text != "单位改的"
    # Another unit's measure is not even found.
    assert unit.get(f"/measures/{w.measure_b.pk}/edit/").status_code == 404


def test_an_office_of_one_unit_only_does_not_reach_the_committee_s_inspection(w: World) -> None:
    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=Role.OFFICE, organisation=OrganisationFactory(),
                                  include_subtree=True)
    client = client_of(user)
    for url in edit_urls(w).values():
        assert client.get(url).status_code == 404, url


def test_anonymous_visitors_are_sent_to_the_login_page(w: World) -> None:
    for url in edit_urls(w).values():
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


# --- bounded queries --------------------------------------------------------------------------


def test_the_measure_page_runs_the_same_queries_for_5_or_50_people(
    w: World, office: Client
) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert office.get(f"/measures/{w.measure_b.pk}/edit/").status_code == 200
        return len(queries)

    for _ in range(5):
        PersonFactory(organisation=w.unit_b)
    office.get(f"/measures/{w.measure_b.pk}/edit/")  # the session's first use
    few = count()
    for _ in range(45):
        PersonFactory(organisation=w.unit_b)
    assert count() == few
    # Session and user; the measure with its inspection, units and people; the role
    # assignments (read scope, then the permission's); the plan; the inspected
    # organisations (units and people); units; people and their organisations; the
    # stored people's organisations for the change list; the shell (navigation, bell).
    assert few <= 16
