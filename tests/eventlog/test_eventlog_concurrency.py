"""Concurrent writers on PostgreSQL: a reader following "position > last seen" never skips an event."""

from __future__ import annotations

import random
import threading
import time

import pytest
from django.db import connection

import eventlog
from eventlog import ConcurrencyError
from tests.eventlog.sample_events import NoteWritten

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"),
]

WRITERS = 4
APPENDS_PER_WRITER = 40


def _writer(index: int, errors: list[BaseException]) -> None:
    rng = random.Random(index)
    try:
        for n in range(APPENDS_PER_WRITER):
            events = [NoteWritten(f"w{index}-{n}-{k}") for k in range(rng.randint(1, 3))]
            stream = f"writer-{index}-{n % 3}"
            # Some appends carry an expected version, some do not: both paths run concurrently.
            expected = eventlog.stream_version(stream) if n % 2 else None
            eventlog.append(stream, events, expected_version=expected)  # one writer per stream: never stale
            time.sleep(rng.random() / 500)
    except BaseException as exc:
        errors.append(exc)
    finally:
        connection.close()


def _tail(seen: list[int], stop: threading.Event, errors: list[BaseException]) -> None:
    last = eventlog.head_position()
    try:
        while True:
            finished = stop.is_set()  # read before the last poll, so nothing committed earlier is missed
            for event in eventlog.read_after(last, limit=50):
                seen.append(event.position)
                last = event.position
            if finished:
                return
    except BaseException as exc:
        errors.append(exc)
    finally:
        connection.close()


def test_a_tailing_reader_sees_every_event_of_four_concurrent_writers_in_order_without_gaps():
    # given
    start = eventlog.head_position()
    seen: list[int] = []
    errors: list[BaseException] = []
    stop = threading.Event()
    reader = threading.Thread(target=_tail, args=(seen, stop, errors))
    writers = [threading.Thread(target=_writer, args=(i, errors)) for i in range(WRITERS)]
    # when
    reader.start()
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    stop.set()
    reader.join()
    # then
    assert errors == []
    head = eventlog.head_position()
    assert seen == list(range(start + 1, head + 1))
    assert head - start >= WRITERS * APPENDS_PER_WRITER
    assert eventlog.verify().ok


def test_concurrent_appends_with_the_same_expected_version_let_exactly_one_win():
    # given
    eventlog.append("contested", [NoteWritten("0")], expected_version=0)
    outcomes: list[str] = []
    barrier = threading.Barrier(4)

    def contend(i: int) -> None:
        try:
            barrier.wait()
            eventlog.append("contested", [NoteWritten(str(i))], expected_version=1)
            outcomes.append("won")
        except ConcurrencyError as exc:
            outcomes.append(f"refused at {exc.current}")
        finally:
            connection.close()

    threads = [threading.Thread(target=contend, args=(i,)) for i in range(4)]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert sorted(outcomes) == ["refused at 2"] * 3 + ["won"]
    assert eventlog.stream_version("contested") == 2
