"""Recompute the hash chain over the whole log."""

from __future__ import annotations

from lineage.eventlog.chain import GENESIS_HASH, VerifyResult, event_hash
from lineage.eventlog.store import iter_all


def verify() -> VerifyResult:
    """Recompute every event's hash in order; report the first position that breaks the chain."""
    previous, count = GENESIS_HASH, 0
    for event in iter_all():
        count += 1
        if event.position != count:
            return VerifyResult(False, count - 1, previous, count, f"position {count} is missing")
        expected = event_hash(
            previous,
            position=event.position,
            stream_id=event.stream_id,
            stream_version=event.stream_version,
            type=event.type,
            schema_version=event.schema_version,
            data=event.data,
            metadata=event.metadata,
            recorded_at=event.recorded_at,
        )
        if expected != event.hash:
            return VerifyResult(False, count - 1, previous, event.position, "content does not match its hash")
        previous = event.hash
    return VerifyResult(True, count, previous)
