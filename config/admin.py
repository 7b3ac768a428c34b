"""Admin pieces every app shares."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """An admin that only shows rows: read models are written by projections, events by services."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def blob_thumbnail(sha256: str | None, alt: str) -> SafeString | str:
    """Return an <img> of a blob's 256 px thumbnail (served by the API to the signed-in admin), or a dash."""
    if not sha256:
        return "-"
    return format_html('<img src="/api/blobs/{}/thumbnail/" alt="{}" width="96" loading="lazy">', sha256, alt)
