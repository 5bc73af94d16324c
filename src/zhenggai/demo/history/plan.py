"""People, the leading group and the plan with its revisions."""

from __future__ import annotations

import datetime as dt
import random

from zhenggai.accounts.models import Organisation, Person
from zhenggai.demo.history.texts import (
    GIVEN_NAMES,
    SURNAMES,
)
from zhenggai.demo.history.timeline import (
    Cast,
)
from zhenggai.ledger.choices import (
    AnswerKind,
    FindingScope,
    LeadingGroupRole,
    Urgency,
)
from zhenggai.ledger.models import (
    Finding,
    Inspection,
    Measure,
)
from zhenggai.ledger.services.key_findings import finding_set_key
from zhenggai.ledger.services.plan import (
    LeadingGroupEntry,
    add_months,
    finding_set_scope,
    leading_group_set,
    measure_update,
    plan_create,
    plan_revise,
)


def random_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)


def people(inspection: Inspection, cast: Cast, units: list[Organisation], rng: random.Random) -> None:
    """The people the plan names: the committee's secretary (the leader user's person) and
    deputies; each unit's head (its principal, 主要负责人) and liaison (the unit user's
    person, who is the responsible person of the unit's measures). Linking the users lets
    reminders and escalations reach accounts in the demo, not only the office."""
    committee = inspection.organisation
    cast.secretary = Person.objects.create(
        organisation=committee,
        name=random_name(rng),
        position="党组书记、局长",
        user=None if Person.objects.filter(user=cast.leader).exists() else cast.leader,
    )
    cast.deputies = [
        Person.objects.create(organisation=committee, name=random_name(rng), position=position)
        for position in ("党组成员、副局长", "党组成员、副局长", "党组成员、纪检组长")
    ]
    for unit in units:
        head = Person.objects.create(
            organisation=unit, name=random_name(rng), position=f"{unit.name}主要负责人"
        )
        cast.unit_heads[unit.pk] = head
        if unit.principal_id is None:
            unit.principal = head
            unit.save(update_fields=["principal"])
        user = cast.unit_users.get(unit.pk)
        if user is None:
            continue
        liaison = Person.objects.filter(user=user).first()
        if liaison is None:
            liaison = Person.objects.create(
                organisation=unit, name=random_name(rng), position="整改联络员", user=user
            )
        cast.liaisons[unit.pk] = liaison


def leading_group(inspection: Inspection, cast: Cast) -> None:
    assert cast.secretary is not None
    members = [LeadingGroupEntry(cast.secretary, LeadingGroupRole.LEADER, "全面负责巡察整改工作")]
    members += [LeadingGroupEntry(p, LeadingGroupRole.DEPUTY_LEADER, "分管领域整改") for p in cast.deputies]
    members += [LeadingGroupEntry(p, LeadingGroupRole.MEMBER) for p in cast.unit_heads.values()]
    leading_group_set(
        inspection=inspection, members=members, principal_leader=cast.secretary, actor=cast.office
    )


def draft_plan(
    inspection: Inspection, cast: Cast, units: list[Organisation], rng: random.Random, base: dt.date
) -> None:
    """The office drafts the plan: urgency, deadline and the people of every measure."""
    plan_create(inspection=inspection, title=f"{inspection.organisation.name}巡察反馈意见整改方案", actor=cast.office)
    measures = list(Measure.objects.filter(inspection=inspection).order_by("sort_order"))
    for measure in measures:
        roll = rng.random()
        if roll < 0.2:
            urgency, deadline = Urgency.IMMEDIATE, add_months(base, 1)
        elif roll < 0.33:
            urgency, deadline = Urgency.LONG_TERM, None  # watched, not closed by a date
        else:
            urgency, deadline = Urgency.SCHEDULED, add_months(base, rng.randint(2, 6))
        liaison = cast.liaisons.get(measure.lead_unit_id or 0)
        measure_update(
            measure=measure,
            urgency=urgency,
            deadline=deadline,
            responsible_leader=rng.choice(cast.deputies) if cast.deputies else None,
            responsible_person=liaison,
            actor=cast.office,
        )
    findings = list(Finding.objects.filter(inspection=inspection).order_by("problem__sort_order", "sort_order"))
    # The first problem's findings are key (重点问题): their close-out needs the leader too.
    first_problem = findings[0].problem_id if findings else None
    for finding in findings:
        if finding.problem_id == first_problem:
            finding_set_key(finding=finding, is_key=True, actor=cast.office)
    # One finding concerns several units (共性问题): each gets its own assignment.
    common_candidates = [f for f in findings if f.answer_kind == AnswerKind.RECTIFIED]
    if len(units) >= 2 and common_candidates:
        finding = common_candidates[len(common_candidates) // 2]
        finding_set_scope(
            finding=finding, scope=FindingScope.COMMON, concerned_units=units[:2], actor=cast.office
        )


def revise(inspection: Inspection, cast: Cast, reason: str, rng: random.Random) -> None:
    """A consultation round: a few targets sharpened, then a new revision with its diff."""
    measures = list(Measure.objects.filter(inspection=inspection).order_by("sort_order"))
    for measure in rng.sample(measures, k=min(3, len(measures))):
        target = (measure.target or "").rstrip("。")
        addition = "，并建立长效机制" if "长效" not in target else "，按季度开展检查"
        measure_update(measure=measure, target=(target + addition).lstrip("，") + "。", actor=cast.office)
    plan_revise(plan=inspection.plan, reason=reason, actor=cast.office)

