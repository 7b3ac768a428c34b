"""How a live append reads and writes read-model rows: declared reads loaded up front, rows decoded as
the ORM would, updates limited to the named fields, and the append's before-commit step."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection

from config.database import fetch_pipelined, model_columns, model_from_row
from generation.models import Job
from lineage import eventlog
from lineage.eventlog import Projection, StreamWrite, projections, reads
from lineage.models import ProjectionCheckpoint
from tests.lineage.sample_events import NoteWritten

pytestmark = pytest.mark.django_db


def _job(**changes: Any) -> Job:
    moment = datetime(2026, 11, 25, 12, 30, 15, 123456, tzinfo=UTC)
    values = dict(id=uuid.uuid4(), studio_id=uuid.uuid4(), kind="render", status="queued", episode_id="e", cut_id="",
                  plan_id="", total=3, done=0, errors=[{"shot": "s", "error": "é"}], renders=["r1"],
                  result={"identical": 1, "nested": [1, 2.5, None]}, skipped=[], requested_by="ada",
                  requested_by_id=7, created_at=moment, updated_at=moment, finished_at=None)
    return Job.objects.create(**{**values, **changes})


def _project(monkeypatch: Any, handler: Any) -> None:
    monkeypatch.setitem(projections._REGISTRY, "under-test", Projection("under-test", {"NoteWritten": handler}, []))


def test_a_row_read_by_its_columns_equals_the_orm_s_own():
    # given
    job = _job()
    # when
    sql = f"SELECT {model_columns(Job)} FROM {Job._meta.db_table} WHERE id = %s"
    row = fetch_pipelined([(sql, [Job._meta.pk.get_db_prep_value(job.pk, connection)])])[0][0]
    decoded = model_from_row(Job, row)
    # then
    fresh = Job.objects.get(pk=job.pk)
    assert {f.attname: getattr(decoded, f.attname) for f in Job._meta.concrete_fields} == {
        f.attname: getattr(fresh, f.attname) for f in Job._meta.concrete_fields}
    assert not decoded._state.adding


def test_declared_rows_are_loaded_before_the_handler_runs_and_absent_ones_are_known_missing(monkeypatch):
    # given
    ProjectionCheckpoint.objects.create(name="present", position=41)
    job = _job()
    seen: dict[str, Any] = {}

    @reads(lambda e: [(ProjectionCheckpoint, "present"), (ProjectionCheckpoint, "absent"), (Job, str(job.pk))])
    def handler(event: Any, rows: Any) -> None:
        seen["loaded"] = set(rows.cache)  # what the handler finds already there, before any get
        seen["present"] = rows.get(ProjectionCheckpoint, "present").position
        seen["absent"] = rows.get(ProjectionCheckpoint, "absent")
        seen["job"] = rows.get(Job, str(job.pk)).pk  # a UUID key given as text finds its row

    _project(monkeypatch, handler)
    # when
    eventlog.append("declared", [NoteWritten("x")], expected_version=0)
    # then
    assert seen["loaded"] == {(ProjectionCheckpoint, "present"), (ProjectionCheckpoint, "absent"),
                              (Job, str(job.pk))}
    assert (seen["present"], seen["absent"], seen["job"]) == (41, None, job.pk)


def test_a_save_naming_its_fields_writes_only_those(monkeypatch):
    # given
    job = _job(total=3, done=0)

    @reads(lambda e: [(Job, job.pk)])
    def handler(event: Any, rows: Any) -> None:
        row = rows.get(Job, job.pk)
        row.done, row.total = 1, 99  # total changes in memory only: the save names done
        rows.save(row, "done")

    _project(monkeypatch, handler)
    # when
    eventlog.append("named", [NoteWritten("x")], expected_version=0)
    # then
    job.refresh_from_db()
    assert (job.done, job.total) == (1, 3)


def test_an_undeclared_read_still_finds_its_row(monkeypatch):
    # given
    ProjectionCheckpoint.objects.create(name="lazy", position=5)
    seen = []
    _project(monkeypatch, lambda event, rows: seen.append(rows.get(ProjectionCheckpoint, "lazy").position))
    # when
    eventlog.append("undeclared", [NoteWritten("x")], expected_version=0)
    # then
    assert seen == [5]


def test_an_undeclared_read_between_writes_keeps_the_append_whole(monkeypatch):
    # given: a read of a missing row while the event's INSERT is already on its way (PostgreSQL)
    seen = []

    def handler(event: Any, rows: Any) -> None:
        seen.append(rows.get(ProjectionCheckpoint, "missing"))
        rows.add(ProjectionCheckpoint(name="added", position=event.position))

    _project(monkeypatch, handler)
    # when
    recorded = eventlog.append("between", [NoteWritten("x")], expected_version=0)
    # then
    assert seen == [None]
    assert ProjectionCheckpoint.objects.get(name="added").position == recorded[0].position
    assert eventlog.load_stream("between") == recorded


@pytest.mark.parametrize("projected", [True, False], ids=["with a projection", "without"])
def test_a_before_commit_step_that_fails_records_nothing(monkeypatch, no_new_events, projected):
    # given
    if projected:
        _project(monkeypatch, lambda event, rows: rows.add(ProjectionCheckpoint(name="written", position=1)))

    def fail() -> None:
        raise OSError("the file could not be stored")

    # when
    with no_new_events(), pytest.raises(OSError):
        eventlog.append_streams([StreamWrite("guarded", [NoteWritten("x")], 0)], before_commit=fail)
    # then
    assert not ProjectionCheckpoint.objects.filter(name="written").exists()


def test_a_before_commit_step_runs_once_within_the_append(monkeypatch):
    # given
    _project(monkeypatch, lambda event, rows: None)
    calls = []
    # when
    recorded = eventlog.append_streams([StreamWrite("stepped", [NoteWritten("x")], 0)],
                                       before_commit=lambda: calls.append(connection.in_atomic_block))
    # then
    assert calls == [True]
    assert eventlog.load_stream("stepped") == recorded
