"""Downloads of a version's edition as DOCX, PDF, TXT or Markdown.

Every format goes through the one official-document builder (`core.edition.render_edition`
→ `core.render_formats`), from the text of the edition: the public edition from its masked
text only, so nothing in the file can undo a mask. A PDF takes a few seconds; the page's
script shows a spinner meanwhile (the link works without it). A text the builder cannot lay
out is a 400 with the reason in Chinese, never a server error.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from zhenggai.core.edition import render_edition
from zhenggai.core.errors import InputError
from zhenggai.core.render_formats import FORMATS
from zhenggai.http import HtmxHttpRequest
from zhenggai.publication.choices import Edition, Visibility
from zhenggai.publication.selectors import public_text
from zhenggai.publication.views.common import (
    inspection_or_404,
    refusals,
    render_page,
    version_or_404,
)

CONTENT_TYPES = {
    "txt": "text/plain; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


@login_required
@require_GET
@refusals
def download(
    request: HtmxHttpRequest, pk: int, version: int, edition: str, fmt: str
) -> HttpResponse:
    inspection = inspection_or_404(request, pk)
    shown = version_or_404(request, inspection, version)
    if fmt not in FORMATS or edition not in Edition.values:
        raise Http404
    if edition == Edition.PUBLIC and shown.visibility != Visibility.PUBLIC:
        raise Http404  # an internal-only version has no public edition
    text = public_text(shown) if edition == Edition.PUBLIC else shown.body
    try:
        data = render_edition(text, fmt=fmt)
    except InputError as exc:
        return render_page(request, inspection, shown=shown, status=400, action_error=str(exc))
    label = Edition(edition).label
    name = _("%(title)s（第%(version)d版%(edition)s）.%(fmt)s") % {
        "title": shown.title,
        "version": shown.version,
        "edition": label,
        "fmt": fmt,
    }
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    return response
