"""Admin for the ledger. Day-to-day work goes through the services and pages; the admin is
for administrators repairing data, so it shows everything but keeps decision records
(close-out reviews, reopenings) read-only. Big tables skip the full COUNT(*)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from zhenggai.audit.admin import ReadOnlyModelAdmin
from zhenggai.ledger.models import (
    Acceptance,
    Aspect,
    Assignment,
    CheckIn,
    CloseOutRequest,
    CloseOutReview,
    EffectivenessEvaluation,
    EvaluationScore,
    EvidenceFile,
    Extension,
    Finding,
    FollowUpReview,
    FormalReport,
    FormalReportSubmission,
    Inspection,
    LeadingGroupMember,
    Measure,
    MeasureFinding,
    PlanRevision,
    Problem,
    ProgressReport,
    RectificationPlan,
    Reopening,
    SourceDocument,
)

# -- inlines --------------------------------------------------------------------------------


class LeadingGroupMemberInline(admin.TabularInline):
    model = LeadingGroupMember
    extra = 0
    autocomplete_fields = ["person"]


class FormalReportInline(admin.TabularInline):
    model = FormalReport
    extra = 0
    fields = ["kind", "due_date", "state", "submitted_at", "document"]


class AspectInline(admin.TabularInline):
    model = Aspect
    extra = 0
    fields = ["no", "marker", "title", "sort_order"]
    show_change_link = True


class ProblemInline(admin.TabularInline):
    model = Problem
    extra = 0
    fields = ["no", "marker", "title", "sort_order", "inspection"]
    raw_id_fields = ["inspection"]
    show_change_link = True


class FindingInline(admin.StackedInline):
    model = Finding
    extra = 0
    fields = [
        "no",
        "marker",
        "text",
        "scope",
        "answer_kind",
        "is_key",
        "state",
        "sort_order",
        "inspection",
    ]
    raw_id_fields = ["inspection"]
    show_change_link = True


class MeasureFindingInline(admin.TabularInline):
    model = MeasureFinding
    extra = 0
    autocomplete_fields = ["measure", "finding"]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    fields = ["unit", "responsible_person", "deadline", "state"]
    autocomplete_fields = ["unit", "responsible_person"]
    show_change_link = True


class EvidenceFileInline(admin.TabularInline):
    model = EvidenceFile
    fk_name = "progress_report"
    extra = 0
    fields = ["file", "original_name", "content_type", "size", "sha256", "version"]
    readonly_fields = ["sha256", "size"]


class CloseOutEvidenceInline(EvidenceFileInline):
    fk_name = "close_out_request"


class FormalReportEvidenceInline(EvidenceFileInline):
    """The files of a submission, shown with it (a submission is a record, never edited)."""

    fk_name = "formal_report_submission"
    can_delete = False
    readonly_fields = ["file", "original_name", "content_type", "size", "sha256", "version"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class FormalReportSubmissionInline(admin.TabularInline):
    """Submissions and their decisions are records: shown, never edited here."""

    model = FormalReportSubmission
    extra = 0
    can_delete = False
    show_change_link = True
    fields = readonly_fields = (
        "version",
        "submitted_by",
        "submitted_at",
        "decision",
        "opinion",
        "reviewed_by",
        "reviewed_at",
    )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CloseOutReviewInline(admin.TabularInline):
    model = CloseOutReview
    extra = 0
    can_delete = False
    fields = readonly_fields = ("stage", "decision", "reviewer", "reason", "decided_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AcceptanceInline(admin.TabularInline):
    model = Acceptance
    extra = 0
    autocomplete_fields = ["person"]


class PlanRevisionInline(admin.TabularInline):
    model = PlanRevision
    extra = 0
    fields = ["number", "author", "created_at", "reason"]
    readonly_fields = ["created_at"]
    autocomplete_fields = ["author"]
    show_change_link = True


class ReopeningInline(admin.TabularInline):
    model = Reopening
    extra = 0
    can_delete = False
    fields = readonly_fields = ("measure", "finding", "reason", "reopened_by", "reopened_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EvaluationScoreInline(admin.TabularInline):
    model = EvaluationScore
    extra = 0


# -- inspection and its documents -----------------------------------------------------------


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["title", "group", "organisation", "level", "kind", "feedback_date"]
    list_filter = ["level", "kind"]
    search_fields = ["title", "group", "organisation__name"]
    autocomplete_fields = ["organisation", "inspected_organisations", "principal_leader"]
    list_select_related = ["organisation"]
    date_hierarchy = "feedback_date"
    inlines = [LeadingGroupMemberInline, FormalReportInline, AspectInline]


@admin.register(LeadingGroupMember)
class LeadingGroupMemberAdmin(admin.ModelAdmin):
    list_display = ["person", "role", "duty", "inspection"]
    list_filter = ["role"]
    search_fields = ["person__name", "inspection__title"]
    autocomplete_fields = ["inspection", "person"]
    list_select_related = ["person", "inspection"]


@admin.register(FormalReport)
class FormalReportAdmin(admin.ModelAdmin):
    list_display = ["inspection", "kind", "due_date", "state", "submitted_at"]
    list_filter = ["kind", "state"]
    search_fields = ["inspection__title"]
    autocomplete_fields = ["inspection"]
    list_select_related = ["inspection"]
    inlines = [FormalReportSubmissionInline]


@admin.register(FormalReportSubmission)
class FormalReportSubmissionAdmin(ReadOnlyModelAdmin):
    list_display = ["report", "version", "submitted_by", "submitted_at", "decision", "reviewed_by"]
    list_filter = ["decision", "report__kind"]
    search_fields = ["report__inspection__title", "summary", "opinion"]
    list_select_related = ["report__inspection", "submitted_by", "reviewed_by"]
    inlines = [FormalReportEvidenceInline]


@admin.register(RectificationPlan)
class RectificationPlanAdmin(admin.ModelAdmin):
    list_display = ["title", "inspection", "state", "approved_at", "approved_by"]
    list_filter = ["state"]
    search_fields = ["title", "inspection__title"]
    autocomplete_fields = ["inspection", "approved_by"]
    list_select_related = ["inspection", "approved_by"]
    inlines = [PlanRevisionInline]


@admin.register(PlanRevision)
class PlanRevisionAdmin(admin.ModelAdmin):
    list_display = ["plan", "number", "author", "created_at"]
    search_fields = ["plan__title", "reason"]
    autocomplete_fields = ["plan", "author"]
    list_select_related = ["plan", "author"]


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "format", "title", "inspection", "imported_by", "imported_at"]
    list_filter = ["format"]
    search_fields = ["original_name", "title", "sha256"]
    autocomplete_fields = ["inspection", "imported_by"]
    readonly_fields = ["sha256", "size", "parser_version", "parsed"]
    list_select_related = ["inspection", "imported_by"]


# -- the findings tree -----------------------------------------------------------------------


@admin.register(Aspect)
class AspectAdmin(admin.ModelAdmin):
    list_display = ["__str__", "no", "inspection", "sort_order"]
    search_fields = ["title", "inspection__title"]
    autocomplete_fields = ["inspection"]
    list_select_related = ["inspection"]
    inlines = [ProblemInline]


@admin.register(Problem)
class ProblemAdmin(admin.ModelAdmin):
    list_display = ["__str__", "aspect", "inspection", "sort_order"]
    search_fields = ["title"]
    autocomplete_fields = ["aspect", "inspection"]
    list_select_related = ["aspect", "inspection"]
    inlines = [FindingInline]


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "problem", "scope", "answer_kind", "is_key", "state", "closed_at"]
    list_filter = ["state", "scope", "answer_kind", "is_key"]
    search_fields = ["text", "answer"]
    autocomplete_fields = ["problem", "inspection", "concerned_units", "explanation_approver"]
    list_select_related = ["problem"]
    show_full_result_count = False
    inlines = [MeasureFindingInline]


@admin.register(MeasureFinding)
class MeasureFindingAdmin(admin.ModelAdmin):
    list_display = ["measure", "finding", "is_primary"]
    list_filter = ["is_primary"]
    search_fields = ["measure__content", "finding__text"]
    autocomplete_fields = ["measure", "finding"]
    list_select_related = ["measure", "finding"]
    show_full_result_count = False


# -- measures --------------------------------------------------------------------------------


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["__str__", "lead_unit", "responsible_person", "urgency", "deadline", "state"]
    list_filter = ["state", "urgency"]
    search_fields = ["content", "target"]
    autocomplete_fields = [
        "inspection",
        "lead_unit",
        "co_units",
        "responsible_leader",
        "responsible_person",
    ]
    readonly_fields = ["version"]
    list_select_related = ["lead_unit", "responsible_person"]
    show_full_result_count = False
    inlines = [MeasureFindingInline, AssignmentInline]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["measure", "unit", "responsible_person", "deadline", "state"]
    list_filter = ["state"]
    search_fields = ["measure__content", "unit__name"]
    autocomplete_fields = ["measure", "unit", "responsible_person"]
    readonly_fields = ["version"]
    list_select_related = ["measure", "unit", "responsible_person"]
    show_full_result_count = False


@admin.register(Extension)
class ExtensionAdmin(admin.ModelAdmin):
    list_display = [
        "measure",
        "original_deadline",
        "new_deadline",
        "status",
        "requested_by",
        "requested_at",
    ]
    list_filter = ["status"]
    search_fields = ["measure__content", "reason"]
    autocomplete_fields = ["measure", "assignment", "requested_by", "decided_by"]
    list_select_related = ["measure", "requested_by"]


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    list_display = ["measure", "as_of", "percent", "author", "reported_at", "version"]
    search_fields = ["narrative", "measure__content"]
    autocomplete_fields = ["measure", "assignment", "author"]
    raw_id_fields = ["supersedes"]
    list_select_related = ["measure", "author"]
    date_hierarchy = "reported_at"
    show_full_result_count = False
    inlines = [EvidenceFileInline]


@admin.register(EvidenceFile)
class EvidenceFileAdmin(admin.ModelAdmin):
    list_display = [
        "original_name",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
        "version",
    ]
    search_fields = ["original_name", "sha256"]
    raw_id_fields = ["progress_report", "close_out_request", "formal_report_submission", "supersedes"]
    autocomplete_fields = ["uploaded_by"]
    readonly_fields = ["sha256", "size"]
    list_select_related = ["uploaded_by"]
    show_full_result_count = False


# -- close-out and afterwards ----------------------------------------------------------------


@admin.register(CloseOutRequest)
class CloseOutRequestAdmin(admin.ModelAdmin):
    list_display = ["measure", "assignment", "state", "requested_by", "requested_at"]
    list_filter = ["state"]
    search_fields = ["summary", "measure__content"]
    autocomplete_fields = ["measure", "assignment", "requested_by"]
    list_select_related = ["measure", "assignment", "requested_by"]
    inlines = [CloseOutReviewInline, AcceptanceInline, CloseOutEvidenceInline]


@admin.register(CloseOutReview)
class CloseOutReviewAdmin(ReadOnlyModelAdmin):
    """Read-only: a review is a decision record; a second look is a new review."""

    list_display = ["request", "stage", "decision", "reviewer", "decided_at"]
    list_filter = ["stage", "decision"]
    search_fields = ["reason"]
    list_select_related = ["request", "reviewer"]


@admin.register(Acceptance)
class AcceptanceAdmin(admin.ModelAdmin):
    list_display = ["request", "party", "decision", "person", "decided_at"]
    list_filter = ["party", "decision"]
    autocomplete_fields = ["request", "person"]
    list_select_related = ["request", "person"]


@admin.register(FollowUpReview)
class FollowUpReviewAdmin(admin.ModelAdmin):
    list_display = ["inspection", "date", "reviewer"]
    search_fields = ["conclusion", "inspection__title"]
    autocomplete_fields = ["inspection", "reviewer"]
    list_select_related = ["inspection", "reviewer"]
    inlines = [ReopeningInline]


@admin.register(Reopening)
class ReopeningAdmin(ReadOnlyModelAdmin):
    list_display = ["__str__", "follow_up_review", "reopened_by", "reopened_at"]
    search_fields = ["reason"]
    list_select_related = ["measure", "finding", "follow_up_review", "reopened_by"]


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["measure", "due_date", "done_at", "author"]
    search_fields = ["note", "measure__content"]
    autocomplete_fields = ["measure", "author"]
    list_select_related = ["measure", "author"]
    date_hierarchy = "due_date"


@admin.register(EffectivenessEvaluation)
class EffectivenessEvaluationAdmin(admin.ModelAdmin):
    list_display = ["inspection", "total", "grade", "evaluator", "evaluated_at"]
    list_filter = ["grade"]
    search_fields = ["inspection__title", "reasons"]
    autocomplete_fields = ["inspection", "evaluator"]
    list_select_related = ["inspection", "evaluator"]
    date_hierarchy = "evaluated_at"
    inlines = [EvaluationScoreInline]


@admin.register(EvaluationScore)
class EvaluationScoreAdmin(admin.ModelAdmin):
    list_display = ["evaluation", "indicator_code", "indicator_label", "max_points", "deduction"]
    search_fields = ["indicator_code", "indicator_label", "reason"]
    autocomplete_fields = ["evaluation"]
    list_select_related = ["evaluation"]
