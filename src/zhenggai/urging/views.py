"""Urging pages: the urging notices (督办文书) issued about a measure, shown on its page.

The measure page loads this list with htmx (the urging app sits above the ledger, so the
ledger's page cannot read urging's tables itself); the same URL without htmx is a page of
its own. A user who may not read the measure gets 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from zhenggai.http import HtmxHttpRequest
from zhenggai.urging.selectors import measure_notices

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
