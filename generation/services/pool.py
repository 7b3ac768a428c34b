"""The worker pool: where renders run behind a real broker.

A manifest records the device, thread count and environment of the machine that will render it,
and a worker refuses a manifest recorded for another environment (its pixels could differ). With
a real broker the workers are other processes, often on other machines (GPU boxes), so the web
process cannot describe them from its own runtime: each worker reports its environment when it
boots, and manifests are built for the latest report (`generation.rendering.render_site`).
"""

from __future__ import annotations

import os
import socket

import eventlog
from generation.events import WORKERS_STREAM, WorkerEnvironmentReported
from generation.models import WorkerPool
from generation.rendering import environment_now


def worker_environment_report(*, device: str, threads: int) -> bool:
    """Record this process's render environment as the pool's, unless it already is; return whether it was."""
    environment = environment_now(device=device, threads=threads, include_torch=True)
    pool = WorkerPool.objects.filter(pk=WorkerPool.POOL).first()
    if pool is not None and (pool.device, pool.threads, pool.environment) == (device, threads, environment):
        return False
    report = WorkerEnvironmentReported(worker=f"{socket.gethostname()}:{os.getpid()}", device=device,
                                       threads=threads, environment=environment)
    eventlog.append(WORKERS_STREAM, [report], expected_version=None)
    return True
