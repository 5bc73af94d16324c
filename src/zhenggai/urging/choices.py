"""Choices of the urging app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UrgingLevel(models.TextChoices):
    NOTICE = "notice", _("督办通知书")
    REMINDER_LETTER = "reminder_letter", _("提醒书")
    WARNING_LETTER = "warning_letter", _("告诫书")
    ACCOUNTABILITY_LETTER = "accountability_letter", _("问责书")


class ReminderKind(models.TextChoices):
    BEFORE_DEADLINE = "before_deadline", _("到期提醒")
    ESCALATION = "escalation", _("逐级督办")
    DIGEST = "digest", _("汇总提醒")
    MANUAL = "manual", _("手动提醒")


class EscalationStep(models.IntegerChoices):
    """Who is reminded, in escalation order."""

    RESPONSIBLE_PERSON = 0, _("责任人")
    RESPONSIBLE_LEADER = 1, _("责任领导")
    UNIT_PRINCIPAL = 2, _("单位主要负责人")
    OFFICE = 3, _("整改办")


class Channel(models.TextChoices):
    EMAIL = "email", _("电子邮件")
    IN_APP = "in_app", _("站内消息")


class RollupKind(models.TextChoices):
    """What an `OverviewRollup` row sums over: the inspection's measures, those one unit
    leads, or those whose primary finding lies under aspects of one title."""

    INSPECTION = "inspection", _("巡察")
    UNIT = "unit", _("牵头单位")
    ASPECT = "aspect", _("方面标题")
