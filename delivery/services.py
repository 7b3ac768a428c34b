"""Export use cases: ask for a locked cut in a format (once per cut and format), and make the file on a worker."""

from __future__ import annotations

import uuid
from typing import Any

import dramatiq
from django.db import transaction
from django.utils import timezone

import eventlog
from assets.services import MadeBlob, blob_discard, blob_store_file
from config import outbox
from config.errors import InvalidInput, found
from config.types import Actor
from delivery.errors import ShotNotRendered
from delivery.events import ExportFailed, ExportRequested, ExportSucceeded, export_stream
from delivery.exporters import make_export
from delivery.models import Export, ExportFormat, ExportProgress, ExportStatus
from delivery.timeline import shot_code, shot_frames
from episodes.models import Cut, Episode, ShotRevision
from eventlog import ConcurrencyError, StreamWrite
from generation.models import Render
from generation.rendering import Throttled, read_blob
from studios.access import authorize

# delivery.tasks declares the actor under this queue and name; services send by name (the actor imports them).
EXPORT_QUEUE = "exports"
EXPORT_ACTOR = "export_run"
PROGRESS_SECONDS = 0.5


def export_request(*, actor: Actor, cut_id: str, format: str, burn_in: bool = True) -> tuple[Export, bool]:
    """Queue an export of a locked cut in a format; return it and whether it was queued now.

    The same cut in the same format returns the existing export (a failed one is queued again).
    """
    if format not in ExportFormat.values:
        raise InvalidInput(f"Unknown export format {format!r}.", fields={"format": [f"One of {ExportFormat.values}."]})
    cut = _cut(cut_id)
    authorize(actor, cut.studio_id, "render")
    existing = Export.objects.filter(cut_id=cut.id, format=format).first()
    if existing is not None and existing.status != ExportStatus.FAILED:
        return existing, False
    export_id = str(existing.id) if existing else str(uuid.uuid4())
    event = ExportRequested(export_id=export_id, studio_id=str(cut.studio_id), cut_id=str(cut.id), format=format,
                            shots=cut_shots(cut), options={"burn_in": burn_in} if format == "mp4" else {},
                            requested_by=actor.username)
    stream = export_stream(str(cut.id), format)
    try:  # the export's event and its message commit together (config/outbox.py)
        with transaction.atomic():
            eventlog.append(stream, [event], expected_version=eventlog.stream_version(stream), actor=actor,
                            studio_id=str(cut.studio_id))
            outbox.send([export_message(export_id)])
    except ConcurrencyError:  # someone asked for the same export at the same moment: theirs is the one
        return Export.objects.get(cut_id=cut.id, format=format), False
    if existing is not None:  # a failed export queued again starts its progress afresh
        ExportProgress.objects.filter(export_id=export_id).delete()
    return Export.objects.get(pk=export_id), True


def export_message(export_id: str) -> dramatiq.Message:
    """Return the message that makes an export's file."""
    return dramatiq.Message(queue_name=EXPORT_QUEUE, actor_name=EXPORT_ACTOR, args=(str(export_id),), kwargs={},
                            options={})


def exports_resume() -> int:
    """Re-send the message of every queued export through the outbox; return how many were sent."""
    queued = list(Export.objects.filter(status=ExportStatus.QUEUED).order_by("created_at").values_list("id", flat=True))
    outbox.send(export_message(str(export_id)) for export_id in queued)
    return len(queued)


def cut_shots(cut: Cut) -> list[dict[str, Any]]:
    """Return what an export of the cut shows, shot by shot: code, revision, frames and the latest render."""
    episode = Episode.objects.get(pk=cut.episode_id)
    keys = [f"{s['shot']}:{s['revision']}" for s in cut.shots]
    revisions = ShotRevision.objects.in_bulk(keys)
    latest: dict[str, Render] = {}  # "<shot>:<revision>" → its latest render
    for render in Render.objects.filter(shot_id__in=[s["shot"] for s in cut.shots]).order_by("created_at", "id"):
        latest[f"{render.shot_id}:{render.shot_revision}"] = render
    missing = [{"shot": s["shot"], "revision": s["revision"]} for s, k in zip(cut.shots, keys, strict=True)
               if k not in latest]
    if missing:
        raise ShotNotRendered(f"{len(missing)} shot(s) of cut {cut.number} have no render yet: render them first.",
                              extra={"missing": missing})
    return [_shot(episode, revisions[k], latest[k]) for k in keys]


