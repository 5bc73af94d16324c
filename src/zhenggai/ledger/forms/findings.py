"""Forms of a finding's tools: key finding (重点问题), scope and concerned units (共性问题),
the explanation (情况说明) and its acceptance, reopening; and the follow-up review (回头看).

The forms check only what a browser can get wrong (types, required fields, a choice the
page did not offer); the rules are the services', and their errors come back beside the
field named in `FIELD_OF` (or above the form).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from zhenggai import clock
from zhenggai.accounts.models import Organisation, Person
from zhenggai.ledger.choices import FindingScope
from zhenggai.ledger.forms.workflow import Radios
from zhenggai.ledger.models import FollowUpReview
from zhenggai.ledger.services.close_out import (
    CONCLUSION_REQUIRED,
    EXPIRY_IN_PAST,
    EXPLANATION_REQUIRED,
    REOPEN_NEEDS_REASON,
    REVIEW_DATE_IN_FUTURE,
)
from zhenggai.ledger.services.plan import COMMON_NEEDS_UNITS, INDIVIDUAL_ONE_UNIT

#: The services' messages and the field each belongs beside.
FIELD_OF: dict[str, str] = {
    COMMON_NEEDS_UNITS: "concerned_units",
    INDIVIDUAL_ONE_UNIT: "concerned_units",
    EXPLANATION_REQUIRED: "text",
    EXPIRY_IN_PAST: "expires_on",
    REOPEN_NEEDS_REASON: "reason",
    CONCLUSION_REQUIRED: "conclusion",
    REVIEW_DATE_IN_FUTURE: "date",
}

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class Checkboxes(forms.CheckboxSelectMultiple):
    """Bootstrap's check boxes, one per line, each with its own label."""

    template_name = "ledger/widgets/checkboxes.html"


class KeyForm(forms.Form):
    is_key = forms.BooleanField(label=_("列为重点问题"), required=False)


class UnitChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class ScopeForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("问题类型"), choices=FindingScope.choices, widget=Radios,
        error_messages={"required": _("请选择问题类型"), "invalid_choice": _("请选择问题类型")},
    )
    concerned_units = UnitChoices(
        label=_("涉及单位"), queryset=Organisation.objects.none(), required=False,
        widget=Checkboxes,
        help_text=_("共性问题的每条整改措施为每个涉及单位各建一项整改任务；个性问题最多一个单位。"),
        error_messages={"invalid_choice": _("所选单位不属于这次巡察")},
    )

    def __init__(self, *args: Any, units: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["concerned_units"].queryset = units  # type: ignore[attr-defined]


class ExplanationForm(forms.Form):
    text = forms.CharField(
        label=_("情况说明"), strip=True, max_length=5000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("说明该问题不需要或无法通过整改措施解决的原因。"),
        error_messages={"required": _("请填写情况说明"), "max_length": _("不超过 5000 个字")},
    )


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        position = f"（{obj.position}）" if getattr(obj, "position", "") else ""
        return f"{obj.name}{position} · {obj.organisation.name}"


class ExplanationAcceptForm(forms.Form):
    approver = PersonChoice(
        label=_("认定人"), queryset=Person.objects.none(),
        error_messages={"required": _("请选择认定人"), "invalid_choice": _("请选择列出的认定人")},
    )
    expires_on = forms.DateField(
        label=_("有效期至"), required=False, widget=DATE,
        help_text=_("到期后该问题重新打开复核；不填则长期有效。"),
        error_messages={"invalid": _("请输入有效的日期")},
    )

    def __init__(self, *args: Any, people: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["approver"].queryset = people  # type: ignore[attr-defined]


class ReviewChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.date:%Y-%m-%d} · {obj.conclusion[:30]}"


class ReopenFindingForm(forms.Form):
    reason = forms.CharField(
        label=_("重新打开的原因"), strip=True, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("重新打开须说明原因")},
    )
    review = ReviewChoice(
        label=_("依据的回头看"), queryset=FollowUpReview.objects.none(), required=False,
        empty_label=_("（不依据回头看）"),
        error_messages={"invalid_choice": _("请选择列出的回头看记录")},
    )

    def __init__(self, *args: Any, reviews: QuerySet[FollowUpReview], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["review"].queryset = reviews  # type: ignore[attr-defined]


class FollowUpReviewForm(forms.Form):
    date = forms.DateField(
        label=_("检查日期"), widget=DATE, initial=clock.today,
        error_messages={"required": _("请填写检查日期"), "invalid": _("请输入有效的日期")},
    )
    conclusion = forms.CharField(
        label=_("检查结论"), strip=True, max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请填写检查结论")},
    )
