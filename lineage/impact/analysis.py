"""Impact analysis: the shots whose current revision relies on an older version of an asset.

A shot is affected when one of its current pins is an older version of the asset (direct), or a
version that contains one through components, or derives from one through a variant chain, at
any depth and in any mix. The walk runs over the studio's in-memory dependency graph; the only
pin query is one indexed lookup on CastPin(asset, current, version) per asset reached.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from django.db import connection

from assets.models import Asset
from config.errors import InvalidInput, NotFound
from episodes.models import CastPin, Episode
from lineage.impact.depgraph import DependencyGraph, VersionKey, dependency_graph
from lineage.impact.errors import NoTargetVersion
from lineage.models import DependencyStamp
from studios.access import VIEW, authorize

PINNED = "pinned"
_ORDER = connection.ops.quote_name("order")
_TEXT = "::text" if connection.vendor == "postgresql" else ""
Reached = dict[VersionKey, tuple[VersionKey | None, str]]


def impact_analyze(*, user: Any, asset_id: Any, version: int | None = None) -> dict[str, Any]:
    """Return the shots and episodes affected by moving an asset to `version` (default: its approved one)."""
    asset = asset_row(asset_id)
    authorize(user, asset["studio_id"], VIEW)
    return impact_compute(asset=asset, version=version)


def asset_row(asset_id: Any) -> dict[str, Any]:
    """Return the asset's studio, name, versions and dependency stamp in one query (NotFound if unknown)."""
    try:
        pk = uuid.UUID(str(asset_id))
    except ValueError:
        raise NotFound("Not found.") from None
    sql = (f"SELECT a.id{_TEXT}, a.studio_id{_TEXT}, a.name, a.kind, a.approved_version, a.latest_version, d.hash "
           f"FROM {Asset._meta.db_table} a LEFT JOIN {DependencyStamp._meta.db_table} d ON d.studio_id = a.studio_id "
           "WHERE a.id = %s")
    rows = _fetch(sql, [_db_uuid(pk)])
    if not rows:
        raise NotFound("Not found.")
    keys = ("id", "studio_id", "name", "kind", "approved_version", "latest_version", "stamp")
    return {**dict(zip(keys, rows[0], strict=True)), "id": _dashed(rows[0][0]), "studio_id": _dashed(rows[0][1])}


def impact_compute(*, asset: dict[str, Any], version: int | None = None) -> dict[str, Any]:
    """Compute the impact for an asset row from `asset_row` (no access check: callers authorize)."""
    target = _target(asset, version)
    asset_id, studio_id = str(asset["id"]), str(asset["studio_id"])
    reached = walk_dependents(dependency_graph(studio_id, asset["stamp"]), asset_id, target)
    shots, episodes = _affected_shots(asset_id, target, reached)
    rank = {e["episode"]: index for index, e in enumerate(episodes)}
    shots.sort(key=lambda s: (rank[s["episode"]], s["order"], s["shot"]))
    return {"asset": asset_id, "name": asset["name"], "kind": asset["kind"], "target_version": target,
            "approved_version": asset["approved_version"], "latest_version": asset["latest_version"],
            "shots": shots, "episodes": episodes}


def _target(asset: dict[str, Any], version: int | None) -> int:
    if version is None:
        if asset["approved_version"] is None:
            raise NoTargetVersion(f"{asset['name']} has no approved version: give the version to compare with "
                                  "(version=N).", extra={"asset": str(asset["id"])})
        return asset["approved_version"]
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= asset["latest_version"]:
        raise InvalidInput(f"version must be one of {asset['name']}'s versions (1 to {asset['latest_version']}).",
                           fields={"version": [f"From 1 to {asset['latest_version']}."]})
    return version


def walk_dependents(graph: DependencyGraph, asset_id: str, target: int) -> Reached:
    """Return every version that contains or derives from an older version of the asset, breadth first.

    Each reached version maps to the version it was reached from and how it relates to it, so the
    shortest path back to the older version can be read off; the walk never passes through the
    asset's own versions (a pin of the target or a newer one is not affected).
    """
    frontier = [(asset_id, v) for v in sorted(graph.dependents.get(asset_id, {})) if v < target]
    reached: Reached = {key: (None, PINNED) for key in frontier}
    while frontier:
        following = []
        for key in frontier:
            for dep_asset, dep_version, relation in graph.dependents_of(key):
                found = (dep_asset, dep_version)
                if dep_asset != asset_id and found not in reached:
                    reached[found] = (key, relation)
                    following.append(found)
        frontier = following
    return reached


