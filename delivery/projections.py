"""Export read model, from the export events."""

from __future__ import annotations

from delivery.models import Export, ExportStatus
from eventlog import Projection, RecordedEvent, Rows, register


def export_requested(event: RecordedEvent, rows: Rows) -> None:
    """Add the export as queued, or queue a failed one again."""
    e = event.payload
    export = rows.get(Export, e.export_id)
    if export is None:
        rows.add(Export(id=e.export_id, studio_id=e.studio_id, cut_id=e.cut_id, format=e.format,
                        status=ExportStatus.QUEUED, shots=e.shots, options=e.options, requested_by=e.requested_by,
                        created_at=event.recorded_at))
        return
    export.status, export.error, export.shots, export.options = ExportStatus.QUEUED, "", e.shots, e.options
    rows.save(export, "status", "error", "shots", "options")


def export_succeeded(event: RecordedEvent, rows: Rows) -> None:
    """Record the export's blob."""
    e = event.payload
    export = rows.get(Export, e.export_id)
    export.status, export.blob, export.size = ExportStatus.SUCCEEDED, e.blob, e.size
    export.content_type, export.details, export.finished_at = e.content_type, e.details, event.recorded_at
    rows.save(export, "status", "blob", "size", "content_type", "details", "finished_at")


def export_failed(event: RecordedEvent, rows: Rows) -> None:
    """Record why the export failed."""
    e = event.payload
    export = rows.get(Export, e.export_id)
    export.status, export.error, export.finished_at = ExportStatus.FAILED, e.error, event.recorded_at
    rows.save(export, "status", "error", "finished_at")


PROJECTION = register(Projection(name="delivery", models=[Export], handlers={
    "ExportRequested": export_requested, "ExportSucceeded": export_succeeded, "ExportFailed": export_failed,
}))
