"""The cross-inspection dashboard's one filter: the year of the inspections' feedback.

A GET form bound to the query string: a year that is not a number, or out of range, is an
error beside the field (status 400) and the page shows every year meanwhile; a valid year
with no inspection is a valid, empty selection.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

#: Years a feedback date may carry (as `LedgerQuery.year`).
MIN_YEAR, MAX_YEAR = 1949, 2199


class OverviewFilterForm(forms.Form):
    """`year`: the feedback year of the inspections shown; empty for every year."""

    year = forms.IntegerField(
        label=_("反馈年度"),
        required=False,
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        error_messages={
            "invalid": _("请输入年份，如 2026"),
            "min_value": _("年份不早于 %(limit_value)s"),
            "max_value": _("年份不晚于 %(limit_value)s"),
        },
    )

    def __init__(self, *args: object, years: list[int], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["year"]
        field.widget = forms.Select(choices=[("", _("全部年度")), *((y, y) for y in years)])
        field.widget.attrs["class"] = "form-select form-select-sm"
