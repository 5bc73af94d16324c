"""Records of urging: every reminder sent, formal urging notices, snapshots and the
cross-inspection dashboard's coarse daily rollup."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from zhenggai import clock
from zhenggai.ledger.choices import Signal
from zhenggai.urging.choices import (
    Channel,
    EscalationStep,
    ReminderKind,
    RollupKind,
    UrgingLevel,
)


class Reminder(models.Model):
    """A reminder that was sent (one row per recipient and channel), kept as the proof.

    `dedupe_key` (e.g. "before_deadline:measure:12:2026-05-01:0:email") is unique when set:
    the periodic `zhenggai remind` command may run twice without reminding twice.
    """

    measure = models.ForeignKey(
        "ledger.Measure",
        verbose_name=_("整改措施"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    assignment = models.ForeignKey(
        "ledger.Assignment",
        verbose_name=_("整改任务"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收用户"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reminders",
    )
    recipient_person = models.ForeignKey(
        "accounts.Person",
        verbose_name=_("接收人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reminders",
    )
    kind = models.CharField(_("类型"), max_length=32, choices=ReminderKind.choices)
    step = models.PositiveSmallIntegerField(
        _("督办层级"), choices=EscalationStep.choices, default=EscalationStep.RESPONSIBLE_PERSON
    )
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    sent_at = models.DateTimeField(_("发送时间"), default=clock.now)
    subject = models.CharField(_("主题"), max_length=255)
    body = models.TextField(_("内容"), blank=True)
    dedupe_key = models.CharField(_("去重键"), max_length=191, blank=True)

    class Meta:
        verbose_name = _("提醒记录")
        verbose_name_plural = _("提醒记录")
        constraints = [
            models.CheckConstraint(
                condition=Q(step__gte=0, step__lte=3), name="urging_reminder_step_range"
            ),
            models.UniqueConstraint(
                fields=["dedupe_key"], condition=~Q(dedupe_key=""), name="urging_reminder_dedupe"
            ),
        ]
        indexes = [
            models.Index(fields=["measure", "sent_at"], name="urging_reminder_measure"),
            models.Index(fields=["assignment", "sent_at"], name="urging_reminder_assign"),
            models.Index(fields=["sent_at"], name="urging_reminder_sent"),
        ]

    def __str__(self) -> str:
        return self.subject


class UrgingNotice(models.Model):
    """A formal, numbered urging document (督办通知书 … 问责书) issued to a unit."""

    inspection = models.ForeignKey(
        "ledger.Inspection",
        verbose_name=_("巡察"),
        on_delete=models.CASCADE,
        related_name="urging_notices",
    )
    measure = models.ForeignKey(
        "ledger.Measure",
        verbose_name=_("整改措施"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="urging_notices",
    )
    assignment = models.ForeignKey(
        "ledger.Assignment",
        verbose_name=_("整改任务"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="urging_notices",
    )
    unit = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("督办对象"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="urging_notices",
    )
    level = models.CharField(_("督办等级"), max_length=32, choices=UrgingLevel.choices)
    number = models.CharField(_("文号"), max_length=64, help_text=_("如 督〔2026〕3号"))
    body = models.TextField(_("内容"), blank=True)
    issued_at = models.DateTimeField(_("印发时间"), default=clock.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签发人"),
        on_delete=models.PROTECT,
        related_name="urging_notices",
    )
    file = models.FileField(_("文件"), upload_to="urging/%Y/", max_length=255, blank=True)

    class Meta:
        verbose_name = _("督办文书")
        verbose_name_plural = _("督办文书")
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "number"], name="urging_notice_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_level_display()}"


class Snapshot(models.Model):
    """Daily counts per inspection (and optionally per unit or aspect) for trend charts.

    It also copies the audit chain head of that moment, one more checkpoint kept outside
    the log. Every state but closed is open, hence measures = open + closed.
    """

    taken_on = models.DateField(_("日期"))
    inspection = models.ForeignKey(
        "ledger.Inspection",
        verbose_name=_("巡察"),
        on_delete=models.CASCADE,
        related_name="snapshots",
    )
    unit = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("单位"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="snapshots",
    )
    aspect = models.ForeignKey(
        "ledger.Aspect",
        verbose_name=_("方面"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="snapshots",
    )
    signal = models.CharField(_("信号"), max_length=8, choices=Signal.choices, default=Signal.NONE)
    measures = models.PositiveIntegerField(_("措施数"), default=0)
    open_measures = models.PositiveIntegerField(_("未销号"), default=0)
    closed_measures = models.PositiveIntegerField(_("已销号"), default=0)
    overdue = models.PositiveIntegerField(_("超期"), default=0)
    #: Completed as the pages count it: closed, or closed with continued watch.
    done_measures = models.PositiveIntegerField(_("已完成"), default=0)
    #: In progress with no progress report for the inspection's stalled_working_days.
    stalled = models.PositiveIntegerField(_("进展停滞"), default=0)
    #: Close-out returned at least RECURRING_RETURNS times (the dashboard's 反复退回).
    recurring_returns = models.PositiveIntegerField(_("反复退回"), default=0)
    audit_head_seq = models.PositiveBigIntegerField(_("审计链序号"), null=True, blank=True)
    audit_head_hash = models.CharField(_("审计链哈希"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("统计快照")
        verbose_name_plural = _("统计快照")
        constraints = [
            models.CheckConstraint(
                condition=Q(measures=F("open_measures") + F("closed_measures")),
                name="urging_snapshot_counts_add_up",
            ),
            models.CheckConstraint(
                condition=Q(overdue__lte=F("open_measures")), name="urging_snapshot_overdue_open"
            ),
            models.CheckConstraint(
                condition=Q(done_measures__lte=F("measures")), name="urging_snapshot_done_le_all"
            ),
        ]
        indexes = [models.Index(fields=["taken_on", "inspection"], name="urging_snap_day_insp")]

    def __str__(self) -> str:
        return f"{self.taken_on} · {self.inspection}"


class OverviewRollup(models.Model):
    """The day's figures per inspection, per inspection × lead unit and per inspection ×
    aspect title (`kind`), for the cross-inspection dashboard (总览).

    Written with the `Snapshot` rows by `snapshot_take`, from the same counts: summed up,
    they are the snapshot's figures without its signal and aspect grain. The snapshot's
    78,000 rows of a province-scale day (scale 0.04) cost the dashboard three grouped scans
    (the aspect one a join) of 30–50 ms each; here a day holds 1,000 inspection rows,
    5,000 aspect-title rows and 53,000 unit rows, the last read through an index holding
    every column the page sums (docs/benchmarks.md). Only the newest day is kept: the
    dashboard reads nothing else, and the snapshot keeps the history.
    """

    taken_on = models.DateField(_("日期"))
    kind = models.CharField(_("汇总维度"), max_length=10, choices=RollupKind.choices)
    inspection = models.ForeignKey(
        "ledger.Inspection",
        verbose_name=_("巡察"),
        on_delete=models.CASCADE,
        related_name="overview_rollups",
    )
    #: The lead unit (kind `unit` only).
    unit = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("牵头单位"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="overview_rollups",
    )
    #: The title of the primary finding's aspect (kind `aspect` only; never empty there).
    aspect_title = models.TextField(_("方面标题"), blank=True)
    measures = models.PositiveIntegerField(_("措施数"), default=0)
    done_measures = models.PositiveIntegerField(_("已完成"), default=0)
    overdue = models.PositiveIntegerField(_("超期"), default=0)
    stalled = models.PositiveIntegerField(_("进展停滞"), default=0)
    recurring_returns = models.PositiveIntegerField(_("反复退回"), default=0)

    class Meta:
        verbose_name = _("总览每日统计")
        verbose_name_plural = _("总览每日统计")
        constraints = [
            models.CheckConstraint(
                condition=Q(done_measures__lte=F("measures")),
                name="urging_overview_done_le_all",
            ),
            models.CheckConstraint(
                condition=Q(kind=RollupKind.UNIT, unit__isnull=False, aspect_title="")
                | Q(kind=RollupKind.ASPECT, unit__isnull=True, aspect_title__gt="")
                | Q(kind=RollupKind.INSPECTION, unit__isnull=True, aspect_title=""),
                name="urging_overview_kind_key",
            ),
        ]
        indexes = [
            models.Index(fields=["taken_on", "kind", "inspection"], name="urging_ovr_day_kind"),
            # The unit breakdown groups a province's ~50,000 unit rows of the day: with
            # every summed column in the index it reads the index alone, in unit order.
            models.Index(
                fields=[
                    "taken_on",
                    "kind",
                    "unit",
                    "inspection",
                    "measures",
                    "done_measures",
                    "overdue",
                    "stalled",
                    "recurring_returns",
                ],
                name="urging_ovr_units",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.taken_on} · {self.get_kind_display()} · {self.inspection_id}"
