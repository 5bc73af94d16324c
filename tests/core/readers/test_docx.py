import io
import zipfile

import pytest

from tests.core.readers.samples import (
    NAMESPACES,
    docx_from_body,
    docx_from_lines,
    lvl,
    numbering,
    p,
    replace_members,
)
from zhenggai.core.errors import InputError
from zhenggai.core.readers import docx as docx_reader
from zhenggai.core.readers import read_bytes
from zhenggai.core.readers.docx import (
    DOCX_CORRUPT,
    DOCX_NO_TEXT,
    DOCX_ONLY_IMAGES,
    DOCX_TOO_LARGE_UNZIPPED,
)
from zhenggai.core.readers.docx_numbering import chinese_counting, format_number


def lines_of(data: bytes) -> list[str]:
    return read_bytes(data, filename="t.docx").text.split("\n")


# -- the seed, end to end -------------------------------------------------------------------
def test_the_seed_as_docx_reads_back_paragraph_for_paragraph(seed_text):
    data = docx_from_lines(seed_text.splitlines())
    extracted = read_bytes(data, filename="seed.docx")
    assert extracted.text.split("\n") == seed_text.splitlines()
    assert extracted.source.format == "docx"
    assert extracted.source.encoding is None
    assert extracted.source.ocr_confidence is None
    assert extracted.warnings == ()


def test_the_seed_as_docx_parses_to_the_same_tree_as_the_text(seed_path, seed_text):
    from zhenggai.core.document import tree_signature
    from zhenggai.core.parser import parse_extracted, parse_file

    document = parse_extracted(read_bytes(docx_from_lines(seed_text.splitlines())))
    assert tree_signature(document) == tree_signature(parse_file(seed_path))
    assert document.counts == {"aspects": 6, "problems": 12, "findings": 25, "measures": 44}


# -- automatic numbering ----------------------------------------------------------------------
OFFICIAL_LIST = {
    1: lvl(0, "chineseCounting", "%1、")
    + lvl(1, "chineseCounting", "（%2）")
    + lvl(2, "decimal", "%3．")
    + lvl(3, "decimal", "（%4）"),
}


def test_word_list_numbering_becomes_the_markers_the_text_shows():
    body = "".join([
        p("党的政治建设方面", num="5", ilvl=0),
        p("党委领导作用", num="5", ilvl=1),
        p("领导核心作用发挥不足。", num="5", ilvl=2),
        p("重业务轻党建。", num="5", ilvl=3),
        p("班子成员发言随大流。", num="5", ilvl=3),
        p("学习深度不足。", num="5", ilvl=2),
        p("重业务轻党建。", num="5", ilvl=3),
        p("思想建设方面", num="5", ilvl=0),
        p("学习教育", num="5", ilvl=1),
    ])
    data = docx_from_body(body, numbering_xml=numbering(OFFICIAL_LIST, {5: 1}))
    assert lines_of(data) == [
        "一、党的政治建设方面",
        "（一）党委领导作用",
        "1．领导核心作用发挥不足。",
        "（1）重业务轻党建。",
        "（2）班子成员发言随大流。",
        "2．学习深度不足。",
        "（1）重业务轻党建。",  # restarts after a higher level
        "二、思想建设方面",
        "（一）学习教育",
    ]


def test_problem_numbers_continue_across_aspects_when_the_level_never_restarts():
    # The seed numbers problems 1–12 across aspects: Word does that with lvlRestart 0.
    abstract = lvl(0, "chineseCounting", "%1、") + lvl(1, "decimal", "%2.",
                                                      extra='<w:lvlRestart w:val="0"/>')
    body = p("甲方面", num="1", ilvl=0) + p("问题", num="1", ilvl=1) \
        + p("乙方面", num="1", ilvl=0) + p("问题", num="1", ilvl=1)
    data = docx_from_body(body, numbering_xml=numbering({1: abstract}, {1: 1}))
    assert lines_of(data) == ["一、甲方面", "1.问题", "二、乙方面", "2.问题"]


