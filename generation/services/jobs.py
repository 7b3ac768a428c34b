"""Queue render and reproduce jobs (manifests built and checked first), cancel them, resume them."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import dramatiq
from django.db import transaction
from django.db.models import F

import eventlog
from config import outbox
from config.errors import NotFound
from config.types import Actor
from episodes.models import Cut, Episode, ShotRevision
from eventlog import ConcurrencyError
from generation.backends import BackendError
from generation.backends.diffusers_backend import folder_clip_frames
from generation.clips import clip_description
from generation.errors import JobFinishedAlready, ModelUnavailable, NothingToRender, UnapprovedPin, UnlicensedPin
from generation.events import JobCancelled, JobQueued, job_stream
from generation.manifests import build_manifest, cast_entries, manifest_hash, preload_versions, unapproved
from generation.models import TERMINAL_JOB_STATUSES, Job, JobItem, JobKind, Render, RenderModel
from generation.rendering import runtime_for
from generation.selectors import registered_model
from rights.selectors import render_conflicts
from studios.access import authorize

# generation.tasks declares the render actor under this queue and name. The services send its messages
# by name, as dramatiq allows, because the actor calls the services: they must not import it back.
RENDER_QUEUE = "renders"
RENDER_ACTOR = "render_job_item"


def episode_render(*, actor: Actor, episode_id: str) -> Job:
    """Queue a render of the episode's current shot revisions (refused with 422 on an unapproved pin)."""
    episode = _episode(episode_id)
    authorize(actor, episode.studio_id, "render")
    revisions = current_revisions(str(episode.id))
    if not revisions:
        raise NothingToRender("The episode has no shots to render.")
    refuse_unlicensed(str(episode.id), episode=episode)
    items = render_items(revisions, studio_id=str(episode.studio_id))
    return job_queue(actor=actor, studio_id=str(episode.studio_id), kind=JobKind.RENDER, items=items,
                     episode_id=str(episode.id))


def refuse_unlicensed(episode_id: str, shot_ids: list[str] | None = None, *, episode: Episode | None = None) -> None:
    """Refuse (422, before anything is queued) when a pin lacks rights for the episode's targets
    (`episode`: its row, when the caller has read it already)."""
    conflicts = render_conflicts(episode_id=episode_id, shot_ids=shot_ids, episode=episode)
    if conflicts:
        first = conflicts[0]
        raise UnlicensedPin(
            f"Asset {first['asset']} v{first['version']} in shot {first['shot']} is not licensed for "
            f"{first['territory']}/{first['media']} on {first['date']} ({first['reason']}).",
            extra={"conflicts": conflicts},
        )


def episode_reproduce(*, actor: Actor, episode_id: str | None = None, cut_id: str | None = None) -> Job:
    """Queue a reproduction of the latest render of each shot revision of an episode (or of a cut)."""
    if cut_id:
        cut = Cut.objects.filter(pk=cut_id).first() if _is_uuid(cut_id) else None
        if cut is None:
            raise NotFound("Not found.")
        authorize(actor, cut.studio_id, "render")
        pairs = [(str(s["shot"]), int(s["revision"])) for s in cut.shots]
        studio_id, episode_id = str(cut.studio_id), str(cut.episode_id)
    else:
        episode = _episode(episode_id or "")
        authorize(actor, episode.studio_id, "render")
        pairs = [(str(r.shot_id), r.revision) for r in current_revisions(str(episode.id))]
        studio_id = str(episode.studio_id)
    items, missing = reproduce_items(pairs)
    if not items:
        raise NothingToRender("None of these shot revisions has a recorded render to reproduce.",
                              extra={"missing": missing})
    return job_queue(actor=actor, studio_id=studio_id, kind=JobKind.REPRODUCE, items=items,
                     episode_id=str(episode_id), cut_id=str(cut_id or ""), skipped=missing)


def job_cancel(*, actor: Actor, job_id: str) -> Job:
    """Cancel a queued or running job; workers stop between shots and between diffusion steps."""
    job = _job(job_id)
    authorize(actor, job.studio_id, "render")
    for _ in range(5):
        version = eventlog.stream_version(job_stream(str(job.id)))
        job.refresh_from_db()
        if job.status in TERMINAL_JOB_STATUSES:
            raise JobFinishedAlready(f"The job has already {job.status}.", extra={"status": job.status})
        try:
            eventlog.append(job_stream(str(job.id)), [JobCancelled(job_id=str(job.id), cancelled_by=actor.username)],
                            expected_version=version, actor=actor, studio_id=job.studio_id)
            break
        except ConcurrencyError:
            continue  # a worker recorded progress meanwhile: look again
    job.refresh_from_db()
    return job


def job_queue(
    *, actor: Actor, studio_id: str, kind: str, items: list[dict[str, Any]], episode_id: str = "", cut_id: str = "",
    plan_id: str = "", skipped: Sequence[dict[str, Any]] = (),
) -> Job:
    """Record a job with its manifests and send one message per manifest once the append commits."""
    job_id = str(uuid.uuid4())
    event = JobQueued(job_id=job_id, studio_id=studio_id, kind=kind, items=items, requested_by=actor.username,
                      requested_by_id=actor.pk, episode_id=episode_id, cut_id=cut_id, plan_id=plan_id,
                      skipped=list(skipped))
    # The job's events and its messages commit together: no job without its messages, no message without its job.
    with transaction.atomic():
        eventlog.append(job_stream(job_id), [event], expected_version=0, actor=actor, studio_id=studio_id)
        enqueue_items(job_id, [item["index"] for item in items])
    return Job.objects.get(pk=job_id)


