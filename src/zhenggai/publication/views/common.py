"""What the announcement's views share: finding the inspection and the version in the
user's scope, and drawing the page with whatever forms and messages a step left.

Scope: an inspection the user may not open is 404 (as an id that does not exist); one the
user opens but whose announcement the user may not read (a unit, the supervisor, the
inspection group) is 403 with the selector's reason. The page is drawn by `render_page`
for every answer — the first load, a refused step (400 with the form as typed, 403 with
the service's reason, 409 for a conflict) — so nothing typed is ever lost.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django_htmx.http import HttpResponseClientRedirect

from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import Action, actions_held
from zhenggai.http import HtmxHttpRequest
from zhenggai.ledger.models import Inspection
from zhenggai.ledger.selectors.scope import visible_inspections
from zhenggai.publication.models import Announcement
from zhenggai.publication.selectors import announcement_versions

TEMPLATE = "publication/announcement/page.html"
#: What a user may do here, asked once per page (the buttons shown follow it; the services
#: still decide every step).
ACTIONS = (Action.DRAFT_ANNOUNCEMENT, Action.APPROVE_ANNOUNCEMENT, Action.PUBLISH)


def refusals(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A user who opens the inspection but may not read its announcement (a selector's
    PermissionDenied, wherever in the view) gets the page's refusal: 403 with the reason."""

    @functools.wraps(view)
    def wrapped(request: HtmxHttpRequest, pk: int, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, pk, *args, **kwargs)
        except PermissionDenied as exc:
            inspection = inspection_or_404(request, pk)
            context = {"inspection": inspection, "crumbs": crumbs(inspection), "refusal": str(exc)}
            template = f"{TEMPLATE}#announcement" if request.htmx else TEMPLATE
            return render(request, template, context, status=403)

    return wrapped


def acting_user(request: HtmxHttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required ran
    return user


def inspection_or_404(request: HtmxHttpRequest, pk: int) -> Inspection:
    """The inspection, if the user may open it at all; else 404."""
    inspection = (
        visible_inspections(request.user).select_related("organisation").filter(pk=pk).first()
    )
    if inspection is None:
        raise Http404
    return inspection


def version_or_404(request: HtmxHttpRequest, inspection: Inspection, version: int) -> Announcement:
    """The inspection's version `version`; PermissionDenied for a user who may not read
    announcements there, 404 when there is no such version."""
    found = (
        announcement_versions(user=acting_user(request), inspection=inspection)
        .filter(version=version)
        .first()
    )
    if found is None:
        raise Http404
    return found


def page_url(inspection: Inspection, announcement: Announcement | None = None) -> str:
    """The page, showing `announcement` when given (else the newest version)."""
    url = reverse("publication:announcement", kwargs={"pk": inspection.pk})
    return f"{url}?version={announcement.version}" if announcement is not None else url


def done(request: HtmxHttpRequest, url: str) -> HttpResponse:
    """After a step: back to the page (a full load, so every panel shows the new state)."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


def add_errors(form: forms.Form, exc: ValidationError) -> None:
    """The service's errors beside their fields, or above the form when no field has them."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def render_page(
    request: HtmxHttpRequest,
    inspection: Inspection,
    *,
    shown: Announcement | None = None,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    """The whole page (or its `#announcement` partial for htmx), with `extra` — bound forms
    with their errors, a refusal, a conflict — laid over the defaults."""
    from zhenggai.publication.views.context import page_context

    user = acting_user(request)
    held = actions_held(user, ACTIONS, inspection=inspection)
    try:
        context = page_context(request, inspection, held=held, shown=shown, extra=extra)
    except PermissionDenied as exc:
        context = {"inspection": inspection, "crumbs": crumbs(inspection), "refusal": str(exc)}
        status = 403
    template = f"{TEMPLATE}#announcement" if request.htmx else TEMPLATE
    return render(request, template, context, status=status)


def crumbs(inspection: Inspection) -> list[tuple[str, str]]:
    return [
        (inspection.title, reverse("ledger:inspection-detail", kwargs={"pk": inspection.pk})),
        (gettext("整改情况通报"), ""),
    ]
