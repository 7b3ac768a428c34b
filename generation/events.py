"""Generation events: model registrations, job lifecycles, renders, reproductions and re-render plans."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from eventlog import DomainEvent


@dataclass(frozen=True)
class ModelRegistered(DomainEvent):
    """A model version was registered: a name, a backend, a weights folder and its fingerprint."""

    model_id: str
    studio_id: str
    name: str
    version: int
    backend: str
    path: str
    fingerprint: str
    created_by: str


@dataclass(frozen=True)
class WorkerEnvironmentReported(DomainEvent):
    """A render worker process started where renders now run: its device, thread count and runtime
    environment (library versions, CPU capability, GPU…). Manifests queued behind a real broker are
    built for the latest one, so that the workers which render them recognise them as their own."""

    worker: str  # host:pid
    device: str
    threads: int
    environment: dict[str, Any]


@dataclass(frozen=True)
class JobQueued(DomainEvent):
    """A job was queued with the manifests it will render (or reproduce), one item each."""

    job_id: str
    studio_id: str
    kind: str
    items: list[dict[str, Any]]  # [{index, shot, shot_revision, manifest_hash, manifest, render?}]
    requested_by: str
    requested_by_id: int | None
    episode_id: str = ""
    cut_id: str = ""
    plan_id: str = ""
    skipped: list[dict[str, Any]] = field(default_factory=list)  # [{shot, shot_revision}] with nothing to do


@dataclass(frozen=True)
class JobStarted(DomainEvent):
    """A worker started on the first item of a job (later items report only when they finish)."""

    job_id: str


@dataclass(frozen=True)
class RenderSucceeded(DomainEvent):
    """A manifest was rendered and its PNG stored: the render's record, once per manifest hash (its own stream)."""

    render_id: str
    job_id: str
    index: int
    studio_id: str
    shot_id: str
    shot_revision: int
    manifest_hash: str
    manifest: dict[str, Any]
    image_sha256: str  # a clip's poster PNG
    # A clip's {kind: video, frames, fps, video_sha256, poster_sha256, frame_sha256: [...]}; None for a still
    # (and for every render recorded before clips existed).
    media: dict[str, Any] | None = None


@dataclass(frozen=True)
class ShotRenderSucceeded(DomainEvent):
    """An item of a job got its render: freshly made, or reused because its manifest was rendered before."""

    job_id: str
    index: int
    render_id: str
    reused: bool


@dataclass(frozen=True)
class ShotRenderFailed(DomainEvent):
    """An item failed: permanently (bad manifest, missing or changed weights) or after its retries ran out."""

    job_id: str
    index: int
    error: str
    permanent: bool


@dataclass(frozen=True)
class ReproductionCompared(DomainEvent):
    """A stored manifest was rendered again and the output compared with the recorded image (nothing stored)."""

    job_id: str
    index: int
    render_id: str
    identical: bool
    recorded_sha256: str
    reproduced_sha256: str
    environment: list[dict[str, Any]] = field(default_factory=list)
    clip: dict[str, Any] | None = None  # a clip's file and frame-by-frame comparison (generation.clips)


@dataclass(frozen=True)
class JobCancelled(DomainEvent):
    """A job was cancelled; items not yet finished will not be rendered."""

    job_id: str
    cancelled_by: str


@dataclass(frozen=True)
class JobFinished(DomainEvent):
    """Every item of a job reached a terminal state."""

    job_id: str
    status: str
    result: dict[str, Any] | None = None


@dataclass(frozen=True)
class RerenderPlanCreated(DomainEvent):
    """A re-render plan was computed from impact analysis: the pins it moves and the ones it cannot."""

    plan_id: str
    studio_id: str
    asset_id: str
    to_version: int
    episodes: list[str]
    shots: list[dict[str, Any]]  # [{shot, episode, revision, from, to}]
    blockers: list[dict[str, Any]]  # [{shot, episode, revision, from, reason}]
    renders: int
    created_by: str


@dataclass(frozen=True)
class RerenderPlanApproved(DomainEvent):
    """A supervisor approved a re-render plan."""

    plan_id: str
    approved_by: str


@dataclass(frozen=True)
class RerenderPlanExecuted(DomainEvent):
    """A plan revised its shots and queued the renders of the new revisions."""

    plan_id: str
    job_id: str
    revised: list[dict[str, Any]]  # [{shot, from_revision, to_revision}]
    skipped: list[dict[str, Any]]  # [{shot, reason}]


def model_stream(studio_id: str, name: str) -> str:
    """Return the stream of a model name in a studio (its versions are appended there in order)."""
    digest = hashlib.sha256(name.encode()).hexdigest()[:32]
    return f"model-{studio_id}-{digest}"


WORKERS_STREAM = "render-workers"


def job_stream(job_id: str) -> str:
    """Return the stream of a job."""
    return f"job-{job_id}"


def render_stream(manifest_hash: str) -> str:
    """Return the stream of one manifest: at most one RenderSucceeded is ever appended to it."""
    return f"render-{manifest_hash}"


def plan_stream(plan_id: str) -> str:
    """Return the stream of a re-render plan."""
    return f"plan-{plan_id}"
