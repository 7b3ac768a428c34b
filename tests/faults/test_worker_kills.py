"""Workers killed with SIGKILL at random moments of a render, restarted: every job finishes within its lease,
no render is made twice, no file is left over after a sweep, and the log verifies and replays (#20, 2).

Real processes on PostgreSQL: a `rundramatiq` worker behind a private redis-server, this process
queueing jobs through the outbox as the web process does. FAULT_TRIALS sets the number of kills.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection

import eventlog
from assets.blobstore import blob_key
from assets.sweep import blob_leftovers, blob_leftovers_remove
from config.models import OutboxMessage
from generation.models import TERMINAL_JOB_STATUSES, Job, JobItem, Render
from generation.services import episode_render
from tests.faults.processes import LEASE_SECONDS, Worker, blob_files_are_whole, environment, wait_for

pytestmark = pytest.mark.django_db(transaction=True)
TRIALS = int(os.environ.get("FAULT_TRIALS", "10"))
SHOTS = 3
# A restarted worker boots (about 9 s here), then finds the dead one's messages at its first fetch
# after their lease: a job must finish within the lease plus a boot and its renders.
RESUME_BOUND = LEASE_SECONDS + 50  # under the 60 s heartbeat dramatiq gives by default


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("worker processes need a database they can share: run with DATABASE_URL=postgres://…")


def held(broker: Any) -> int:
    """Return how many render messages workers have fetched and not acknowledged."""
    return sum(broker.client.scard(key) for key in broker.client.keys(f"{broker.namespace}:__acks__.*.renders"))


def finished(job_id: str) -> bool:
    return Job.objects.filter(pk=job_id, status__in=TERMINAL_JOB_STATUSES).exists()


def test_workers_killed_at_random_moments_of_renders_lose_no_job_and_duplicate_no_render(
        admin_user, web_broker, private_redis, shared_media, tiny_model, episode_with_shots, tmp_path, capsys):
    # given a worker behind Redis, and jobs of three shots (two held by the worker at once: prefetch 2)
    seed = int(os.environ.get("FAULT_SEED", str(random.SystemRandom().randrange(10**6))))
    rng = random.Random(seed)
    worker = Worker(environment(shared_media, private_redis.url), tmp_path / "worker.log")
    worker.start()
    resumed: list[float] = []
    moments: list[int] = []  # shots already recorded when the kill came
    jobs: list[str] = []
    try:
        wait_for(lambda: worker.ready_count() == 1, 120, lambda: f"the worker to boot\n{worker.tail()}")
        for trial in range(TRIALS):
            episode = episode_with_shots(tiny_model, seed=1000 * (trial + 1))
            job_id = str(episode_render(actor=admin_user, episode_id=str(episode.id)).id)
            jobs.append(job_id)
            # when, once the worker has fetched the job's first messages, its child is killed at a random
            # moment (loading the model, rendering, storing, recording, after the job)
            wait_for(lambda: held(web_broker) > 0, 60, "the worker to fetch the job's messages")
            time.sleep(rng.uniform(0.0, 1.5))
            moments.append(Job.objects.values_list("done", flat=True).get(pk=job_id))
            killed = worker.kill_child()
            worker.start()
            # then the job finishes within its lease, a boot and its renders
            wait_for(lambda: finished(job_id), RESUME_BOUND,  # noqa: B023 (called before the loop moves on)
                     lambda: f"trial {trial}'s job to finish\n{worker.tail()}")  # noqa: B023
            resumed.append(time.monotonic() - killed)
    finally:
        worker.stop()
    leftovers = blob_leftovers(older_than=timedelta(0))
    # Only kills that came before the job finished measure a resumption.
    interrupted = [took for took, done in zip(resumed, moments, strict=True) if done < SHOTS]
    with capsys.disabled():
        took = interrupted or [0.0]
        print(f"\nworker kills: {TRIALS} trials (seed {seed}), lease {LEASE_SECONDS:.0f} s: {len(jobs)} jobs held, "
              f"0 lost; shots recorded at each kill: {sorted(moments)}; {len(interrupted)} kills interrupted a job, "
              f"which finished after median {statistics.median(took):.1f} s, max {max(took):.1f} s; "
              f"files swept: {len(leftovers)}")

    # then every job succeeded, each of its shots recorded once, with one render per manifest
    assert list(Job.objects.filter(pk__in=jobs).values_list("status", flat=True).distinct()) == ["succeeded"]
    assert JobItem.objects.filter(job_id__in=jobs, status="succeeded").count() == TRIALS * SHOTS
    types = [e.type for e in eventlog.read_after(0)]
    assert types.count("ShotRenderSucceeded") == TRIALS * SHOTS
    assert types.count("RenderSucceeded") == Render.objects.count() == TRIALS * SHOTS
    assert Render.objects.values("manifest_hash").distinct().count() == TRIALS * SHOTS
    # and a sweep leaves exactly the files the log names
    blob_leftovers_remove(leftovers)
    assert blob_leftovers(older_than=timedelta(0)) == []
    assert blob_files_are_whole(shared_media) == []
    assert all((shared_media / "blobs" / blob_key(sha)).is_file()
               for sha in Render.objects.values_list("image_sha256", flat=True))
    assert OutboxMessage.objects.count() == 0
    # and the log verifies and replays to the same read models
    assert eventlog.verify().ok
    assert eventlog.replay_check() is None
