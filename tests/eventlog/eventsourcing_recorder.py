"""The `eventsourcing` library's recorder interfaces over the project's own event table.

Test-only (the library is a test dependency): it lets the library's recorder contract tests,
written by people who never saw this code, check `eventlog`. A stored event maps onto a
row of `lineage_event` like this: originator id → stream id, originator version → stream
version, topic → type, state → base64 in the JSON data. Notification ids are log positions.
Tracking records (which the log itself has no use for) live in a small table this module creates.
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any, TypeVar
from uuid import UUID

from django.db import IntegrityError as DjangoIntegrityError
from django.db import connection, transaction
from eventsourcing.persistence import (
    AggregateRecorder,
    ApplicationRecorder,
    IntegrityError,
    ListenNotifySubscription,
    Notification,
    ProcessRecorder,
    StoredEvent,
    Subscription,
    Tracking,
    TrackingRecorder,
)

import eventlog
from eventlog.models import Event

TRACKING_TABLE = "test_eventsourcing_tracking"
_F = TypeVar("_F", bound=Callable[..., Any])


def own_connection(function: _F) -> _F:
    """Give the library's worker threads their connection back after each call (pooled connections)."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        finally:
            if threading.current_thread() is not threading.main_thread():
                connection.close()

    return wrapper  # type: ignore[return-value]


def _stored_form(event: StoredEvent) -> eventlog.StoredForm:
    data = {"state": base64.b64encode(event.state).decode("ascii"), "uuid": isinstance(event.originator_id, UUID)}
    return eventlog.StoredForm(stream_id=str(event.originator_id), stream_version=event.originator_version,
                               type=event.topic, data=data)


def _originator_id(stream_id: str, data: dict[str, Any]) -> UUID | str:
    return UUID(stream_id) if data.get("uuid") else stream_id


def _stored_event(row: Event) -> StoredEvent:
    return StoredEvent(originator_id=_originator_id(row.stream_id, row.data), originator_version=row.stream_version,
                       topic=row.type, state=base64.b64decode(row.data["state"]))


def _notification(row: Event) -> Notification:
    return Notification(id=row.position, originator_id=_originator_id(row.stream_id, row.data),
                        originator_version=row.stream_version, topic=row.type,
                        state=base64.b64decode(row.data["state"]))


def _append(stored_events: Sequence[StoredEvent]) -> list[int]:
    """Append through the event log's own path; a taken (stream, version) becomes the library's IntegrityError."""
    if not stored_events:
        return []
    try:
        recorded = eventlog.append_stored([_stored_form(e) for e in stored_events])
    except DjangoIntegrityError as exc:
        raise IntegrityError(exc) from exc
    return [event.position for event in recorded]


class DjangoAggregateRecorder(AggregateRecorder):
    """Stored events in aggregate sequences (streams) of the project's event log."""

    @own_connection
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        _append(stored_events)
        return None

    @own_connection
    def select_events(
        self, originator_id: UUID | str, *, gt: int | None = None, lte: int | None = None, desc: bool = False,
        limit: int | None = None,
    ) -> Sequence[StoredEvent]:
        rows = Event.objects.filter(stream_id=str(originator_id))
        if gt is not None:
            rows = rows.filter(stream_version__gt=gt)
        if lte is not None:
            rows = rows.filter(stream_version__lte=lte)
        rows = rows.order_by("-stream_version" if desc else "stream_version")
        return [_stored_event(row) for row in (rows[:limit] if limit is not None else rows)]


class DjangoApplicationRecorder(DjangoAggregateRecorder, ApplicationRecorder):
    """Adds the application sequence: notification ids are the log's gap-free positions."""

    @own_connection
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        return _append(stored_events)

    @own_connection
    def select_notifications(
        self, start: int | None, limit: int, stop: int | None = None, topics: Sequence[str] = (), *,
        inclusive_of_start: bool = True,
    ) -> Sequence[Notification]:
        rows = Event.objects.all()
        if start is not None:
            rows = rows.filter(position__gte=start) if inclusive_of_start else rows.filter(position__gt=start)
        if stop is not None:
            rows = rows.filter(position__lte=stop)
        if topics:
            rows = rows.filter(type__in=list(topics))
        return [_notification(row) for row in rows.order_by("position")[:limit]]

    @own_connection
    def max_notification_id(self) -> int | None:
        return eventlog.head_position() or None

    def subscribe(self, gt: int | None = None, topics: Sequence[str] = ()) -> Subscription[ApplicationRecorder]:
        return PollingSubscription(self, gt=gt, topics=topics)


class PollingSubscription(ListenNotifySubscription[ApplicationRecorder]):
    """Follow "position > last seen", polling every 20 ms (the log has no LISTEN/NOTIFY channel)."""

    POLL_SECONDS = 0.02

    def __init__(self, recorder: ApplicationRecorder, gt: int | None = None, topics: Sequence[str] = ()) -> None:
        super().__init__(recorder=recorder, gt=gt, topics=topics)
        self._poller = threading.Thread(target=self._poll, daemon=True)
        self._poller.start()

    def _poll(self) -> None:
        while not self._has_been_stopped:
            time.sleep(self.POLL_SECONDS)
            self._has_been_notified.set()

    def __exit__(self, *args: object, **kwargs: Any) -> None:
        try:
            super().__exit__(*args, **kwargs)
        finally:
            self._poller.join()


class DjangoTrackingRecorder(TrackingRecorder):
    """Tracking records in their own small table (created by `create_table`)."""

    def create_table(self) -> None:
        """Create the tracking table if it does not exist."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {TRACKING_TABLE} (application_name VARCHAR(100) NOT NULL, "
                "notification_id BIGINT NOT NULL, PRIMARY KEY (application_name, notification_id))"
            )

    def drop_table(self) -> None:
        """Drop the tracking table."""
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {TRACKING_TABLE}")

    @own_connection
    def insert_tracking(self, tracking: Tracking) -> None:
        with transaction.atomic():
            self._insert_tracking(tracking)

    def _insert_tracking(self, tracking: Tracking) -> None:
        # A tracking id at or below the last one recorded is refused: positions are processed in order.
        latest = self._max(tracking.application_name)
        if latest is not None and tracking.notification_id <= latest:
            raise IntegrityError(f"{tracking} is not after {latest}")
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {TRACKING_TABLE} (application_name, notification_id) VALUES (%s, %s)",
                           [tracking.application_name, tracking.notification_id])

    @own_connection
    def max_tracking_id(self, application_name: str) -> int | None:
        return self._max(application_name)

    def _max(self, application_name: str) -> int | None:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(notification_id) FROM {TRACKING_TABLE} WHERE application_name = %s",
                           [application_name])
            return cursor.fetchone()[0]


class DjangoProcessRecorder(DjangoTrackingRecorder, DjangoApplicationRecorder, ProcessRecorder):
    """Events and the tracking record of what caused them, written in one transaction."""

    @own_connection
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        tracking: Tracking | None = kwargs.get("tracking")
        with transaction.atomic():
            if tracking is not None:
                self._insert_tracking(tracking)
            return _append(stored_events)
