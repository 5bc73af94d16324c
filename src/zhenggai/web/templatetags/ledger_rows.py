"""The ledger's rows, written in Python (`{% load ledger_rows %}{% ledger_rows … %}`).

A page is 50 rows of 14 cells; drawn by template nodes they took about 15 ms of every
ledger page (each variable, filter, `if` and `with` is a node resolved per row), more than
the page's queries. The markup is the template's, cell for cell (`data-label` for the phone
cards, the `data-testid`s the browser tests read); everything shown is escaped (`_e`) as
the template's autoescape did, and every label goes through gettext.
"""

from __future__ import annotations

from html import escape
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from zhenggai.core import markers
from zhenggai.ledger.models import Measure
from zhenggai.web.templatetags.zhenggai import signal_badge, state_badge

register = template.Library()

DASH = "—"


def _date(value: Any) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def _e(value: Any) -> str:
    """Escaped as the template's autoescape does (`&`, `<`, `>`, `"`, `'`); `html.escape`
    directly, without Django's lazy-aware wrapper, which was half of the rows' time."""
    return escape(str(value), quote=True)


def _finding_cells(row: Any, labels: dict[str, Any]) -> str:
    finding = row.finding
    if finding is None:
        return (
            f'<td data-label="{labels["aspect"]}" class="card-hide"><div>—</div></td>'
            f'<td data-label="{labels["problem"]}" class="card-hide"><div>—</div></td>'
            f'<td data-label="{labels["finding"]}"><div>—</div></td>'
        )
    problem = finding.problem
    aspect = problem.aspect
    number = f"（{finding.no}）" if finding.no is not None else ""
    links = row.links
    tree = 'class="tree-link link-body-emphasis text-clamp-3"'
    return (
        f'<td data-label="{labels["aspect"]}" class="card-hide"><div style="min-width:6rem">'
        f'<a {tree} href="{_e(links.get("aspect", ""))}">{_e(aspect.marker)}{_e(aspect)}</a></div></td>\n'
        f'<td data-label="{labels["problem"]}" class="card-hide"><div style="min-width:8rem">'
        f'<a {tree} href="{_e(links.get("problem", ""))}">{_e(problem)}</a></div></td>\n'
        f'<td data-label="{labels["finding"]}"><div style="min-width:10rem">'
        f'<a {tree} href="{_e(links.get("finding", ""))}">{_e(number)}{_e(finding.text)}</a></div></td>'
    )


def _deadline(m: Any) -> str:
    if not m.deadline:
        return DASH
    if m.original_deadline and m.original_deadline != m.deadline:
        original = _("原定 %(original)s") % {"original": _date(m.original_deadline)}
        return f'{_date(m.deadline)}<div class="ledger-sub">{_e(original)}</div>'
    return _date(m.deadline)


def _progress(row: Any, labels: dict[str, Any]) -> str:
    p = row.latest_progress
    if not p:
        return f'<span class="text-body-secondary">{labels["none"]}</span>'
    percent = f" · {p.percent}%" if p.percent is not None else ""
    return (
        f'<span class="text-clamp-3">{_e(p.narrative)}</span>'
        f'<div class="ledger-sub">{_date(p.as_of)}{percent}</div>'
    )


def _row(row: Any, labels: dict[str, Any], *, bulk: bool, show_inspection: bool) -> str:
    m = row.measure
    pk, path, link = m.pk, _e(row.path), _e(row.links.get("measure", ""))
    check = (
        f'<td data-label="{labels["select"]}" class="ledger-check"><div><input '
        f'class="form-check-input" type="checkbox" name="ids" value="{pk}" form="ledger-bulk" '
        f'aria-label="{_e(_("选择 %(path)s") % {"path": row.path})}" data-testid="bulk-check">'
        "</div></td>"
        if bulk
        else ""
    )
    inspection = (
        '<div class="ledger-sub fw-normal text-wrap" style="min-width:6rem">'
        f"{_e(Truncator(m.inspection.title).chars(20))}</div>"
        if show_inspection
        else ""
    )
    leader, unit, person = (
        _e(getattr(x, "name", "") or DASH)
        for x in (m.responsible_leader, m.lead_unit, m.responsible_person)
    )
    state = state_badge(m.state, labels["states"].get(m.state, m.state))
    return (
        f'<tr data-testid="ledger-row" data-measure="{pk}">\n{check}'
        f'<td data-label="{labels["path"]}" class="ledger-path text-nowrap fw-semibold"><div>'
        f'<a href="{link}" data-testid="measure-link">{path}</a>{inspection}</div></td>\n'
        f"{_finding_cells(row, labels)}\n"
        f'<td data-label="{labels["measure"]}"><div style="min-width:12rem"><a class="tree-link '
        f'text-clamp-3" href="{link}">{_e(markers.strip_marker(m.content, m.marker))}</a></div></td>\n'
        f'<td data-label="{labels["target"]}" class="card-hide"><div class="text-clamp-3" '
        f'style="min-width:7rem">{_e(m.target or DASH)}</div></td>\n'
        f'<td data-label="{labels["leader"]}" class="text-nowrap"><div>{leader}</div></td>\n'
        f'<td data-label="{labels["unit"]}"><div style="min-width:5rem">{unit}</div></td>\n'
        f'<td data-label="{labels["person"]}" class="text-nowrap"><div>{person}</div></td>\n'
        f'<td data-label="{labels["deadline"]}" class="text-nowrap"><div>{_deadline(m)}</div></td>\n'
        f'<td data-label="{labels["urgency"]}" class="text-nowrap"><div>'
        f"{_e(labels['urgencies'].get(m.urgency, m.urgency))}</div></td>\n"
        f'<td data-label="{labels["progress"]}"><div style="min-width:9rem">'
        f"{_progress(row, labels)}</div></td>\n"
        f'<td data-label="{labels["state"]}"><div>{state}</div></td>\n'
        f'<td data-label="{labels["signal"]}"><div>{signal_badge(row.signal)}</div></td>\n'
        "</tr>"
    )


@register.simple_tag
def ledger_rows(rows: list[Any], bulk: bool = False, show_inspection: bool = False) -> SafeString:
    """The `<tr>` of each `LedgerRow` (see the module's docstring)."""
    labels: dict[str, Any] = {
        key: _e(_(text))
        for key, text in (
            ("select", "选择"), ("path", "编号"), ("aspect", "方面"), ("problem", "问题"),
            ("finding", "具体问题"), ("measure", "整改措施"), ("target", "整改目标"),
            ("leader", "责任领导"), ("unit", "责任单位"), ("person", "责任人"),
            ("deadline", "整改时限"), ("urgency", "时限类型"), ("progress", "整改进展"),
            ("state", "状态"), ("signal", "信号"), ("none", "尚未填报"),
        )
    }
    # The choices' labels once per page, not a lazy translation per row.
    labels["states"] = {value: str(label) for value, label in Measure._meta.get_field("state").flatchoices}
    labels["urgencies"] = {
        value: str(label) for value, label in Measure._meta.get_field("urgency").flatchoices
    }
    # Every piece above is escaped (`_e`) or markup of our own.
    return mark_safe("\n".join(_row(r, labels, bulk=bulk, show_inspection=show_inspection) for r in rows))
