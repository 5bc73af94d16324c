"""What is checked before a version is approved, and the public edition approval fixes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhenggai import clock
from zhenggai.publication.choices import ChecklistAnswer
from zhenggai.publication.models.announcement import Announcement


class FigureOverride(models.Model):
    """A stated figure let stand although the ledger differs, with the written reason.

    Append-only. It covers the figure as it stood — `stated` in the text, `live` in the
    ledger — so when either changes the mismatch blocks approval again
    (`core.figure_check`). The preview shows the reason beside the figure.
    """

    announcement = models.ForeignKey(
        Announcement,
        verbose_name=_("通报版本"),
        on_delete=models.CASCADE,
        related_name="figure_overrides",
    )
    key = models.CharField(_("数据项"), max_length=64)
    stated = models.FloatField(_("文中数字"))
    live = models.IntegerField(_("台账数字"))
    reason = models.TextField(_("理由"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("说明人"),
        on_delete=models.PROTECT,
        related_name="figure_overrides",
    )
    created_at = models.DateTimeField(_("说明时间"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("数据不一致说明")
        verbose_name_plural = _("数据不一致说明")
        ordering = ["announcement", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""), name="publication_override_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key}：文中 {self.stated:g}，台账 {self.live}"


class ExceptionsChecklist(models.Model):
    """The exceptions checklist (公开前审查), answered before a public edition is approved.

    Append-only; it answers for one text: the version's revision and masked names when it
    was answered. An edit or a new mask afterwards asks for a new answer. An item answered
    "present, not handled" keeps the public edition from approval.
    """

    announcement = models.ForeignKey(
        Announcement,
        verbose_name=_("通报版本"),
        on_delete=models.CASCADE,
        related_name="checklists",
    )
    revision = models.PositiveIntegerField(_("审查的修改序号"))
    masked_names = models.JSONField(_("审查时隐去的名称"), default=list, blank=True)
    state_secrets = models.CharField(
        _("国家秘密和工作秘密"), max_length=16, choices=ChecklistAnswer.choices
    )
    cases_under_investigation = models.CharField(
        _("正在查办的案件"), max_length=16, choices=ChecklistAnswer.choices
    )
    personal_data = models.CharField(_("个人信息"), max_length=16, choices=ChecklistAnswer.choices)
    sensitive_matters = models.CharField(
        _("其他敏感事项"), max_length=16, choices=ChecklistAnswer.choices
    )
    note = models.TextField(_("审查意见"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审查人"),
        on_delete=models.PROTECT,
        related_name="announcement_checklists",
    )
    answered_at = models.DateTimeField(_("审查时间"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("公开前审查")
        verbose_name_plural = _("公开前审查")
        ordering = ["announcement", "answered_at", "id"]

    def __str__(self) -> str:
        return f"{self.announcement} · 第{self.revision}次保存的公开前审查"


class PublicEdition(models.Model):
    """The public edition of an approved version: masked text only, fixed on approval.

    It repeats the inspection, the version and the publication time so that the public
    portal reads this table alone and never the internal edition's row.
    """

    announcement = models.OneToOneField(
        Announcement,
        verbose_name=_("通报版本"),
        on_delete=models.CASCADE,
        related_name="public_edition",
    )
    inspection = models.ForeignKey(
        "ledger.Inspection",
        verbose_name=_("巡察"),
        on_delete=models.CASCADE,
        related_name="public_editions",
    )
    version = models.PositiveIntegerField(_("版本"))
    title = models.CharField(_("标题"), max_length=255)
    body = models.TextField(_("正文（公开版）"))
    correction_note = models.TextField(_("更正说明"), blank=True)
    masked_places = models.PositiveIntegerField(_("隐去处数"), default=0)
    created_at = models.DateTimeField(_("生成时间"), default=clock.now, editable=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("公开版通报")
        verbose_name_plural = _("公开版通报")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "version"], name="publication_public_unique_version"
            ),
        ]
        indexes = [
            models.Index(
                fields=["-published_at"],
                condition=Q(published_at__isnull=False),
                name="pub_public_published",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（第{self.version}版，公开版）"
