"""The request type of views that use htmx (django-htmx's middleware sets `request.htmx`).

Below every app (it imports only Django and django-htmx), so any app's views can annotate
with it: `def view(request: HtmxHttpRequest) -> HttpResponse`.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails
