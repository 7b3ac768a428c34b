"""A studio's version-to-version dependencies (components and derivations), held in memory.

The graph is small next to the pins (versions, not shots) and changes only when a version with
components or a derived_from is created, which moves the studio's DependencyStamp. Each process
keeps the last graph it loaded per studio and reloads it when the stamp it reads has changed, so
an impact query walks components and variant chains of any depth without touching the database.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from lineage.models import GraphEdge

VersionKey = tuple[str, int]  # (asset id, version number)
# relation of a dependent to what it depends on: "component" (it contains it) or "derived_from"
Link = tuple[str, int, str]

COMPONENT, DERIVED = "component", "derived_from"
_EDGE_TYPES = {"component_of": COMPONENT, "derived_from": DERIVED}
_CACHE_SIZE = 256


@dataclass
class DependencyGraph:
    """Who depends on a version (`dependents`) and what a version depends on (`requires`)."""

    dependents: dict[str, dict[int, list[Link]]] = field(default_factory=dict)  # asset → version → links
    requires: dict[VersionKey, list[Link]] = field(default_factory=dict)

    def add(self, dependent: VersionKey, dependency: VersionKey, relation: str) -> None:
        """Record that `dependent` contains or derives from `dependency`."""
        self.dependents.setdefault(dependency[0], {}).setdefault(dependency[1], []).append((*dependent, relation))
        self.requires.setdefault(dependent, []).append((*dependency, relation))

    def dependents_of(self, key: VersionKey) -> list[Link]:
        """Return the versions that contain or derive from a version."""
        return self.dependents.get(key[0], {}).get(key[1], [])


_cache: OrderedDict[str, tuple[str, DependencyGraph]] = OrderedDict()
_lock = threading.Lock()


def version_key(graph_node: str) -> VersionKey:
    """Return (asset, version) of an "asset_version:<asset>:<n>" node id."""
    _type, asset, number = graph_node.split(":")
    return asset, int(number)


def dependency_graph(studio_id: str, stamp: str | None) -> DependencyGraph:
    """Return the studio's dependency graph as of `stamp` (the hash of its DependencyStamp's event)."""
    if stamp is None:
        return DependencyGraph()
    with _lock:
        cached = _cache.get(studio_id)
        if cached is not None and cached[0] == stamp:
            _cache.move_to_end(studio_id)
            return cached[1]
    graph = _load(studio_id)
    with _lock:
        _cache[studio_id] = (stamp, graph)
        _cache.move_to_end(studio_id)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return graph


def _load(studio_id: str) -> DependencyGraph:
    graph = DependencyGraph()
    edges = GraphEdge.objects.filter(studio_id=studio_id, type__in=list(_EDGE_TYPES)).values_list("src", "dst", "type")
    for src, dst, type_ in edges.order_by("id").iterator(chunk_size=5000):
        if type_ == "component_of":  # component → parent
            graph.add(version_key(dst), version_key(src), COMPONENT)
        else:  # variant → source
            graph.add(version_key(src), version_key(dst), DERIVED)
    return graph
