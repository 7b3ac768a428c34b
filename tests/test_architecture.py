"""The project's import graph: no module imports, even through others, a module that imports it back."""

from __future__ import annotations

import tomllib
from pathlib import Path

import grimp

REPOSITORY = Path(__file__).resolve().parents[1]


def project_graph() -> grimp.ImportGraph:
    """Build the import graph of the packages import-linter checks (pyproject's root_packages)."""
    config = tomllib.loads((REPOSITORY / "pyproject.toml").read_text())["tool"]["importlinter"]
    # grimp reads every import statement, those inside functions and under TYPE_CHECKING too.
    return grimp.build_graph(*config["root_packages"], cache_dir=None)


def import_cycles(graph: grimp.ImportGraph) -> list[tuple[str, ...]]:
    """Return each cycle once, as the modules it runs through, each importing the next and the last the first."""
    cycles = set()
    for importer in graph.modules:
        for imported in graph.find_modules_directly_imported_by(importer):
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back:
                cycle = (importer, *back[:-1])
                start = cycle.index(min(cycle))  # the same cycle found from another of its modules
                cycles.add(cycle[start:] + cycle[:start])
    return sorted(cycles)


def test_no_module_imports_a_module_that_imports_it_back() -> None:
    # given
    graph = project_graph()

    # when
    cycles = import_cycles(graph)

    # then
    assert cycles == [], "import cycles:\n" + "\n".join(" -> ".join((*cycle, cycle[0])) for cycle in cycles)


def test_a_cycle_is_reported_with_the_modules_it_runs_through() -> None:
    # given
    graph = project_graph()
    graph.add_import(importer="config.errors", imported="studios.models")
    graph.add_import(importer="studios.models", imported="assets.models")
    graph.add_import(importer="assets.models", imported="config.errors")

    # when
    cycles = import_cycles(graph)

    # then
    assert ("assets.models", "config.errors", "studios.models") in cycles
