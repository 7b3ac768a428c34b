"""Read models of exports: one row per (cut, format), and its progress (a cache, not event-sourced)."""

from __future__ import annotations

from django.db import models

from episodes.models import Cut
from studios.models import Studio


class ExportFormat(models.TextChoices):
    OTIO = "otio"
    OTIOZ = "otioz"
    EDL = "edl"
    FCP7XML = "fcp7xml"
    FCPXML = "fcpxml"
    MP4 = "mp4"


class ExportStatus(models.TextChoices):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Export(models.Model):
    """A locked cut in one delivery format: its status, and once made, its blob."""

    id = models.UUIDField(primary_key=True)
    studio = models.ForeignKey(Studio, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    cut = models.ForeignKey(Cut, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    format = models.CharField(max_length=10, choices=ExportFormat.choices)
    status = models.CharField(max_length=10, choices=ExportStatus.choices)
    shots = models.JSONField()
    options = models.JSONField(default=dict)
    blob = models.CharField(max_length=64, blank=True)
    size = models.BigIntegerField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    details = models.JSONField(default=dict)
    error = models.TextField(blank=True)
    requested_by = models.CharField(max_length=150)
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cut", "format"], name="export_cut_format_unique")]


class ExportProgress(models.Model):
    """How far a running export has got (frames or shots done of total), written by the worker; not in the log."""

    export_id = models.CharField(max_length=36, primary_key=True)
    done = models.IntegerField()
    total = models.IntegerField()
    updated_at = models.DateTimeField()
