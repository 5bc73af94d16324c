"""Measures (整改措施), their share-out to units (整改任务分解) and deadline extensions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils.translation import gettext_lazy as _

from zhenggai import clock
from zhenggai.ledger.choices import ExtensionStatus, MeasureState, Urgency

if TYPE_CHECKING:
    from zhenggai.ledger.models.tree import Finding

#: "Open in the ledger" (every state but closed). The partial indexes below use exactly
#: this condition, and so must the selectors: SQLite uses a partial index only when the
#: query's WHERE contains the index's own condition term.
MEASURE_OPEN = ~Q(state=MeasureState.CLOSED)

#: The states in which a measure is expected to report progress (整改中的措施): the stalled
#: filter's states, and the condition of the partial index that serves its pages (the
#: selectors repeat it as a literal, `filters.STALLABLE_LITERAL`, for SQLite to match it).
STALLABLE_STATES: tuple[str, ...] = (MeasureState.IN_PROGRESS.value, MeasureState.RETURNED.value)
MEASURE_STALLABLE = Q(state__in=STALLABLE_STATES)

#: The rank of `closed` in the lifecycle order below: every state before it (未开始, 整改中,
#: 申请销号, 已退回) is still being rectified and carries a signal; closed and watching do not.
RANK_CLOSED = MeasureState.values.index(MeasureState.CLOSED.value)
#: "Still being rectified", said on the rank: the condition of the partial index
#: `ledger_measure_unit_rank`, which the ledger's counts repeat literally (`filters`).
MEASURE_RECTIFYING = Q(state_rank__lt=RANK_CLOSED)

#: The lifecycle order of the states (未开始 → … → 持续跟踪), as a number the database
#: computes and stores itself, so that "sort by state" follows the lifecycle and is served
#: by an index (the codes' alphabetical order would mean nothing to a reader).
STATE_RANK = Case(
    *(When(state=state, then=Value(rank)) for rank, state in enumerate(MeasureState.values)),
    default=Value(99),
    output_field=models.PositiveSmallIntegerField(),
)


class Lifecycle(models.Model):
    """State and milestone times shared by a measure and an assignment.

    Only the close-out service changes `state` (DESIGN.md §3); it bumps `version` on every
    write so a stale form (optimistic lock) is detected instead of overwriting. The
    constraints keep each state's milestone time recorded.
    """

    state = models.CharField(
        _("状态"), max_length=16, choices=MeasureState.choices, default=MeasureState.PLANNED
    )
    started_at = models.DateTimeField(_("开始整改时间"), null=True, blank=True)
    close_requested_at = models.DateTimeField(_("申请销号时间"), null=True, blank=True)
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    watching_since = models.DateTimeField(_("转入持续跟踪时间"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("重新打开时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=clock.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=~Q(state=MeasureState.CLOSED) | Q(closed_at__isnull=False),
                name="%(app_label)s_%(class)s_closed_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state=MeasureState.WATCHING) | Q(watching_since__isnull=False),
                name="%(app_label)s_%(class)s_watching_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state=MeasureState.CLOSE_REQUESTED)
                | Q(close_requested_at__isnull=False),
                name="%(app_label)s_%(class)s_requested_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state=MeasureState.RETURNED) | Q(returned_at__isnull=False),
                name="%(app_label)s_%(class)s_returned_has_time",
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="%(app_label)s_%(class)s_version_positive"
            ),
        ]

    @property
    def is_open(self) -> bool:
        """Open in the ledger's sense: every state but closed (watching is open)."""
        return self.state != MeasureState.CLOSED


