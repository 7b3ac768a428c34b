"""Impact analysis (what an asset change affects) and its reverse (what a shot or cut depends on).

- `impact_analyze(user=, asset_id=, version=None)`: the API's and re-render plans' entry point.
- `asset_row` + `impact_compute`: the same without an access check (CLI, services that authorized).
- `dependencies_list(user=, node="shot:<id>" | "cut:<id>")`.
"""

from __future__ import annotations

from lineage.impact.analysis import asset_row, impact_analyze, impact_compute, via_path, walk_dependents
from lineage.impact.dependencies import dependencies_list
from lineage.impact.errors import InvalidNode, NoTargetVersion

__all__ = ["InvalidNode", "NoTargetVersion", "asset_row", "dependencies_list", "impact_analyze", "impact_compute",
           "via_path", "walk_dependents"]
