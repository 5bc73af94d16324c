"""Masking names in the public edition (core/masking.py)."""

from __future__ import annotations

from zhenggai.core.masking import (
    MASK,
    clean_names,
    mask_segments,
    mask_text,
    masked_count,
    name_candidates,
)


def test_every_occurrence_becomes_three_stars_longest_name_first() -> None:
    text = "对杨俊采取留置措施；以杨俊、杨俊峰为反面典型。"
    assert mask_text(text, ["杨俊", "杨俊峰", " "]) == f"对{MASK}采取留置措施；以{MASK}、{MASK}为反面典型。"
    assert masked_count(text, ["杨俊", "杨俊峰"]) == 3
    assert mask_text(text, []) == text
    assert clean_names([" 杨俊 ", "杨俊", "杨俊峰", ""]) == ["杨俊峰", "杨俊"]


def test_segments_show_what_each_mask_covers() -> None:
    text = "与蚌埠市某某停车管理有限公司签订协议"
    assert mask_segments(text, ["蚌埠市某某停车管理有限公司"]) == [
        ("与", False), ("蚌埠市某某停车管理有限公司", True), ("签订协议", False),
    ]
    assert "".join(piece for piece, _ in mask_segments(text, ["某某"])) == text


def test_candidates_on_the_seed_are_the_people_it_names(seed_text: str) -> None:
    # The seed already masks its company (蚌埠市***停车管理公司); the people remain.
    assert name_candidates(seed_text) == ["杨俊", "范迪海", "王勇", "栾印武"]


def test_candidates_include_known_names_and_companies_found_in_the_text() -> None:
    text = "2015年我局与蚌埠市某某停车管理有限公司签订协议，收益用于弥补公司投入。王伟受到诫勉谈话。"
    assert name_candidates(text, known=["王伟", "李敏"]) == ["王伟", "蚌埠市某某停车管理有限公司"]
