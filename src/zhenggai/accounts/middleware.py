"""Request-wide middleware of the accounts app."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from zhenggai.accounts.permissions import roles_read_once


def roles_read_once_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Each request reads its user's role rows once (`permissions.roles_read_once`)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        with roles_read_once():
            return get_response(request)

    return middleware
