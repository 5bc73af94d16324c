"""Choices of the records app (GLOSSARY.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InstitutionKind(models.TextChoices):
    ESTABLISHED = "established", _("新建")
    REVISED = "revised", _("修订")


class AccountabilityForm(models.TextChoices):
    ADMONITION_TALK = "admonition_talk", _("诫勉谈话")
    WARNING_TALK = "warning_talk", _("警示约谈")
    CRITICISM = "criticism", _("批评教育")
    WRITTEN_INSPECTION = "written_inspection", _("责令检查")
    PARTY_DISCIPLINE = "party_discipline", _("党纪处分")
    GOVERNMENT_SANCTION = "government_sanction", _("政务处分")
    ORGANISATIONAL_HANDLING = "organisational_handling", _("组织处理")
    OTHER = "other", _("其他")


class ActivityKind(models.TextChoices):
    STUDY = "study", _("专题学习")
    WARNING_EDUCATION = "warning_education", _("警示教育")
    TRAINING = "training", _("培训")
    MEETING = "meeting", _("会议")
    OTHER = "other", _("其他")
