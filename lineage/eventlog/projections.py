"""Projections: event → read-model handlers, applied in the append transaction, rebuildable from 0.

A projection lists its handlers in one explicit table and owns its read-model tables. Handlers
write through `Rows`, a small unit of work, so the same handler code serves both incremental
application (rows loaded from the database on demand) and a fast rebuild (all rows kept in
memory, then bulk-inserted). Read-model primary keys and times must come from events, never
from sequences or clocks, so that a rebuild reproduces the live tables exactly.
"""

from __future__ import annotations

import operator
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, connections, models, transaction

from lineage.eventlog.types import RecordedEvent
from lineage.models import ProjectionCheckpoint

Handler = Callable[[RecordedEvent, "Rows"], None]


@dataclass(frozen=True)
class Projection:
    """A named set of handlers (event type → handler) and the read-model tables they own."""

    name: str
    handlers: Mapping[str, Handler]
    models: Sequence[type[models.Model]]


_REGISTRY: dict[str, Projection] = {}


def register(projection: Projection) -> Projection:
    """Add a projection to the registry (called once from each app's projections module)."""
    _REGISTRY[projection.name] = projection
    return projection


def registered() -> list[Projection]:
    """Return every registered projection, in registration order."""
    return list(_REGISTRY.values())


@dataclass
class Rows:
    """A unit of work over read-model rows, keyed by (model, primary key)."""

    from_database: bool
    cache: dict[tuple[type[models.Model], Any], models.Model | None] = field(default_factory=dict)
    new: dict[tuple[type[models.Model], Any], models.Model] = field(default_factory=dict)
    dirty: dict[tuple[type[models.Model], Any], models.Model] = field(default_factory=dict)
    deleted: dict[tuple[type[models.Model], Any], models.Model] = field(default_factory=dict)

    def get(self, model: type[models.Model], pk: Any) -> Any:
        """Return the row with this primary key, or None."""
        key = (model, pk)
        if key not in self.cache:
            self.cache[key] = model._default_manager.filter(pk=pk).first() if self.from_database else None
        return self.cache[key]

    def add(self, obj: models.Model) -> None:
        """Insert a new row."""
        key = (type(obj), obj.pk)
        self.cache[key] = obj
        self.deleted.pop(key, None)
        self.new[key] = obj

    def save(self, obj: models.Model) -> None:
        """Mark a row returned by `get` as changed."""
        key = (type(obj), obj.pk)
        if key not in self.new:
            self.dirty[key] = obj

    def delete(self, obj: models.Model) -> None:
        """Delete a row."""
        key = (type(obj), obj.pk)
        self.cache[key] = None
        self.dirty.pop(key, None)
        if self.new.pop(key, None) is None:
            self.deleted[key] = obj

    def flush(self, then: Callable[[], None] | None = None) -> None:
        """Write the collected changes to the database, then run `then` (more writes) in the same batch.

        Nothing here needs an answer before the next write, so on PostgreSQL a live append's few
        inserts and updates go through one psycopg pipeline: one round trip instead of one each.
        Large batches (rebuilds) take COPY, which a pipeline cannot carry.
        """
        inserts = _by_model(self.new.values())
        with _pipelined(all(len(objs) < _COPY_FROM for objs in inserts.values())):
            for model, objs in inserts.items():
                _insert_rows(model, objs)
            for obj in self.dirty.values():
                _update_row(obj)
            if then is not None:
                then()
        for model, objs in _by_model(self.deleted.values()).items():
            model._default_manager.filter(pk__in=[o.pk for o in objs]).delete()
        self.new, self.dirty, self.deleted = {}, {}, {}


@contextmanager
def _pipelined(wanted: bool) -> Iterator[None]:
    if not wanted or connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    with connection.wrap_database_errors, connection.connection.pipeline():
        yield


def _update_row(obj: models.Model) -> None:
    """UPDATE every column of a row read through `Rows.get` (it exists: it was read in this transaction)."""
    fields = [f for f in obj._meta.concrete_fields if not f.primary_key]
    # What Model.save(force_update=True) runs, without reading the row count back (a pipeline has none yet).
    type(obj)._default_manager.filter(pk=obj.pk)._update([(f, None, f.pre_save(obj, False)) for f in fields])


_COPY_FROM = 200  # rows; below this a bulk INSERT is as quick as COPY


def _insert_rows(model: type[models.Model], objs: list[models.Model]) -> None:
    """Insert new rows: with COPY on PostgreSQL for large batches (rebuilds), bulk INSERT otherwise."""
    database = connections[model._default_manager.db]
    if database.vendor != "postgresql" or len(objs) < _COPY_FROM or isinstance(model._meta.pk, models.AutoField):
        model._default_manager.bulk_create(objs, batch_size=2000)
        return
    fields = model._meta.concrete_fields
    table, quote = model._meta.db_table, database.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(quote(f.column) for f in fields)}) FROM STDIN"
    rows = _copy_rows(fields, objs, database)
    with database.cursor() as cursor, database.wrap_database_errors, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


_PLAIN_TYPES = frozenset({str, int, bool, uuid.UUID, type(None)})


