"""The JSON contract of `zhenggai parse` (DESIGN.md §5): keys are stable."""

from __future__ import annotations

from zhenggai.core.parser import parse_file

TOP_KEYS = {"source", "title", "issuer", "issue_date", "preamble", "inspection", "claims",
            "claims_text", "counts", "aspects", "sections", "contact", "warnings", "unplaced"}


def test_top_level_keys(seed_path):
    data = parse_file(seed_path).to_dict()
    assert set(data) >= TOP_KEYS
    assert {"format", "encoding", "sha256", "ocr_confidence"} <= set(data["source"])
    assert set(data["inspection"]) >= {"group", "target", "level", "kind", "start", "end", "feedback_date"}
    assert set(data["contact"]) >= {"phone", "address", "email"}
    assert set(data["counts"]) == {"aspects", "problems", "findings", "measures"}


def test_tree_keys_and_types(seed_path):
    data = parse_file(seed_path).to_dict()
    aspect = data["aspects"][0]
    assert {"no", "title", "problems"} <= set(aspect)
    problem = aspect["problems"][0]
    assert {"no", "title", "findings"} <= set(problem)
    finding = problem["findings"][0]
    assert {"no", "text", "answer_kind", "answer", "measures"} <= set(finding)
    assert finding["answer_kind"] in {"rectified", "explained", "none"}
    assert {"no", "text"} <= set(finding["measures"][0])
    assert isinstance(aspect["no"], int)
    assert data["issue_date"] == "2020-11-25"
    assert data["inspection"]["start"] == "2019-03-26"


def test_warnings_and_claims_text_shapes(seed_path):
    data = parse_file(seed_path).to_dict()
    assert all({"code", "message", "line"} <= set(w) for w in data["warnings"])
    activities = data["claims_text"]["activities"]
    assert {k: activities[k] for k in ("text", "approximate", "line", "qualifier")} == {
        "text": "开展专题学习教育和研讨活动20余次", "approximate": True, "line": 3, "qualifier": "余",
    }
    assert activities["sentence"].startswith("局党委和局属各支部累计开展")
    assert activities["sentence"].endswith("确保不折不扣把问题整改到位。")
    assert data["unplaced"] == []
