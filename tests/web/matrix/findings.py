"""A finding's tools and the follow-up review page in the role × view matrix.

The world's finding holds measures of both units, so every reader of the inspection and
both units read it; only the office marks it key and sets its scope (others who read it:
403); the explanation is accepted by the office or the leader; reopening and follow-up
reviews are the inspection group's. The follow-up page is the inspection's: units and
other organisations get 404.
"""

from __future__ import annotations

from typing import Any

from tests.web.permission_matrix import Case, everyone
from tests.web.world import World
from zhenggai import clock
from zhenggai.ledger.choices import FindingScope

READ_NOT_ACT = {"admin": 403, "leader": 403, "supervisor": 403, "inspector": 403,
                "unit_a": 403, "unit_b": 403}
READERS = {"admin": 200, "office": 200, "leader": 200, "supervisor": 200, "inspector": 200}


def _f(step: str) -> Any:
    return lambda w: f"/findings/{w.finding.pk}/{step}/"


def _scope(w: World) -> dict[str, Any]:
    return {"scope": FindingScope.COMMON, "concerned_units": [w.unit_a.pk]}


def _foreign(step: str) -> Any:
    return lambda w: f"/findings/{w.foreign_measure.findings.get().pk}/{step}/"


CASES = [
    Case("finding key form", _f("key"), expect=everyone(404, office=200, **READ_NOT_ACT)),
    Case("finding key post (under review: refused by the service)", _f("key"), method="post",
         data=lambda w: {"is_key": "on"}, expect=everyone(404, office=400, **READ_NOT_ACT)),
    Case("finding scope form", _f("scope"), expect=everyone(404, office=200, **READ_NOT_ACT)),
    Case("finding scope post", _f("scope"), method="post", data=_scope,
         expect=everyone(404, office=302, **READ_NOT_ACT)),
    Case("finding scope post (htmx)", _f("scope"), method="post", data=_scope, htmx=True,
         expect=everyone(404, office=200, **READ_NOT_ACT)),
    Case("finding explanation form", _f("explanation"),
         expect=everyone(404, office=200, **READ_NOT_ACT)),
    Case("finding explanation accept form", _f("explanation/accept"),
         expect=everyone(404, office=200, **{**READ_NOT_ACT, "leader": 200})),
    Case("finding reopen form", _f("reopen"),
         expect=everyone(404, office=403, **{**READ_NOT_ACT, "inspector": 200})),
    Case("foreign finding key", _foreign("key"), method="post", data=lambda w: {"is_key": "on"},
         expect=everyone(404)),
    Case("foreign finding scope", _foreign("scope"), expect=everyone(404)),
    Case("follow-up page", lambda w: f"/inspections/{w.inspection.pk}/follow-up/",
         expect=everyone(404, **READERS)),
    Case("follow-up post", lambda w: f"/inspections/{w.inspection.pk}/follow-up/",
         method="post",
         data=lambda w: {"date": clock.today().isoformat(), "conclusion": "矩阵回头看。"},
         expect=everyone(404, **{**READERS, "admin": 403, "office": 403, "leader": 403,
                                 "supervisor": 403, "inspector": 302})),
    Case("foreign follow-up page", lambda w: f"/inspections/{w.foreign.pk}/follow-up/",
         expect=everyone(404)),
]
