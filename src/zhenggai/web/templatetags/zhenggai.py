"""Template helpers of the shell, shared by every app's templates (`{% load zhenggai %}`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.html import format_html
from django.utils.safestring import SafeString

from zhenggai.core import markers
from zhenggai.core.chinese_date import chinese_date

register = template.Library()

_SIGNAL_CLASS = {
    "green": "text-bg-success",
    "yellow": "text-bg-warning",
    "red": "text-bg-danger",
}
_STATE_CLASS = {
    "planned": "text-bg-light border",
    "in_progress": "text-bg-primary",
    "close_requested": "text-bg-info",
    "returned": "text-bg-warning",
    "closed": "text-bg-success",
    "watching": "text-bg-secondary",
}


@register.filter
def strip_marker(text: str, marker: str = "") -> str:
    """The measure's text without its enumeration marker (the stored text keeps it)."""
    return markers.strip_marker(text, marker)


@register.filter
def cn_date(value: dt.date | None) -> str:
    """2026年10月9日, as official documents write dates; "—" when there is none."""
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        value = value.date()
    return chinese_date(value)


@register.simple_tag
def signal_badge(result: Any) -> SafeString:
    """A red/yellow/green badge for a `SignalResult`, with days left or overdue; the note of
    an unconfirmed holiday year as its title."""
    if result is None or getattr(result, "signal", "none") == "none":
        return format_html('<span class="text-body-secondary">—</span>')
    left = result.working_days_left
    if result.overdue:
        text = f"超期{-left}个工作日" if left is not None else "超期"
    else:
        text = f"剩{left}个工作日"
    note = f"（{result.note}）" if result.note else ""
    return format_html(
        '<span class="badge {} signal-badge" data-signal="{}" title="{}{}">{}{}</span>',
        _SIGNAL_CLASS.get(str(result.signal), "text-bg-light"),
        result.signal,
        result.signal.label,
        note,
        text,
        "*" if result.note else "",
    )


@register.simple_tag
def state_badge(state: str, label: str) -> SafeString:
    return format_html(
        '<span class="badge {}" data-state="{}">{}</span>',
        _STATE_CLASS.get(state, "text-bg-light"),
        state,
        label,
    )


@register.filter
def bs_widget(field: BoundField) -> SafeString:
    """The field's widget with Bootstrap's class and, when invalid, `is-invalid`."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    else:
        css = "form-control"
    attrs: dict[str, str | bool] = {"class": f"{css} is-invalid" if field.errors else css}
    if field.errors:
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{field.auto_id}_errors"
    elif field.help_text:
        attrs["aria-describedby"] = f"{field.auto_id}_help"
    return field.as_widget(attrs=attrs)
