"""Export events; each (cut, format) has one stream ("cut-export-<cut>-<format>"), so one export per pair."""

from __future__ import annotations

from dataclasses import dataclass

from eventlog import DomainEvent


@dataclass(frozen=True)
class ExportRequested(DomainEvent):
    """Someone asked for a locked cut in a delivery format (again, after a failure: same export id)."""

    export_id: str
    studio_id: str
    cut_id: str
    format: str
    shots: list  # [{shot, revision, render, image_sha256, manifest_hash}] in cut order: what the export shows
    options: dict  # format options, e.g. {"burn_in": true} for the animatic
    requested_by: str


@dataclass(frozen=True)
class ExportSucceeded(DomainEvent):
    """An export's file was made and stored as a blob."""

    export_id: str
    blob: str
    size: int
    content_type: str
    details: dict  # how it was made: encoder settings, library versions, frame count


@dataclass(frozen=True)
class ExportFailed(DomainEvent):
    """An export could not be made."""

    export_id: str
    error: str


def export_stream(cut_id: str, format: str) -> str:
    """Return the stream id of a cut's export in one format."""
    return f"cut-export-{cut_id}-{format}"
