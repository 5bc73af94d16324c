"""`zhenggai render --format`: the dispatch above both renderers, and imports one way."""

from __future__ import annotations

import ast
import io
from pathlib import Path

import pytest
from docx import Document as open_docx

from tests.core.official_layout import assert_docx_layout
from zhenggai.cli import main
from zhenggai.core import render
from zhenggai.core.errors import InputError
from zhenggai.core.parser import parse_file
from zhenggai.core.render_formats import render_document


def test_the_cli_writes_the_official_docx(seed_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "seed.docx"
    assert main(["render", str(seed_path), "--format", "docx", "--output", str(out)]) == 0
    document = open_docx(io.BytesIO(out.read_bytes()))
    assert_docx_layout(document)
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[-2:] == ["中共蚌埠市龙子湖区城市管理局委员会", "2020年11月25日"]


def test_every_format_is_rendered_or_refused_by_name(seed_path: Path) -> None:
    document = parse_file(seed_path)
    assert render_document(document, fmt="txt").decode().startswith("按照区委统一部署")
    assert render_document(document, fmt="docx")[:2] == b"PK"
    with pytest.raises(InputError, match="可选 txt, md, docx, pdf"):
        render_document(document, fmt="odt")


def test_render_does_not_import_render_office_back() -> None:
    """`render_office` imports `render`'s helpers; `render` must not reach back (a cycle),
    neither by an import statement, at module or function level, nor through importlib."""
    source = Path(render.__file__).read_text(encoding="utf-8")
    imported: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.update(f"{node.module}.{alias.name}" for alias in node.names)
    assert imported and not {
        name for name in imported if "render_office" in name or "render_formats" in name
    }
    assert not {name for name in imported if name.startswith("importlib")}
