"""Asset library read models: assets, their versions and component edges; blobs and studio grants."""

from __future__ import annotations

import hashlib
from typing import Any

from assets.models import Asset, AssetVersion, Blob, BlobGrant, ComponentEdge
from eventlog import Projection, RecordedEvent, Rows, register
from eventlog.canonical import canonical_bytes

_STATUS = {
    "AssetVersionSubmitted": "in_review",
    "AssetVersionApproved": "approved",
    "AssetVersionRejected": "rejected",
    "AssetVersionRetired": "retired",
}


def asset_created(event: RecordedEvent, rows: Rows) -> None:
    """Add the asset, with no version yet (its first version is the next event)."""
    e = event.payload
    rows.add(Asset(id=e.asset_id, studio_id=e.studio_id, kind=e.kind, name=e.name, latest_version=0,
                   approved_version=None, latest_status="draft", created_at=event.recorded_at,
                   updated_at=event.recorded_at, search_text=e.name.lower()))


def asset_version_created(event: RecordedEvent, rows: Rows) -> None:
    """Add the version as a draft, its component edges, and move the asset's latest version."""
    e = event.payload
    version_id = f"{e.asset_id}:{e.number}"
    rows.add(AssetVersion(
        id=version_id, asset_id=e.asset_id, number=e.number, status="draft", attributes=e.attributes,
        attributes_hash=hashlib.sha256(canonical_bytes(e.attributes)).hexdigest(), references=e.references,
        components=e.components, derived_from=e.derived_from, note=e.note, created_at=event.recorded_at,
        created_by=e.author, status_changed_at=event.recorded_at))
    for pin in e.components:
        rows.add(ComponentEdge(id=f"{version_id}>{pin['asset']}:{pin['version']}", parent_id=version_id,
                               component_asset_id=pin["asset"], component_version=pin["version"]))
    asset = rows.get(Asset, e.asset_id)
    asset.latest_version, asset.latest_status, asset.updated_at = e.number, "draft", event.recorded_at
    asset.search_text = _search_text(asset.name, e.attributes)
    rows.save(asset)


def asset_version_status_changed(event: RecordedEvent, rows: Rows) -> None:
    """Set the version's status and recompute the asset's approved version."""
    e = event.payload
    version = rows.get(AssetVersion, f"{e.asset_id}:{e.number}")
    version.status, version.status_changed_at = _STATUS[event.type], event.recorded_at
    rows.save(version)
    asset = rows.get(Asset, e.asset_id)
    asset.updated_at = event.recorded_at
    if e.number == asset.latest_version:
        asset.latest_status = version.status
    asset.approved_version = _highest_approved(rows, e.asset_id, asset.latest_version)
    rows.save(asset)


def _highest_approved(rows: Rows, asset_id: str, latest: int) -> int | None:
    for number in range(latest, 0, -1):
        if rows.get(AssetVersion, f"{asset_id}:{number}").status == "approved":
            return number
    return None


def _search_text(name: str, attributes: dict[str, Any]) -> str:
    """Return the lower-cased name and every attribute string, for `q=` search."""
    words = [name]

    def collect(value: Any) -> None:
        if isinstance(value, str):
            words.append(value)
        elif isinstance(value, list):
            for item in value:
                collect(item)
        elif isinstance(value, dict):
            # Sorted: PostgreSQL's jsonb reorders keys, and a rebuild must give the same text.
            for key in sorted(value):
                collect(value[key])

    collect(attributes)
    return "\n".join(words).lower()


def blob_stored(event: RecordedEvent, rows: Rows) -> None:
    """Add the blob the first time it is stored, and the studio's grant (idempotent per studio)."""
    e = event.payload
    if rows.get(Blob, e.sha256) is None:
        rows.add(Blob(sha256=e.sha256, content_type=e.content_type, width=e.width, height=e.height, size=e.size,
                      created_at=event.recorded_at))
    grant_id = f"{e.studio_id}:{e.sha256}"
    if rows.get(BlobGrant, grant_id) is None:
        rows.add(BlobGrant(id=grant_id, studio_id=e.studio_id, blob_id=e.sha256, granted_at=event.recorded_at))


ASSETS = register(
    Projection(
        name="assets",
        handlers={
            "AssetCreated": asset_created,
            "AssetVersionCreated": asset_version_created,
            "AssetVersionSubmitted": asset_version_status_changed,
            "AssetVersionApproved": asset_version_status_changed,
            "AssetVersionRejected": asset_version_status_changed,
            "AssetVersionRetired": asset_version_status_changed,
        },
        models=[Asset, AssetVersion, ComponentEdge],
    )
)

BLOBS = register(Projection(name="blobs", handlers={"BlobStored": blob_stored}, models=[Blob, BlobGrant]))
