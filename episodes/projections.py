"""Series, episode, shot, revision, pin and cut read models.

A shot's current pins carry `current=True` (what impact analysis reads); when a revision arrives
the previous revision's pins are looked up by their ids ("<shot>:<revision>:<index>", the count
known from the previous revision's cast) and turned off, so no query is ever needed.
"""

from __future__ import annotations

from typing import Any

from episodes.content import DEFAULT_FPS, DEFAULT_FRAMES
from episodes.models import CastPin, Cut, Episode, Series, Shot, ShotRevision
from eventlog import Projection, RecordedEvent, Rows, register


def series_created(event: RecordedEvent, rows: Rows) -> None:
    """Add the series."""
    e = event.payload
    rows.add(Series(id=e.series_id, studio_id=e.studio_id, title=e.title, created_at=event.recorded_at))


def episode_created(event: RecordedEvent, rows: Rows) -> None:
    """Add the episode with its targets."""
    e = event.payload
    rows.add(Episode(id=e.episode_id, series_id=e.series_id, studio_id=e.studio_id, number=e.number, title=e.title,
                     targets=e.targets, created_at=event.recorded_at))


def shot_created(event: RecordedEvent, rows: Rows) -> None:
    """Add the shot, its first revision and that revision's (current) pins."""
    e = event.payload
    rows.add(Shot(id=e.shot_id, episode_id=e.episode_id, studio_id=e.studio_id, order=e.content["order"],
                  revision=e.revision, created_at=event.recorded_at, updated_at=event.recorded_at))
    _add_revision(event, rows)


def shot_revised(event: RecordedEvent, rows: Rows) -> None:
    """Add the revision, make its pins the current ones and move the shot to it."""
    e = event.payload
    previous = rows.get(ShotRevision, f"{e.shot_id}:{e.revision - 1}")
    for index in range(len(previous.cast)):
        pin = rows.get(CastPin, f"{e.shot_id}:{previous.revision}:{index}")
        pin.current = False
        rows.save(pin)
    shot = rows.get(Shot, e.shot_id)
    shot.revision, shot.order, shot.updated_at = e.revision, e.content["order"], event.recorded_at
    rows.save(shot)
    _add_revision(event, rows)


def _add_revision(event: RecordedEvent, rows: Rows) -> None:
    e = event.payload
    c: dict[str, Any] = e.content
    revision_id = f"{e.shot_id}:{e.revision}"
    rows.add(ShotRevision(
        id=revision_id, shot_id=e.shot_id, revision=e.revision, order=c["order"], title=c["title"],
        description=c["description"], prompt=c["prompt"], negative_prompt=c["negative_prompt"], camera=c["camera"],
        duration=c["duration"], seed=c["seed"], width=c["width"], height=c["height"], steps=c["steps"],
        guidance=c["guidance"], model=c["model"], cast=c["cast"], created_at=event.recorded_at,
        # Revisions recorded before clips existed carry no frames or fps: they were stills.
        frames=c.get("frames", DEFAULT_FRAMES), fps=c.get("fps", DEFAULT_FPS),
        created_by=e.author))
    for index, pin in enumerate(c["cast"]):
        rows.add(CastPin(id=f"{revision_id}:{index}", shot_id=e.shot_id, shot_revision_id=revision_id,
                         episode_id=e.episode_id, asset_id=pin["asset"], version=pin["version"], role=pin["role"],
                         current=True, order=c["order"]))


def cut_locked(event: RecordedEvent, rows: Rows) -> None:
    """Add the cut (it never changes afterwards)."""
    e = event.payload
    rows.add(Cut(id=e.cut_id, episode_id=e.episode_id, studio_id=e.studio_id, number=e.number, hash=e.hash,
                 shots=e.shots, created_at=event.recorded_at, created_by=e.author))


EPISODES = register(
    Projection(
        name="episodes",
        handlers={
            "SeriesCreated": series_created,
            "EpisodeCreated": episode_created,
            "ShotCreated": shot_created,
            "ShotRevised": shot_revised,
            "CutLocked": cut_locked,
        },
        models=[Series, Episode, Shot, ShotRevision, CastPin, Cut],
    )
)
