"""Reads of the event log for the API."""

from __future__ import annotations

from typing import Any

import eventlog
from config.errors import InvalidInput
from config.types import Actor
from studios.access import visible_studio_ids

MAX_PAGE = 1000


def events_page(*, user: Actor, after: int, stream: str | None, limit: int) -> dict[str, Any]:
    """Return a page of events after a position that the user may see, and the cursor to continue."""
    if after < 0 or not 1 <= limit <= MAX_PAGE:
        raise InvalidInput("after must be >= 0 and limit between 1 and 1000.",
                           fields={"limit": [f"Between 1 and {MAX_PAGE}."]})
    visible = visible_studio_ids(user)
    results: list[dict[str, Any]] = []
    cursor = after
    # Keep reading until the page is full: events of other studios are skipped, not counted.
    while len(results) < limit:
        batch = eventlog.read_after(cursor, limit=limit, stream_id=stream)
        if not batch:
            break
        for event in batch:
            cursor = event.position
            if _visible(event, visible, user):
                results.append(event.as_dict())
                if len(results) == limit:
                    break
    return {"results": results, "next_after": cursor}


def _visible(event: eventlog.RecordedEvent, visible: set[str], user: Actor) -> bool:
    studio = event.metadata.get("studio")
    return studio in visible or (studio is None and user.is_superuser)
