"""core/bigrams.py: the grams of the search index, the reference match, highlighting."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from zhenggai.core.bigrams import (
    MAX_QUERY,
    MAX_QUERY_GRAMS,
    bigrams,
    clean_query,
    fold,
    highlight_spans,
    matches,
    query_grams,
)

TEXT = st.text(alphabet="整改扶贫措施落实问题abAB 1，", max_size=40)


def test_bigrams_are_the_adjacent_pairs_with_ascii_folded() -> None:
    assert bigrams("精准扶贫") == {"精准", "准扶", "扶贫"}
    assert bigrams("PPP项目") == {"pp", "p项", "项目"}
    assert bigrams("整") == set()


def test_only_ascii_letters_fold() -> None:
    assert fold("ABC Ä Ｚ") == "abc Ä Ｚ"


def test_a_two_character_word_inside_a_longer_one_matches() -> None:
    assert matches("扶贫", "推进精准扶贫工作")
    assert matches("整改", "巡察整改落实")
    assert not matches("扶贫", "扶 贫")
    assert matches("ppp", "规范PPP项目")


def test_query_is_cleaned_and_cut() -> None:
    assert clean_query("  整改 \n 落实  ") == "整改 落实"
    assert len(clean_query("整" * 200)) == MAX_QUERY


def test_long_queries_ask_a_spread_of_grams_covering_both_ends() -> None:
    query = "关于进一步加强基层党组织建设和规范党员发展工作的若干意见"
    grams = query_grams(query)
    assert len(grams) <= MAX_QUERY_GRAMS
    assert grams[0] == query[:2] and grams[-1] == query[-2:]
    assert query_grams("整") == []
    assert query_grams("整改") == ["整改"]


@given(TEXT, TEXT)
def test_a_match_has_every_gram_of_the_query(query: str, text: str) -> None:
    if matches(query, text):
        assert set(query_grams(query)) <= bigrams(text)


@given(TEXT, TEXT)
def test_highlight_pieces_give_the_text_back_and_mark_each_match(query: str, text: str) -> None:
    pieces = highlight_spans(query, text)
    assert "".join(p for p, _ in pieces) == text
    marked = [p for p, hit in pieces if hit]
    assert all(fold(p) == fold(query) for p in marked)
    assert bool(marked) == (bool(query) and matches(query, text))
