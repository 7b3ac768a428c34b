"""Projections: event → read-model handlers, applied in the append's transaction, rebuildable from 0.

A projection lists its handlers in one explicit table and owns its read-model tables. Handlers
write through `Rows`, a small unit of work, so that the same handler serves a live append (rows
read from the database as the handler asks for them) and a rebuild (every row kept in memory,
then bulk-inserted once). Read-model primary keys and times must come from events, never from
sequences or clocks, so that a rebuild reproduces the live tables exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction

from eventlog.events import RecordedEvent
from eventlog.models import ProjectionCheckpoint
from eventlog.reading import iter_all

Handler = Callable[[RecordedEvent, "Rows"], None]
Key = tuple[type[models.Model], Any]


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
    cache: dict[Key, Any] = field(default_factory=dict)
    new: dict[Key, models.Model] = field(default_factory=dict)
    # Changed rows, with the fields that changed (None: every field).
    dirty: dict[Key, tuple[models.Model, set[str] | None]] = field(default_factory=dict)
    deleted: dict[Key, models.Model] = field(default_factory=dict)

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
        self.new[key] = obj

    def save(self, obj: models.Model, *fields: str) -> None:
        """Mark a row returned by `get` as changed: in the named fields only, or (none named) in every field."""
        key = (type(obj), obj.pk)
        if key in self.new:
            return  # inserted with its final values at flush
        _, before = self.dirty.get(key, (obj, set()))
        self.dirty[key] = (obj, None if before is None or not fields else before | set(fields))

    def delete(self, obj: models.Model) -> None:
        """Remove a row returned by `get` (a row added in this unit of work is simply never inserted)."""
        key = (type(obj), obj.pk)
        self.cache[key] = None
        self.dirty.pop(key, None)
        if self.new.pop(key, None) is None:
            self.deleted[key] = obj

    def flush(self) -> None:
        """Write the collected changes to the database: deletions first, so a key removed and added again is new."""
        for model, pk in self.deleted:
            model._default_manager.filter(pk=pk).delete()
        inserts: dict[type[models.Model], list[models.Model]] = {}
        for obj in self.new.values():
            inserts.setdefault(type(obj), []).append(obj)
        for model, objs in inserts.items():
            _insert(model, objs)
        for obj, fields in self.dirty.values():
            obj.save(update_fields=fields)
        self.new, self.dirty, self.deleted = {}, {}, {}


_COPY_FROM = 1000  # rows: a rebuild's inserts; a live append's few rows take a plain INSERT


def _insert(model: type[models.Model], objs: list[models.Model]) -> None:
    """Insert new rows: with PostgreSQL's COPY when there are many (a rebuild), else with bulk_create.

    COPY because a bulk INSERT's parameters are quoted into array literals in Python, which made
    that most of a rebuild's time.
    """
    if connection.vendor != "postgresql" or len(objs) < _COPY_FROM:
        model._default_manager.bulk_create(objs, batch_size=2000)
        return
    fields = model._meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor, cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
        db = cursor.db  # the wrapper itself: `connection` is a proxy that looks it up on every use
        for obj in objs:
            copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), db) for f in fields])


def apply(events: Sequence[RecordedEvent]) -> None:
    """Apply freshly appended events to the projections that handle them, and move their checkpoints.

    Only those projections' checkpoints move: events a projection ignores never need replaying for
    it. An event at or before a projection's checkpoint is skipped, so applying is idempotent.
    """
    types = {e.type for e in events}
    chosen = [p for p in _REGISTRY.values() if not types.isdisjoint(p.handlers)]
    if not chosen:
        return
    done = dict(ProjectionCheckpoint.objects.filter(name__in=[p.name for p in chosen]).values_list("name", "position"))
    rows = Rows(from_database=True)
    for projection in chosen:
        _dispatch(projection, [e for e in events if e.position > done.get(projection.name, 0)], rows)
    rows.flush()
    _save_checkpoints([p.name for p in chosen], events[-1].position)


def _dispatch(projection: Projection, events: Iterable[RecordedEvent], rows: Rows) -> None:
    for event in events:
        handler = projection.handlers.get(event.type)
        if handler is not None:
            handler(event, rows)


def _save_checkpoints(names: list[str], position: int) -> None:
    ProjectionCheckpoint.objects.bulk_create(
        [ProjectionCheckpoint(name=name, position=position) for name in names],
        update_conflicts=True, unique_fields=["name"], update_fields=["position"],
    )


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
                _dispatch(projection, [event], rows)
        rows.flush()
        ProjectionCheckpoint.objects.filter(name__in=[p.name for p in chosen]).delete()
        _save_checkpoints([p.name for p in chosen], last)
    return last


def replay(only: list[str] | None = None) -> int:
    """Rebuild every read model (or the named projections) from position 0; return the last position."""
    return rebuild(iter_all(), only=only)


def catch_up_projections() -> list[str]:
    """Build, from position 0, every registered projection that has never run; return their names.

    Called after `migrate`, so a projection added in a release sees the whole history before any
    new event reaches it.
    """
    built = set(ProjectionCheckpoint.objects.values_list("name", flat=True))
    missing = [p.name for p in registered() if p.name not in built]
    if missing:
        replay(only=missing)
    return missing


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


def replay_check(only: list[str] | None = None) -> str | None:
    """Rebuild into a rolled-back transaction; return the first difference from the live models."""
    result: str | None = None
    try:
        with transaction.atomic():
            live = snapshot(only)
            rebuild(iter_all(), only=only)
            result = first_difference(live, snapshot(only))
            raise _RollBack
    except _RollBack:
        pass
    return result
