from __future__ import annotations

from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    """Exports of locked cuts: OpenTimelineIO, EDL, FCP XML, FCPXML and an animatic MP4."""

    name = "delivery"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # GET /api/jobs/{id} answers for an export's job too: generation may not import delivery.
        from delivery import events, projections, tasks  # noqa: F401  (event classes, projection, actor)
        from delivery.apis import export_job_body
        from generation.selectors import other_job_lookups

        if export_job_body not in other_job_lookups:
            other_job_lookups.append(export_job_body)
