"""Forms of the plan page: create the plan, save a revision with its reason, approve; and
the leading group (整改领导小组), one line per member, with the principal leader.

The forms check only what a browser can get wrong; the rules (one plan per inspection,
no revision after approval, approval of the latest revision only) are the services'.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from zhenggai.accounts.models import Person
from zhenggai.ledger.choices import LeadingGroupRole


class PlanCreateForm(forms.Form):
    title = forms.CharField(
        label=_("方案名称"), max_length=255, strip=True,
        error_messages={"required": _("请填写方案名称"),
                        "max_length": _("方案名称不超过 255 个字")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class PlanReviseForm(forms.Form):
    reason = forms.CharField(
        label=_("修订原因"), strip=True, max_length=2000,
        help_text=_("如：征求班子成员和各责任单位意见后修订。保存后整改方案报送审批。"),
        error_messages={"required": _("请填写修订原因"),
                        "max_length": _("修订原因不超过 2000 个字")},
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PlanApproveForm(forms.Form):
    """The leader approves the revision the page showed (`revision`): a newer one saved in
    between is a conflict the page reports, not an approval of something unseen."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class _PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        position = f"（{obj.position}）" if getattr(obj, "position", "") else ""
        return f"{obj.name}{position} · {obj.organisation.name}"


class MemberForm(forms.Form):
    """One line of the leading group; a line left without a person is dropped."""

    person = _PersonChoice(
        label=_("人员"), queryset=Person.objects.none(), required=False, empty_label=_("（不选）"),
        error_messages={"invalid_choice": _("请选择列出的人员")},
    )
    role = forms.ChoiceField(label=_("职务"), choices=LeadingGroupRole.choices,
                             initial=LeadingGroupRole.MEMBER)
    duty = forms.CharField(label=_("分工"), max_length=255, required=False, strip=True,
                           error_messages={"max_length": _("分工不超过 255 个字")})

    def __init__(self, *args: Any, people: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]


MemberFormSet = forms.formset_factory(MemberForm, extra=3, max_num=60, validate_max=True)


class PrincipalForm(forms.Form):
    principal_leader = _PersonChoice(
        label=_("第一责任人"), queryset=Person.objects.none(), required=False,
        empty_label=_("（默认：第一位组长）"),
        help_text=_("签署整改情况报告的主要负责人。"),
        error_messages={"invalid_choice": _("请选择列出的人员")},
    )

    def __init__(self, *args: Any, people: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["principal_leader"].queryset = people  # type: ignore[attr-defined]
