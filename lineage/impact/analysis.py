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
from config.database import fetch_pipelined
from config.errors import InvalidInput, NotFound
from episodes.models import CastPin, Episode
from lineage.impact.depgraph import DependencyGraph, VersionKey, dependency_graph
from lineage.impact.errors import NoTargetVersion
from lineage.models import DependencyStamp
from studios.access import VIEW, effective_role, permit
from studios.models import Membership

PINNED = "pinned"
_ORDER = connection.ops.quote_name("order")
_TEXT = "::text" if connection.vendor == "postgresql" else ""
Reached = dict[VersionKey, tuple[VersionKey | None, str]]


def impact_analyze(*, user: Any, asset_id: Any, version: int | None = None) -> dict[str, Any]:
    """Return the shots and episodes affected by moving an asset to `version` (default: its approved one)."""
    asset = asset_row(asset_id, member=user, version=version)
    permit(effective_role(user, asset["role"]), VIEW)
    return impact_compute(asset=asset, version=version)


def asset_row(asset_id: Any, *, member: Any = None, version: int | None = None) -> dict[str, Any]:
    """Return the asset's studio, name, versions and dependency stamp (NotFound if unknown), in one query
    that also reads `member`'s role in the studio and the current pins of the asset's versions older
    than `version` (default: the approved one) with their episodes: the whole of a direct-only impact.
    """
    try:
        pk = uuid.UUID(str(asset_id))
    except ValueError:
        raise NotFound("Not found.") from None
    # Anything that cannot be a version number is left to impact_compute to refuse, after the lookup.
    below = version if type(version) is int and 1 <= version < 2**31 else None
    found, direct = fetch_pipelined([(_ASSET_SQL, [getattr(member, "pk", None), _db_uuid(pk)]),
                                     (_DIRECT_PINS_SQL, [_db_uuid(pk), below, _db_uuid(pk)])])
    if not found:
        raise NotFound("Not found.")
    keys = ("id", "studio_id", "name", "kind", "approved_version", "latest_version", "stamp", "role")
    asset = {**dict(zip(keys, found[0], strict=True)), "id": _dashed(found[0][0]), "studio_id": _dashed(found[0][1])}
    # The pins read alongside answer the direct case for this target; impact_compute checks it is its own.
    asset["pins_below"] = below if below is not None else asset["approved_version"]
    asset["pins"] = _pin_rows(direct)
    return asset


def impact_compute(*, asset: dict[str, Any], version: int | None = None) -> dict[str, Any]:
    """Compute the impact for an asset row from `asset_row` (no access check: callers authorize)."""
    target = _target(asset, version)
    asset_id, studio_id = str(asset["id"]), str(asset["studio_id"])
    reached = walk_dependents(dependency_graph(studio_id, asset["stamp"]), asset_id, target)
    shots, episodes = _affected_shots(asset, target, reached)
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


