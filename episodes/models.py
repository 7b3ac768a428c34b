"""Read models for series, episodes, shots, their revisions and casting pins, and locked cuts."""

from __future__ import annotations

from django.db import models

from assets.models import Asset
from studios.models import Studio


class Series(models.Model):
    """A series owned by a studio."""

    id = models.UUIDField(primary_key=True)
    studio = models.ForeignKey(Studio, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    title = models.CharField(max_length=200)
    created_at = models.DateTimeField()


class Episode(models.Model):
    """An episode with its distribution targets [{territory, media, release_date}]."""

    id = models.UUIDField(primary_key=True)
    series = models.ForeignKey(Series, on_delete=models.DO_NOTHING, db_constraint=False, related_name="episodes")
    studio = models.ForeignKey(Studio, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    number = models.IntegerField()
    title = models.CharField(max_length=200)
    targets = models.JSONField(default=list)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["series", "number"], name="episode_series_number_unique")]


class Shot(models.Model):
    """A shot of an episode; its content lives in its revisions, `revision` is the current one."""

    id = models.UUIDField(primary_key=True)
    episode = models.ForeignKey(Episode, on_delete=models.DO_NOTHING, db_constraint=False, related_name="shots")
    studio = models.ForeignKey(Studio, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    order = models.IntegerField()
    revision = models.IntegerField()
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["episode", "order"], name="shot_episode_order")]


class ShotRevision(models.Model):
    """One immutable revision of a shot; pk "<shot id>:<revision>"."""

    id = models.CharField(max_length=60, primary_key=True)
    shot = models.ForeignKey(Shot, on_delete=models.DO_NOTHING, db_constraint=False, related_name="revisions")
    revision = models.IntegerField()
    order = models.IntegerField()
    title = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    prompt = models.TextField()
    negative_prompt = models.TextField(blank=True)
    camera = models.TextField(blank=True)  # framing / camera notes
    duration = models.FloatField(null=True)  # seconds
    seed = models.BigIntegerField()
    width = models.IntegerField()
    height = models.IntegerField()
    steps = models.IntegerField()
    guidance = models.FloatField()
    model = models.CharField(max_length=60)  # generation.RenderModel id
    cast = models.JSONField()  # [{"asset": id, "version": n, "role": str}, …] in order
    frames = models.IntegerField(default=1)  # 1: a still; more: a clip of that many frames
    fps = models.IntegerField(default=24)
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=150)


class CastPin(models.Model):
    """One exact-version pin of a shot revision; `current` is true for the shot's current revision."""

    id = models.CharField(max_length=80, primary_key=True)  # "<shot>:<revision>:<index>"
    shot = models.ForeignKey(Shot, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    shot_revision = models.ForeignKey(ShotRevision, on_delete=models.DO_NOTHING, db_constraint=False,
                                      related_name="pins")
    episode = models.ForeignKey(Episode, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    asset = models.ForeignKey(Asset, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    version = models.IntegerField()
    role = models.CharField(max_length=100, blank=True)
    current = models.BooleanField()
    # The pinning revision's shot order (fixed per revision), so impact lists shots in order without a join.
    order = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["asset", "current", "version"], name="castpin_asset_current")]


class Cut(models.Model):
    """An immutable locked cut: the episode's ordered shot revisions and their content hash."""

    id = models.UUIDField(primary_key=True)
    episode = models.ForeignKey(Episode, on_delete=models.DO_NOTHING, db_constraint=False, related_name="cuts")
    studio = models.ForeignKey(Studio, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    number = models.IntegerField()
    hash = models.CharField(max_length=64)
    shots = models.JSONField()  # [{"shot": id, "revision": n}, …] in order
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=150)