def enqueue_items(job_id: str, indexes: Iterable[int]) -> None:
    """Send one render message per job item through the outbox (they leave once the transaction commits)."""
    outbox.send(job_item_message(job_id, index) for index in indexes)


def job_item_message(job_id: str, index: int) -> dramatiq.Message:
    """Return the message that renders one job item."""
    return dramatiq.Message(queue_name=RENDER_QUEUE, actor_name=RENDER_ACTOR, args=(str(job_id), int(index)),
                            kwargs={}, options={})


def jobs_resume() -> int:
    """Re-send the messages of every unfinished item of unfinished jobs; return how many were sent."""
    pending = list(JobItem.objects.filter(job__status__in=["queued", "running"], status__in=["queued", "running"])
                   .order_by("job__created_at", "index").values_list("job_id", "index"))
    outbox.send(job_item_message(str(job_id), index) for job_id, index in pending)
    return len(pending)


def current_revisions(episode_id: str) -> list[ShotRevision]:
    """Return the current revision of every shot of an episode, in shot order."""
    return list(ShotRevision.objects.filter(shot__episode_id=episode_id, revision=F("shot__revision"))
                .order_by("shot__order", "shot_id"))


def render_items(revisions: Sequence[ShotRevision], *, studio_id: str) -> list[dict[str, Any]]:
    """Build and check the manifest of each shot revision; refuse (422) unapproved pins or unusable models."""
    runtimes: dict[str, tuple[RenderModel, dict[str, Any]]] = {}
    items, refused = [], []
    versions = preload_versions(pin for revision in revisions for pin in revision.cast)
    for index, revision in enumerate(revisions):
        entries = cast_entries(revision.cast, versions)
        refused += [{"shot": str(revision.shot_id), "revision": revision.revision, **pin}
                    for pin in unapproved(entries)]
        if refused:
            continue
        model, runtime = runtimes.get(revision.model) or _runtime(revision.model, studio_id)
        runtimes[revision.model] = (model, runtime)
        video = _clip_video(model, revision) if revision.frames > 1 else None
        manifest = build_manifest(revision=revision, entries=entries, model=model, video=video, **runtime)
        items.append({"index": index, "shot": str(revision.shot_id), "shot_revision": revision.revision,
                      "manifest_hash": manifest_hash(manifest), "manifest": manifest})
    if refused:
        raise UnapprovedPin("Every pinned asset version must be approved before a shot renders.",
                            extra={"pins": refused})
    return items


def reproduce_items(pairs: Sequence[tuple[str, int]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return reproduce items (latest render of each shot revision) and the revisions with no render."""
    items: list[dict[str, Any]] = []
    missing: list[dict[str, Any]] = []
    for shot_id, revision in pairs:
        render = Render.objects.filter(shot_id=shot_id, shot_revision=revision).order_by("-created_at", "id").first()
        if render is None:
            missing.append({"shot": shot_id, "shot_revision": revision})
            continue
        items.append({"index": len(items), "shot": shot_id, "shot_revision": revision, "render": str(render.id),
                      "manifest_hash": render.manifest_hash, "manifest": render.manifest})
    return items, missing


def _runtime(model_id: str, studio_id: str) -> tuple[RenderModel, dict[str, Any]]:
    model = registered_model(model_id) if _is_uuid(model_id) else None
    if model is None or str(model.studio_id) != str(studio_id):
        raise ModelUnavailable(f"The shot's model {model_id!r} is not registered in this studio.",
                               extra={"model": model_id})
    try:
        runtime = runtime_for(model)
    except BackendError as error:
        raise ModelUnavailable(f"Model {model.name} v{model.version} cannot be loaded: {error}",
                               extra={"model": str(model.id)}) from None
    if model.backend == "diffusers" and runtime["backend"].get("fingerprint") != model.fingerprint:
        raise ModelUnavailable(f"The weights of model {model.name} v{model.version} changed since registration; "
                               "register them as a new version.", extra={"model": str(model.id)})
    return model, runtime


def _clip_video(model: RenderModel, revision: ShotRevision) -> dict[str, Any]:
    """Return a clip manifest's video section, refusing (422) a model whose pipeline makes stills only."""
    most = folder_clip_frames(Path(model.path)) if model.backend == "diffusers" else revision.frames
    if revision.frames > most:
        can = f"renders at most {most} frames" if most else "renders stills only"
        raise ModelUnavailable(f"Model {model.name} v{model.version} {can}; shot {revision.shot_id} asks for "
                               f"{revision.frames} frames.", extra={"model": str(model.id), "frames": most})
    return clip_description(model.backend)


def _episode(episode_id: str) -> Episode:
    episode = Episode.objects.filter(pk=episode_id).first() if _is_uuid(episode_id) else None
    if episode is None:
        raise NotFound("Not found.")
    return episode


def _job(job_id: str) -> Job:
    job = Job.objects.filter(pk=job_id).first() if _is_uuid(job_id) else None
    if job is None:
        raise NotFound("Not found.")
    return job


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
