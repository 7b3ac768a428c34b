"""Impact analysis: the shots whose current revision relies on an older version of an asset.

A shot is affected when one of its current pins is an older version of the asset (direct), or a
version that contains one through components, or derives from one through a variant chain, at
any depth and in any mix. The walk runs over the studio's in-memory dependency graph; the pins of
the older versions and of every version reached are then read in one query over the
CastPin(asset, current, version) index.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from typing import Any

from django.db.models import OuterRef, Q, Subquery

from assets.models import Asset
from config.errors import InvalidInput, NotFound
from config.types import Actor
from episodes.models import CastPin, Episode
from lineage.impact.depgraph import DependencyGraph, VersionKey, dependency_graph
from lineage.impact.errors import NoTargetVersion
from lineage.models import DependencyStamp
from studios.access import VIEW, effective_role, permit
from studios.models import Membership

PINNED = "pinned"
Reached = dict[VersionKey, tuple[VersionKey | None, str]]


def impact_analyze(*, user: Actor, asset_id: Any, version: int | None = None) -> dict[str, Any]:
    """Return the shots and episodes affected by moving an asset to `version` (default: its approved one)."""
    asset = asset_row(asset_id, member=user)
    permit(effective_role(user, asset["role"]), VIEW)
    return impact_compute(asset=asset, version=version)


def asset_row(asset_id: Any, *, member: Actor | None = None) -> dict[str, Any]:
    """Return the asset's id, studio, name, kind and version numbers, its studio's dependency stamp and
    `member`'s role in that studio (NotFound if there is no such asset)."""
    try:
        pk = uuid.UUID(str(asset_id))
    except ValueError:
        raise NotFound("Not found.") from None
    stamp = DependencyStamp.objects.filter(studio_id=OuterRef("studio_id")).values("hash")
    role = Membership.objects.filter(studio_id=OuterRef("studio_id"))
    role = role.filter(user_id=member.pk) if member is not None and member.is_authenticated else role.none()
    asset = (Asset.objects.filter(pk=pk)
             .annotate(stamp=Subquery(stamp), role=Subquery(role.values("role")))
             .values("id", "studio_id", "name", "kind", "approved_version", "latest_version", "stamp", "role")
             .first())
    if asset is None:
        raise NotFound("Not found.")
    return {**asset, "id": str(asset["id"]), "studio_id": str(asset["studio_id"])}


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
    pinned = Q(asset_id=asset["id"], version__lt=target)
    for dep_asset, versions in sorted(by_asset.items()):
        pinned |= Q(asset_id=dep_asset, version__in=sorted(versions))
    rows = _pins(pinned)
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


def _pins(condition: Q) -> list[tuple[Any, ...]]:
    """Return the current pins matching a condition as (revision id, episode, asset, version, role, order)."""
    pins = CastPin.objects.filter(condition, current=True).values_list(
        "shot_revision_id", "episode_id", "asset_id", "version", "role", "order")
    return [(revision, str(episode), str(asset), version, role, order)
            for revision, episode, asset, version, role, order in pins]


# Episodes never change once created (there is no event that would change one), so each process keeps
# the (series, number, title) it has read rather than reading an episode again for every analysis.
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
        for episode, series, number, title in Episode.objects.filter(pk__in=missing).values_list(
                "id", "series_id", "number", "title"):
            about[str(episode)] = _EPISODES[str(episode)] = (str(series), number, title)
    return {pk: about.get(pk, ("", 0, "")) for pk in ids}  # a pin names its episode: never missing