def _affected_shots(asset: dict[str, Any], target: int, reached: Reached) -> tuple[list[dict], list[dict]]:
    """Return the affected shots (in episode and shot order) and their episodes, each shot with its
    shortest path to an older version of the asset."""
    by_asset: dict[str, list[int]] = defaultdict(list)
    for (dep_asset, dep_version), (parent, _relation) in reached.items():
        if parent is not None:
            by_asset[dep_asset].append(dep_version)
    direct = asset.get("pins") if asset.get("pins_below") == target else None
    if direct is None:
        direct = _pins([("p.asset_id = %s AND p.version < %s", [_db_uuid(asset["id"]), target])])
    conditions = [(f"p.asset_id = %s AND p.version IN ({', '.join(['%s'] * len(versions))})",
                   [_db_uuid(dep_asset), *sorted(versions)]) for dep_asset, versions in sorted(by_asset.items())]
    paths: dict[VersionKey, tuple[tuple[Any, ...], list[dict[str, Any]]]] = {}
    best: dict[str, tuple[tuple[Any, ...], list[dict[str, Any]], tuple[Any, ...]]] = {}
    for row in direct + (_pins(conditions) if conditions else []):  # each list in episode and shot order
        key = (row[2], row[3])
        path = paths.get(key)
        if path is None:  # one path per pinned version, however many shots pin it
            via = via_path(reached, key)
            path = paths[key] = ((len(via), via[-1]["version"], [(s["asset"], s["version"]) for s in via]), via)
        shot = row[0].rpartition(":")[0]
        known = best.get(shot)
        if known is None or path[0] < known[0]:
            best[shot] = (path[0], path[1], row)
    episodes: dict[str, dict[str, Any]] = {}
    shots = []
    for shot, (_rank, via, (revision_id, episode, _asset, _version, role, order, *about)) in best.items():
        shots.append({"shot": shot, "episode": episode, "revision": int(revision_id[len(shot) + 1:]),
                      "order": order, "pinned_version": via[-1]["version"], "role": role, "via": via})
        if episode in episodes:
            episodes[episode]["shots"] += 1
        else:
            series, number, title = about
            episodes[episode] = {"episode": episode, "series": series, "number": number, "title": title, "shots": 1}
    if not conditions:  # one ordered list of rows: shots and episodes came out in order
        return shots, list(episodes.values())
    ordered = sorted(episodes.values(), key=lambda e: (e["series"], e["number"]))
    rank = {e["episode"]: index for index, e in enumerate(ordered)}
    shots.sort(key=lambda s: (rank[s["episode"]], s["order"], s["shot"]))
    return shots, ordered


# The asset, its studio's dependency stamp and the member's role.
_ASSET_SQL = (
    f"SELECT a.id{_TEXT}, a.studio_id{_TEXT}, a.name, a.kind, a.approved_version, a.latest_version, d.hash, m.role "
    f"FROM {Asset._meta.db_table} a "
    f"LEFT JOIN {DependencyStamp._meta.db_table} d ON d.studio_id = a.studio_id "
    f"LEFT JOIN {Membership._meta.db_table} m ON m.studio_id = a.studio_id AND m.user_id = %s "
    "WHERE a.id = %s"
)


def _pins_sql(condition: str) -> str:
    """Return a query of current pins as (revision id, episode, asset, version, role, order, series,
    episode number, episode title) in episode and shot order, ids as text so no UUID objects are built."""
    return (f"SELECT p.shot_revision_id, p.episode_id{_TEXT}, p.asset_id{_TEXT}, p.version, p.role, p.{_ORDER}, "
            f"e.series_id{_TEXT}, e.number, e.title FROM {CastPin._meta.db_table} p "
            f"JOIN {Episode._meta.db_table} e ON e.id = p.episode_id WHERE p.current AND ({condition}) "
            f"ORDER BY e.series_id, e.number, p.{_ORDER}, p.shot_revision_id")


# The current pins of the asset's versions below a target (default: its approved version).
_DIRECT_PINS_SQL = _pins_sql("p.asset_id = %s AND p.version < "
                             f"COALESCE(%s, (SELECT approved_version FROM {Asset._meta.db_table} WHERE id = %s))")


def _pins(conditions: list[tuple[str, list[Any]]]) -> list[tuple[Any, ...]]:
    """Return the current pins matching any condition, in one query over the CastPin(asset, current,
    version) index."""
    params = [param for _sql, values in conditions for param in values]
    sql = _pins_sql(" OR ".join(f"({sql})" for sql, _values in conditions))
    return _pin_rows(fetch_pipelined([(sql, params)])[0])


def _pin_rows(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    if connection.vendor == "postgresql":
        return rows
    # SQLite keeps UUIDs as 32 hex digits.
    return [(row[0], _dashed(row[1]), _dashed(row[2]), *row[3:6], _dashed(row[6]), *row[7:]) for row in rows]


def _db_uuid(value: str) -> Any:
    return Asset._meta.pk.get_db_prep_value(value, connection, prepared=False)


def _dashed(value: str) -> str:
    return str(uuid.UUID(value)) if len(value) == 32 else value
