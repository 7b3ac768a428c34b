"""Rights events, on one stream per rights record ("rights-<uuid>")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eventlog import DomainEvent


@dataclass(frozen=True)
class RightsGranted(DomainEvent):
    """A licence on an asset (one version, or every version when asset_version is null) was recorded."""

    rights_id: str
    studio_id: str
    asset_id: str
    asset_version: int | None
    licensor: str
    licensee: str
    worldwide: bool
    territories_include: list[str]
    territories_exclude: list[str]
    media: list[str]
    languages: list[str]
    window_start: str  # ISO date
    window_end: str | None  # ISO date, inclusive; null: open-ended
    exclusive: bool
    restrictions: list[str]
    contract_ref: str
    note: str


@dataclass(frozen=True)
class RightsAmended(DomainEvent):
    """Some terms of a licence changed; `changes` holds only the changed fields, in event form."""

    rights_id: str
    changes: dict[str, Any]
    reason: str


@dataclass(frozen=True)
class RightsSuspended(DomainEvent):
    """A licence stopped covering any use until reinstated (e.g. a payment dispute)."""

    rights_id: str
    reason: str


@dataclass(frozen=True)
class RightsReinstated(DomainEvent):
    """A suspended licence covers its uses again."""

    rights_id: str
    reason: str


@dataclass(frozen=True)
class RightsTerminated(DomainEvent):
    """A licence ended for good; it covers nothing and can no longer change."""

    rights_id: str
    reason: str


def stream(rights_id: str) -> str:
    """Return the stream id of a rights record."""
    return f"rights-{rights_id}"
