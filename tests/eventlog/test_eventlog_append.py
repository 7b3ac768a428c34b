from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

import eventlog
from config.api import exception_handler
from eventlog import ConcurrencyError, StoredForm, StreamWrite
from eventlog.models import Event
from studios.models import Studio
from studios.services import studio_create
from tests.eventlog.sample_events import NoteWritten, ParcelWeighed

pytestmark = pytest.mark.django_db


def test_an_append_records_events_in_order_with_versions_metadata_and_a_verifiable_chain(admin_user):
    # when
    recorded = eventlog.append("note-1", [NoteWritten("a"), NoteWritten("b")], expected_version=0,
                               actor=admin_user, studio_id="s-1", causation_id="cause-1")
    # then
    assert [(e.stream_id, e.stream_version, e.type, e.data) for e in recorded] == [
        ("note-1", 1, "NoteWritten", {"text": "a", "extra": None}),
        ("note-1", 2, "NoteWritten", {"text": "b", "extra": None}),
    ]
    assert recorded[1].position == recorded[0].position + 1
    meta = recorded[0].metadata
    assert (meta["actor"], meta["actor_id"], meta["studio"], meta["causation_id"]) == (
        "ada", str(admin_user.pk), "s-1", "cause-1")
    assert meta["correlation_id"]
    assert eventlog.load_stream("note-1") == recorded
    assert eventlog.verify().ok


def test_a_stale_expected_version_is_refused_with_the_current_version(no_new_events):
    # given
    eventlog.append("note-2", [NoteWritten("a"), NoteWritten("b")], expected_version=0)
    # when
    with no_new_events(), pytest.raises(ConcurrencyError) as refused:
        eventlog.append("note-2", [NoteWritten("c")], expected_version=1)
    # then
    assert refused.value.extra == {"current_version": 2, "expected_version": 1}
    assert eventlog.stream_version("note-2") == 2


def test_the_api_turns_a_stale_version_into_409_with_the_current_version():
    # given
    error = ConcurrencyError("asset-9", 3, 4)
    # when
    response = exception_handler(error, {})
    # then
    assert response.status_code == 409
    assert response.data == {
        "code": "stale_version",
        "message": "Stream asset-9 is at version 4, not 3: reload and try again.",
        "extra": {"current_version": 4, "expected_version": 3},
    }


def test_several_streams_are_appended_in_one_transaction_with_consecutive_positions():
    # given
    eventlog.append("left", [NoteWritten("l1")], expected_version=0)
    # when
    recorded = eventlog.append_streams([
        StreamWrite("left", [NoteWritten("l2")], expected_version=1),
        StreamWrite("right", [NoteWritten("r1"), NoteWritten("r2")], expected_version=0),
    ])
    # then
    assert [(e.stream_id, e.stream_version) for e in recorded] == [("left", 2), ("right", 1), ("right", 2)]
    assert [e.position for e in recorded] == list(range(recorded[0].position, recorded[0].position + 3))


def test_a_stale_stream_in_a_multi_stream_append_records_nothing_for_any_stream(no_new_events):
    # given
    eventlog.append("left", [NoteWritten("l1")], expected_version=0)
    # when
    with no_new_events(), pytest.raises(ConcurrencyError):
        eventlog.append_streams([
            StreamWrite("right", [NoteWritten("r1")], expected_version=0),
            StreamWrite("left", [NoteWritten("l2")], expected_version=0),
        ])
    # then
    assert eventlog.stream_version("right") == 0


def test_two_writes_to_one_stream_in_one_append_get_consecutive_versions():
    # when
    recorded = eventlog.append_streams([
        StreamWrite("twice", [NoteWritten("a")], expected_version=0),
        StreamWrite("twice", [NoteWritten("b")], expected_version=1),
    ])
    # then
    assert [e.stream_version for e in recorded] == [1, 2]


def test_an_append_without_expected_version_continues_the_stream():
    # given
    eventlog.append("free", [NoteWritten("a")], expected_version=None)
    # when
    recorded = eventlog.append("free", [NoteWritten("b")], expected_version=None)
    # then
    assert recorded[0].stream_version == 2


def test_an_append_and_the_read_model_writes_of_its_transaction_roll_back_together(admin_user):
    # given
    before = eventlog.head_position()
    # when
    with pytest.raises(RuntimeError), transaction.atomic():
        studio_create(actor=admin_user, name="Short-lived")
        raise RuntimeError("the surrounding use case failed")
    # then
    assert eventlog.head_position() == before
    assert not Studio.objects.filter(name="Short-lived").exists()


