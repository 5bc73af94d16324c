"""Users, organisations, people and role assignments stay editable in the admin, and every
add, change and delete there writes one audit entry (actor, `admin.*`, before/after) in the
same transaction — without a password hash, a phone number or an e-mail address in it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from tests.factories import OrganisationFactory, PersonFactory, UserFactory
from zhenggai.accounts.admin import USER_HAS_AUDIT_HISTORY
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import Organisation, Person, RoleAssignment, User
from zhenggai.audit.admin_mixins import ADMIN_ADD, ADMIN_CHANGE, ADMIN_DELETE, AUDITED_NOTICE
from zhenggai.audit.models import AuditEntry
from zhenggai.audit.services import audit_record, audit_verify

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Zhenggai-admin-2026!"
ROLES_INLINE = {
    "role_assignments-TOTAL_FORMS": "0",
    "role_assignments-INITIAL_FORMS": "0",
    "role_assignments-MIN_NUM_FORMS": "0",
    "role_assignments-MAX_NUM_FORMS": "1000",
}


@pytest.fixture
def superuser() -> User:
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def client_(superuser: User) -> Client:
    client = Client()
    client.force_login(superuser)
    return client


def _only_new_entry(since: int) -> AuditEntry:
    entries = list(AuditEntry.objects.filter(seq__gt=since).order_by("seq"))
    assert len(entries) == 1, [(e.action, e.object_type) for e in entries]
    return entries[0]


def _head() -> int:
    last = AuditEntry.objects.order_by("-seq").first()
    return last.seq if last else 0


def _text(entry: AuditEntry) -> str:
    return json.dumps([entry.before, entry.after, entry.object_repr], ensure_ascii=False)


def _user_change_form(user: User, **changes: Any) -> dict[str, Any]:
    joined = timezone.localtime(user.date_joined)  # the form reads local time
    assert joined.microsecond == 0  # the form has whole seconds: make the user with them
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "display_name": user.display_name,
        "is_active": "on",
        "date_joined_0": joined.strftime("%Y-%m-%d"),
        "date_joined_1": joined.strftime("%H:%M:%S"),
        **ROLES_INLINE,
        **changes,
    }


def test_the_accounts_pages_say_that_changes_are_audited(client_: Client) -> None:
    html = client_.get("/admin/accounts/user/").content.decode()
    assert AUDITED_NOTICE.format(name="用户") in html


def test_adding_a_user_writes_one_entry_without_password_or_email(
    client_: Client, superuser: User
) -> None:
    since = _head()
    response = client_.post(
        "/admin/accounts/user/add/",
        {
            "username": "wangfang",
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "display_name": "王芳",
            "email": "wangfang@example.gov.cn",
            **ROLES_INLINE,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="wangfang")
    entry = _only_new_entry(since)
    assert (entry.action, entry.object_type, entry.object_id) == (
        ADMIN_ADD,
        "accounts.user",
        str(user.pk),
    )
    assert entry.actor == superuser
    assert entry.before is None
    assert entry.after["username"] == "wangfang"
    assert entry.after["display_name"] == "王芳"
    assert "password" not in entry.after and "email" not in entry.after
    assert entry.after["redacted_changed"] == ["password", "email"]
    text = _text(entry)
    assert user.password not in text
    assert "wangfang@example.gov.cn" not in text
    assert audit_verify().ok


def test_changing_a_user_records_before_and_after_but_not_the_email(
    client_: Client, superuser: User
) -> None:
    user = _user(username="lina", display_name="李娜", email="lina@example.gov.cn")
    since = _head()
    response = client_.post(
        f"/admin/accounts/user/{user.pk}/change/",
        _user_change_form(user, display_name="李娜娜", email="lina2@example.gov.cn"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = _only_new_entry(since)
    assert (entry.action, entry.object_type, entry.actor) == (ADMIN_CHANGE, "accounts.user", superuser)
    assert entry.before["display_name"] == "李娜"
    assert entry.after["display_name"] == "李娜娜"
    assert entry.after["redacted_changed"] == ["email"]
    text = _text(entry)
    assert "lina@example.gov.cn" not in text and "lina2@example.gov.cn" not in text
    assert user.password not in text
    assert audit_verify().ok


def _user(**kwargs: Any) -> User:
    user = UserFactory(**kwargs)
    user.date_joined = user.date_joined.replace(microsecond=0)
    user.save(update_fields=["date_joined"])
    return user


def test_saving_a_user_unchanged_writes_no_entry(client_: Client) -> None:
    user = _user()
    since = _head()
    response = client_.post(f"/admin/accounts/user/{user.pk}/change/", _user_change_form(user))
    assert response.status_code == 302
    assert not AuditEntry.objects.filter(seq__gt=since).exists()


def test_a_password_change_is_recorded_without_the_hash(client_: Client, superuser: User) -> None:
    user = UserFactory()
    old_hash = user.password
    since = _head()
    response = client_.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    entry = _only_new_entry(since)
    assert (entry.action, entry.object_type, entry.actor) == (ADMIN_CHANGE, "accounts.user", superuser)
    assert entry.after["redacted_changed"] == ["password"]
    text = _text(entry)
    assert old_hash not in text and user.password not in text
    assert audit_verify().ok


def test_deleting_a_user_records_the_roles_that_go_with_it(client_: Client, superuser: User) -> None:
    user = UserFactory(email="gone@example.gov.cn")
    unit = OrganisationFactory()
    RoleAssignment.objects.create(user=user, role=Role.UNIT, organisation=unit)
    since = _head()
    response = client_.post(f"/admin/accounts/user/{user.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    entry = _only_new_entry(since)
    assert (entry.action, entry.object_type, entry.actor) == (ADMIN_DELETE, "accounts.user", superuser)
    assert entry.after is None
    assert [(r["role"], r["organisation"]) for r in entry.before["role_assignments"]] == [
        (Role.UNIT, unit.pk)
    ]
    text = _text(entry)
    assert "gone@example.gov.cn" not in text and user.password not in text
    assert audit_verify().ok


def test_a_role_added_on_the_user_page_is_one_entry(client_: Client, superuser: User) -> None:
    user = _user()
    unit = OrganisationFactory()
    since = _head()
    response = client_.post(
        f"/admin/accounts/user/{user.pk}/change/",
        _user_change_form(
            user,
            **{
                "role_assignments-TOTAL_FORMS": "1",
                "role_assignments-0-role": Role.OFFICE,
                "role_assignments-0-organisation": unit.pk,
                "role_assignments-0-include_subtree": "on",
                "role_assignments-0-inspection": "",
            },
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    role = RoleAssignment.objects.get(user=user)
    entry = _only_new_entry(since)  # the user itself did not change
    assert (entry.action, entry.object_type, entry.object_id) == (
        ADMIN_ADD,
        "accounts.roleassignment",
        str(role.pk),
    )
    assert entry.after["role"] == Role.OFFICE and entry.after["include_subtree"] is True


def test_organisation_add_change_and_delete_are_each_one_entry(
    client_: Client, superuser: User
) -> None:
    bureau = OrganisationFactory(name="示范区城市管理局")
    form = {"name": "市政管理所", "short_name": "", "kind": "unit", "parent": bureau.pk, "sort_order": 0}

    since = _head()
    assert client_.post("/admin/accounts/organisation/add/", form).status_code == 302
    created = Organisation.objects.get(name="市政管理所")
    entry = _only_new_entry(since)
    assert (entry.action, entry.object_id, entry.actor) == (ADMIN_ADD, str(created.pk), superuser)
    assert entry.after["path"] == f"{bureau.path}{created.pk}/"
    assert entry.after["parent"] == bureau.pk

    since = _head()
    url = f"/admin/accounts/organisation/{created.pk}/change/"
    assert client_.post(url, {**form, "name": "市政设施管理所"}).status_code == 302
    entry = _only_new_entry(since)
    assert entry.action == ADMIN_CHANGE
    assert (entry.before["name"], entry.after["name"]) == ("市政管理所", "市政设施管理所")

    since = _head()
    url = f"/admin/accounts/organisation/{created.pk}/delete/"
    assert client_.post(url, {"post": "yes"}).status_code == 302
    assert not Organisation.objects.filter(pk=created.pk).exists()
    entry = _only_new_entry(since)
    assert (entry.action, entry.object_type, entry.after) == (
        ADMIN_DELETE,
        "accounts.organisation",
        None,
    )
    assert entry.before["name"] == "市政设施管理所"
    assert audit_verify().ok


def test_role_assignment_add_change_and_delete_are_each_one_entry(
    client_: Client, superuser: User
) -> None:
    user, unit = UserFactory(), OrganisationFactory()
    form = {"user": user.pk, "role": Role.UNIT, "organisation": unit.pk, "inspection": ""}

    since = _head()
    assert client_.post("/admin/accounts/roleassignment/add/", form).status_code == 302
    role = RoleAssignment.objects.get(user=user)
    entry = _only_new_entry(since)
    assert (entry.action, entry.object_type, entry.actor) == (
        ADMIN_ADD,
        "accounts.roleassignment",
        superuser,
    )
    assert (entry.after["user"], entry.after["role"]) == (user.pk, Role.UNIT)

    since = _head()
    url = f"/admin/accounts/roleassignment/{role.pk}/change/"
    assert client_.post(url, {**form, "role": Role.OFFICE}).status_code == 302
    entry = _only_new_entry(since)
    assert entry.action == ADMIN_CHANGE
    assert (entry.before["role"], entry.after["role"]) == (Role.UNIT, Role.OFFICE)

    since = _head()
    url = f"/admin/accounts/roleassignment/{role.pk}/delete/"
    assert client_.post(url, {"post": "yes"}).status_code == 302
    assert not RoleAssignment.objects.exists()
    entry = _only_new_entry(since)
    assert (entry.action, entry.before["role"], entry.after) == (ADMIN_DELETE, Role.OFFICE, None)
    assert audit_verify().ok


def test_deleting_selected_rows_writes_an_entry_for_each(client_: Client) -> None:
    unit = OrganisationFactory()
    roles = [
        RoleAssignment.objects.create(user=UserFactory(), role=Role.UNIT, organisation=unit)
        for _ in range(2)
    ]
    since = _head()
    response = client_.post(
        "/admin/accounts/roleassignment/",
        {"action": "delete_selected", "_selected_action": [r.pk for r in roles], "post": "yes"},
    )
    assert response.status_code == 302
    assert not RoleAssignment.objects.exists()
    entries = AuditEntry.objects.filter(seq__gt=since)
    assert sorted((e.action, e.object_id) for e in entries) == sorted(
        (ADMIN_DELETE, str(r.pk)) for r in roles
    )
    assert audit_verify().ok


def test_a_persons_phone_and_email_never_enter_the_log(client_: Client, superuser: User) -> None:
    person = PersonFactory(name="赵强", phone="0371-61234567", email="")
    form = {
        "organisation": person.organisation.pk,
        "name": "赵强",
        "position": "科长",
        "phone": "13800001111",
        "email": "zhaoqiang@example.gov.cn",
        "user": "",
    }
    since = _head()
    url = f"/admin/accounts/person/{person.pk}/change/"
    assert client_.post(url, form).status_code == 302
    person.refresh_from_db()
    assert person.phone == "13800001111"
    entry = _only_new_entry(since)
    assert (entry.action, entry.object_type, entry.actor) == (
        ADMIN_CHANGE,
        "accounts.person",
        superuser,
    )
    assert entry.after["position"] == "科长"
    assert entry.after["redacted_changed"] == ["phone", "email"]
    text = _text(entry)
    for contact in ("0371-61234567", "13800001111", "zhaoqiang@example.gov.cn"):
        assert contact not in text

    since = _head()
    assert client_.post(f"/admin/accounts/person/{person.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not Person.objects.filter(pk=person.pk).exists()
    entry = _only_new_entry(since)
    assert entry.action == ADMIN_DELETE
    assert "13800001111" not in _text(entry) and "phone" not in entry.before
    assert audit_verify().ok


def _with_history(actor: User) -> None:
    with transaction.atomic():
        audit_record(actor=actor, action="measure.update", object_type="ledger.measure", object_id=1)


def test_a_user_with_audit_history_is_not_deleted_and_the_page_says_why(
    client_: Client,
) -> None:
    user = UserFactory(username="liaison")
    _with_history(user)
    _with_history(user)
    url = f"/admin/accounts/user/{user.pk}/delete/"
    reason = USER_HAS_AUDIT_HISTORY.format(user="liaison", count=2)
    page = client_.get(url)
    assert page.status_code == 200 and reason in page.content.decode()
    since = _head()
    response = client_.post(url, {"post": "yes"})
    assert response.status_code == 200 and reason in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()
    assert _head() == since  # nothing deleted, nothing recorded
    # Not blamed on a permission (Django's own page for a protected row: "…无权删除…").
    assert "无权" not in response.content.decode()
    assert audit_verify().ok


def test_deleting_selected_users_stops_at_those_with_history(client_: Client) -> None:
    acted, idle = UserFactory(username="acted"), UserFactory(username="idle")
    _with_history(acted)
    response = client_.post(
        "/admin/accounts/user/",
        {"action": "delete_selected", "_selected_action": [acted.pk, idle.pk], "post": "yes"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert USER_HAS_AUDIT_HISTORY.format(user="acted", count=1) in html
    assert "“idle”" not in html and "没有权限" not in html  # only the users with history
    assert User.objects.filter(pk__in=[acted.pk, idle.pk]).count() == 2
