"""The findings tree's pages (placeholder until the tree pages land: every page is 404)."""

from django.http import Http404, HttpRequest, HttpResponse


def inspection_list(request: HttpRequest) -> HttpResponse:
    raise Http404


def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404


def aspect_detail(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404


def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404


def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404
