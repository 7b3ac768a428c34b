"""Append to and read from the log.

Appends are serialised (PostgreSQL: an EXCLUSIVE table lock taken in the append transaction;
SQLite: an IMMEDIATE transaction) so that positions are gap-free and position order equals
commit order: a reader following "position > last seen" can never skip a late commit.
Read models are updated by the projections inside the same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from lineage.eventlog import context, projections
from lineage.eventlog.chain import GENESIS_HASH, canonical_bytes, event_hash
from lineage.eventlog.errors import ConcurrencyError
from lineage.eventlog.types import DomainEvent, RecordedEvent

_COLUMNS = "position, stream_id, stream_version, type, schema_version, data, metadata, recorded_at, hash"
_SELECT = f"SELECT {_COLUMNS} FROM lineage_event"
_INSERT_CHUNK = 500


@dataclass(frozen=True)
class StreamWrite:
    """Events for one stream, appended only if the stream is at `expected_version` (None: any)."""

    stream_id: str
    events: Sequence[DomainEvent]
    expected_version: int | None


def append(
    stream_id: str,
    events: Sequence[DomainEvent],
    *,
    expected_version: int | None,
    actor: Any = None,
    studio_id: str | None = None,
    causation_id: str | None = None,
) -> list[RecordedEvent]:
    """Append events to one stream atomically, refusing a stale expected version."""
    write = StreamWrite(stream_id, events, expected_version)
    return append_streams([write], actor=actor, studio_id=studio_id, causation_id=causation_id)


def append_streams(
    writes: Sequence[StreamWrite], *, actor: Any = None, studio_id: str | None = None, causation_id: str | None = None
) -> list[RecordedEvent]:
    """Append to several streams in one transaction: all events are recorded, or none."""
    metadata = context.metadata_for(actor=actor, studio_id=studio_id, causation_id=causation_id)
    with transaction.atomic():
        with connection.cursor() as cursor:
            _serialise_appends(cursor)
            position, previous = _head(cursor)
            recorded = []
            now = timezone.now()
            for write in writes:
                version = _check_version(cursor, write)
                for event in write.events:
                    position, version = position + 1, version + 1
                    recorded.append(_record(position, previous, write.stream_id, version, event, metadata, now))
                    previous = recorded[-1].hash
            _insert(cursor, recorded)
        projections.apply(recorded)
    return recorded


def _serialise_appends(cursor: Any) -> None:
    """Take the append lock; readers are not blocked by it."""
    if connection.vendor == "postgresql":
        cursor.execute("LOCK TABLE lineage_event IN EXCLUSIVE MODE")


def _head(cursor: Any) -> tuple[int, str]:
    """Return the last position and hash (0 and the genesis hash for an empty log)."""
    cursor.execute("SELECT position, hash FROM lineage_event ORDER BY position DESC LIMIT 1")
    row = cursor.fetchone()
    return (row[0], row[1]) if row else (0, GENESIS_HASH)


def stream_version(stream_id: str) -> int:
    """Return the current version of a stream (0 when it has no events)."""
    with connection.cursor() as cursor:
        return _current_version(cursor, stream_id)


def _current_version(cursor: Any, stream_id: str) -> int:
    cursor.execute("SELECT MAX(stream_version) FROM lineage_event WHERE stream_id = %s", [stream_id])
    row = cursor.fetchone()
    return row[0] or 0


def _check_version(cursor: Any, write: StreamWrite) -> int:
    current = _current_version(cursor, write.stream_id)
    if write.expected_version is not None and current != write.expected_version:
        raise ConcurrencyError(write.stream_id, write.expected_version, current)
    return current


def _record(
    position: int, previous: str, stream_id: str, version: int, event: DomainEvent, metadata: dict, now: Any
) -> RecordedEvent:
    data = event.to_data()
    fields = dict(
        position=position,
        stream_id=stream_id,
        stream_version=version,
        type=event.type_name(),
        schema_version=event.schema_version,
        data=data,
        metadata=metadata,
        recorded_at=now,
    )
    return RecordedEvent(**fields, hash=event_hash(previous, **fields))


def _insert(cursor: Any, recorded: list[RecordedEvent]) -> None:
    """Insert rows with multi-row VALUES statements: one round trip per chunk."""
    json_param = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    row_sql = f"(%s, %s, %s, %s, %s, {json_param}, {json_param}, %s, %s)"
    for start in range(0, len(recorded), _INSERT_CHUNK):
        chunk = recorded[start : start + _INSERT_CHUNK]
        params: list[Any] = []
        for r in chunk:
            params += [r.position, r.stream_id, r.stream_version, r.type, r.schema_version,
                       canonical_bytes(r.data).decode(), canonical_bytes(r.metadata).decode(),
                       connection.ops.adapt_datetimefield_value(r.recorded_at), r.hash]
        values = ", ".join([row_sql] * len(chunk))
        cursor.execute(f"INSERT INTO lineage_event ({_COLUMNS}) VALUES {values}", params)


# --- reading -----------------------------------------------------------------------------------

def _from_row(row: Sequence[Any]) -> RecordedEvent:
    return RecordedEvent(
        position=row[0], stream_id=row[1], stream_version=row[2], type=row[3], schema_version=row[4],
        data=_json(row[5]), metadata=_json(row[6]), recorded_at=_aware(row[7]), hash=row[8],
    )


def _json(value: Any) -> Any:
    # Django registers a text loader for jsonb, so both vendors hand back JSON text here.
    return json.loads(value) if isinstance(value, str | bytes) else value


def _aware(value: Any) -> datetime:
    if isinstance(value, str):
        value = parse_datetime(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def read_after(position: int = 0, *, limit: int | None = None, stream_id: str | None = None) -> list[RecordedEvent]:
    """Return events with a position greater than `position`, in order, optionally for one stream."""
    sql, params = f"{_SELECT} WHERE position > %s", [position]
    if stream_id is not None:
        sql, params = sql + " AND stream_id = %s", params + [stream_id]
    sql += " ORDER BY position"
    if limit is not None:
        sql, params = sql + " LIMIT %s", params + [limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [_from_row(row) for row in cursor.fetchall()]


def load_stream(stream_id: str, *, up_to_position: int | None = None) -> list[RecordedEvent]:
    """Return one stream's events in order, optionally only those at or before a position."""
    sql, params = f"{_SELECT} WHERE stream_id = %s", [stream_id]
    if up_to_position is not None:
        sql, params = sql + " AND position <= %s", params + [up_to_position]
    with connection.cursor() as cursor:
        cursor.execute(sql + " ORDER BY stream_version", params)
        return [_from_row(row) for row in cursor.fetchall()]


def iter_all(*, after: int = 0, batch: int = 5000) -> Iterator[RecordedEvent]:
    """Yield every event after a position in order, reading in keyset-paginated batches."""
    while True:
        chunk = read_after(after, limit=batch)
        yield from chunk
        if len(chunk) < batch:
            return
        after = chunk[-1].position


def head_position() -> int:
    """Return the position of the last event (0 for an empty log)."""
    with connection.cursor() as cursor:
        return _head(cursor)[0]


def position_at(moment: Any) -> int:
    """Return the last position recorded at or before a time."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT MAX(position) FROM lineage_event WHERE recorded_at <= %s",
            [connection.ops.adapt_datetimefield_value(moment)],
        )
        return cursor.fetchone()[0] or 0
