"""Read models of generation: registered models, jobs and their items, and renders (built by projections)."""

from __future__ import annotations

from django.db import models

from studios.models import Studio


class Backend(models.TextChoices):
    DIFFUSERS = "diffusers"
    PREVIZ = "previz"


class RenderModel(models.Model):
    """A registered model version: a name, a backend, a weights folder and its tensor fingerprint.

    Registering the same name with different weights makes a new version (a new id); shots pin
    the id, so a changed weight folder is never silently the same model.
    """

    id = models.UUIDField(primary_key=True)
    studio = models.ForeignKey(Studio, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    name = models.CharField(max_length=200)
    version = models.IntegerField()
    backend = models.CharField(max_length=20, choices=Backend.choices)
    path = models.CharField(max_length=1000, blank=True)
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=150)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["studio", "name", "version"], name="render_model_unique")]


class JobKind(models.TextChoices):
    RENDER = "render"
    REPRODUCE = "reproduce"
    RERENDER = "rerender"


class JobStatus(models.TextChoices):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


TERMINAL_JOB_STATUSES = frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED})


class Job(models.Model):
    """A render, reproduce or re-render job: coarse per-shot progress, errors, renders and a result."""

    id = models.UUIDField(primary_key=True)
    studio = models.ForeignKey(Studio, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    kind = models.CharField(max_length=20, choices=JobKind.choices)
    status = models.CharField(max_length=20, choices=JobStatus.choices)
    episode_id = models.CharField(max_length=60, blank=True)
    cut_id = models.CharField(max_length=60, blank=True)
    plan_id = models.CharField(max_length=60, blank=True)
    total = models.IntegerField()
    done = models.IntegerField()  # items that reached a terminal state (succeeded or failed)
    errors = models.JSONField(default=list)  # [{shot, shot_revision, error, permanent}]
    renders = models.JSONField(default=list)  # [render id, …] in item order of completion
    result = models.JSONField(null=True)  # reproduce: {identical, different, details}
    skipped = models.JSONField(default=list)  # [{shot, shot_revision}] left out (reproduce: never rendered)
    requested_by = models.CharField(max_length=150)
    requested_by_id = models.IntegerField(null=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [models.Index(fields=["status"], name="job_status")]


class JobItem(models.Model):
    """One manifest of a job (one shot revision); pk "<job id>:<index>"."""

    id = models.CharField(max_length=60, primary_key=True)
    job = models.ForeignKey(Job, on_delete=models.DO_NOTHING, db_constraint=False, related_name="items")
    index = models.IntegerField()
    shot_id = models.CharField(max_length=60)
    shot_revision = models.IntegerField()
    manifest_hash = models.CharField(max_length=64)
    manifest = models.JSONField()
    status = models.CharField(max_length=20, choices=JobStatus.choices)
    render_id = models.CharField(max_length=60, blank=True)  # the render made or reused (or compared against)
    reused = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    comparison = models.JSONField(null=True)  # reproduce: {identical, recorded, reproduced, environment}

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "index"], name="job_item_unique")]


class Render(models.Model):
    """One rendered image, stored once per manifest hash: the manifest is its complete recipe."""

    id = models.UUIDField(primary_key=True)
    studio = models.ForeignKey(Studio, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    shot_id = models.CharField(max_length=60)
    shot_revision = models.IntegerField()
    manifest_hash = models.CharField(max_length=64, unique=True)
    manifest = models.JSONField()
    image_sha256 = models.CharField(max_length=64)  # a clip's poster
    media = models.JSONField(null=True)  # a clip's video, frames and fps (generation.clips.Clip.media); None: a still
    job_id = models.CharField(max_length=60)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["shot_id", "shot_revision", "created_at"], name="render_shot_revision")]


class WorkerPool(models.Model):
    """Where renders run behind a real broker: the latest environment a worker reported (one row)."""

    POOL = "pool"

    id = models.CharField(max_length=10, primary_key=True)
    worker = models.CharField(max_length=300)
    device = models.CharField(max_length=50)
    threads = models.IntegerField()
    environment = models.JSONField()
    reported_at = models.DateTimeField()


class RenderProgress(models.Model):
    """Per-step progress of a running render: NOT event-sourced (a cache the worker overwrites)."""

    job_id = models.CharField(max_length=60, primary_key=True)
    index = models.IntegerField()
    step = models.IntegerField()
    steps = models.IntegerField()
    frame = models.IntegerField(default=0)  # a clip's frames made so far (0 for a still)
    frames = models.IntegerField(default=0)
    updated_at = models.DateTimeField()


class PlanStatus(models.TextChoices):
    PROPOSED = "proposed"
    APPROVED = "approved"
    EXECUTED = "executed"


class RerenderPlan(models.Model):
    """A re-render plan: the shots whose direct pins move from → to, the pins it cannot move, and its cost."""

    id = models.UUIDField(primary_key=True)
    studio = models.ForeignKey(Studio, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    asset_id = models.CharField(max_length=60)
    to_version = models.IntegerField()
    episodes = models.JSONField(default=list)  # the episodes it was limited to ([] = all)
    shots = models.JSONField()  # [{shot, episode, revision, from, to}]
    blockers = models.JSONField()  # [{shot, episode, revision, from, reason}]
    renders = models.IntegerField()
    status = models.CharField(max_length=20, choices=PlanStatus.choices)
    job_id = models.CharField(max_length=60, blank=True)
    revised = models.JSONField(default=list)  # [{shot, from_revision, to_revision}]
    skipped = models.JSONField(default=list)  # [{shot, reason}]
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField()
    approved_by = models.CharField(max_length=150, blank=True)
    approved_at = models.DateTimeField(null=True)
    executed_at = models.DateTimeField(null=True)
