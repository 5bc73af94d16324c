"""Forms of the formal reports' page (submit; accept or return) and of the evaluation page.

They parse only what a browser can get wrong; the rules (a summary, a reason to return, the
deduction's range, a reason for a deduction) are the services', whose messages the views put
beside the fields named here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhenggai.ledger.choices import ReviewDecision
from zhenggai.ledger.forms.workflow import MultipleFileField, Radios
from zhenggai.ledger.services.evaluation import DEDUCTION_NEEDS_REASON, Indicator
from zhenggai.ledger.services.formal_reports import RETURN_NEEDS_REASON, SUMMARY_REQUIRED
from zhenggai.ledger.services.progress import (
    EVIDENCE_BAD_TYPE,
    EVIDENCE_DUPLICATE,
    EVIDENCE_EMPTY,
    EVIDENCE_TOO_LARGE,
)

#: The services' messages and the field each belongs beside (matched by the text before
#: the first placeholder).
REPORT_FIELD_OF: dict[str, str] = {
    SUMMARY_REQUIRED: "summary",
    EVIDENCE_BAD_TYPE: "documents",
    EVIDENCE_DUPLICATE: "documents",
    EVIDENCE_EMPTY: "documents",
    EVIDENCE_TOO_LARGE: "documents",
    RETURN_NEEDS_REASON: "opinion",
}


def report_field_of(message: str) -> str | None:
    for template, name in REPORT_FIELD_OF.items():
        head = template.split("{", 1)[0]
        if message == template or ("{" in template and head and message.startswith(head)):
            return name
    return None


class SubmitReportForm(forms.Form):
    summary = forms.CharField(
        label=_("报告内容摘要"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    documents = MultipleFileField(
        label=_("报告文件"), required=False,
        help_text=_("报告正文及附件（PDF、Word、图片），可多选"),
    )


class ReviewReportForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审核结论"), choices=ReviewDecision.choices, widget=Radios,
        initial=ReviewDecision.APPROVE,
    )
    opinion = forms.CharField(
        label=_("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("退回时须说明理由"),
    )


class EvaluationForm(forms.Form):
    """One deduction and its reason per indicator, and the overall opinion."""

    reasons = forms.CharField(
        label=_("评估意见"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, indicators: Sequence[Indicator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = tuple(indicators)
        fields: dict[str, forms.Field] = {}
        for indicator in self.indicators:
            fields[f"deduction_{indicator.code}"] = forms.DecimalField(
                label=_("扣分"),
                required=False, decimal_places=1, max_digits=5,
                widget=forms.NumberInput(attrs={"step": "0.5", "min": "0",
                                                "max": f"{indicator.max_points:f}"}),
            )
            fields[f"reason_{indicator.code}"] = forms.CharField(
                label=_("扣分理由"), required=False,
            )
        self.fields = {**fields, "reasons": self.fields["reasons"]}

    def rows(self) -> list[tuple[Indicator, forms.BoundField, forms.BoundField]]:
        """Each indicator with its two bound fields, for a table of the indicators."""
        return [(i, self[f"deduction_{i.code}"], self[f"reason_{i.code}"]) for i in self.indicators]

    def scores(self) -> list[tuple[str, object, str]]:
        """The (code, deduction, reason) triples the service takes; empty means 0."""
        data = self.cleaned_data
        return [
            (i.code, data.get(f"deduction_{i.code}") or 0, data.get(f"reason_{i.code}") or "")
            for i in self.indicators
        ]

    def field_of(self, message: str) -> str | None:
        """The field a service message is about: the indicator it names (“label”)."""
        for indicator in self.indicators:
            if message == DEDUCTION_NEEDS_REASON.format(label=indicator.label):
                return f"reason_{indicator.code}"
            if f"“{indicator.label}”" in message:  # DEDUCTION_OUT_OF_RANGE and the like
                return f"deduction_{indicator.code}"
        return None
