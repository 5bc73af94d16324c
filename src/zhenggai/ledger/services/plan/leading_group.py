"""The rectification leading group (整改领导小组) and its principal leader (第一责任人)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from zhenggai.accounts.models import Person, User
from zhenggai.accounts.permissions import Action, require
from zhenggai.audit.services import audit_record
from zhenggai.ledger.choices import LeadingGroupRole
from zhenggai.ledger.models import Inspection, LeadingGroupMember
from zhenggai.ledger.services.plan.unset import UNSET, _Unset

#: Error messages (asserted by the tests).
LEADING_GROUP_NEEDS_LEADER = "整改领导小组须有组长"
LEADING_GROUP_DUPLICATE = "{person} 在整改领导小组中重复担任{role}"


@dataclass(frozen=True)
class LeadingGroupEntry:
    """One line of the leading group as the office enters it."""

    person: Person
    role: str
    duty: str = ""


def _group_rows(inspection: Inspection) -> list[dict[str, Any]]:
    return [
        {"person": m.person_id, "name": m.person.name, "role": m.role, "duty": m.duty}
        for m in inspection.leading_group.select_related("person").order_by("sort_order", "id")
    ]


@transaction.atomic
def leading_group_set(
    *,
    inspection: Inspection,
    members: Sequence[LeadingGroupEntry],
    actor: User,
    principal_leader: Person | _Unset | None = UNSET,
) -> list[LeadingGroupMember]:
    """Replace the leading group (组长, 副组长, 成员, 办公室) with `members`, in that order.

    The principal leader (第一责任人), who signs the leader report, is the first 组长 unless
    given explicitly.
    """
    require(actor, Action.MANAGE_PLAN, inspection=inspection)
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    seen: set[tuple[int, str]] = set()
    for entry in members:
        if entry.role not in LeadingGroupRole.values:
            raise ValidationError(f"未知的领导小组职务：{entry.role}")
        key = (entry.person.pk, entry.role)
        if key in seen:
            raise ValidationError(LEADING_GROUP_DUPLICATE.format(
                person=entry.person.name, role=LeadingGroupRole(entry.role).label))
        seen.add(key)
    leaders = [e.person for e in members if e.role == LeadingGroupRole.LEADER]
    if not leaders:
        raise ValidationError(LEADING_GROUP_NEEDS_LEADER)
    before = {"members": _group_rows(inspection), "principal_leader": inspection.principal_leader_id}
    inspection.leading_group.all().delete()
    rows = [
        LeadingGroupMember(
            inspection=inspection, person=e.person, role=e.role, duty=e.duty.strip(), sort_order=i
        )
        for i, e in enumerate(members)
    ]
    for row in rows:
        row.full_clean()
    LeadingGroupMember.objects.bulk_create(rows)
    if isinstance(principal_leader, _Unset):
        principal_leader = leaders[0]
    if inspection.principal_leader_id != (principal_leader.pk if principal_leader else None):
        inspection.principal_leader = principal_leader
        inspection.save(update_fields=["principal_leader", "updated_at"])
    audit_record(
        actor=actor,
        action="leading_group.set",
        obj=inspection,
        before=before,
        after={"members": _group_rows(inspection), "principal_leader": inspection.principal_leader_id},
    )
    return list(inspection.leading_group.select_related("person").order_by("sort_order", "id"))
