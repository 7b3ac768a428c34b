"""Append to the log: the one write path, for both databases.

An append is one short transaction: take the append lock, read the head and the streams'
versions, refuse a stale expected version, chain the new events onto the head, insert them, and
apply them to the projections that handle them. Appends are serialised so that positions are
gap-free and position order is commit order: a reader following "position > last seen" can never
skip an event that commits late. Readers never wait for the lock.

- PostgreSQL: a transaction-level advisory lock, waited for at most EVENTLOG_LOCK_TIMEOUT
  seconds. An advisory lock rather than LOCK TABLE: it blocks no reader and never conflicts
  with autovacuum.
- SQLite: every transaction is IMMEDIATE (see settings), so it holds the one write lock from BEGIN.

Nothing slow may happen under the lock: files an event names are stored before it is appended.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from config.types import NamedActor
from eventlog import context, projections
from eventlog.chain import GENESIS_HASH, event_hash, stored_json
from eventlog.errors import ConcurrencyError, EventLogBusy
from eventlog.events import DomainEvent, RecordedEvent

# Key of the append lock: "lineage" in ASCII, kept from when the log lived there.
_LOCK_KEY = 30515220352952165
_LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE for a lock_timeout that ran out
_HEAD = "SELECT position, hash FROM lineage_event ORDER BY position DESC LIMIT 1"
_VERSIONS = "SELECT stream_id, MAX(stream_version) FROM lineage_event WHERE stream_id IN ({}) GROUP BY stream_id"
_INSERT = ("INSERT INTO lineage_event (position, stream_id, stream_version, type, schema_version, data, metadata, "
           "recorded_at, hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)")
_INSERT_TYPED = ("INSERT INTO lineage_event (position, stream_id, stream_version, type, schema_version, data, "
                 "metadata, recorded_at, hash) VALUES (%s, %s, %s, %s, %s, %s::jsonb, %s::jsonb, %s, %s)")


@dataclass(frozen=True)
class StreamWrite:
    """Events for one stream, appended only if the stream is at `expected_version` (None: any)."""

    stream_id: str
    events: Sequence[DomainEvent]
    expected_version: int | None


@dataclass(frozen=True)
class StoredForm:
    """An event already in stored form, at an explicit stream version (adapters and imports)."""

    stream_id: str
    stream_version: int
    type: str
    data: dict[str, Any]
    schema_version: int = 1


def append(
    stream_id: str,
    events: Sequence[DomainEvent],
    *,
    expected_version: int | None,
    actor: NamedActor | None = None,
    studio_id: str | None = None,
    causation_id: str | None = None,
) -> list[RecordedEvent]:
    """Append events to one stream atomically, refusing a stale expected version."""
    write = StreamWrite(stream_id, events, expected_version)
    return append_streams([write], actor=actor, studio_id=studio_id, causation_id=causation_id)


def append_streams(
    writes: Sequence[StreamWrite],
    *,
    actor: NamedActor | None = None,
    studio_id: str | None = None,
    causation_id: str | None = None,
) -> list[RecordedEvent]:
    """Append to several streams in one transaction: all events are recorded, or none."""
    metadata = context.metadata_for(actor=actor, studio_id=studio_id, causation_id=causation_id)
    with _append_transaction():
        head, versions = _lock_and_read([w.stream_id for w in writes])
        forms = []
        for write in writes:
            version = versions.get(write.stream_id, 0)
            if write.expected_version is not None and version != write.expected_version:
                raise ConcurrencyError(write.stream_id, write.expected_version, version)
            for event in write.events:
                version += 1
                forms.append(StoredForm(write.stream_id, version, event.type_name(), event.to_data(),
                                        event.schema_version))
            versions[write.stream_id] = version
        return _record(forms, head, metadata)


def append_stored(events: Sequence[StoredForm], *, metadata: Mapping[str, Any] | None = None) -> list[RecordedEvent]:
    """Append events in stored form at explicit stream versions, through the same lock, chain and projections.

    No expected-version check: a version already taken fails on the (stream, version) unique
    constraint with django.db.IntegrityError, and nothing is recorded.
    """
    meta = dict(metadata) if metadata is not None else context.metadata_for(actor=None, studio_id=None)
    with _append_transaction():
        head, _versions = _lock_and_read([])
        return _record(events, head, meta)


@contextmanager
def _append_transaction() -> Iterator[None]:
    """Open the append's transaction; answer EventLogBusy if the append lock is not had in time."""
    try:
        with transaction.atomic():
            yield
    except OperationalError as error:
        if _lock_not_had(error):
            raise EventLogBusy(settings.EVENTLOG_LOCK_TIMEOUT) from None
        raise


