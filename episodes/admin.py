"""Read-only admin for series, episodes and locked cuts (shots are listed by generation's admin, with renders)."""

from __future__ import annotations

from django.contrib import admin

from config.admin import ReadOnlyModelAdmin
from episodes.models import Cut, Episode, Series


@admin.register(Series)
class SeriesAdmin(ReadOnlyModelAdmin):
    list_display = ("title", "studio", "created_at")
    search_fields = ("title", "id")


@admin.register(Episode)
class EpisodeAdmin(ReadOnlyModelAdmin):
    list_display = ("number", "title", "series", "studio", "created_at")
    list_select_related = ("series",)
    search_fields = ("title", "id")
    ordering = ("series", "number")


@admin.register(Cut)
class CutAdmin(ReadOnlyModelAdmin):
    list_display = ("episode", "number", "hash", "created_by", "created_at")
    list_select_related = ("episode",)
    search_fields = ("id", "hash")
