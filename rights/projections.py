"""Rights read model: one RightsRecord row per rights stream."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

from eventlog import Projection, RecordedEvent, Rows, register
from rights.models import RightsRecord, RightsStatus

_DATE_FIELDS = ("window_start", "window_end")


def rights_granted(event: RecordedEvent, rows: Rows) -> None:
    """Add the record, active."""
    e = event.payload
    rows.add(RightsRecord(
        id=uuid.UUID(e.rights_id), studio_id=e.studio_id, asset_id=e.asset_id, asset_version=e.asset_version,
        licensor=e.licensor, licensee=e.licensee, worldwide=e.worldwide,
        territories_include=list(e.territories_include), territories_exclude=list(e.territories_exclude),
        media=list(e.media), languages=list(e.languages), window_start=date.fromisoformat(e.window_start),
        window_end=_date(e.window_end), exclusive=e.exclusive, restrictions=list(e.restrictions),
        contract_ref=e.contract_ref, note=e.note, status=RightsStatus.ACTIVE, status_reason="",
        version=event.stream_version, created_at=event.recorded_at,
        created_by=event.metadata.get("actor") or "", updated_at=event.recorded_at,
    ))


def rights_amended(event: RecordedEvent, rows: Rows) -> None:
    """Apply the changed terms."""
    record = _touch(event, rows)
    for name, value in event.payload.changes.items():
        setattr(record, name, _date(value) if name in _DATE_FIELDS else value)


def _status(status: str) -> Callable[[RecordedEvent, Rows], None]:
    def handler(event: RecordedEvent, rows: Rows) -> None:
        record = _touch(event, rows)
        record.status = status
        record.status_reason = event.payload.reason

    handler.__doc__ = f"Mark the record {status}."
    return handler


def _touch(event: RecordedEvent, rows: Rows) -> RightsRecord:
    record = rows.get(RightsRecord, uuid.UUID(event.payload.rights_id))
    record.version = event.stream_version
    record.updated_at = event.recorded_at
    rows.save(record)
    return record


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


PROJECTION = register(
    Projection(
        name="rights",
        handlers={
            "RightsGranted": rights_granted,
            "RightsAmended": rights_amended,
            "RightsSuspended": _status(RightsStatus.SUSPENDED),
            "RightsReinstated": _status(RightsStatus.ACTIVE),
            "RightsTerminated": _status(RightsStatus.TERMINATED),
        },
        models=[RightsRecord],
    )
)
