"""Read model of rights records (built from events by rights.projections)."""

from __future__ import annotations

from django.db import models

from assets.models import Asset
from studios.models import Studio


class RightsStatus(models.TextChoices):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    TERMINATED = "terminated"


class RightsRecord(models.Model):
    """A licence on an asset (one version, or all versions when `asset_version` is null).

    `version` is the stream version of the record's last event, the `expected_version` for amends.
    """

    id = models.UUIDField(primary_key=True)
    studio = models.ForeignKey(Studio, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    asset = models.ForeignKey(Asset, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    asset_version = models.IntegerField(null=True)
    licensor = models.CharField(max_length=200)
    licensee = models.CharField(max_length=200)
    worldwide = models.BooleanField()
    territories_include = models.JSONField()  # ["GB", "IE"]: sorted ISO 3166-1 alpha-2
    territories_exclude = models.JSONField()
    media = models.JSONField()  # ["svod", "theatrical"]: sorted
    languages = models.JSONField()  # ISO 639-1, sorted; empty means every language
    window_start = models.DateField()
    window_end = models.DateField(null=True)  # inclusive; null means open-ended
    exclusive = models.BooleanField()
    restrictions = models.JSONField()  # ["no_ai_training"]: sorted
    contract_ref = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=RightsStatus.choices)
    status_reason = models.TextField(blank=True)
    version = models.IntegerField()
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=150)
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["asset", "status"], name="rights_asset_status"),
            models.Index(fields=["studio", "created_at"], name="rights_studio_created"),
        ]
