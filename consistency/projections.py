"""Consistency read models from RenderScored, RenderScoringFailed and ConsistencySettingsChanged."""

from __future__ import annotations

from consistency.models import ConsistencySettings, RenderScore
from eventlog import Projection, RecordedEvent, Rows, register


def render_scored(event: RecordedEvent, rows: Rows) -> None:
    """Add the score (old scores of the render stay: a new embedder's score joins them)."""
    e = event.payload
    rows.add(RenderScore(id=str(event.position), position=event.position, render_id=e.render_id,
                         studio_id=e.studio_id, shot_id=e.shot_id, shot_revision=e.shot_revision, status="scored",
                         embedder_name=e.embedder["name"], embedder_fingerprint=e.embedder["fingerprint"],
                         cast=e.cast, temporal=e.temporal, error="", scored_at=event.recorded_at))


def render_scoring_failed(event: RecordedEvent, rows: Rows) -> None:
    """Add the failed scoring."""
    e = event.payload
    rows.add(RenderScore(id=str(event.position), position=event.position, render_id=e.render_id,
                         studio_id=e.studio_id, shot_id="", shot_revision=0, status="failed",
                         embedder_name=e.embedder, embedder_fingerprint="", cast=[], error=e.error,
                         scored_at=event.recorded_at))


def settings_changed(event: RecordedEvent, rows: Rows) -> None:
    """Replace the studio's settings."""
    e = event.payload
    current = rows.get(ConsistencySettings, e.studio_id)
    values = {"embedder": e.embedder, "on_model": e.on_model, "drifting": e.drifting,
              "default_floor": e.default_floor}
    if current is None:
        rows.add(ConsistencySettings(studio_id=e.studio_id, **values))
        return
    for name, value in values.items():
        setattr(current, name, value)
    rows.save(current)


SCORES = register(Projection(
    name="consistency.scores",
    handlers={"RenderScored": render_scored, "RenderScoringFailed": render_scoring_failed,
              "ConsistencySettingsChanged": settings_changed},
    models=[RenderScore, ConsistencySettings],
))