class Measure(Lifecycle):
    """One action of the plan ("一是…" is one measure), with owner, deadline and state.

    A measure may serve several findings (through MeasureFinding; one is primary and `no`
    is the position within it). Long-term measures (长期坚持) may have no deadline and a
    check-in period instead. `original_deadline` keeps the first deadline once an extension
    changes `deadline`. Imported data may lack a deadline whatever the urgency, so a missing
    deadline is allowed and shown as such rather than refused.
    """

    inspection = models.ForeignKey(
        "ledger.Inspection",
        verbose_name=_("巡察"),
        on_delete=models.CASCADE,
        related_name="measures",
    )
    findings: models.ManyToManyField[Finding, MeasureFinding] = models.ManyToManyField(
        "ledger.Finding",
        verbose_name=_("对应问题"),
        through="MeasureFinding",
        related_name="measures",
    )
    no = models.PositiveSmallIntegerField(_("序号"), null=True, blank=True)
    marker = models.CharField(_("编号原文"), max_length=16, blank=True, help_text=_("如“一是”"))
    content = models.TextField(_("整改内容"))
    target = models.TextField(_("整改目标"), blank=True)
    lead_unit = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("牵头（责任）单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_measures",
    )
    co_units = models.ManyToManyField(
        "accounts.Organisation", verbose_name=_("配合单位"), blank=True, related_name="co_measures"
    )
    responsible_leader = models.ForeignKey(
        "accounts.Person",
        verbose_name=_("责任领导"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measures_as_leader",
    )
    responsible_person = models.ForeignKey(
        "accounts.Person",
        verbose_name=_("责任人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measures_as_person",
    )
    urgency = models.CharField(
        _("整改时限类型"), max_length=16, choices=Urgency.choices, default=Urgency.SCHEDULED
    )
    deadline = models.DateField(_("整改时限"), null=True, blank=True)
    original_deadline = models.DateField(_("原定时限"), null=True, blank=True)
    check_in_period_days = models.PositiveSmallIntegerField(
        _("跟踪检查周期（天）"), null=True, blank=True, help_text=_("长期坚持的措施定期检查")
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    #: When its latest progress report (any version) was filed: kept by every path that
    #: files a report, so "no report for N working days" (the stalled filter) is a
    #: comparison on the measure instead of a NOT EXISTS over its reports.
    last_reported_at = models.DateTimeField(
        _("最近填报进展时间"), null=True, blank=True, editable=False
    )
    state_rank = models.GeneratedField(
        verbose_name=_("状态顺序"),
        expression=STATE_RANK,
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )

    class Meta(Lifecycle.Meta):
        verbose_name = _("整改措施")
        verbose_name_plural = _("整改措施")
        constraints = [
            *Lifecycle.Meta.constraints,
            models.CheckConstraint(
                condition=Q(check_in_period_days__isnull=True) | Q(check_in_period_days__gte=1),
                name="ledger_measure_check_in_period_positive",
            ),
            models.CheckConstraint(
                condition=Q(original_deadline__isnull=True) | Q(deadline__isnull=False),
                name="ledger_measure_original_needs_deadline",
            ),
        ]
        indexes = [
            # DESIGN.md §6: a unit's open measures by deadline, keyset-paged on (deadline, id).
            models.Index(
                fields=["lead_unit", "deadline", "id"],
                condition=MEASURE_OPEN,
                name="ledger_measure_open_unit_dl",
            ),
            models.Index(fields=["inspection", "state"], name="ledger_measure_insp_state"),
            models.Index(fields=["state", "deadline"], name="ledger_measure_state_dl"),
            # The ledger page's sorts (deadline, state, unit, last update), within one
            # inspection and across all, each keyset-paged with the id as tie-breaker.
            models.Index(fields=["inspection", "deadline", "id"], name="ledger_measure_insp_dl"),
            models.Index(
                fields=["inspection", "state_rank", "deadline", "id"],
                name="ledger_measure_insp_rank",
            ),
            models.Index(
                fields=["inspection", "lead_unit", "deadline", "id"],
                name="ledger_measure_insp_unit",
            ),
            models.Index(
                fields=["inspection", "updated_at", "id"], name="ledger_measure_insp_upd"
            ),
            models.Index(fields=["deadline", "id"], name="ledger_measure_dl"),
            models.Index(fields=["state_rank", "deadline", "id"], name="ledger_measure_rank"),
            models.Index(fields=["updated_at", "id"], name="ledger_measure_upd"),
            # The stalled filter: the in-progress ranks, then "last report before the
            # window" read from the index alone — its count too, scope and unit included
            # (ledger 0013: the office's capped count read 2,800 pages of rows, 10 ms).
            models.Index(
                fields=["state_rank", "last_reported_at", "created_at", "inspection", "lead_unit"],
                name="ledger_measure_stall",
            ),
            # The ledger's capped counts for a unit (ledger 0010): its measures still being
            # rectified by state and deadline, read from the index alone, the stalled
            # filter's times included ("open, by state", "red signal", "stalled" of the
            # busiest unit: 30–40 ms → 1–2 ms on SQLite).
            models.Index(
                fields=[
                    "lead_unit",
                    "state_rank",
                    "deadline",
                    "id",
                    "last_reported_at",
                    "created_at",
                ],
                condition=MEASURE_RECTIFYING,
                name="ledger_measure_unit_rank",
            ),
            # The stalled filter's pages in deadline order: walked and stopped after a page
            # instead of collecting every measure in progress to sort them.
            models.Index(
                fields=["deadline", "id"],
                condition=MEASURE_STALLABLE,
                name="ledger_measure_stall_dl",
            ),
        ]

    def __str__(self) -> str:
        text = self.content if len(self.content) <= 40 else self.content[:40] + "…"
        return f"{self.marker}{text}" if self.marker else text


class MeasureFinding(models.Model):
    """Links a measure to a finding it serves; at most one link per measure is primary."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("整改措施"), on_delete=models.CASCADE, related_name="finding_links"
    )
    finding = models.ForeignKey(
        "ledger.Finding",
        verbose_name=_("具体问题"),
        on_delete=models.CASCADE,
        related_name="measure_links",
    )
    is_primary = models.BooleanField(_("主要对应"), default=True)

    class Meta:
        verbose_name = _("措施与问题对应")
        verbose_name_plural = _("措施与问题对应")
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "finding"], name="ledger_measurefinding_unique"
            ),
            models.UniqueConstraint(
                fields=["measure"],
                condition=Q(is_primary=True),
                name="ledger_measurefinding_one_primary",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} → {self.finding}"


class Assignment(Lifecycle):
    """One unit's share of a measure (责任分工), with its own deadline, progress and close-out."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("整改措施"), on_delete=models.CASCADE, related_name="assignments"
    )
    unit = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("责任单位"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    responsible_person = models.ForeignKey(
        "accounts.Person",
        verbose_name=_("责任人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignments",
    )
    deadline = models.DateField(_("整改时限"), null=True, blank=True)
    note = models.TextField(_("任务说明"), blank=True)

    class Meta(Lifecycle.Meta):
        verbose_name = _("整改任务")
        verbose_name_plural = _("整改任务")
        constraints = [
            *Lifecycle.Meta.constraints,
            models.UniqueConstraint(
                fields=["measure", "unit"], name="ledger_assignment_unique_unit"
            ),
        ]
        indexes = [
            models.Index(
                fields=["unit", "deadline", "id"],
                condition=MEASURE_OPEN,
                name="ledger_assign_open_unit_dl",
            ),
            models.Index(fields=["state", "deadline"], name="ledger_assign_state_dl"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.measure}"


class Extension(models.Model):
    """A request for a later deadline (延期); the original deadline and the reason stay."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("整改措施"), on_delete=models.CASCADE, related_name="extensions"
    )
    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("整改任务"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="extensions",
    )
    original_deadline = models.DateField(_("原时限"))
    new_deadline = models.DateField(_("申请延至"))
    reason = models.TextField(_("延期理由"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="extension_requests",
    )
    requested_at = models.DateTimeField(_("申请时间"), default=clock.now)
    status = models.CharField(
        _("审批状态"),
        max_length=16,
        choices=ExtensionStatus.choices,
        default=ExtensionStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="extension_decisions",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        constraints = [
            models.CheckConstraint(
                condition=Q(new_deadline__gt=F("original_deadline")),
                name="ledger_extension_later_deadline",
            ),
            models.CheckConstraint(
                condition=Q(status=ExtensionStatus.PENDING) | Q(decided_at__isnull=False),
                name="ledger_extension_decided_has_time",
            ),
            # One open request at a time, per measure (whole) or per assignment.
            models.UniqueConstraint(
                fields=["measure"],
                condition=Q(status=ExtensionStatus.PENDING, assignment__isnull=True),
                name="ledger_extension_one_pending_measure",
            ),
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(status=ExtensionStatus.PENDING, assignment__isnull=False),
                name="ledger_extension_one_pending_assign",
            ),
        ]
        indexes = [models.Index(fields=["status", "requested_at"], name="ledger_ext_status_time")]

    def __str__(self) -> str:
        return f"{self.measure} · {self.original_deadline} → {self.new_deadline}"
