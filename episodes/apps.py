from __future__ import annotations

from django.apps import AppConfig


class EpisodesConfig(AppConfig):
    """Series, episodes, event-sourced shot revisions pinned to exact asset versions, and locked cuts."""

    name = "episodes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from episodes import events, projections  # noqa: F401  (register the event classes and the projections)
