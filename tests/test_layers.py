"""Imports point down: newsmon -> crawler / review -> storage -> (extract); extract imports nothing of ours.

Every import is read from the source (with `ast`), those inside functions too,
so a lazy import cannot hide a layer reaching up or a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = ("newsmon", "crawler", "review", "storage", "extract")
# What each package may import of ours (besides itself). storage reads extract's lexicon (place names).
ALLOWED = {
    "extract": set(),
    "storage": {"extract"},
    "crawler": {"storage", "extract"},
    "review": {"storage", "extract"},
    "newsmon": {"crawler", "review", "storage", "extract"},
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every module of ours that `path` imports, at any depth of its code."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else _module_name(path)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            found.add(module)
            # `from storage import claims` imports storage.claims
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] in OURS}


def _modules() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for package in OURS:
        for path in sorted((ROOT / package).rglob("*.py")):
            graph[_module_name(path)] = _imports(path)
    return graph


GRAPH = _modules()


def _known(name: str) -> str | None:
    """The module of ours that an imported name is (a module, or a name inside one)."""
    while name and name not in GRAPH:
        name = name.rpartition(".")[0]
    return name or None


def test_the_project_is_read():
    assert "storage.claims" in GRAPH and "crawler.pipelines" in GRAPH and "extract.article" in GRAPH
    assert "storage.events" in GRAPH["storage.claims"]  # lazy or not, an import is seen


@pytest.mark.parametrize("package", OURS)
def test_each_layer_imports_only_what_is_below(package):
    wrong = sorted(
        f"{module} imports {name}"
        for module, names in GRAPH.items() if module.split(".")[0] == package
        for name in names
        if name.split(".")[0] not in ALLOWED[package] | {package}
    )
    assert wrong == []


def test_the_crawler_never_reaches_up_into_the_command_line():
    assert not [m for m, names in GRAPH.items()
                if m.split(".")[0] in ("crawler", "review") and any(n.startswith("newsmon") for n in names)]


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of modules in `graph` (as a path that ends where it began), or None."""
    state: dict[str, int] = {}  # 1 on the path being walked, 2 done
    path: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := walk(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := walk(node)):
            return found
    return None


def _module_graph() -> dict[str, set[str]]:
    graph = {}
    for module, names in GRAPH.items():
        targets = {_known(n) for n in names} - {None, module}
        graph[module] = {t for t in targets if t is not None and not _is_package(t)}  # a package's __init__ is empty
    return graph


def _is_package(module: str) -> bool:
    return (ROOT / Path(*module.split(".")) / "__init__.py").exists()


def test_no_cycle_between_modules():
    assert _cycle(_module_graph()) is None


def test_the_cycle_finder_finds_one():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
