from __future__ import annotations

from django.apps import AppConfig


class StudiosConfig(AppConfig):
    """Studios, their members and roles, and the access checks every endpoint uses."""

    name = "studios"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.conf import settings
        from django.db.models.signals import pre_save

        from studios import events, projections  # noqa: F401  (register the event classes and the projections)
        from studios.tokens import revoke_tokens_on_password_change

        pre_save.connect(revoke_tokens_on_password_change, sender=settings.AUTH_USER_MODEL,
                         dispatch_uid="studios.revoke_tokens_on_password_change")
