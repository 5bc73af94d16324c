"""Ledger models, one module per area (STYLE.md: near 400 lines a module becomes a package).

Import from `zhenggai.ledger.models`, never from the submodules, so they can move.
"""

from zhenggai.ledger.models.close_out import (
    Acceptance,
    CheckIn,
    CloseOutRequest,
    CloseOutReview,
    FollowUpReview,
    Reopening,
)
from zhenggai.ledger.models.evaluation import EffectivenessEvaluation, EvaluationScore
from zhenggai.ledger.models.formal_report import FormalReport, FormalReportSubmission
from zhenggai.ledger.models.inspection import (
    Inspection,
    LeadingGroupMember,
    PlanRevision,
    RectificationPlan,
    SourceDocument,
)
from zhenggai.ledger.models.measure import (
    MEASURE_OPEN,
    MEASURE_RECTIFYING,
    MEASURE_STALLABLE,
    RANK_CLOSED,
    STALLABLE_STATES,
    Assignment,
    Extension,
    Measure,
    MeasureFinding,
)
from zhenggai.ledger.models.progress import EvidenceFile, ProgressReport
from zhenggai.ledger.models.saved_view import SavedView
from zhenggai.ledger.models.search import SearchGram, SearchKind, SearchUnit
from zhenggai.ledger.models.staging import STAGING_DAYS, ImportStaging, StagingKind
from zhenggai.ledger.models.tree import Aspect, Finding, Problem

__all__ = [
    "MEASURE_OPEN",
    "MEASURE_RECTIFYING",
    "MEASURE_STALLABLE",
    "RANK_CLOSED",
    "STAGING_DAYS",
    "STALLABLE_STATES",
    "Acceptance",
    "Aspect",
    "Assignment",
    "CheckIn",
    "CloseOutRequest",
    "CloseOutReview",
    "EffectivenessEvaluation",
    "EvaluationScore",
    "EvidenceFile",
    "Extension",
    "Finding",
    "FollowUpReview",
    "FormalReport",
    "FormalReportSubmission",
    "ImportStaging",
    "Inspection",
    "LeadingGroupMember",
    "Measure",
    "MeasureFinding",
    "PlanRevision",
    "Problem",
    "ProgressReport",
    "RectificationPlan",
    "Reopening",
    "SavedView",
    "SearchGram",
    "SearchKind",
    "SearchUnit",
    "SourceDocument",
    "StagingKind",
]
