"""Read the log: after a position, one stream, the head, a stream's version, the position at a time."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import datetime

from django.db.models import Max, QuerySet

from eventlog.events import RecordedEvent
from eventlog.models import Event, EventStudio

_FIELDS = ("position", "stream_id", "stream_version", "type", "schema_version", "data", "metadata", "recorded_at",
           "hash")


def _recorded(rows: QuerySet[Event]) -> list[RecordedEvent]:
    return [RecordedEvent(*row) for row in rows.values_list(*_FIELDS)]


def read_after(
    position: int = 0, *, limit: int | None = None, stream_id: str | None = None,
    studio_ids: Collection[str] | None = None,
) -> list[RecordedEvent]:
    """Return events with a position greater than `position`, in order, optionally for one stream
    and only those recorded for the given studios (the `studio` of their metadata)."""
    rows = Event.objects.filter(position__gt=position).order_by("position")
    if stream_id is not None:
        rows = rows.filter(stream_id=stream_id)
    if studio_ids is not None:
        rows = of_studios(rows, studio_ids)
    return _recorded(rows[:limit] if limit is not None else rows)


def of_studios(rows: QuerySet[Event], studio_ids: Collection[str]) -> QuerySet[Event]:
    """Keep the events recorded for the given studios, through the (studio, position) index."""
    return rows.alias(studio=EventStudio()).filter(studio__in=list(studio_ids))


def studio_summary(studio_ids: Collection[str]) -> tuple[int, str | None]:
    """Return how many events the given studios have and the hash of their last one (None for none)."""
    rows = of_studios(Event.objects.all(), studio_ids)
    last = rows.order_by("-position").values_list("hash", flat=True).first()
    return (rows.count() if last is not None else 0), last


def load_stream(stream_id: str, *, up_to_position: int | None = None) -> list[RecordedEvent]:
    """Return one stream's events in order, optionally only those at or before a position."""
    rows = Event.objects.filter(stream_id=stream_id).order_by("stream_version")
    if up_to_position is not None:
        rows = rows.filter(position__lte=up_to_position)
    return _recorded(rows)


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
    return Event.objects.filter(stream_id=stream_id).aggregate(v=Max("stream_version"))["v"] or 0


def head_position() -> int:
    """Return the position of the last event (0 for an empty log)."""
    return Event.objects.aggregate(p=Max("position"))["p"] or 0


def position_at(moment: datetime) -> int:
    """Return the last position recorded at or before a time."""
    return Event.objects.filter(recorded_at__lte=moment).aggregate(p=Max("position"))["p"] or 0
