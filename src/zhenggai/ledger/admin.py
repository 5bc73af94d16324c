"""Admin for the ledger: view-only. Every change to the ledger — a measure's state, a
close-out, a progress report, a plan — goes through its service (permission, workflow rules,
audit entry); the admin shows, searches and filters, and says so on its pages
(audit/admin_mixins.py). Big tables skip the full COUNT(*)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Model
from django.urls import reverse
from django.utils.html import format_html

from zhenggai.audit.admin_mixins import ViewOnlyInlineMixin, WorkflowModelAdmin
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


class _EvidenceDownloadLink:
    """An evidence file links to the checked download view, never to its storage URL."""

    @admin.display(description="文件")
    def stored_file(self, obj: Model) -> str:
        if obj.pk is None:
            return "-"
        url = reverse("ledger:evidence-download", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, getattr(obj, "original_name", "") or "下载")


# -- inlines --------------------------------------------------------------------------------


class LeadingGroupMemberInline(ViewOnlyInlineMixin, admin.TabularInline):
    model = LeadingGroupMember


class FormalReportInline(ViewOnlyInlineMixin, admin.TabularInline):
    model = FormalReport
    fields = ["kind", "due_date", "state", "submitted_at", "document"]


class AspectInline(ViewOnlyInlineMixin, admin.TabularInline):
    model = Aspect
    fields = ["no", "marker", "title", "sort_order"]
    show_change_link = True


class ProblemInline(ViewOnlyInlineMixin, admin.TabularInline):
    model = Problem
    fields = ["no", "marker", "title", "sort_order", "inspection"]
    show_change_link = True


class FindingInline(ViewOnlyInlineMixin, admin.StackedInline):
    model = Finding
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
    show_change_link = True


class MeasureFindingInline(ViewOnlyInlineMixin, admin.TabularInline):
    model = MeasureFinding


class AssignmentInline(ViewOnlyInlineMixin, admin.TabularInline):
    model = Assignment
    fields = ["unit", "responsible_person", "deadline", "state"]
    show_change_link = True


class EvidenceFileInline(_EvidenceDownloadLink, ViewOnlyInlineMixin, admin.TabularInline):
    model = EvidenceFile
    fk_name = "progress_report"
    fields = ["file", "original_name", "content_type", "size", "sha256", "version"]


class CloseOutEvidenceInline(EvidenceFileInline):
    fk_name = "close_out_request"


class FormalReportEvidenceInline(EvidenceFileInline):
    """The files of a submission, shown with it (a submission is a record, never edited)."""

    fk_name = "formal_report_submission"


class FormalReportSubmissionInline(ViewOnlyInlineMixin, admin.TabularInline):
    """Submissions and their decisions are records: shown, never edited here."""

    model = FormalReportSubmission
    show_change_link = True
    fields = (
        "version",
        "submitted_by",
        "submitted_at",
        "decision",
        "opinion",
        "reviewed_by",
        "reviewed_at",
    )


class CloseOutReviewInline(ViewOnlyInlineMixin, admin.TabularInline):
    model = CloseOutReview
    fields = ("stage", "decision", "reviewer", "reason", "decided_at")


class AcceptanceInline(ViewOnlyInlineMixin, admin.TabularInline):
    model = Acceptance


class PlanRevisionInline(ViewOnlyInlineMixin, admin.TabularInline):
    model = PlanRevision
    fields = ["number", "author", "created_at", "reason"]
    show_change_link = True


class ReopeningInline(ViewOnlyInlineMixin, admin.TabularInline):
    model = Reopening
    fields = ("measure", "finding", "reason", "reopened_by", "reopened_at")


class EvaluationScoreInline(ViewOnlyInlineMixin, admin.TabularInline):
    model = EvaluationScore


# -- inspection and its documents -----------------------------------------------------------


@admin.register(Inspection)
class InspectionAdmin(WorkflowModelAdmin):
    list_display = ["title", "group", "organisation", "level", "kind", "feedback_date"]
    list_filter = ["level", "kind"]
    search_fields = ["title", "group", "organisation__name"]
    list_select_related = ["organisation"]
    date_hierarchy = "feedback_date"
    inlines = [LeadingGroupMemberInline, FormalReportInline, AspectInline]


@admin.register(LeadingGroupMember)
class LeadingGroupMemberAdmin(WorkflowModelAdmin):
    list_display = ["person", "role", "duty", "inspection"]
    list_filter = ["role"]
    search_fields = ["person__name", "inspection__title"]
    list_select_related = ["person", "inspection"]


@admin.register(FormalReport)
class FormalReportAdmin(WorkflowModelAdmin):
    list_display = ["inspection", "kind", "due_date", "state", "submitted_at"]
    list_filter = ["kind", "state"]
    search_fields = ["inspection__title"]
    list_select_related = ["inspection"]
    inlines = [FormalReportSubmissionInline]


@admin.register(FormalReportSubmission)
class FormalReportSubmissionAdmin(WorkflowModelAdmin):
    list_display = ["report", "version", "submitted_by", "submitted_at", "decision", "reviewed_by"]
    list_filter = ["decision", "report__kind"]
    search_fields = ["report__inspection__title", "summary", "opinion"]
    list_select_related = ["report__inspection", "submitted_by", "reviewed_by"]
    inlines = [FormalReportEvidenceInline]


@admin.register(RectificationPlan)
class RectificationPlanAdmin(WorkflowModelAdmin):
    list_display = ["title", "inspection", "state", "approved_at", "approved_by"]
    list_filter = ["state"]
    search_fields = ["title", "inspection__title"]
    list_select_related = ["inspection", "approved_by"]
    inlines = [PlanRevisionInline]


@admin.register(PlanRevision)
class PlanRevisionAdmin(WorkflowModelAdmin):
    list_display = ["plan", "number", "author", "created_at"]
    search_fields = ["plan__title", "reason"]
    list_select_related = ["plan", "author"]


@admin.register(SourceDocument)
class SourceDocumentAdmin(WorkflowModelAdmin):
    list_display = ["original_name", "format", "title", "inspection", "imported_by", "imported_at"]
    list_filter = ["format"]
    search_fields = ["original_name", "title", "sha256"]
    list_select_related = ["inspection", "imported_by"]


# -- the findings tree -----------------------------------------------------------------------


@admin.register(Aspect)
class AspectAdmin(WorkflowModelAdmin):
    list_display = ["__str__", "no", "inspection", "sort_order"]
    search_fields = ["title", "inspection__title"]
    list_select_related = ["inspection"]
    inlines = [ProblemInline]


@admin.register(Problem)
class ProblemAdmin(WorkflowModelAdmin):
    list_display = ["__str__", "aspect", "inspection", "sort_order"]
    search_fields = ["title"]
    list_select_related = ["aspect", "inspection"]
    inlines = [FindingInline]


@admin.register(Finding)
class FindingAdmin(WorkflowModelAdmin):
    list_display = ["__str__", "problem", "scope", "answer_kind", "is_key", "state", "closed_at"]
    list_filter = ["state", "scope", "answer_kind", "is_key"]
    search_fields = ["text", "answer"]
    list_select_related = ["problem"]
    show_full_result_count = False
    inlines = [MeasureFindingInline]


@admin.register(MeasureFinding)
class MeasureFindingAdmin(WorkflowModelAdmin):
    list_display = ["measure", "finding", "is_primary"]
    list_filter = ["is_primary"]
    search_fields = ["measure__content", "finding__text"]
    list_select_related = ["measure", "finding"]
    show_full_result_count = False


# -- measures --------------------------------------------------------------------------------


@admin.register(Measure)
class MeasureAdmin(WorkflowModelAdmin):
    list_display = ["__str__", "lead_unit", "responsible_person", "urgency", "deadline", "state"]
    list_filter = ["state", "urgency"]
    search_fields = ["content", "target"]
    list_select_related = ["lead_unit", "responsible_person"]
    show_full_result_count = False
    inlines = [MeasureFindingInline, AssignmentInline]


@admin.register(Assignment)
class AssignmentAdmin(WorkflowModelAdmin):
    list_display = ["measure", "unit", "responsible_person", "deadline", "state"]
    list_filter = ["state"]
    search_fields = ["measure__content", "unit__name"]
    list_select_related = ["measure", "unit", "responsible_person"]
    show_full_result_count = False


@admin.register(Extension)
class ExtensionAdmin(WorkflowModelAdmin):
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
    list_select_related = ["measure", "requested_by"]


@admin.register(ProgressReport)
class ProgressReportAdmin(WorkflowModelAdmin):
    list_display = ["measure", "as_of", "percent", "author", "reported_at", "version"]
    search_fields = ["narrative", "measure__content"]
    list_select_related = ["measure", "author"]
    date_hierarchy = "reported_at"
    show_full_result_count = False
    inlines = [EvidenceFileInline]


@admin.register(EvidenceFile)
class EvidenceFileAdmin(_EvidenceDownloadLink, WorkflowModelAdmin):
    list_display = [
        "original_name",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
        "version",
    ]
    search_fields = ["original_name", "sha256"]
    list_select_related = ["uploaded_by"]
    show_full_result_count = False


# -- close-out and afterwards ----------------------------------------------------------------


@admin.register(CloseOutRequest)
class CloseOutRequestAdmin(WorkflowModelAdmin):
    list_display = ["measure", "assignment", "state", "requested_by", "requested_at"]
    list_filter = ["state"]
    search_fields = ["summary", "measure__content"]
    list_select_related = ["measure", "assignment", "requested_by"]
    inlines = [CloseOutReviewInline, AcceptanceInline, CloseOutEvidenceInline]


@admin.register(CloseOutReview)
class CloseOutReviewAdmin(WorkflowModelAdmin):
    """Read-only: a review is a decision record; a second look is a new review."""

    list_display = ["request", "stage", "decision", "reviewer", "decided_at"]
    list_filter = ["stage", "decision"]
    search_fields = ["reason"]
    list_select_related = ["request", "reviewer"]


@admin.register(Acceptance)
class AcceptanceAdmin(WorkflowModelAdmin):
    list_display = ["request", "party", "decision", "person", "decided_at"]
    list_filter = ["party", "decision"]
    list_select_related = ["request", "person"]


@admin.register(FollowUpReview)
class FollowUpReviewAdmin(WorkflowModelAdmin):
    list_display = ["inspection", "date", "reviewer"]
    search_fields = ["conclusion", "inspection__title"]
    list_select_related = ["inspection", "reviewer"]
    inlines = [ReopeningInline]


@admin.register(Reopening)
class ReopeningAdmin(WorkflowModelAdmin):
    list_display = ["__str__", "follow_up_review", "reopened_by", "reopened_at"]
    search_fields = ["reason"]
    list_select_related = ["measure", "finding", "follow_up_review", "reopened_by"]


@admin.register(CheckIn)
class CheckInAdmin(WorkflowModelAdmin):
    list_display = ["measure", "due_date", "done_at", "author"]
    search_fields = ["note", "measure__content"]
    list_select_related = ["measure", "author"]
    date_hierarchy = "due_date"


@admin.register(EffectivenessEvaluation)
class EffectivenessEvaluationAdmin(WorkflowModelAdmin):
    list_display = ["inspection", "total", "grade", "evaluator", "evaluated_at"]
    list_filter = ["grade"]
    search_fields = ["inspection__title", "reasons"]
    list_select_related = ["inspection", "evaluator"]
    date_hierarchy = "evaluated_at"
    inlines = [EvaluationScoreInline]


@admin.register(EvaluationScore)
class EvaluationScoreAdmin(WorkflowModelAdmin):
    list_display = ["evaluation", "indicator_code", "indicator_label", "max_points", "deduction"]
    search_fields = ["indicator_code", "indicator_label", "reason"]
    list_select_related = ["evaluation"]


# Registered in their own module (this one is near its size limit).
from zhenggai.ledger import admin_more  # noqa: E402, F401
