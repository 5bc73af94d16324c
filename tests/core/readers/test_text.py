import pytest

from zhenggai.core.errors import InputError
from zhenggai.core.readers import MAX_BYTES, read_bytes, read_file

SAMPLE = "一、政治建设方面\n1．党委领导作用发挥不足。\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (SAMPLE.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"), "utf-8-sig"),
        (SAMPLE.encode("gbk"), "gbk"),
        ((SAMPLE + "𠀀").encode("gb18030"), "gb18030"),
        (SAMPLE.encode("utf-16"), "utf-16"),
    ],
)
def test_it_detects_and_reports_the_encoding(data, encoding):
    extracted = read_bytes(data, filename="a.txt")
    assert extracted.source.encoding == encoding
    assert extracted.text.startswith("一、政治建设方面")
    assert extracted.source.format == "txt"
    assert len(extracted.source.sha256) == 64


def test_it_normalises_line_endings():
    assert read_bytes(SAMPLE.replace("\n", "\r\n").encode()).text == SAMPLE


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "文件为空"),
        (b"   \n\n", "文件为空"),
        (bytes(range(256)) * 20, "不是文本文件"),
        (b"\x00\x01\x02binary", "不是文本文件"),
    ],
)
def test_it_refuses_bad_input_with_a_clear_message(data, message):
    with pytest.raises(InputError, match=message):
        read_bytes(data, filename="bad.txt")


def test_it_refuses_oversized_files(tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.truncate(MAX_BYTES + 1)
    with pytest.raises(InputError, match="文件过大"):
        read_file(big)


def test_it_names_a_missing_file(tmp_path):
    with pytest.raises(InputError, match="无法读取文件"):
        read_file(tmp_path / "nope.txt")


def test_old_word_files_are_refused_with_a_hint():
    with pytest.raises(InputError, match=r"另存为 \.docx"):
        read_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, filename="old.doc")
