"""The announcement page's forms: the draft's text, the reasons and answers the services
ask for. Each field is what one service keyword takes; the services validate the rest, and
their messages come back beside these fields (`views.common.add_errors`)."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext_lazy as _

from zhenggai.publication.choices import CHECKLIST_ITEMS, ChecklistAnswer, Visibility


class DraftForm(forms.Form):
    """The whole text of the draft, the revision it was started from, a note on the edit."""

    body = forms.CharField(
        label=_("通报正文"),
        widget=forms.Textarea(
            attrs={"rows": 28, "spellcheck": "false", "class": "announcement-editor"}
        ),
        help_text=_(
            "第一行为标题；一、二、三……为各部分，（一）1.（1）为层次。每次保存记为一次修改。"
        ),
    )
    base_revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(
        label=_("修改说明"),
        max_length=200,
        required=False,
        help_text=_("可不填，如“按领导意见修改第二部分”。"),
    )


class OverrideForm(forms.Form):
    """The written reason a stated figure may differ from the ledger."""

    key = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("不一致的理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        # One form per figure on the page: ids by figure, so labels find their field.
        data = args[0] if args else kwargs.get("data")
        initial = kwargs.get("initial") or {}
        key = (data or {}).get("key") or initial.get("key", "")  # type: ignore[attr-defined]
        kwargs.setdefault("auto_id", f"override-{key}-%s")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回理由"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("auto_id", "return-%s")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


class CorrectForm(forms.Form):
    correction_note = forms.CharField(
        label=_("更正说明"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("说明更正什么、为什么更正；将随新版本一并发布。"),
    )
    regenerate = forms.BooleanField(label=_("按台账现状重新生成正文"), required=False)


class VisibilityForm(forms.Form):
    visibility = forms.ChoiceField(label=_("发布范围"), choices=Visibility.choices)


class MasksForm(forms.Form):
    """Names the public edition replaces by ***: the suggested ones ticked, others typed."""

    names = forms.MultipleChoiceField(
        label=_("隐去的名称"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    others = forms.CharField(
        label=_("其他需要隐去的名称"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("每行一个人名或企业名称。"),
    )

    def __init__(self, *args: object, choices: Iterable[str] = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        names = self.fields["names"]
        assert isinstance(names, forms.MultipleChoiceField)
        names.choices = [(n, n) for n in choices]

    def chosen(self) -> list[str]:
        typed = [line.strip() for line in self.cleaned_data["others"].splitlines()]
        return [*self.cleaned_data["names"], *(n for n in typed if n)]


class ChecklistForm(forms.Form):
    """The exceptions checklist (公开前审查): one answer per question, and a note."""

    note = forms.CharField(
        label=_("审查意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("auto_id", "checklist-%s")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for item, label in CHECKLIST_ITEMS:
            self.fields[item] = forms.ChoiceField(
                label=label,
                choices=ChecklistAnswer.choices,
                widget=forms.RadioSelect,
            )
        self.order_fields([*(item for item, _ in CHECKLIST_ITEMS), "note"])

    def answers(self) -> dict[str, str]:
        return {item: self.cleaned_data[item] for item, _ in CHECKLIST_ITEMS}
