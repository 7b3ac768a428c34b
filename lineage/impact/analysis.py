"""Impact analysis: the shots whose current revision relies on an older version of an asset.

A shot is affected when one of its current pins is an older version of the asset (direct), or a
version that contains one through components, or derives from one through a variant chain, at
any depth and in any mix. The walk runs over the studio's in-memory dependency graph. The pins are
indexed lookups on CastPin(asset, current, version): the direct ones are read in the same round
trip as the asset, those of the versions reached through components or variants in one more query.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
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
    """Return the asset's studio, name, versions and dependency stamp (NotFound if unknown), read in one
    round trip with `member`'s role in the studio and the current pins of the asset's versions older
    than `version` (default: the approved one) with their episodes: the whole of a direct-only impact.
    """
    try:
        pk = uuid.UUID(str(asset_id))
    except ValueError:
        raise NotFound("Not found.") from None
    # Anything that cannot be a version number is left to impact_compute to refuse, after the lookup.
    below = version if type(version) is int and 1 <= version < 2**31 else None
    found, pins = fetch_pipelined([(_ASSET_SQL, [getattr(member, "pk", None), _db_uuid(pk)]),
                                   (_pins_sql(_DIRECT), [_db_uuid(pk), below, _db_uuid(pk)])])
    if not found:
        raise NotFound("Not found.")
    keys = ("id", "studio_id", "name", "kind", "approved_version", "latest_version", "stamp", "role")
    asset = {**dict(zip(keys, found[0], strict=True)), "id": _dashed(found[0][0]), "studio_id": _dashed(found[0][1])}
    # The pins read alongside answer the direct case for this target; impact_compute checks it is its own.
    asset["pins_below"] = below if below is not None else asset["approved_version"]
    asset["pins"] = _pin_rows(pins)
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
    rows = direct + (_pins(conditions) if conditions else [])
    about = _episodes_about({row[1] for row in rows})
    paths: dict[VersionKey, tuple[tuple[Any, ...], list[dict[str, Any]]]] = {}
    best: dict[str, tuple[tuple[tuple[Any, ...], list[dict[str, Any]]], tuple[Any, ...], str]] = {}
    for row in rows:
        key = (row[2], row[3])
        path = paths.get(key)
        if path is None:  # one path per pinned version, however many shots pin it
            via = via_path(reached, key)
            path = paths[key] = ((len(via), via[-1]["version"], [(s["asset"], s["version"]) for s in via]), via)
        shot, _, number = row[0].rpartition(":")
        known = best.get(shot)
        if known is None or path[0] < known[0][0]:
            best[shot] = (path, row, number)
    # Sorted as plain tuples (series, episode number, shot order, shot): no key function per shot.
    ordered = sorted((*about[row[1]][:2], row[5], shot, row, path[1], number)
                     for shot, (path, row, number) in best.items())
    shots = [{"shot": shot, "episode": row[1], "revision": int(number), "order": row[5],
              "pinned_version": via[-1]["version"], "role": row[4], "via": via}
             for _series, _number, _order, shot, row, via, number in ordered]
    counts = Counter(shot["episode"] for shot in shots)
    episodes = [{"episode": episode, "series": about[episode][0], "number": about[episode][1],
                 "title": about[episode][2], "shots": count} for episode, count in counts.items()]
    return shots, episodes  # episodes in the shots' order: by series, then number


# The asset, its studio's dependency stamp and the member's role.
_ASSET_SQL = (
    f"SELECT a.id{_TEXT}, a.studio_id{_TEXT}, a.name, a.kind, a.approved_version, a.latest_version, d.hash, m.role "
    f"FROM {Asset._meta.db_table} a "
    f"LEFT JOIN {DependencyStamp._meta.db_table} d ON d.studio_id = a.studio_id "
    f"LEFT JOIN {Membership._meta.db_table} m ON m.studio_id = a.studio_id AND m.user_id = %s "
    "WHERE a.id = %s"
)


# Which pins impact reads: the current pins of the asset's versions below a target (default: approved).
_DIRECT = ("p.asset_id = %s AND p.version < "
           f"COALESCE(%s, (SELECT approved_version FROM {Asset._meta.db_table} WHERE id = %s))")
_PINS = CastPin._meta.db_table


def _pins_sql(condition: str) -> str:
    """Return a SELECT of the current pins matching a condition as (revision id, episode, asset, version,
    role, order), ids as text so no UUID objects are built per row."""
    return (f"SELECT p.shot_revision_id, p.episode_id{_TEXT}, p.asset_id{_TEXT}, p.version, p.role, p.{_ORDER} "
            f"FROM {_PINS} p WHERE p.current AND ({condition})")


def _pins(conditions: list[tuple[str, list[Any]]]) -> list[tuple[Any, ...]]:
    """Return the current pins matching any condition, in one query over the CastPin(asset, current,
    version) index."""
    params = [param for _sql, values in conditions for param in values]
    return _pin_rows(fetch_pipelined([(_pins_sql(" OR ".join(f"({sql})" for sql, _ in conditions)), params)])[0])


def _pin_rows(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    if connection.vendor == "postgresql":
        return rows
    return [(row[0], _dashed(row[1]), _dashed(row[2]), *row[3:]) for row in rows]  # SQLite: 32 hex digits


# Episodes never change once created (there is no event that would change one), so each process keeps
# the (series, number, title) it has read: joining every pin row to its episode cost more than the
# whole rest of an impact analysis.
_EPISODES: dict[str, tuple[str, int, str]] = {}
_EPISODES_KEPT = 100_000


def _episodes_about(ids: set[str]) -> dict[str, tuple[str, int, str]]:
    """Return {episode: (series, number, title)} for these episode ids, reading only those not yet known."""
    about: dict[str, tuple[str, int, str]] = {}
    missing = []
    for pk in ids:
        known = _EPISODES.get(pk)
        if known is None:
            missing.append(pk)
        else:
            about[pk] = known
    if missing:
        if len(_EPISODES) + len(missing) > _EPISODES_KEPT:
            _EPISODES.clear()  # `about` already holds what this call needs: another thread may clear too
        table = Episode._meta.db_table
        if connection.vendor == "postgresql":  # one array parameter: no per-id adaptation or query splitting
            statement = (f"SELECT id::text, series_id::text, number, title FROM {table} WHERE id = ANY(%s::uuid[])",
                         [missing])
        else:
            marks = ", ".join(["%s"] * len(missing))
            statement = (f"SELECT id, series_id, number, title FROM {table} WHERE id IN ({marks})",
                         [_db_uuid(pk) for pk in missing])
        for pk, series, number, title in fetch_pipelined([statement])[0]:
            about[_dashed(pk)] = _EPISODES[_dashed(pk)] = (_dashed(series), number, title)
    return {pk: about.get(pk, ("", 0, "")) for pk in ids}  # a pin names its episode: never missing


def _db_uuid(value: str) -> Any:
    return Asset._meta.pk.get_db_prep_value(value, connection, prepared=False)


def _dashed(value: str) -> str:
    return str(uuid.UUID(value)) if len(value) == 32 else value
