"""Consistency read models: every score of every render, and each studio's settings (built by projections)."""

from __future__ import annotations

from django.db import models


class RenderScore(models.Model):
    """One scoring of a render with one embedder; the latest per render is what the API shows."""

    id = models.CharField(primary_key=True, max_length=80)  # the RenderScored event's position, as text
    position = models.BigIntegerField(db_index=True)
    render_id = models.CharField(max_length=60, db_index=True)
    studio_id = models.CharField(max_length=60, db_index=True)
    shot_id = models.CharField(max_length=60, db_index=True)
    shot_revision = models.IntegerField()
    status = models.CharField(max_length=10)  # scored | failed
    embedder_name = models.CharField(max_length=200)
    embedder_fingerprint = models.CharField(max_length=64, blank=True)
    cast = models.JSONField(default=list)
    temporal = models.JSONField(null=True)  # a clip's {to_first, to_previous, frames}; None for a still
    error = models.TextField(blank=True)
    scored_at = models.DateTimeField()


class ConsistencySettings(models.Model):
    """A studio's embedder and verdict thresholds."""

    studio_id = models.CharField(primary_key=True, max_length=60)
    embedder = models.CharField(max_length=1000)
    on_model = models.FloatField()
    drifting = models.FloatField()
    default_floor = models.FloatField()
