from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    """Continuity Studio: the server-rendered web app at `/` for creators, supervisors and rights managers."""

    name = "web"
    verbose_name = "Continuity Studio"
