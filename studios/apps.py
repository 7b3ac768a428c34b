from __future__ import annotations

from django.apps import AppConfig


class StudiosConfig(AppConfig):
    """Studios, their members and roles, and the access checks every endpoint uses."""

    name = "studios"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from studios import projections  # noqa: F401  (registers the projection)
