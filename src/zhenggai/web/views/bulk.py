"""Bulk actions on the ledger's selected rows (批量操作, POST /ledger/bulk/).

The ledger page posts the ticked rows' ids and an action here; the page then asks for the
value (a unit, a person, a deadline), shows every row with what it shows now and what it
will show, and only the confirmation applies it — through one service for the whole
selection, each row through the service a single edit uses (the plan columns through the
ledger's `measures_bulk_correct`, reminders through urging's `measures_bulk_remind`; this
view lives in `web` because it serves both apps).

Answers: an id the user may not read → 404 (as for one that does not exist); rows the user
reads but may not change → 403 naming them; no row or more than 500 → 400 with the
message; a value missing or a row refused by its service → 400 with the selection and
everything chosen kept, the errors beside the field or listed per row. Plain POST forms:
no JavaScript needed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhenggai.accounts.models import User
from zhenggai.ledger.selectors.bulk import (
    BulkRow,
    SelectionNotFound,
    approved_inspections,
    bulk_people,
    bulk_rows,
    bulk_units,
)
from zhenggai.ledger.services.bulk import (
    REFUSED,
    BulkInvalid,
    BulkRefused,
    measures_bulk_correct,
    refused_rows,
    selection_check,
)
from zhenggai.urging.services.manual import measures_bulk_remind
from zhenggai.web.bulk_forms import ACTIONS, BulkForm

TEMPLATE = "web/bulk/bulk.html"


def _ids(data: Any) -> list[int]:
    """The posted ids; anything that is not an id is an unknown row (404)."""
    values = data.getlist("ids")
    if not all(v.isdigit() for v in values):
        raise Http404
    return [int(v) for v in values]


def _versions(request: HttpRequest) -> dict[int, int]:
    """The versions the preview showed ("id:version" each); a malformed one is ignored (the
    row is then applied without the check, as when confirming without a preview)."""
    out: dict[int, int] = {}
    for value in request.POST.getlist("version"):
        pk, _sep, version = value.partition(":")
        if pk.isdigit() and version.isdigit():
            out[int(pk)] = int(version)
    return out


def _back(request: HttpRequest) -> str:
    """Where to return: the ledger page the selection was made on (its filters kept)."""
    ledger = reverse("ledger:ledger")
    target = request.POST.get("next", "")
    if target.startswith(ledger) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ledger


def _form(rows: list[BulkRow], data: Any = None, initial: Any = None) -> BulkForm:
    inspections = [row.measure.inspection for row in rows]
    approved = bool(approved_inspections(rows))
    return BulkForm(
        data, initial=initial, units=bulk_units(inspections), people=bulk_people(inspections),
        approved=approved,
    )


def _page(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, TEMPLATE, context, status=status)


def _refused(rows: list[BulkRow], user: User, key: str) -> list[str]:
    """The rows `user` may not change with action `key` (none for an unknown action: the
    form says that one)."""
    chosen = ACTIONS.get(key)
    return refused_rows(user=user, rows=rows, action=chosen.action) if chosen else []


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    back = _back(request)
    context: dict[str, Any] = {
        "back": back, "crumbs": [(_("整改台账"), back), (_("批量操作"), "")],
    }
    try:
        ids = selection_check(_ids(request.POST))
    except ValidationError as exc:
        context["problem"] = exc.messages[0]
        return _page(request, context, status=400)
    try:
        rows = bulk_rows(user=user, ids=ids)
    except SelectionNotFound as exc:
        raise Http404 from exc
    context["rows"] = rows
    # Rows of several inspections name theirs (one inspection: noise, as on the ledger).
    context["several_inspections"] = len({row.measure.inspection_id for row in rows}) > 1
    step = request.POST.get("step", "choose")
    refused = _refused(rows, user, request.POST.get("action", ""))
    if refused:
        context.update(refusal=REFUSED, refused=refused)
        return _page(request, context, status=403)
    if step == "choose":
        # From the ledger (or back from the preview): the value asked, nothing checked yet.
        form = _form(rows, initial=request.POST.dict())
        context.update(form=form, step="choose")
        if "action" in request.POST and form.chosen is None:
            form = _form(rows, data=request.POST)
            form.is_valid()
            context["form"] = form
            return _page(request, context, status=400)
        return _page(request, context)
    form = _form(rows, data=request.POST)
    context.update(form=form, step="choose")
    if not form.is_valid():
        return _page(request, context, status=400)
    if step != "confirm":
        # A reminder changes no column: its preview lists the rows alone.
        shows_change = bool(form.values())
        context.update(step="preview", changes=[
            (row, form.change(row.measure) if shows_change else None) for row in rows
        ])
        return _page(request, context)
    return _apply(request, form, context, back)


def _apply(
    request: HttpRequest, form: BulkForm, context: dict[str, Any], back: str
) -> HttpResponse:
    """The confirmed action, through its one service; its refusals back on the page."""
    user = request.user
    assert isinstance(user, User)
    chosen = form.chosen
    assert chosen is not None
    rows: list[BulkRow] = context["rows"]
    ids = [row.measure.pk for row in rows]
    try:
        if chosen.key == "remind":
            done = measures_bulk_remind(actor=user, ids=ids)
        else:
            done = measures_bulk_correct(
                actor=user, ids=ids, values=form.values(),
                reason=form.cleaned_data.get("reason", ""), versions=_versions(request),
            )
    except BulkRefused as exc:
        context.update(refusal=str(exc), refused=exc.rows)
        return _page(request, context, status=403)
    except BulkInvalid as exc:
        # The reason is the form's (one for all rows): said once, beside its field;
        # everything else is the row's own (its unit outside its inspection, its plan
        # approved so its deadline needs an extension, …), listed under its name.
        row_errors = []
        for row in exc.rows:
            own = list(row.messages)
            for message in row.fields.get("reason", []):
                if "reason" in form.fields:
                    own.remove(message)
                    if message not in form.errors.get("reason", []):
                        form.add_error("reason", message)
            if own:
                row_errors.append((row.label, own))
        context["row_errors"] = row_errors
        return _page(request, context, status=400)
    messages.success(
        request, _("%(verb)s：%(count)d 条整改措施。") % {"verb": chosen.verb, "count": len(done)}
    )
    return HttpResponseRedirect(back)