def _lock_not_had(error: OperationalError) -> bool:
    cause = error.__cause__
    if connection.vendor == "postgresql":
        return getattr(cause, "sqlstate", None) == _LOCK_NOT_AVAILABLE
    return "database is locked" in str(cause or error)


def _lock_and_read(streams: list[str]) -> tuple[tuple[int, str], dict[str, int]]:
    """Take the append lock, then read the head (position, hash) and the streams' current versions.

    Plain SQL rather than the ORM: every append runs these, and building ORM queries cost more
    than running them. On PostgreSQL the three statements travel in one psycopg pipeline (one
    round trip); each still runs after the one before, so the reads see every append the lock
    waited for.
    """
    unique = sorted(set(streams))
    statements: list[tuple[str, list[Any]]] = [(_HEAD, [])]
    if unique:
        statements.append((_VERSIONS.format(", ".join(["%s"] * len(unique))), unique))
    if connection.vendor == "postgresql":
        # set_config(…, true) is SET LOCAL: the timeout ends with the transaction.
        timeout = f"{int(settings.EVENTLOG_LOCK_TIMEOUT * 1000)}ms"
        statements.insert(0, ("SELECT set_config('lock_timeout', %s, true), pg_advisory_xact_lock(%s)",
                              [timeout, _LOCK_KEY]))
        connection.ensure_connection()
        with connection.wrap_database_errors, connection.connection.pipeline():
            cursors = [connection.connection.cursor() for _ in statements]
            for cursor, (sql, params) in zip(cursors, statements, strict=True):
                cursor.execute(sql, params)
            results = [cursor.fetchall() for cursor in cursors][1:]
    else:
        with connection.cursor() as cursor:  # SQLite: the IMMEDIATE transaction already holds the lock
            results = []
            for sql, params in statements:
                cursor.execute(sql, params)
                results.append(cursor.fetchall())
    head = results[0][0] if results[0] else (0, GENESIS_HASH)
    return head, dict(results[1]) if unique else {}


def _record(forms: Sequence[StoredForm], head: tuple[int, str], metadata: dict[str, Any]) -> list[RecordedEvent]:
    """Chain events onto the head, insert them and apply them to the projections (under the lock)."""
    metadata_json, metadata = stored_json(metadata)
    recorded = _chain(forms, head, metadata, metadata_json, timezone.now())
    rows = [(e.position, e.stream_id, e.stream_version, e.type, e.schema_version, data_json, metadata_json,
             connection.ops.adapt_datetimefield_value(e.recorded_at), e.hash) for e, data_json in recorded]
    if connection.vendor == "postgresql":
        # A cursor that binds on the server (Django's binds on the client, quoting every value into
        # the SQL text in Python): the rows travel apart from the statement, pipelined.
        with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
            cursor.executemany(_INSERT_TYPED, rows)
    else:
        with connection.cursor() as cursor:
            cursor.executemany(_INSERT, rows)
    events = [e for e, _ in recorded]
    projections.apply(events)
    return events


def _chain(
    forms: Sequence[StoredForm], head: tuple[int, str], metadata: dict[str, Any], metadata_json: str, now: datetime,
) -> list[tuple[RecordedEvent, str]]:
    """Give events their positions and chained hashes; return each with its data's canonical JSON."""
    position, previous = head
    recorded = []
    for form in forms:
        position += 1
        data_json, data = stored_json(form.data)
        previous = event_hash(previous, position=position, stream_id=form.stream_id,
                              stream_version=form.stream_version, type=form.type, schema_version=form.schema_version,
                              data_json=data_json, metadata_json=metadata_json, recorded_at=now)
        recorded.append((RecordedEvent(position=position, stream_id=form.stream_id,
                                       stream_version=form.stream_version, type=form.type,
                                       schema_version=form.schema_version, data=data, metadata=metadata,
                                       recorded_at=now, hash=previous), data_json))
    return recorded
