from __future__ import annotations

from django.apps import AppConfig


class AssetsConfig(AppConfig):
    """The asset library: characters, costumes, props and scenes as immutable versions; blobs."""

    name = "assets"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from assets import projections  # noqa: F401  (registers the projections)
