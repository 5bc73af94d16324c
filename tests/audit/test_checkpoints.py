"""Checkpoints from the apps above `audit` reach `audit_verify` through a registry."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import transaction

from zhenggai import audit
from zhenggai.audit import checkpoints
from zhenggai.audit.checkpoints import checkpoint_source_names, register_checkpoint_source
from zhenggai.audit.models import AuditEntry
from zhenggai.audit.services import audit_record, audit_verify
from zhenggai.core.auditchain import CHECKPOINT_MISMATCH, ENTRIES_TRUNCATED
from zhenggai.urging.apps import SNAPSHOT_CHECKPOINTS

#: The apps above audit (DESIGN.md, docs/architecture.md: imports only point down).
ABOVE_AUDIT = ("ledger", "records", "urging", "publication", "web", "portal", "api", "demo")


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty registry for the test; the apps' sources are back after it."""
    monkeypatch.setattr(checkpoints, "_SOURCES", {})


def _write(n: int) -> None:
    for i in range(n):
        with transaction.atomic():
            audit_record(actor=None, action="measure.update", object_type="t", object_id=i)


def test_urging_registers_its_snapshots_as_a_source() -> None:
    assert SNAPSHOT_CHECKPOINTS in checkpoint_source_names()


@pytest.mark.django_db
def test_a_registered_sources_checkpoints_are_checked(registry: None) -> None:
    _write(3)
    head = AuditEntry.objects.get(seq=3)
    kept: list[tuple[int, str]] = [(3, head.hash)]
    register_checkpoint_source("test.kept", lambda: kept)
    assert audit_verify().ok
    kept[:] = [(2, head.hash)]  # the source disagrees with the chain at entry 2
    result = audit_verify()
    assert (result.first_bad_seq, result.problem) == (2, CHECKPOINT_MISMATCH.format(seq=2))
    kept[:] = [(5, "f" * 64)]  # the source saw entries the log no longer has
    assert audit_verify().problem == ENTRIES_TRUNCATED.format(seq=4, checkpoint=5, last=3)


def test_registering_a_name_again_replaces_its_source(registry: None) -> None:
    register_checkpoint_source("test.twice", lambda: [(1, "a" * 64)])
    register_checkpoint_source("test.twice", lambda: [(1, "b" * 64)])
    assert checkpoint_source_names() == ["test.twice"]
    assert list(checkpoints.registered_checkpoints()) == [(1, "b" * 64)]


def _imported_modules(path: Path) -> Iterator[str]:
    """Every module `path` imports: statements anywhere, and `importlib.import_module("…")`."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            yield str(node.args[0].value)


def test_audit_imports_no_app_above_it() -> None:
    package = Path(audit.__file__).parent
    upward = {
        f"{path.relative_to(package)}: {module}"
        for path in package.rglob("*.py")
        for module in _imported_modules(path)
        if module.startswith(tuple(f"zhenggai.{app}" for app in ABOVE_AUDIT))
    }
    assert upward == set()
