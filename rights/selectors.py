"""Rights reads: records, their history, and whether an episode's pinned versions may ship.

Coverage rule. A use is (territory, medium, date[, language]); a pinned asset version is covered
when some *active* rights record on that asset, on that exact version or on all versions
(`asset_version` null), covers the territory (worldwide or included, and never excluded), the
medium, and the date within [window_start, window_end] (both edges inclusive; no end means
open-ended); languages are checked only when a use names one, and an empty list means every language.

Assets without any rights record (any status) are the studio's own IP and are unrestricted:
original characters must be renderable without paperwork. Once a single record exists for an
asset, the records govern it, so terminating the only licence blocks the asset rather than
freeing it. Components of a pinned version (a costume inside a character) are checked the same
way, reported with `via`; a variant derived from a licensed asset is a separate asset and is
governed by its own records.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date

import eventlog
from assets.models import Asset, ComponentEdge
from config.errors import InvalidInput, NotFound
from config.types import Actor
from episodes.models import CastPin, Episode
from rights.events import stream
from rights.models import RightsRecord, RightsStatus
from rights.terms import coverage_failure
from studios.access import VIEW, authorize, get_visible, visible_studio_ids

# Clause order of `coverage_failure`; a record that fails later is "closer" to covering.
_CLAUSES = ("territory_excluded", "territory_not_included", "media_not_licensed", "window_not_started",
            "window_expired", "language_not_licensed")
_COVERED = len(_CLAUSES)
_MAX_COMPONENT_DEPTH = 16


@dataclass(frozen=True)
class Use:
    """One intended use of an episode: a territory, a medium, a date and optionally a language."""

    territory: str
    media: str
    date: date
    language: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"territory": self.territory, "media": self.media, "date": self.date.isoformat(),
                "language": self.language}


@dataclass(frozen=True)
class Pin:
    """An asset version an episode needs: pinned by a shot, or a component of a pinned version."""

    shot: str
    asset: str
    version: int
    via: tuple[tuple[str, int], ...] = ()


# --- records ---------------------------------------------------------------------------------

def rights_list(*, user: Actor, studio_id: Any = None, asset_id: Any = None, status: str | None = None
                ) -> QuerySet[RightsRecord]:
    """Return the rights records the user may see, optionally of one studio, asset or status."""
    records = RightsRecord.objects.all()
    if asset_id is not None:
        asset = Asset.objects.filter(pk=_uuid(asset_id)).values("studio_id").first()
        if asset is None:
            raise NotFound("Not found.")
        authorize(user, asset["studio_id"], VIEW)
        records = records.filter(asset_id=asset_id)
    if studio_id is not None:
        authorize(user, studio_id, VIEW)
        records = records.filter(studio_id=studio_id)
    if asset_id is None and studio_id is None:
        records = records.filter(studio_id__in=visible_studio_ids(user))
    if status:
        records = records.filter(status=status)
    return records.order_by("created_at", "id")


def rights_get(*, user: Actor, rights_id: Any) -> RightsRecord:
    """Return one rights record of the user's studios."""
    return get_visible(RightsRecord, rights_id, user)


def rights_history(*, record: RightsRecord) -> list[dict[str, Any]]:
    """Return the record's events (who changed what, when, from which request), oldest first."""
    return [
        {"version": e.stream_version, "type": e.type, "at": e.recorded_at.isoformat(),
         "actor": e.metadata.get("actor"), "request": e.metadata.get("request"),
         "data": {k: v for k, v in e.data.items() if k not in ("rights_id", "studio_id", "asset_id")}}
        for e in eventlog.load_stream(stream(str(record.id)))
    ]


# --- availability ----------------------------------------------------------------------------

def episode_availability(
    *, user: Actor, episode_id: Any, territory: str | None = None, media: str | None = None,
    on: date | None = None, language: str | None = None,
) -> dict[str, Any]:
    """Say whether an episode may ship for one use, or for each of its targets when none is given."""
    episode = _episode(episode_id)
    authorize(user, episode.studio_id, VIEW)
    if territory or media:
        if not (territory and media):
            raise InvalidInput("Give both territory and media (and optionally date).",
                               fields={"territory" if not territory else "media": ["Required with the other."]})
        uses = [Use(territory.upper(), media.lower(), on or timezone.localdate(), language or None)]
    else:
        uses = episode_uses(episode.targets)
    pins = _pins(episode.id, None)
    records = _records_by_asset(pins)
    conflicts = _conflicts(pins, records, uses)
    return {
        "episode": str(episode.id),
        "available": not conflicts,
        "checked": [u.as_dict() for u in uses],
        "conflicts": conflicts,
        "restrictions": _restrictions(pins, records),
        "unrestricted_assets": sorted({p.asset for p in pins if p.asset not in records}),
    }


def render_conflicts(*, episode_id: Any, shot_ids: list[Any] | None = None,
                     episode: Episode | None = None) -> list[dict[str, Any]]:
    """Return the rights conflicts of an episode's targets across the given shots' current pins.

    No access check: the caller (a render or plan service) has already authorized the action, and
    may pass the episode's row it has read. An episode without targets has nothing to ship and so
    no conflicts.
    """
    episode = episode if episode is not None else _episode(episode_id)
    uses = episode_uses(episode.targets)
    if not uses:
        return []
    pins = _pins(episode.id, shot_ids)
    return _conflicts(pins, _records_by_asset(pins), uses)


