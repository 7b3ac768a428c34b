"""Read models of the asset library (built from events by assets.projections)."""

from __future__ import annotations

from django.db import models

from studios.models import Studio


class AssetKind(models.TextChoices):
    CHARACTER = "character"
    COSTUME = "costume"
    PROP = "prop"
    SCENE = "scene"


class VersionStatus(models.TextChoices):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    REJECTED = "rejected"
    RETIRED = "retired"


class Blob(models.Model):
    """A content-addressed image, stored once under its SHA-256 and never altered."""

    sha256 = models.CharField(max_length=64, primary_key=True)
    content_type = models.CharField(max_length=50)
    width = models.IntegerField()
    height = models.IntegerField()
    size = models.BigIntegerField()
    created_at = models.DateTimeField()

    # Not a column: set on the blob `blob_store` returns, True unless the studio already held its bytes (201).
    created: bool


class BlobGrant(models.Model):
    """A studio's right to read a blob (it uploaded it or rendered it); pk "<studio>:<sha256>"."""

    id = models.CharField(max_length=120, primary_key=True)
    studio = models.ForeignKey(Studio, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    blob = models.ForeignKey(Blob, on_delete=models.DO_NOTHING, db_constraint=False, related_name="grants")
    granted_at = models.DateTimeField(null=True)


class Asset(models.Model):
    """An asset (character, costume, prop, scene) with its latest and approved version numbers."""

    id = models.UUIDField(primary_key=True)
    studio = models.ForeignKey(Studio, on_delete=models.DO_NOTHING, db_constraint=False, related_name="assets")
    kind = models.CharField(max_length=20, choices=AssetKind.choices)
    name = models.CharField(max_length=200)
    latest_version = models.IntegerField()
    approved_version = models.IntegerField(null=True)
    # Status of the latest version (what `status=` filters on).
    latest_status = models.CharField(max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    # Lower-cased name + attribute text for `q=` search.
    search_text = models.TextField(default="")

    class Meta:
        indexes = [models.Index(fields=["studio", "kind", "name"], name="asset_studio_kind_name")]

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"


class AssetVersion(models.Model):
    """One immutable version of an asset; pk "<asset id>:<number>". Only `status` ever changes."""

    id = models.CharField(max_length=60, primary_key=True)
    asset = models.ForeignKey(Asset, on_delete=models.DO_NOTHING, db_constraint=False, related_name="versions")
    number = models.IntegerField()
    status = models.CharField(max_length=20, choices=VersionStatus.choices)
    attributes = models.JSONField()
    attributes_hash = models.CharField(max_length=64)
    references = models.JSONField()  # [sha256, …] in order
    components = models.JSONField()  # [{"asset": id, "version": n}, …]
    derived_from = models.JSONField(null=True)  # {"asset": id, "version": n} or null
    note = models.TextField(blank=True)
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=150)
    status_changed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["asset", "number"], name="asset_version_unique")]
        # The approvals inbox: versions in review, oldest first.
        indexes = [models.Index(fields=["status", "status_changed_at"], name="asset_version_status")]

    def __str__(self) -> str:
        return f"{self.asset_id} v{self.number} ({self.status})"


class ComponentEdge(models.Model):
    """A pin from an asset version to a component's version (for reverse lookups and impact)."""

    id = models.CharField(max_length=140, primary_key=True)  # "<parent version id>><component version id>"
    parent = models.ForeignKey(AssetVersion, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    component_asset = models.ForeignKey(Asset, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    component_version = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["component_asset", "component_version"], name="component_edge_target")]
