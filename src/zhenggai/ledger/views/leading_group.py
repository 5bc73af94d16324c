"""The leading group page (整改领导小组) of an inspection: the office enters the group, one
line per member (person, 组长/副组长/成员/办公室, duty), and the principal leader
(第一责任人, by default the first 组长); saving replaces the group through
`leading_group_set`. An inspection the user does not read whole is a 404; a reader who may
not manage the plan gets 403 with the reason; the service's refusals (no 组长, a person
twice in one role) come back above the lines with everything typed kept (400).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import Action, forbidden, may
from zhenggai.http import HtmxHttpRequest
from zhenggai.ledger.forms.plan import MemberFormSet, PrincipalForm
from zhenggai.ledger.selectors.plan import leading_group_rows, plan_for_action
from zhenggai.ledger.services.plan import LeadingGroupEntry, leading_group_set

TEMPLATE = "ledger/plan/leading_group.html"


@login_required
@require_http_methods(["GET", "POST"])
def leading_group(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    inspection = plan_for_action(user=request.user, inspection_id=pk)
    user = request.user
    if inspection is None or not isinstance(user, User):
        raise Http404
    context: dict[str, Any] = {
        "inspection": inspection, "refusal": "",
        "crumbs": [(inspection.title, reverse("ledger:inspection-detail", kwargs={"pk": pk})),
                   (_("整改方案"), reverse("ledger:plan", kwargs={"pk": pk})),
                   (_("整改领导小组"), "")],
    }
    if not may(user, Action.MANAGE_PLAN, inspection=inspection):
        context["refusal"] = str(forbidden(Action.MANAGE_PLAN))
        return render(request, TEMPLATE, context, status=403)
    people = leading_group_rows(inspection)
    form_kwargs = {"people": people.choices}
    if request.method == "GET":
        context.update(
            formset=MemberFormSet(initial=people.members, form_kwargs=form_kwargs),
            principal=PrincipalForm(people=people.choices,
                                    initial={"principal_leader": people.principal}),
        )
        return render(request, TEMPLATE, context)
    formset = MemberFormSet(request.POST, form_kwargs=form_kwargs)
    principal = PrincipalForm(request.POST, people=people.choices)
    context.update(formset=formset, principal=principal)
    if not (formset.is_valid() and principal.is_valid()):
        return render(request, TEMPLATE, context, status=400)
    members = [
        LeadingGroupEntry(person=row["person"], role=row["role"], duty=row.get("duty", ""))
        for row in formset.cleaned_data if row and row.get("person")
    ]
    extra: dict[str, Any] = {}
    if principal.cleaned_data["principal_leader"] is not None:
        extra["principal_leader"] = principal.cleaned_data["principal_leader"]
    try:
        leading_group_set(inspection=inspection, members=members, actor=user, **extra)
    except PermissionDenied as exc:
        context["refusal"] = str(exc)
        return render(request, TEMPLATE, context, status=403)
    except ValidationError as exc:
        context["errors"] = exc.messages
        return render(request, TEMPLATE, context, status=400)
    messages.success(request, _("整改领导小组已保存。"))
    return HttpResponseRedirect(reverse("ledger:inspection-detail", kwargs={"pk": pk}))