def test_a_num_with_a_start_override_restarts_a_shared_list():
    body = p("甲", num="1", ilvl=0) + p("乙", num="1", ilvl=0) \
        + p("另一份清单的第一项", num="2", ilvl=0) + p("丙", num="3", ilvl=0)
    overrides = '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>'
    data = docx_from_body(body, numbering_xml=numbering(
        {1: lvl(0, "decimal", "%1.")}, {1: 1, 2: (1, overrides), 3: 1}))
    # numId 3 shares the abstract list without an override, so it continues from numId 2.
    assert lines_of(data) == ["1.甲", "2.乙", "1.另一份清单的第一项", "2.丙"]


def test_numbering_comes_from_the_paragraph_style_and_its_chain():
    # python-docx's default template defines "List Number" with a numbered list.
    import docx

    document = docx.Document()
    document.add_paragraph("第一项", style="List Number")
    document.add_paragraph("普通段落")
    document.add_paragraph("第二项", style="List Number")
    out = io.BytesIO()
    document.save(out)
    assert lines_of(out.getvalue()) == ["1.第一项", "普通段落", "2.第二项"]


def test_heading_styles_take_numbering_through_based_on_and_level_styles():
    # Offices define 标题 1/标题 2 styles tied to one multilevel list: the level comes
    # from the w:lvl whose pStyle names the paragraph's style, the numPr from the chain.
    styles = (
        f"<w:styles {NAMESPACES}>"
        '<w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/></w:style>'
        '<w:style w:type="paragraph" w:styleId="listbase"><w:name w:val="编号基础"/>'
        '<w:pPr><w:numPr><w:numId w:val="7"/></w:numPr></w:pPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/>'
        '<w:basedOn w:val="listbase"/></w:style>'
        '<w:style w:type="paragraph" w:styleId="2"><w:name w:val="heading 2"/>'
        '<w:basedOn w:val="listbase"/></w:style>'
        "</w:styles>"
    )
    abstract = lvl(0, "chineseCounting", "%1、", extra='<w:pStyle w:val="1"/>') \
        + lvl(1, "chineseCounting", "（%2）", extra='<w:pStyle w:val="2"/>')
    body = p("政治建设方面", style="1") + p("领导作用", style="2") + p("正文") \
        + p("作风建设方面", style="1")
    data = docx_from_body(body, numbering_xml=numbering({3: abstract}, {7: 3}),
                          styles_xml=styles)
    assert lines_of(data) == ["一、政治建设方面", "（一）领导作用", "正文", "二、作风建设方面"]


def test_num_id_zero_removes_the_style_numbering():
    import docx

    document = docx.Document()
    document.add_paragraph("第一项", style="List Number")
    plain = document.add_paragraph("不编号", style="List Number")
    from docx.oxml import parse_xml

    plain._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {NAMESPACES}><w:ilvl w:val="0"/><w:numId w:val="0"/></w:numPr>'))
    out = io.BytesIO()
    document.save(out)
    assert lines_of(out.getvalue()) == ["1.第一项", "不编号"]


def test_bullets_from_symbol_fonts_become_a_plain_bullet():
    data = docx_from_body(p("要点", num="1", ilvl=0), numbering_xml=numbering(
        {1: lvl(0, "bullet", "\uf0b7")}, {1: 1}))
    assert lines_of(data) == ["•要点"] or lines_of(data) == ["• 要点"]


def test_a_label_without_closing_punctuation_is_followed_by_a_space():
    data = docx_from_body(p("总则", num="1", ilvl=0), numbering_xml=numbering(
        {1: lvl(0, "chineseCounting", "第%1章")}, {1: 1}))
    assert lines_of(data) == ["第一章 总则"]


