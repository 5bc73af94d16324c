"""Forms of the close-out path on the measure page: progress report with evidence, close-out
request, office review, leader approval, three-party acceptance, extension request and
decision, check-in, reopening.

The forms check only what a browser can get wrong (types, required fields, a target the
page did not offer); every rule of the path is the service's, and its `ValidationError`
comes back beside the field named in `FIELD_OF` (or above the form).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from zhenggai.ledger.choices import (
    AcceptanceDecision,
    ReviewDecision,
)
from zhenggai.ledger.models import Assignment
from zhenggai.ledger.services.close_out import (
    CHECK_IN_NOTE_REQUIRED,
    EVIDENCE_REQUIRED,
    REJECT_NEEDS_NOTE,
    REOPEN_NEEDS_REASON,
    RETURN_NEEDS_REASON,
    SUMMARY_REQUIRED,
)
from zhenggai.ledger.services.extension import (
    EXTENSION_NEEDS_REASON,
    EXTENSION_NOT_LATER,
    EXTENSION_REJECT_NEEDS_NOTE,
)
from zhenggai.ledger.services.progress import (
    AS_OF_IN_FUTURE,
    EVIDENCE_BAD_TYPE,
    EVIDENCE_DUPLICATE,
    EVIDENCE_EMPTY,
    EVIDENCE_TOO_LARGE,
    NARRATIVE_REQUIRED,
    PERCENT_RANGE,
)

#: The value of the target field for the whole measure (not one unit's share).
WHOLE = "measure"

#: The service's messages and the field each belongs beside (templates match by their
#: text before the first placeholder).
FIELD_OF: dict[str, str] = {
    NARRATIVE_REQUIRED: "narrative",
    PERCENT_RANGE: "percent",
    AS_OF_IN_FUTURE: "as_of",
    EVIDENCE_BAD_TYPE: "files",
    EVIDENCE_DUPLICATE: "files",
    EVIDENCE_EMPTY: "files",
    EVIDENCE_TOO_LARGE: "files",
    EVIDENCE_REQUIRED: "files",
    SUMMARY_REQUIRED: "summary",
    RETURN_NEEDS_REASON: "reason",
    REJECT_NEEDS_NOTE: "note",
    EXTENSION_NEEDS_REASON: "reason",
    EXTENSION_NOT_LATER: "new_deadline",
    EXTENSION_REJECT_NEEDS_NOTE: "note",
    CHECK_IN_NOTE_REQUIRED: "note",
    REOPEN_NEEDS_REASON: "reason",
}


def field_of(message: str) -> str | None:
    """The field a service message belongs beside, if any."""
    for template, name in FIELD_OF.items():
        head = template.split("{", 1)[0]
        if message == template or ("{" in template and head and message.startswith(head)):
            return name
    return None


class Radios(forms.RadioSelect):
    """Bootstrap's inline radio buttons, each with its own label."""

    template_name = "ledger/widgets/radio.html"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the evidence of one report)."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(item, initial) for item in data if item]
        else:
            files = [single(data, initial)] if data else []
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return files


def target_label(assignment: Assignment | None) -> str:
    if assignment is None:
        return str(_("整项措施（牵头单位）"))
    return str(_("%(unit)s承担的任务") % {"unit": assignment.unit})


class TargetForm(forms.Form):
    """A form acting on the measure or on one unit's share: the page offers the targets."""

    target = forms.ChoiceField(label=_("填报对象"))

    def __init__(self, *args: Any, targets: Sequence[Assignment | None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.targets = {(WHOLE if t is None else str(t.pk)): t for t in targets}
        field = self.fields["target"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(key, target_label(t)) for key, t in self.targets.items()]
        if len(self.targets) == 1:
            field.widget = forms.HiddenInput()
            field.initial = next(iter(self.targets))

    def assignment(self) -> Assignment | None:
        return self.targets[self.cleaned_data["target"]]


def _files(required: bool, max_bytes: int) -> MultipleFileField:
    field = MultipleFileField(
        label=_("佐证材料"),
        required=required,
        help_text=_("可选多个文件；接受 docx、xlsx、pdf、jpg、png，每个不超过 %(mb)s MB。")
        % {"mb": max_bytes // (1024 * 1024)},
    )
    field.widget.attrs.update({
        "accept": ".docx,.xlsx,.pdf,.jpg,.jpeg,.png",
        "data-max-bytes": str(max_bytes),
        "data-too-large": str(_("文件“{name}”超过大小上限")),
    })
    return field


class ProgressForm(TargetForm):
    as_of = forms.DateField(label=_("截至日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    percent = forms.IntegerField(label=_("完成进度（%）"), required=False, min_value=0, max_value=100)
    narrative = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 4}),
                                strip=False)

    def __init__(self, *args: Any, max_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"] = _files(False, max_bytes)


class CloseOutForm(TargetForm):
    summary = forms.CharField(label=_("整改完成情况"), widget=forms.Textarea(attrs={"rows": 4}),
                              strip=False)

    def __init__(self, *args: Any, max_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].label = _("申请对象")
        # Required by the service, which says so in its own words (EVIDENCE_REQUIRED).
        self.fields["files"] = _files(False, max_bytes)


class ExtensionForm(TargetForm):
    new_deadline = forms.DateField(label=_("申请延至"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 3}),
                             strip=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].label = _("申请对象")


class DecisionForm(forms.Form):
    """Approve or return (the office's review, the leader's approval), with the reason."""

    decision = forms.ChoiceField(
        label=_("审核结论"), choices=ReviewDecision.choices, widget=Radios
    )
    reason = forms.CharField(
        label=_("理由"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("退回时必须说明理由。"),
    )


class AcceptanceForm(forms.Form):
    party = forms.ChoiceField(label=_("代表"))
    decision = forms.ChoiceField(
        label=_("验收结论"), choices=AcceptanceDecision.choices, widget=Radios
    )
    note = forms.CharField(
        label=_("验收意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("不同意验收时必须说明理由。"),
    )

    def __init__(self, *args: Any, parties: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["party"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = list(parties)


class ExtensionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审批结论"),
        choices=[("approve", _("批准")), ("reject", _("不批准"))],
        widget=Radios,
    )
    note = forms.CharField(
        label=_("审批意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("不批准时必须说明理由。"),
    )


class CheckInForm(forms.Form):
    note = forms.CharField(label=_("检查情况"), widget=forms.Textarea(attrs={"rows": 3}), strip=False)


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("重新打开原因"), widget=forms.Textarea(attrs={"rows": 3}),
                             strip=False)
