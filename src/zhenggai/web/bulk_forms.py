"""The form of the ledger's bulk actions (批量操作): which action, and the one value it sets.

The selection itself (the ids) is not a field: the view reads it and the selector checks
it, so that a forged id is a 404 rather than a form error. The value fields offered are
those of the chosen action; the units and people are those of the selection's
inspections (the correction service refuses any other, row by row).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from zhenggai.accounts.models import Organisation, Person
from zhenggai.accounts.permissions import Action
from zhenggai.ledger.choices import Urgency
from zhenggai.ledger.forms.corrections import EMPTY, PersonChoiceField
from zhenggai.ledger.models import Measure


@dataclass(frozen=True)
class BulkAction:
    """One bulk action: its label, the permission it needs and the fields it sets."""

    key: str
    label: Any
    verb: Any  # how the success message says it ("已调整责任单位")
    action: Action
    fields: tuple[str, ...]


ACTIONS: dict[str, BulkAction] = {
    a.key: a
    for a in (
        BulkAction("unit", _("指定责任单位"), _("已调整责任单位"), Action.MANAGE_PLAN, ("lead_unit",)),
        BulkAction("leader", _("指定责任领导"), _("已调整责任领导"), Action.MANAGE_PLAN,
                   ("responsible_leader",)),
        BulkAction("person", _("指定责任人"), _("已调整责任人"), Action.MANAGE_PLAN,
                   ("responsible_person",)),
        BulkAction("deadline", _("设定整改时限"), _("已设定整改时限"), Action.MANAGE_PLAN,
                   ("deadline", "urgency")),
        BulkAction("remind", _("发送提醒"), _("已发送提醒"), Action.URGE, ()),
    )
}

#: Each value field's message when the action needs it and it is empty.
REQUIRED = {
    "lead_unit": _("请选择责任单位"),
    "responsible_leader": _("请选择责任领导"),
    "responsible_person": _("请选择责任人"),
    "deadline": _("请填写整改时限"),
}


class BulkForm(forms.Form):
    action = forms.ChoiceField(
        label=_("批量操作"), choices=[(a.key, a.label) for a in ACTIONS.values()],
        error_messages={"required": _("请选择批量操作"),
                        "invalid_choice": _("请选择列表中的批量操作")},
    )
    lead_unit = forms.ModelChoiceField(
        label=_("责任单位"), queryset=Organisation.objects.none(), required=False,
        empty_label=_("请选择"), error_messages={"invalid_choice": _("请选择列表中的单位")},
    )
    responsible_leader = PersonChoiceField(
        label=_("责任领导"), queryset=Person.objects.none(), required=False,
        empty_label=_("请选择"), error_messages={"invalid_choice": _("请选择列表中的人员")},
    )
    responsible_person = PersonChoiceField(
        label=_("责任人"), queryset=Person.objects.none(), required=False,
        empty_label=_("请选择"), error_messages={"invalid_choice": _("请选择列表中的人员")},
    )
    deadline = forms.DateField(
        label=_("整改时限"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("请输入有效的日期，如 2026-06-30")},
    )
    urgency = forms.ChoiceField(
        label=_("时限类型"), required=False,
        choices=[("", _("不变")), *Urgency.choices],
    )
    reason = forms.CharField(
        label=_("修订原因"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("整改方案已审定：每条措施的修改都记为方案的一个修订版本，须写明原因。"),
    )

    def __init__(
        self, *args: Any, units: QuerySet[Organisation], people: QuerySet[Person],
        approved: bool, **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["responsible_leader"].queryset = people  # type: ignore[attr-defined]
        self.fields["responsible_person"].queryset = people  # type: ignore[attr-defined]
        self.approved = approved
        if not approved:
            del self.fields["reason"]

    @property
    def chosen(self) -> BulkAction | None:
        """The action chosen (the posted one while the form is unchecked)."""
        key = self.cleaned_data.get("action") if hasattr(self, "cleaned_data") else None
        key = key or (self.data.get("action") if self.is_bound else self.initial.get("action"))
        return ACTIONS.get(str(key or ""))

    def value_fields(self) -> list[forms.BoundField]:
        """The fields the chosen action shows (the reason last, when the plan is approved)."""
        chosen = self.chosen
        if chosen is None:
            return []
        names = list(chosen.fields)
        if self.approved and chosen.action == Action.MANAGE_PLAN:
            names.append("reason")
        return [self[name] for name in names]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = ACTIONS.get(data.get("action") or "")
        for name in chosen.fields if chosen else ():
            if name in REQUIRED and not data.get(name) and name not in self.errors:
                self.add_error(name, REQUIRED[name])
        return data

    def values(self) -> dict[str, Any]:
        """The service's arguments of a valid form: the chosen action's fields only (an
        empty time-limit type leaves each row's own)."""
        chosen = self.chosen
        assert chosen is not None
        return {
            name: self.cleaned_data[name]
            for name in chosen.fields
            if not (name == "urgency" and not self.cleaned_data[name])
        }

    def change(self, measure: Measure) -> tuple[str, str]:
        """What the row shows now and what it will show, for the preview."""
        values = self.values()
        before, after = [], []
        for name, value in values.items():
            current = getattr(measure, name)
            if name == "urgency":
                before.append(measure.get_urgency_display())
                after.append(str(Urgency(value).label))
            else:
                before.append(_shown(current))
                after.append(_shown(value))
        return " · ".join(before), " · ".join(after)


def _shown(value: Any) -> str:
    if value is None or value == "":
        return str(EMPTY)
    if isinstance(value, Person):
        return PersonChoiceField.describe(value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)
