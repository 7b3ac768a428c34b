"""What a worker does with one job item: render (or reproduce) its manifest and record the outcome once.

Every outcome is appended with the job stream's expected version, re-read on conflict, so a
duplicate delivery, a retry or a racing worker never records an item twice; a fresh render is
also appended to its manifest's own stream at expected version 0, so one manifest never gets two
renders, whichever jobs race for it. Blob bytes are content-addressed: writing them twice is harmless.

JobStarted is recorded by a job's first long render at its first progress report (a second in),
or else with the job's first outcome, in the same append: a render shorter than a progress
interval never pays a transaction of its own to say that it began.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

import eventlog
from assets.services import MadeBlob, blob_discard, blob_store_made
from config.errors import DomainError
from config.types import NamedActor
from eventlog import ConcurrencyError, StreamWrite
from eventlog.canonical import sha256_hex
from generation.backends import RenderCancelled
from generation.clips import Clip, clip_differences, is_clip, render_clip
from generation.credentials import content_sha256, sign_png
from generation.environment import apply_environment
from generation.errors import PermanentRenderError
from generation.events import (
    JobFinished,
    JobStarted,
    RenderSucceeded,
    ReproductionCompared,
    ShotRenderFailed,
    ShotRenderSucceeded,
    job_stream,
    render_stream,
)
from generation.extensions import render_recorded_send
from generation.manifests import check_manifest
from generation.models import (
    TERMINAL_JOB_STATUSES,
    Job,
    JobItem,
    JobKind,
    JobStatus,
    Render,
    RenderModel,
    RenderProgress,
)
from generation.rendering import (
    Throttled,
    current_differences,
    manifest_backend,
    read_blob,
    read_reference,
    render_png,
)
from generation.selectors import registered_model
from generation.services.clip_records import clip_reproduction, clip_store

MAX_ATTEMPTS = 20
CANCEL_CHECK_SECONDS = 0.25
PROGRESS_SECONDS = 1.0


@dataclass
class _State:
    """The job stream's version and the job and item read models as of that version."""

    version: int
    job: Job
    item: JobItem
    rendered: bool = False  # whether the item's manifest has a render already
    requester: _Requester | None = None

    def finished(self) -> bool:
        return self.job.status in TERMINAL_JOB_STATUSES or self.item.status != JobStatus.QUEUED


@dataclass(frozen=True)
class _Requester:
    """Who the worker records renders for: the job's requester, as the log's metadata names an actor."""

    pk: int
    username: str


def job_item_run(*, job_id: str, index: int) -> None:
    """Render or reproduce one item of a job; do nothing if it (or its job) has finished or was cancelled."""
    state = _start(job_id, index)
    if state is None:
        return
    item = state.item
    try:
        try:
            check_manifest(item.manifest, item.manifest_hash)
        except ValueError as error:
            raise PermanentRenderError(f"invalid manifest: {error}") from None
        if state.job.kind == JobKind.REPRODUCE:
            _reproduce(state)
        else:
            _render(state)
    except PermanentRenderError as error:
        job_item_fail(job_id=job_id, index=index, error=str(error), permanent=True)
        raise
    except RenderCancelled:
        return  # JobCancelled is already recorded; the half-made image is dropped


def job_item_fail(*, job_id: str, index: int, error: str, permanent: bool) -> bool:
    """Record that an item failed (unless it already finished); return whether anything was recorded."""
    def build(state: _State, conflicts: int) -> list[StreamWrite]:
        failed = ShotRenderFailed(job_id=job_id, index=index, error=error[:2000], permanent=permanent)
        finish = _finish(state.job, state.item, JobStatus.FAILED)
        return [StreamWrite(job_stream(job_id), [failed, *finish], state.version)]

    return _record(job_id, index, build)


def _start(job_id: str, index: int) -> _State | None:
    """Return the item's state; None when nothing is left to do (the item or its job has finished)."""
    state = _state(job_id, index)
    return None if state is None or state.finished() else state


def _record_started(state: _State) -> None:
    """Record JobStarted now, if the job is still queued as far as `state` knows (a long render's first
    progress report). On a conflict another worker got there first: the outcome's append reads afresh."""
    job = state.job
    if job.status != JobStatus.QUEUED:
        return
    try:
        eventlog.append(job_stream(str(job.id)), [JobStarted(job_id=str(job.id))], expected_version=state.version,
                        studio_id=str(job.studio_id))
    except ConcurrencyError:
        return
    state.version += 1
    job.status = JobStatus.RUNNING