def _copy_rows(fields: Sequence[models.Field], objs: list[models.Model], database: Any) -> Iterator[list[Any]]:
    """Yield each object's column values for COPY.

    COPY's text format takes plain values as they are; Django's per-value preparation was most of a
    rebuild's time, so it runs only for values that need it (JSON, times, decimals…) and `pre_save`
    only for fields that override it (auto_now and the like).
    """
    read = operator.attrgetter(*(f.attname for f in fields))
    single = len(fields) == 1
    hooks = [(i, f) for i, f in enumerate(fields) if type(f).pre_save is not models.Field.pre_save]
    columns = [(f, not isinstance(f, models.JSONField)) for f in fields]
    for obj in objs:
        values = [read(obj)] if single else list(read(obj))
        for i, hooked in hooks:
            values[i] = hooked.pre_save(obj, True)
        yield [value if plain and type(value) in _PLAIN_TYPES else column.get_db_prep_save(value, database)
               for value, (column, plain) in zip(values, columns, strict=True)]


def _by_model(objs: Iterable[models.Model]) -> dict[type[models.Model], list[models.Model]]:
    grouped: dict[type[models.Model], list[models.Model]] = {}
    for obj in objs:
        grouped.setdefault(type(obj), []).append(obj)
    return grouped


def _dispatch(projection: Projection, events: Iterable[RecordedEvent], rows: Rows) -> None:
    handlers = projection.handlers
    for event in events:
        handler = handlers.get(event.type)
        if handler is not None:
            handler(event, rows)


def interested(types: set[str]) -> list[Projection]:
    """Return the projections that handle at least one of these event types."""
    return [p for p in _REGISTRY.values() if not types.isdisjoint(p.handlers)]


def apply(events: Sequence[RecordedEvent]) -> None:
    """Apply freshly appended events to every projection (inside the append transaction).

    Only projections that handle one of the events' types are touched, and only their checkpoints
    move: events a projection ignores never need replaying for it, and an append of a type nobody
    projects costs no read-model query at all.
    """
    chosen = interested({event.type for event in events})
    if not chosen:
        return
    names = [p.name for p in chosen]
    checkpoints = dict(ProjectionCheckpoint.objects.filter(name__in=names).values_list("name", "position"))
    rows = Rows(from_database=True)
    for projection in chosen:
        done = checkpoints.get(projection.name, 0)
        # Idempotent: an event the projection has already applied is skipped.
        _dispatch(projection, (e for e in events if e.position > done), rows)
    rows.flush(then=lambda: _save_checkpoints(names, events[-1].position, checkpoints))


def _save_checkpoints(names: list[str], position: int, existing: Mapping[str, int]) -> None:
    ProjectionCheckpoint.objects.filter(name__in=names).update(position=position)
    missing = [ProjectionCheckpoint(name=n, position=position) for n in names if n not in existing]
    ProjectionCheckpoint.objects.bulk_create(missing)


def rebuild(events: Iterable[RecordedEvent], *, only: Sequence[str] | None = None) -> int:
    """Clear the read models and rebuild them from the given events; return the last position."""
    chosen = [p for p in _REGISTRY.values() if only is None or p.name in only]
    last = 0
    with transaction.atomic():
        for projection in chosen:
            for model in projection.models:
                model._default_manager.all()._raw_delete(model._default_manager.db)
        rows = Rows(from_database=False)
        for event in events:
            last = event.position
            for projection in chosen:
                handler = projection.handlers.get(event.type)
                if handler is not None:
                    handler(event, rows)
        rows.flush()
        ProjectionCheckpoint.objects.filter(name__in=[p.name for p in chosen]).delete()
        ProjectionCheckpoint.objects.bulk_create([ProjectionCheckpoint(name=p.name, position=last) for p in chosen])
    return last


def snapshot(only: Sequence[str] | None = None) -> dict[str, dict[Any, dict[str, Any]]]:
    """Return every read-model row, per table, keyed by primary key."""
    tables: dict[str, dict[Any, dict[str, Any]]] = {}
    for projection in _REGISTRY.values():
        if only is not None and projection.name not in only:
            continue
        for model in projection.models:
            pk = model._meta.pk.attname
            tables[model._meta.label] = {row[pk]: row for row in model._default_manager.values()}
    return tables


def first_difference(live: dict[str, dict[Any, dict]], rebuilt: dict[str, dict[Any, dict]]) -> str | None:
    """Describe the first row that differs between two snapshots, or return None."""
    for table in sorted(set(live) | set(rebuilt)):
        a, b = live.get(table, {}), rebuilt.get(table, {})
        for pk in sorted(set(a) | set(b), key=str):
            if pk not in b:
                return f"{table} row {pk}: present live, missing after rebuild"
            if pk not in a:
                return f"{table} row {pk}: missing live, present after rebuild"
            for column in sorted(a[pk]):
                if a[pk][column] != b[pk].get(column):
                    return f"{table} row {pk} column {column}: live {a[pk][column]!r}, rebuilt {b[pk].get(column)!r}"
    return None


class _RollBack(Exception):
    pass


def check(events_factory: Callable[[], Iterable[RecordedEvent]], only: Sequence[str] | None = None) -> str | None:
    """Rebuild into a rolled-back transaction and return the first difference from the live models."""
    result: str | None = None
    try:
        with transaction.atomic():
            live = snapshot(only)
            rebuild(events_factory(), only=only)
            result = first_difference(live, snapshot(only))
            raise _RollBack
    except _RollBack:
        pass
    return result
