"""Racing workers on PostgreSQL (real threads): a manifest is rendered into one render, whatever races."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

import eventlog
from generation import services
from generation.models import Job, JobItem, Render

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrency needs real concurrent connections: run with DATABASE_URL=postgres://…")


def in_threads(*calls) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(calls))

    def target(call) -> None:
        try:
            barrier.wait()
            call()
        except BaseException as error:  # reported to the test below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_the_same_item_run_by_two_workers_at_once_is_recorded_once(admin_user, make_episode, previz_model):
    # given
    episode = make_episode(previz_model, shots=1)
    job = services.episode_render(actor=admin_user, episode_id=str(episode.id))
    # when
    errors = in_threads(*[lambda: services.job_item_run(job_id=str(job.id), index=0)] * 2)
    # then
    assert errors == []
    assert Render.objects.count() == 1
    types = [e.type for e in eventlog.load_stream(f"job-{job.id}")]
    assert types.count("ShotRenderSucceeded") == 1
    assert Job.objects.get(pk=job.id).status == "succeeded"


def test_two_jobs_racing_for_the_same_manifest_share_one_render(admin_user, make_episode, previz_model):
    # given two jobs over the same shot revisions
    episode = make_episode(previz_model, shots=2)
    first = services.episode_render(actor=admin_user, episode_id=str(episode.id))
    second = services.episode_render(actor=admin_user, episode_id=str(episode.id))

    def run(job):
        return lambda: [services.job_item_run(job_id=str(job.id), index=i) for i in range(2)]

    # when
    errors = in_threads(run(first), run(second))
    # then
    assert errors == []
    assert Render.objects.count() == 2
    jobs = [Job.objects.get(pk=j.id) for j in (first, second)]
    assert [j.status for j in jobs] == ["succeeded", "succeeded"]
    assert sorted(jobs[0].renders) == sorted(jobs[1].renders)
    reused = JobItem.objects.filter(reused=True).count()
    assert reused == 2
