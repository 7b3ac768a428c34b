"""Read models of generation: registered models (more tables are added with jobs and renders)."""

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
