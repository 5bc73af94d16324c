"""Forms of the correction pages: one per correctable object, sharing the reason (asked once
the plan is approved), the lock value the page showed, and the list of what will change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from django import forms
from django.db.models import Model, QuerySet
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from zhenggai.accounts.models import Organisation, Person
from zhenggai.ledger.choices import Urgency
from zhenggai.ledger.models import Aspect, Finding, Measure, Problem
from zhenggai.ledger.services.corrections import (
    CONTENT_REQUIRED,
    TEXT_REQUIRED,
    TITLE_REQUIRED,
    correction_token,
)
from zhenggai.ledger.services.plan.measures import DEADLINE_NEEDS_EXTENSION

#: How an empty value reads in the list of changes.
EMPTY = _("（空）")


@dataclass(frozen=True)
class Change:
    """One line of "what will change": the field's label, the value now and the new one."""

    label: str
    before: str
    after: str


def _one_newline(value: str) -> str:
    # Browsers send a textarea's line breaks as CRLF; the stored text keeps the document's
    # own line breaks (LF), so the form's artefact is undone here and nothing else.
    return value.replace("\r\n", "\n").replace("\r", "\n")


def _shown(value: Any) -> str:
    if value is None or value == "":
        return str(EMPTY)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Person):
        return PersonChoiceField.describe(value)
    return str(value)


class _PeopleByOrganisation(ModelChoiceIterator):
    """The people grouped by their organisation (one <optgroup> each), in the queryset's
    order: an office looks for "the head of 环卫所", not for a name in a long list."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups: dict[int, tuple[str, list[Any]]] = {}
        for person in self.queryset:
            name = person.organisation.name
            groups.setdefault(person.organisation_id, (name, []))[1].append(self.choice(person))
        yield from groups.values()


class PersonChoiceField(forms.ModelChoiceField[Person]):
    """A person, listed under their organisation; named with it where shown alone, so that
    two people of one name are told apart."""

    iterator = _PeopleByOrganisation

    @staticmethod
    def describe(person: Person) -> str:
        where = person.organisation.short_name or person.organisation.name
        return f"{person.name}（{where}·{person.position}）" if person.position else (
            f"{person.name}（{where}）"
        )

    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.name}（{obj.position}）" if obj.position else obj.name


class CorrectionForm(forms.Form):
    """What every correction form shares. Subclasses name `edited` (the fields that change
    the object) and `lock` (the hidden field carrying what the page showed)."""

    edited: ClassVar[tuple[str, ...]] = ()
    #: The hidden lock field, and the service's argument it is passed as.
    lock: ClassVar[str] = "token"
    lock_argument: ClassVar[str] = "expected_token"

    reason = forms.CharField(
        label=_("修订原因"),
        # Shown alone on the confirmation step: the cursor goes there.
        widget=forms.Textarea(attrs={"rows": 2, "autofocus": True}),
        required=False,  # required by the service, which says so beside the field
        help_text=_("整改方案已审定：本次更正将作为方案的一个修订版本保存，须写明原因。"),
    )

    def __init__(self, *args: Any, obj: Model, approved: bool, **kwargs: Any) -> None:
        kwargs.setdefault("initial", self.initial_of(obj))
        super().__init__(*args, **kwargs)
        self.obj = obj
        self.approved = approved
        if not approved:
            del self.fields["reason"]

    def initial_of(self, obj: Model) -> dict[str, Any]:
        raise NotImplementedError

    def current(self, name: str) -> Any:
        """The stored value of field `name` as the form compares it."""
        return getattr(self.obj, name)

    def changes(self) -> list[Change]:
        """The edited fields whose new value differs from the stored one (a valid form)."""
        result = []
        for name in self.edited:
            field = self.fields[name]
            if field.disabled:
                continue
            old, new = self.current(name), self.cleaned_data.get(name)
            if (old or None) != (new or None):
                result.append(Change(str(field.label), self.shown(name, old), self.shown(name, new)))
        return result

    def shown(self, name: str, value: Any) -> str:
        """`value` of field `name` as the list of changes writes it."""
        return _shown(value)

    def current_values(self) -> list[Change]:
        """The stored values of the edited fields (shown beside a conflict)."""
        return [
            Change(str(self.fields[name].label), self.shown(name, self.current(name)), "")
            for name in self.edited
        ]

    def service_values(self) -> dict[str, Any]:
        """Keyword arguments of the correction service (disabled fields left out)."""
        values = {
            name: self.cleaned_data[name] for name in self.edited if not self.fields[name].disabled
        }
        if self.approved:
            values["reason"] = self.cleaned_data.get("reason", "")
        values[self.lock_argument] = self.cleaned_data[self.lock]
        return values

    def relock(self, data: Any) -> Any:
        """`data` with the lock value of the object as stored now: after a conflict the
        office sees the current values, and saving again is a decision made knowingly."""
        data = data.copy()
        data[self.lock] = self.initial_of(self.obj)[self.lock]
        return data


class _TitleForm(CorrectionForm):
    edited = ("title",)

    title = forms.CharField(
        label=_("标题"),
        error_messages={"required": TITLE_REQUIRED},
        help_text=_("编号按导入时保存，不在此修改；只写标题的文字。"),
    )
    token = forms.CharField(widget=forms.HiddenInput)

    def initial_of(self, obj: Model) -> dict[str, Any]:
        assert isinstance(obj, Aspect | Problem)
        return {"title": obj.title, "token": correction_token(obj)}


class AspectForm(_TitleForm):
    """An aspect's title (方面)."""


