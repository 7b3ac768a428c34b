"""Reads of the event log for the API."""

from __future__ import annotations

from typing import Any

import eventlog
from config.errors import InvalidInput
from config.types import Actor
from studios.access import visible_studio_ids

MAX_PAGE = 1000


def events_page(*, user: Actor, after: int, stream: str | None, limit: int) -> dict[str, Any]:
    """Return a page of events after a position that the user may see, and the cursor to continue.

    Only the caller's studios' events are read (superusers: every event), so a page costs what those
    events cost, and `next_after` is the last position shown: nothing about other studios' events,
    not even whether a stream exists, changes the answer.
    """
    if after < 0 or not 1 <= limit <= MAX_PAGE:
        raise InvalidInput("after must be >= 0 and limit between 1 and 1000.",
                           fields={"limit": [f"Between 1 and {MAX_PAGE}."]})
    studios = None if user.is_superuser else visible_studio_ids(user)
    events = eventlog.read_after(after, limit=limit, stream_id=stream, studio_ids=studios)
    return {"results": [event.as_dict() for event in events], "next_after": events[-1].position if events else after}


def verify_report(*, user: Actor) -> dict[str, Any]:
    """Recompute the whole chain; show superusers the log's count and head, others their studios' own.

    Whether the chain holds is the log's property and shown to everyone; how many events other
    studios have, and where the log's head is, are theirs: a member sees the number of their
    studios' events and the hash of the latest (which `GET /api/events/` shows too).
    """
    result = eventlog.verify()
    if user.is_superuser:
        return {**result.as_dict(), "scope": "log"}
    events, head = eventlog.studio_summary(visible_studio_ids(user))
    return {"ok": result.ok, "events": events, "head": head or eventlog.GENESIS_HASH, "scope": "studios"}