def _shot(episode: Episode, revision: ShotRevision, render: Render) -> dict[str, Any]:
    return {"shot": str(revision.shot_id), "revision": revision.revision, "title": revision.title,
            "code": shot_code(episode.number, revision.order), "frames": shot_frames(revision.duration),
            "render": str(render.id), "image_sha256": render.image_sha256, "manifest_hash": render.manifest_hash,
            "width": revision.width, "height": revision.height, **_clip(render)}


def _clip(render: Render) -> dict[str, Any]:
    """A clip render's MP4 and frame rate, which the animatic plays (nothing for a still)."""
    media = render.media or {}
    return {"video_sha256": media["video_sha256"], "fps": media["fps"]} if media.get("video_sha256") else {}


def export_run(*, export_id: str) -> None:
    """Make and store an export's file and record it; do nothing if it has finished already."""
    stream_version, export = _pending(export_id)
    if export is None:
        return
    cut = Cut.objects.get(pk=export.cut_id)
    episode = Episode.objects.get(pk=cut.episode_id)
    metadata = {"cut": str(cut.id), "cut_number": cut.number, "cut_hash": cut.hash, "episode": str(episode.id),
                "episode_number": episode.number, "episode_title": episode.title}
    stream = export_stream(str(export.cut_id), export.format)
    try:
        made = make_export(export.format, name=f"{episode.title} cut {cut.number}", shots=export.shots,
                           metadata=metadata, options=export.options, read_blob=read_blob,
                           progress=_progress(export_id))
    except Exception as error:  # any failure is recorded: asking again queues the export again
        _append(stream, [ExportFailed(export_id=export_id, error=str(error)[:2000])], stream_version, export)
        return
    blob = blob_store_file(studio_id=str(export.studio_id), data=made.data, content_type=made.content_type)
    done = ExportSucceeded(export_id=export_id, blob=blob.sha256, size=len(made.data), content_type=made.content_type,
                           details=made.details)
    if not _append(stream, [done], stream_version, export, blob):
        blob_discard(blob=blob)


def _pending(export_id: str) -> tuple[int, Export | None]:
    export = Export.objects.filter(pk=export_id).first()
    if export is None:
        return 0, None
    # The version is read before the row: a decision made on a stale row is refused by the append.
    version = eventlog.stream_version(export_stream(str(export.cut_id), export.format))
    export = Export.objects.get(pk=export_id)
    return version, export if export.status == ExportStatus.QUEUED else None


def _append(stream: str, events: list[Any], version: int, export: Export, blob: MadeBlob | None = None) -> bool:
    writes = [*(blob.writes if blob else []), StreamWrite(stream, events, version)]
    try:
        eventlog.append_streams(writes, studio_id=str(export.studio_id))
    except ConcurrencyError:  # another delivery of the message recorded it first
        return False
    return True


def _progress(export_id: str) -> Any:
    """Return a progress callback writing the ExportProgress row (a cache, at most every PROGRESS_SECONDS)."""
    latest = [0, 0]

    def write() -> None:
        values = {"done": latest[0], "total": latest[1], "updated_at": timezone.now()}
        ExportProgress.objects.update_or_create(export_id=export_id, defaults=values)

    throttled = Throttled(write, PROGRESS_SECONDS)

    def report(done: int, total: int) -> None:
        latest[:] = [done, total]
        if done == total:
            write()
        else:
            throttled()

    return report


def _cut(cut_id: str) -> Cut:
    cut: Cut = found(Cut, cut_id)
    return cut
