"""Appends that are whole transactions by themselves: they commit with their read models, release the
append lock when they fail, and answer event_log_busy when the lock is not had in time.

These tests run outside pytest-django's per-test transaction (transaction=True), so each append
commits for real and other connections see it.
"""

from __future__ import annotations

import threading

import pytest
from django.db import DataError, IntegrityError, connection, connections

import eventlog
from eventlog import ConcurrencyError, EventLogBusy, Projection, StreamWrite, projections
from eventlog.models import ProjectionCheckpoint
from tests.eventlog.sample_events import NoteWritten

pytestmark = pytest.mark.django_db(transaction=True)
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql",
                                     reason="SQLite allows one connection to write at a time, as a whole file")


def test_an_append_outside_a_transaction_commits_and_is_visible_to_another_connection():
    # given
    eventlog.append("solo", [NoteWritten("a")], expected_version=0)
    # when
    recorded = eventlog.append("solo", [NoteWritten("b")], expected_version=1)
    # then
    seen: list[int] = []
    reader = threading.Thread(target=lambda: (seen.append(eventlog.stream_version("solo")), connection.close()))
    reader.start()
    reader.join()
    assert seen == [2]
    assert not connection.in_atomic_block
    assert eventlog.load_stream("solo")[-1] == recorded[0]
    assert eventlog.verify().ok


def test_a_stale_expected_version_outside_a_transaction_records_nothing():
    # given
    eventlog.append("raced", [NoteWritten("a"), NoteWritten("b")], expected_version=0)
    before = eventlog.head_position()
    # when
    with pytest.raises(ConcurrencyError) as refused:
        eventlog.append("raced", [NoteWritten("c")], expected_version=1)
    # then
    assert refused.value.extra == {"current_version": 2, "expected_version": 1}
    assert eventlog.head_position() == before


def test_a_failed_append_rolls_back_and_leaves_the_lock_free_and_the_connection_usable():
    # given
    eventlog.append("fine", [NoteWritten("a")], expected_version=0)
    before = eventlog.head_position()
    # when: the stream id is longer than the column allows (PostgreSQL), or collides (SQLite)
    with pytest.raises(DataError if connection.vendor == "postgresql" else IntegrityError):
        if connection.vendor == "postgresql":
            eventlog.append("x" * 300, [NoteWritten("too long")], expected_version=0)
        else:
            eventlog.append_stored([eventlog.StoredForm("fine", 1, "NoteWritten", {"text": "taken"})])
    # then: another connection can take the append lock at once, and this one appends again
    done = threading.Event()

    def other_writer() -> None:
        try:
            eventlog.append("elsewhere", [NoteWritten("b")], expected_version=0)
            done.set()
        finally:
            connection.close()

    writer = threading.Thread(target=other_writer)
    writer.start()
    writer.join(timeout=10)
    assert done.is_set(), "the append lock was still held after the failed append"
    eventlog.append("fine", [NoteWritten("c")], expected_version=1)
    assert eventlog.head_position() == before + 2
    assert eventlog.verify().ok


def _seen_by_another_connection(stream: str) -> tuple[int, bool]:
    """Return the stream's version and whether its read-model row exists, read on a new connection."""
    seen: list[tuple[int, bool]] = []

    def read() -> None:
        try:
            seen.append((eventlog.stream_version(stream), ProjectionCheckpoint.objects.filter(name=stream).exists()))
        finally:
            connection.close()

    reader = threading.Thread(target=read)
    reader.start()
    reader.join()
    return seen[0]


@pytest.fixture
def projected(monkeypatch):
    """A projection that records each stream's first NoteWritten as a read-model row named after the stream."""
    def handler(event, rows):
        if event.stream_version == 1:
            rows.add(ProjectionCheckpoint(name=event.stream_id, position=event.position))

    monkeypatch.setitem(projections._REGISTRY, "notes", Projection("notes", {"NoteWritten": handler}, []))


def test_a_projected_append_outside_a_transaction_commits_events_and_read_models_together(projected):
    # when
    recorded = eventlog.append("noted", [NoteWritten("a")], expected_version=0)
    # then
    assert _seen_by_another_connection("noted") == (1, True)
    assert not connection.in_atomic_block
    assert eventlog.load_stream("noted") == recorded
    assert eventlog.append("noted", [NoteWritten("b")], expected_version=1)[0].position == recorded[0].position + 1


def test_a_failed_projected_append_outside_a_transaction_leaves_nothing_and_the_connection_usable(projected):
    # given
    before = eventlog.head_position()
    ProjectionCheckpoint.objects.create(name="doomed", position=0)  # the handler's row collides with it
    # when
    with pytest.raises(IntegrityError):
        eventlog.append_streams([StreamWrite("doomed", [NoteWritten("x")], 0)])
    # then
    assert eventlog.head_position() == before
    assert _seen_by_another_connection("doomed") == (0, True)
    assert not connection.in_atomic_block
    eventlog.append("afterwards", [NoteWritten("y")], expected_version=0)
    assert eventlog.verify().ok


@postgresql_only
def test_an_append_that_cannot_have_the_lock_in_time_answers_busy_and_records_nothing(settings):
    # given: another connection holds the append lock
    settings.EVENTLOG_LOCK_TIMEOUT = 0.2
    holder = connections.create_connection("default")
    holder.set_autocommit(False)
    with holder.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(30515220352952165)")
    before = eventlog.head_position()
    try:
        # when
        with pytest.raises(EventLogBusy) as busy:
            eventlog.append("waiting", [NoteWritten("a")], expected_version=0)
    finally:
        holder.rollback()
        holder.close()
    # then
    assert (busy.value.status, busy.value.code) == (503, "event_log_busy")
    assert eventlog.head_position() == before
    assert eventlog.append("waiting", [NoteWritten("a")], expected_version=0)[0].stream_version == 1
