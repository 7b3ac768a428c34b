"""Asset library reads, from the read models (and, for time travel, from the asset's stream)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.dateparse import parse_datetime

import eventlog
from assets.aggregate import AssetState, asset_load
from assets.blob_names import blob_filename
from assets.diff import version_diff
from assets.models import Asset, AssetVersion, Blob, BlobGrant
from assets.schemas import KINDS
from config.errors import InvalidInput, NotFound
from config.types import Actor
from studios.access import VIEW, authorize, get_visible, visible_studio_ids


def asset_list(*, user: Actor, studio: str | None = None, kind: str | None = None, status: str | None = None,
               q: str | None = None) -> QuerySet[Asset]:
    """Return the assets of the caller's studios, filtered; `status` is the latest version's status."""
    if studio:
        authorize(user, studio, VIEW)
        assets = Asset.objects.filter(studio_id=studio)
    else:
        assets = Asset.objects.filter(studio_id__in=visible_studio_ids(user))
    if kind:
        if kind not in KINDS:
            raise InvalidInput(f"Unknown kind {kind!r}.", fields={"kind": [f"One of: {', '.join(KINDS)}."]})
        assets = assets.filter(kind=kind)
    if status:
        assets = assets.filter(latest_status=status)
    if q:
        for word in q.lower().split():
            assets = assets.filter(search_text__contains=word)
    return assets.order_by("name", "id")


def asset_get(*, user: Actor, asset_id: Any) -> Asset:
    """Return an asset of one of the caller's studios (NotFound otherwise)."""
    return get_visible(Asset, asset_id, user)


def asset_as_of(*, user: Actor, asset_id: Any, as_of: str) -> AssetState:
    """Return the asset folded from its stream up to a log position or an ISO time."""
    asset = asset_get(user=user, asset_id=asset_id)
    state = asset_load(asset.id, up_to_position=as_of_position(as_of))
    if state is None:
        raise NotFound("The asset did not exist yet at that point.")
    return state


def as_of_position(as_of: str) -> int:
    """Turn `as_of` (an event position, or an ISO-8601 time with a zone) into a log position."""
    text = (as_of or "").strip()
    if text.isascii() and text.isdigit():  # isdigit alone admits "²", which int() refuses
        return int(text)
    moment = _aware_time(text)
    if moment is None:
        raise InvalidInput("as_of must be an event position or an ISO-8601 time with a zone.",
                           fields={"as_of": ["An event position or an ISO-8601 time with a zone."]})
    return eventlog.position_at(moment)


def _aware_time(text: str) -> datetime | None:
    """Parse an ISO-8601 time with a zone into UTC; None when it is not one."""
    try:
        # A well-formed but impossible time (year 0, or year 1 east of UTC) raises instead of returning None.
        moment = parse_datetime(text.replace(" ", "+")) if text else None
        return moment.astimezone(UTC) if moment is not None and moment.tzinfo is not None else None
    except (ValueError, OverflowError):
        return None


def asset_version_list(*, user: Actor, asset_id: Any) -> QuerySet[AssetVersion]:
    """Return an asset's versions, oldest first."""
    asset = asset_get(user=user, asset_id=asset_id)
    return AssetVersion.objects.filter(asset_id=asset.id).order_by("number")


def asset_version_get(*, user: Actor, asset_id: Any, number: int) -> AssetVersion:
    """Return one version of an asset."""
    asset = asset_get(user=user, asset_id=asset_id)
    version = AssetVersion.objects.filter(pk=f"{asset.id}:{number}").first()
    if version is None:
        raise NotFound(f"Asset {asset.id} has no version {number}.")
    return version


def asset_version_history(*, user: Actor, asset_id: Any, number: int) -> list[dict[str, Any]]:
    """Return a version's review trail (status, by, at, comment, position) from the asset's stream."""
    version = asset_version_get(user=user, asset_id=asset_id, number=number)
    state = asset_load(version.asset_id)
    return state.versions[number].history if state else []


def asset_diff(*, user: Actor, asset_id: Any, from_version: int, to_version: int) -> dict[str, Any]:
    """Return the difference between two versions of an asset."""
    old = asset_version_get(user=user, asset_id=asset_id, number=from_version)
    new = asset_version_get(user=user, asset_id=asset_id, number=to_version)
    return {"from": from_version, "to": to_version, **version_diff(old, new)}


def blob_get(*, user: Actor, sha256: str) -> Blob:
    """Return a blob granted to one of the caller's studios (NotFound otherwise)."""
    studios = visible_studio_ids(user)
    sha256 = (sha256 or "").lower()
    if not BlobGrant.objects.filter(blob_id=sha256, studio_id__in=studios).exists():
        raise NotFound("Not found.")
    return Blob.objects.get(pk=sha256)


def blob_download_name(*, user: Actor, blob: Blob) -> str:
    """Return the file name a download of the blob carries, as the caller's studios know it."""
    return blob_filename(blob, visible_studio_ids(user))


def blob_default_studio(*, user: Actor) -> str:
    """Return the caller's only studio, for uploads that name none."""
    studios = visible_studio_ids(user)
    if len(studios) != 1:
        raise InvalidInput("You belong to several studios (or none): name the studio.",
                           fields={"studio": ["Required when you belong to several studios."]})
    return next(iter(studios))


def _uuid(value: Any) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise NotFound("Not found.") from None