@pytest.mark.parametrize(
    ("n", "fmt", "expected"),
    [
        (1, "chineseCounting", "一"),
        (10, "chineseCounting", "十"),
        (12, "chineseCountingThousand", "十二"),
        (20, "chineseCounting", "二十"),
        (105, "chineseCounting", "一百零五"),
        (110, "chineseCounting", "一百一十"),
        (10, "chineseLegalSimplified", "壹拾"),
        (10, "ideographDigital", "一〇"),
        (3, "ideographTraditional", "丙"),
        (3, "decimalEnclosedCircle", "③"),
        (21, "decimalEnclosedCircle", "21"),
        (2, "decimalEnclosedParen", "⑵"),
        (12, "decimalFullWidth", "１２"),
        (7, "decimalZero", "07"),
        (4, "upperRoman", "IV"),
        (14, "lowerRoman", "xiv"),
        (28, "upperLetter", "BB"),
        (3, "lowerLetter", "c"),
        (5, "someFutureFormat", "5"),
    ],
)
def test_number_formats(n, fmt, expected):
    assert format_number(n, fmt) == expected


def test_chinese_counting_covers_the_numbers_documents_use():
    assert [chinese_counting(n) for n in (1, 9, 11, 19, 99, 100, 1001)] == [
        "一", "九", "十一", "十九", "九十九", "一百", "一千零一"]


# -- what the page shows ---------------------------------------------------------------------
def test_tables_are_read_row_by_row_and_reported():
    cell = "<w:tc>{}</w:tc>"
    merged_continuation = '<w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>'
    table = (
        "<w:tbl>"
        f"<w:tr>{cell.format(p('序号'))}{cell.format(p('问题'))}{cell.format(p('整改措施'))}</w:tr>"
        f"<w:tr>{cell.format(p('1'))}{cell.format(p('党建薄弱'))}"
        f"{cell.format(p('一是压实责任。') + p('二是建章立制。'))}</w:tr>"
        f"<w:tr>{cell.format(p('2'))}{merged_continuation}{cell.format(p('完善制度。'))}</w:tr>"
        "</w:tbl>"
    )
    extracted = read_bytes(docx_from_body(p("前言") + table + p("结尾")), filename="t.docx")
    assert extracted.text.split("\n") == [
        "前言", "序号", "问题", "整改措施", "1", "党建薄弱", "一是压实责任。", "二是建章立制。",
        "2", "完善制度。", "结尾",
    ]
    (warning,) = extracted.warnings
    assert (warning.code, warning.line) == ("docx_tables", 2)


def test_content_controls_and_text_boxes_are_read_once():
    sdt = f"<w:sdt><w:sdtPr><w:alias w:val='标题'/></w:sdtPr><w:sdtContent>{p('控件中的标题')}" \
          "</w:sdtContent></w:sdt>"
    box = p("文本框内容")
    anchored = (
        '<w:p><w:r><w:t>正文</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps">'
        "<w:drawing><wp:anchor><a:graphic><a:graphicData><wps:wsp><wps:txbx>"
        f"<w:txbxContent>{box}</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic>"
        "</wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>"
        f"<w:txbxContent>{box}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r></w:p>"
    )
    assert lines_of(docx_from_body(sdt + anchored)) == ["控件中的标题", "正文", "文本框内容"]


def test_tracked_changes_read_as_accepted_with_a_warning():
    body = (
        "<w:p><w:r><w:t>制定措施</w:t></w:r>"
        "<w:del w:id='1' w:author='a'><w:r><w:delText>45</w:delText></w:r></w:del>"
        "<w:ins w:id='2' w:author='a'><w:r><w:t>47</w:t></w:r></w:ins>"
        "<w:r><w:t>条</w:t></w:r></w:p>"
    )
    extracted = read_bytes(docx_from_body(body))
    assert extracted.text == "制定措施47条"
    assert [w.code for w in extracted.warnings] == ["docx_tracked_changes"]


