"""Generation read models: registered models, jobs and items, renders and re-render plans."""

from __future__ import annotations

from typing import Any

from eventlog import Projection, RecordedEvent, Rows, register
from generation.models import (
    TERMINAL_JOB_STATUSES,
    Job,
    JobItem,
    JobStatus,
    PlanStatus,
    Render,
    RenderModel,
    RerenderPlan,
    WorkerPool,
)


def model_registered(event: RecordedEvent, rows: Rows) -> None:
    """Add the model version."""
    e = event.payload
    rows.add(RenderModel(id=e.model_id, studio_id=e.studio_id, name=e.name, version=e.version, backend=e.backend,
                         path=e.path, fingerprint=e.fingerprint, created_at=event.recorded_at,
                         created_by=e.created_by))


MODELS = register(
    Projection(name="generation.models", handlers={"ModelRegistered": model_registered}, models=[RenderModel])
)


def worker_environment_reported(event: RecordedEvent, rows: Rows) -> None:
    """Make the reported environment the pool's."""
    e = event.payload
    values = {"worker": e.worker, "device": e.device, "threads": e.threads, "environment": e.environment,
              "reported_at": event.recorded_at}
    pool = rows.get(WorkerPool, WorkerPool.POOL)
    if pool is None:
        rows.add(WorkerPool(id=WorkerPool.POOL, **values))
        return
    for name, value in values.items():
        setattr(pool, name, value)
    rows.save(pool)


WORKERS = register(Projection(name="generation.workers",
                              handlers={"WorkerEnvironmentReported": worker_environment_reported},
                              models=[WorkerPool]))


# --- jobs and renders ---------------------------------------------------------------------------

def job_queued(event: RecordedEvent, rows: Rows) -> None:
    """Add the job and one item per manifest."""
    e = event.payload
    rows.add(Job(id=e.job_id, studio_id=e.studio_id, kind=e.kind, status=JobStatus.QUEUED, episode_id=e.episode_id,
                 cut_id=e.cut_id, plan_id=e.plan_id, total=len(e.items), done=0, errors=[], renders=[], result=None,
                 skipped=e.skipped, requested_by=e.requested_by, requested_by_id=e.requested_by_id,
                 created_at=event.recorded_at, updated_at=event.recorded_at, finished_at=None))
    for item in e.items:
        rows.add(JobItem(id=f"{e.job_id}:{item['index']}", job_id=e.job_id, index=item["index"], shot_id=item["shot"],
                         shot_revision=item["shot_revision"], manifest_hash=item["manifest_hash"],
                         manifest=item["manifest"], status=JobStatus.QUEUED, render_id=item.get("render", ""),
                         reused=False, error="", comparison=None))


def _job(e: Any) -> list[tuple[type, str]]:
    return [(Job, e.job_id)]


def _job_and_item_keys(e: Any) -> list[tuple[type, str]]:
    return [(Job, e.job_id), (JobItem, f"{e.job_id}:{e.index}")]


def job_started(event: RecordedEvent, rows: Rows) -> None:
    """Mark the job running."""
    job = rows.get(Job, event.payload.job_id)
    job.status, job.updated_at = JobStatus.RUNNING, event.recorded_at
    rows.save(job, "status", "updated_at")


def render_succeeded(event: RecordedEvent, rows: Rows) -> None:
    """Add the render (its job item is updated by ShotRenderSucceeded in the same append)."""
    e = event.payload
    rows.add(Render(id=e.render_id, studio_id=e.studio_id, shot_id=e.shot_id, shot_revision=e.shot_revision,
                    manifest_hash=e.manifest_hash, manifest=e.manifest, image_sha256=e.image_sha256,
                    media=e.media, job_id=e.job_id, created_at=event.recorded_at))


def shot_render_succeeded(event: RecordedEvent, rows: Rows) -> None:
    """Count the item done and list its render on the job."""
    e = event.payload
    job, item = _job_and_item(rows, e.job_id, e.index, event)
    item.status, item.render_id, item.reused = JobStatus.SUCCEEDED, e.render_id, e.reused
    rows.save(item, "status", "render_id", "reused")
    job.renders = [*job.renders, e.render_id]
    rows.save(job, "renders")


def shot_render_failed(event: RecordedEvent, rows: Rows) -> None:
    """Count the item done and list its error on the job."""
    e = event.payload
    job, item = _job_and_item(rows, e.job_id, e.index, event)
    item.status, item.error = JobStatus.FAILED, e.error
    rows.save(item, "status", "error")
    job.errors = [*job.errors, {"shot": item.shot_id, "shot_revision": item.shot_revision, "error": e.error,
                                "permanent": e.permanent}]
    rows.save(job, "errors")


