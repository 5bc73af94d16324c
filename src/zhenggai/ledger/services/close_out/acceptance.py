"""Three-party acceptance (三方验收) of a close-out the office has approved."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import (
    require_acceptance_party,
    require_other_person,
)
from zhenggai.audit.writes import audited_create
from zhenggai.ledger.choices import (
    AcceptanceDecision,
    AcceptanceParty,
    CloseOutState,
    ReviewDecision,
    ReviewStage,
)
from zhenggai.ledger.models import (
    Acceptance,
    CloseOutRequest,
)
from zhenggai.ledger.services.close_out.common import (
    advance,
    conflict,
    is_key,
    lock_request,
    refuse_requester,
    return_request,
)
from zhenggai.ledger.services.progress import (
    responsible_unit,
)

NOT_AWAITING_ACCEPTANCE = "该申请当前不在验收环节"
ACCEPTANCE_NOT_REQUIRED = "该巡察不要求三方验收"
ACCEPTANCE_PARTY_DONE = "{party}已提交验收意见"
ACCEPTANCE_SAME_PERSON = "同一人不能代表两方参加验收"
REJECT_NEEDS_NOTE = "不同意验收须说明理由"

@transaction.atomic
def acceptance_record(
    *,
    request: CloseOutRequest,
    party: str,
    decision: str,
    note: str = "",
    actor: User,
) -> Acceptance:
    """One party's acceptance (三方验收); the last of three acceptances closes the item,
    a rejection returns the request."""
    measure, assignment, locked = lock_request(request)
    require_acceptance_party(
        actor,
        AcceptanceParty(party).value,
        inspection=measure.inspection,
        unit=responsible_unit(measure, assignment),
    )
    refuse_requester(locked, actor)
    if not measure.inspection.requires_three_party_acceptance:
        raise ValidationError(ACCEPTANCE_NOT_REQUIRED, code="invalid")
    if locked.state != CloseOutState.OFFICE_APPROVED:
        raise conflict(locked)
    if (
        is_key(measure)
        and not locked.reviews.filter(
            stage=ReviewStage.LEADER, decision=ReviewDecision.APPROVE
        ).exists()
    ):
        raise ValidationError(NOT_AWAITING_ACCEPTANCE, code="invalid")
    earlier = list(locked.acceptances.all())
    if any(a.party == party for a in earlier):
        raise ValidationError(
            ACCEPTANCE_PARTY_DONE.format(party=AcceptanceParty(party).label), code="conflict"
        )
    for other in earlier:
        require_other_person(actor, other.person_id, ACCEPTANCE_SAME_PERSON)
    if decision == AcceptanceDecision.REJECT and not note.strip():
        raise ValidationError(REJECT_NEEDS_NOTE, code="required")
    acceptance = audited_create(
        Acceptance(request=locked, party=party, person=actor, decision=decision, note=note.strip()),
        actor=actor,
        action=f"acceptance.{decision}",
        fields=["request", "party", "decision", "note"],
    )
    if decision == AcceptanceDecision.REJECT:
        return_request(locked, measure, assignment, actor=actor, reason=note.strip())
    else:
        advance(locked, measure, assignment, actor=actor)
    return acceptance

