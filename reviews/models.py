"""Read models of cut approvals and the small indexes their projection finds them by (no queries in handlers)."""

from __future__ import annotations

from django.db import models

from studios.models import Studio


class ApprovalState(models.TextChoices):
    CURRENT = "current"
    STALE = "stale"


class CutApproval(models.Model):
    """A supervisor's approval of a locked cut: its content hash, the renders it saw, and whether it still holds."""

    id = models.UUIDField(primary_key=True)
    studio = models.ForeignKey(Studio, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    cut_id = models.UUIDField()
    episode_id = models.UUIDField()
    cut_number = models.IntegerField()
    cut_hash = models.CharField(max_length=64)
    # [{shot, revision, render, image_sha256, cast: [{asset, name, version}]}] in cut order, as approved
    shots = models.JSONField()
    comment = models.TextField(blank=True)
    approved_by = models.CharField(max_length=150)
    approved_at = models.DateTimeField()
    state = models.CharField(max_length=20, choices=ApprovalState.choices)
    stale_reason = models.TextField(blank=True)
    stale_at = models.DateTimeField(null=True)
    stale_position = models.BigIntegerField(null=True)  # the event that made it stale

    class Meta:
        indexes = [models.Index(fields=["cut_id", "approved_at"], name="cut_approval_cut"),
                   models.Index(fields=["episode_id", "approved_at"], name="cut_approval_episode")]


class ShotWatch(models.Model):
    """The current approvals covering a revision of a shot (pk: the shot id), so a shot's events find them."""

    id = models.CharField(max_length=60, primary_key=True)
    approvals = models.JSONField(default=list)  # [approval id, …] in approval order


class LatestRender(models.Model):
    """The latest succeeded render of a shot revision (pk "<shot>:<revision>"), as the log ordered them."""

    id = models.CharField(max_length=80, primary_key=True)
    shot_id = models.CharField(max_length=60)
    shot_revision = models.IntegerField()
    render_id = models.CharField(max_length=60)
    image_sha256 = models.CharField(max_length=64)
    rendered_at = models.DateTimeField()
