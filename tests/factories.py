"""factory_boy factories for the main models, with realistic Chinese texts.

Texts are written for the project (a fictional 示范区城市管理局), not copied from the seed.
Objects of one inspection stay consistent: a problem's aspect, a finding's problem and a
measure's findings all belong to the same inspection as the object itself.

    finding = FindingFactory()                       # with a new problem, aspect, inspection
    FindingFactory(problem=finding.problem)          # a sibling finding
    FindingFactory(inspection=inspection)            # a new problem in that inspection
    MeasureFactory(findings=[finding])               # primary link to `finding`
    AssignmentFactory(measure=measure, unit=unit)
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

import factory
from django.contrib.auth.hashers import make_password
from factory.django import DjangoModelFactory

from zhenggai.accounts.choices import OrganisationKind
from zhenggai.accounts.models import Organisation, Person, User, organisation_path
from zhenggai.ledger.choices import (
    AnswerKind,
    FindingScope,
    InspectionKind,
    InspectionLevel,
    MeasureState,
    Urgency,
)
from zhenggai.ledger.models import (
    Aspect,
    Assignment,
    Finding,
    Inspection,
    Measure,
    MeasureFinding,
    Problem,
    ProgressReport,
)

#: Every factory user's password, for tests that log in through the login form.
PASSWORD = "zhenggai-测试-2026"

SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙"]
GIVEN_NAMES = ["建国", "丽华", "志强", "海燕", "伟", "敏", "军", "静", "磊", "娟", "涛", "芳"]
POSITIONS = [
    "党委书记、局长",
    "党委副书记",
    "副局长",
    "办公室主任",
    "党建办主任",
    "执法大队队长",
    "科员",
]
UNITS = [
    "示范区城市管理局综合行政执法大队",
    "示范区城市管理局市政管理所",
    "示范区城市管理局环境卫生管理所",
    "示范区城市管理局园林绿化所",
    "示范区城市管理局机关党委",
    "示范区城市管理局办公室",
    "示范区城市管理局财务科",
]
ASPECTS = [
    "党的政治建设方面",
    "党的思想建设方面",
    "党的组织建设方面",
    "党的作风建设方面",
    "党的纪律建设方面",
    "落实全面从严治党主体责任方面",
]
PROBLEMS = [
    "党委领导核心作用发挥不足，凝聚力还需提升。",
    "学习贯彻党的创新理论的深度不足。",
    "党内组织生活不够严肃，政治学习重形式、轻效果。",
    "干部日常管理监督不到位，制度执行存在盲区。",
    "落实中央八项规定精神不够严格，“四风”问题仍有反弹。",
    "财务管理不规范，内控制度执行不严。",
]
FINDINGS = [
    "重业务轻党建，党委对党建工作重视不够，措施不多。",
    "研究“三重一大”事项时，班子成员对分管以外的工作发言“随大流”。",
    "执法大队会议记录前后颠倒，要素不全，部分内容不实。",
    "市政所党支部部分会议记录及专题教育资料丢失。",
    "部分公务接待无公函、无清单，接待标准把关不严。",
    "固定资产账实不符，部分资产长期未入账。",
    "干部档案管理不规范，个别档案材料缺失。",
]
MEASURES = [
    "压紧压实责任。重新调整局党委班子分工，修订完善党委议事规则，推动“两个责任”落地生根。",
    "严格落实主要领导末位发言制，引导参会人员畅所欲言，充分发挥民主集中制优势。",
    "以支部换届为契机配强支部班子，配备1名兼职党务工作人员，严格规范会议记录。",
    "制定档案管理制度，推动党建资料数字化、规范化管理。",
    "修订公务接待管理办法，严格执行公函制度和接待清单制度。",
    "开展固定资产全面清查，建立资产台账，做到账实相符。",
    "举一反三开展干部档案专项审核，补齐缺失材料。",
]
NARRATIVES = [
    "已召开党委（扩大）会专题研究，完成班子分工调整，议事规则修订稿已印发。",
    "已组织各支部开展自查，整改台账逐项对照落实，相关制度正在征求意见。",
    "已完成固定资产清查盘点，差异部分已逐笔核实并调账。",
]


@cache
def password_hash() -> str:
    """PASSWORD hashed once per run: the real hasher takes ~0.3 s, too slow per user."""
    return make_password(PASSWORD)


def person_name(n: int) -> str:
    return SURNAMES[n % len(SURNAMES)] + GIVEN_NAMES[(n // len(SURNAMES)) % len(GIVEN_NAMES)]


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(person_name)
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.gov.cn")
    password = factory.LazyFunction(password_hash)


class OrganisationFactory(DjangoModelFactory[Organisation]):
    """An organisation whose materialised path is set, as the creating service would."""

    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"{UNITS[n % len(UNITS)]}（{n}）")
    short_name = factory.LazyAttribute(lambda o: o.name.removeprefix("示范区城市管理局")[:16])
    kind = OrganisationKind.UNIT
    parent = None

    @classmethod
    def _create(cls, model_class: type[Organisation], *args: Any, **kwargs: Any) -> Organisation:
        organisation = super()._create(model_class, *args, **kwargs)
        organisation.path = organisation_path(organisation.parent, organisation.pk)
        organisation.save(update_fields=["path"])
        return organisation


class PersonFactory(DjangoModelFactory[Person]):
    class Meta:
        model = Person

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(person_name)
    position = factory.Iterator(POSITIONS)
    phone = factory.Sequence(lambda n: f"0371-6{n % 10000000:07d}")
    email = ""


class InspectionFactory(DjangoModelFactory[Inspection]):
    class Meta:
        model = Inspection

    title = factory.Sequence(lambda n: f"区委第二巡察组对示范区城市管理局党委的常规巡察（{n}）")
    group = "区委第二巡察组"
    organisation = factory.SubFactory(
        OrganisationFactory,
        name=factory.Sequence(lambda n: f"中共示范区城市管理局委员会（{n}）"),
        kind=OrganisationKind.COMMITTEE,
    )
    level = InspectionLevel.XUNCHA
    kind = InspectionKind.REGULAR
    start = dt.date(2026, 3, 2)
    end = dt.date(2026, 4, 30)
    feedback_date = dt.date(2026, 6, 15)
    basis = "《中国共产党巡视工作条例》"


class AspectFactory(DjangoModelFactory[Aspect]):
    class Meta:
        model = Aspect

    inspection = factory.SubFactory(InspectionFactory)
    no = factory.Sequence(lambda n: n + 1)
    marker = factory.LazyAttribute(lambda o: f"（{o.no}）")
    title = factory.Sequence(lambda n: ASPECTS[n % len(ASPECTS)])
    sort_order = factory.Sequence(lambda n: n)


class ProblemFactory(DjangoModelFactory[Problem]):
    """Pass `aspect=` or `inspection=` (or neither); the other follows."""

    class Meta:
        model = Problem

    aspect = None
    inspection = factory.Maybe(
        "aspect",
        yes_declaration=factory.LazyAttribute(lambda o: o.aspect.inspection),
        no_declaration=factory.SubFactory(InspectionFactory),
    )
    no = factory.Sequence(lambda n: n + 1)
    marker = factory.LazyAttribute(lambda o: f"{o.no}.")
    title = factory.Sequence(lambda n: PROBLEMS[n % len(PROBLEMS)])
    sort_order = factory.Sequence(lambda n: n)

    @classmethod
    def _create(cls, model_class: type[Problem], *args: Any, **kwargs: Any) -> Problem:
        if kwargs.get("aspect") is None:
            kwargs["aspect"] = AspectFactory(inspection=kwargs["inspection"])
        return super()._create(model_class, *args, **kwargs)


class FindingFactory(DjangoModelFactory[Finding]):
    """Pass `problem=` or `inspection=` (or neither); the other follows."""

    class Meta:
        model = Finding

    problem = None
    inspection = factory.Maybe(
        "problem",
        yes_declaration=factory.LazyAttribute(lambda o: o.problem.inspection),
        no_declaration=factory.SubFactory(InspectionFactory),
    )
    no = factory.Sequence(lambda n: n + 1)
    marker = factory.LazyAttribute(lambda o: f"（{o.no}）")
    label = "主要问题"
    text = factory.Sequence(lambda n: FINDINGS[n % len(FINDINGS)])
    scope = FindingScope.INDIVIDUAL
    answer_kind = AnswerKind.RECTIFIED
    answer = factory.Sequence(lambda n: "一是" + MEASURES[n % len(MEASURES)])
    sort_order = factory.Sequence(lambda n: n)

    @classmethod
    def _create(cls, model_class: type[Finding], *args: Any, **kwargs: Any) -> Finding:
        if kwargs.get("problem") is None:
            kwargs["problem"] = ProblemFactory(inspection=kwargs["inspection"])
        return super()._create(model_class, *args, **kwargs)


class MeasureFactory(DjangoModelFactory[Measure]):
    """A scheduled measure; `findings=[...]` links them (the first primary), else one new one."""

    class Meta:
        model = Measure
        skip_postgeneration_save = True

    inspection = factory.SubFactory(InspectionFactory)
    no = 1
    marker = "一是"
    content = factory.Sequence(lambda n: MEASURES[n % len(MEASURES)])
    target = "问题整改到位，形成长效机制。"
    lead_unit = factory.SubFactory(OrganisationFactory)
    responsible_leader = factory.SubFactory(
        PersonFactory, organisation=factory.SelfAttribute("..lead_unit"), position="副局长"
    )
    responsible_person = factory.SubFactory(
        PersonFactory, organisation=factory.SelfAttribute("..lead_unit"), position="科员"
    )
    urgency = Urgency.SCHEDULED
    deadline = dt.date(2026, 9, 30)
    state = MeasureState.PLANNED

    @factory.post_generation
    def findings(self, create: bool, extracted: list[Finding] | None, **kwargs: Any) -> None:
        if not create:
            return
        findings = (
            extracted if extracted is not None else [FindingFactory(inspection=self.inspection)]
        )
        for index, finding in enumerate(findings):
            MeasureFinding.objects.create(measure=self, finding=finding, is_primary=index == 0)


class AssignmentFactory(DjangoModelFactory[Assignment]):
    class Meta:
        model = Assignment

    measure = factory.SubFactory(MeasureFactory)
    unit = factory.SubFactory(OrganisationFactory)
    responsible_person = factory.SubFactory(
        PersonFactory, organisation=factory.SelfAttribute("..unit"), position="科员"
    )
    deadline = factory.LazyAttribute(lambda o: o.measure.deadline)
    state = MeasureState.PLANNED


class ProgressReportFactory(DjangoModelFactory[ProgressReport]):
    class Meta:
        model = ProgressReport

    measure = factory.SubFactory(MeasureFactory)
    assignment = None
    author = factory.SubFactory(UserFactory)
    as_of = dt.date(2026, 7, 31)
    narrative = factory.Iterator(NARRATIVES)
    percent = 50

    @classmethod
    def _create(
        cls, model_class: type[ProgressReport], *args: Any, **kwargs: Any
    ) -> ProgressReport:
        """Saved as the progress service files it: the measure's `last_reported_at` follows
        (the stalled filter reads it)."""
        from zhenggai.ledger.services.progress.reports import note_reported

        report = super()._create(model_class, *args, **kwargs)
        note_reported(report.measure, report.reported_at)
        return report
