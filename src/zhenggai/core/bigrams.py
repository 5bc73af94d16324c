"""Character bigrams: the index behind Chinese search.

Chinese has no spaces, and its words are mostly two characters (整改, 扶贫) that stand inside
longer ones (整改措施, 精准扶贫). Word tokenizers and trigram indexes miss them (DESIGN §6),
so the search indexes every pair of adjacent characters and asks for all the pairs of the
query; the database then confirms the candidates with a plain substring match. The reference
of a match is `matches`: the query is a substring of the text, ASCII letters compared without
case (the one folding SQLite's LIKE and PostgreSQL agree on), nothing else normalised.
"""

from __future__ import annotations

#: Queries are cut to this many characters: a longer one is a paste, not a search.
MAX_QUERY = 64
#: A query's grams asked of the index (its two ends and its middle); the substring match
#: confirms the rest. Each more gram is one more posting list to intersect, which costs
#: more than it saves (benchmarks/search_bench.py).
MAX_QUERY_GRAMS = 3

_ASCII_UPPER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


def fold(text: str) -> str:
    """ASCII letters to lower case; every other character as it is."""
    return text.translate(_ASCII_UPPER)


def bigrams(text: str) -> set[str]:
    """The distinct pairs of adjacent characters of `text`, folded."""
    folded = fold(text)
    return {folded[i : i + 2] for i in range(len(folded) - 1)}


def clean_query(query: str) -> str:
    """The query as searched: runs of white space made one space, trimmed, cut to MAX_QUERY."""
    return " ".join(query.split())[:MAX_QUERY]


def query_grams(query: str) -> list[str]:
    """The grams to ask the index for `query` (already cleaned), at most MAX_QUERY_GRAMS,
    spread over the query so that both ends are covered; empty for a single character."""
    folded = fold(query)
    grams = list(dict.fromkeys(folded[i : i + 2] for i in range(len(folded) - 1)))
    if len(grams) <= MAX_QUERY_GRAMS:
        return grams
    step = (len(grams) - 1) / (MAX_QUERY_GRAMS - 1)
    return list(dict.fromkeys(grams[round(i * step)] for i in range(MAX_QUERY_GRAMS)))


def matches(query: str, text: str) -> bool:
    """The reference: `query` stands in `text` (ASCII letters without case)."""
    return fold(query) in fold(text)


def highlight_spans(query: str, text: str) -> list[tuple[str, bool]]:
    """`text` cut into (piece, is_match) pieces around every occurrence of `query`."""
    if not query:
        return [(text, False)]
    folded, needle = fold(text), fold(query)
    pieces: list[tuple[str, bool]] = []
    start = 0
    while (at := folded.find(needle, start)) >= 0:
        if at > start:
            pieces.append((text[start:at], False))
        pieces.append((text[at : at + len(needle)], True))
        start = at + len(needle)
    if start < len(text) or not pieces:
        pieces.append((text[start:], False))
    return pieces
