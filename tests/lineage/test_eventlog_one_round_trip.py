"""Appends that are whole transactions by themselves, on PostgreSQL: without projections, the lock and a
guarded INSERT go in one pipeline and commit at its sync (no BEGIN); with projections, the writes
and the COMMIT share the second of two round trips.

These tests run outside pytest-django's per-test transaction (transaction=True), which is the only
place those paths are taken.
"""

from __future__ import annotations

import threading

import pytest
from django.db import DataError, IntegrityError, connection

from lineage import eventlog
from lineage.eventlog import ConcurrencyError, Projection, StreamWrite, projections, store
from lineage.models import ProjectionCheckpoint
from tests.lineage.sample_events import NoteWritten

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-round-trip path is PostgreSQL's"),
]


def test_an_append_outside_a_transaction_commits_and_is_visible_to_another_connection():
    # given
    eventlog.append("solo", [NoteWritten("a")], expected_version=0)  # the process now remembers the head
    # when
    recorded = eventlog.append("solo", [NoteWritten("b")], expected_version=1)
    # then
    seen: list[int] = []
    reader = threading.Thread(target=lambda: (seen.append(eventlog.stream_version("solo")), connection.close()))
    reader.start()
    reader.join()
    assert seen == [2]
    assert not connection.in_atomic_block and connection.connection.info.transaction_status == 0  # idle
    assert eventlog.load_stream("solo")[-1] == recorded[0]
    assert eventlog.verify().ok


@pytest.mark.parametrize("hint", ["stale hash", "behind", "ahead"])
def test_a_wrong_remembered_head_falls_back_without_forking_the_chain(hint):
    # given
    first = eventlog.append("hinted", [NoteWritten("a")], expected_version=0)[0]
    eventlog.append("other", [NoteWritten("b")], expected_version=0)
    store._head_hint[connection.alias] = {"stale hash": (first.position + 1, "f" * 64),
                                          "behind": (first.position, first.hash),
                                          "ahead": (first.position + 5, "e" * 64)}[hint]
    # when
    recorded = eventlog.append("hinted", [NoteWritten("c")], expected_version=1)
    # then
    assert recorded[0].position == first.position + 2
    assert eventlog.head_position() == first.position + 2
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
    # when: the stream id is longer than the column allows, so the INSERT fails inside the pipeline
    with pytest.raises(DataError):
        eventlog.append("x" * 300, [NoteWritten("too long")], expected_version=0)
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
    assert not connection.in_atomic_block and connection.connection.info.transaction_status == 0  # idle
    assert eventlog.load_stream("noted") == recorded
    assert eventlog.append("noted", [NoteWritten("b")], expected_version=1)[0].position == recorded[0].position + 1


@pytest.mark.parametrize("failure", ["before commit", "read-model write"])
def test_a_failed_projected_append_outside_a_transaction_leaves_nothing_and_the_connection_usable(projected,
                                                                                                  failure):
    # given
    before = eventlog.head_position()
    if failure == "read-model write":
        ProjectionCheckpoint.objects.create(name="doomed", position=0)  # the handler's row collides with it

    def fail() -> None:
        raise OSError("the file could not be stored")

    # when
    with pytest.raises(OSError if failure == "before commit" else IntegrityError):
        eventlog.append_streams([StreamWrite("doomed", [NoteWritten("x")], 0)],
                                before_commit=fail if failure == "before commit" else None)
    # then
    assert eventlog.head_position() == before
    assert _seen_by_another_connection("doomed") == (0, failure == "read-model write")
    assert connection.connection.info.transaction_status == 0  # idle: rolled back
    eventlog.append("afterwards", [NoteWritten("y")], expected_version=0)
    assert eventlog.verify().ok
