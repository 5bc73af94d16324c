"""The formal urging documents (督办通知书 → 提醒书 → 告诫书 → 问责书) as DOCX.

A notice is an official document like any other: its title (the level's name), number
(发文字号, e.g. 城管整改督〔2026〕3号), addressee (the unit), body and the issuing body and
date are handed to the one GB/T 9704-2012 builder (`zhenggai.core.official_document`), which
lays out the page, grid, fonts, page numbers and closing as it does for the announcement.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from zhenggai.core.chinese_date import chinese_date
from zhenggai.core.official_document import Block, OfficialDocument, Run
from zhenggai.core.official_docx import official_docx
from zhenggai.urging.choices import UrgingLevel

#: What each level asks for; the ladder gets sharper with each step.
REQUIREMENTS: dict[str, str] = {
    UrgingLevel.NOTICE: (
        "请你单位接此通知后，立即研究部署，压实整改责任，于5个工作日内完成整改，"
        "并将整改进展及佐证材料报送整改办。"
    ),
    UrgingLevel.REMINDER_LETTER: (
        "该项整改经督办仍未按期完成。现予以提醒，请责任领导切实履行“一岗双责”，"
        "亲自督促推进，于5个工作日内完成整改并书面报告。"
    ),
    UrgingLevel.WARNING_LETTER: (
        "该项整改经督办、提醒仍未完成。现予以告诫，请单位主要负责人切实履行第一责任人职责，"
        "限期完成整改并书面说明逾期原因；逾期仍未完成的，将按规定启动问责程序。"
    ),
    UrgingLevel.ACCOUNTABILITY_LETTER: (
        "该项整改经督办、提醒、告诫仍未完成，整改工作严重滞后。"
        "依据有关规定，现移送纪检监察机关，对相关责任人启动问责程序。"
    ),
}


@dataclass(frozen=True)
class NoticeContent:
    """Everything a notice says; built by the urging service from the ledger."""

    level: str  # UrgingLevel
    number: str
    addressee: str
    measure: str
    deadline: dt.date
    today: dt.date
    days_overdue: int
    issuing_body: str
    finding: str = ""

    @property
    def title(self) -> str:
        return str(UrgingLevel(self.level).label)

    @property
    def requirement(self) -> str:
        return REQUIREMENTS[self.level]

    def body_paragraphs(self) -> list[str]:
        about = f"针对巡察反馈问题“{quoted(self.finding)}”，" if self.finding else ""
        return [
            f"{about}你单位负责的整改措施“{quoted(self.measure)}”，"
            f"整改时限为{chinese_date(self.deadline)}。"
            f"截至{chinese_date(self.today)}，该项整改仍未完成销号，已超期{self.days_overdue}个工作日。",
            self.requirement,
            "特此通知。",
        ]


def quoted(text: str) -> str:
    """A sentence quoted inside another loses its final stop: “…不符”， not “…不符。”，"""
    return text.strip().rstrip("。；;，,")


def notice_document(content: NoticeContent) -> OfficialDocument:
    """The notice as an official document: title, number, addressee, body, issuer, date."""
    return OfficialDocument(
        title=content.title,
        number=content.number,
        addressee=content.addressee,
        body=tuple(Block((Run(text),)) for text in content.body_paragraphs()),
        issuer=content.issuing_body,
        issue_date=content.today,
    )


def notice_docx(content: NoticeContent) -> bytes:
    """The notice as DOCX bytes."""
    return official_docx(notice_document(content))
