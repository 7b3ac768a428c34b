"""The event log's public API; apps use only what is exported here.

- `append` / `append_streams`: atomic, optimistic-concurrency appends (services only).
- `append_stored` / `StoredForm`: append events already in stored form at explicit versions (adapters).
- `load_stream`, `read_after`, `iter_all`, `head_position`, `position_at`, `stream_version`: reads
  (`stream_version_sql`: a stream's version inside another statement).
- `verify`: recompute the hash chain. `replay` / `replay_check`: rebuild read models from position 0.
- `DomainEvent`, `upcaster`, `RecordedEvent`: defining and reading events.
- `Projection`, `Rows`, `register`, `reads`: building read models.
"""

from __future__ import annotations

from lineage.eventlog.chain import VerifyResult
from lineage.eventlog.errors import ConcurrencyError
from lineage.eventlog.projections import Projection, Rows, reads, register
from lineage.eventlog.store import (
    StoredForm,
    StreamWrite,
    append,
    append_stored,
    append_streams,
    head_position,
    iter_all,
    load_stream,
    position_at,
    read_after,
    stream_version,
    stream_version_sql,
)
from lineage.eventlog.types import DomainEvent, RecordedEvent, upcaster
from lineage.eventlog.verify import verify


def replay(only: list[str] | None = None) -> int:
    """Rebuild every read model (or the named projections) from position 0; return the last position."""
    from lineage.eventlog import projections

    return projections.rebuild(iter_all(), only=only)


def catch_up_projections() -> list[str]:
    """Build, from position 0, every registered projection that has never run; return their names.

    Called after `migrate`, so a projection added in a release sees the whole history before any
    new event reaches it.
    """
    from lineage.eventlog import projections
    from lineage.models import ProjectionCheckpoint

    built = set(ProjectionCheckpoint.objects.values_list("name", flat=True))
    missing = [p.name for p in projections.registered() if p.name not in built]
    if missing:
        projections.rebuild(iter_all(), only=missing)
    return missing


def replay_check(only: list[str] | None = None) -> str | None:
    """Rebuild into a rolled-back transaction; return the first difference from the live models."""
    from lineage.eventlog import projections

    return projections.check(iter_all, only=only)


__all__ = [
    "ConcurrencyError", "DomainEvent", "catch_up_projections",
    "Projection", "RecordedEvent", "Rows", "StoredForm",
    "StreamWrite", "VerifyResult", "append", "append_stored", "append_streams", "head_position", "iter_all",
    "load_stream", "position_at", "read_after", "reads", "register", "replay", "replay_check", "stream_version",
    "stream_version_sql", "upcaster", "verify",
]
