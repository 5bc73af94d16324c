"""The measure page, the forms of the close-out path, the evidence preview and the urging
notices of a measure in the role × view matrix (tests/web/test_permission_matrix.py).

The world: unit A leads measure A (close-out requested by unit A, pending); unit B leads
measure B (planned) and the assigned measure, whose share goes to unit A. Readers of the
whole inspection (administrator, office, leader, supervisor, inspector) read every measure;
a unit reads its own; the role-less user and other organisations' measures: 404. A reader
who may not take a step gets 403.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.web.permission_matrix import Case, everyone
from tests.web.world import PNG, World
from zhenggai import clock

READERS = {"admin": 200, "office": 200, "leader": 200, "supervisor": 200, "inspector": 200}
#: Readers of the whole inspection who may not take the step.
REFUSED = {"admin": 403, "office": 403, "leader": 403, "supervisor": 403, "inspector": 403}


def _progress(w: World) -> dict[str, Any]:
    return {"target": "measure", "as_of": clock.today().isoformat(), "narrative": "矩阵进展。",
            "percent": "10"}


def _close_out(w: World) -> dict[str, Any]:
    return {"target": "measure", "summary": "矩阵申请。",
            "files": [SimpleUploadedFile("矩阵.png", PNG + b"m", content_type="image/png")]}


def _b(path: str) -> Any:
    return lambda w: f"/measures/{w.measure_b.pk}/{path}"


def _req(path: str) -> Any:
    return lambda w: f"/close-out-requests/{w.request_a.pk}/{path}/"


CASES = [
    Case("measure page (A)", lambda w: f"/measures/{w.measure_a.pk}/",
         expect=everyone(404, **READERS, unit_a=200)),
    Case("measure page (B)", _b(""), expect=everyone(404, **READERS, unit_b=200)),
    Case("measure page (assigned, htmx)", lambda w: f"/measures/{w.assigned.pk}/", htmx=True,
         expect=everyone(404, **READERS, unit_a=200, unit_b=200)),
    Case("measure audit entries (htmx)", lambda w: f"/measures/{w.measure_a.pk}/audit/",
         htmx=True, expect=everyone(404, **READERS, unit_a=200)),
    Case("foreign measure page", lambda w: f"/measures/{w.foreign_measure.pk}/",
         expect=everyone(404)),
    Case("progress form", _b("progress/"), expect=everyone(404, **REFUSED, unit_b=200)),
    Case("progress post", _b("progress/"), method="post", data=_progress,
         expect=everyone(404, **REFUSED, unit_b=302)),
    Case("progress post (htmx)", _b("progress/"), method="post", data=_progress, htmx=True,
         expect=everyone(404, **REFUSED, unit_b=200)),
    Case("close-out form", _b("close-out/"), expect=everyone(404, **REFUSED, unit_b=200)),
    Case("close-out post", _b("close-out/"), method="post", data=_close_out,
         expect=everyone(404, **REFUSED, unit_b=302)),
    Case("extension form", _b("extension/"),
         expect=everyone(404, **{**REFUSED, "office": 200}, unit_b=200)),
    Case("reopen form", _b("reopen/"),
         expect=everyone(404, **{**REFUSED, "inspector": 200}, unit_b=403)),
    Case("office review form", _req("review"),
         expect=everyone(404, **{**REFUSED, "office": 200}, unit_a=403)),
    Case("office review post", _req("review"), method="post",
         data=lambda w: {"decision": "approve", "reason": ""},
         expect=everyone(404, **{**REFUSED, "office": 302}, unit_a=403)),
    Case("leader approval form", _req("leader"),
         expect=everyone(404, **{**REFUSED, "leader": 200}, unit_a=403)),
    Case("acceptance form", _req("acceptance"),
         expect=everyone(404, **{**REFUSED, "office": 200, "inspector": 200}, unit_a=200)),
    Case("foreign request review", lambda w: "/close-out-requests/999999/review/",
         expect=everyone(404)),
    Case("evidence preview", lambda w: f"/evidence/{w.evidence_a.pk}/preview/",
         expect=everyone(404, **READERS, unit_a=200, anonymous=404)),
    Case("urging notices of a measure", lambda w: f"/measures/{w.measure_a.pk}/urging/",
         expect=everyone(404, **READERS, unit_a=200)),
]
