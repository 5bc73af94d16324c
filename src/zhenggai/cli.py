"""The `zhenggai` command: one entry point for the parser and Django's management commands.

`parse` and `render FILE` need no database, so they run without loading Django (fast, and
usable on a machine with nothing configured). Everything else is a management command.
Exit codes (DESIGN.md §5): 0 done, 1 a check failed, 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zhenggai.core.document import Document

EXIT_OK, EXIT_CHECK_FAILED, EXIT_BAD_INPUT = 0, 1, 2

#: Friendly names for management commands whose module names would clash with keywords.
ALIASES = {"import": "import_document"}


def _fail(message: str) -> int:
    print(f"zhenggai: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def parse_main(argv: Sequence[str]) -> int:
    from zhenggai.core.errors import InputError
    from zhenggai.core.parser import parse_file
    from zhenggai.core.textview import document_as_text

    ap = argparse.ArgumentParser(prog="zhenggai parse", description="解析整改文件（不需要数据库）")
    ap.add_argument("file")
    ap.add_argument("--format", choices=["json", "text"], default="json")
    args = ap.parse_args(argv)
    try:
        document = parse_file(args.file)
    except InputError as exc:
        return _fail(str(exc))
    if args.format == "json":
        json.dump(document.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(document_as_text(document))
    return EXIT_OK


def render_file_main(argv: Sequence[str]) -> int:
    from zhenggai.core.errors import InputError
    from zhenggai.core.render_formats import FORMATS, render_document

    ap = argparse.ArgumentParser(prog="zhenggai render", description="由文件重新生成整改情况通报")
    ap.add_argument("file", help="原始文件（txt/docx/pdf）或 zhenggai parse 输出的 JSON")
    ap.add_argument("--format", choices=FORMATS, default="txt")
    ap.add_argument("--output", "-o")
    args = ap.parse_args(argv)
    try:
        document = _load_document(args.file)
        data = render_document(document, fmt=args.format)
    except InputError as exc:
        return _fail(str(exc))
    if args.output:
        try:
            with open(args.output, "wb") as fh:
                fh.write(data)
        except OSError as exc:
            return _fail(f"{args.output}: 无法写入（{exc.strerror or exc}）")
    elif args.format in {"txt", "md"}:
        sys.stdout.write(data.decode("utf-8"))
    else:
        return _fail(f"--format {args.format} 是二进制格式，请用 --output 指定输出文件")
    return EXIT_OK


def _load_document(path: str) -> Document:
    from zhenggai.core.document import Document
    from zhenggai.core.errors import InputError
    from zhenggai.core.parser import parse_file

    if path.endswith(".json"):
        try:
            with open(path, encoding="utf-8") as fh:
                return Document.from_dict(json.load(fh))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{path}: 不是有效的解析结果 JSON（{exc}）") from None
    return parse_file(path)


def _prepare_data_dir() -> str | None:
    """Create the data folder a fresh set-up points at (SQLite file, media), or say why not.

    Without it SQLite fails with a bare "unable to open database file" traceback.
    """
    from django.conf import settings

    try:
        Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"无法创建数据目录 {settings.DATA_DIR}（{exc.strerror or exc}）；请检查 ZHENGGAI_DATA_DIR"
    return None


def django_main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenggai.settings")
    import django
    from django.core.management import ManagementUtility, get_commands

    django.setup()
    problem = _prepare_data_dir()
    if problem:
        return _fail(problem)
    if argv and not argv[0].startswith("-"):
        argv = [ALIASES.get(argv[0], argv[0]), *argv[1:]]
        if argv[0] not in get_commands() and argv[0] != "help":
            return _fail(f"未知命令 {argv[0]!r}；运行 zhenggai help 查看所有命令")
    try:
        ManagementUtility(["zhenggai", *argv]).execute()
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else _fail(exc.code)
    return EXIT_OK


def _names_inspection(args: Sequence[str]) -> bool:
    """`render --inspection ID` (or `--inspection=ID`) reads the database: Django's side."""
    return any(a == "--inspection" or a.startswith("--inspection=") for a in args)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and args[0] == "parse":
            return parse_main(args[1:])
        if args and args[0] == "render" and not _names_inspection(args):
            return render_file_main(args[1:])
        return django_main(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