def _with_start(state: _State, writes: list[StreamWrite]) -> list[StreamWrite]:
    """Record JobStarted first in the append of a still-queued job's first outcome (the job stream's
    write then expects one more version)."""
    job = state.job
    if job.status != JobStatus.QUEUED:
        return writes
    stream = job_stream(str(job.id))
    moved = [StreamWrite(w.stream_id, w.events, w.expected_version + 1) if w.stream_id == stream else w
             for w in writes]
    return [StreamWrite(stream, [JobStarted(job_id=str(job.id))], state.version), *moved]


def _render(state: _State) -> None:
    job, item = state.job, state.item
    if state.rendered:
        _record(str(job.id), item.index, _reuse_or_record(None), state)
        return
    if state.requester is None:
        raise PermanentRenderError(f"the user who requested the job ({job.requested_by}) no longer exists")
    manifest = item.manifest
    backend = manifest_backend(manifest, _model(manifest["model"]["id"]))
    differences = current_differences(manifest, backend) + (clip_differences(manifest) if is_clip(manifest) else [])
    if differences:
        keys = ", ".join(d["key"] for d in differences)
        raise PermanentRenderError(f"this worker cannot render the manifest as recorded; it differs in: {keys}")
    clip = _render_clip(state, backend) if is_clip(manifest) else None
    png = clip.poster if clip else render_png(manifest, item.manifest_hash, backend, cancelled=_cancelled(str(job.id)),
                                              progress=_progress(state))
    png = sign_png(png, manifest=manifest, manifest_hash=item.manifest_hash, read_blob=read_reference)
    blob = _store(png, str(job.studio_id))  # durable before the append: no append waits on a disk
    made: list[MadeBlob] = []
    media = None
    recorded, fresh = False, [""]
    try:
        if clip:  # the MP4 beside its poster, durable before the append too
            made, media = clip_store(clip, studio_id=str(job.studio_id), poster=blob)
        recorded = _record(str(job.id), item.index, _reuse_or_record(blob, media, made, fresh), state,
                           actor=state.requester)
    finally:
        if not recorded:  # refused, or the item finished meanwhile: leave no file the log does not name
            for stored in (blob, *made):
                blob_discard(blob=stored)
    if recorded and fresh[0]:
        render_recorded_send(render_id=fresh[0], studio_id=str(job.studio_id))


def _render_clip(state: _State, backend: Any) -> Clip:
    progress = _progress(state)
    return render_clip(state.item.manifest, state.item.manifest_hash, backend, cancelled=_cancelled(str(state.job.id)),
                       progress=progress, frame_progress=progress.frame)


def _reuse_or_record(
    blob: MadeBlob | None, media: dict[str, Any] | None = None, made: Sequence[MadeBlob] = (),
    fresh: list[str] | None = None,
) -> Callable[[_State, int], list[StreamWrite]]:
    """Return a builder that records this render (a clip: with its media and the files `made` for it),
    or reuses the manifest's render if one exists (`fresh[0]`: the new render's id when the last built
    append records one, else "")."""
    render_id = str(uuid.uuid4())

    def build(state: _State, conflicts: int) -> list[StreamWrite]:
        job, item = state.job, state.item
        # The render stream's expected version 0 catches a race; look for an existing render only after one.
        existing = None
        if blob is None or conflicts:
            existing = Render.objects.filter(manifest_hash=item.manifest_hash).values_list("id", flat=True).first()
        if existing is None and blob is None:
            raise PermanentRenderError("the manifest's render vanished")  # renders are never deleted
        done = ShotRenderSucceeded(job_id=str(job.id), index=item.index, render_id=str(existing or render_id),
                                   reused=existing is not None)
        finish = _finish(job, item, JobStatus.SUCCEEDED)
        writes = [StreamWrite(job_stream(str(job.id)), [done, *finish], state.version)]
        if existing is None and blob is not None:  # a fresh render: blob is None only when a render exists
            render = RenderSucceeded(render_id=render_id, job_id=str(job.id), index=item.index,
                                     studio_id=str(job.studio_id), shot_id=item.shot_id,
                                     shot_revision=item.shot_revision, manifest_hash=item.manifest_hash,
                                     manifest=item.manifest, image_sha256=blob.sha256, media=media)
            files = [write for stored in (blob, *made) for write in stored.writes]
            writes[:0] = [*files, StreamWrite(render_stream(item.manifest_hash), [render], 0)]
        if fresh is not None:
            fresh[0] = render_id if existing is None and blob is not None else ""
        return writes

    return build


