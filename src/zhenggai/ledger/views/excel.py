"""The Excel pages: the ledger export (the ledger page's filters → .xlsx) and the Excel
import (upload → column mapping and names → preview with row-level errors → confirm).

Thin views: the export calls `excel_export.export_ledger` (or starts its task), the import
the staging and Excel import services; every refusal is the service's Chinese sentence.
A staging row is found only for its uploader (404 for anyone else, as for a missing id).
"""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhenggai import clock
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import Organisation, Person, User
from zhenggai.accounts.permissions import Action, forbidden, organisations_where
from zhenggai.core.errors import InputError
from zhenggai.http import HtmxHttpRequest
from zhenggai.ledger.excel_export import jobs
from zhenggai.ledger.excel_export.export import export_ledger
from zhenggai.ledger.excel_import import existing
from zhenggai.ledger.excel_import.existing import importable_inspections
from zhenggai.ledger.forms.excel import ConfirmForm, MappingForm, UploadForm
from zhenggai.ledger.models import ImportStaging, Inspection
from zhenggai.ledger.selectors.filters import LedgerQuery, filtered_measures
from zhenggai.ledger.services.excel_import import excel_confirm, excel_preview, excel_stage
from zhenggai.ledger.services.staging import may_stage, staging_for, staging_save_choices

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Above this many rows the export runs as a task (a page request stays short).
EXPORT_AT_ONCE = 5000
#: Rows of the preview table (the errors are all listed).
PREVIEW_ROWS = 50


