"""The document import wizard: upload → the parsed tree, its warnings, the claimed-versus-
parsed figures and the unplaced text → the office's choices → confirm → the ledger.

Thin views over `ledger.services.document_staging` (and the staging service): the upload
stages the document (a refusal is the reader's or parser's Chinese sentence beside the
field), the preview shows the staging row — its parse state while the OCR task runs,
refreshed by htmx — and saves the choices into the row, the confirm imports through
`document_import`. A staging row is found only for its uploader (404 for anyone else).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhenggai import clock
from zhenggai.accounts.models import Organisation, Person, User
from zhenggai.accounts.permissions import Action, forbidden
from zhenggai.core.document import Document
from zhenggai.core.errors import InputError
from zhenggai.core.figure_check import check_figures
from zhenggai.http import HtmxHttpRequest
from zhenggai.ledger.forms.import_wizard import ChoicesForm, ConfirmForm, DocumentUploadForm
from zhenggai.ledger.models import ImportStaging
from zhenggai.ledger.services.document_staging import (
    DONE,
    FAILED,
    document_confirm,
    document_stage,
    import_targets,
    staged_document,
)
from zhenggai.ledger.services.staging import may_stage, staging_for, staging_save_choices

#: Open uploads listed on the landing page (the newest first).
OPEN_UPLOADS = 10
#: Organisations, units and people offered in the selects (by path / name).
OPTIONS = 300


def _user(request: HtmxHttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _require_import(user: User) -> None:
    if not may_stage(user):
        raise forbidden(Action.IMPORT)


@login_required
@require_GET
def import_landing(request: HtmxHttpRequest) -> HttpResponse:
    """Choose what to import (a document or an Excel ledger); the user's open uploads."""
    user = _user(request)
    _require_import(user)
    open_uploads = list(
        ImportStaging.objects.filter(
            created_by=user, confirmed_at__isnull=True, expires_at__gt=clock.now()
        ).order_by("-created_at", "-pk")[:OPEN_UPLOADS]
    )
    return render(
        request,
        "ledger/import_wizard/landing.html",
        {"open_uploads": open_uploads, "crumbs": [(_("导入"), "")]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_document(request: HtmxHttpRequest) -> HttpResponse:
    """Upload a document: parsed (or queued for OCR) and staged, then its preview."""
    user = _user(request)
    _require_import(user)
    form = DocumentUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                staging = document_stage(data=upload.read(), filename=upload.name, actor=user)
            except InputError as exc:
                form.add_error("file", str(exc))
            else:
                return HttpResponseRedirect(
                    reverse("ledger:import-document-preview", args=[staging.pk])
                )
        status = 400
    crumbs = [(_("导入"), reverse("ledger:import")), (_("导入巡察文件"), "")]
    return render(
        request,
        "ledger/import_wizard/upload.html",
        {"form": form, "crumbs": crumbs},
        status=status,
    )


def _staging(request: HtmxHttpRequest, pk: int) -> ImportStaging:
    try:
        return staging_for(user=_user(request), pk=pk)
    except ImportStaging.DoesNotExist:
        raise Http404 from None


def _choices_form(
    user: User, staging: ImportStaging, document: Document, data: Any = None
) -> ChoicesForm:
    """The choices form with the organisations, units and people the user may import to."""
    where = Organisation.objects.filter(import_targets(user))
    organisations = list(where.order_by("path", "pk").values_list("pk", "name", "path")[:OPTIONS])
    people = list(
        Person.objects.filter(organisation__in=where)
        .order_by("name", "pk")
        .values_list("pk", "name", "organisation_id")[:OPTIONS]
    )
    issuer = (document.issuer or document.inspection.target or "").strip()
    default = Organisation.objects.filter(name=issuer).order_by("path", "pk").first()
    return ChoicesForm(
        data,
        document=document,
        choices=staging.choices,
        organisations=organisations,
        units=organisations,
        people=people,
        default_path=default.path if default else None,
    )


def _figures(document: Document) -> list[dict[str, Any]]:
    """The document's stated figures beside what the parser found (counted ones only)."""
    rows = []
    checked = sorted(
        check_figures(document, document.counts), key=lambda r: r.status == "unchecked"
    )
    for row in checked:
        rows.append(
            {
                "label": row.label,
                "stated": int(row.stated) if float(row.stated).is_integer() else row.stated,
                "text": row.text,
                "parsed": row.live,
                "status": row.status,
            }
        )
    return rows


def _context(
    request: HtmxHttpRequest,
    staging: ImportStaging,
    form: ChoicesForm | None = None,
    confirm: ConfirmForm | None = None,
) -> dict[str, Any]:
    document = staged_document(staging)
    context: dict[str, Any] = {
        "staging": staging,
        "state": staging.result.get("state"),
        "error": staging.result.get("error", ""),
        "done": DONE,
        "failed": FAILED,
        "confirm": confirm or ConfirmForm(initial={"sha256": staging.sha256}),
        "crumbs": [
            (_("导入"), reverse("ledger:import")),
            (_("导入巡察文件"), reverse("ledger:import-document")),
            (staging.original_name, ""),
        ],
    }
    if document is not None:
        context.update(
            document=document,
            figures=_figures(document),
            form=form or _choices_form(_user(request), staging, document),
        )
    return context


def _render(request: HtmxHttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    template = "ledger/import_wizard/preview.html"
    if request.htmx and request.method == "GET":
        if context.get("state") == DONE:
            # The parse finished while the page polled: load the whole wizard.
            response = HttpResponse()
            response["HX-Refresh"] = "true"
            return response
        template += "#progress"
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def import_document_preview(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The parse (or its progress) and the choices; a POST keeps the choices in the row."""
    staging = _staging(request, pk)
    if request.method == "GET":
        return _render(request, _context(request, staging))
    document = staged_document(staging)
    if document is None or staging.confirmed_at is not None:
        return _render(request, _context(request, staging), status=400)
    form = _choices_form(_user(request), staging, document, request.POST)
    if form.is_valid():
        staging_save_choices(staging=staging, choices=form.choices())
        return HttpResponseRedirect(request.path)
    return _render(request, _context(request, staging, form=form), status=400)


@login_required
@require_POST
def import_document_confirm(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Keep the choices as posted, then import, bound to the previewed SHA-256."""
    staging = _staging(request, pk)
    confirm = ConfirmForm(request.POST)
    document = staged_document(staging)
    form = _choices_form(_user(request), staging, document, request.POST) if document else None
    if confirm.is_valid() and (form is None or form.is_valid()):
        try:
            if form is not None and staging.confirmed_at is None:
                staging_save_choices(staging=staging, choices=form.choices())
            result = document_confirm(
                staging=staging, sha256=confirm.cleaned_data["sha256"], actor=_user(request)
            )
        except PermissionDenied as exc:
            confirm.add_error(None, str(exc) or _("没有导入到该党组织的权限"))
        except InputError as exc:
            confirm.add_error(None, str(exc))
        else:
            return HttpResponseRedirect(
                reverse("ledger:inspection-detail", args=[result.inspection.pk])
            )
    return _render(request, _context(request, staging, form=form, confirm=confirm), status=400)
