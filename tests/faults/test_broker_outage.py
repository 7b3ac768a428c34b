"""The broker stops while a render is queued: the request still answers 202 and the job runs once when the
broker returns, with no client retry (#20, 1). Real processes on PostgreSQL: a `rundramatiq` worker and a
private redis-server, stopped and started again; this process serves the request as the web process does."""

from __future__ import annotations

import time

import pytest
from django.db import connection

import eventlog
from config.models import OutboxMessage
from generation.models import TERMINAL_JOB_STATUSES, Job, Render
from tests.faults.processes import Worker, environment, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("worker processes need a database they can share: run with DATABASE_URL=postgres://…")


def test_a_render_queued_while_the_broker_is_down_runs_once_when_it_returns(
        api, web_broker, private_redis, shared_media, tiny_model, episode_with_shots, tmp_path):
    # given a worker behind Redis, and Redis stopped
    episode = episode_with_shots(tiny_model, seed=7, shots=2)
    worker = Worker(environment(shared_media, private_redis.url), tmp_path / "worker.log")
    worker.start()
    try:
        wait_for(lambda: worker.ready_count() == 1, 120, lambda: f"the worker to boot\n{worker.tail()}")
        private_redis.stop()

        # when a render is asked for
        started = time.monotonic()
        response = api.post(f"/api/episodes/{episode.id}/render/")
        answered = time.monotonic() - started

        # then it is recorded at once, its messages waiting in the outbox
        assert response.status_code == 202, response.content
        assert answered < 2.0
        job_id = response.json()["job"]
        assert OutboxMessage.objects.count() == 2
        time.sleep(3)  # the broker stays away a while: the dispatchers and the worker keep failing
        assert Job.objects.get(pk=job_id).status == "queued"

        # and when Redis returns (empty), the job runs with no client retry
        private_redis.start()
        wait_for(lambda: Job.objects.filter(pk=job_id, status__in=TERMINAL_JOB_STATUSES).exists(), 90,
                 lambda: f"the job to finish\n{worker.tail()}")
        time.sleep(2)  # a second copy of a message, had one been sent, would be handled by now
    finally:
        worker.stop()

    # then it ran once: each shot recorded once, one render each, nothing left in the outbox
    job = Job.objects.get(pk=job_id)
    assert (job.status, job.done, job.errors) == ("succeeded", 2, [])
    types = [e.type for e in eventlog.load_stream(f"job-{job_id}")]
    assert (types.count("JobStarted"), types.count("ShotRenderSucceeded"), types.count("JobFinished")) == (1, 2, 1)
    assert Render.objects.count() == 2
    assert OutboxMessage.objects.count() == 0
    assert eventlog.verify().ok
