from __future__ import annotations

from django.apps import AppConfig


class LineageConfig(AppConfig):
    """The event log (where everything came from) and the lineage graph built from it."""

    name = "lineage"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from lineage import projections  # noqa: F401  (registers the lineage projections)
