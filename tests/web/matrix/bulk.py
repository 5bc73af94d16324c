"""Bulk actions on the ledger's rows (POST /ledger/bulk/) in the role × view matrix.

Only the office changes rows in bulk or reminds. Everyone else who reads the selected row
gets 403 naming it (the inspection's readers, and unit A, which leads measure A); a
selection with a row the user may not read is 404 (unit B, the role-less user, and
everyone for another organisation's measure), the same as for an id that does not exist.
"""

from __future__ import annotations

from typing import Any

from tests.web.permission_matrix import Case, everyone
from tests.web.world import World

READ_NOT_ACT = {"admin": 403, "leader": 403, "supervisor": 403, "inspector": 403,
                "unit_a": 403}


def _data(step: str, action: str, **extra: Any) -> Any:
    def data(w: World) -> dict[str, Any]:
        return {"ids": [w.measure_a.pk], "step": step, "action": action, **extra}
    return data


CASES = [
    Case("bulk choose", lambda w: "/ledger/bulk/", method="post", data=_data("choose", "unit"),
         expect=everyone(404, office=200, **READ_NOT_ACT)),
    Case("bulk preview", lambda w: "/ledger/bulk/", method="post",
         data=lambda w: {**_data("preview", "unit")(w), "lead_unit": w.unit_b.pk},
         expect=everyone(404, office=200, **READ_NOT_ACT)),
    Case("bulk confirm", lambda w: "/ledger/bulk/", method="post",
         data=lambda w: {**_data("confirm", "unit")(w), "lead_unit": w.unit_b.pk},
         expect=everyone(404, office=302, **READ_NOT_ACT)),
    Case("bulk remind preview", lambda w: "/ledger/bulk/", method="post",
         data=_data("preview", "remind"), expect=everyone(404, office=200, **READ_NOT_ACT)),
    Case("bulk of another organisation", lambda w: "/ledger/bulk/", method="post",
         data=lambda w: {"ids": [w.measure_b.pk, w.foreign_measure.pk], "step": "confirm",
                         "action": "unit", "lead_unit": w.unit_a.pk},
         expect=everyone(404)),
]
