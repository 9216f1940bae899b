"""exportcore's structure (docs/architecture.md): imports point one way, and the light layers stay light.

The import graph is read from the source with ``ast`` (nothing is imported): every ``import`` and ``from … import``
counts, at module level and inside functions alike (a function-level import is a dependency too, only a later one),
and so does ``importlib.import_module("exportcore.…")``. Imports under ``if TYPE_CHECKING:`` never run and do not
count.

- No import cycle, except the model-configuration registry: ``registry`` imports ``configs.models`` on first use,
  and each model module registers itself with ``registry.register``.
- The light modules — everything but ``export``, ``postprocess`` and ``validate`` — import neither torch,
  transformers, onnx nor onnxruntime at module level, directly or through another exportcore module they import at
  module level. The app and ``exportcore inspect`` rely on it (tests/core/test_light_imports.py checks the same at
  run time for what the app imports).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "exportcore"
#: The one cycle by design: the registry loads the model modules, which register themselves.
REGISTRY_CYCLE = ("exportcore.registry", "exportcore.configs.models")
#: Packages whose modules may import the heavy libraries at module level (they are imported lazily by the run).
HEAVY_PACKAGES = ("exportcore.export", "exportcore.postprocess", "exportcore.validate")
HEAVY_LIBRARIES = ("torch", "transformers", "onnx", "onnxruntime", "onnxscript")


def module_files(root: Path = ROOT) -> dict[str, Path]:
    """Module name -> file, for every module of the package (a package is its ``__init__``)."""
    modules = {}
    for path in sorted((root / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(node: ast.AST, module: str, is_package: bool, in_function: bool = False):
    """(candidate names, whether at module level) for each import under ``node``: ``from .x import y`` gives
    ``[x.y, x]`` (the module x.y when y is one, else a name in x)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child):
            continue
        function = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        if isinstance(child, ast.Import):
            for alias in child.names:
                yield [alias.name], not in_function
        elif isinstance(child, ast.ImportFrom):
            if child.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[:len(base) - (child.level - 1)]
                target = ".".join(base + ([child.module] if child.module else []))
            else:
                target = child.module or ""
            for alias in child.names:
                yield [f"{target}.{alias.name}", target], not in_function
        elif isinstance(child, ast.Call):
            func = child.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in ("import_module", "__import__") and child.args and isinstance(child.args[0], ast.Constant):
                yield [str(child.args[0].value)], not in_function
        yield from _imports(child, module, is_package, function)


def import_graph(root: Path = ROOT) -> tuple[dict[str, set[str]], dict[str, set[str]], dict[str, set[str]]]:
    """(every import between exportcore modules, the module-level ones, the outside top-level packages each module
    imports at module level)."""
    files = module_files(root)
    edges: dict[str, set[str]] = {m: set() for m in files}
    eager: dict[str, set[str]] = {m: set() for m in files}
    external: dict[str, set[str]] = {m: set() for m in files}
    for module, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for candidates, at_module_level in _imports(tree, module, path.name == "__init__.py"):
            top = candidates[-1].split(".")[0]
            if top != PACKAGE:
                if at_module_level and top:
                    external[module].add(top)
                continue
            name = next((c for c in candidates if c in files), None)
            if name is None or name == module:
                continue
            edges[module].add(name)
            if at_module_level:
                eager[module].add(name)
    return edges, eager, external


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def _is_registry_cycle(component: list[str]) -> bool:
    return all(m == REGISTRY_CYCLE[0] or m == REGISTRY_CYCLE[1] or m.startswith(REGISTRY_CYCLE[1] + ".")
               for m in component)


def _is_heavy_package(module: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in HEAVY_PACKAGES)


def heavy_at_import(eager: dict[str, set[str]], external: dict[str, set[str]]) -> dict[str, list[str]]:
    """For each light module: the heavy libraries importing it loads, with the chain of our modules that does it."""
    problems = {}
    for module in sorted(eager):
        if _is_heavy_package(module):
            continue
        seen = {module: [module]}
        queue = [module]
        while queue:
            current = queue.pop(0)
            heavy = sorted(set(external[current]) & set(HEAVY_LIBRARIES))
            if heavy:
                problems[module] = [" -> ".join(seen[current]) + f" imports {', '.join(heavy)}"]
                break
            for target in sorted(eager[current]):
                if target not in seen:
                    seen[target] = seen[current] + [target]
                    queue.append(target)
    return problems


def test_no_import_cycle_but_the_model_config_registry():
    edges, _, _ = import_graph()
    assert len(edges) > 30 and any(edges.values()), "the graph was read"
    unexpected = [c for c in cycles(edges) if not _is_registry_cycle(c)]
    assert unexpected == [], "import cycles: " + "; ".join(" <-> ".join(c) for c in unexpected)


def test_the_registry_cycle_is_the_one_the_test_allows():
    """The allowed cycle exists (so the exception above is not stale)."""
    edges, _, _ = import_graph()
    assert any(_is_registry_cycle(c) and REGISTRY_CYCLE[0] in c for c in cycles(edges))


def test_light_modules_import_no_heavy_library_at_module_level():
    _, eager, external = import_graph()
    assert heavy_at_import(eager, external) == {}


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_the_checks_see_cycles_through_function_level_imports_and_heavy_chains(tmp_path):
    """The checks are not vacuous: a cycle closed by an import inside a function, a heavy library reached through
    another of our modules, and the forms of import."""
    _write(tmp_path, {
        "exportcore/__init__.py": "",
        "exportcore/cli.py": "def main():\n    from .serve.server import serve\n",
        "exportcore/serve/__init__.py": "",
        "exportcore/serve/server.py": "from .. import worker\n",
        "exportcore/worker.py": "import exportcore.cli\n",
        "exportcore/plan/__init__.py": "",
        "exportcore/plan/resolve.py": "from ..export import adapter\n",
        "exportcore/export/__init__.py": "",
        "exportcore/export/adapter.py": "import torch\n",
        "exportcore/typed.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import cli\n",
        "exportcore/lazy.py": "def f():\n    import transformers\n",
    })
    edges, eager, external = import_graph(tmp_path)
    assert cycles(edges) == [["exportcore.cli", "exportcore.serve.server", "exportcore.worker"]]
    assert edges["exportcore.typed"] == set()
    problems = heavy_at_import(eager, external)
    assert list(problems) == ["exportcore.plan.resolve"]
    assert "exportcore.plan.resolve -> exportcore.export.adapter imports torch" in problems["exportcore.plan.resolve"][0]


@pytest.mark.parametrize("package", ["hub", "source", "plan", "export", "postprocess", "validate", "run", "serve"])
def test_the_data_flow_packages_exist(package):
    """docs/architecture.md describes these folders; a rename must update it."""
    assert (ROOT / PACKAGE / package / "__init__.py").is_file()
    assert f"`{package}/`" in (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")


def test_no_module_over_about_500_lines():
    long = {name: n for name, path in module_files().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > 520}
    assert long == {}
