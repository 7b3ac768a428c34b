from __future__ import annotations

from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """Project-wide plumbing: settings, the API's error body, input limits, database connections."""

    name = "config"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from config.pool_check import use_pool_check

        connection_created.connect(use_pool_check, dispatch_uid="config.use_pool_check")
