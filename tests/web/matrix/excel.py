"""The Excel pages in the role × view matrix (issue #13).

The export is open to every signed-in user: it exports what that user reads (an empty
sheet for a user who reads nothing), so there is nothing to refuse. The import needs the
import right somewhere (administrator, office); the others get 403 with the reason — also
for an upload into an existing inspection. An upload is its uploader's: the preview of the office's upload is 404 for everyone else.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.ledger.excel_helpers import row, workbook
from tests.web.permission_matrix import Case, everyone
from tests.web.world import World
from zhenggai.ledger.services.excel_import import excel_stage


def _upload_into(w: World) -> dict[str, Any]:
    """A sheet for the world's inspection (both roles that import hold it there)."""
    file = SimpleUploadedFile("台账.xlsx", workbook([row()]))
    return {"file": file, "inspection": str(w.inspection.pk)}


def _office_upload(w: World) -> Any:
    user = w.users["office"]
    return excel_stage(data=workbook([row()]), filename="台账.xlsx", actor=user)


CASES = [
    Case(
        "ledger export",
        lambda w: f"/ledger/export/?inspection={w.inspection.pk}",
        expect=everyone(200),
    ),
    Case("export job of nobody", lambda w: "/ledger/export/nosuchtoken/", expect=everyone(404)),
    Case(
        "import upload page",
        lambda w: "/import/excel/",
        expect=everyone(403, admin=200, office=200),
    ),
    Case(
        "import upload into an existing inspection",
        lambda w: "/import/excel/",
        method="post",
        data=_upload_into,
        expect=everyone(403, admin=302, office=302),
    ),
    Case(
        "import preview of the office's upload",
        lambda w: f"/import/excel/{_office_upload(w).pk}/",
        expect=everyone(404, office=200),
    ),
    Case(
        "import confirm of the office's upload (wrong hash)",
        lambda w: f"/import/excel/{_office_upload(w).pk}/confirm/",
        method="post",
        data=lambda w: {"sha256": "0" * 64},
        expect=everyone(404, office=400),
    ),
]
