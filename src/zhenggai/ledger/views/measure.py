"""The measure's page (placeholder until the measure page lands: 404)."""

from django.http import Http404, HttpRequest, HttpResponse


def measure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404
