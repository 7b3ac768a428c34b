"""Read-only admin for shots (with their latest render), renders, jobs and re-render plans, with thumbnails.

Shots are registered here rather than in episodes/ because their thumbnail is a render's image, and
episodes must not import generation.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from config.admin import ReadOnlyModelAdmin, blob_thumbnail
from episodes.models import Shot, ShotRevision
from generation.models import Job, Render, RerenderPlan


@admin.register(Shot)
class ShotAdmin(ReadOnlyModelAdmin):
    list_display = ("preview", "episode", "order", "title", "revision", "updated_at")
    list_select_related = ("episode",)
    search_fields = ("id",)
    ordering = ("episode__number", "order")

    list_per_page = 25  # each row reads its latest render and title (ids are text in Render, so no join)

    @admin.display(description="latest render")
    def preview(self, shot: Shot) -> Any:
        render = Render.objects.filter(shot_id=str(shot.id), shot_revision=shot.revision).order_by("-created_at")
        return blob_thumbnail(render.values_list("image_sha256", flat=True).first(),
                              f"latest render of shot {shot.order}")

    @admin.display(description="title")
    def title(self, shot: Shot) -> str:
        revision = ShotRevision.objects.filter(pk=f"{shot.id}:{shot.revision}").values_list("title", flat=True)
        return revision.first() or ""


@admin.register(Render)
class RenderAdmin(ReadOnlyModelAdmin):
    list_display = ("preview", "id", "shot_id", "shot_revision", "image_sha256", "created_at")
    search_fields = ("id", "shot_id", "image_sha256", "manifest_hash")
    ordering = ("-created_at",)

    @admin.display(description="image")
    def preview(self, render: Render) -> Any:
        return blob_thumbnail(render.image_sha256, f"render of shot {render.shot_id} revision {render.shot_revision}")


@admin.register(Job)
class JobAdmin(ReadOnlyModelAdmin):
    list_display = ("id", "kind", "status", "done", "total", "requested_by", "created_at", "finished_at")
    list_filter = ("kind", "status")
    search_fields = ("id", "episode_id", "plan_id")
    ordering = ("-created_at",)


@admin.register(RerenderPlan)
class RerenderPlanAdmin(ReadOnlyModelAdmin):
    list_display = ("id", "asset_id", "to_version", "status", "renders", "created_by", "approved_by", "created_at")
    list_filter = ("status",)
    search_fields = ("id", "asset_id")
    ordering = ("-created_at",)
