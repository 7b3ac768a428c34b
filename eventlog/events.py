"""Event classes, their registry, and the upcasters that bring old payloads up to date on read."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from eventlog.errors import UnknownEventType

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]

_EVENT_TYPES: dict[str, type[DomainEvent]] = {}
_UPCASTERS: dict[tuple[str, int], Upcaster] = {}


@dataclass(frozen=True)
class DomainEvent:
    """Base of every event payload: a frozen dataclass named in the past tense.

    Subclasses register themselves by class name; bump `schema_version` and add an upcaster
    whenever the payload's shape changes (stored events are never rewritten).
    """

    schema_version: ClassVar[int] = 1

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        name = cls.__name__
        if name in _EVENT_TYPES and _EVENT_TYPES[name].__module__ != cls.__module__:
            raise TypeError(f"Event type {name} is defined twice ({_EVENT_TYPES[name].__module__}).")
        _EVENT_TYPES[name] = cls

    @classmethod
    def type_name(cls) -> str:
        """Return the name stored in the log's `type` column."""
        return cls.__name__

    def to_data(self) -> dict[str, Any]:
        """Return the JSON payload stored in the log (tuples become lists, as the log hands them back)."""
        return _plain(self)


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _plain(value: Any) -> Any:
    """Copy a payload into plain JSON values: `dataclasses.asdict` without its deep copy of every scalar,
    which made it most of an append's Python time."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if hasattr(kind, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in _field_names(kind)}
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value  # not JSON: left for the serialiser to refuse with its own message


def upcaster(type_name: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
    """Register a function that turns a `from_version` payload into a `from_version + 1` one."""

    def register(function: Upcaster) -> Upcaster:
        _UPCASTERS[(type_name, from_version)] = function
        return function

    return register


def event_class(type_name: str) -> type[DomainEvent]:
    """Return the registered class for a stored type name."""
    try:
        return _EVENT_TYPES[type_name]
    except KeyError:
        raise UnknownEventType(f"No event class is registered for type {type_name!r}.") from None


def upcast(type_name: str, schema_version: int, data: dict[str, Any]) -> dict[str, Any]:
    """Apply upcasters until the payload matches the event class's current schema version."""
    target = event_class(type_name).schema_version
    while schema_version < target:
        data = _UPCASTERS[(type_name, schema_version)](dict(data))
        schema_version += 1
    return data


def decode_payload(type_name: str, schema_version: int, data: dict[str, Any]) -> DomainEvent:
    """Return the typed event of stored data: upcast to the current schema, keys the class dropped ignored."""
    cls = event_class(type_name)
    fields = _field_names(cls)
    data = upcast(type_name, schema_version, data)
    if not fields.keys() >= data.keys():
        data = {k: v for k, v in data.items() if k in fields}
    return cls(**data)


_FIELD_NAMES: dict[type, dict[str, None]] = {}


def _field_names(cls: type) -> dict[str, None]:
    """Return a dataclass's field names, in declaration order with O(1) membership (cached:
    `dataclasses.fields` is slow)."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = dict.fromkeys(f.name for f in dataclasses.fields(cls))
    return names


@dataclass(frozen=True)
class RecordedEvent:
    """An event as read from (or just written to) the log, its payload upcast to the current schema."""

    position: int
    stream_id: str
    stream_version: int
    type: str
    schema_version: int
    data: dict[str, Any]
    metadata: dict[str, Any]
    recorded_at: datetime
    hash: str

    @property
    def payload(self) -> Any:
        """Return the typed event (a DomainEvent subclass instance) built from the upcast data."""
        cached = self.__dict__.get("_payload")
        if cached is None:
            cached = decode_payload(self.type, self.schema_version, self.data)
            object.__setattr__(self, "_payload", cached)
        return cached

    def as_dict(self) -> dict[str, Any]:
        """Return the API representation of the event."""
        return {
            "position": self.position,
            "stream": self.stream_id,
            "stream_version": self.stream_version,
            "type": self.type,
            "schema_version": self.schema_version,
            "data": self.data,
            "metadata": self.metadata,
            "recorded_at": self.recorded_at.isoformat(),
            "hash": self.hash,
        }
