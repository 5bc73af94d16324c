"""Forms of the plan page: create the plan, save a revision with its reason, approve.

The forms check only what a browser can get wrong; the rules (one plan per inspection,
no revision after approval, approval of the latest revision only) are the services'.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


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
