"""Studio and membership read models."""

from __future__ import annotations

from eventlog import Projection, RecordedEvent, Rows, register
from studios.models import Membership, Studio


def studio_created(event: RecordedEvent, rows: Rows) -> None:
    """Add the studio."""
    e = event.payload
    rows.add(Studio(id=e.studio_id, name=e.name, created_at=event.recorded_at, created_by_id=e.created_by_id))


def member_added(event: RecordedEvent, rows: Rows) -> None:
    """Add the membership."""
    e = event.payload
    rows.add(Membership(id=f"{e.studio_id}:{e.user_id}", studio_id=e.studio_id, user_id=e.user_id,
                        role=e.role, joined_at=event.recorded_at))


def member_role_changed(event: RecordedEvent, rows: Rows) -> None:
    """Update the member's role."""
    e = event.payload
    membership = rows.get(Membership, f"{e.studio_id}:{e.user_id}")
    membership.role = e.role
    rows.save(membership, "role")


def member_removed(event: RecordedEvent, rows: Rows) -> None:
    """Remove the membership."""
    e = event.payload
    rows.delete(rows.get(Membership, f"{e.studio_id}:{e.user_id}"))


PROJECTION = register(
    Projection(
        name="studios",
        handlers={
            "StudioCreated": studio_created,
            "MemberAdded": member_added,
            "MemberRoleChanged": member_role_changed,
            "MemberRemoved": member_removed,
        },
        models=[Studio, Membership],
    )
)
