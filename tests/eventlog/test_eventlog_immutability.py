"""The event table is append-only in the database itself, and tampering is caught by `eventlog verify`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

import eventlog
from eventlog.immutability import _SQLITE_INSTALL, _SQLITE_REMOVE
from tests.eventlog.sample_events import NoteWritten

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_events() -> list[eventlog.RecordedEvent]:
    return eventlog.append("kept", [NoteWritten("a"), NoteWritten("b"), NoteWritten("c")], expected_version=0)


def _refused(sql: str, params: list | None = None) -> str:
    with pytest.raises(DatabaseError) as refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params or [])
    return str(refused.value)


@contextmanager
def triggers_disabled() -> Iterator[None]:
    """Switch the append-only triggers off by hand, as an attacker with table rights could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE lineage_event DISABLE TRIGGER USER")
        else:
            for sql in _SQLITE_REMOVE:
                cursor.execute(sql)
        yield
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE lineage_event ENABLE TRIGGER USER")
        else:
            for sql in _SQLITE_INSTALL:
                cursor.execute(sql)


def test_updating_an_event_is_refused_by_the_database(three_events):
    # when
    message = _refused("UPDATE lineage_event SET type = 'Forged' WHERE position = %s", [three_events[0].position])
    # then
    assert "append-only: UPDATE refused" in message
    assert eventlog.load_stream("kept") == three_events


def test_deleting_an_event_is_refused_by_the_database(three_events):
    # when
    message = _refused("DELETE FROM lineage_event WHERE position = %s", [three_events[1].position])
    # then
    assert "append-only: DELETE refused" in message
    assert eventlog.load_stream("kept") == three_events


def test_emptying_the_table_is_refused_by_the_database(three_events):
    # when: TRUNCATE on PostgreSQL; SQLite has none, its equivalent is an unqualified DELETE
    sql = "TRUNCATE lineage_event" if connection.vendor == "postgresql" else "DELETE FROM lineage_event"
    message = _refused(sql)
    # then
    assert "append-only" in message and "refused" in message
    assert eventlog.load_stream("kept") == three_events


def test_verify_passes_on_an_untouched_log(three_events):
    # when
    call_command("eventlog", "verify")
    # then
    result = eventlog.verify()
    assert (result.ok, result.head) == (True, three_events[-1].hash)


def test_verify_exits_1_naming_the_position_of_a_tampered_row(three_events, capsys):
    # given
    tampered = three_events[1].position
    with triggers_disabled(), connection.cursor() as cursor:
        cursor.execute("UPDATE lineage_event SET data = %s WHERE position = %s", ['{"text": "forged"}', tampered])
    # when
    with pytest.raises(CommandError) as failed:
        call_command("eventlog", "verify")
    # then
    assert failed.value.returncode == 1
    assert str(failed.value) == f"Chain broken at position {tampered}: content does not match its hash."
    assert eventlog.verify().first_bad == tampered


def test_verify_exits_1_naming_the_gap_left_by_a_deleted_row(three_events):
    # given
    deleted = three_events[1].position
    with triggers_disabled(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM lineage_event WHERE position = %s", [deleted])
    # when
    with pytest.raises(CommandError) as failed:
        call_command("eventlog", "verify")
    # then
    assert failed.value.returncode == 1
    assert str(failed.value) == f"Chain broken at position {deleted}: position {deleted} is missing."


def test_the_test_suite_reset_may_empty_the_table_and_nothing_else_may(three_events):
    # given
    from eventlog.immutability import reset_allowed

    # when
    with reset_allowed(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM lineage_event")
    # then
    assert eventlog.head_position() == 0
    eventlog.append("after-reset", [NoteWritten("a")], expected_version=0)
    assert "UPDATE refused" in _refused("UPDATE lineage_event SET type = 'x'")
    assert "DELETE refused" in _refused("DELETE FROM lineage_event")
