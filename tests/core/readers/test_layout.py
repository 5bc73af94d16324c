import pytest

from zhenggai.core.readers.layout import (
    Line,
    Page,
    chunk_length,
    drop_page_numbers,
    fix_lookalike_ideographs,
    paragraphs,
    squeeze_cjk_spaces,
)

EM = 16.0
LEFT, RIGHT = 80.0, 512.0
WIDTH, HEIGHT = 595.0, 842.0


def line(text: str, row: int, *, indent: float = 0.0, x1: float | None = None,
         em: float = EM, chunk: float | None = None, extra_gap: float = 0.0) -> Line:
    """A line on row `row` of a 28 pt grid; full width unless x1 is given."""
    top = 100 + row * 28 + extra_gap
    return Line(text=text, x0=LEFT + indent, x1=RIGHT if x1 is None else x1, top=top,
                bottom=top + em, em=em, first_chunk=EM if chunk is None else chunk)


def page(*lines: Line) -> Page:
    return Page(WIDTH, HEIGHT, tuple(lines))


# A body of wrapped paragraphs gives each page enough lines to measure its own margins.
BODY = [
    line("　　正文第一段第一行", 0, indent=2 * EM),
    line("第一段第二行", 1),
    line("第一段末行。", 2, x1=300),
    line("第二段第一行", 3, indent=2 * EM),
    line("第二段第二行", 4),
    line("第二段第三行", 5),
]


def test_wrapped_lines_join_and_indented_lines_start_paragraphs():
    assert paragraphs([page(*BODY)]) == [
        "　　正文第一段第一行第一段第二行第一段末行。",
        "第二段第一行第二段第二行第二段第三行",
    ]


def test_a_short_line_ends_its_paragraph_even_without_an_indent_after_it():
    lines = [*BODY[:5], line("短行。", 5, x1=200), line("不缩进的新段落", 6)]
    assert paragraphs([page(*lines)])[-2:] == ["第二段第一行第二段第二行短行。", "不缩进的新段落"]


def test_a_line_short_by_less_than_the_next_chunk_was_wrapped():
    # "实“三" cannot be split, so the line broke 1.5 characters early.
    lines = [*BODY, line("严格落", 6, x1=RIGHT - 1.5 * EM), line("实“三会一课”制度", 7, chunk=3 * EM)]
    assert paragraphs([page(*lines)])[-1] == "第二段第一行第二段第二行第二段第三行严格落实“三会一课”制度"


def test_extra_space_between_lines_starts_a_paragraph():
    lines = [*BODY, line("段后有空白的新段落", 6, extra_gap=EM)]
    assert paragraphs([page(*lines)])[-1] == "段后有空白的新段落"


def test_a_change_of_font_size_starts_a_paragraph():
    lines = [*BODY, line("小号字的注释", 6, em=10.5)]
    assert paragraphs([page(*lines)])[-1] == "小号字的注释"


@pytest.mark.parametrize("opening", ["二、思想建设方面", "（二）组织建设", "2．问题", "(3)问题", "整改情况：已完成"])
def test_a_heading_marker_starts_a_paragraph_in_a_flush_layout(opening):
    lines = [*BODY, line(opening, 6)]
    assert paragraphs([page(*lines)])[-1] == opening


def test_a_number_with_a_decimal_point_is_not_a_heading():
    lines = [*BODY, line("1.5万元已退回", 6)]
    assert paragraphs([page(*lines)])[-1].endswith("第二段第三行1.5万元已退回")


def test_a_paragraph_continues_over_a_page_break_and_page_numbers_are_dropped():
    first = page(*BODY, Line("— 1 —", 280, 320, 800, 812, 12, 12))
    second = page(Line("第 2 页 共 3 页", 260, 340, 30, 42, 12, 12),
                  line("跨到下一张的续行。", 0, x1=200), *BODY[3:])
    result = paragraphs([first, second])
    assert result[1] == "第二段第一行第二段第二行第二段第三行跨到下一张的续行。"
    assert not any("—" in text or "页" in text for text in result)


def test_a_number_inside_the_body_is_kept():
    numbers = page(*BODY[:3], line("12", 3, indent=2 * EM, x1=LEFT + 3 * EM), *BODY[3:])
    assert "12" in paragraphs([numbers])


def test_latin_words_split_over_two_lines_get_a_space():
    lines = [*BODY, line("contact the", 6, indent=2 * EM), line("office", 7)]
    assert paragraphs([page(*lines)])[-1] == "contact the office"


def test_a_page_with_few_lines_borrows_the_margins_of_the_others():
    # On its own the last page's right edge would be its longest short line, which would
    # then look full, and the second line would be joined to it.
    last = page(line("联系电话：0552-3040205", 0, x1=300), line("通讯地址：治淮路706号", 1, x1=250))
    first = page(*BODY, line("第二段末行。", 6, x1=300))
    assert paragraphs([first, last])[-2:] == ["联系电话：0552-3040205", "通讯地址：治淮路706号"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("按照 区 委 统一 部署 ,2019 年 3 月", "按照区委统一部署,2019年3月"),
        ("电子 邮箱 : lcgb2012@163.com", "电子邮箱: lcgb2012@163.com"),
        ("contact the office", "contact the office"),
        ("　　全角空格保留", "　　全角空格保留"),
    ],
)
def test_spaces_next_to_cjk_characters_are_layout_artefacts(text, expected):
    assert squeeze_cjk_spaces(text) == expected


def test_lookalike_radicals_become_the_ideographs():
    assert fix_lookalike_ideographs("⼀、⼯作") == ("一、工作", 2)
    assert fix_lookalike_ideographs("一、工作") == ("一、工作", 0)


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("局党委", 1),
        ("、市委", 1),
        ("实“三会", 3),
        ("管”现象", 3),
        ("箱:lcgb2012@163.com。", 19),
        ("2019年", 4),
        ("“两个维护”", 2),
        ("", 0),
    ],
)
def test_the_first_chunk_is_what_a_line_break_cannot_split(text, length):
    assert chunk_length(text) == length


def test_only_page_numbers_at_the_page_edges_are_furniture():
    body = line("1", 10, x1=LEFT + EM)
    assert drop_page_numbers(page(body)).lines == (body,)
