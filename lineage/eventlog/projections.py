"""Projections: event → read-model handlers, applied in the append transaction, rebuildable from 0.

A projection lists its handlers in one explicit table and owns its read-model tables. Handlers
write through `Rows`, a small unit of work, so the same handler code serves both incremental
application (rows loaded from the database: those a handler declares with `@reads` all in the
append's first round trip, any other on demand) and a fast rebuild (all rows kept in memory,
then bulk-inserted). Read-model primary keys and times must come from events, never from
sequences or clocks, so that a rebuild reproduces the live tables exactly.
"""

from __future__ import annotations

import functools
import itertools
import operator
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction

from config import batch
from config.database import current, model_from_row, raw_connection, select_by_pk_sql
from lineage.eventlog.types import RecordedEvent
from lineage.models import ProjectionCheckpoint

Handler = Callable[[RecordedEvent, "Rows"], None]
Key = tuple[type[models.Model], Any]


def reads(keys: Callable[[Any], Iterable[Key]]) -> Callable[[Handler], Handler]:
    """Declare the rows a handler reads, as (model, primary key) pairs computed from its event's payload.

    A live append loads every declared row of all its events in the round trip that takes the
    append lock, instead of one query per `Rows.get`. Undeclared reads still work (one query each).
    """
    def declare(handler: Handler) -> Handler:
        handler.reads = keys  # type: ignore[attr-defined]
        return handler

    return declare


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
    cache: dict[Key, models.Model | None] = field(default_factory=dict)
    new: dict[Key, models.Model] = field(default_factory=dict)
    # Changed rows, with the fields that changed (None: every field).
    dirty: dict[Key, tuple[models.Model, set[str] | None]] = field(default_factory=dict)

    def get(self, model: type[models.Model], pk: Any) -> Any:
        """Return the row with this primary key, or None."""
        key = (model, pk)
        if key not in self.cache:
            self.cache[key] = _read_row(model, pk) if self.from_database else None
        return self.cache[key]

    def add(self, obj: models.Model) -> None:
        """Insert a new row."""
        key = (type(obj), obj.pk)
        self.cache[key] = obj
        self.new[key] = obj

    def save(self, obj: models.Model, *fields: str) -> None:
        """Mark a row returned by `get` as changed: in the named fields only, or (none named) in every field.

        Naming the fields keeps a large column the handler did not touch (a job item's manifest) out
        of the UPDATE.
        """
        key = (type(obj), obj.pk)
        if key in self.new:
            return
        _, before = self.dirty.get(key, (obj, set()))
        self.dirty[key] = (obj, None if before is None or not fields else before | set(fields))

    def loaded(self, model: type[models.Model], pks: Iterable[Any], found: Iterable[models.Model]) -> None:
        """Cache rows read ahead for these primary keys (a key with no row is cached as missing)."""
        by_pk = {obj.pk: obj for obj in found}
        to_python = model._meta.pk.to_python  # a key given as text finds its UUID row
        for pk in pks:
            self.cache.setdefault((model, pk), by_pk.get(to_python(pk)))

    def flush(self, then: Callable[[], None] | None = None) -> None:
        """Write the collected changes to the database, then run `then` (more writes) in the same batch.

        Nothing here needs an answer before the next write, so on PostgreSQL they share one round
        trip, as one `config.batch` (a live append's own, or one of their own). Large batches
        (rebuilds) take COPY, which a batch cannot carry.
        """
        inserts = _by_model(self.new.values())
        with _batched(all(len(objs) < _COPY_FROM for objs in inserts.values())):
            for model, objs in inserts.items():
                _insert_rows(model, objs)
            for obj, fields in self.dirty.values():
                _update_row(obj, fields)
            if then is not None:
                then()
        self.new, self.dirty = {}, {}


