from __future__ import annotations

from django.apps import AppConfig


class LineageConfig(AppConfig):
    """The lineage graph built from the event log, and impact analysis over it."""

    name = "lineage"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from lineage import projections  # noqa: F401  (registers the lineage projections)
