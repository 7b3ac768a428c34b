"""Read-only admin for the event log: events can be browsed, never added, changed or deleted."""

from __future__ import annotations

from django.contrib import admin

from config.admin import ReadOnlyModelAdmin
from eventlog.models import Event


@admin.register(Event)
class EventAdmin(ReadOnlyModelAdmin):
    list_display = ("position", "type", "stream_id", "stream_version", "recorded_at")
    list_filter = ("type",)
    search_fields = ("stream_id", "type")
    ordering = ("-position",)
    readonly_fields = ("position", "stream_id", "stream_version", "type", "schema_version", "data", "metadata",
                       "recorded_at", "hash")
    show_full_result_count = False  # COUNT(*) over the whole log on every page is needless work
