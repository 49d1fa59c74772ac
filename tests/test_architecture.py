"""The structure the code promises, read from its imports: data flows one way (models ->
solver -> cli), the evaluator imports nothing of the solver, and no module imports itself back
through others. Every import counts, also those only made for type checkers."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("models", "solver", "cli", "benchmarks")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(["hemplan", *parts])


def _modules() -> dict[str, Path]:
    found = {"hemplan": ROOT / "__init__.py"}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if not path.name.startswith("test_"):
                found[_module_name(path)] = path
    return found


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """The hemplan modules `path` imports (a name imported from a package counts as the
    submodule when there is one)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name in modules}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(path, modules) - {name} for name, path in modules.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, as the modules along it, or None."""
    state: dict[str, int] = {}  # 1 on the path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_module_imports_itself_back_through_others() -> None:
    graph = _graph()
    graph["hemplan"] = set()  # the public API's names load lazily, on first use
    assert _cycle(graph) is None


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_models_never_import_the_solver_the_cli_or_the_benchmarks() -> None:
    wrong = {
        (name, target)
        for name, targets in _graph().items()
        if name.startswith("hemplan.models")
        for target in targets
        if not target.startswith("hemplan.models")
    }
    assert wrong == set()


def test_the_solver_never_imports_the_cli_or_the_benchmarks() -> None:
    wrong = {
        (name, target)
        for name, targets in _graph().items()
        if name.startswith("hemplan.solver")
        for target in targets
        if target.startswith(("hemplan.cli", "hemplan.benchmarks"))
    }
    assert wrong == set()


def test_the_evaluator_builds_on_the_contract_alone() -> None:
    """The judge of every schedule shares no code with what it judges: it reads the instance
    and the schedule (the contract, and the travel matrix file) and computes the rest itself."""
    allowed = (
        "hemplan.models.evaluator",
        "hemplan.models.contract",
        "hemplan.models.io.matrix",
        "hemplan.models.io.read",
        "hemplan.models.io.limits",
    )
    wrong = {
        (name, target)
        for name, targets in _graph().items()
        if name.startswith("hemplan.models.evaluator")
        for target in targets
        if not target.startswith(allowed)
    }
    assert wrong == set()


def test_every_import_of_the_package_says_hemplan() -> None:
    """`import models` would load a second copy of the code from the source tree."""
    bare = []
    for path in [
        ROOT / "__init__.py",
        *(p for package in (*PACKAGES, "tests") for p in (ROOT / package).rglob("*.py")),
    ]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else (
                    [node.module]
                    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0
                    else []
                )
            )
            bare += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] in PACKAGES]
    assert bare == []
