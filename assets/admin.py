"""Read-only admin for the asset library's read models."""

from __future__ import annotations

from django.contrib import admin

from assets.models import Asset, AssetVersion, Blob, BlobGrant
from config.admin import ReadOnlyModelAdmin


@admin.register(Asset)
class AssetAdmin(ReadOnlyModelAdmin):
    list_display = ("name", "kind", "studio", "latest_version", "latest_status", "approved_version", "updated_at")
    list_filter = ("kind", "latest_status")
    search_fields = ("name", "id")


@admin.register(AssetVersion)
class AssetVersionAdmin(ReadOnlyModelAdmin):
    list_display = ("asset", "number", "status", "created_by", "created_at")
    list_filter = ("status",)
    search_fields = ("id", "asset__name")
    list_select_related = ("asset",)


@admin.register(Blob)
class BlobAdmin(ReadOnlyModelAdmin):
    list_display = ("sha256", "content_type", "width", "height", "size", "created_at")
    list_filter = ("content_type",)
    search_fields = ("sha256",)


@admin.register(BlobGrant)
class BlobGrantAdmin(ReadOnlyModelAdmin):
    list_display = ("id", "studio", "blob", "granted_at")
    search_fields = ("id",)
