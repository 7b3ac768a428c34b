"""How a live append's handlers read and write read-model rows through `Rows`."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

import eventlog
from eventlog import Projection, projections
from eventlog.models import ProjectionCheckpoint
from generation.models import Job
from tests.eventlog.sample_events import NoteWritten

pytestmark = pytest.mark.django_db


def _job(**changes: Any) -> Job:
    moment = datetime(2026, 11, 25, 12, 30, 15, 123456, tzinfo=UTC)
    values = dict(id=uuid.uuid4(), studio_id=uuid.uuid4(), kind="render", status="queued", episode_id="e", cut_id="",
                  plan_id="", total=3, done=0, errors=[], renders=[], result={}, skipped=[], requested_by="ada",
                  requested_by_id=7, created_at=moment, updated_at=moment, finished_at=None)
    return Job.objects.create(**{**values, **changes})


def _project(monkeypatch: Any, handler: Any) -> None:
    monkeypatch.setitem(projections._REGISTRY, "under-test", Projection("under-test", {"NoteWritten": handler}, []))


def test_a_save_naming_its_fields_writes_only_those(monkeypatch):
    # given
    job = _job(total=3, done=0)

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


def test_a_row_added_then_read_in_the_same_append_is_the_added_row_and_a_missing_one_is_none(monkeypatch):
    # given
    seen: list[Any] = []

    def handler(event: Any, rows: Any) -> None:
        seen.append(rows.get(ProjectionCheckpoint, "missing"))
        rows.add(ProjectionCheckpoint(name="added", position=event.position))
        seen.append(rows.get(ProjectionCheckpoint, "added").position)

    _project(monkeypatch, handler)
    # when
    recorded = eventlog.append("rows", [NoteWritten("x")], expected_version=0)
    # then
    assert seen == [None, recorded[0].position]
    assert ProjectionCheckpoint.objects.get(name="added").position == recorded[0].position
    assert ProjectionCheckpoint.objects.get(name="under-test").position == recorded[0].position