def _read_row(model: type[models.Model], pk: Any) -> models.Model | None:
    """Read a row a handler did not declare: through the append's batch while one is collecting
    (the connection is the batch's until it has its answers), else through the ORM."""
    collector = batch.collector()
    if collector is None:
        return model._default_manager.filter(pk=pk).first()
    sql, params = _select_by_pk(model, [pk])
    collector.add(sql, params)
    found = collector.run()[-1].rows
    return model_from_row(model, found[0]) if found else None


@contextmanager
def _batched(wanted: bool) -> Iterator[None]:
    """Collect the block's writes into one `config.batch` sent at its end (PostgreSQL), or join the
    batch already collecting them."""
    if not wanted or connection.vendor != "postgresql" or batching():
        yield
        return
    writes = batch.Batch(raw_connection())
    try:
        with batch.collecting(writes):
            yield
    except BaseException:
        writes.drain()
        raise
    with connection.wrap_database_errors:
        writes.run()


def batching() -> bool:
    """Tell whether this thread's writes are being collected into a `config.batch` that an outer
    block sends."""
    return batch.collector() is not None


def _update_row(obj: models.Model, names: set[str] | None) -> None:
    """UPDATE the changed columns of a row read through `Rows.get` (it exists: it was read in this transaction)."""
    meta, db = obj._meta, current()
    fields = [f for f in meta.concrete_fields if not f.primary_key and (names is None or f.name in names)]
    values = [f.pre_save(obj, False) for f in fields]
    if db.vendor != "postgresql":
        # What Model.save(force_update=True) runs, without reading the row count back.
        changes = [(f, None, v) for f, v in zip(fields, values, strict=True)]
        type(obj)._default_manager.filter(pk=obj.pk)._update(changes)
        return
    params = [f.get_db_prep_save(v, db) for f, v in zip(fields, values, strict=True)]
    _execute(_update_sql(type(obj), tuple(f.column for f in fields)),
             [*params, meta.pk.get_db_prep_value(obj.pk, db)])


@functools.lru_cache(maxsize=1024)
def _update_sql(model: type[models.Model], columns: tuple[str, ...]) -> str:
    quote, meta = connection.ops.quote_name, model._meta
    return (f"UPDATE {quote(meta.db_table)} SET {', '.join(f'{quote(column)} = %s' for column in columns)} "
            f"WHERE {quote(meta.pk.column)} = %s")


@functools.lru_cache(maxsize=1024)
def _insert_sql(model: type[models.Model], count: int) -> str:
    quote, fields = connection.ops.quote_name, model._meta.concrete_fields
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    return (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
            f"VALUES {', '.join([row] * count)}")


_COPY_FROM = 200  # rows; below this a bulk INSERT is as quick as COPY
_MAX_PARAMETERS = 60_000  # per statement; PostgreSQL's protocol allows 65,535


