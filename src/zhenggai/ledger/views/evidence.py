"""Serving evidence files (佐证材料) only to users who may read the measure they prove.

Files never sit under a public URL: the storage keeps them, this view asks the selector
(which asks the permissions) and streams them. Anyone who may not see the file gets the
same 404 as for a file that does not exist, so ids do not reveal what exists.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from zhenggai.ledger.selectors import evidence_for_reader


@require_GET
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = evidence_for_reader(user=request.user, pk=pk)
    if evidence is None:
        raise Http404
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


#: Types the browser may show inline (by the content type the upload was typed as).
PREVIEWABLE = frozenset({"image/png", "image/jpeg", "application/pdf"})


@require_GET
def evidence_preview(request: HttpRequest, pk: int) -> FileResponse:
    """The file shown in the browser (images and PDF only; other types are downloaded).

    The same reader check as the download; `nosniff` keeps the browser to the stored type
    (typed by content at upload), and the sandbox stops a PDF's scripts.
    """
    evidence = evidence_for_reader(user=request.user, pk=pk)
    if evidence is None or evidence.content_type not in PREVIEWABLE:
        raise Http404
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=False, filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    return response
