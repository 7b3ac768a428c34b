from __future__ import annotations

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The `demo` command that loads the "Harbour Lights" studio into a development database."""

    name = "demo"
