"""Studio events."""

from __future__ import annotations

from dataclasses import dataclass

from eventlog import DomainEvent


@dataclass(frozen=True)
class StudioCreated(DomainEvent):
    """A studio was created; its creator became its admin."""

    studio_id: str
    name: str
    created_by_id: int | None


@dataclass(frozen=True)
class MemberAdded(DomainEvent):
    """A user joined a studio with a role."""

    studio_id: str
    user_id: int
    username: str
    role: str


@dataclass(frozen=True)
class MemberRoleChanged(DomainEvent):
    """A member's role changed."""

    studio_id: str
    user_id: int
    role: str


@dataclass(frozen=True)
class MemberRemoved(DomainEvent):
    """A member left a studio (an admin removed them)."""

    studio_id: str
    user_id: int


def stream(studio_id: str) -> str:
    """Return the stream id of a studio."""
    return f"studio-{studio_id}"
