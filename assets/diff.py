"""The difference between two versions of an asset."""

from __future__ import annotations

from typing import Any


def version_diff(old: Any, new: Any) -> dict[str, Any]:
    """Return what changed from `old` to `new` (each with attributes, references and components).

    attributes: {added: {key: value}, removed: {key: value}, changed: {key: {from, to}}};
    references: {added: [sha…], removed: [sha…]} in list order; components: {added, removed} as
    [{asset, version}] (a re-pinned component shows as one removed and one added pin).
    """
    before, after = old.attributes, new.attributes
    return {
        "attributes": {
            "added": {k: after[k] for k in sorted(after.keys() - before.keys())},
            "removed": {k: before[k] for k in sorted(before.keys() - after.keys())},
            "changed": {k: {"from": before[k], "to": after[k]}
                        for k in sorted(before.keys() & after.keys()) if before[k] != after[k]},
        },
        "references": {
            "added": [r for r in new.references if r not in old.references],
            "removed": [r for r in old.references if r not in new.references],
        },
        "components": {
            "added": [c for c in new.components if c not in old.components],
            "removed": [c for c in old.components if c not in new.components],
        },
    }
