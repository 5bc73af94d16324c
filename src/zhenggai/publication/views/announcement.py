"""The announcement page of an inspection, and the office's drafting: generate from the
ledger, save an edit of the text (each save a revision).

Two tabs on one draft: the editor posts the revision it started from; when the draft was
saved since, the service refuses with its conflict message and the page comes back (409)
with the text saved meanwhile shown above and the typed text kept in the editor, now based
on the newest revision, so that saving again is a knowing decision.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zhenggai.http import HtmxHttpRequest
from zhenggai.publication.forms import DraftForm
from zhenggai.publication.services import announcement_generate, announcement_save
from zhenggai.publication.views.common import (
    acting_user,
    add_errors,
    done,
    inspection_or_404,
    page_url,
    refusals,
    render_page,
    version_or_404,
)


@login_required
@require_GET
@refusals
def announcement(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The page: the version shown, its figure check, its steps, revisions and downloads."""
    inspection = inspection_or_404(request, pk)
    return render_page(request, inspection)


@login_required
@require_POST
@refusals
def generate(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Generate the announcement from the ledger: the first version, or a new revision of
    the draft in the works."""
    inspection = inspection_or_404(request, pk)
    try:
        created = announcement_generate(inspection=inspection, actor=acting_user(request))
    except PermissionDenied as exc:
        return render_page(request, inspection, status=403, action_error=str(exc))
    except ValidationError as exc:
        return render_page(request, inspection, status=400, action_error="；".join(exc.messages))
    messages.success(request, _("已由台账生成通报稿（第%(n)d次保存）。") % {"n": created.revision})
    return done(request, page_url(inspection, created))


@login_required
@require_POST
@refusals
def save(request: HtmxHttpRequest, pk: int, version: int) -> HttpResponse:
    """Save the edited text as the draft's next revision."""
    inspection = inspection_or_404(request, pk)
    shown = version_or_404(request, inspection, version)
    form = DraftForm(request.POST)
    if not form.is_valid():
        return render_page(request, inspection, shown=shown, status=400, draft_form=form)
    try:
        saved = announcement_save(
            announcement=shown,
            body=form.cleaned_data["body"],
            note=form.cleaned_data["note"],
            base_revision=form.cleaned_data["base_revision"],
            actor=acting_user(request),
        )
    except PermissionDenied as exc:
        return render_page(request, inspection, shown=shown, status=403, action_error=str(exc))
    except ValidationError as exc:
        if not hasattr(exc, "error_dict") and any(e.code == "stale" for e in exc.error_list):
            return _conflict(request, pk, version, form, exc)
        add_errors(form, exc)
        return render_page(request, inspection, shown=shown, status=400, draft_form=form)
    messages.success(request, _("已保存（第%(n)d次保存）。") % {"n": saved.revision})
    return done(request, page_url(inspection, saved))


def _conflict(
    request: HtmxHttpRequest, pk: int, version: int, form: DraftForm, exc: ValidationError
) -> HttpResponse:
    """Saved meanwhile: the conflict message, the text saved now, the typed text kept."""
    inspection = inspection_or_404(request, pk)
    fresh = version_or_404(request, inspection, version)
    data = request.POST.copy()
    data["base_revision"] = str(fresh.revision)
    kept = DraftForm(data)
    kept.is_valid()
    return render_page(
        request,
        inspection,
        shown=fresh,
        status=409,
        draft_form=kept,
        conflict=exc.messages[0],
        conflict_text=fresh.body,
    )
