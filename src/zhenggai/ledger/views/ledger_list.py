"""The ledger page (placeholder until the ledger page lands: 404)."""

from django.http import Http404, HttpRequest, HttpResponse


def ledger(request: HttpRequest) -> HttpResponse:
    raise Http404
