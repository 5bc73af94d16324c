"""Choices of the publication app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    """Which editions a version has: the Party-internal one always, the public one or not."""

    INTERNAL = "internal", _("仅党内通报")
    PUBLIC = "public", _("党内通报并向社会公开")


class AnnouncementState(models.TextChoices):
    """draft → submitted → approved → published; a published version never changes."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审定")
    APPROVED = "approved", _("已审定")
    PUBLISHED = "published", _("已发布")


class Edition(models.TextChoices):
    INTERNAL = "internal", _("党内版")
    PUBLIC = "public", _("公开版")


class ChecklistAnswer(models.TextChoices):
    """The answer to one question of the exceptions checklist (公开前审查)."""

    ABSENT = "absent", _("不涉及")
    HANDLED = "handled", _("涉及，已删除或隐名处理")
    PRESENT = "present", _("涉及，尚未处理")


#: The questions of the exceptions checklist, asked before a public edition is approved:
#: (field of `ExceptionsChecklist`, what it asks about).
CHECKLIST_ITEMS: tuple[tuple[str, str], ...] = (
    ("state_secrets", "国家秘密和工作秘密"),
    ("cases_under_investigation", "正在查办的案件和审查调查事项"),
    ("personal_data", "个人信息（姓名、身份、联系方式等）"),
    ("sensitive_matters", "其他敏感事项"),
)


class FeedbackState(models.TextChoices):
    NEW = "new", _("待处理")
    HANDLING = "handling", _("处理中")
    ANSWERED = "answered", _("已答复")
    CLOSED = "closed", _("已办结")
