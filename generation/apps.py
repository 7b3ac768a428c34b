from __future__ import annotations

from django.apps import AppConfig


class GenerationConfig(AppConfig):
    """Registered models, render manifests, jobs, renders, reproductions and re-render plans."""

    name = "generation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Declaring the actors in every process lets a render message sent by name always find its queue;
        # episodes checks a shot's model through the lookup handed to it here, as it must not import generation;
        # assets names a render's image for downloads the same way.
        from assets.blob_names import blob_namer_add
        from episodes import casting
        from generation import events, projections, tasks  # noqa: F401  (event classes, projections, actors)
        from generation.render_names import render_blob_name
        from generation.selectors import render_model_exists

        casting.render_model_lookup_set(render_model_exists)
        blob_namer_add(render_blob_name)