def via_path(reached: Reached, pinned: VersionKey) -> list[dict[str, Any]]:
    """Return the steps from a pinned version down to the older version of the analysed asset."""
    steps = [{"asset": pinned[0], "version": pinned[1], "relation": PINNED}]
    parent, relation = reached.get(pinned, (None, PINNED))
    while parent is not None:
        steps.append({"asset": parent[0], "version": parent[1], "relation": relation})
        parent, relation = reached[parent]
    return steps


def _affected_shots(asset_id: str, target: int, reached: Reached) -> tuple[list[dict], list[dict]]:
    by_asset: dict[str, list[int]] = defaultdict(list)
    for (dep_asset, dep_version), (parent, _relation) in reached.items():
        if parent is not None:
            by_asset[dep_asset].append(dep_version)
    paths: dict[VersionKey, tuple[tuple[Any, ...], list[dict[str, Any]]]] = {}
    best: dict[str, tuple[tuple[Any, ...], tuple[Any, ...]]] = {}
    for row in _current_pins(asset_id, target, by_asset):
        key = (row[2], row[3])
        if key not in paths:  # one path per pinned version, however many shots pin it
            via = via_path(reached, key)
            paths[key] = ((len(via), via[-1]["version"], [(s["asset"], s["version"]) for s in via]), via)
        shot = row[0].rpartition(":")[0]
        if shot not in best or paths[key][0] < best[shot][0]:
            best[shot] = (paths[key][0], row)
    shots = []
    for shot, (_rank, (revision_id, episode, asset, version, role, order)) in best.items():
        via = paths[(asset, version)][1]
        shots.append({"shot": shot, "episode": episode, "revision": int(revision_id.rpartition(":")[2]),
                      "order": order, "pinned_version": via[-1]["version"], "role": role, "via": via})
    return shots, _episodes(shots)


def _current_pins(asset_id: str, target: int, by_asset: dict[str, list[int]]) -> list[tuple[Any, ...]]:
    """Return (revision id, episode, asset, version, role, order) of the current pins, in one query.

    Hand-written SQL: one indexed range per asset on CastPin(asset, current, version), ids read as
    text so no UUID objects are built per row.
    """
    conditions, params = ["(asset_id = %s AND version < %s)"], [_db_uuid(asset_id), target]
    for dep_asset, versions in sorted(by_asset.items()):
        conditions.append(f"(asset_id = %s AND version IN ({', '.join(['%s'] * len(versions))}))")
        params += [_db_uuid(dep_asset), *sorted(versions)]
    sql = (f"SELECT shot_revision_id, episode_id{_TEXT}, asset_id{_TEXT}, version, role, {_ORDER} "
           f"FROM {CastPin._meta.db_table} WHERE current AND ({' OR '.join(conditions)})")
    rows = _fetch(sql, params)
    if connection.vendor == "postgresql":
        return rows
    return [(r[0], _dashed(r[1]), _dashed(r[2]), *r[3:]) for r in rows]  # SQLite keeps UUIDs as 32 hex digits


def _episodes(shots: list[dict[str, Any]]) -> list[dict[str, Any]]:
    counts: dict[str, int] = defaultdict(int)
    for shot in shots:
        counts[shot["episode"]] += 1
    if not counts:
        return []
    table = Episode._meta.db_table
    if connection.vendor == "postgresql":  # one array parameter: no per-id adaptation or query splitting
        rows = _fetch(f"SELECT id::text, series_id::text, number, title FROM {table} WHERE id = ANY(%s::uuid[])",
                      [list(counts)])
    else:
        marks = ", ".join(["%s"] * len(counts))
        rows = _fetch(f"SELECT id, series_id, number, title FROM {table} WHERE id IN ({marks})",
                      [_db_uuid(pk) for pk in counts])
    episodes = [{"episode": _dashed(pk), "series": _dashed(series), "number": number, "title": title}
                for pk, series, number, title in rows]
    for episode in episodes:
        episode["shots"] = counts[episode["episode"]]
    return sorted(episodes, key=lambda e: (e["series"], e["number"]))


def _fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _db_uuid(value: str) -> Any:
    return Asset._meta.pk.get_db_prep_value(value, connection, prepared=False)


def _dashed(value: str) -> str:
    return str(uuid.UUID(value)) if len(value) == 32 else value
