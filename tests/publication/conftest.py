"""Ledgers and people for the publication tests.

`ledger` is a small inspection written with the factories (no imported text): two aspects,
three problems, closed, watched and open measures with progress, an explained finding, an
institution and a person held to account. `seed_inspection` is the seed imported as an
office would import it. `people` holds a user of every role in the inspection's committee.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.factories import (
    AspectFactory,
    FindingFactory,
    InspectionFactory,
    MeasureFactory,
    OrganisationFactory,
    ProblemFactory,
    ProgressReportFactory,
)
from tests.publication.helpers import People, people_of
from zhenggai.accounts.choices import OrganisationKind
from zhenggai.core.parser import parse_bytes
from zhenggai.ledger.choices import AnswerKind, MeasureState, Urgency
from zhenggai.ledger.models import Inspection
from zhenggai.ledger.services.importing import document_import
from zhenggai.records.choices import AccountabilityForm
from zhenggai.records.models import Accountability, Institution

WHEN = dt.datetime(2026, 8, 1, 10, tzinfo=dt.UTC)
COMMITTEE = "中共示范区城市管理局委员会"


@pytest.fixture
def ledger() -> Inspection:
    committee = OrganisationFactory(name=COMMITTEE, kind=OrganisationKind.COMMITTEE)
    inspection = InspectionFactory(organisation=committee)
    politics = AspectFactory(inspection=inspection, no=1, title="党的政治建设方面", sort_order=0)
    discipline = AspectFactory(inspection=inspection, no=2, title="党的纪律建设方面", sort_order=1)
    first = ProblemFactory(aspect=politics, no=1, title="党委领导核心作用发挥不足。", sort_order=0)
    second = ProblemFactory(aspect=politics, no=2, title="落实意识形态工作责任制不够有力。", sort_order=1)
    third = ProblemFactory(aspect=discipline, no=3, title="财务管理不够规范。", sort_order=2)
    records = FindingFactory(problem=first, no=1, text="执法大队会议记录前后颠倒，要素不全。")
    archive = FindingFactory(problem=first, no=2, text="市政所部分会议记录及专题教育资料丢失。")
    closed = MeasureFactory(
        inspection=inspection, findings=[records], content="以支部换届为契机配强支部班子。",
        state=MeasureState.CLOSED, closed_at=WHEN, urgency=Urgency.IMMEDIATE,
    )
    ProgressReportFactory(measure=closed, narrative="已完成换届，配备1名兼职党务工作人员。")
    MeasureFactory(inspection=inspection, findings=[records], content="严格规范会议记录。",
                   state=MeasureState.IN_PROGRESS)
    watched = MeasureFactory(
        inspection=inspection, findings=[archive], content="制定档案管理制度，推动资料数字化。",
        state=MeasureState.WATCHING, watching_since=WHEN, urgency=Urgency.LONG_TERM,
    )
    ProgressReportFactory(measure=watched, narrative="档案管理制度已印发执行。")
    ideology = FindingFactory(problem=second, no=None, text="局党委专题研究意识形态工作次数偏少。")
    MeasureFactory(inspection=inspection, findings=[ideology], content="修订意识形态工作责任制实施细则。",
                   state=MeasureState.CLOSED, closed_at=WHEN)
    FindingFactory(
        problem=third, no=None, text="2015年收取停车管理公司保证金10万元长期挂账。",
        answer_kind=AnswerKind.EXPLAINED, answer="该项目一直未能实施，保证金已于2026年退还。",
    )
    Institution.objects.create(inspection=inspection, name="档案管理制度")
    Accountability.objects.create(
        inspection=inspection, person_name="王伟", form=AccountabilityForm.ADMONITION_TALK
    )
    return inspection


@pytest.fixture
def people(ledger: Inspection) -> People:
    return people_of(ledger)


@pytest.fixture
def seed_inspection(seed_path: Path) -> Inspection:
    data = seed_path.read_bytes()
    document = parse_bytes(data, filename=seed_path.name)
    return document_import(document=document, data=data, filename=seed_path.name, actor=None).inspection
