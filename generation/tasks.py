"""Dramatiq actors: each renders one manifest of a job (arguments are ids only) by calling one service.

Delivery is at least once: the services make a duplicate delivery or a retry harmless. Transient
failures are retried with backoff; permanent ones (missing weights, changed fingerprint, invalid
manifest, time limit) are recorded on the job and not retried (`throws`). With the in-process
StubBroker queued messages die with the process, so a booting in-process worker re-sends the
messages of unfinished jobs: that is how a job survives a worker killed mid-render.
"""

from __future__ import annotations

import logging
from typing import Any

import dramatiq
from django.conf import settings
from django.db import DatabaseError
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware.time_limit import TimeLimitExceeded

from generation.errors import PermanentRenderError
from generation.services import worker
from generation.services.jobs import RENDER_ACTOR, RENDER_QUEUE, jobs_resume
from generation.services.pool import worker_environment_report

logger = logging.getLogger(__name__)
MAX_RETRIES = 3


@dramatiq.actor(
    actor_name=RENDER_ACTOR,
    queue_name=RENDER_QUEUE,
    max_retries=MAX_RETRIES,
    min_backoff=1_000,
    max_backoff=60_000,
    time_limit=settings.RENDER_TIME_LIMIT_MS,
    throws=(PermanentRenderError,),
    on_retry_exhausted="render_retries_exhausted",
)
def render_job_item(job_id: str, index: int) -> None:
    """Render (or reproduce) one item of a job."""
    try:
        worker.job_item_run(job_id=job_id, index=index)
    except TimeLimitExceeded:
        limit = settings.RENDER_TIME_LIMIT_MS
        worker.job_item_fail(job_id=job_id, index=index, error=f"the render exceeded its time limit of {limit} ms",
                             permanent=True)
        raise PermanentRenderError(f"time limit of {limit} ms exceeded") from None


@dramatiq.actor(queue_name=RENDER_QUEUE, max_retries=5, min_backoff=1_000, max_backoff=60_000)
def render_retries_exhausted(message: dict[str, Any], retry_info: dict[str, Any]) -> None:
    """Record the failure of an item whose transient errors outlasted its retries."""
    job_id, index = message["args"]
    last_line = (message.get("options", {}).get("traceback") or "unknown error").strip().splitlines()[-1]
    worker.job_item_fail(job_id=job_id, index=index, permanent=False,
                         error=f"failed after {retry_info.get('retries', 0) + 1} attempts: {last_line}")


class ResumeJobsOnBoot(dramatiq.Middleware):
    """Re-send unfinished jobs' messages when an in-process worker boots (its queue died with the last process)."""

    def after_process_boot(self, broker: dramatiq.Broker) -> None:
        if not isinstance(broker, StubBroker):
            return  # a real broker kept its messages (and redelivers unacknowledged ones)
        try:
            count = jobs_resume()  # through the outbox, to this process's broker
        except DatabaseError as error:
            logger.warning("could not resume unfinished render jobs: %s", error)
            return
        if count:
            logger.info("re-sent %d render message(s) of unfinished jobs", count)


class ReportEnvironmentOnBoot(dramatiq.Middleware):
    """Report a worker process's render environment behind a real broker, so that manifests are built
    for the machines that render them (an in-process worker is the web process: nothing to report)."""

    # Worker boot, not process boot: dramatiq emits process_boot before it imports this module.
    def before_worker_boot(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        if isinstance(broker, StubBroker):
            return
        try:
            if worker_environment_report(device=settings.RENDER_DEVICE, threads=settings.RENDER_THREADS):
                logger.info("reported this worker's render environment (%s, %d thread(s))",
                            settings.RENDER_DEVICE, settings.RENDER_THREADS)
        except DatabaseError as error:
            logger.warning("could not report this worker's render environment: %s", error)


for _middleware in (ResumeJobsOnBoot, ReportEnvironmentOnBoot):
    if not any(isinstance(m, _middleware) for m in render_job_item.broker.middleware):
        render_job_item.broker.add_middleware(_middleware())
