from __future__ import annotations

from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    """Supervisor approvals of locked cuts, bound to their content and marked stale when an input changes."""

    name = "reviews"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from reviews import events, projections  # noqa: F401  (register the event classes and the projections)
