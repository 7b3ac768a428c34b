"""Asset library use cases: create assets and immutable versions, review them, store blobs.

Every check runs before the append, so a refused action appends nothing and stores nothing.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.db import connection
from django.db.models import Exists

import eventlog
from assets import pins
from assets.aggregate import TRANSITIONS, AssetState, asset_load
from assets.blobstore import blob_key, storage_delete, storage_put, thumbnail_key
from assets.errors import AssetVersionConflict, BlobTooLarge, InvalidTransition
from assets.events import (
    AssetCreated,
    AssetVersionApproved,
    AssetVersionCreated,
    AssetVersionRejected,
    AssetVersionRetired,
    AssetVersionSubmitted,
    BlobStored,
    blob_stream,
    stream,
)
from assets.images import ImageInfo, image_header, image_inspect, image_thumbnail
from assets.merge_patch import merge_patch
from assets.models import Asset, AssetVersion, Blob, BlobGrant
from assets.schemas import validate_attributes
from config.errors import InvalidInput, NotFound
from config.types import Actor
from eventlog import ConcurrencyError, StreamWrite
from studios.access import authorize

MAX_NOTE = 5000
MAX_COMMENT = 5000
# Appends lost to a concurrent review step (not a new version) are retried this many times.
_RETRIES = 5


def asset_create(
    *, actor: Actor, studio_id: str, kind: str, name: str, attributes: dict, references: Sequence[str] = (),
    components: Sequence[dict] = (), derived_from: dict | None = None, note: str = "",
) -> Asset:
    """Create an asset with its first version (a draft)."""
    studio_id = str(studio_id)
    authorize(actor, studio_id, "asset.create")
    name = _clean_name(name)
    asset_id = str(uuid.uuid4())
    version = _version_event(actor=actor, studio_id=studio_id, asset_id=asset_id, kind=kind, number=1,
                             attributes=attributes, references=references, components=components,
                             derived_from=derived_from, note=note)
    created = AssetCreated(asset_id=asset_id, studio_id=studio_id, kind=kind, name=name)
    eventlog.append(stream(asset_id), [created, version], expected_version=0, actor=actor, studio_id=studio_id)
    return Asset.objects.get(pk=asset_id)


def asset_version_create(
    *, actor: Actor, asset_id: str, expected_version: int, attributes: dict | None = None,
    attributes_patch: dict | None = None, references: list[str] | None = None,
    components: list[dict] | None = None, derived_from: dict | None = None, note: str = "",
) -> AssetVersion:
    """Add a version to an asset, refusing (409) when `expected_version` is no longer the latest.

    Give either `attributes` (the whole new set) or `attributes_patch` (an RFC 7386 merge patch applied
    to the latest version's attributes); omitted references and components keep the latest ones.
    """
    if (attributes is None) == (attributes_patch is None):
        raise InvalidInput("Give either attributes or attributes_patch.", fields={
            "attributes": ["Give either attributes (all of them) or attributes_patch (a merge patch), not both."]})
    if attributes_patch is not None and not isinstance(attributes_patch, dict):
        raise InvalidInput("attributes_patch must be a JSON object.",
                           fields={"attributes_patch": ["Must be a JSON object (RFC 7386 merge patch)."]})
    for _attempt in range(_RETRIES):
        state = _load(actor, asset_id, "asset.revise")
        if state.latest_version != expected_version:
            raise AssetVersionConflict(state.id, expected_version, state.latest_version)
        previous = state.versions[state.latest_version]
        number = state.latest_version + 1
        event = _version_event(
            actor=actor, studio_id=state.studio_id, asset_id=state.id, kind=state.kind, number=number,
            attributes=merge_patch(previous.attributes, attributes_patch) if attributes is None else attributes,
            note=note, derived_from=derived_from,
            references=previous.references if references is None else references,
            components=previous.components if components is None else components)
        try:
            _append(actor, state, event)
        except ConcurrencyError:
            continue  # someone appended meanwhile: reload and decide again
        return AssetVersion.objects.get(pk=f"{state.id}:{number}")
    raise AssetVersionConflict(state.id, expected_version, state.latest_version)


def asset_version_submit(*, actor: Actor, asset_id: str, number: int, comment: str = "") -> AssetVersion:
    """Submit a draft version for review."""
    return _review(actor, asset_id, number, comment, "submit")


def asset_version_approve(*, actor: Actor, asset_id: str, number: int, comment: str = "") -> AssetVersion:
    """Approve a version in review (supervisors and admins)."""
    return _review(actor, asset_id, number, comment, "approve")


def asset_version_reject(*, actor: Actor, asset_id: str, number: int, comment: str = "") -> AssetVersion:
    """Reject a version in review (supervisors and admins)."""
    return _review(actor, asset_id, number, comment, "reject")


def asset_version_retire(*, actor: Actor, asset_id: str, number: int, comment: str = "") -> AssetVersion:
    """Retire a version from any status but retired (supervisors and admins)."""
    return _review(actor, asset_id, number, comment, "retire")


_REVIEW = {
    "submit": ("asset.submit", AssetVersionSubmitted),
    "approve": ("asset.approve", AssetVersionApproved),
    "reject": ("asset.approve", AssetVersionRejected),
    "retire": ("asset.retire", AssetVersionRetired),
}


def _review(actor: Actor, asset_id: str, number: int, comment: str, step: str) -> AssetVersion:
    permission, event_class = _REVIEW[step]
    comment = _clean_text(comment, "comment", MAX_COMMENT)
    for _attempt in range(_RETRIES):
        state = _load(actor, asset_id, permission)
        version = state.versions.get(number) if isinstance(number, int) else None
        if version is None:
            raise NotFound(f"Asset {state.id} has no version {number}.")
        allowed_from, target = TRANSITIONS[step]
        if version.status not in allowed_from:
            raise InvalidTransition(
                f"Version {number} is {version.status}: it can not be moved to {target} ({step}).",
                extra={"status": version.status, "step": step, "allowed_from": sorted(allowed_from)})
        event = event_class(asset_id=state.id, number=number, comment=comment, author=actor.username)
        try:
            _append(actor, state, event)
        except ConcurrencyError:
            continue
        return AssetVersion.objects.get(pk=f"{state.id}:{number}")
    raise AssetVersionConflict(state.id, number, state.latest_version)


def _load(actor: Actor, asset_id: Any, permission: str) -> AssetState:
    """Load an asset's aggregate after checking the actor may act on it (404 for other studios)."""
    state = asset_load(asset_id)
    if state is None:
        raise NotFound("Not found.")
    authorize(actor, state.studio_id, permission)
    return state


def _append(actor: Actor, state: AssetState, event: Any) -> None:
    eventlog.append(stream(state.id), [event], expected_version=state.stream_version, actor=actor,
                    studio_id=state.studio_id)


def _version_event(
    *, actor: Actor, studio_id: str, asset_id: str, kind: str, number: int, attributes: Any, references: Any,
    components: Any, derived_from: Any, note: str,
) -> AssetVersionCreated:
    """Validate a version's content and return its event."""
    return AssetVersionCreated(
        asset_id=asset_id, studio_id=studio_id, number=number,
        attributes=validate_attributes(kind, attributes),
        references=pins.references_clean(studio_id, list(references)),
        components=pins.components_clean(studio_id, asset_id, list(components)),
        derived_from=pins.derived_from_clean(studio_id, kind, derived_from),
        note=_clean_text(note, "note", MAX_NOTE), author=actor.username)


def _clean_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > 200:
        raise InvalidInput("An asset needs a name of 1 to 200 characters.", fields={"name": ["1 to 200 characters."]})
    return name.strip()


def _clean_text(value: Any, field: str, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > limit:
        raise InvalidInput(f"{field} must be a string of at most {limit} characters.",
                           fields={field: [f"At most {limit} characters."]})
    return value


# --- blobs ---------------------------------------------------------------------------------------

def blob_store(*, actor: Actor, studio_id: str, data: bytes | IO[bytes], filename: str = "") -> Blob:
    """Store an image once under its SHA-256 and grant the studio access (an upload event).

    The returned blob's `created` is True unless the studio already held these bytes.
    """
    studio_id = str(studio_id)
    authorize(actor, studio_id, "blob.upload")
    content = _read_limited(data)
    sha = hashlib.sha256(content).hexdigest()
    # One query: None when the bytes are new, else whether the studio holds a grant (only made with its blob).
    granted = (Blob.objects.filter(pk=sha).annotate(granted=Exists(BlobGrant.objects.filter(pk=f"{studio_id}:{sha}")))
               .values_list("granted", flat=True).first())
    if not granted:  # a granted blob's bytes were validated when first stored
        info = image_inspect(content)
        # Files are durable before the append that names them, and written outside it: no lock waits on a disk.
        stored = []  # the files this call made
        for key, made in ((blob_key(sha), content), (thumbnail_key(sha), image_thumbnail(content))):
            if storage_put(key, made):
                stored.append(key)
        try:
            eventlog.append_streams([_blob_stored(studio_id, sha, info, len(content))], actor=actor,
                                    studio_id=studio_id)
        except BaseException:
            _discard_unreferenced(sha, stored)
            raise
    blob = Blob.objects.get(pk=sha)
    # 201 unless this studio already holds these bytes: another studio's upload must look like no upload at all.
    blob.created = granted is not True
    return blob


@dataclass(frozen=True)
class MadeBlob:
    """Bytes the system made (a render's PNG), checked and stored, and the write that records them."""

    sha256: str
    writes: list[StreamWrite]
    stored: bool  # whether storing them made the file (it was not there before)


def blob_store_made(*, studio_id: str, data: bytes, info: ImageInfo | None = None) -> MadeBlob:
    """Check and durably store bytes the system made itself; return the write to append with them.

    For a render's PNG, appended in one transaction with the render, on behalf of a requester who
    was authorized when the job was queued. Such bytes are new (a PNG carries its manifest's hash),
    so no query looks for them first: at worst the log gets a second BlobStored, which its
    projection ignores. The thumbnail is derived when first asked for. If the append is then
    refused, pass the result to `blob_discard`. Bytes that are not an image (a clip's MP4) come with
    their `info` (content type and frame size) from the code that encoded them.
    """
    content = _read_limited(data)
    sha = hashlib.sha256(content).hexdigest()
    info = image_header(content) if info is None else info
    stored = storage_put(blob_key(sha), content)
    return MadeBlob(sha, [_blob_stored(studio_id, sha, info, len(content))], stored)


def blob_store_file(*, studio_id: str, data: bytes, content_type: str) -> MadeBlob:
    """Durably store a file the system made that is not an image (an export of a cut); return the write
    to append with it. Such a blob has no pixel size (0 × 0) and no thumbnail."""
    sha = hashlib.sha256(data).hexdigest()
    stored = storage_put(blob_key(sha), data)
    event = BlobStored(studio_id=studio_id, sha256=sha, content_type=content_type, width=0, height=0, size=len(data))
    return MadeBlob(sha, [StreamWrite(blob_stream(sha), [event], expected_version=None)], stored)


def blob_discard(*, blob: MadeBlob) -> None:
    """Remove the file of made bytes whose append was refused, unless a blob row holds those bytes."""
    _discard_unreferenced(blob.sha256, [blob_key(blob.sha256)] if blob.stored else [])


def _discard_unreferenced(sha: str, keys: list[str]) -> None:
    """Remove files this call stored for an append that was refused, unless a Blob row references them.

    Only files this call made are removed: one that was there before belongs to an earlier upload
    or to one still on its way to its append. `manage.py blobs sweep` removes what a crash leaves.
    """
    if not keys or connection.needs_rollback:  # no query runs in a broken transaction: the sweep removes them later
        return
    if not Blob.objects.filter(pk=sha).exists():
        for key in keys:
            storage_delete(key)


def _blob_stored(studio_id: str, sha: str, info: ImageInfo, size: int) -> StreamWrite:
    event = BlobStored(studio_id=studio_id, sha256=sha, content_type=info.content_type, width=info.width,
                       height=info.height, size=size)
    return StreamWrite(blob_stream(sha), [event], expected_version=None)


def _read_limited(data: bytes | IO[bytes]) -> bytes:
    """Return the upload's bytes, refusing (413) more than settings.BLOB_MAX_BYTES without reading them all."""
    limit = settings.BLOB_MAX_BYTES
    if isinstance(data, bytes | bytearray | memoryview):
        content = bytes(data)
    else:
        size = getattr(data, "size", None)
        if size is not None and size > limit:
            raise _too_large(size, limit)
        if hasattr(data, "seek"):
            data.seek(0)
        content = data.read(limit + 1)
    if len(content) > limit:
        raise _too_large(len(content), limit)
    if not content:
        raise InvalidInput("The file is empty.", fields={"file": ["Empty file."]})
    return content


def _too_large(size: int, limit: int) -> BlobTooLarge:
    return BlobTooLarge(f"The upload is larger than the limit of {limit} bytes.", extra={"limit": limit, "size": size})