def _store(png: bytes, studio_id: str) -> MadeBlob:
    """Validate the PNG and store it durably; return it with the BlobStored write to append with the render.

    No upload permission is checked here: the job's requester was authorized to render when the job
    was queued, and the worker stores the output on that request's behalf.
    """
    try:
        return blob_store_made(studio_id=studio_id, data=png)
    except DomainError as error:
        raise PermanentRenderError(f"the render cannot be stored: {error.message}") from None


def _reproduce(state: _State) -> None:
    job, item = state.job, state.item
    manifest = item.manifest
    recorded = Render.objects.get(manifest_hash=item.manifest_hash)
    backend = manifest_backend(manifest, _model(manifest["model"]["id"]))
    apply_environment(manifest.get("environment", {}))
    if is_clip(manifest):  # compares the MP4 and its frames; the signed poster is not compared
        compared = clip_reproduction(job_id=str(job.id), index=item.index, recorded=recorded,
                                     clip=_render_clip(state, backend),
                                     environment=current_differences(manifest, backend))
    else:
        png = render_png(manifest, item.manifest_hash, backend, cancelled=_cancelled(str(job.id)),
                         progress=_progress(state))
        # The stored PNG is signed and a signature differs on every run: compare the content it signs.
        reproduced, recorded_content = sha256_hex(png), content_sha256(read_blob(recorded.image_sha256))
        compared = ReproductionCompared(
            job_id=str(job.id), index=item.index, render_id=str(recorded.id),
            identical=reproduced == recorded_content, recorded_sha256=recorded_content,
            reproduced_sha256=reproduced, environment=current_differences(manifest, backend))

    def build(current: _State, conflicts: int) -> list[StreamWrite]:
        finish = _finish(current.job, current.item, JobStatus.SUCCEEDED, comparison=compared)
        return [StreamWrite(job_stream(str(job.id)), [compared, *finish], current.version)]

    _record(str(job.id), item.index, build, state)


def _record(job_id: str, index: int, build: Callable[[_State, int], list[StreamWrite]],
            known: _State | None = None, actor: NamedActor | None = None) -> bool:
    """Append what `build` returns, retrying on conflicts against fresh state; False if the item finished.

    `build` writes nothing to the database (at most blob files): everything it decides is recorded
    by the one atomic append, whose expected job-stream version refuses a decision made on stale
    state. So the state `known` from before the render is tried as it is, without reading the
    version first: a stale one costs a refused append and a second try, a fresh one (the usual
    case) no query at all.
    """
    for conflicts in range(MAX_ATTEMPTS):
        state = known if conflicts == 0 and known is not None else _state(job_id, index)
        if state is None or state.finished():
            return False
        try:
            eventlog.append_streams(_with_start(state, build(state, conflicts)), actor=actor,
                                    studio_id=str(state.job.studio_id))
            return True
        except ConcurrencyError:
            continue  # another worker or a cancellation got there first: decide again on fresh state
    raise ConcurrencyError(job_stream(job_id), -1, -1)


def _state(job_id: str, index: int) -> _State | None:
    """Read the job stream's version, then the item with its job, whether its manifest has a render
    already and the name of the job's requester; None when there is no such item."""
    # The version is read first: rows read after it are at least as new, so a stale decision cannot commit.
    version = eventlog.stream_version(job_stream(job_id))
    users = get_user_model()
    username = users.objects.filter(pk=OuterRef("job__requested_by_id")).values(users.USERNAME_FIELD)
    item = (JobItem.objects.select_related("job")
            .annotate(rendered=Exists(Render.objects.filter(manifest_hash=OuterRef("manifest_hash"))),
                      requester_name=Subquery(username))
            .filter(pk=f"{job_id}:{index}").first())
    if item is None:
        return None
    job = item.job
    requester = None  # the requester's account may have been deleted since
    if job.requested_by_id is not None and item.requester_name is not None:
        requester = _Requester(job.requested_by_id, item.requester_name)
    return _State(version, job, item, item.rendered, requester)


