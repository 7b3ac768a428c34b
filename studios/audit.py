"""The audit trail: who did what, when, and from which request, read from the event log.

Every append records its actor, studio and request (id, address, method, path) in the event's
metadata, so the log itself is the audit trail; nothing else is written. Only studios where the
caller holds "audit.view" are shown. Pages follow log positions (`after`, `limit`): a reader that
continues from `next_after` never misses or repeats an entry. A page scans at most `SCAN_BUDGET`
events, so a rare filter over a long log answers quickly with a partial page; `has_more` says
whether to continue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import eventlog
from config.errors import Forbidden, InvalidInput
from config.types import Actor
from studios.access import PERMISSIONS, authorize, visible_studio_ids
from studios.models import Membership

AUDIT = "audit.view"
MAX_LIMIT = 500
SCAN_BUDGET = 20_000
_META_KEYS = ("actor", "actor_id", "studio", "correlation_id", "causation_id", "request")


@dataclass(frozen=True)
class AuditFilter:
    """Which entries to show: studios the caller audits, optionally one actor and a start time."""

    studios: frozenset[str]
    include_unscoped: bool
    actor: str | None
    since: datetime | None
    stream: str | None = None
    type: str | None = None

    def matches(self, event: eventlog.RecordedEvent) -> bool:
        meta = event.metadata
        studio = meta.get("studio")
        if not (studio in self.studios or (studio is None and self.include_unscoped)):
            return False
        if self.actor is not None and self.actor not in (meta.get("actor"), meta.get("actor_id")):
            return False
        if self.stream is not None and event.stream_id != self.stream:
            return False
        if self.type is not None and event.type != self.type:
            return False
        return self.since is None or event.recorded_at >= self.since


def audit_page(
    *, user: Actor, studio_id: Any = None, actor: str | None = None, since: datetime | None = None,
    after: int = 0, limit: int = 100, stream: str | None = None, type: str | None = None,
) -> dict[str, Any]:
    """Return audit entries after a position, newest last, and the cursor to continue from."""
    if after < 0 or not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"after must be >= 0 and limit between 1 and {MAX_LIMIT}.",
                           fields={"limit": [f"Between 1 and {MAX_LIMIT}."]})
    wanted = AuditFilter(studios=_audited_studios(user, studio_id), include_unscoped=_unscoped(user, studio_id),
                         actor=actor or None, since=since, stream=stream or None, type=type or None)
    cursor = _start(after, since)
    results: list[dict[str, Any]] = []
    scanned = 0
    while len(results) < limit and scanned < SCAN_BUDGET:
        batch = eventlog.read_after(cursor, limit=min(1000, SCAN_BUDGET - scanned))
        if not batch:
            break
        for event in batch:
            cursor, scanned = event.position, scanned + 1
            if wanted.matches(event):
                results.append(audit_entry(event))
                if len(results) == limit:
                    break
    return {"results": results, "next_after": cursor, "has_more": cursor < eventlog.head_position()}


def audit_entry(event: eventlog.RecordedEvent) -> dict[str, Any]:
    """Shape one event as an audit entry."""
    meta = event.metadata
    return {
        "position": event.position, "at": event.recorded_at.isoformat(), "action": event.type,
        "stream": event.stream_id, "stream_version": event.stream_version,
        **{key: meta.get(key) for key in _META_KEYS}, "data": event.data,
    }


def _audited_studios(user: Actor, studio_id: Any) -> frozenset[str]:
    """Return the studios to show: the one asked for (checked), else every studio the user audits."""
    if studio_id is not None:
        authorize(user, studio_id, AUDIT)
        return frozenset({str(studio_id)})
    if user.is_superuser:
        studios = frozenset(visible_studio_ids(user))
    elif user.is_authenticated:
        memberships = Membership.objects.filter(user_id=user.pk, role__in=PERMISSIONS[AUDIT])
        studios = frozenset(str(s) for s in memberships.values_list("studio_id", flat=True))
    else:
        studios = frozenset()
    if not studios and not user.is_superuser:
        raise Forbidden(f"You may not view the audit trail of any studio ({AUDIT}).",
                        extra={"permission": AUDIT})
    return studios


def _unscoped(user: Actor, studio_id: Any) -> bool:
    # Events outside any studio (operator actions) are shown to superusers only, and only unfiltered.
    return bool(user.is_superuser and studio_id is None)


def _start(after: int, since: datetime | None) -> int:
    """Skip the part of the log recorded before `since` (a microsecond of slack for equal times)."""
    if since is None:
        return after
    return max(after, eventlog.position_at(since - timedelta(microseconds=1)))
