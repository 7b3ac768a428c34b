from __future__ import annotations

from django.apps import AppConfig


class EventlogConfig(AppConfig):
    """The append-only, hash-chained event log every read model is built from."""

    name = "eventlog"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_catch_up_projections, sender=self)


def _catch_up_projections(using: str = "default", **kwargs: object) -> None:
    """After migrate (post_migrate fires once every migration has run), build projections that have
    never run, e.g. added in this release, from the log."""
    from eventlog import catch_up_projections

    if using == "default":
        catch_up_projections()
