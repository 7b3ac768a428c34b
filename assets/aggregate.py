"""The asset aggregate: its state folded from its stream, used by services and by time travel."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import eventlog
from assets.events import stream
from eventlog import RecordedEvent

# review step → (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({"draft"}), "in_review"),
    "approve": (frozenset({"in_review"}), "approved"),
    "reject": (frozenset({"in_review"}), "rejected"),
    "retire": (frozenset({"draft", "in_review", "approved", "rejected"}), "retired"),
}
_STATUS_OF_EVENT = {
    "AssetVersionSubmitted": "in_review",
    "AssetVersionApproved": "approved",
    "AssetVersionRejected": "rejected",
    "AssetVersionRetired": "retired",
}


@dataclass
class VersionState:
    """One version as of the folded position."""

    number: int
    status: str
    attributes: dict[str, Any]
    references: list[str]
    components: list[dict[str, Any]]
    derived_from: dict[str, Any] | None
    note: str
    created_at: datetime
    created_by: str
    status_changed_at: datetime
    history: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class AssetState:
    """An asset as of the folded position; `stream_version` is what the next append expects."""

    id: str
    studio_id: str
    kind: str
    name: str
    created_at: datetime
    updated_at: datetime
    stream_version: int = 0
    position: int = 0
    versions: dict[int, VersionState] = field(default_factory=dict)

    @property
    def latest_version(self) -> int:
        return max(self.versions, default=0)

    @property
    def approved_version(self) -> int | None:
        approved = [n for n, v in self.versions.items() if v.status == "approved"]
        return max(approved, default=None)


def fold(events: Iterable[RecordedEvent]) -> AssetState | None:
    """Fold an asset's events, in stream order, into its state (None for an empty stream)."""
    state: AssetState | None = None
    for event in events:
        state = _apply(state, event)
        state.stream_version, state.position, state.updated_at = event.stream_version, event.position, event.recorded_at
    return state


def _apply(state: AssetState | None, event: RecordedEvent) -> AssetState:
    e = event.payload
    if event.type == "AssetCreated":
        return AssetState(id=e.asset_id, studio_id=e.studio_id, kind=e.kind, name=e.name,
                          created_at=event.recorded_at, updated_at=event.recorded_at)
    assert state is not None, f"{event.type} before AssetCreated in {event.stream_id}"
    if event.type == "AssetVersionCreated":
        state.versions[e.number] = VersionState(
            number=e.number, status="draft", attributes=e.attributes, references=list(e.references),
            components=list(e.components), derived_from=e.derived_from, note=e.note,
            created_at=event.recorded_at, created_by=e.author, status_changed_at=event.recorded_at,
            history=[_step(event, "draft", e.note)])
    elif event.type in _STATUS_OF_EVENT:
        version = state.versions[e.number]
        version.status, version.status_changed_at = _STATUS_OF_EVENT[event.type], event.recorded_at
        version.history.append(_step(event, version.status, e.comment))
    return state


def _step(event: RecordedEvent, status: str, comment: str) -> dict[str, Any]:
    return {"status": status, "by": event.payload.author, "at": event.recorded_at.isoformat(),
            "comment": comment, "position": event.position}


def asset_load(asset_id: Any, *, up_to_position: int | None = None) -> AssetState | None:
    """Load an asset by folding its stream (optionally only up to a log position)."""
    try:
        key = str(uuid.UUID(str(asset_id)))
    except ValueError:
        return None
    return fold(eventlog.load_stream(stream(key), up_to_position=up_to_position))
