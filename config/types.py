"""Types shared by apps that may not import each other: who acts, and who an event names as its actor."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

if TYPE_CHECKING:  # importing auth's models needs the app registry, which is not ready at import time
    from django.contrib.auth.models import AbstractUser, AnonymousUser

# Whoever a request, command or task acts as. Access refuses an anonymous user as it refuses a stranger.
Actor: TypeAlias = "AbstractUser | AnonymousUser"


class NamedActor(Protocol):
    """What the event log records of an actor: a user, or a worker naming the user it acts for."""

    @property
    def pk(self) -> Any: ...

    @property
    def username(self) -> str: ...
