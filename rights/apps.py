from __future__ import annotations

from django.apps import AppConfig


class RightsConfig(AppConfig):
    """Rights records on assets and episode availability."""

    name = "rights"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from rights import events, projections  # noqa: F401  (register the event classes and the projections)
