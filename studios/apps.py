from __future__ import annotations

from django.apps import AppConfig


class StudiosConfig(AppConfig):
    """Studios, their members and roles, and the access checks every endpoint uses."""

    name = "studios"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from studios import events, projections  # noqa: F401  (register the event classes and the projections)
