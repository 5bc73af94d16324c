"""The layers of docs/architecture.md, checked on the source itself.

Every import in `src/zhenggai` is collected from the syntax tree — module-level ones,
function-level ones and `importlib.import_module("…")` calls with a literal name — except
those under `if TYPE_CHECKING:` (annotations only, never executed). Then:

- no cycle between apps (`zhenggai.<app>`), nor between the modules of `core`;
- no app imports one of a higher layer (core → accounts, audit, workdays, notifications →
  ledger, records → urging, publication → web, portal, api, demo);
- nothing imports the demo, and `core` imports no Django.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "zhenggai"

#: The layers, lowest first; an app may import its own layer and those below.
LAYERS: list[set[str]] = [
    {"core", "clock", "http"},
    {"accounts", "audit", "workdays", "notifications"},
    {"ledger", "records"},
    {"urging", "publication"},
    {"web", "portal", "api", "demo"},
    # The project's wiring: settings, URL conf, the command line, WSGI.
    {"settings", "urls", "cli", "wsgi", "__main__"},
]
LAYER_OF = {name: i for i, layer in enumerate(LAYERS) for name in layer}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, module: str, is_package: bool) -> Iterator[str]:
    """Every module `module` imports at run time, absolute names."""
    package = module if is_package else module.rpartition(".")[0]

    def visit(node: ast.AST) -> Iterator[str]:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                yield from visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                prefix = ".".join(base)
                target = f"{prefix}.{node.module}" if node.module else prefix
            else:
                target = node.module or ""
            yield target
            for alias in node.names:  # `from zhenggai.core import render` imports a module
                yield f"{target}.{alias.name}"
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.args[0].value
        for child in ast.iter_child_nodes(node):
            yield from visit(child)

    yield from visit(tree)


def _graph() -> dict[str, set[str]]:
    """{module: modules of ours it imports}, only modules that exist in src/."""
    files = {
        _module_name(p): p for p in (SRC / PACKAGE).rglob("*.py") if "migrations" not in p.parts
    }
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found = set()
        for target in _imports(tree, name, path.name == "__init__.py"):
            while target and target not in files:
                target = target.rpartition(".")[0]
            if target and target != name and target.startswith(PACKAGE + "."):
                found.add(target)
        graph[name] = found
    return graph


def _app(module: str) -> str:
    return module.split(".")[1] if module.count(".") >= 1 else module


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def strongconnect(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            strongconnect(v)
    return found


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return _graph()


def _example(graph: dict[str, set[str]], source_app: str, target_app: str) -> str:
    for module, targets in sorted(graph.items()):
        if _app(module) == source_app:
            for target in sorted(targets):
                if _app(target) == target_app:
                    return f"{module} → {target}"
    return ""


def test_the_walker_sees_function_level_and_importlib_imports() -> None:
    tree = ast.parse(
        "import a\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    import hidden\n"
        "def f():\n    from b import c\n    import importlib\n"
        "    importlib.import_module('d.e')\n"
        "from . import sibling\n"
    )
    found = set(_imports(tree, "pkg.mod", is_package=False))
    assert {"a", "b", "b.c", "d.e", "pkg", "pkg.sibling"} <= found
    assert "hidden" not in found


def test_no_cycle_between_apps(graph: dict[str, set[str]]) -> None:
    apps: dict[str, set[str]] = defaultdict(set)
    for module, targets in graph.items():
        for target in targets:
            if _app(target) != _app(module):
                apps[_app(module)].add(_app(target))
    cycles = _cycles(apps)
    detail = [
        [_example(graph, a, b) for a in cycle for b in cycle if b in apps[a]] for cycle in cycles
    ]
    assert cycles == [], detail


def test_no_cycle_between_core_modules(graph: dict[str, set[str]]) -> None:
    core = {
        module: {t for t in targets if t.startswith("zhenggai.core.")}
        for module, targets in graph.items()
        if module.startswith("zhenggai.core.")
    }
    # A package's __init__ that re-exports its submodules is one unit with them.
    def unit(name: str) -> str:
        parts = name.split(".")
        return ".".join(parts[:3])

    units: dict[str, set[str]] = defaultdict(set)
    for module, targets in core.items():
        for target in targets:
            if unit(target) != unit(module):
                units[unit(module)].add(unit(target))
    assert _cycles(units) == []


def test_every_app_is_in_a_layer(graph: dict[str, set[str]]) -> None:
    apps = {_app(m) for m in graph if m != PACKAGE}
    assert apps - set(LAYER_OF) == set()


def test_imports_point_down_the_layers(graph: dict[str, set[str]]) -> None:
    upward = sorted(
        f"{module} → {target}"
        for module, targets in graph.items()
        for target in targets
        if module != PACKAGE and LAYER_OF[_app(target)] > LAYER_OF[_app(module)]
    )
    assert upward == []


def test_nothing_imports_the_demo(graph: dict[str, set[str]]) -> None:
    importers = sorted(
        f"{module} → {target}"
        for module, targets in graph.items()
        for target in targets
        if _app(target) == "demo" and _app(module) != "demo"
    )
    assert importers == []


def test_core_imports_no_django() -> None:
    offenders = []
    for path in (SRC / PACKAGE / "core").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        name = _module_name(path)
        for target in _imports(tree, name, path.name == "__init__.py"):
            if target == "django" or target.startswith("django."):
                offenders.append(f"{name} → {target}")
    assert offenders == []