def _insert_rows(model: type[models.Model], objs: list[models.Model]) -> None:
    """Insert new rows: on PostgreSQL with COPY for large batches (rebuilds), else with a plain INSERT."""
    db = current()
    if db.vendor != "postgresql" or isinstance(model._meta.pk, models.AutoField):
        model._default_manager.bulk_create(objs, batch_size=2000)
        return
    fields = model._meta.concrete_fields
    rows = _copy_rows(fields, objs, db)
    # COPY cannot travel in a batch: an append's writes (sent in one with its events) take INSERT.
    if len(objs) < _COPY_FROM or batching():
        # Built here rather than by the ORM: compiling bulk_create cost more than the INSERT itself.
        step = max(1, _MAX_PARAMETERS // len(fields))
        while chunk := [value for row in itertools.islice(rows, step) for value in row]:
            _execute(_insert_sql(model, len(chunk) // len(fields)), chunk)
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor, connection.wrap_database_errors, cursor.cursor.copy(
            f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _execute(sql: str, params: Sequence[Any]) -> None:
    """Run a write (PostgreSQL): added to the batch collecting this thread's writes (see `_batched`),
    or else run on its own."""
    collector = batch.collector()
    if collector is not None:
        # Sent at once: the server runs each write while the next is being built.
        collector.add(sql, params)
        collector.send()
        return
    db = current()
    with db.wrap_database_errors:
        batch.run(raw_connection(db), [(sql, params)])


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


def _interested(types: set[str]) -> list[Projection]:
    """Return the projections that handle at least one of these event types."""
    return [p for p in _REGISTRY.values() if not types.isdisjoint(p.handlers)]


@dataclass
class Reads:
    """What a live append's projections read before they run: their checkpoints and the rows their
    handlers declare with `reads`. The event store sends `statements()` in the round trip that takes
    the append lock, then hands their results to `apply`."""

    chosen: list[Projection]
    keys: dict[type[models.Model], list[Any]]

    def statements(self) -> list[tuple[str, list[Any]]]:
        """Return the SELECTs to run: the checkpoints first, then one per model with declared rows."""
        names = [p.name for p in self.chosen]
        checkpoints = _select_by_pk(ProjectionCheckpoint, names, columns=["name", "position"])
        return [checkpoints, *(_select_by_pk(model, pks) for model, pks in self.keys.items())]

    def apply(self, events: Sequence[RecordedEvent], results: Sequence[Sequence[tuple[Any, ...]]]) -> None:
        """Apply freshly appended events to the chosen projections, given the results of `statements()`.

        Only projections that handle one of the events' types are touched, and only their
        checkpoints move: events a projection ignores never need replaying for it.
        """
        checkpoints = dict(results[0])
        rows = Rows(from_database=True)
        for (model, pks), found in zip(self.keys.items(), results[1:], strict=True):
            rows.loaded(model, pks, [model_from_row(model, row) for row in found])
        names = [p.name for p in self.chosen]
        for projection in self.chosen:
            done = checkpoints.get(projection.name, 0)
            # Idempotent: an event the projection has already applied is skipped.
            _dispatch(projection, (e for e in events if e.position > done), rows)
        rows.flush(then=lambda: _save_checkpoints(names, events[-1].position, checkpoints))


def prepare(drafts: Iterable[tuple[str, Callable[[], Any]]]) -> Reads | None:
    """Return what the projections of these (event type, payload) drafts read, or None when none handles them."""
    drafts = list(drafts)
    chosen = _interested({type_ for type_, _ in drafts})
    if not chosen:
        return None
    keys: dict[type[models.Model], dict[Any, None]] = {}
    for type_, payload in drafts:
        for projection in chosen:
            declared = getattr(projection.handlers.get(type_), "reads", None)
            if declared is not None:
                for model, pk in declared(payload()):
                    keys.setdefault(model, {})[pk] = None
    return Reads(chosen, {model: list(pks) for model, pks in keys.items()})


def _save_checkpoints(names: list[str], position: int, existing: Mapping[str, int]) -> None:
    moved = [name for name in names if name in existing]
    if moved and connection.vendor == "postgresql":
        _execute("UPDATE lineage_projection_checkpoint SET position = %s WHERE name = ANY(%s)", [position, moved])
    elif moved:
        ProjectionCheckpoint.objects.filter(name__in=moved).update(position=position)
    missing = [ProjectionCheckpoint(name=n, position=position) for n in names if n not in existing]
    if missing:
        _insert_rows(ProjectionCheckpoint, missing)


def _select_by_pk(model: type[models.Model], pks: Sequence[Any], columns: Sequence[str] | None = None,
                  ) -> tuple[str, list[Any]]:
    """Return a SELECT of the model's rows (all columns, or the named ones) with these primary keys."""
    pk, db = model._meta.pk, current()
    values = [pk.get_db_prep_value(value, db) for value in pks]
    if db.vendor == "postgresql" and len(values) > 1:
        # One statement whatever the count: the batch prepares it once.
        return select_by_pk_sql(model, tuple(columns or ()), None), [values]
    # One key (the usual live append) reads with `pk = $1`: PostgreSQL plans that prepared statement
    # once and keeps the plan, where for `= ANY($1)` it cannot tell the array's length and plans
    # again on every execution.
    return select_by_pk_sql(model, tuple(columns or ()), len(values)), values


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
