"""What the importer saw: the parse warnings of the documents an inspection came from."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from zhenggai.ledger.models import SourceDocument


def import_warnings(*, inspection_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """{inspection id: the warnings of its source documents, oldest import first}; one query.

    The caller passes inspections the user may read (e.g. from `visible_inspections`).
    """
    out: dict[int, list[dict[str, Any]]] = {}
    rows = (
        SourceDocument.objects.filter(inspection_id__in=list(inspection_ids))
        .order_by("imported_at", "id")
        .only("inspection_id", "warnings")
    )
    for source in rows:
        if source.inspection_id is not None:
            out.setdefault(source.inspection_id, []).extend(source.warnings)
    return out
