"""The search page (检索): problems, findings and measures whose text holds the words.

A GET form that works without JavaScript; with htmx the results swap as the user types.
What a user finds is what they may read (the selector scopes it); the page itself needs
only a signed-in user.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from zhenggai.http import HtmxHttpRequest
from zhenggai.ledger.selectors.search import search

TEMPLATE = "ledger/search/search.html"
#: The detail page of each place in the tree and of each kind of hit.
DETAIL = {
    "inspection": "ledger:inspection-detail",
    "aspect": "ledger:aspect-detail",
    "problem": "ledger:problem-detail",
    "finding": "ledger:finding-detail",
    "measure": "ledger:measure-detail",
    "p": "ledger:problem-detail",
    "f": "ledger:finding-detail",
    "m": "ledger:measure-detail",
}


def _url(kind: str, pk: int) -> str:
    try:
        return reverse(DETAIL[kind], kwargs={"pk": pk})
    except NoReverseMatch:
        return ""


def _start(value: str) -> int:
    return int(value) if value.isdigit() else 0


@login_required
@require_GET
def search_page(request: HtmxHttpRequest) -> HttpResponse:
    results = search(
        request.user,
        request.GET.get("q", ""),
        kind=request.GET.get("kind", ""),
        start=_start(request.GET.get("start", "")),
    )
    hits = [
        {
            "hit": hit,
            "url": _url(hit.kind, hit.obj.pk),
            "place": [(label, _url(model, pk)) for label, model, pk in hit.place],
        }
        for hit in results.hits
    ]
    tabs = [
        (kind, label, results.counts.get(kind, 0), kind in results.capped)
        for kind, label in (("m", _("整改措施")), ("f", _("具体问题")), ("p", _("问题")))
    ]
    partial = request.htmx and request.htmx.target == "search-results"
    return render(
        request,
        f"{TEMPLATE}#results" if partial else TEMPLATE,
        {"results": results, "hits": hits, "tabs": tabs},
    )
