"""Progress reports (整改进展) with evidence files (佐证材料), and the lifecycle helpers
the close-out services share.

One module per area: `lifecycle` (state moves, milestone times, row locks), `evidence`
(typed, hashed, stored files), `reports` (filing and correcting reports). This package
re-exports their public names.
"""

from zhenggai.ledger.services.progress.evidence import (
    DEFAULT_EVIDENCE_MAX_BYTES,
    EVIDENCE_BAD_TYPE,
    EVIDENCE_DUPLICATE,
    EVIDENCE_EMPTY,
    EVIDENCE_ONE_TARGET,
    EVIDENCE_REPORT_SUPERSEDED,
    EVIDENCE_REQUEST_DECIDED,
    EVIDENCE_TOO_LARGE,
    InspectedUpload,
    add_checked_files,
    check_files,
    evidence_add,
    evidence_max_bytes,
    inspect_upload,
    store_evidence,
)
from zhenggai.ledger.services.progress.lifecycle import (
    ASSIGNMENT_NOT_OF_MEASURE,
    FINISHED_STATES,
    LIFECYCLE_FIELDS,
    MEASURE_CLOSED,
    lifecycle_move,
    lifecycle_snapshot,
    lock_assignment,
    lock_measure,
    refuse_if_finished,
    responsible_unit,
    save_lifecycle,
    start_if_needed,
)
from zhenggai.ledger.services.progress.reports import (
    ALREADY_CORRECTED,
    AS_OF_IN_FUTURE,
    NARRATIVE_REQUIRED,
    PERCENT_RANGE,
    progress_report_correct,
    progress_report_submit,
)

__all__ = [
    "ALREADY_CORRECTED",
    "ASSIGNMENT_NOT_OF_MEASURE",
    "AS_OF_IN_FUTURE",
    "DEFAULT_EVIDENCE_MAX_BYTES",
    "EVIDENCE_BAD_TYPE",
    "EVIDENCE_DUPLICATE",
    "EVIDENCE_EMPTY",
    "EVIDENCE_ONE_TARGET",
    "EVIDENCE_REPORT_SUPERSEDED",
    "EVIDENCE_REQUEST_DECIDED",
    "EVIDENCE_TOO_LARGE",
    "FINISHED_STATES",
    "LIFECYCLE_FIELDS",
    "MEASURE_CLOSED",
    "NARRATIVE_REQUIRED",
    "PERCENT_RANGE",
    "InspectedUpload",
    "add_checked_files",
    "check_files",
    "evidence_add",
    "evidence_max_bytes",
    "inspect_upload",
    "lifecycle_move",
    "lifecycle_snapshot",
    "lock_assignment",
    "lock_measure",
    "progress_report_correct",
    "progress_report_submit",
    "refuse_if_finished",
    "responsible_unit",
    "save_lifecycle",
    "start_if_needed",
    "store_evidence",
]
