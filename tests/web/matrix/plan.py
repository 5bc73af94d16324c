"""The plan page and its forms in the role × view matrix (tests/web/test_permission_matrix.py).

The plan page is the inspection's: its readers (administrator, office, leader, supervisor,
inspector) open it; units read only part of the tree, so it is not theirs (404), nor
another organisation's inspection. Only the office creates and revises the plan; only the
leader approves it; the other readers get 403.
"""

from __future__ import annotations

from typing import Any

from tests.web.permission_matrix import Case, everyone
from tests.web.world import World
from zhenggai.accounts.models import User
from zhenggai.ledger.models import RectificationPlan
from zhenggai.ledger.services.plan import plan_create

READERS = {"admin": 200, "office": 200, "leader": 200, "supervisor": 200, "inspector": 200}
REFUSED = {"admin": 403, "office": 403, "leader": 403, "supervisor": 403, "inspector": 403}


def _plan(w: World) -> str:
    """The world has no plan: the office drafts one (the form cases need it)."""
    office = w.users["office"]
    assert isinstance(office, User)
    if not RectificationPlan.objects.filter(inspection=w.inspection).exists():
        plan_create(inspection=w.inspection, title="矩阵方案", actor=office)
    return f"/inspections/{w.inspection.pk}/plan/"


def _with_plan(step: str) -> Any:
    return lambda w: _plan(w) + step


CASES = [
    Case("plan page", lambda w: f"/inspections/{w.inspection.pk}/plan/",
         expect=everyone(404, **READERS)),
    Case("plan page with revisions", _with_plan(""), expect=everyone(404, **READERS)),
    Case("foreign plan page", lambda w: f"/inspections/{w.foreign.pk}/plan/",
         expect=everyone(404)),
    Case("plan create", lambda w: f"/inspections/{w.inspection.pk}/plan/create/",
         method="post", data=lambda w: {"title": "矩阵方案"},
         expect=everyone(404, **{**REFUSED, "office": 302})),
    Case("plan revise", _with_plan("revise/"), method="post",
         data=lambda w: {"reason": "矩阵修订"}, expect=everyone(404, **{**REFUSED, "office": 302})),
    Case("plan revise (htmx)", _with_plan("revise/"), method="post", htmx=True,
         data=lambda w: {"reason": "矩阵修订"}, expect=everyone(404, **{**REFUSED, "office": 200})),
    Case("plan approve", _with_plan("approve/"), method="post",
         data=lambda w: {"revision": "1"}, expect=everyone(404, **{**REFUSED, "leader": 302})),
    Case("foreign plan create", lambda w: f"/inspections/{w.foreign.pk}/plan/create/",
         method="post", data=lambda w: {"title": "越权"}, expect=everyone(404)),
]


def _group(w: World) -> dict[str, Any]:
    from tests.factories import PersonFactory

    head = PersonFactory(organisation=w.committee)
    return {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "60", "form-0-person": head.pk, "form-0-role": "leader",
            "form-0-duty": "", "principal_leader": ""}


CASES += [
    Case("leading group form", lambda w: f"/inspections/{w.inspection.pk}/plan/leading-group/",
         expect=everyone(404, **{**REFUSED, "office": 200})),
    Case("leading group post", lambda w: f"/inspections/{w.inspection.pk}/plan/leading-group/",
         method="post", data=_group, expect=everyone(404, **{**REFUSED, "office": 302})),
    Case("foreign leading group", lambda w: f"/inspections/{w.foreign.pk}/plan/leading-group/",
         expect=everyone(404)),
]
