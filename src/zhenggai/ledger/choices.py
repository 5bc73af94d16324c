"""States and kinds of the ledger, named as in GLOSSARY.md."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InspectionLevel(models.TextChoices):
    XUNCHA = "xuncha", _("巡察")
    XUNSHI = "xunshi", _("巡视")


class InspectionKind(models.TextChoices):
    REGULAR = "regular", _("常规巡察")
    SPECIAL = "special", _("专项巡察")
    MOBILE = "mobile", _("机动巡察")
    ELEVATED = "elevated", _("提级巡察")
    FOLLOW_UP = "follow_up", _("巡察“回头看”")


class LeadingGroupRole(models.TextChoices):
    LEADER = "leader", _("组长")
    DEPUTY_LEADER = "deputy_leader", _("副组长")
    MEMBER = "member", _("成员")
    OFFICE = "office", _("办公室")


class FormalReportKind(models.TextChoices):
    RECTIFICATION_REPORT = "rectification_report", _("整改情况报告")
    LEADER_REPORT = "leader_report", _("主要负责人组织落实情况报告")


class FormalReportState(models.TextChoices):
    PLANNED = "planned", _("待报送")
    SUBMITTED = "submitted", _("已报送")
    ACCEPTED = "accepted", _("已审核")


class FindingScope(models.TextChoices):
    INDIVIDUAL = "individual", _("个性问题")
    COMMON = "common", _("共性问题")


class AnswerKind(models.TextChoices):
    RECTIFIED = "rectified", _("整改情况")
    EXPLAINED = "explained", _("情况说明")
    NONE = "none", _("未作答复")


class FindingState(models.TextChoices):
    OPEN = "open", _("整改中")
    CLOSED = "closed", _("已销号")
    WATCHING = "watching", _("持续跟踪")


class PlanState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    CONSULTING = "consulting", _("征求意见")
    APPROVED = "approved", _("已审定")


class Urgency(models.TextChoices):
    IMMEDIATE = "immediate", _("立行立改")
    SCHEDULED = "scheduled", _("限期整改")
    LONG_TERM = "long_term", _("长期坚持")


class MeasureState(models.TextChoices):
    """Every state but `closed` counts as open; `watching` = closed with continued watch."""

    PLANNED = "planned", _("未开始")
    IN_PROGRESS = "in_progress", _("整改中")
    CLOSE_REQUESTED = "close_requested", _("申请销号")
    RETURNED = "returned", _("已退回")
    CLOSED = "closed", _("已销号")
    WATCHING = "watching", _("持续跟踪")


#: The states the ledger counts as open (GLOSSARY: every state but closed).
OPEN_MEASURE_STATES: tuple[str, ...] = tuple(
    s for s in MeasureState.values if s != MeasureState.CLOSED
)


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")


class CloseOutState(models.TextChoices):
    PENDING = "pending", _("待审核")
    OFFICE_APPROVED = "office_approved", _("待领导审批")
    APPROVED = "approved", _("已销号")
    RETURNED = "returned", _("已退回")
    WITHDRAWN = "withdrawn", _("已撤回")


#: Requests still waiting for a decision; at most one per measure or assignment.
ACTIVE_CLOSE_OUT_STATES: tuple[str, ...] = (CloseOutState.PENDING, CloseOutState.OFFICE_APPROVED)


class ReviewStage(models.TextChoices):
    OFFICE = "office", _("整改办审核")
    LEADER = "leader", _("领导审批")


class ReviewDecision(models.TextChoices):
    APPROVE = "approve", _("通过")
    RETURN = "return", _("退回")


class AcceptanceParty(models.TextChoices):
    OFFICE = "office", _("整改办")
    INSPECTION_GROUP = "inspection_group", _("巡察组")
    INSPECTED_UNIT = "inspected_unit", _("被巡察单位")


class AcceptanceDecision(models.TextChoices):
    ACCEPT = "accept", _("同意验收")
    REJECT = "reject", _("不同意验收")


class EvaluationGrade(models.TextChoices):
    GOOD = "good", _("好")
    FAIRLY_GOOD = "fairly_good", _("较好")
    AVERAGE = "average", _("一般")
    POOR = "poor", _("差")


class Signal(models.TextChoices):
    """Deadline warning light (红黄绿灯); `none` when there is no deadline to judge."""

    GREEN = "green", _("绿灯")
    YELLOW = "yellow", _("黄灯")
    RED = "red", _("红灯")
    NONE = "none", _("无")


class SourceFormat(models.TextChoices):
    TXT = "txt", _("纯文本")
    DOCX = "docx", _("Word 文档")
    PDF = "pdf", _("PDF")
    IMAGE = "image", _("图片（OCR）")
