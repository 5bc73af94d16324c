"""Urging pages: the urging notices (督办文书) issued about a measure, shown on its page;
the notices of an inspection and of all inspections the user reads; one notice and its
document (DOCX), streamed only to its readers.

The measure page loads this list with htmx (the urging app sits above the ledger, so the
ledger's page cannot read urging's tables itself); the same URL without htmx is a page of
its own. A user who may not read the measure gets 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from zhenggai.http import HtmxHttpRequest
from zhenggai.ledger.models import Inspection
from zhenggai.ledger.selectors.tree import tree_node
from zhenggai.urging.selectors import measure_notices, notice_for_reader, notice_page

TEMPLATE = "urging/measure_notices.html"


@login_required
@require_GET
def measure_notice_list(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    found = measure_notices(user=request.user, pk=pk)
    if found is None:
        raise Http404
    measure, notices = found
    context = {
        "measure": measure,
        "notices": notices,
        "measure_url": reverse("ledger:measure-detail", kwargs={"pk": measure.pk}),
    }
    template = f"{TEMPLATE}#notices" if request.htmx else TEMPLATE
    return render(request, template, context)


LIST_TEMPLATE = "urging/notices.html"


def _after(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


@login_required
@require_GET
def notice_list(request: HtmxHttpRequest, pk: int | None = None) -> HttpResponse:
    """The urging notices the user may read: of inspection `pk`, or of every inspection.

    Newest first, keyset pages; an inspection outside the user's scope is 404. An htmx
    request (the "下一页" link) gets the rows alone.
    """
    inspection = None
    if pk is not None:
        reading = tree_node(user=request.user, model=Inspection, pk=pk)
        if reading is None:
            raise Http404
        inspection = reading.inspection
    rows, next_after = notice_page(
        user=request.user, inspection=inspection, after=_after(request.GET.get("after"))
    )
    url = (reverse("urging:inspection-notices", kwargs={"pk": pk}) if pk is not None
           else reverse("urging:notices"))
    crumbs = ([(inspection.title, reverse("ledger:inspection-detail", kwargs={"pk": pk})),
               (_("督办文书"), "")] if inspection is not None else [])
    context = {"inspection": inspection, "notices": rows, "crumbs": crumbs,
               "next_url": f"{url}?after={next_after}" if next_after else ""}
    template = f"{LIST_TEMPLATE}#rows" if request.htmx else LIST_TEMPLATE
    return render(request, template, context)


@login_required
@require_GET
def notice_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """One notice: its number, level, addressee, measure, issuer, text and document."""
    notice = notice_for_reader(user=request.user, pk=pk)
    if notice is None:
        raise Http404
    crumbs = [
        (notice.inspection.title,
         reverse("ledger:inspection-detail", kwargs={"pk": notice.inspection_id})),
        (_("督办文书"), reverse("urging:inspection-notices", kwargs={"pk": notice.inspection_id})),
        (notice.number, ""),
    ]
    return render(request, "urging/notice.html", {"notice": notice, "crumbs": crumbs})


@login_required
@require_GET
def notice_download(request: HtmxHttpRequest, pk: int) -> FileResponse:
    """The notice's DOCX, streamed only to those who may read the notice (404 otherwise)."""
    notice = notice_for_reader(user=request.user, pk=pk)
    if notice is None or not notice.file:
        raise Http404
    try:
        handle = notice.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=f"{notice.number}{notice.get_level_display()}.docx",
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
