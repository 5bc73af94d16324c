"""The records pages (records/views.py): institutions, accountability and activities of an
inspection — recording through the services (errors beside the field, status 400, nothing
lost or written), refusals with the reason, accountability kept from those who may not read
it, IDOR, keyset pages and query counts at two sizes."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import FindingFactory
from tests.web.world import World, build_world
from zhenggai import clock
from zhenggai.accounts.models import User
from zhenggai.audit.models import AuditEntry
from zhenggai.records.models import Accountability, Activity, Institution
from zhenggai.records.services import (
    ISSUED_ON_IN_FUTURE,
    NAME_REQUIRED,
    PARTICIPANTS_POSITIVE,
    PARTICIPANTS_REQUIRED,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def w() -> World:
    return build_world()


def client_of(w: World, role: str) -> Client:
    client = Client()
    user = w.users[role]
    assert isinstance(user, User)
    client.force_login(user)
    return client


def url(w: World, kind: str) -> str:
    return f"/inspections/{w.inspection.pk}/records/{kind}/"


def field_errors(page: str, name: str) -> str:
    """The text of the error block beside field `name` ('' when there is none)."""
    found = re.search(rf'id="id_{name}_errors"[^>]*>(.*?)</div>', page, re.S)
    return found.group(1) if found else ""


def test_office_records_an_institution_with_its_findings(w: World) -> None:
    client = client_of(w, "office")
    response = client.post(url(w, "institutions"), {
        "name": "公务用车管理办法", "kind": "revised", "issued_on": "2020-08-01",
        "document_number": "城管发〔2020〕12号", "issuing_body": "区城管局",
        "findings": [str(w.finding.pk)],
    })
    assert response.status_code == 302
    assert response["Location"] == url(w, "institutions")
    institution = Institution.objects.get()
    assert (institution.inspection, institution.kind, institution.issued_on) == (
        w.inspection, "revised", dt.date(2020, 8, 1))
    assert list(institution.findings.all()) == [w.finding]
    assert AuditEntry.objects.filter(action="institution.record").count() == 1
    page = client.get(url(w, "institutions")).content.decode()
    assert "公务用车管理办法" in page and "城管发〔2020〕12号" in page
    assert "已登记制度" in page  # the message after the redirect


def test_errors_beside_the_field_with_400_and_nothing_lost(w: World) -> None:
    client = client_of(w, "office")
    future = (clock.today() + dt.timedelta(days=3)).isoformat()
    response = client.post(url(w, "institutions"), {
        "name": "  ", "kind": "established", "issued_on": future,
        "document_number": "城管发〔2020〕99号", "issuing_body": "区城管局",
    })
    assert response.status_code == 400
    page = response.content.decode()
    assert NAME_REQUIRED in field_errors(page, "name")
    assert ISSUED_ON_IN_FUTURE in field_errors(page, "issued_on")
    assert 'value="城管发〔2020〕99号"' in page and 'value="区城管局"' in page
    assert Institution.objects.count() == 0


def test_activity_needs_participants_beside_the_field(w: World) -> None:
    client = client_of(w, "office")
    data = {"kind": "warning_education", "title": "警示教育大会", "held_on": "2020-07-20"}
    page = client.post(url(w, "activities"), data).content.decode()
    assert PARTICIPANTS_REQUIRED in field_errors(page, "participants")
    response = client.post(url(w, "activities"), {**data, "participants": "0"})
    assert response.status_code == 400
    assert PARTICIPANTS_POSITIVE in field_errors(response.content.decode(), "participants")
    assert client.post(url(w, "activities"), {**data, "participants": "210"}).status_code == 302
    assert Activity.objects.get().participants == 210


def test_a_finding_of_another_inspection_is_refused_and_nothing_written(w: World) -> None:
    foreign = FindingFactory(inspection=w.foreign)
    response = client_of(w, "office").post(url(w, "institutions"), {
        "name": "制度", "kind": "established", "findings": [str(foreign.pk)]})
    assert response.status_code == 400
    assert field_errors(response.content.decode(), "findings")
    assert Institution.objects.count() == 0


def test_another_inspection_in_the_url_is_404_and_nothing_written(w: World) -> None:
    client = client_of(w, "office")
    response = client.post(f"/inspections/{w.foreign.pk}/records/institutions/",
                           {"name": "制度", "kind": "established"})
    assert response.status_code == 404
    assert client.get(f"/inspections/{w.inspection.pk}/records/nothing/").status_code == 404
    assert Institution.objects.count() == 0


def test_accountability_is_read_by_leader_and_recorded_by_supervisor_only(w: World) -> None:
    supervisor = client_of(w, "supervisor")
    response = supervisor.post(url(w, "accountability"), {
        "person_name": "李四", "position": "副所长", "form": "admonition_talk",
        "decided_on": "2020-09-01", "deciding_body": "区纪委监委"})
    assert response.status_code == 302
    assert Accountability.objects.get().person_name == "李四"
    assert "李四" in client_of(w, "leader").get(url(w, "accountability")).content.decode()

    office = client_of(w, "office")
    refused = office.get(url(w, "accountability"))
    assert refused.status_code == 403
    page = refused.content.decode()
    assert "查看问责记录" in page and "李四" not in page
    # No tab leads the office to it.
    assert 'data-testid="tab-accountability"' not in office.get(url(w, "institutions")).content.decode()

    leader_post = client_of(w, "leader").post(url(w, "accountability"),
                                              {"person_name": "王五", "form": "criticism"})
    assert leader_post.status_code == 403
    assert "登记问责" in leader_post.content.decode()
    assert Accountability.objects.count() == 1


def test_a_unit_is_refused_with_the_reason(w: World) -> None:
    response = client_of(w, "unit_a").get(url(w, "institutions"))
    assert response.status_code == 403
    assert "查看台账" in response.content.decode()


def test_readers_see_no_form_and_the_empty_state(w: World) -> None:
    page = client_of(w, "inspector").get(url(w, "activities")).content.decode()
    assert 'data-testid="empty"' in page
    assert 'data-testid="record-form"' not in page
    assert 'data-testid="record-form"' in client_of(w, "office").get(url(w, "activities")).content.decode()


def _institutions(w: World, n: int) -> None:
    made = Institution.objects.bulk_create(
        Institution(inspection=w.inspection, name=f"制度{i:02d}") for i in range(n))
    Institution.findings.through.objects.bulk_create(
        Institution.findings.through(institution_id=i.pk, finding_id=w.finding.pk) for i in made)


def test_keyset_pages_newest_first(w: World) -> None:
    _institutions(w, 25)
    client = client_of(w, "office")
    first = client.get(url(w, "institutions")).content.decode()
    names = re.findall(r"制度(\d\d)", first)
    assert names[:3] == ["24", "23", "22"] and len(set(names)) == 20
    next_url = re.search(r'href="([^"]+)" data-testid="next-page"', first)
    assert next_url is not None
    second = client.get(next_url.group(1).replace("&amp;", "&"), HTTP_HX_REQUEST="true")
    rest = set(re.findall(r"制度(\d\d)", second.content.decode()))
    assert rest == {f"{i:02d}" for i in range(5)}
    assert 'data-testid="next-page"' not in second.content.decode()


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("kind", ["institutions", "activities"])
def test_query_count_does_not_grow_with_the_list(w: World, kind: str) -> None:
    client = client_of(w, "office")
    make: dict[str, Any] = {
        "institutions": lambda n: _institutions(w, n),
        "activities": lambda n: Activity.objects.bulk_create(
            Activity(inspection=w.inspection, kind="study", title=f"学习{i}", participants=3)
            for i in range(n)),
    }
    make[kind](5)
    small = _queries(client, url(w, kind))
    make[kind](45)
    assert _queries(client, url(w, kind)) == small