def reproduction_compared(event: RecordedEvent, rows: Rows) -> None:
    """Record the comparison on the item and count it done."""
    e = event.payload
    _job, item = _job_and_item(rows, e.job_id, e.index, event)
    item.status = JobStatus.SUCCEEDED
    item.comparison = {"render": e.render_id, "identical": e.identical, "recorded_sha256": e.recorded_sha256,
                       "reproduced_sha256": e.reproduced_sha256, "environment": e.environment}
    if e.clip is not None:
        item.comparison["clip"] = e.clip
    rows.save(item, "status", "comparison")


def job_cancelled(event: RecordedEvent, rows: Rows) -> None:
    """Cancel the job and every item that had not finished."""
    e = event.payload
    job = rows.get(Job, e.job_id)
    job.status, job.updated_at, job.finished_at = JobStatus.CANCELLED, event.recorded_at, event.recorded_at
    rows.save(job)
    for index in range(job.total):
        item = rows.get(JobItem, f"{e.job_id}:{index}")
        if item is not None and item.status not in TERMINAL_JOB_STATUSES:
            item.status = JobStatus.CANCELLED
            rows.save(item)


def job_finished(event: RecordedEvent, rows: Rows) -> None:
    """Close the job with its final status (and a reproduction's result)."""
    e = event.payload
    job = rows.get(Job, e.job_id)
    job.status, job.result = e.status, e.result
    job.updated_at, job.finished_at = event.recorded_at, event.recorded_at
    rows.save(job, "status", "result", "updated_at", "finished_at")


def _job_and_item(rows: Rows, job_id: str, index: int, event: RecordedEvent) -> tuple[Job, JobItem]:
    """Return the job, counted one item more done, and the item."""
    job = rows.get(Job, job_id)
    job.updated_at = event.recorded_at
    job.done += 1
    rows.save(job, "updated_at", "done")
    return job, rows.get(JobItem, f"{job_id}:{index}")


JOBS = register(
    Projection(
        name="generation.jobs",
        handlers={
            "JobQueued": job_queued,
            "JobStarted": job_started,
            "RenderSucceeded": render_succeeded,
            "ShotRenderSucceeded": shot_render_succeeded,
            "ShotRenderFailed": shot_render_failed,
            "ReproductionCompared": reproduction_compared,
            "JobCancelled": job_cancelled,
            "JobFinished": job_finished,
        },
        models=[Job, JobItem, Render],
    )
)


# --- re-render plans ----------------------------------------------------------------------------

def plan_created(event: RecordedEvent, rows: Rows) -> None:
    """Add the plan, proposed."""
    e = event.payload
    rows.add(RerenderPlan(id=e.plan_id, studio_id=e.studio_id, asset_id=e.asset_id, to_version=e.to_version,
                          episodes=e.episodes, shots=e.shots, blockers=e.blockers, renders=e.renders,
                          status=PlanStatus.PROPOSED, job_id="", revised=[], skipped=[], created_by=e.created_by,
                          created_at=event.recorded_at, approved_by="", approved_at=None, executed_at=None))


def _plan(e: Any) -> list[tuple[type, str]]:
    return [(RerenderPlan, e.plan_id)]


def plan_approved(event: RecordedEvent, rows: Rows) -> None:
    """Mark the plan approved."""
    e = event.payload
    plan = rows.get(RerenderPlan, e.plan_id)
    plan.status, plan.approved_by, plan.approved_at = PlanStatus.APPROVED, e.approved_by, event.recorded_at
    rows.save(plan)


def plan_executed(event: RecordedEvent, rows: Rows) -> None:
    """Mark the plan executed with its job, the shots it revised and the ones it skipped."""
    e = event.payload
    plan = rows.get(RerenderPlan, e.plan_id)
    plan.status, plan.job_id, plan.executed_at = PlanStatus.EXECUTED, e.job_id, event.recorded_at
    plan.revised, plan.skipped = e.revised, e.skipped
    rows.save(plan)


PLANS = register(
    Projection(
        name="generation.plans",
        handlers={
            "RerenderPlanCreated": plan_created,
            "RerenderPlanApproved": plan_approved,
            "RerenderPlanExecuted": plan_executed,
        },
        models=[RerenderPlan],
    )
)
