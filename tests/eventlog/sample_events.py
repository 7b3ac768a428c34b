"""Event types used only by the event log's tests (no projection handles them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from eventlog import DomainEvent, upcaster


@dataclass(frozen=True)
class NoteWritten(DomainEvent):
    """A note was written (a payload no projection handles)."""

    text: str
    extra: Any = None


@dataclass(frozen=True)
class ParcelWeighed(DomainEvent):
    """A parcel was weighed; version 2 records grams where version 1 recorded kilograms."""

    schema_version: ClassVar[int] = 2

    parcel_id: str
    weight_grams: int


@upcaster("ParcelWeighed", from_version=1)
def parcel_weighed_kilograms_to_grams(data: dict[str, Any]) -> dict[str, Any]:
    """Turn a version 1 payload (weight_kg) into version 2 (weight_grams)."""
    return {"parcel_id": data["parcel_id"], "weight_grams": round(data["weight_kg"] * 1000)}
