"""Behind a real broker, manifests are built for the environment the worker pool reported at boot."""

from __future__ import annotations

from typing import Any

import pytest

import eventlog
from generation import rendering
from generation.events import WORKERS_STREAM, WorkerEnvironmentReported
from generation.models import JobItem, WorkerPool
from generation.rendering import environment_now
from generation.services import episode_render, job_item_run
from generation.services.pool import worker_environment_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def behind_a_real_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the web side see a real broker (its workers are other processes, maybe other machines)."""
    monkeypatch.setattr(rendering.dramatiq, "get_broker", lambda: object())


def report(device: str, threads: int, environment: dict[str, Any]) -> None:
    eventlog.append(WORKERS_STREAM, [WorkerEnvironmentReported(worker="gpu-box-1:4242", device=device,
                                                               threads=threads, environment=environment)],
                    expected_version=None)


def only_manifest(job: Any) -> dict[str, Any]:
    return JobItem.objects.get(job_id=job.id, index=0).manifest


def test_a_worker_reports_its_environment_once_and_again_only_when_it_changes(event_types):
    # when
    first = worker_environment_report(device="cpu", threads=1)
    again = worker_environment_report(device="cpu", threads=1)
    changed = worker_environment_report(device="cpu", threads=2)
    # then
    assert (first, again, changed) == (True, False, True)
    assert [e.type for e in eventlog.load_stream(WORKERS_STREAM)] == ["WorkerEnvironmentReported"] * 2
    pool = WorkerPool.objects.get()
    assert (pool.device, pool.threads) == ("cpu", 2)
    assert pool.environment == environment_now(device="cpu", threads=2, include_torch=True)


def test_manifests_behind_a_real_broker_record_the_reported_gpu_pool(
    behind_a_real_broker: None, tiny_model: Any, make_episode: Any, admin_user: Any,
):
    # given a pool of GPU workers that reported where they render
    gpu = {**environment_now(device="cpu", threads=1, include_torch=True), "device": "cuda",
           "gpu": "NVIDIA H100 80GB HBM3", "cuda": "12.8", "threads": 4}
    report("cuda", 4, gpu)
    episode = make_episode(tiny_model, shots=1)
    # when
    manifest = only_manifest(episode_render(actor=admin_user, episode_id=str(episode.id)))
    # then the manifest is built for the pool, not for this (GPU-less) web process
    assert (manifest["device"], manifest["threads"], manifest["environment"]) == ("cuda", 4, gpu)
    assert (manifest["backend"]["device"], manifest["backend"]["threads"]) == ("cuda", 4)
    assert manifest["backend"]["fingerprint"] == tiny_model.fingerprint


def test_a_worker_of_the_reported_pool_renders_what_was_queued_for_it(
    behind_a_real_broker: None, tiny_model: Any, make_episode: Any, admin_user: Any, settings: Any,
):
    # given a worker that booted with 2 threads (this web process renders with 1) and reported it
    settings.RENDER_THREADS = 1
    worker_environment_report(device="cpu", threads=2)
    job = episode_render(actor=admin_user, episode_id=str(make_episode(tiny_model, shots=1).id))
    assert only_manifest(job)["threads"] == 2
    # when that worker runs the item
    job_item_run(job_id=str(job.id), index=0)
    # then it recognises the manifest as its own and renders it
    job.refresh_from_db()
    assert (job.status, job.errors) == ("succeeded", [])


def test_without_a_report_or_with_the_in_process_worker_manifests_describe_this_process(
    tiny_model: Any, make_episode: Any, admin_user: Any, settings: Any,
):
    # given a stale report from GPU workers, but the in-process broker (the web process renders)
    report("cuda", 4, {"device": "cuda"})
    settings.RENDER_THREADS = 1
    # when
    manifest = only_manifest(episode_render(actor=admin_user, episode_id=str(make_episode(tiny_model, shots=1).id)))
    # then
    assert (manifest["device"], manifest["threads"]) == ("cpu", 1)
    assert manifest["environment"] == environment_now(device="cpu", threads=1, include_torch=True)


def test_previz_manifests_record_the_pools_imaging_libraries_only(
    behind_a_real_broker: None, previz_model: Any, make_episode: Any, admin_user: Any,
):
    # given
    pool = {**environment_now(device="cpu", threads=1, include_torch=True), "pillow": "99.0.0"}
    report("cpu", 1, pool)
    # when
    manifest = only_manifest(episode_render(actor=admin_user, episode_id=str(make_episode(previz_model).id)))
    # then
    assert manifest["environment"] == {key: pool[key] for key in ("python", "pillow", "numpy", "freetype", "zlib")}
    assert (manifest["device"], manifest["threads"]) == (None, None)
