"""The ledger page's filter form: a GET form whose fields are `LedgerQuery`'s, plus the order.

The form only draws the fields. Reading the values is `LedgerQuery.from_querydict`'s job
(the one reader of a ledger query string, shared with the export and the dashboard's
links), so the form is unbound, shows the query's values as initial data, and carries the
query's errors (and the choices' "not yours") beside their fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _

from zhenggai.core.signals import Signal
from zhenggai.ledger.choices import MeasureState, Urgency
from zhenggai.ledger.selectors.filters import LedgerQuery
from zhenggai.ledger.selectors.ledger_list import LedgerChoices
from zhenggai.ledger.selectors.ledger_sort import LedgerOrder, sort_choices

ANY = ("", _("全部"))
SIGNAL_CHOICES = [
    (Signal.RED.value, _("红灯（超期）")),
    (Signal.YELLOW.value, _("黄灯（临期）")),
    (Signal.GREEN.value, _("绿灯")),
    (Signal.NONE.value, _("无信号（已销号或无时限）")),
]
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LedgerFilterForm(forms.Form):
    """Every filter of the ledger page, and its order."""

    inspection = forms.TypedChoiceField(label=_("巡察"), required=False, coerce=int)
    aspect = forms.TypedChoiceField(label=_("方面"), required=False, coerce=int)
    unit = forms.TypedChoiceField(label=_("责任单位"), required=False, coerce=int)
    leader = forms.TypedChoiceField(label=_("责任领导"), required=False, coerce=int)
    urgency = forms.ChoiceField(
        label=_("时限类型"), required=False, choices=[ANY, *Urgency.choices]
    )
    due_from = forms.DateField(label=_("时限从"), required=False, widget=_DATE)
    due_to = forms.DateField(label=_("时限至"), required=False, widget=_DATE)
    state = forms.MultipleChoiceField(
        label=_("状态"),
        required=False,
        choices=MeasureState.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    signal = forms.MultipleChoiceField(
        label=_("信号"),
        required=False,
        choices=SIGNAL_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    stalled = forms.BooleanField(
        label=_("仅看进展停滞"),
        required=False,
        help_text=_("整改中的措施连续多个工作日没有填报进展"),
    )
    sort = forms.ChoiceField(label=_("排序"), required=False, choices=sort_choices)

    def __init__(
        self,
        *,
        query: LedgerQuery,
        order: LedgerOrder,
        choices: LedgerChoices,
        errors: Mapping[str, str],
    ) -> None:
        super().__init__(initial=self.initial_of(query, order), auto_id="filter_%s")
        self.query = query
        need_inspection = _("（先选择巡察）")
        self._choose("inspection", choices.inspections)
        self._choose("aspect", choices.aspects, need_inspection if choices.source is None else None)
        self._choose("unit", choices.units, need_inspection if not choices.units else None)
        self._choose("leader", choices.leaders, need_inspection if not choices.leaders else None)
        # Unbound (the query was read by LedgerQuery): the errors are set, not validated.
        self._errors = forms.utils.ErrorDict()
        for name, message in errors.items():
            key = name if name in self.fields else None
            self._errors.setdefault(key or "__all__", ErrorList()).append(message)

    def _choose(self, name: str, options: list[tuple[int, str]], empty: Any = None) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", empty or ANY[1]), *options]

    @staticmethod
    def initial_of(query: LedgerQuery, order: LedgerOrder) -> dict[str, Any]:
        return {
            "inspection": query.inspection,
            "aspect": query.aspect,
            "unit": query.unit,
            "leader": query.leader,
            "urgency": query.urgency or "",
            "due_from": query.due_from,
            "due_to": query.due_to,
            "state": list(query.state),
            "signal": list(query.signal),
            "stalled": query.stalled,
            "sort": order.value,
        }

    @property
    def cross_filters(self) -> list[dict[str, Any]]:
        """The filters set from the cross-inspection dashboard's links (year, aspect title,
        returns): no field of their own, kept as hidden inputs beside a label and a link
        that drops them, so changing another filter does not silently widen the list."""
        q = self.query
        out: list[tuple[str, Any, str, dict[str, Any]]] = []
        if q.year is not None:
            out.append(("year", q.year, _("反馈年度：%(v)s") % {"v": q.year}, {"year": None}))
        if q.aspect_title:
            label = _("方面：%(v)s") % {"v": q.aspect_title}
            out.append(("aspect_title", q.aspect_title, label, {"aspect_title": ""}))
        if q.returns is not None:
            label = _("销号被退回 ≥ %(v)s 次") % {"v": q.returns}
            out.append(("returns", q.returns, label, {"returns": None}))
        return [
            {"name": n, "value": v, "label": label, "drop": q.with_(**drop).to_querystring()}
            for n, v, label, drop in out
        ]

    @property
    def has_advanced(self) -> bool:
        """Whether a filter beyond the first row is set (the form shows them open)."""
        initial = self.initial
        return bool(
            initial["leader"]
            or initial["due_from"]
            or initial["due_to"]
            or initial["state"]
            or initial["signal"]
            or initial["stalled"]
            or self._errors
        )
