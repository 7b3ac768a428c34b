from __future__ import annotations

from django.apps import AppConfig


class LineageConfig(AppConfig):
    """The event log (where everything came from) and the lineage graph built from it."""

    name = "lineage"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from lineage import projections  # noqa: F401  (registers the lineage projections)

        post_migrate.connect(_catch_up_projections, sender=self)


def _catch_up_projections(using: str = "default", **kwargs: object) -> None:
    """After migrate, build projections that have never run (e.g. added in this release) from the log."""
    from lineage.eventlog import catch_up_projections

    if using == "default":
        catch_up_projections()