def test_a_failing_projection_handler_leaves_no_event(monkeypatch, no_new_events):
    # given
    from eventlog import Projection, projections

    def explode(event: Any, rows: Any) -> None:
        raise ValueError("handler bug")

    monkeypatch.setitem(projections._REGISTRY, "exploding", Projection("exploding", {"NoteWritten": explode}, []))
    # when
    with no_new_events(), pytest.raises(ValueError, match="handler bug"):
        eventlog.append("doomed", [NoteWritten("x")], expected_version=0)
    # then
    assert eventlog.stream_version("doomed") == 0


def test_a_read_model_write_refused_by_the_database_leaves_no_event(monkeypatch, no_new_events):
    # given a handler whose row collides with an existing one (its write fails in the flush's pipeline)
    from django.db import IntegrityError

    from eventlog import Projection, projections
    from eventlog.models import ProjectionCheckpoint

    ProjectionCheckpoint.objects.create(name="taken", position=0)

    def collide(event: Any, rows: Any) -> None:
        rows.add(ProjectionCheckpoint(name="taken", position=event.position))

    monkeypatch.setitem(projections._REGISTRY, "colliding", Projection("colliding", {"NoteWritten": collide}, []))
    # when
    with no_new_events(), pytest.raises(IntegrityError):
        eventlog.append("refused", [NoteWritten("x")], expected_version=0)
    # then
    assert eventlog.stream_version("refused") == 0


def test_an_old_schema_version_is_upcast_on_read_and_the_stored_row_is_unchanged():
    # given
    stored = eventlog.append_stored([StoredForm("parcel-1", 1, "ParcelWeighed", {"parcel_id": "p1", "weight_kg": 1.5},
                                                schema_version=1)])[0]
    # when
    read = eventlog.load_stream("parcel-1")[0]
    # then
    assert read.payload == ParcelWeighed(parcel_id="p1", weight_grams=1500)
    row = Event.objects.values("schema_version", "data", "hash").get(position=stored.position)
    assert row == {"schema_version": 1, "data": {"parcel_id": "p1", "weight_kg": 1.5}, "hash": stored.hash}
    assert eventlog.verify().ok


def test_a_current_schema_version_is_read_as_is():
    # when
    eventlog.append("parcel-2", [ParcelWeighed(parcel_id="p2", weight_grams=20)], expected_version=0)
    # then
    read = eventlog.load_stream("parcel-2")[0]
    assert (read.schema_version, read.payload) == (2, ParcelWeighed(parcel_id="p2", weight_grams=20))


def test_floats_the_database_would_rewrite_are_stored_so_the_chain_still_verifies():
    # given: jsonb hands 1e+16 back as 10000000000000000 and -0.0 as 0.0
    payload = {"big": 1e16, "huge": 1e100, "minus_zero": -0.0, "small": 1.5e-07, "plain": 0.1, "whole": 2.0}
    # when
    recorded = eventlog.append("floats", [NoteWritten("f", extra=payload)], expected_version=0)[0]
    # then
    assert recorded.data["extra"] == eventlog.load_stream("floats")[0].data["extra"]
    assert recorded.data["extra"]["big"] == 10**16
    assert eventlog.verify().ok


def test_reading_after_a_position_pages_through_the_log_in_order():
    # given
    recorded = eventlog.append("paged", [NoteWritten(str(i)) for i in range(5)], expected_version=0)
    start = recorded[0].position - 1
    # when
    first = eventlog.read_after(start, limit=2)
    rest = eventlog.read_after(first[-1].position, stream_id="paged")
    # then
    assert [e.data["text"] for e in first + rest] == ["0", "1", "2", "3", "4"]
    assert [e.position for e in eventlog.iter_all(after=start, batch=2)] == [e.position for e in recorded]


def test_position_at_a_time_is_the_last_event_recorded_by_then():
    # given
    first = eventlog.append("timed", [NoteWritten("a")], expected_version=0)[0]
    # then
    assert eventlog.position_at(first.recorded_at) == first.position
    assert eventlog.position_at(first.recorded_at.replace(year=2000)) == 0


def test_an_event_hash_is_sha256_of_the_previous_hash_and_the_canonical_content():
    # given
    import hashlib
    from datetime import UTC, datetime

    from eventlog.canonical import canonical_bytes, canonical_text
    from eventlog.chain import event_hash

    data, metadata = {"z": [1, 2.5, None], "a": {"é": "\"quoted\"\n"}}, {"actor": "ada", "b": True}
    fields = {"position": 7, "stream_id": "ström-✓", "stream_version": 3, "type": "NoteWritten", "schema_version": 1}
    moment = datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC)
    # when
    hashed = event_hash("a" * 64, **fields, data_json=canonical_text(data), metadata_json=canonical_text(metadata),
                        recorded_at=moment)
    # then
    reference = hashlib.sha256(("a" * 64).encode() + canonical_bytes(
        {**fields, "data": data, "metadata": metadata, "recorded_at": "2026-01-02T03:04:05.000006+00:00"})).hexdigest()
    assert hashed == reference
