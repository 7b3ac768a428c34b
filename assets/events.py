"""Asset and blob events: an asset's stream is "asset-<uuid>", a blob's is "blob-<sha256>"."""

from __future__ import annotations

from dataclasses import dataclass

from eventlog import DomainEvent


@dataclass(frozen=True)
class AssetCreated(DomainEvent):
    """An asset was created in a studio (its first version follows in the same append)."""

    asset_id: str
    studio_id: str
    kind: str
    name: str


@dataclass(frozen=True)
class AssetVersionCreated(DomainEvent):
    """An immutable version of an asset was created as a draft."""

    asset_id: str
    studio_id: str
    number: int
    attributes: dict
    references: list  # [sha256, …]
    components: list  # [{"asset": id, "version": n}, …]
    derived_from: dict | None  # {"asset": id, "version": n}
    note: str
    author: str


@dataclass(frozen=True)
class AssetVersionSubmitted(DomainEvent):
    """A draft version was submitted for review."""

    asset_id: str
    number: int
    comment: str
    author: str


@dataclass(frozen=True)
class AssetVersionApproved(DomainEvent):
    """A version in review was approved."""

    asset_id: str
    number: int
    comment: str
    author: str


@dataclass(frozen=True)
class AssetVersionRejected(DomainEvent):
    """A version in review was rejected."""

    asset_id: str
    number: int
    comment: str
    author: str


@dataclass(frozen=True)
class AssetVersionRetired(DomainEvent):
    """A version was retired: it stays readable and pinned where it was, but is no longer offered."""

    asset_id: str
    number: int
    comment: str
    author: str


@dataclass(frozen=True)
class BlobStored(DomainEvent):
    """A studio stored (or re-uploaded) a content-addressed image; it may read it from now on."""

    studio_id: str
    sha256: str
    content_type: str
    width: int
    height: int
    size: int


def stream(asset_id: str) -> str:
    """Return the stream id of an asset."""
    return f"asset-{asset_id}"


def blob_stream(sha256: str) -> str:
    """Return the stream id of a blob."""
    return f"blob-{sha256}"
