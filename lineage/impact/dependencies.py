"""The reverse of impact: everything a shot's current revision (or a cut's revisions) depends on.

Pinned asset versions, the versions they contain or derive from (transitively, through the
studio's in-memory dependency graph), and the render models.
"""

from __future__ import annotations

import uuid
from typing import Any

from config.errors import NotFound
from config.types import Actor
from episodes.models import Cut, Shot, ShotRevision
from lineage.impact.analysis import PINNED
from lineage.impact.depgraph import VersionKey, dependency_graph
from lineage.impact.errors import InvalidNode
from lineage.models import DependencyStamp, GraphNode
from studios.access import VIEW, authorize

DEPENDENCY_NODES = ("shot", "shot_revision", "cut")


def dependencies_list(*, user: Actor, node: str) -> dict[str, Any]:
    """Return the asset versions (with the path that brings each in) and models a shot or cut depends on."""
    studio_id, revisions = _revisions(node)
    authorize(user, studio_id, VIEW)
    stamp = DependencyStamp.objects.filter(studio_id=studio_id).values_list("hash", flat=True).first()
    graph = dependency_graph(studio_id, stamp)
    paths: dict[VersionKey, list[dict[str, Any]]] = {}
    frontier: list[VersionKey] = []
    for revision in revisions:
        for pin in revision.cast:
            key = (pin["asset"], pin["version"])
            if key not in paths:
                paths[key] = [{"asset": key[0], "version": key[1], "relation": PINNED}]
                frontier.append(key)
    while frontier:  # breadth first: each version keeps its shortest path
        following = []
        for key in frontier:
            for asset, version, relation in graph.requires.get(key, []):
                if (asset, version) not in paths:
                    paths[(asset, version)] = [*paths[key], {"asset": asset, "version": version, "relation": relation}]
                    following.append((asset, version))
        frontier = following
    models = sorted({r.model for r in revisions})
    return {"node": node, "revisions": [f"{r.shot_id}:{r.revision}" for r in revisions],
            "asset_versions": _versions(paths), "models": _models(models)}


def _revisions(node: str) -> tuple[str, list[ShotRevision]]:
    type_, _, ref = (node or "").partition(":")
    if type_ not in DEPENDENCY_NODES or not ref:
        raise InvalidNode("node must be shot:<id>, shot_revision:<id>:<n> or cut:<id>.",
                          fields={"node": ["shot:<id>, shot_revision:<id>:<n> or cut:<id>."]})
    shot_id, _, number = ref.partition(":")
    if type_ == "cut":
        cut = Cut.objects.filter(pk=_uuid(ref)).first()
        if cut is None:
            raise NotFound("Not found.")
        ids = [f"{item['shot']}:{item['revision']}" for item in cut.shots]
        found = ShotRevision.objects.in_bulk(ids)
        return str(cut.studio_id), [found[i] for i in ids]
    shot = Shot.objects.filter(pk=_uuid(shot_id)).first()
    if shot is None:
        raise NotFound("Not found.")
    wanted = number if type_ == "shot_revision" else str(shot.revision)
    revision = ShotRevision.objects.filter(pk=f"{shot.id}:{wanted}").first()
    if revision is None:
        raise NotFound("Not found.")
    return str(shot.studio_id), [revision]


def _versions(paths: dict[VersionKey, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    nodes = GraphNode.objects.in_bulk([f"asset_version:{a}:{v}" for a, v in paths])
    result = []
    for (asset, version), via in paths.items():
        node = nodes.get(f"asset_version:{asset}:{version}")
        result.append({"asset": asset, "version": version, "node": f"asset_version:{asset}:{version}",
                       "label": node.label if node else "", "status": node.status if node else "",
                       "direct": len(via) == 1, "via": via})
    return sorted(result, key=lambda v: (len(v["via"]), v["label"], v["version"]))


def _models(model_ids: list[str]) -> list[dict[str, Any]]:
    nodes = GraphNode.objects.in_bulk([f"model:{m}" for m in model_ids])
    return [{"id": m, "node": f"model:{m}", "label": nodes[f"model:{m}"].label if f"model:{m}" in nodes else ""}
            for m in model_ids]


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise NotFound("Not found.") from None
