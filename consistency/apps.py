from __future__ import annotations

from django.apps import AppConfig


class ConsistencyConfig(AppConfig):
    """Consistency scores of renders against their pinned versions, drift reports and look-alike search."""

    name = "consistency"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Generation must not import this app: it announces finished renders and lets the render body
        # grow through generation.extensions, which this app plugs into here.
        from assets.extensions import blob_body_extend
        from consistency import events, projections, tasks  # noqa: F401  (event classes, projections, actors)
        from consistency.apis import upload_warnings
        from consistency.selectors import render_consistency_body
        from consistency.trigger import on_render_recorded
        from generation import extensions

        extensions.render_recorded.connect(on_render_recorded, dispatch_uid="consistency-score-render")
        extensions.render_body_extend(render_consistency_body)
        blob_body_extend(upload_warnings)
