"""The steps of a version, each one form posted to one service: the written reason for a
figure, the masked names, the editions, the exceptions checklist, and the state machine
(submit, return, approve, publish, correct).

A refused step comes back on the page: the service's message beside the field that caused
it (400, everything typed kept), above the steps when it concerns the whole version (a
figure mismatch at approval, a version someone else moved on), or as a 403 with the
service's reason for a user who may read the version but not take the step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhenggai.http import HtmxHttpRequest
from zhenggai.publication.forms import (
    ChecklistForm,
    CorrectForm,
    MasksForm,
    OverrideForm,
    ReturnForm,
    VisibilityForm,
)
from zhenggai.publication.models import Announcement
from zhenggai.publication.selectors import announcement_preview
from zhenggai.publication.services import (
    announcement_approve,
    announcement_correct,
    announcement_publish,
    announcement_return,
    announcement_set_masks,
    announcement_set_visibility,
    announcement_submit,
    exceptions_checklist_answer,
    figure_override_record,
)
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

#: A step's call of its service: (version, bound form or None, actor) → result.
Call = Callable[[Announcement, Any, Any], Announcement | object]


def _step(
    request: HtmxHttpRequest,
    pk: int,
    version: int,
    *,
    form_class: type[forms.Form] | None,
    form_name: str,
    call: Call,
    success: str,
    form_kwargs: Callable[[Announcement], dict[str, Any]] | None = None,
) -> HttpResponse:
    inspection = inspection_or_404(request, pk)
    shown = version_or_404(request, inspection, version)
    kwargs = form_kwargs(shown) if form_kwargs else {}
    form = form_class(request.POST, **kwargs) if form_class is not None else None
    extra: dict[str, Any] = {form_name: form} if form is not None else {}
    if form is not None and not form.is_valid():
        return render_page(request, inspection, shown=shown, status=400, **extra)
    try:
        result = call(shown, form, acting_user(request))
    except PermissionDenied as exc:
        return render_page(
            request, inspection, shown=shown, status=403, action_error=str(exc), **extra
        )
    except ValidationError as exc:
        if form is not None and hasattr(exc, "error_dict"):
            add_errors(form, exc)
            # An error on a hidden field (the figure's key) has no place beside it: above.
            hidden = [e for f in form.hidden_fields() for e in form.errors.get(f.name, [])]
            if hidden:
                extra["action_error"] = "；".join(str(e) for e in hidden)
        else:
            extra["action_error"] = "；".join(exc.messages)
        return render_page(request, inspection, shown=shown, status=400, **extra)
    messages.success(request, success)
    target = result if isinstance(result, Announcement) else shown
    return done(request, page_url(inspection, target))


@login_required
@require_POST
@refusals
def override(request: HtmxHttpRequest, pk: int, version: int) -> HttpResponse:
    """The written reason a stated figure may differ from the ledger."""
    return _step(
        request,
        pk,
        version,
        form_class=OverrideForm,
        form_name="override_form",
        call=lambda a, f, u: figure_override_record(
            announcement=a, key=f.cleaned_data["key"], reason=f.cleaned_data["reason"], actor=u
        ),
        success=_("理由已记录，并显示在该数字旁。"),
    )


@login_required
@require_POST
@refusals
def masks(request: HtmxHttpRequest, pk: int, version: int) -> HttpResponse:
    """The names the public edition replaces by ***."""
    inspection = inspection_or_404(request, pk)
    shown = version_or_404(request, inspection, version)
    preview = announcement_preview(user=acting_user(request), announcement=shown)
    offered = [*shown.masked_names, *preview.candidates]
    return _step(
        request,
        pk,
        version,
        form_class=MasksForm,
        form_name="masks_form",
        form_kwargs=lambda a: {"choices": offered},
        call=lambda a, f, u: announcement_set_masks(announcement=a, names=f.chosen(), actor=u),
        success=_("公开版隐去的名称已保存。"),
    )


@login_required
@require_POST
@refusals
def visibility(request: HtmxHttpRequest, pk: int, version: int) -> HttpResponse:
    return _step(
        request,
        pk,
        version,
        form_class=VisibilityForm,
        form_name="visibility_form",
        call=lambda a, f, u: announcement_set_visibility(
            announcement=a, visibility=f.cleaned_data["visibility"], actor=u
        ),
        success=_("发布范围已保存。"),
    )


@login_required
@require_POST
@refusals
def checklist(request: HtmxHttpRequest, pk: int, version: int) -> HttpResponse:
    """The exceptions checklist, answered for the text as it is now."""
    return _step(
        request,
        pk,
        version,
        form_class=ChecklistForm,
        form_name="checklist_form",
        call=lambda a, f, u: exceptions_checklist_answer(
            announcement=a, answers=f.answers(), note=f.cleaned_data["note"], actor=u
        ),
        success=_("公开前审查已记录。"),
    )


@login_required
@require_POST
@refusals
def submit(request: HtmxHttpRequest, pk: int, version: int) -> HttpResponse:
    return _step(
        request,
        pk,
        version,
        form_class=None,
        form_name="",
        call=lambda a, f, u: announcement_submit(announcement=a, actor=u),
        success=_("已报送审定。"),
    )


@login_required
@require_POST
@refusals
def return_(request: HtmxHttpRequest, pk: int, version: int) -> HttpResponse:
    return _step(
        request,
        pk,
        version,
        form_class=ReturnForm,
        form_name="return_form",
        call=lambda a, f, u: announcement_return(
            announcement=a, reason=f.cleaned_data["reason"], actor=u
        ),
        success=_("已退回整改办修改。"),
    )


@login_required
@require_POST
@refusals
def approve(request: HtmxHttpRequest, pk: int, version: int) -> HttpResponse:
    return _step(
        request,
        pk,
        version,
        form_class=None,
        form_name="",
        call=lambda a, f, u: announcement_approve(announcement=a, actor=u),
        success=_("已审定。"),
    )


@login_required
@require_POST
@refusals
def publish(request: HtmxHttpRequest, pk: int, version: int) -> HttpResponse:
    return _step(
        request,
        pk,
        version,
        form_class=None,
        form_name="",
        call=lambda a, f, u: announcement_publish(announcement=a, actor=u),
        success=_("已发布。发布后的版本不再修改，如需更正请发布更正版本。"),
    )


@login_required
@require_POST
@refusals
def correct(request: HtmxHttpRequest, pk: int, version: int) -> HttpResponse:
    """Start a correction of the published version: a new draft version with its note."""
    return _step(
        request,
        pk,
        version,
        form_class=CorrectForm,
        form_name="correct_form",
        call=lambda a, f, u: announcement_correct(
            announcement=a,
            note=f.cleaned_data["correction_note"],
            regenerate=f.cleaned_data["regenerate"],
            actor=u,
        ),
        success=_("已建立更正版本，请修改后报送审定。"),
    )