def test_hidden_text_and_field_codes_are_skipped_but_field_results_kept():
    body = (
        "<w:p><w:r><w:t>可见</w:t></w:r>"
        "<w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r>"
        "<w:r><w:rPr><w:vanish w:val='0'/></w:rPr><w:t>不隐藏</w:t></w:r>"
        "<w:r><w:fldChar w:fldCharType='begin'/></w:r>"
        "<w:r><w:instrText> DATE \\@ \"yyyy年M月d日\" </w:instrText></w:r>"
        "<w:r><w:fldChar w:fldCharType='separate'/></w:r>"
        "<w:r><w:t>2020年11月25日</w:t></w:r>"
        "<w:r><w:fldChar w:fldCharType='end'/></w:r></w:p>"
    )
    assert lines_of(docx_from_body(body)) == ["可见不隐藏2020年11月25日"]


def test_line_breaks_and_tabs_inside_a_paragraph():
    body = "<w:p><w:r><w:t>联系电话</w:t><w:tab/><w:t>0552</w:t><w:br/><w:t>地址</w:t></w:r></w:p>"
    assert lines_of(docx_from_body(body)) == ["联系电话\t0552", "地址"]


def test_a_table_of_contents_is_skipped():
    entry = p("一、政治建设方面 ........ 1")
    toc = (
        "<w:sdt><w:sdtPr><w:docPartObj><w:docPartGallery w:val='Table of Contents'/>"
        f"</w:docPartObj></w:sdtPr><w:sdtContent>{entry}</w:sdtContent></w:sdt>"
    )
    assert lines_of(docx_from_body(toc + p("一、政治建设方面"))) == ["一、政治建设方面"]


def test_empty_paragraphs_stay_as_blank_lines():
    assert lines_of(docx_from_body(p("甲") + p() + p("乙"))) == ["甲", "", "乙"]


# -- bad input ----------------------------------------------------------------------------------
def test_a_truncated_docx_is_refused():
    data = docx_from_lines(["正文"])
    with pytest.raises(InputError, match=DOCX_CORRUPT):
        read_bytes(data[: len(data) // 2], filename="cut.docx")


def test_a_zip_without_a_word_document_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "不是 Word")
    with pytest.raises(InputError, match=f"^bad.docx: {DOCX_CORRUPT}"):
        read_bytes(out.getvalue(), filename="bad.docx")


def test_an_excel_file_is_named_as_such():
    from openpyxl import Workbook

    out = io.BytesIO()
    Workbook().save(out)
    with pytest.raises(InputError, match="不是 Word 文档，而是Excel 表格（xlsx）"):
        read_bytes(out.getvalue(), filename="台账.docx")


def test_a_document_without_text_is_refused():
    with pytest.raises(InputError, match=DOCX_NO_TEXT):
        read_bytes(docx_from_body(p() + p()), filename="empty.docx")


def test_a_document_with_only_a_picture_points_to_ocr():
    picture = "<w:p><w:r><w:drawing><wp:inline/></w:drawing></w:r></w:p>"
    with pytest.raises(InputError, match=DOCX_ONLY_IMAGES):
        read_bytes(docx_from_body(picture), filename="scan.docx")


def test_a_package_that_expands_too_far_is_refused(monkeypatch):
    monkeypatch.setattr(docx_reader, "MAX_UNZIPPED_BYTES", 10_000)
    data = replace_members(docx_from_lines(["正文"]), {"word/padding.xml": "x" * 20_000})
    with pytest.raises(InputError, match=DOCX_TOO_LARGE_UNZIPPED.split("（")[0]):
        read_bytes(data, filename="bomb.docx")


def test_malformed_xml_in_the_document_part_is_refused():
    data = replace_members(docx_from_lines(["正文"]), {"word/document.xml": "<w:document"})
    with pytest.raises(InputError, match=DOCX_CORRUPT):
        read_bytes(data, filename="broken.docx")
