"""The announcement page and its steps in the role × view matrix.

The office drafts (generate, save, submit, masks, checklist); the leader approves or returns
(a permission of its own) and, like the office, publishes; both read every version. Everyone
else who opens the inspection — the administrator, the supervisor, the inspection group and
the units whose measures are in it — gets 403 with the reason; a role-less user and anyone
on another organisation's inspection get 404. A step's version is brought to its state
inside the role's savepoint (the URL is built there), so every role meets the same version.
"""

from __future__ import annotations

from typing import Any

from tests.web.permission_matrix import Case, everyone
from tests.web.world import World
from zhenggai.publication.choices import CHECKLIST_ITEMS, ChecklistAnswer
from zhenggai.publication.models import Announcement
from zhenggai.publication.services import (
    announcement_approve,
    announcement_generate,
    announcement_submit,
    exceptions_checklist_answer,
)

#: Those who open the inspection but may not read its announcement.
READ_REFUSED = {"admin": 403, "supervisor": 403, "inspector": 403, "unit_a": 403, "unit_b": 403}
ALL_CLEAR = {item: ChecklistAnswer.ABSENT for item, _ in CHECKLIST_ITEMS}


def _page(w: World) -> str:
    return f"/inspections/{w.inspection.pk}/announcement/"


def _draft(w: World) -> Announcement:
    office = w.users["office"]
    assert office is not None
    return announcement_generate(inspection=w.inspection, actor=office)


def _submitted(w: World) -> Announcement:
    office = w.users["office"]
    assert office is not None
    draft = _draft(w)
    exceptions_checklist_answer(announcement=draft, answers=ALL_CLEAR, actor=office)
    return announcement_submit(announcement=draft, actor=office)


def _approved(w: World) -> Announcement:
    leader = w.users["leader"]
    assert leader is not None
    return announcement_approve(announcement=_submitted(w), actor=leader)


def _at(state: Any, step: str) -> Any:
    def url(w: World) -> str:
        announcement = state(w)
        return f"{_page(w)}versions/{announcement.version}/{step}"

    return url


def _body(w: World) -> dict[str, Any]:
    draft = Announcement.objects.get(inspection=w.inspection)
    return {"body": draft.body + "（补充一句。）\n", "base_revision": draft.revision}


def _with_draft(w: World) -> str:
    _draft(w)
    return _page(w)


#: Drafting steps: the office only; the leader reads the version but may not.
DRAFTING = everyone(404, office=302, leader=403, **READ_REFUSED)

CASES = [
    Case(
        "announcement page, nothing yet",
        _page,
        expect=everyone(404, office=200, leader=200, **READ_REFUSED),
    ),
    Case(
        "announcement page with a draft",
        _with_draft,
        expect=everyone(404, office=200, leader=200, **READ_REFUSED),
    ),
    Case(
        "announcement page (htmx)",
        _with_draft,
        htmx=True,
        expect=everyone(404, office=200, leader=200, **READ_REFUSED),
    ),
    Case("announcement generate", lambda w: f"{_page(w)}generate/", method="post", expect=DRAFTING),
    Case("announcement save", _at(_draft, "save/"), method="post", data=_body, expect=DRAFTING),
    Case(
        "announcement masks",
        _at(_draft, "masks/"),
        method="post",
        data=lambda w: {"others": ""},
        expect=DRAFTING,
    ),
    Case(
        "announcement visibility",
        _at(_draft, "visibility/"),
        method="post",
        data=lambda w: {"visibility": "internal"},
        expect=DRAFTING,
    ),
    Case("announcement submit", _at(_draft, "submit/"), method="post", expect=DRAFTING),
    Case(
        "announcement checklist",
        _at(_draft, "checklist/"),
        method="post",
        data=lambda w: {**ALL_CLEAR, "note": ""},
        expect=everyone(404, office=302, leader=302, **READ_REFUSED),
    ),
    Case(
        "announcement override of a matching figure",
        _at(_draft, "override/"),
        method="post",
        data=lambda w: {"key": "measures", "reason": "理由"},
        expect=everyone(404, office=400, leader=400, **READ_REFUSED),
    ),
    Case(
        "announcement approve",
        _at(_submitted, "approve/"),
        method="post",
        expect=everyone(404, office=403, leader=302, **READ_REFUSED),
    ),
    Case(
        "announcement return",
        _at(_submitted, "return/"),
        method="post",
        data=lambda w: {"reason": "再改改"},
        expect=everyone(404, office=403, leader=302, **READ_REFUSED),
    ),
    Case(
        "announcement publish",
        _at(_approved, "publish/"),
        method="post",
        expect=everyone(404, office=302, leader=302, **READ_REFUSED),
    ),
    Case(
        "announcement download",
        _at(_draft, "download/internal.txt"),
        expect=everyone(404, office=200, leader=200, **READ_REFUSED),
    ),
    Case(
        "announcement of another organisation",
        lambda w: f"/inspections/{w.foreign.pk}/announcement/",
        expect=everyone(404),
    ),
    Case(
        "announcement generate for another organisation",
        lambda w: f"/inspections/{w.foreign.pk}/announcement/generate/",
        method="post",
        expect=everyone(404),
    ),
]
