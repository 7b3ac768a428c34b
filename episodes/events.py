"""Series, episode, shot and cut events.

Streams: a series ("series-<uuid>") holds its creation and the creation of its episodes, so episode
numbers are claimed under the series' optimistic concurrency; an episode ("episode-<uuid>") holds
its locked cuts, numbered by its stream version; a shot ("shot-<uuid>") holds its revisions, so a
shot's stream version is its current revision.
"""

from __future__ import annotations

from dataclasses import dataclass

from eventlog import DomainEvent


@dataclass(frozen=True)
class SeriesCreated(DomainEvent):
    """A series was created in a studio."""

    series_id: str
    studio_id: str
    title: str


@dataclass(frozen=True)
class EpisodeCreated(DomainEvent):
    """An episode was added to a series with its distribution targets."""

    episode_id: str
    series_id: str
    studio_id: str
    number: int
    title: str
    targets: list  # [{"territory": "FR", "media": "streaming", "release_date": "2026-03-01"}, …]


@dataclass(frozen=True)
class ShotCreated(DomainEvent):
    """A shot was added to an episode; the event carries its first revision's full content."""

    shot_id: str
    episode_id: str
    studio_id: str
    revision: int
    content: dict  # order, title, description, prompt, … cast: [{asset, version, role}] (exact versions)
    author: str


@dataclass(frozen=True)
class ShotRevised(DomainEvent):
    """A shot got a new revision; the event carries the revision's full content and what changed."""

    shot_id: str
    episode_id: str
    studio_id: str
    revision: int
    content: dict
    changed: list  # names of the fields that differ from the previous revision
    author: str


@dataclass(frozen=True)
class CutLocked(DomainEvent):
    """An episode's current shot revisions were locked into an immutable, numbered cut."""

    cut_id: str
    episode_id: str
    studio_id: str
    number: int
    hash: str  # SHA-256 of the canonical JSON of the ordered shot revisions' full content
    shots: list  # [{"shot": id, "revision": n}, …] in order
    author: str


def series_stream(series_id: str) -> str:
    """Return the stream id of a series."""
    return f"series-{series_id}"


def episode_stream(episode_id: str) -> str:
    """Return the stream id of an episode (its cuts)."""
    return f"episode-{episode_id}"


def shot_stream(shot_id: str) -> str:
    """Return the stream id of a shot (its revisions)."""
    return f"shot-{shot_id}"
