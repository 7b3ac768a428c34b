"""Append to and read from the log.

Appends are serialised (PostgreSQL: a transaction-level advisory lock that every appender takes;
SQLite: an IMMEDIATE transaction) so that positions are gap-free and position order equals
commit order: a reader following "position > last seen" can never skip a late commit. An
advisory lock rather than LOCK TABLE: it does not block readers either, but it never conflicts
with autovacuum (which insert-only tables get since PostgreSQL 13) and it may be taken outside
a BEGIN block, which the one-round-trip path below needs. Every write goes through `_append`.
Read models are updated by the projections inside the same transaction.

Round trips are what an append costs (the hash chain is microseconds), so the common case takes
one: the process remembers the last (position, hash) it wrote or read, and sends the lock and a
guarded INSERT together. The guard (that head is still the head, and every stream is still at its
expected version) is evaluated after the lock is granted, so a stale memory cannot fork the chain:
the INSERT then writes nothing and the append falls back to reading the head under the lock.
When the append is a whole transaction by itself (no surrounding atomic block, no projection
handling its events), the lock and INSERT are pipelined without BEGIN and commit at the
pipeline's sync: PostgreSQL runs the statements before a sync as one implicit transaction.
Statements travel through `config.batch`: those of a round trip in one write, prepared once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from config import batch
from config.database import current, fetch_pipelined, raw_connection
from lineage.eventlog import context, projections
from lineage.eventlog.chain import GENESIS_HASH, chained_hash, stored_json, timestamp
from lineage.eventlog.errors import ConcurrencyError
from lineage.eventlog.types import DomainEvent, RecordedEvent, decode_payload

_COLUMNS = "position, stream_id, stream_version, type, schema_version, data, metadata, recorded_at, hash"
_SELECT = f"SELECT {_COLUMNS.replace('metadata', 'CAST(metadata AS text)')} FROM lineage_event"
# Key of the append lock: "lineage" in ASCII. Only appenders take it; readers never wait.
_LOCK = "SELECT pg_advisory_xact_lock(30515220352952165)"
_HEAD = "SELECT position, hash FROM lineage_event ORDER BY position DESC LIMIT 1"
_INSERT_CHUNK = 500
# The last (position, hash) this process saw, per database alias. Only a hint: see the module docstring.
_head_hint: dict[str, tuple[int, str]] = {}


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


# A planned row before positions and hashes: stream, version, type, schema version, data, data JSON.
_Planned = tuple[str, int, str, int, Any, str]


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
    writes: Sequence[StreamWrite],
    *,
    actor: Any = None,
    studio_id: str | None = None,
    causation_id: str | None = None,
    before_commit: Callable[[], None] | None = None,
) -> list[RecordedEvent]:
    """Append to several streams in one transaction: all events are recorded, or none.

    `before_commit` runs once the events and read-model writes are sent, just before COMMIT; if it
    raises, nothing is recorded. It lets work the events depend on (making a file they name
    durable) overlap the append's round trips instead of preceding them.
    """
    metadata = context.metadata_for(actor=actor, studio_id=studio_id, causation_id=causation_id)
    streams = [w.stream_id for w in writes]
    # The one-round-trip path needs every version up front, and one write per stream.
    known = all(w.expected_version is not None for w in writes) and len(set(streams)) == len(streams)
    guard = {w.stream_id: w.expected_version for w in writes} if known else None
    drafts = [(event.type_name(), lambda event=event: event) for w in writes for event in w.events]
    return _append(lambda current: _plan_writes(writes, current), streams, guard, metadata, drafts, before_commit)


def append_stored(events: Sequence[StoredForm], *, metadata: Mapping[str, Any] | None = None) -> list[RecordedEvent]:
    """Append events in stored form at explicit stream versions, through the same lock, chain and projections.

    No expected-version check: a version already taken fails on the (stream, version) unique
    constraint with django.db.IntegrityError, and nothing is recorded.
    """
    meta = dict(metadata) if metadata is not None else context.metadata_for(actor=None, studio_id=None)
    planned = [(e.stream_id, e.stream_version, e.type, e.schema_version, *_stored(e.data)) for e in events]
    drafts = [(e.type, lambda e=e: decode_payload(e.type, e.schema_version, e.data)) for e in events]
    return _append(lambda current: planned, [], {}, meta, drafts)


def _stored(data: Any) -> tuple[Any, str]:
    text, value = stored_json(data)
    return value, text


def _plan_writes(writes: Sequence[StreamWrite], current: dict[str, int]) -> list[_Planned]:
    """Give each event its stream version, refusing a write whose expected version is stale."""
    planned: list[_Planned] = []
    for write in writes:
        version = current[write.stream_id]
        if write.expected_version is not None and version != write.expected_version:
            raise ConcurrencyError(write.stream_id, write.expected_version, version)
        for event in write.events:
            version += 1
            planned.append((write.stream_id, version, event.type_name(), event.schema_version,
                            *_stored(event.to_data())))
        current[write.stream_id] = version
    return planned


def _append(
    plan: Callable[[dict[str, int]], list[_Planned]],
    streams: list[str],
    guard: dict[str, int] | None,
    metadata: dict[str, Any],
    drafts: list[tuple[str, Callable[[], Any]]],
    before_commit: Callable[[], None] | None = None,
) -> list[RecordedEvent]:
    """Lock, chain and insert the planned events, then project them, in one transaction."""
    metadata_json, metadata = stored_json(metadata)
    now = timezone.now()

    def chain(head: tuple[int, str], current: dict[str, int]) -> list[tuple[RecordedEvent, str]]:
        return _chain(plan(current), head, metadata, metadata_json, now)

    ready = before_commit or _nothing
    needed = projections.prepare(drafts)
    if needed is not None:
        return _append_projected(streams, needed, chain, metadata_json, ready)
    hint = _head_hint.get(connection.alias) if guard is not None else None
    candidate = chain(hint, dict(guard)) if hint is not None else None
    if candidate and _commits_alone(candidate):
        ready()  # this path commits in the round trip that writes
        ready = _nothing
        if _insert_and_commit(candidate, metadata_json, (hint, guard)):
            return _remember(candidate)
        candidate = None  # the remembered head was stale: fall back to reading it under the lock
    with transaction.atomic():
        with connection.cursor() as cursor:
            rows, locked = None, False
            if candidate:
                locked = True  # the guarded INSERT is sent behind the lock statement
                if _insert(cursor, candidate, metadata_json, guard=(hint, guard)):
                    rows = candidate
            if rows is None:
                rows = chain(*_read_head(cursor, streams, lock=not locked))
                _insert(cursor, rows, metadata_json)
        ready()
    return _remember(rows)


def _nothing() -> None:
    pass


_Chain = Callable[[tuple[int, str], dict[str, int]], list[tuple[RecordedEvent, str]]]


def _append_projected(
    streams: list[str], needed: projections.Reads, chain: _Chain, metadata_json: str, ready: Callable[[], None],
) -> list[RecordedEvent]:
    """Append events that projections handle and apply them to the read models, in one transaction.

    On PostgreSQL that takes two round trips whatever the events are, as long as the handlers
    declare what they read: the lock with the head, the streams' versions, the checkpoints and
    every declared row; then the events' INSERT with every read-model write and the COMMIT (a
    third when the append is part of a larger transaction, whose end commits it).
    """
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor != "postgresql":
            with connection.cursor() as cursor:
                rows = chain(*_read_head(cursor, streams, lock=True))
                _insert(cursor, rows, metadata_json)
            needed.apply([row[0] for row in rows], fetch_pipelined(needed.statements()))
            ready()
        else:
            rows = _insert_projected(streams, needed, chain, metadata_json, ready, commit=outermost)
    return _remember(rows)


def _insert_projected(
    streams: list[str], needed: projections.Reads, chain: _Chain, metadata_json: str, ready: Callable[[], None],
    *, commit: bool,
) -> list[tuple[RecordedEvent, str]]:
    """PostgreSQL, inside the append's transaction: read under the lock in one round trip, then send
    the events, the read-model writes and (when `commit`) the COMMIT in a second."""
    db = current()
    reads = batch.Batch(raw_connection(db))
    reads.add(_LOCK)
    reads.add(*_head_select(streams))
    for sql, params in needed.statements():
        reads.add(sql, params)
    with db.wrap_database_errors:
        _lock, head, *found = reads.run()
    rows = chain(*_parse_head(head.rows))
    writes = batch.Batch(raw_connection(db))
    for sql, params in _insert_statements(rows, metadata_json):
        writes.add(sql, params)
    with db.wrap_database_errors:
        writes.send()  # the server inserts the events while the handlers run
        try:
            # The handlers' writes join the batch, each sent as it comes (see projections._execute);
            # the server runs them while `ready` waits.
            with batch.collecting(writes):
                needed.apply([row[0] for row in rows], [result.rows for result in found])
            ready()
        except BaseException:
            writes.drain()
            raise
        if commit:
            # Commits in this round trip. Django's atomic block then finds the transaction over and
            # has nothing left to send; a failed COMMIT raises here and the block rolls back (nothing).
            writes.add("COMMIT")
        writes.run()
    return rows


def _remember(rows: list[tuple[RecordedEvent, str]]) -> list[RecordedEvent]:
    recorded = [row[0] for row in rows]
    if recorded:
        _head_hint[connection.alias] = (recorded[-1].position, recorded[-1].hash)
    return recorded


def _commits_alone(rows: list[tuple[RecordedEvent, str]]) -> bool:
    """Tell whether the append is its own whole transaction: PostgreSQL, no surrounding atomic block and
    one INSERT (the caller has checked that no projection handles its events: nothing else must join)."""
    return (
        connection.vendor == "postgresql"
        and connection.get_autocommit()  # connects if needed
        and not connection.in_atomic_block
        and len(rows) <= _INSERT_CHUNK
    )


def _insert_and_commit(
    rows: list[tuple[RecordedEvent, str]], metadata_json: str, guard: tuple[tuple[int, str], dict[str, int]]
) -> bool:
    """Pipeline the lock and the guarded INSERT as one implicit transaction: one round trip, commit included.

    Return whether the rows were written; False means the guard did not hold and nothing was written.
    """
    select, params = _rows_select(rows, metadata_json)
    insert, params = _guarded_insert(select, params, *guard)
    # On an error PostgreSQL rolls the implicit transaction back at the sync, lock included.
    with connection.wrap_database_errors:
        _lock, inserted = batch.run(raw_connection(), [(_LOCK, []), (insert, params)])
    return inserted.rowcount == len(rows)


def _run(cursor: Any, statements: list[tuple[str, list[Any]]]) -> batch.Result:
    """Run statements in one round trip where the database allows it; return the last one's result.

    On PostgreSQL they go through one `config.batch` write: one network round trip for all of them
    (and for the BEGIN in front of the first), with the statements prepared on the server.
    """
    if connection.vendor != "postgresql":
        for sql, params in statements:
            cursor.execute(sql, params)
        return batch.Result(cursor.fetchall() if cursor.description else [], cursor.rowcount)
    with connection.wrap_database_errors:
        return batch.run(raw_connection(), statements)[-1]


def _locked(statement: tuple[str, list[Any]], *, lock: bool = True) -> list[tuple[str, list[Any]]]:
    """Put the append lock in front of a statement (PostgreSQL; SQLite's IMMEDIATE transaction already holds it)."""
    return [(_LOCK, []), statement] if lock and connection.vendor == "postgresql" else [statement]


def _read_head(cursor: Any, streams: list[str], *, lock: bool) -> tuple[tuple[int, str], dict[str, int]]:
    """Take the lock (unless held) and read the head and the streams' versions in one round trip."""
    return _parse_head(_run(cursor, _locked(_head_select(streams), lock=lock)).rows)


def _head_select(streams: list[str]) -> tuple[str, list[str]]:
    """Return a SELECT of (stream, version, head position, head hash): one row per stream, or one row."""
    head = f"(SELECT position FROM ({_HEAD}) h), (SELECT hash FROM ({_HEAD}) h)"
    if not streams:
        return f"SELECT NULL, NULL, {head}", []
    unique = list(dict.fromkeys(streams))
    return (
        f"WITH s(id) AS (VALUES {', '.join(['(%s)'] * len(unique))}) "
        f"SELECT s.id, (SELECT COALESCE(MAX(e.stream_version), 0) FROM lineage_event e WHERE e.stream_id = s.id), "
        f"{head} FROM s",
        unique,
    )


def _parse_head(rows: Sequence[Sequence[Any]]) -> tuple[tuple[int, str], dict[str, int]]:
    head = (rows[0][2], rows[0][3]) if rows[0][2] is not None else (0, GENESIS_HASH)
    return head, {row[0]: row[1] for row in rows if row[0] is not None}


def _chain(
    planned: list[_Planned], head: tuple[int, str], metadata: dict, metadata_json: str, now: datetime
) -> list[tuple[RecordedEvent, str]]:
    """Give planned events their positions and chained hashes; return them with their data JSON."""
    position, previous = head
    recorded_at = timestamp(now)
    rows = []
    for stream_id, version, type_name, schema_version, data, data_json in planned:
        position += 1
        previous = chained_hash(previous, position=position, stream_id=stream_id, stream_version=version,
                                type=type_name, schema_version=schema_version, data_json=data_json,
                                metadata_json=metadata_json, recorded_at=recorded_at)
        event = RecordedEvent(position=position, stream_id=stream_id, stream_version=version, type=type_name,
                              schema_version=schema_version, data=data, metadata=metadata, recorded_at=now,
                              hash=previous)
        rows.append((event, data_json))
    return rows


def _insert(
    cursor: Any,
    rows: list[tuple[RecordedEvent, str]],
    metadata_json: str,
    *,
    guard: tuple[tuple[int, str], dict[str, int]] | None = None,
) -> bool:
    """Insert rows in chunks; with a guard, send the lock first and insert only if the guard holds."""
    if guard is not None:
        chunk = rows[:_INSERT_CHUNK]
        select, params = _rows_select(chunk, metadata_json)
        if not _insert_guarded(cursor, select, params, *guard, expected_rows=len(chunk)):
            return False
        rows = rows[_INSERT_CHUNK:]
    for statement in _insert_statements(rows, metadata_json):
        _run(cursor, [statement])
    return True


def _insert_statements(rows: list[tuple[RecordedEvent, str]], metadata_json: str) -> Iterator[tuple[str, list[Any]]]:
    """Yield the INSERTs of rows, in chunks."""
    for start in range(0, len(rows), _INSERT_CHUNK):
        select, params = _rows_select(rows[start : start + _INSERT_CHUNK], metadata_json)
        yield f"INSERT INTO lineage_event ({_COLUMNS}) {select}", params


_ARRAYS_FROM = 8  # rows; fewer go as a VALUES list, whose typed parameters cost PostgreSQL less than unnest


def _rows_select(chunk: list[tuple[RecordedEvent, str]], metadata_json: str) -> tuple[str, list[Any]]:
    """Return a SELECT producing the rows to insert, in the cheapest form for their number and the database."""
    postgresql = connection.vendor == "postgresql"
    if postgresql and len(chunk) >= _ARRAYS_FROM:
        return _array_rows(chunk, metadata_json)
    return _values_rows(chunk, metadata_json, typed=postgresql)


def _array_rows(chunk: list[tuple[RecordedEvent, str]], metadata_json: str) -> tuple[str, list[Any]]:
    """Return a SELECT of the rows as one array per column: a short statement whatever the row count
    (prepared once by config.batch; a long VALUES list would be a new statement for every row count)."""
    first = chunk[0][0]
    events = [event for event, _ in chunk]
    columns = [[e.position for e in events], [e.stream_id for e in events], [e.stream_version for e in events],
               [e.type for e in events], [e.schema_version for e in events], [data for _, data in chunk],
               [e.hash for e in events]]
    # The arrays travel in binary (%b): psycopg's text form escapes every element with a regex.
    select = ("SELECT p, s, v, t, sv, d::jsonb, %s::jsonb, %s, h FROM unnest(%b::bigint[], %b::text[], %b::int[], "
              "%b::text[], %b::int[], %b::text[], %b::text[]) AS u(p, s, v, t, sv, d, h)")
    return select, [metadata_json, connection.ops.adapt_datetimefield_value(first.recorded_at), *columns]


_VALUES_ROW = {
    False: "(%s, %s, %s, %s, %s, %s, %s, %s, %s)",  # SQLite takes the values as they come
    True: "(%s::bigint, %s, %s::int, %s, %s::int, %s::jsonb, %s::jsonb, %s::timestamptz, %s)",
}


def _values_rows(chunk: list[tuple[RecordedEvent, str]], metadata_json: str, *, typed: bool) -> tuple[str, list[Any]]:
    """Return a SELECT of the rows as a multi-row VALUES list (typed for PostgreSQL, whose VALUES need casts)."""
    params: list[Any] = []
    adapt_time = current().ops.adapt_datetimefield_value
    for event, data_json in chunk:
        params += [event.position, event.stream_id, event.stream_version, event.type, event.schema_version,
                   data_json, metadata_json, adapt_time(event.recorded_at), event.hash]
    return "SELECT * FROM (VALUES " + ", ".join([_VALUES_ROW[typed]] * len(chunk)) + ") AS r", params


def _insert_guarded(
    cursor: Any, select: str, params: list[Any], head: tuple[int, str], versions: dict[str, int], *, expected_rows: int
) -> bool:
    """Send the lock and an INSERT that writes only if `head` is the head and streams are at `versions`."""
    return _run(cursor, _locked(_guarded_insert(select, params, head, versions))).rowcount == expected_rows


def _guarded_insert(
    select: str, params: list[Any], head: tuple[int, str], versions: dict[str, int]
) -> tuple[str, list[Any]]:
    """Return an INSERT of `select` that writes only if `head` is the head and streams are at `versions`."""
    # Evaluated after the lock is granted (a statement's snapshot is taken when it starts).
    conditions = [f"EXISTS (SELECT 1 FROM ({_HEAD}) h WHERE h.position = %s AND h.hash = %s)"]
    guard_params: list[Any] = [head[0], head[1]]
    for stream_id, version in versions.items():
        conditions.append("(SELECT COALESCE(MAX(stream_version), 0) FROM lineage_event WHERE stream_id = %s) = %s")
        guard_params += [stream_id, version]
    insert = (f"INSERT INTO lineage_event ({_COLUMNS}) SELECT * FROM ({select}) AS r "
              f"WHERE {' AND '.join(conditions)}")
    return insert, params + guard_params


# --- reading -----------------------------------------------------------------------------------

def _from_rows(rows: Sequence[Sequence[Any]]) -> list[RecordedEvent]:
    """Decode rows in order. Events appended together share one metadata text: it is decoded once,
    and those events share the dict, as they did when they were appended."""
    events, last_text, last_metadata = [], None, None
    for row in rows:
        if row[6] != last_text:
            last_text, last_metadata = row[6], _json(row[6])
        events.append(RecordedEvent(
            position=row[0], stream_id=row[1], stream_version=row[2], type=row[3], schema_version=row[4],
            data=_json(row[5]), metadata=last_metadata, recorded_at=_aware(row[7]), hash=row[8],
        ))
    return events


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
    if connection.vendor == "postgresql":
        # Binary results: times arrive as integers, not text parsed with a regex (a tenth of a replay).
        with connection.wrap_database_errors:
            return _from_rows(batch.run(raw_connection(), [(sql, params)], binary=True)[0].rows)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return _from_rows(cursor.fetchall())


def load_stream(stream_id: str, *, up_to_position: int | None = None) -> list[RecordedEvent]:
    """Return one stream's events in order, optionally only those at or before a position."""
    sql, params = f"{_SELECT} WHERE stream_id = %s", [stream_id]
    if up_to_position is not None:
        sql, params = sql + " AND position <= %s", params + [up_to_position]
    with connection.cursor() as cursor:
        cursor.execute(sql + " ORDER BY stream_version", params)
        return _from_rows(cursor.fetchall())


def iter_all(*, after: int = 0, batch: int = 5000) -> Iterator[RecordedEvent]:
    """Yield every event after a position in order, reading in keyset-paginated batches."""
    while True:
        chunk = read_after(after, limit=batch)
        yield from chunk
        if len(chunk) < batch:
            return
        after = chunk[-1].position


def stream_version(stream_id: str) -> int:
    """Return the current version of a stream (0 when it has no events)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {stream_version_sql()}", [stream_id])
        return cursor.fetchone()[0]


def stream_version_sql() -> str:
    """Return a scalar SQL subquery of a stream's version (0 when empty) taking the stream id as its one
    parameter: to read the version in the same statement, hence the same snapshot, as the rows it guards."""
    return "(SELECT COALESCE(MAX(stream_version), 0) FROM lineage_event WHERE stream_id = %s)"


def head_position() -> int:
    """Return the position of the last event (0 for an empty log)."""
    with connection.cursor() as cursor:
        cursor.execute(_HEAD)
        row = cursor.fetchone()
        return row[0] if row else 0


def position_at(moment: Any) -> int:
    """Return the last position recorded at or before a time."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT MAX(position) FROM lineage_event WHERE recorded_at <= %s",
            [connection.ops.adapt_datetimefield_value(moment)],
        )
        return cursor.fetchone()[0] or 0
