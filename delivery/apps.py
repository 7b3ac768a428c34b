from __future__ import annotations

from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    """Exports of locked cuts: OpenTimelineIO, EDL, FCP XML, FCPXML and an animatic MP4."""

    name = "delivery"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from delivery import events, projections, tasks  # noqa: F401  (event classes, projection, actor)
