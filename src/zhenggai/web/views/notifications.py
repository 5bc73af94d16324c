"""The notification inbox: newest first, unread marked, each message opening its object."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from zhenggai.accounts.models import User
from zhenggai.http import HtmxHttpRequest
from zhenggai.notifications.models import Notification
from zhenggai.notifications.selectors import inbox_page
from zhenggai.notifications.services import notification_mark_all_read, notification_mark_read
from zhenggai.web.links import object_url


def _before(request: HttpRequest) -> tuple[dt.datetime, int] | None:
    """The keyset position from ?before=<iso time>_<id>; None when absent or unreadable."""
    raw = request.GET.get("before", "")
    at, _, pk = raw.rpartition("_")
    try:
        moment = dt.datetime.fromisoformat(at)
        return (moment if timezone.is_aware(moment) else timezone.make_aware(moment), int(pk))
    except ValueError:
        return None


@require_GET
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    unread_only = request.GET.get("unread") == "1"
    page = inbox_page(user=request.user, unread_only=unread_only, before=_before(request))
    for note in page.notifications:
        note.target_url = object_url(note.object_type, note.object_id) or note.link  # type: ignore[attr-defined]
    next_url = ""
    if page.next_key is not None:
        at, pk = page.next_key
        query = request.GET.copy()
        query["before"] = f"{at.isoformat()}_{pk}"
        next_url = f"?{query.urlencode()}"
    return render(
        request,
        "web/notifications.html",
        {"page": page, "unread_only": unread_only, "next_url": next_url},
    )


@require_POST
@login_required
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the message read and go to its object (or back to the inbox)."""
    assert isinstance(request.user, User)
    note = get_object_or_404(Notification, pk=pk, user=request.user)
    notification_mark_read(notification=note, user=request.user)
    target = object_url(note.object_type, note.object_id) or note.link
    return HttpResponseRedirect(target or reverse("web:notifications"))


@require_POST
@login_required
def mark_read(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Mark one message read; htmx swaps the message's row, without htmx the inbox reloads."""
    assert isinstance(request.user, User)
    note = get_object_or_404(Notification, pk=pk, user=request.user)
    note = notification_mark_read(notification=note, user=request.user)
    if request.htmx:
        note.target_url = object_url(note.object_type, note.object_id) or note.link  # type: ignore[attr-defined]
        return render(request, "web/notifications.html#notice", {"note": note})
    return HttpResponseRedirect(reverse("web:notifications"))


@require_POST
@login_required
def read_all(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    notification_mark_all_read(user=request.user)
    return HttpResponseRedirect(reverse("web:notifications"))