def _user(request: HtmxHttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _download_name() -> str:
    return f"整改台账-{clock.today():%Y%m%d}.xlsx"


def _attachment(name: str) -> str:
    return f"attachment; filename=\"ledger.xlsx\"; filename*=UTF-8''{quote(name)}"


@login_required
@require_GET
def ledger_export(request: HtmxHttpRequest) -> HttpResponse:
    """The ledger's current filters as a workbook; a large one as a task with progress."""
    query = LedgerQuery.from_querydict(request.GET)
    if query.errors:
        return render(
            request, "ledger/excel/export_error.html", {"errors": query.errors}, status=400
        )
    user = _user(request)
    total = filtered_measures(user, query).count()
    if total > EXPORT_AT_ONCE:
        token = jobs.start_export_job(user=user, query=query, total=total)
        return HttpResponseRedirect(reverse("ledger:ledger-export-job", args=[token]))
    buffer = io.BytesIO()
    export_ledger(user=user, query=query, out=buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = _attachment(_download_name())
    return response


@login_required
@require_GET
def ledger_export_job(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """The progress of a long export, refreshed by htmx until its download link shows."""
    state = jobs.job_state(user=_user(request), token=token)
    if state is None:
        raise Http404
    percent = int(100 * state["done"] / state["total"]) if state.get("total") else 0
    context = {"state": state, "token": token, "percent": percent}
    template = "ledger/excel/export_job.html"
    if request.htmx:
        template += "#progress"
    return render(request, template, context)


@login_required
@require_GET
def ledger_export_download(request: HtmxHttpRequest, token: str) -> FileResponse:
    state = jobs.job_state(user=_user(request), token=token)
    if state is None or state.get("state") != "done":
        raise Http404
    response = FileResponse(default_storage.open(jobs.file_name(token), "rb"), content_type=XLSX)
    response["Content-Disposition"] = _attachment(_download_name())
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_excel(request: HtmxHttpRequest) -> HttpResponse:
    """Upload a 台账.xlsx: read and staged, then the mapping and preview page."""
    user = _user(request)
    if not may_stage(user):
        raise forbidden(Action.IMPORT)
    targets = list(
        importable_inspections(user).values_list("pk", "title")[: existing.MAX_TARGETS]
    )
    form = UploadForm(request.POST or None, request.FILES or None, inspections=targets)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                staging = excel_stage(
                    data=upload.read(),
                    filename=upload.name,
                    actor=user,
                    inspection_id=form.cleaned_data["inspection"],
                )
            except InputError as exc:
                form.add_error("file", str(exc))
            else:
                return HttpResponseRedirect(
                    reverse("ledger:import-excel-preview", args=[staging.pk])
                )
        status = 400
    crumbs = [(_("导入 Excel 台账"), "")]
    return render(
        request, "ledger/excel/upload.html", {"form": form, "crumbs": crumbs}, status=status
    )


def _staging(request: HtmxHttpRequest, pk: int) -> ImportStaging:
    try:
        return staging_for(user=_user(request), pk=pk)
    except ImportStaging.DoesNotExist:
        raise Http404 from None


def _choices_lists(user: User) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """Units and people the user may map names to: those of the organisations where the
    user may import (first 300 of each, by name)."""
    where = organisations_where(user, [Role.OFFICE, Role.ADMIN])
    units = list(
        Organisation.objects.filter(where).order_by("name").values_list("pk", "name")[:300]
    )
    people = list(
        Person.objects.filter(organisation__in=Organisation.objects.filter(where))
        .order_by("name")
        .values_list("pk", "name")[:300]
    )
    return units, people


def _preview_context(
    request: HtmxHttpRequest, staging: ImportStaging, data: Any = None
) -> dict[str, Any]:
    choices = staging.choices
    manual = choices.get("manual", {})
    names = {k: v for k, v in choices.get("names", {}).items()}
    unknown = excel_preview(staging=staging, manual=manual)
    units, people = _choices_lists(_user(request))
    form = MappingForm(
        data,
        headers=staging.result["headers"],
        mapping=unknown.mapping,
        unknown_units=unknown.unknown_units,
        unknown_people=unknown.unknown_people,
        units=units,
        people=people,
        names=names,
    )
    mapped = {n: v for n, v in names.items() if n in unknown.unknown_units + unknown.unknown_people}
    plan = excel_preview(staging=staging, manual=manual, names=mapped)
    return {
        "staging": staging,
        "target": _target_of(staging),
        "form": form,
        "plan": plan,
        "rows": plan.rows[:PREVIEW_ROWS],
        "confirm": ConfirmForm(initial={"sha256": staging.sha256}),
        "crumbs": [
            (_("导入 Excel 台账"), reverse("ledger:import-excel")),
            (staging.original_name, ""),
        ],
    }


def _target_of(staging: ImportStaging) -> Inspection | None:
    """The inspection chosen at the upload (its title for the page), None for a new one."""
    pk = staging.choices.get("inspection")
    return Inspection.objects.filter(pk=pk).first() if pk is not None else None


@login_required
@require_http_methods(["GET", "POST"])
def import_excel_preview(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The mapping (columns, unknown names) and the preview with every row error."""
    staging = _staging(request, pk)
    status = 200
    if request.method == "POST":
        context = _preview_context(request, staging, request.POST)
        form = context["form"]
        if form.is_valid():
            staging_save_choices(
                staging=staging,
                choices={**staging.choices, "manual": form.manual(), "names": form.names()},
            )
            return HttpResponseRedirect(request.path)
        status = 400
    else:
        context = _preview_context(request, staging)
    return render(request, "ledger/excel/preview.html", context, status=status)


@login_required
@require_POST
def import_excel_confirm(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Write the previewed sheet, bound to its SHA-256; errors re-render the preview."""
    staging = _staging(request, pk)
    form = ConfirmForm(request.POST)
    context = _preview_context(request, staging)
    if form.is_valid():
        names = staging.choices.get("names", {})
        try:
            result = excel_confirm(
                staging=staging,
                sha256=form.cleaned_data["sha256"],
                actor=_user(request),
                names={n: v for n, v in names.items()},
                skip_bad_rows=form.cleaned_data["skip_bad_rows"],
            )
        except PermissionDenied:
            raise
        except InputError as exc:
            form.add_error(None, str(exc))
        else:
            return HttpResponseRedirect(
                reverse("ledger:inspection-detail", args=[result.inspection.pk])
            )
    context["confirm"] = form
    return render(request, "ledger/excel/preview.html", context, status=400)
