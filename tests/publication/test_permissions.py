"""Each step of an announcement × each role, in and out of the inspected committee.

A step is prepared once (the version brought to the state it needs); every role that may
not take it is refused with nothing written; every role that may takes it inside a
savepoint that is then rolled back, so the next role finds the same version.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from tests.publication.helpers import ALL_CLEAR, People, approved, draft, published, submitted
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import User
from zhenggai.audit.models import AuditEntry
from zhenggai.ledger.models import Inspection
from zhenggai.publication.choices import Visibility
from zhenggai.publication.models import Announcement
from zhenggai.publication.services import (
    announcement_approve,
    announcement_correct,
    announcement_generate,
    announcement_publish,
    announcement_return,
    announcement_save,
    announcement_set_masks,
    announcement_set_visibility,
    announcement_submit,
    exceptions_checklist_answer,
    figure_override_record,
)

pytestmark = pytest.mark.django_db

Prepare = Callable[[Inspection, People], Any]
Step = Callable[[Any, Inspection, User], object]


def _with_wrong_figure(inspection: Inspection, people: People) -> Announcement:
    announcement = draft(inspection, people)
    body = announcement.body.replace("制定整改措施4条", "制定整改措施5条")
    return announcement_save(announcement=announcement, body=body, actor=people.office)


STEPS: dict[str, tuple[Prepare, Step, set[str]]] = {
    "generate": (
        lambda i, p: None,
        lambda a, i, u: announcement_generate(inspection=i, actor=u),
        {Role.OFFICE},
    ),
    "save": (
        draft,
        lambda a, i, u: announcement_save(
            announcement=a, body=a.body.replace("目前正在推进。", "正在按期推进。"), actor=u
        ),
        {Role.OFFICE},
    ),
    "masks": (
        draft,
        lambda a, i, u: announcement_set_masks(announcement=a, names=["执法大队"], actor=u),
        {Role.OFFICE},
    ),
    "visibility": (
        draft,
        lambda a, i, u: announcement_set_visibility(
            announcement=a, visibility=Visibility.INTERNAL, actor=u
        ),
        {Role.OFFICE},
    ),
    "checklist": (
        draft,
        lambda a, i, u: exceptions_checklist_answer(announcement=a, answers=ALL_CLEAR, actor=u),
        {Role.OFFICE, Role.LEADER},
    ),
    "override": (
        _with_wrong_figure,
        lambda a, i, u: figure_override_record(
            announcement=a, key="measures", reason="另有1条措施在方案外落实", actor=u
        ),
        {Role.OFFICE, Role.LEADER},
    ),
    "submit": (draft, lambda a, i, u: announcement_submit(announcement=a, actor=u), {Role.OFFICE}),
    "return": (
        submitted,
        lambda a, i, u: announcement_return(announcement=a, reason="请补充整改成效", actor=u),
        {Role.LEADER},
    ),
    "approve": (
        submitted, lambda a, i, u: announcement_approve(announcement=a, actor=u), {Role.LEADER}
    ),
    "publish": (
        approved,
        lambda a, i, u: announcement_publish(announcement=a, actor=u),
        {Role.OFFICE, Role.LEADER},
    ),
    "correct": (
        published,
        lambda a, i, u: announcement_correct(announcement=a, note="更正一处笔误", actor=u),
        {Role.OFFICE},
    ),
}


class _Rollback(Exception):
    pass


def _snapshot() -> list[tuple[Any, ...]]:
    return list(Announcement.objects.order_by("pk").values_list("pk", "state", "revision", "body"))


@pytest.mark.parametrize("step", sorted(STEPS))
def test_each_step_is_taken_only_by_its_roles(ledger: Inspection, people: People, step: str) -> None:
    prepare, call, allowed = STEPS[step]
    target = prepare(ledger, people)
    users = {**people.by_role, "outsider": people.outsider}
    for name, user in users.items():
        entries, rows = AuditEntry.objects.count(), _snapshot()
        if name not in allowed:
            with pytest.raises(PermissionDenied, match="您没有权限执行此操作"):
                call(target, ledger, user)
            assert (AuditEntry.objects.count(), _snapshot()) == (entries, rows), name
            continue
        with pytest.raises(_Rollback), transaction.atomic():
            call(target, ledger, user)
            assert AuditEntry.objects.count() > entries, name
            raise _Rollback


def test_approval_is_the_leaders_own_permission_not_the_offices() -> None:
    from zhenggai.accounts.permissions import ROLE_ACTIONS, Action

    holders = {role for role, actions in ROLE_ACTIONS.items() if Action.APPROVE_ANNOUNCEMENT in actions}
    assert holders == {Role.LEADER}
