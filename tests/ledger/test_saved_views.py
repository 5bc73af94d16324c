"""Saved views: the services (owner only, names, one default, filters with errors refused,
audited) and the pages (save the URL's filters, list, rename, delete, default; another
user's view is 404; errors beside the field with what was typed)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from tests.factories import UserFactory
from zhenggai.accounts.models import User
from zhenggai.audit.models import AuditEntry
from zhenggai.ledger.models import SavedView
from zhenggai.ledger.selectors.filters import LedgerQuery
from zhenggai.ledger.selectors.saved_views import default_view, saved_views
from zhenggai.ledger.services.saved_views import (
    NAME_TAKEN,
    saved_view_create,
    saved_view_delete,
    saved_view_rename,
    saved_view_set_default,
)

pytestmark = pytest.mark.django_db
OVERDUE = LedgerQuery.from_querydict(QueryDict("signal=red&state=in_progress&state=returned"))


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_view_keeps_the_filters_as_the_ledger_reads_them() -> None:
    user = UserFactory()
    view = saved_view_create(user=user, name="  本单位 超期 ", query=OVERDUE)
    assert view.name == "本单位 超期"
    assert LedgerQuery.from_querydict(QueryDict(view.query)) == OVERDUE
    assert AuditEntry.objects.filter(action="saved_view.create", object_id=str(view.pk)).exists()


def test_names_are_required_and_unique_per_user() -> None:
    user, other = UserFactory(), UserFactory()
    saved_view_create(user=user, name="超期", query=OVERDUE)
    with pytest.raises(ValidationError) as exc:
        saved_view_create(user=user, name="超期", query=OVERDUE)
    assert exc.value.message_dict == {"name": [NAME_TAKEN]}
    with pytest.raises(ValidationError):
        saved_view_create(user=user, name="   ", query=OVERDUE)
    saved_view_create(user=other, name="超期", query=OVERDUE)  # another user's name is free


def test_filters_with_errors_are_refused() -> None:
    bad = LedgerQuery.from_querydict(QueryDict("due_from=明天"))
    with pytest.raises(ValidationError):
        saved_view_create(user=UserFactory(), name="坏的", query=bad)
    assert not SavedView.objects.exists()


def test_one_default_at_a_time_and_only_the_owner_acts() -> None:
    user, other = UserFactory(), UserFactory()
    a = saved_view_create(user=user, name="甲", query=OVERDUE)
    b = saved_view_create(user=user, name="乙", query=LedgerQuery())
    saved_view_set_default(user=user, pk=a.pk)
    saved_view_set_default(user=user, pk=b.pk)
    assert default_view(user) == b
    assert list(saved_views(user).filter(is_default=True)) == [b]
    for act in (
        lambda: saved_view_rename(user=other, pk=a.pk, name="偷改"),
        lambda: saved_view_delete(user=other, pk=a.pk),
        lambda: saved_view_set_default(user=other, pk=a.pk),
    ):
        with pytest.raises(SavedView.DoesNotExist):
            act()
    assert SavedView.objects.get(pk=a.pk).name == "甲"
    saved_view_set_default(user=user, pk=b.pk, default=False)
    assert default_view(user) is None


def test_the_page_saves_the_filters_of_the_url() -> None:
    user = UserFactory()
    client = _client(user)
    page = client.get("/ledger/views/?signal=red&state=returned").content.decode()
    assert 'data-testid="save-form"' in page and "红灯" in page and "已退回" in page
    response = client.post("/ledger/views/", {"name": "退回的红灯", "query": "signal=red&state=returned"})
    assert response.status_code == 302
    view = SavedView.objects.get(user=user)
    listing = client.get("/ledger/views/").content.decode()
    assert f'href="/ledger/?{escape(view.query)}"' in listing and "退回的红灯" in listing


def test_errors_stay_beside_the_field_with_what_was_typed() -> None:
    user = UserFactory()
    saved_view_create(user=user, name="超期", query=OVERDUE)
    client = _client(user)
    response = client.post("/ledger/views/", {"name": "超期", "query": "signal=red"})
    page = response.content.decode()
    assert response.status_code == 400
    assert NAME_TAKEN in page and 'value="超期"' in page and "红灯" in page
    empty = client.post("/ledger/views/", {"name": "", "query": "signal=red"})
    assert empty.status_code == 400 and "请给视图起个名字" in empty.content.decode()


def test_rename_delete_and_default_from_the_page() -> None:
    user = UserFactory()
    a = saved_view_create(user=user, name="甲", query=OVERDUE)
    saved_view_create(user=user, name="乙", query=OVERDUE)
    client = _client(user)
    clash = client.post(f"/ledger/views/{a.pk}/rename/", {"name": "乙"})
    assert clash.status_code == 400 and NAME_TAKEN in clash.content.decode()
    assert 'value="乙"' in clash.content.decode()
    assert client.post(f"/ledger/views/{a.pk}/rename/", {"name": "丙"}).status_code == 302
    assert client.post(f"/ledger/views/{a.pk}/default/", {"default": "1"}).status_code == 302
    assert default_view(user) is not None and default_view(user).name == "丙"  # type: ignore[union-attr]
    assert 'data-testid="is-default"' in client.get("/ledger/views/").content.decode()
    assert client.post(f"/ledger/views/{a.pk}/delete/").status_code == 302
    assert not SavedView.objects.filter(pk=a.pk).exists()


def test_another_users_view_is_not_found() -> None:
    owner, other = UserFactory(), UserFactory()
    view = saved_view_create(user=owner, name="甲", query=OVERDUE)
    client = _client(other)
    for url in (f"/ledger/views/{view.pk}/rename/", f"/ledger/views/{view.pk}/delete/",
                f"/ledger/views/{view.pk}/default/"):
        assert client.post(url, {"name": "偷改"}).status_code == 404
    assert "甲" not in client.get("/ledger/views/").content.decode()
    assert SavedView.objects.get(pk=view.pk).name == "甲"
    assert client.get(f"/ledger/views/{view.pk}/delete/").status_code == 405


def test_the_bar_links_each_view_and_the_query_count_is_flat() -> None:
    counts = []
    for n in (2, 12):
        user = UserFactory()
        for i in range(n):
            saved_view_create(user=user, name=f"视图{i}", query=OVERDUE)
        client = _client(user)
        client.get("/ledger/views/bar/?signal=red")
        with CaptureQueriesContext(connection) as queries:
            bar = client.get("/ledger/views/bar/?signal=red").content.decode()
            client.get("/ledger/views/")
        assert bar.count("/ledger/?") == n
        assert 'href="/ledger/views/?signal=red"' in bar
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_home_shows_the_default_view_with_the_ledgers_own_count() -> None:
    from tests.factories import InspectionFactory, MeasureFactory
    from zhenggai.accounts.choices import Role
    from zhenggai.accounts.models import RoleAssignment
    from zhenggai.ledger.choices import Urgency
    from zhenggai.ledger.selectors.filters import filtered_measures

    inspection = InspectionFactory()
    for urgency in (Urgency.IMMEDIATE, Urgency.IMMEDIATE, Urgency.SCHEDULED):
        MeasureFactory(inspection=inspection, urgency=urgency)
    user = UserFactory()
    RoleAssignment.objects.create(
        user=user, role=Role.OFFICE, organisation=inspection.organisation, include_subtree=True
    )
    client = _client(user)
    assert 'data-testid="default-view"' not in client.get("/").content.decode()
    query = LedgerQuery.from_querydict(QueryDict("urgency=immediate"))
    view = saved_view_create(user=user, name="立行立改", query=query)
    saved_view_set_default(user=user, pk=view.pk)
    home = client.get("/").content.decode()
    assert 'data-testid="default-view"' in home and "立行立改" in home
    assert 'data-testid="default-view-count">2<' in home
    assert filtered_measures(user, query).count() == 2
    ledger = client.get("/ledger/?urgency=immediate").content.decode()
    assert "/ledger/views/bar/?" in ledger and 'data-testid="saved-views-link"' in ledger
