"""The inspection being answered, its leading group, plan and sources.

The formal reports it owes live in `formal_report.py`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from zhenggai import clock
from zhenggai.ledger.choices import (
    InspectionKind,
    InspectionLevel,
    LeadingGroupRole,
    PlanState,
    SourceFormat,
)


class Inspection(models.Model):
    """One inspection (巡察/巡视) of an organisation, whose findings it must rectify.

    `organisation` is the Party committee that owns the rectification (主体责任);
    `inspected_organisations` lists every organisation the inspection covered. Dates are
    null when the source document does not state them (the importer never invents them).
    """

    title = models.CharField(_("标题"), max_length=255)
    group = models.CharField(_("巡察组"), max_length=128, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("被巡察党组织"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    inspected_organisations = models.ManyToManyField(
        "accounts.Organisation",
        verbose_name=_("被巡察单位"),
        blank=True,
        related_name="inspections_received",
    )
    level = models.CharField(
        _("层级"), max_length=16, choices=InspectionLevel.choices, default=InspectionLevel.XUNCHA
    )
    kind = models.CharField(
        _("巡察类型"), max_length=16, choices=InspectionKind.choices, default=InspectionKind.REGULAR
    )
    start = models.DateField(_("巡察开始日期"), null=True, blank=True)
    end = models.DateField(_("巡察结束日期"), null=True, blank=True)
    feedback_date = models.DateField(_("反馈日期"), null=True, blank=True)
    basis = models.TextField(_("依据"), blank=True, help_text=_("如《中国共产党巡视工作条例》"))
    principal_leader = models.ForeignKey(
        "accounts.Person",
        verbose_name=_("第一责任人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="principal_of_inspections",
    )
    report_period_months = models.PositiveSmallIntegerField(
        _("报告期限（月）"), default=2, help_text=_("反馈后报送整改情况报告的期限")
    )
    yellow_working_days = models.PositiveSmallIntegerField(
        _("黄灯预警（工作日）"), default=10, help_text=_("距整改时限不足该工作日数时亮黄灯")
    )
    stalled_working_days = models.PositiveSmallIntegerField(
        _("停滞预警（工作日）"),
        default=10,
        help_text=_("整改中的措施连续该工作日数没有填报进展时，列为进展停滞"),
    )
    requires_three_party_acceptance = models.BooleanField(_("需要三方验收"), default=False)
    created_at = models.DateTimeField(_("创建时间"), default=clock.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("巡察")
        verbose_name_plural = _("巡察")
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__isnull=True) | Q(end__gte=F("start")),
                name="ledger_inspection_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(report_period_months__gte=1),
                name="ledger_inspection_report_period_positive",
            ),
            models.CheckConstraint(
                condition=Q(stalled_working_days__gte=1),
                name="ledger_inspection_stalled_days_positive",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "-feedback_date"], name="ledger_insp_org_feedback"
            ),
            models.Index(fields=["feedback_date"], name="ledger_insp_feedback"),
        ]

    def __str__(self) -> str:
        return self.title


class LeadingGroupMember(models.Model):
    """A member of the rectification leading group (整改领导小组) of one inspection."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("巡察"), on_delete=models.CASCADE, related_name="leading_group"
    )
    person = models.ForeignKey(
        "accounts.Person",
        verbose_name=_("人员"),
        on_delete=models.PROTECT,
        related_name="leading_group_memberships",
    )
    role = models.CharField(_("职务"), max_length=16, choices=LeadingGroupRole.choices)
    duty = models.CharField(_("分工"), max_length=255, blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("整改领导小组成员")
        verbose_name_plural = _("整改领导小组成员")
        ordering = ["inspection", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "person", "role"], name="ledger_leadinggroupmember_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.get_role_display()}"


class RectificationPlan(models.Model):
    """The rectification plan (整改方案) of an inspection; its history is in PlanRevision."""

    inspection = models.OneToOneField(
        Inspection, verbose_name=_("巡察"), on_delete=models.CASCADE, related_name="plan"
    )
    title = models.CharField(_("方案名称"), max_length=255)
    state = models.CharField(
        _("状态"), max_length=16, choices=PlanState.choices, default=PlanState.DRAFT
    )
    approved_at = models.DateTimeField(_("审定时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审定人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="approved_plans",
    )
    created_at = models.DateTimeField(_("创建时间"), default=clock.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("整改方案")
        verbose_name_plural = _("整改方案")
        constraints = [
            models.CheckConstraint(
                condition=~Q(state=PlanState.APPROVED) | Q(approved_at__isnull=False),
                name="ledger_rectificationplan_approved_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PlanRevision(models.Model):
    """One numbered version of a plan (the seed's plan went through 4), kept as data.

    `snapshot` holds the plan's measures as JSON at that version so that any revision can
    be shown or compared without replaying history; `diff` is the readable change.
    """

    plan = models.ForeignKey(
        RectificationPlan,
        verbose_name=_("整改方案"),
        on_delete=models.CASCADE,
        related_name="revisions",
    )
    number = models.PositiveIntegerField(_("版本号"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修订人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_revisions",
    )
    created_at = models.DateTimeField(_("修订时间"), default=clock.now, editable=False)
    reason = models.TextField(_("修订原因"), blank=True)
    snapshot = models.JSONField(_("方案快照"), default=dict, blank=True)
    diff = models.TextField(_("修订内容"), blank=True)

    class Meta:
        verbose_name = _("方案修订")
        verbose_name_plural = _("方案修订")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"], name="ledger_planrevision_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="ledger_planrevision_number_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · 第{self.number}版"


class SourceDocument(models.Model):
    """A document that was imported (feedback, plan or announcement) and what the parser saw.

    It lives in the ledger, not in publication, because the import builds the ledger from
    it. `parsed` is the whole `Document.to_dict()` (core/document.py), so a re-render or a
    re-check needs no re-parse; the other JSON columns repeat the parts that lists and the
    claims-vs-counts check read. `sha256` is unique: importing the same bytes twice is a
    re-import, which the importer must detect rather than duplicate a ledger.
    """

    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("巡察"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="source_documents",
    )
    file = models.FileField(_("原始文件"), upload_to="sources/%Y/%m/", max_length=255, blank=True)
    original_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"), default=0)
    format = models.CharField(_("格式"), max_length=8, choices=SourceFormat.choices)
    encoding = models.CharField(_("编码"), max_length=32, blank=True)
    ocr_confidence = models.FloatField(_("OCR 置信度"), null=True, blank=True)
    parser_version = models.CharField(_("解析器版本"), max_length=32, blank=True)
    title = models.CharField(_("标题"), max_length=255, blank=True)
    issuer = models.CharField(_("落款单位"), max_length=255, blank=True)
    issue_date = models.DateField(_("成文日期"), null=True, blank=True)
    claims = models.JSONField(_("文中声明的数字"), default=dict, blank=True)
    claims_text = models.JSONField(_("声明原文"), default=dict, blank=True)
    counts = models.JSONField(_("解析得到的数量"), default=dict, blank=True)
    warnings = models.JSONField(
        _("解析警告"), default=list, blank=True, help_text=_("[{code, message, line}]")
    )
    parsed = models.JSONField(_("解析结果"), default=dict, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="imported_documents",
    )
    imported_at = models.DateTimeField(_("导入时间"), default=clock.now)

    class Meta:
        verbose_name = _("来源文件")
        verbose_name_plural = _("来源文件")
        indexes = [
            models.Index(fields=["inspection", "-imported_at"], name="ledger_srcdoc_insp_time")
        ]

    def __str__(self) -> str:
        return self.original_name or self.title or self.sha256[:12]
