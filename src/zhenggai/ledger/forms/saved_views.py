"""The saved-view forms: a name (and, when saving, the filters as a query string)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SavedViewForm(forms.Form):
    name = forms.CharField(
        label=_("视图名称"), max_length=40, strip=True,
        error_messages={"required": _("请给视图起个名字"), "max_length": _("名称不超过 40 个字")},
        widget=forms.TextInput(attrs={"placeholder": _("如：本单位超期措施"), "autocomplete": "off"}),
    )
    query = forms.CharField(required=False, widget=forms.HiddenInput)
