"""Institutions (建章立制), accountability (问责) and activities, per inspection.

Each row is one item the announcement counts, so its figures come from COUNT(*) here.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhenggai import clock
from zhenggai.records.choices import AccountabilityForm, ActivityKind, InstitutionKind


class Institution(models.Model):
    """A rule or system established or revised as a long-term mechanism (长效机制)."""

    inspection = models.ForeignKey(
        "ledger.Inspection",
        verbose_name=_("巡察"),
        on_delete=models.CASCADE,
        related_name="institutions",
    )
    name = models.CharField(_("制度名称"), max_length=255)
    kind = models.CharField(
        _("类型"),
        max_length=16,
        choices=InstitutionKind.choices,
        default=InstitutionKind.ESTABLISHED,
    )
    issued_on = models.DateField(_("印发日期"), null=True, blank=True)
    document_number = models.CharField(_("文号"), max_length=64, blank=True)
    issuing_body = models.CharField(_("制定单位"), max_length=128, blank=True)
    findings = models.ManyToManyField(
        "ledger.Finding", verbose_name=_("对应问题"), blank=True, related_name="institutions"
    )
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=clock.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("建章立制")
        verbose_name_plural = _("建章立制")
        indexes = [
            models.Index(fields=["inspection", "issued_on"], name="records_inst_insp_issued")
        ]

    def __str__(self) -> str:
        return self.name


class Accountability(models.Model):
    """One person held to account (问责) for findings of an inspection.

    `person_name` and `position` are kept as text because the person often has no Person
    row (and must stay named even if one is later merged or deleted). Personal data:
    services show these rows only to the office, leaders and supervisors.
    """

    inspection = models.ForeignKey(
        "ledger.Inspection",
        verbose_name=_("巡察"),
        on_delete=models.CASCADE,
        related_name="accountabilities",
    )
    person_name = models.CharField(_("被问责人"), max_length=64)
    person = models.ForeignKey(
        "accounts.Person",
        verbose_name=_("人员"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accountabilities",
    )
    position = models.CharField(_("职务"), max_length=128, blank=True)
    form = models.CharField(_("问责方式"), max_length=32, choices=AccountabilityForm.choices)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    deciding_body = models.CharField(_("决定机关"), max_length=128, blank=True)
    findings = models.ManyToManyField(
        "ledger.Finding", verbose_name=_("对应问题"), blank=True, related_name="accountabilities"
    )
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=clock.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("问责")
        verbose_name_plural = _("问责")
        constraints = [
            models.CheckConstraint(
                condition=~Q(person_name=""), name="records_accountability_has_name"
            ),
        ]
        indexes = [models.Index(fields=["inspection", "form"], name="records_acc_insp_form")]

    def __str__(self) -> str:
        return f"{self.person_name} · {self.get_form_display()}"


class Activity(models.Model):
    """A study, warning-education or training activity held for the rectification.

    Like institutions and accountability it may name the findings it answers (e.g. a
    warning-education session on the misuse of official vehicles); most sessions name none.
    """

    inspection = models.ForeignKey(
        "ledger.Inspection",
        verbose_name=_("巡察"),
        on_delete=models.CASCADE,
        related_name="activities",
    )
    kind = models.CharField(_("类型"), max_length=32, choices=ActivityKind.choices)
    title = models.CharField(_("名称"), max_length=255)
    held_on = models.DateField(_("举办日期"), null=True, blank=True)
    participants = models.PositiveIntegerField(_("参加人数"), null=True, blank=True)
    # Optional, unlike the inspection: a general study session answers no particular finding.
    findings = models.ManyToManyField(
        "ledger.Finding", verbose_name=_("对应问题"), blank=True, related_name="activities"
    )
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=clock.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("学习教育活动")
        verbose_name_plural = _("学习教育活动")
        indexes = [models.Index(fields=["inspection", "kind"], name="records_act_insp_kind")]

    def __str__(self) -> str:
        return self.title
