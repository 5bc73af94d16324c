"""Choices of the publication app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    INTERNAL = "internal", _("内部通报")
    PUBLIC = "public", _("向社会公开")


class AnnouncementState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    APPROVED = "approved", _("已审定")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


class FeedbackState(models.TextChoices):
    NEW = "new", _("待处理")
    HANDLING = "handling", _("处理中")
    ANSWERED = "answered", _("已答复")
    CLOSED = "closed", _("已办结")
