"""Consistency events: a render's scores against its pinned versions, failed scorings, studio settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eventlog import DomainEvent


@dataclass(frozen=True)
class RenderScored(DomainEvent):
    """A render was scored with an embedder: per cast member its best-match similarity to the pinned
    version's references, that version's baseline and floor, and a verdict (scoring again appends)."""

    render_id: str
    studio_id: str
    shot_id: str
    shot_revision: int
    embedder: dict[str, str]  # {name, fingerprint}
    cast: list[dict[str, Any]]  # [{asset, version, name, kind, score, baseline, floor, relative, verdict}]
    thresholds: dict[str, float]
    # A clip's own consistency over its sampled frames ({to_first, to_previous, frames}); None for a still and
    # in events recorded before clips were scored, which therefore replay unchanged.
    temporal: dict[str, Any] | None = None


@dataclass(frozen=True)
class RenderScoringFailed(DomainEvent):
    """A render could not be scored (its image or a reference unreadable, the embedder unavailable)."""

    render_id: str
    studio_id: str
    embedder: str
    error: str


@dataclass(frozen=True)
class ConsistencySettingsChanged(DomainEvent):
    """A studio chose its embedder and its verdict thresholds (relative to each version's baseline)."""

    studio_id: str
    embedder: str
    on_model: float
    drifting: float
    default_floor: float
    changed_by: str


def scores_stream(render_id: str) -> str:
    """Return the stream of a render's scores."""
    return f"consistency-render-{render_id}"


def settings_stream(studio_id: str) -> str:
    """Return the stream of a studio's consistency settings."""
    return f"consistency-settings-{studio_id}"