def _finish(job: Job, item: JobItem, outcome: str, comparison: ReproductionCompared | None = None) -> list[Any]:
    """Return [JobFinished] when this item is the job's last unfinished one."""
    if job.done < job.total - 1:  # `done` counts the items already finished, at the state's version
        return []
    # Every failed item is listed in the job's errors; a reproduction also reports every item's comparison.
    failed = outcome == JobStatus.FAILED or bool(job.errors)
    result = None
    if job.kind == JobKind.REPRODUCE:
        others = list(JobItem.objects.filter(job_id=job.id).exclude(pk=item.pk).defer("manifest"))
        result = _reproduce_result(others, item, comparison)
    return [JobFinished(job_id=str(job.id), status=JobStatus.FAILED if failed else JobStatus.SUCCEEDED, result=result)]


def _reproduce_result(others: list[JobItem], item: JobItem, comparison: ReproductionCompared | None) -> dict:
    details = [_detail(other.shot_id, other.shot_revision, other.comparison, other.error) for other in others]
    mine = None if comparison is None else {
        "render": comparison.render_id, "identical": comparison.identical,
        "recorded_sha256": comparison.recorded_sha256, "reproduced_sha256": comparison.reproduced_sha256,
        "environment": comparison.environment, **({"clip": comparison.clip} if comparison.clip else {})}
    details.append(_detail(item.shot_id, item.shot_revision, mine, "" if mine else "failed"))
    return {"identical": sum(1 for d in details if d.get("identical") is True),
            "different": sum(1 for d in details if d.get("identical") is False), "details": details}


def _detail(shot: str, revision: int, comparison: dict | None, error: str) -> dict[str, Any]:
    base = {"shot": shot, "shot_revision": revision}
    return {**base, **comparison} if comparison else {**base, "identical": None, "error": error}


def _model(model_id: str) -> RenderModel:
    model = registered_model(model_id)
    if model is None:
        raise PermanentRenderError(f"model {model_id} is not registered")
    return model


def _cancelled(job_id: str) -> Callable[[], bool]:
    """Return a cheap check (one query per CANCEL_CHECK_SECONDS at most) of whether the job was cancelled."""
    # The job was read as running just before the render started: the first check can wait.
    return Throttled(lambda: Job.objects.filter(pk=job_id, status=JobStatus.CANCELLED).exists(), CANCEL_CHECK_SECONDS,
                     first_after=CANCEL_CHECK_SECONDS)


class _Progress:
    """A render's per-step callback, with `frame` as a clip's per-frame one: both write the non-event-sourced
    RenderProgress row at most every second; its first write also records JobStarted if the job is still queued."""

    def __init__(self, state: _State) -> None:
        self._state = state
        self.step, self.steps, self.frame_done, self.frames = 0, 0, 0, 0
        # Renders shorter than PROGRESS_SECONDS never write progress.
        self._throttled = Throttled(self._write, PROGRESS_SECONDS, first_after=PROGRESS_SECONDS)

    def __call__(self, step: int, steps: int) -> None:
        self.step, self.steps = step, steps
        self._throttled()

    def frame(self, frame: int, frames: int) -> None:
        """Report that `frame` of a clip's `frames` is made."""
        self.frame_done, self.frames = frame, frames
        self._throttled()

    def _write(self) -> None:
        _record_started(self._state)
        job_id = str(self._state.job.id)
        values = {"index": self._state.item.index, "step": self.step, "steps": self.steps, "frame": self.frame_done,
                  "frames": self.frames, "updated_at": timezone.now()}
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # A progress row is a cache: it need not wait for the disk (a crash loses a second of progress).
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit TO OFF")
            if not RenderProgress.objects.filter(job_id=job_id).update(**values):
                RenderProgress.objects.get_or_create(job_id=job_id, defaults=values)


def _progress(state: _State) -> _Progress:
    """Return the progress callbacks of one render (see _Progress)."""
    return _Progress(state)