class ProblemForm(_TitleForm):
    """A problem's title (问题)."""


class FindingForm(CorrectionForm):
    """A finding's text and label (具体问题)."""

    edited = ("text", "label")

    text = forms.CharField(
        label=_("问题表述"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": TEXT_REQUIRED},
    )
    label = forms.CharField(
        label=_("引导语"),
        max_length=32,
        required=False,
        help_text=_("如“主要问题”；文件中没有引导语时留空。"),
    )
    token = forms.CharField(widget=forms.HiddenInput)

    def initial_of(self, obj: Model) -> dict[str, Any]:
        assert isinstance(obj, Finding)
        return {"text": obj.text, "label": obj.label, "token": correction_token(obj)}

    def clean_text(self) -> str:
        return _one_newline(self.cleaned_data["text"])


class MeasureForm(CorrectionForm):
    """A measure's plan columns (整改措施)."""

    edited = (
        "content", "target", "lead_unit", "responsible_leader", "responsible_person",
        "urgency", "deadline",
    )
    lock = "version"
    lock_argument = "expected_version"

    content = forms.CharField(
        label=_("整改内容"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": CONTENT_REQUIRED},
    )
    target = forms.CharField(
        label=_("整改目标"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    lead_unit = forms.ModelChoiceField(
        label=_("责任单位"), queryset=Organisation.objects.none(), required=False,
        empty_label=_("（未指定）"),
    )
    responsible_leader = PersonChoiceField(
        label=_("责任领导"), queryset=Person.objects.none(), required=False,
        empty_label=_("（未指定）"),
    )
    responsible_person = PersonChoiceField(
        label=_("责任人"), queryset=Person.objects.none(), required=False,
        empty_label=_("（未指定）"),
    )
    urgency = forms.ChoiceField(label=_("整改时限类型"), choices=Urgency.choices)
    deadline = forms.DateField(
        label=_("整改时限"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("长期坚持的措施可不设时限。"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        units: QuerySet[Organisation],
        people: QuerySet[Person],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["responsible_leader"].queryset = people  # type: ignore[attr-defined]
        self.fields["responsible_person"].queryset = people  # type: ignore[attr-defined]
        if self.approved:
            deadline = self.fields["deadline"]
            deadline.disabled = True
            deadline.help_text = DEADLINE_NEEDS_EXTENSION + "。"

    def initial_of(self, obj: Model) -> dict[str, Any]:
        assert isinstance(obj, Measure)
        return {
            "content": obj.content, "target": obj.target, "lead_unit": obj.lead_unit_id,
            "responsible_leader": obj.responsible_leader_id,
            "responsible_person": obj.responsible_person_id, "urgency": obj.urgency,
            "deadline": obj.deadline, "version": obj.version,
        }

    def clean_content(self) -> str:
        return _one_newline(self.cleaned_data["content"])

    def clean_target(self) -> str:
        return _one_newline(self.cleaned_data["target"])

    def shown(self, name: str, value: Any) -> str:
        if name == "urgency" and value in Urgency.values:
            return str(Urgency(value).label)
        return _shown(value)
