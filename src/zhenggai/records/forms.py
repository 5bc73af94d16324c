"""Forms of the records pages: an institution (建章立制), a person held to account (问责) and
an activity (专题学习、警示教育…), each posted to its service in `records.services`.

The forms only parse what was typed; the rules (a name is required, no date after today,
the findings must be the inspection's, a session has participants) are the services', whose
errors the view puts beside these fields (the service keys them by the same names).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhenggai.ledger.models import Finding, Inspection
from zhenggai.records.choices import AccountabilityForm, ActivityKind, InstitutionKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FindingsField(forms.ModelMultipleChoiceField):
    """The findings a record answers, chosen among the inspection's (by their text)."""

    def label_from_instance(self, obj: Any) -> str:
        text = str(obj)
        return text if len(text) <= 60 else text[:59] + "…"


class RecordForm(forms.Form):
    """What the three records share: the findings they answer and a note."""

    findings = FindingsField(
        queryset=Finding.objects.none(),
        required=False,
        label=_("对应问题"),
        help_text=_("可多选；不对应具体问题的可不选"),
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    note = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, inspection: Inspection, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only this inspection's findings are offered: another inspection's id is refused
        # here ("not one of the choices") before the service's own check.
        field = self.fields["findings"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Finding.objects.filter(inspection=inspection).order_by("pk")
        # Keep the findings last, after each form's own fields.
        self.order_fields([name for name in self.fields if name not in ("findings", "note")])


class InstitutionForm(RecordForm):
    name = forms.CharField(label=_("制度名称"), max_length=255, required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=InstitutionKind.choices)
    issued_on = forms.DateField(label=_("印发日期"), required=False, widget=DATE)
    document_number = forms.CharField(label=_("文号"), max_length=64, required=False)
    issuing_body = forms.CharField(label=_("制定单位"), max_length=128, required=False)


class PersonAccountabilityForm(RecordForm):
    person_name = forms.CharField(label=_("被问责人"), max_length=64, required=False)
    position = forms.CharField(label=_("职务"), max_length=128, required=False)
    form = forms.ChoiceField(label=_("问责方式"), choices=AccountabilityForm.choices)
    decided_on = forms.DateField(label=_("决定日期"), required=False, widget=DATE)
    deciding_body = forms.CharField(label=_("决定机关"), max_length=128, required=False)


class ActivityForm(RecordForm):
    kind = forms.ChoiceField(label=_("类型"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("名称"), max_length=255, required=False)
    held_on = forms.DateField(label=_("举办日期"), required=False, widget=DATE)
    participants = forms.IntegerField(label=_("参加人数"), required=False, min_value=0)
