"""The demo's words: names, report texts, reasons, institutions and activities."""

from __future__ import annotations

from zhenggai.records.choices import ActivityKind, InstitutionKind

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN_NAMES = (
    "建国", "红梅", "志强", "海燕", "立新", "晓东", "春华", "文斌", "丽娟", "国庆", "永刚",
    "雪梅", "德明", "秀英", "振华", "玉兰", "伟", "静", "磊", "敏", "军", "芳", "涛", "婷",
)

FIRST_REPORTS = (
    "已召开专题会议研究部署，明确责任人和完成时限，正在按计划推进。",
    "已完成自查和问题清单梳理，制定了具体整改措施。",
    "已组织专项检查，对发现的问题建立了清单，正在逐项整改。",
)
MIDDLE_REPORTS = (
    "相关制度修订稿已形成，正在征求意见；整改措施已部分落实。",
    "已完成大部分整改任务，剩余工作正在推进，佐证材料正在整理。",
    "问题清单中的事项已整改过半，对整改情况开展了抽查。",
)
FINAL_REPORTS = (
    "整改措施已全部落实，相关制度已印发执行，佐证材料已整理归档。",
    "问题已整改到位，建立了长效工作机制，经自查未发现反弹。",
)
CLOSE_OUT_SUMMARIES = (
    "整改任务已全部完成，制度已印发，申请销号。",
    "问题已整改到位，佐证材料齐全，申请销号。",
)
RETURN_REASONS = (
    "佐证材料不足，缺少制度印发文件和执行记录，请补充后重新申请。",
    "整改成效说明过于笼统，请补充具体数据和整改前后对比。",
)
EXTENSION_REASONS = (
    "涉及跨部门协调和资金安排，需待县财政预算调整后实施，申请延期一个月。",
    "工程项目受汛期施工条件限制，无法按期完成，申请延期一个月。",
)
INSTITUTIONS = (
    ("党组工作规则", InstitutionKind.REVISED),
    ("“三重一大”事项集体决策制度实施办法", InstitutionKind.REVISED),
    ("财务管理和报销审批办法", InstitutionKind.REVISED),
    ("公务接待管理办法", InstitutionKind.ESTABLISHED),
    ("工程建设项目全过程管理办法", InstitutionKind.ESTABLISHED),
    ("政府采购内部控制制度", InstitutionKind.ESTABLISHED),
    ("意识形态工作责任制实施细则", InstitutionKind.REVISED),
    ("干部日常监督管理办法", InstitutionKind.ESTABLISHED),
)
ACTIVITIES = (
    (ActivityKind.STUDY, "党组理论学习中心组巡察整改专题学习", 15),
    (ActivityKind.WARNING_EDUCATION, "警示教育大会", 180),
    (ActivityKind.TRAINING, "财务和项目管理业务培训", 90),
    (ActivityKind.MEETING, "巡察整改专题民主生活会", 9),
    (ActivityKind.STUDY, "各党支部巡察整改专题组织生活会", 120),
)
EVALUATION_SCORES = (
    ("deployment", "0", ""),
    ("task_completion", "3", "个别整改措施未按期完成"),
    ("organisation", "1", "整改台账更新不够及时"),
    ("public_satisfaction", "2", "部分群众反映的问题整改效果有待巩固"),
)

