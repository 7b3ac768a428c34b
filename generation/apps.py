from __future__ import annotations

from django.apps import AppConfig


class GenerationConfig(AppConfig):
    """Registered models, render manifests, jobs, renders, reproductions and re-render plans."""

    name = "generation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from generation import projections  # noqa: F401  (registers the projections)
