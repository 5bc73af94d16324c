"""The signed-in landing page (工作台): what needs the user today, by role.

Thin: the sections come from `web.selectors.home_for`, which asks the ledger's selectors
(and through them `accounts.permissions`); nothing is filtered by role here. A bounded
number of queries whatever the number of rows: each section is a count and a first page.
Anonymous visitors are sent to the login page: nothing of an unpublished inspection is
public (DESIGN §7).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from zhenggai import clock
from zhenggai.accounts.models import User
from zhenggai.ledger.selectors.saved_views import default_view_count
from zhenggai.web.selectors import home_for


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    today = clock.today()
    return render(request, "web/home.html", {
        "home": home_for(request.user, today=today),
        "today": today,
        "default_view": default_view_count(request.user),
    })
