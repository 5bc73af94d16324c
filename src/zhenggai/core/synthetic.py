"""Synthetic rectification announcements, for tests and benchmarks.

Realistic in shape (aspects → problems → findings → answers with enumerated measures) and
in wording, but written from phrase tables: no third-party document is copied. Options
produce the variations offices write: full-width or ASCII punctuation, 1. / 1、 / 1．
numbering, problem numbers restarting per aspect, no aspect level, labels inline or on
their own line, with or without colons.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from zhenggai.core.numerals import int_to_cn

ASPECTS = ("党的政治建设方面", "党的思想建设方面", "党的组织建设方面", "党的作风建设方面",
           "党的纪律建设方面", "落实全面从严治党责任方面", "巡察整改和成果运用方面")
SUBJECTS = ("局党组", "机关党支部", "执法大队", "环卫所", "市政所", "财务科", "办公室", "综合科")
FAULTS = ("落实“三会一课”制度不严格", "理论学习流于形式", "财务报销审核不严", "公务用车管理不规范",
          "干部日常监督不到位", "意识形态工作责任制落实不到位", "议事规则执行不严格",
          "档案资料管理混乱", "政府采购程序不规范", "基层党组织建设薄弱")
ACTIONS = ("修订完善议事规则", "开展专题学习研讨", "建立问题整改台账", "规范财务审批流程",
           "加强支部标准化建设", "组织廉政警示教育", "开展专项检查", "完善车辆管理制度",
           "落实谈心谈话制度", "健全督查考核机制")
DETAILS = ("明确责任分工和完成时限", "确保整改落实到位", "形成长效机制", "推动工作规范化制度化",
           "逐项对账销号", "坚持举一反三")


@dataclass(frozen=True)
class Style:
    full_width: bool = True
    problem_dot: str = "．"  # "．", ".", "、"
    restart_problems: bool = False
    with_aspects: bool = True
    with_findings_label: bool = True
    label_inline: bool = True
    label_colon: bool = True
    measure_style: str = "shi"  # "shi", "paren", "di", "sequence" (首先/其次/再次/最后)
    #: "standard"; "twice": every problem listed first, then repeated with its answer;
    #: "twice_bare": the same without the numbered top-level parts around the two passes.
    layout: str = "standard"
    #: In the "twice" layouts, a description line under each listed problem.
    listing_detail: bool = False


@dataclass
class Spec:
    """What a generated document contains, for asserting the parse."""

    aspects: int = 0
    problems: int = 0
    findings: int = 0
    measures: int = 0
    explained: int = 0
    problem_numbers: list[int] = field(default_factory=list)


def _p(text: str, style: Style) -> str:
    if style.full_width:
        return text.replace("(", "（").replace(")", "）").replace(":", "：").replace(",", "，")
    return text.replace("（", "(").replace("）", ")").replace("：", ":").replace("，", ",")


def _measures(rng: random.Random, n: int, style: Style) -> str:
    items = [f"{rng.choice(ACTIONS)}，{rng.choice(DETAILS)}。" for _ in range(n)]
    if n == 1:
        return items[0]
    if style.measure_style == "paren":
        return "".join(f"（{i}）{t}" for i, t in enumerate(items, 1))
    if style.measure_style == "sequence":
        words = ["首先", *["其次", "再次"][: n - 2], "最后"]
        return "".join(f"{w}，{t}" for w, t in zip(words, items, strict=True))
    if style.measure_style == "di":
        return "".join(f"第{int_to_cn(i)}，{t}" for i, t in enumerate(items, 1))
    return "".join(f"{int_to_cn(i)}是{t}" for i, t in enumerate(items, 1))


def _label(name: str, text: str, style: Style) -> list[str]:
    colon = "：" if style.label_colon else ""
    if not style.label_colon and style.label_inline:
        colon = " "
    if style.label_inline and text:
        return [f"{name}{colon}{text}"]
    return [f"{name}{colon}".rstrip(), text] if text else [f"{name}{colon}".rstrip()]


def generate(*, seed: int = 0, aspects: int = 4, style: Style | None = None,
             max_problems: int = 3, max_findings: int = 3) -> tuple[str, Spec]:
    """A document and the counts it must parse to."""
    rng = random.Random(seed)
    style = style or Style()
    spec = Spec()
    twice = style.layout in ("twice", "twice_bare")
    bare = style.layout == "twice_bare"
    head = [
        "关于巡察整改情况的通报",
        f"按照县委统一部署，2024年3月{rng.randint(1, 9)}日至5月{rng.randint(10, 28)}日，县委第一巡察组对县住房和城乡建设局党组开展了常规巡察，"
        f"6月{rng.randint(1, 28)}日反馈了巡察意见。现将巡察整改情况予以公布。",
    ]
    parts = [
        "一、整改工作开展情况",
        "局党组高度重视巡察反馈问题整改工作，成立整改工作领导小组，逐条梳理，建立台账。",
    ]
    listing: list[str] = []  # the first pass of a "twice" layout
    lines: list[str] = []
    problem_no = 0
    measure_total = 0
    n_aspects = aspects if style.with_aspects else 1
    for a in range(1, n_aspects + 1):
        if style.with_aspects:
            lines.append(f"（{int_to_cn(a)}）{ASPECTS[(a - 1) % len(ASPECTS)]}")
            listing.append(lines[-1])
            spec.aspects += 1
        if style.restart_problems:
            problem_no = 0
        for _ in range(rng.randint(1, max_problems)):
            problem_no += 1
            spec.problems += 1
            spec.problem_numbers.append(problem_no)
            lines.append(f"{problem_no}{style.problem_dot}{rng.choice(SUBJECTS)}{rng.choice(FAULTS)}。")
            listing.append(lines[-1])
            if style.listing_detail:
                listing.append(f"经查，{rng.choice(SUBJECTS)}相关工作存在薄弱环节，{rng.choice(DETAILS)}的要求落实不够。")
            n_findings = rng.randint(1, max_findings)
            if n_findings == 1:
                spec.findings += 1
                if style.with_findings_label:
                    lines += _label("主要问题", f"{rng.choice(SUBJECTS)}{rng.choice(FAULTS)}，存在薄弱环节。", style)
                n = rng.randint(1, 4)
                lines += _label("整改情况", _measures(rng, n, style), style)
                spec.measures += n
                measure_total += n
                continue
            lines.append("主要问题：" if style.label_colon else "主要问题")
            for f in range(1, n_findings + 1):
                spec.findings += 1
                lines.append(f"（{f}）{rng.choice(SUBJECTS)}{rng.choice(FAULTS)}。")
                if rng.random() < 0.1:
                    lines += _label("情况说明", "该问题系历史遗留问题，已报上级部门统筹解决。", style)
                    spec.explained += 1
                    continue
                n = rng.randint(1, 4)
                lines += _label("整改情况", _measures(rng, n, style), style)
                spec.measures += n
                measure_total += n
    if not style.with_aspects:
        spec.aspects = 1
    closing = [
        "欢迎广大干部群众对巡察整改落实情况进行监督。联系电话：0551-12345678；电子邮箱：zhenggai@example.cn。",
        "中共某县住房和城乡建设局党组",
        "2024年11月20日",
    ]
    next_steps = f"局党组将巩固整改成果，共制定整改措施{measure_total}条，持续抓好整改落实。"
    if bare:
        lines = head + listing + lines + closing
    elif twice:
        lines = (head + parts + ["二、巡察反馈的主要问题", *listing, "三、巡察反馈问题的整改落实情况"]
                 + lines + ["四、下一步工作打算", next_steps] + closing)
    else:
        lines = (head + parts + ["二、巡察反馈问题的整改落实情况"] + lines
                 + ["三、下一步工作打算", next_steps] + closing)
    return "\n".join(_p(line, style) for line in lines) + "\n", spec


BODIES = ("区委第一巡察组", "市委第三巡察组", "县委巡察办", "区审计局")
TARGETS = ("区教育局党组", "市生态环境局党组", "县卫生健康委员会党组", "区水务局党组")


def generate_summary(*, seed: int = 0, full_width: bool = True) -> tuple[str, dict[str, int | float]]:
    """A round-level progress summary: paragraphs of figures, nothing numbered.

    Returns the text and the claims it states, for asserting the parse (`no_structure`).
    """
    rng = random.Random(seed)
    problems = rng.randint(20, 400)
    completed = rng.randint(problems // 2, problems - 2)
    partial = rng.randint(1, problems - completed - 1)
    uncompleted = problems - completed - partial
    rate = round(completed * 100 / problems, 1)
    measures = rng.randint(problems, problems * 3)
    returned, recovered = rng.randint(2, 90) / 2, rng.randint(1, 40)
    lines = [
        "关于本轮巡察整改进展情况的通报",
        f"根据统一部署，{rng.choice(BODIES)}对{rng.choice(TARGETS)}等{rng.randint(3, 9)}个单位开展了巡察。"
        f"巡察反馈的{problems}个问题，完成整改{completed}个，基本完成{partial}个，未完成{uncompleted}个，总体完成率{rate}%。",
        f"各被巡察单位针对反馈问题制定了{measures}条具体整改措施，出台{rng.randint(3, 30)}个规章制度。",
        f"在整改过程中，清退违规资金{returned:g}万元、追回资金{recovered}万元。",
        "下一步，将持续跟踪整改进度，对未完成的问题紧盯不放。",
    ]
    claims: dict[str, int | float] = {
        "problems": problems, "completed_problems": completed,
        "partially_completed_problems": partial, "uncompleted_problems": uncompleted,
        "completion_rate": rate, "measures": measures,
        "money_returned_yuan": round(returned * 10_000), "money_recovered_yuan": recovered * 10_000,
    }
    text = "\n".join(_p(line, Style(full_width=full_width)) for line in lines) + "\n"
    return text, claims