def pin_conflicts(*, episode_id: Any, cast: list[dict[str, Any]], shot_id: Any = None) -> list[dict[str, Any]]:
    """Return the conflicts that casting `[{asset, version}]` into a shot of the episode would raise."""
    episode = _episode(episode_id)
    uses = episode_uses(episode.targets)
    pins = [Pin(shot=str(shot_id) if shot_id else "", asset=str(c["asset"]), version=int(c["version"]))
            for c in cast]
    pins = _with_components(pins)
    return _conflicts(pins, _records_by_asset(pins), uses) if uses else []


def episode_uses(targets: list[dict[str, Any]] | None) -> list[Use]:
    """Turn an episode's targets [{territory, media, release_date}] into uses (no date: today)."""
    uses = []
    for target in targets or []:
        released = target.get("release_date")
        on = released if isinstance(released, date) else _parsed_date(released)
        uses.append(Use(str(target.get("territory", "")).upper(), str(target.get("media", "")).lower(),
                        on or timezone.localdate(),
                        target.get("language") or None))
    return uses


def _parsed_date(value: Any) -> date | None:
    try:
        return parse_date(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _episode(episode_id: Any) -> Episode:
    episode = Episode.objects.filter(pk=_uuid(episode_id)).only("id", "studio_id", "targets").first()
    if episode is None:
        raise NotFound("Not found.")
    return episode


def _pins(episode_id: Any, shot_ids: list[Any] | None) -> list[Pin]:
    """Return the current pins (one query) plus their components, in shot order."""
    query = CastPin.objects.filter(episode_id=episode_id, current=True)
    if shot_ids is not None:
        query = query.filter(shot_id__in=[_uuid(s) for s in shot_ids])
    rows = query.order_by("shot__order", "shot_id", "id").values_list("shot_id", "asset_id", "version")
    return _with_components([Pin(shot=str(s), asset=str(a), version=v) for s, a, v in rows])


def _with_components(pins: list[Pin]) -> list[Pin]:
    """Add the components of pinned versions, level by level (one query per level)."""
    result, frontier = list(pins), list(pins)
    for _ in range(_MAX_COMPONENT_DEPTH):
        parents = {f"{p.asset}:{p.version}" for p in frontier}
        if not parents:
            break
        edges: dict[str, list[tuple[str, int]]] = {}
        for parent, asset, version in ComponentEdge.objects.filter(parent_id__in=parents).values_list(
                "parent_id", "component_asset_id", "component_version"):
            edges.setdefault(parent, []).append((str(asset), version))
        frontier = [Pin(p.shot, asset, version, p.via + ((p.asset, p.version),))
                    for p in frontier for asset, version in edges.get(f"{p.asset}:{p.version}", [])]
        result += frontier
    return result


def _records_by_asset(pins: list[Pin]) -> dict[str, list[RightsRecord]]:
    """Return every rights record (any status) of the pinned assets, in one query."""
    grouped: dict[str, list[RightsRecord]] = {}
    if not pins:
        return grouped
    for record in RightsRecord.objects.filter(asset_id__in={p.asset for p in pins}).order_by("created_at", "id"):
        grouped.setdefault(str(record.asset_id), []).append(record)
    return grouped


def _conflicts(pins: list[Pin], records: dict[str, list[RightsRecord]], uses: list[Use]) -> list[dict[str, Any]]:
    conflicts = []
    verdicts: dict[tuple[str, int, Use], dict[str, Any] | None] = {}
    for use in uses:
        for pin in pins:
            if pin.asset not in records:
                continue  # never licensed: the studio's own IP
            key = (pin.asset, pin.version, use)
            if key not in verdicts:
                verdicts[key] = _verdict(records[pin.asset], pin.version, use)
            verdict = verdicts[key]
            if verdict is not None:
                conflicts.append(_conflict(pin, use, verdict))
    return conflicts


def _verdict(records: list[RightsRecord], version: int, use: Use) -> dict[str, Any] | None:
    """Return None when an active record covers the use, else the closest record's refusal."""
    applicable = [r for r in records if r.asset_version is None or r.asset_version == version]
    if not applicable:
        licensed = sorted({r.asset_version for r in records if r.asset_version is not None})  # none is None here
        return {"reason": "version_not_licensed", "rights": None,
                "detail": f"Rights cover version(s) {', '.join(map(str, licensed))} only, not {version}."}
    best: tuple[int, int] | None = None
    chosen: dict[str, Any] = {}
    for record in applicable:
        failure = coverage_failure(record, territory=use.territory, medium=use.media, on=use.date,
                                   language=use.language)
        active = record.status == RightsStatus.ACTIVE
        if failure is None and active:
            return None
        score = (_CLAUSES.index(failure[0]) if failure else _COVERED, int(active))
        if best is None or score > best:
            best = score
            reason, detail = failure or (f"rights_{record.status}", f"The covering rights are {record.status}.")
            chosen = {"reason": reason, "rights": str(record.id), "detail": detail}
    return chosen


def _conflict(pin: Pin, use: Use, verdict: dict[str, Any]) -> dict[str, Any]:
    return {"shot": pin.shot, "asset": pin.asset, "version": pin.version,
            "via": [{"asset": a, "version": v} for a, v in pin.via], **use.as_dict(), **verdict}


def _restrictions(pins: list[Pin], records: dict[str, list[RightsRecord]]) -> list[dict[str, Any]]:
    """List the restrictions of the live records that apply to the pinned versions (informational)."""
    seen: dict[str, dict[str, Any]] = {}
    for pin in pins:
        for r in records.get(pin.asset, []):
            applies = r.asset_version is None or r.asset_version == pin.version
            if applies and r.restrictions and r.status == RightsStatus.ACTIVE and str(r.id) not in seen:
                seen[str(r.id)] = {"rights": str(r.id), "asset": pin.asset, "restrictions": list(r.restrictions)}
    return list(seen.values())


def _uuid(value: Any) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise NotFound("Not found.") from None
