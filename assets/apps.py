from __future__ import annotations

from django.apps import AppConfig


class AssetsConfig(AppConfig):
    """The asset library: characters, costumes, props and scenes as immutable versions; blobs."""

    name = "assets"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from assets import events, projections  # noqa: F401  (register the event classes and the projections)
