"""Close-out (销号): request → office review → leader approval / three-party acceptance → closed.

Also the ways an item leaves or re-enters the closed states: explanation acceptance for
findings answered by 情况说明, check-ins of long-term measures kept under watch, and
reopening by a follow-up review (回头看).

One module per step: `request`, `review` (office review, leader approval, return),
`acceptance` (三方验收), `watching` (check-ins), `explanations`, `reopening` (回头看);
`common` holds what they share (locks, closing, returning). Decisions (CloseOutReview,
Acceptance, Reopening) are created, never updated. This package re-exports the public
names.
"""

from zhenggai.ledger.services.close_out.acceptance import (
    ACCEPTANCE_NOT_REQUIRED,
    ACCEPTANCE_PARTY_DONE,
    ACCEPTANCE_SAME_PERSON,
    NOT_AWAITING_ACCEPTANCE,
    REJECT_NEEDS_NOTE,
    acceptance_record,
)
from zhenggai.ledger.services.close_out.common import (
    CLOSE_OUT_CONFLICT,
    DEFAULT_CHECK_IN_DAYS,
    REVIEWER_IS_REQUESTER,
)
from zhenggai.ledger.services.close_out.explanations import (
    EXPIRY_IN_PAST,
    EXPLANATION_HAS_MEASURES,
    EXPLANATION_REQUIRED,
    FINDING_NOT_OPEN,
    NOT_EXPLANATION,
    explanation_accept,
    explanation_file,
)
from zhenggai.ledger.services.close_out.reopening import (
    CONCLUSION_REQUIRED,
    REOPEN_NEEDS_REASON,
    REOPEN_NOT_CLOSED,
    REOPEN_ONE_TARGET,
    REVIEW_DATE_IN_FUTURE,
    REVIEW_OTHER_INSPECTION,
    follow_up_review_create,
    reopen,
)
from zhenggai.ledger.services.close_out.request import (
    EVIDENCE_REQUIRED,
    MEASURE_HAS_ASSIGNMENTS,
    NOT_REQUESTABLE,
    SUMMARY_REQUIRED,
    close_out_request_create,
)
from zhenggai.ledger.services.close_out.review import (
    AWAITING_ACCEPTANCE,
    NOT_KEY,
    RETURN_NEEDS_REASON,
    SAME_REVIEWER_TWICE,
    close_out_request_approve,
    close_out_request_leader_approve,
    close_out_request_return,
)
from zhenggai.ledger.services.close_out.watching import (
    CHECK_IN_DONE,
    CHECK_IN_FORBIDDEN,
    CHECK_IN_NOT_WATCHING,
    CHECK_IN_NOTE_REQUIRED,
    check_in_record,
)

__all__ = [
    "ACCEPTANCE_NOT_REQUIRED",
    "ACCEPTANCE_PARTY_DONE",
    "ACCEPTANCE_SAME_PERSON",
    "AWAITING_ACCEPTANCE",
    "CHECK_IN_DONE",
    "CHECK_IN_FORBIDDEN",
    "CHECK_IN_NOTE_REQUIRED",
    "CHECK_IN_NOT_WATCHING",
    "CLOSE_OUT_CONFLICT",
    "CONCLUSION_REQUIRED",
    "DEFAULT_CHECK_IN_DAYS",
    "EVIDENCE_REQUIRED",
    "EXPIRY_IN_PAST",
    "EXPLANATION_HAS_MEASURES",
    "EXPLANATION_REQUIRED",
    "FINDING_NOT_OPEN",
    "MEASURE_HAS_ASSIGNMENTS",
    "NOT_AWAITING_ACCEPTANCE",
    "NOT_EXPLANATION",
    "NOT_KEY",
    "NOT_REQUESTABLE",
    "REJECT_NEEDS_NOTE",
    "REOPEN_NEEDS_REASON",
    "REOPEN_NOT_CLOSED",
    "REOPEN_ONE_TARGET",
    "RETURN_NEEDS_REASON",
    "REVIEWER_IS_REQUESTER",
    "REVIEW_DATE_IN_FUTURE",
    "REVIEW_OTHER_INSPECTION",
    "SAME_REVIEWER_TWICE",
    "SUMMARY_REQUIRED",
    "acceptance_record",
    "check_in_record",
    "close_out_request_approve",
    "close_out_request_create",
    "close_out_request_leader_approve",
    "close_out_request_return",
    "explanation_accept",
    "explanation_file",
    "follow_up_review_create",
    "reopen",
]
