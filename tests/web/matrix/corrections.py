"""The correction pages in the role × view matrix (tests/web/test_permission_matrix.py).

Only the office corrects. Everyone else who reads the object gets 403: the inspection's
readers (administrator, leader, supervisor, inspector) and a unit on the tree above its own
measures; a unit on another unit's measure, a role-less user and anyone on another
organisation's object get 404.
"""

from __future__ import annotations

from typing import Any

from tests.web.permission_matrix import ANON_LOGIN, Case, everyone
from tests.web.world import World
from zhenggai.ledger.models import Measure
from zhenggai.ledger.services.corrections import correction_token

#: Readers of the inspection's whole tree, and both units (each leads a measure of the
#: world's finding), may read but not correct.
READ_NOT_ACT = {"admin": 403, "leader": 403, "supervisor": 403, "inspector": 403,
                "unit_a": 403, "unit_b": 403}


def _title(obj: Any) -> dict[str, Any]:
    return {"title": "更正后的标题", "token": correction_token(obj), "step": "save"}


def _measure(measure: Measure) -> dict[str, Any]:
    measure = Measure.objects.get(pk=measure.pk)  # the world's close-out moved its version
    return {
        "content": measure.content, "target": "更正后的目标", "lead_unit": measure.lead_unit_id,
        "responsible_leader": measure.responsible_leader_id or "",
        "responsible_person": measure.responsible_person_id or "", "urgency": measure.urgency,
        "deadline": measure.deadline.isoformat() if measure.deadline else "",
        "version": measure.version, "step": "save",
    }


def _cases(name: str, url: Any, data: Any, *, saved: int, **expect: int) -> list[Case]:
    return [
        Case(f"{name} edit", url, expect=everyone(404, office=200, **expect)),
        Case(f"{name} save", url, method="post", data=data,
             expect=everyone(404, office=saved, **expect)),
        Case(f"{name} preview (htmx)", url, method="post", htmx=True,
             data=lambda w: {**data(w), "step": "preview"},
             expect=everyone(404, office=200, **expect)),
    ]


def _foreign(name: str, url: Any) -> Case:
    return Case(f"{name} of another organisation", url, expect=everyone(404))


CASES = [
    *_cases("aspect", lambda w: f"/aspects/{w.finding.problem.aspect_id}/edit/",
            lambda w: _title(w.finding.problem.aspect), saved=302, **READ_NOT_ACT),
    *_cases("problem", lambda w: f"/problems/{w.finding.problem_id}/edit/",
            lambda w: _title(w.finding.problem), saved=302, **READ_NOT_ACT),
    *_cases("finding", lambda w: f"/findings/{w.finding.pk}/edit/",
            lambda w: {"text": "更正后的问题表述。", "label": "主要问题",
                       "token": correction_token(w.finding), "step": "save"},
            saved=302, **READ_NOT_ACT),
    # Unit A leads measure A; unit B neither leads nor is assigned it: not found.
    *_cases("measure", lambda w: f"/measures/{w.measure_a.pk}/edit/",
            lambda w: _measure(w.measure_a), saved=302,
            **{**READ_NOT_ACT, "unit_b": 404}),
    # The measure assigned to unit A (led by B): both units read it, neither corrects.
    Case("assigned measure edit", lambda w: f"/measures/{w.assigned.pk}/edit/",
         expect=everyone(404, office=200, **READ_NOT_ACT)),
    _foreign("aspect", lambda w: f"/aspects/{_foreign_finding(w).problem.aspect_id}/edit/"),
    _foreign("problem", lambda w: f"/problems/{_foreign_finding(w).problem_id}/edit/"),
    _foreign("finding", lambda w: f"/findings/{_foreign_finding(w).pk}/edit/"),
    _foreign("measure", lambda w: f"/measures/{w.foreign_measure.pk}/edit/"),
    Case("foreign measure save", lambda w: f"/measures/{w.foreign_measure.pk}/edit/",
         method="post", data=lambda w: _measure(w.foreign_measure),
         expect=everyone(404, anonymous=ANON_LOGIN)),
]


def _foreign_finding(w: World) -> Any:
    return w.foreign_measure.findings.get()
