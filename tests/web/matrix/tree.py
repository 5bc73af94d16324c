"""The findings tree's pages in the role × view matrix (tests/web/test_permission_matrix.py).

Every role that reads the inspection reads its tree; a unit reads the part above its own
measures — in the world both units lead a measure of the one finding, so both read its
finding, problem, aspect and inspection. A role-less user, and anyone on another
organisation's inspection, get 404; anonymous visitors go to the login page. The list is
open to every signed-in user (it shows what the user may read, maybe nothing).
"""

from __future__ import annotations

from typing import Any

from tests.web.permission_matrix import Case, everyone
from tests.web.world import World

#: Everyone who reads the world's inspection.
READERS = {"admin": 200, "office": 200, "leader": 200, "supervisor": 200, "inspector": 200,
           "unit_a": 200, "unit_b": 200}


def _foreign_finding(w: World) -> Any:
    return w.foreign_measure.findings.get()


CASES = [
    Case("inspection list", lambda w: "/inspections/", expect=everyone(200)),
    Case("inspection page", lambda w: f"/inspections/{w.inspection.pk}/",
         expect=everyone(404, **READERS)),
    Case("aspect page", lambda w: f"/aspects/{w.finding.problem.aspect_id}/",
         expect=everyone(404, **READERS)),
    Case("problem page", lambda w: f"/problems/{w.finding.problem_id}/",
         expect=everyone(404, **READERS)),
    Case("finding page", lambda w: f"/findings/{w.finding.pk}/", expect=everyone(404, **READERS)),
    Case("finding audit entries (htmx)", lambda w: f"/findings/{w.finding.pk}/?audit_before=999",
         htmx=True, expect=everyone(404, **READERS)),
    Case("inspection page of another organisation", lambda w: f"/inspections/{w.foreign.pk}/",
         expect=everyone(404)),
    Case("aspect page of another organisation",
         lambda w: f"/aspects/{_foreign_finding(w).problem.aspect_id}/", expect=everyone(404)),
    Case("problem page of another organisation",
         lambda w: f"/problems/{_foreign_finding(w).problem_id}/", expect=everyone(404)),
    Case("finding page of another organisation",
         lambda w: f"/findings/{_foreign_finding(w).pk}/", expect=everyone(404)),
    Case("inspection list posted", lambda w: "/inspections/", method="post",
         expect=everyone(405)),
]
